/* shsplit: the simple commands a POSIX shell command string would run.
 *
 * system() and popen() hand their string to `sh -c`.  To judge it before the
 * shell starts, the string is split the way sh would split it: words, quotes
 * ('...', "...", \), operators (; & && || | and newlines), subshells and groups
 * ( ... ) { ...; }, command substitutions $( ... ) and `...` (whose contents are
 * split too), redirections (which are not commands), assignments in front of a
 * command (A=1 cmd), reserved words (if then else elif fi while until for in do
 * done case esac ! { }), and the words of for-lists and case patterns (which are
 * not commands either).  Each simple command found is handed to a callback with
 * its words after quote removal.
 *
 * The splitter does not expand anything.  A word whose value is only known when
 * the shell runs (it holds $var, ${...}, $(...), `...`, $((...)), a glob
 * character * ? [ , or a leading ~) is flagged SHSPLIT_DYNAMIC; the caller
 * decides what an unknown program means (the monitor checks it again at exec).
 *
 * It never crashes or reads past len on any input; nesting is bounded.
 */
#ifndef PYSBX_SHSPLIT_H
#define PYSBX_SHSPLIT_H

#include <stddef.h>

enum shsplit_word_flag {
	SHSPLIT_DYNAMIC = 1u << 0, /* value depends on expansion at run time */
};

struct shsplit_cmd {
	size_t argc;          /* >= 1 */
	char **argv;          /* words after quote removal; argv[0] is the program word */
	const unsigned *flags;  /* per word, enum shsplit_word_flag */
	unsigned depth;       /* 0 at top level, +1 inside each $( ) or ` ` */
};

/* Returns 0 to go on, nonzero to stop splitting (returned by shsplit_run). */
typedef int (*shsplit_cb)(void *ctx, const struct shsplit_cmd *cmd);

/* Splits cmd[0..len) and calls cb once per simple command, in order.
 * Returns 0 when the whole string was split, the callback's nonzero value if
 * it stopped, -EINVAL on a syntax error the shell would also reject
 * (unterminated quote or substitution, unbalanced parenthesis), -E2BIG when
 * nesting or word count exceeds the splitter's bounds, -ENOMEM. */
int shsplit_run(const char *cmd, size_t len, shsplit_cb cb, void *ctx);

#endif
