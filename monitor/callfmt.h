/* callfmt: how a person sees a call.
 *
 * One rendering for every place a person reads about a call: the monitor's
 * stderr line, --check-log, and --report in all its formats (text, dot, html),
 * so the same call reads the same everywhere:
 *
 *   [WHAT ]CALL[ from [a pointer dlsym gave ]OBJECT][ on behalf of OBJECT] (pid N)[: WHY][ [FILE:LINE]][ at PY:LINE in FN]
 *
 * CALL is FUNCTION(ARGS), syscall(SYS_NAME, ARGS), NAME(ARGS) system call, or
 * exec of PATH, [ARGV].  Strings are quoted as in C.  Whatever bytes the job
 * chose, the text is safe to show: control bytes, bytes that are not UTF-8,
 * C1 controls and the characters that reorder or break text on a screen are
 * escaped (\xHH for a byte, \uHHHH for a character), so a hostile argument can
 * neither forge a line nor move the cursor nor disguise itself.  The output
 * goes into a struct jw used as a plain byte buffer (jw_raw).
 */
#ifndef PYSBX_CALLFMT_H
#define PYSBX_CALLFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "monitor/call.h"
#include "monitor/jsonw.h"

#define CALLFMT_STR_MAX 160   /* bytes of a string shown, then "...(N bytes)" */
#define CALLFMT_VEC_MAX 12    /* elements of a vector shown, then "..." */

/* How the call was decided, for callfmt_line; any member may be NULL. */
struct callfmt_outcome {
	const char *what;     /* "denied", "would deny", "killed job at", "allowed" */
	const char *why;      /* the decision's reason */
	const char *rule;     /* "FILE:LINE" of the rule that decided */
	const char *on_behalf;  /* the object on the stack whose [module] rule decided */
	const char *py_file;  /* innermost Python frame */
	int py_line;
	const char *py_func;
};

/* s[0..n) escaped for a person, without quotes (backslash escaped too, so
 * every backslash in the output starts an escape). */
void callfmt_text(struct jw *b, const char *s, size_t n);
/* A string argument: quoted, escaped, cut after CALLFMT_STR_MAX bytes.
 * NULL shows as NULL. */
void callfmt_str(struct jw *b, const char *s);
/* A string vector: ["a", "b", ...]. */
void callfmt_vec(struct jw *b, char *const *v, size_t n);
/* One decoded argument. */
void callfmt_arg(struct jw *b, const struct call_arg *a);
/* CALL[ from OBJECT] */
void callfmt_call(struct jw *b, const struct call *c);
/* The whole line as stderr shows it after "pysbx: ", without a newline. */
void callfmt_line(struct jw *b, const struct call *c, const struct callfmt_outcome *o);

/* "denied", "would deny", "killed job at" or "allowed" for a verdict name
 * ("allow", "deny", "kill") and whether it was enforced. */
const char *callfmt_what(const char *verdict, bool enforced);

#endif
