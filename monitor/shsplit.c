/* shsplit: the simple commands a POSIX shell command string would run.
 *
 * A lexer (lex() and the read_* helpers for quotes and expansions) under a
 * recursive-descent parser for the POSIX grammar (parse_list() down to
 * parse_simple()).  A command substitution is parsed by a child parser over
 * the same text, or for `...` over its unescaped copy, which is how its
 * commands come out with depth + 1.
 *
 * The splitter must find every program the shell would start, whichever
 * shell /bin/sh is.  Where dash (Debian's sh) and bash (sh elsewhere) read
 * the same text as different commands, it returns -EINVAL instead of picking
 * one: a command whose meaning depends on the shell is not ordinary use, and
 * the caller denies it.  Each such place says "ambiguous" below.
 *
 * Bounds: nesting of every kind counts against MAX_NEST (that also bounds
 * the C recursion); every loop moves forward through the text, and a
 * backquote copy is made once per level, so work is linear in len times at
 * most MAX_NEST.
 */
#include "monitor/shsplit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEST	32	/* substitutions, compound commands, ${ } and $(( )) */
#define MAX_WORDS	4096	/* words of one simple command */
#define MAX_HEREDOCS	16	/* here-documents waiting for the end of their line */

/* What surrounds the text being read; quotes and backslashes depend on it. */
enum ctx {
	CTX_UNQ,	/* ordinary shell text */
	CTX_DQ,		/* inside "..." */
	CTX_HEREDOC,	/* body of an unquoted here-document */
	CTX_ARITH,	/* $(( )) or a (( )) that bash reads as arithmetic */
};

struct buf {
	char *p;	/* NUL-terminated once anything was added */
	size_t n, cap;
};

struct word {
	struct buf v;	/* after quote removal; expansions kept as written */
	unsigned flags;	/* enum shsplit_word_flag */
	bool plain;	/* no quote, escape or expansion: may be a reserved word */
	bool quoted;	/* has a quote or backslash: a here-doc delimiter is then literal */
	bool assign;	/* NAME=...: an assignment when it comes before the command */
	bool ambig;	/* NAME+=... or NAME[...]=...: assignment to bash, program to dash */
};

enum tok_kind {
	T_EOF, T_NL, T_SEMI, T_AMP, T_AND, T_OR, T_PIPE,
	T_DSEMI,	/* ;; and bash's ;& ;;& */
	T_LPAREN, T_RPAREN,
	T_REDIR,	/* a whole redirection, target word included */
	T_WORD,
};

struct tok {
	enum tok_kind kind;
	struct word w;	/* T_WORD only */
};

struct heredoc {
	char *delim;
	size_t len;
	bool strip_tabs;	/* <<- */
	bool quoted;		/* body is literal: no expansion, no line joining */
};

/* The words of one simple command, handed to the callback.  Kept in the
 * parser and reused, so a long string costs no allocation per command. */
struct cmd {
	struct buf text;	/* the words, each NUL-terminated */
	size_t *off;		/* where each word starts in text */
	unsigned *flags;
	char **argv;		/* pointers into text, made when reported */
	size_t argc, cap;
};

/* One parser over one text: the command string, a $( ) inside it (same text,
 * another end), a `...` (its unescaped copy) or a here-document body. */
struct sp {
	const char *src;
	size_t len, pos;	/* never read at or past len */

	shsplit_cb cb;
	void *ctx;
	unsigned depth;		/* reported with each command */
	unsigned nest;		/* against MAX_NEST */
	unsigned dparen;	/* inside ((: see parse_subshell() */
	unsigned qbrace;	/* inside a quoted ${ }: see bq_backslash() */

	struct tok la;		/* one token of lookahead; its buffer is reused */
	bool have_la;
	struct cmd cmd;		/* parse_simple()'s, reused */
	struct heredoc hd[MAX_HEREDOCS];	/* read at the next newline token */
	size_t nhd;
};

static int parse_list(struct sp *sp);
static int parse_command(struct sp *sp);
static int read_dollar(struct sp *sp, struct word *w, enum ctx ctx);
static int read_backquote(struct sp *sp, struct word *w, enum ctx ctx);
static int read_dquote(struct sp *sp, struct word *w);

/* ---- buffers and words ---------------------------------------------- */

static int buf_addn(struct buf *b, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (n >= SIZE_MAX / 2 - b->n)
		return -ENOMEM;
	if (b->n + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 32;
		while (cap < b->n + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

/* Helpers take a NULL word when only the commands inside matter
 * (the inside of ${ }, $(( )) and here-document bodies). */
static int w_addn(struct word *w, const char *s, size_t n)
{
	return w ? buf_addn(&w->v, s, n) : 0;
}

static int w_add(struct word *w, char c)
{
	return w_addn(w, &c, 1);
}

static void w_quoted(struct word *w)
{
	if (w) {
		w->plain = false;
		w->quoted = true;
	}
}

static void w_dynamic(struct word *w)
{
	if (w) {
		w->plain = false;
		w->flags |= SHSPLIT_DYNAMIC;
	}
}

static void word_free(struct word *w)
{
	free(w->v.p);
	memset(w, 0, sizeof(*w));
}

/* Empties w but keeps its buffer for the next token. */
static void word_reset(struct word *w)
{
	struct buf v = w->v;

	memset(w, 0, sizeof(*w));
	w->v = v;
	w->v.n = 0;
	if (v.p)
		v.p[0] = '\0';
}

/* ---- the text ------------------------------------------------------- */

static int cur(const struct sp *sp)
{
	return sp->pos < sp->len ? (unsigned char)sp->src[sp->pos] : -1;
}

static int at(const struct sp *sp, size_t i)
{
	return i < sp->len ? (unsigned char)sp->src[i] : -1;
}

/* Backslash-newline vanishes wherever it is not quoted: l\<nl>s is ls. */
static void skip_bnl(struct sp *sp)
{
	while (at(sp, sp->pos) == '\\' && at(sp, sp->pos + 1) == '\n')
		sp->pos += 2;
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Character classes of unquoted text. */
enum {
	C_DELIM = 1,	/* ends a word */
	C_SPECIAL = 2,	/* quotes, expands or globs inside a word */
};

static const unsigned char char_class[256] = {
	[' '] = C_DELIM, ['\t'] = C_DELIM, ['\n'] = C_DELIM, [';'] = C_DELIM,
	['&'] = C_DELIM, ['|'] = C_DELIM, ['('] = C_DELIM, [')'] = C_DELIM,
	['<'] = C_DELIM, ['>'] = C_DELIM,
	['\\'] = C_SPECIAL, ['\''] = C_SPECIAL, ['"'] = C_SPECIAL, ['$'] = C_SPECIAL,
	['`'] = C_SPECIAL, ['*'] = C_SPECIAL, ['?'] = C_SPECIAL, ['['] = C_SPECIAL,
	[']'] = C_SPECIAL, ['~'] = C_SPECIAL, ['{'] = C_SPECIAL, ['}'] = C_SPECIAL,
	['='] = C_SPECIAL, ['+'] = C_SPECIAL,
};

/* Characters that end an unquoted word (c < 0: the end of the text). */
static bool is_delim(int c)
{
	return c < 0 || (char_class[c] & C_DELIM);
}

/* Characters that need no more than copying. */
static bool is_ordinary(int c)
{
	return c >= 0 && !char_class[c];
}

static bool is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* ---- child parsers -------------------------------------------------- */

/* child is safe to sp_fini() even when this fails. */
static int sp_child(struct sp *child, const struct sp *sp, const char *src,
		    size_t len, size_t pos, unsigned depth)
{
	memset(child, 0, sizeof(*child));
	if (sp->nest >= MAX_NEST)
		return -E2BIG;
	child->src = src;
	child->len = len;
	child->pos = pos;
	child->cb = sp->cb;
	child->ctx = sp->ctx;
	child->depth = depth;
	child->nest = sp->nest + 1;
	return 0;
}

static void sp_fini(struct sp *sp)
{
	size_t i;

	word_free(&sp->la.w);
	sp->have_la = false;
	for (i = 0; i < sp->nhd; i++)
		free(sp->hd[i].delim);
	sp->nhd = 0;
	free(sp->cmd.text.p);
	free(sp->cmd.off);
	free(sp->cmd.flags);
	free(sp->cmd.argv);
	memset(&sp->cmd, 0, sizeof(sp->cmd));
}

/* Nesting that does not make a child parser (compounds, ${ }, $(( ))). */
static int nest_enter(struct sp *sp)
{
	if (sp->nest >= MAX_NEST)
		return -E2BIG;
	sp->nest++;
	return 0;
}

/* ---- quotes and expansions ------------------------------------------ */

static int read_squote(struct sp *sp, struct word *w)
{
	size_t start = sp->pos + 1;
	const char *end;

	if (start > sp->len)
		return -EINVAL;
	end = memchr(sp->src + start, '\'', sp->len - start);
	if (!end)
		return -EINVAL;
	w_quoted(w);
	sp->pos = (size_t)(end - sp->src) + 1;
	return w_addn(w, sp->src + start, (size_t)(end - sp->src) - start);
}

static int hexval(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int add_utf8(struct word *w, unsigned long u)
{
	char b[4];
	size_t n;

	if (u < 0x80) {
		b[0] = (char)u;
		n = 1;
	} else if (u < 0x800) {
		b[0] = (char)(0xc0 | (u >> 6));
		b[1] = (char)(0x80 | (u & 0x3f));
		n = 2;
	} else if (u < 0x10000) {
		b[0] = (char)(0xe0 | (u >> 12));
		b[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		b[2] = (char)(0x80 | (u & 0x3f));
		n = 3;
	} else {
		u &= 0x1fffff;
		b[0] = (char)(0xf0 | (u >> 18));
		b[1] = (char)(0x80 | ((u >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((u >> 6) & 0x3f));
		b[3] = (char)(0x80 | (u & 0x3f));
		n = 4;
	}
	return w_addn(w, b, n);
}

/* Reads up to max digits of base 8 or 16 at *i; returns the count read. */
static int read_num(const struct sp *sp, size_t *i, int base, int max,
		    unsigned long *val)
{
	int n = 0, d;

	*val = 0;
	while (n < max && (d = hexval(at(sp, *i))) >= 0 && d < base) {
		*val = *val * (unsigned)base + (unsigned)d;
		(*i)++;
		n++;
	}
	return n;
}

/* One escape of $'...' at i (just past the backslash); bash's meaning. */
static int ansi_escape(const struct sp *sp, size_t *i, struct word *w, bool *nul)
{
	static const char from[] = "abeEfnrtv\\\"?", to[] = "\a\b\033\033\f\n\r\t\v\\\"?";
	int c = at(sp, *i);
	const char *k = c > 0 ? strchr(from, c) : NULL;
	unsigned long v;

	if (k) {
		(*i)++;
		return w_add(w, to[k - from]);
	}
	if (c >= '0' && c <= '7') {
		read_num(sp, i, 8, 3, &v);
	} else if (c == 'x' || c == 'u' || c == 'U') {
		(*i)++;
		if (!read_num(sp, i, 16, c == 'x' ? 2 : c == 'u' ? 4 : 8, &v))
			return w_addn(w, c == 'x' ? "\\x" : c == 'u' ? "\\u" : "\\U", 2);
		if (c != 'x')
			return v ? add_utf8(w, v) : (*nul = true, 0);
	} else if (c == 'c' && at(sp, *i + 1) > 0 && at(sp, *i + 1) != '\'') {
		v = (unsigned)at(sp, *i + 1) & 0x1f;
		*i += 2;
	} else {
		return w_add(w, '\\');	/* unknown: kept, the character follows */
	}
	if (!(v & 0xff))
		*nul = true;	/* bash ends the string at a NUL */
	return *nul ? 0 : w_add(w, (char)v);
}

/* $'...' (pos at the quote).  bash decodes escapes and lets \' continue the
 * string; dash reads $ and an ordinary '...' that ends at the first quote.
 * They agree on the extent unless there is a \', which is ambiguous. */
static int read_ansi(struct sp *sp, struct word *w)
{
	size_t i = sp->pos + 1;
	bool nul = false;
	int rc = 0;

	w_quoted(w);
	while (!rc && at(sp, i) != '\'') {
		if (at(sp, i) < 0)
			return -EINVAL;
		if (at(sp, i) != '\\') {
			if (!nul)
				rc = w_add(w, sp->src[i]);
			i++;
			continue;
		}
		if (at(sp, ++i) == '\'')
			return -EINVAL;
		if (at(sp, i) == '\\' || nul) {
			rc = nul ? 0 : w_add(w, '\\');
			i += at(sp, i) == '\\';
			continue;
		}
		rc = nul ? 0 : ansi_escape(sp, &i, w, &nul);
	}
	sp->pos = i + 1;
	return rc;
}

/* The command substitution $( ... ) (pos just past the parenthesis). */
static int read_cmdsubst(struct sp *sp, struct word *w, size_t start)
{
	struct sp child;
	struct tok *t = &child.la;
	int rc;

	rc = sp_child(&child, sp, sp->src, sp->len, sp->pos, sp->depth + 1);
	if (rc)
		return rc;
	rc = parse_list(&child);
	if (!rc && !child.have_la)
		rc = -EINVAL;	/* parse_list() always leaves its stop token */
	if (!rc && t->kind != T_RPAREN)
		rc = -EINVAL;	/* unterminated, or an unbalanced token */
	/* A here-document opened inside but read after the ) is read
	 * differently by dash and bash: ambiguous. */
	if (!rc && child.nhd)
		rc = -EINVAL;
	if (!rc) {
		sp->pos = child.pos;
		rc = w_addn(w, sp->src + start, sp->pos - start);
	}
	sp_fini(&child);
	return rc;
}

/* $(( ... )) (pos just past the second parenthesis).  Not a command, but its
 * text is expanded first, so substitutions inside run.  dash treats quotes
 * in it as literal characters and bash removes them, so they are ambiguous
 * (and never needed). */
static int read_arith(struct sp *sp, struct word *w, size_t start)
{
	unsigned paren = 0;
	int c, rc;

	rc = nest_enter(sp);
	for (; !rc; ) {
		skip_bnl(sp);
		c = cur(sp);
		if (c < 0 || c == '\'' || c == '"' || c == '\\') {
			rc = -EINVAL;
		} else if (c == '$') {
			rc = read_dollar(sp, NULL, CTX_ARITH);
		} else if (c == '`') {
			rc = read_backquote(sp, NULL, CTX_ARITH);
		} else if (c == '(') {
			paren++;
			sp->pos++;
		} else if (c == ')' && paren) {
			paren--;
			sp->pos++;
		} else if (c == ')') {
			sp->pos++;
			skip_bnl(sp);
			if (cur(sp) != ')')
				rc = -EINVAL;
			sp->pos++;
			break;
		} else {
			sp->pos++;
		}
	}
	if (!rc) {
		sp->nest--;
		rc = w_addn(w, sp->src + start, sp->pos - start);
	}
	return rc;
}

/* How single quotes inside "${...}" are read: literally after the
 * POSIX word operators, as quotes after # and %, and bash's own operators
 * (/, ^, :offset, ...) are ambiguous.  Outside double quotes they are
 * always quotes.  BR_BAD: ${name:} , where dash takes the } for an
 * operator and reads on to the next }, and bash stops: ambiguous. */
enum brace_op { BR_WORD, BR_PATTERN, BR_OTHER, BR_BAD };

/* Reads one character of the parameter name, past backslash-newlines. */
static int name_next(struct sp *s)
{
	skip_bnl(s);
	return cur(s);
}

static enum brace_op brace_op(const struct sp *sp)
{
	struct sp s = { .src = sp->src, .len = sp->len, .pos = sp->pos };
	int c = name_next(&s);

	if (is_name_start(c)) {
		while (s.pos++, is_name_char(name_next(&s)))
			;
	} else if (is_digit(c)) {
		while (s.pos++, is_digit(name_next(&s)))
			;
	} else if (c > 0 && strchr("@*#?-$!", c)) {
		s.pos++;
	} else {
		return BR_OTHER;
	}
	c = name_next(&s);
	if (c == ':') {
		s.pos++;
		c = name_next(&s);
		if (c == '}')
			return BR_BAD;
		return c > 0 && strchr("-=?+", c) ? BR_WORD : BR_OTHER;
	}
	if (c > 0 && strchr("-=?+", c))
		return BR_WORD;
	if (c == '#' || c == '%')
		return BR_PATTERN;
	return BR_OTHER;
}

/* A single quote inside ${ }: a quoted string or a literal character. */
static int brace_squote(struct sp *sp, enum ctx ctx, enum brace_op op)
{
	if (ctx == CTX_UNQ || (op == BR_PATTERN && ctx != CTX_ARITH))
		return read_squote(sp, NULL);
	if (op == BR_WORD && ctx != CTX_ARITH) {
		sp->pos++;
		return 0;
	}
	return -EINVAL;	/* ambiguous */
}

/* ${ ... } (pos just past the brace).  Only ${ nests: a plain { inside does
 * not (${x:-{a}b} is "{ab}" in dash and bash). */
static int read_brace(struct sp *sp, struct word *w, enum ctx ctx, size_t start)
{
	enum brace_op op = brace_op(sp);
	int c, rc;

	if (op == BR_BAD)
		return -EINVAL;
	sp->qbrace += ctx != CTX_UNQ;
	rc = nest_enter(sp);
	for (; !rc; ) {
		skip_bnl(sp);
		c = cur(sp);
		if (c < 0) {
			rc = -EINVAL;
		} else if (c == '}') {
			sp->pos++;
			break;
		} else if (c == '\\') {
			/* a pair: the escaped character is never special */
			sp->pos += sp->pos + 1 < sp->len ? 2 : 1;
		} else if ((c == '<' || c == '>') && at(sp, sp->pos + 1) == '(' &&
			   ctx == CTX_UNQ) {
			rc = -EINVAL;	/* bash runs ${x:-<(cmd)}, dash does not */
		} else if (c == '\'') {
			rc = brace_squote(sp, ctx, op);
		} else if (c == '"') {
			rc = ctx == CTX_ARITH ? -EINVAL : read_dquote(sp, NULL);
		} else if (c == '$') {
			/* $'..' in a quoted ${ } is bash's business alone */
			if (ctx != CTX_UNQ && at(sp, sp->pos + 1) == '\'')
				rc = -EINVAL;
			else
				rc = read_dollar(sp, NULL, ctx);
		} else if (c == '`') {
			rc = read_backquote(sp, NULL, ctx);
		} else {
			sp->pos++;
		}
	}
	if (!rc) {
		sp->nest--;
		sp->qbrace -= ctx != CTX_UNQ;
		rc = w_addn(w, sp->src + start, sp->pos - start);
	}
	return rc;
}

/* $ and what follows (pos at the $).  Every word holding a $ is dynamic,
 * even a literal one: the caller only learns the value at exec. */
static int read_dollar(struct sp *sp, struct word *w, enum ctx ctx)
{
	size_t start = sp->pos;

	w_dynamic(w);
	sp->pos++;
	skip_bnl(sp);
	switch (cur(sp)) {
	case '(':
		sp->pos++;
		skip_bnl(sp);
		if (cur(sp) == '(') {
			sp->pos++;
			return read_arith(sp, w, start);
		}
		return read_cmdsubst(sp, w, start);
	case '{':
		sp->pos++;
		return read_brace(sp, w, ctx, start);
	case '\'':
		if (ctx == CTX_UNQ)
			return read_ansi(sp, w);
		break;
	}
	/* $name, $1, $"..." and a lone $: the rest is read as ordinary text */
	return w_add(w, '$');
}

/* Backslash inside `...` (pos at the backslash): \$ \` \\ (and \" in
 * double quotes) lose the backslash before the inside is parsed. */
static int bq_backslash(struct sp *sp, struct buf *b, enum ctx ctx)
{
	int c;

	sp->pos++;
	c = cur(sp);	/* a pair: \\<nl> is a backslash and a newline */
	if (c == '\n') {
		sp->pos++;
		return 0;
	}
	if (c == '$' || c == '`' || c == '\\') {
		sp->pos++;
		return buf_addn(b, sp->src + sp->pos - 1, 1);
	}
	/* in "${x:-`...`}" and the like, dash unescapes \" and bash not */
	if (c == '"' && sp->qbrace)
		return -EINVAL;
	if (c == '"' && ctx == CTX_DQ) {
		sp->pos++;
		return buf_addn(b, "\"", 1);
	}
	/* dash unescapes \" in a here-document's `...`, bash does not */
	if (c == '"' && ctx != CTX_UNQ)
		return -EINVAL;
	return buf_addn(b, "\\", 1);
}

/* `...` (pos at the backquote): the inside, unescaped, is parsed as a
 * command string of its own. */
static int read_backquote(struct sp *sp, struct word *w, enum ctx ctx)
{
	size_t start = sp->pos;
	struct buf b = { 0 };
	struct sp child;
	int rc = 0;

	w_dynamic(w);
	for (sp->pos++; !rc; ) {
		if (cur(sp) < 0)
			rc = -EINVAL;
		else if (cur(sp) == '`')
			break;
		else if (cur(sp) == '\\')
			rc = bq_backslash(sp, &b, ctx);
		else
			rc = buf_addn(&b, sp->src + sp->pos++, 1);
	}
	if (rc)
		goto out;
	sp->pos++;
	rc = sp_child(&child, sp, b.p ? b.p : "", b.n, 0, sp->depth + 1);
	if (rc)
		goto out;
	rc = parse_list(&child);
	if (!rc && (!child.have_la || child.la.kind != T_EOF))
		rc = -EINVAL;
	/* a here-document left open: as in read_cmdsubst() (dash 0.5.12 reads
	 * an empty body, later dash the lines after the outer newline) */
	if (!rc && child.nhd)
		rc = -EINVAL;
	sp_fini(&child);
	if (!rc)
		rc = w_addn(w, sp->src + start, sp->pos - start);
out:
	free(b.p);
	return rc;
}

/* "..." (pos at the quote). */
static int read_dquote(struct sp *sp, struct word *w)
{
	int c, rc = 0;

	w_quoted(w);
	for (sp->pos++; !rc; ) {
		skip_bnl(sp);
		c = cur(sp);
		if (c < 0)
			return -EINVAL;
		if (c == '"') {
			sp->pos++;
			break;
		}
		if (c == '$') {
			rc = read_dollar(sp, w, CTX_DQ);
		} else if (c == '`') {
			rc = read_backquote(sp, w, CTX_DQ);
		} else if (c == '\\') {
			sp->pos++;
			c = cur(sp);	/* a pair: "\\<nl>" is a backslash and a newline */
			if (c == '$' || c == '`' || c == '"' || c == '\\')
				sp->pos++;
			else
				c = '\\';
			rc = w_add(w, (char)c);
		} else {
			/* copy up to the next character that means something */
			size_t e = sp->pos + 1;

			while (e < sp->len && !strchr("\"$`\\", sp->src[e]))
				e++;
			rc = w_addn(w, sp->src + sp->pos, e - sp->pos);
			sp->pos = e;
		}
	}
	return rc;
}

/* ---- words ---------------------------------------------------------- */

/* Tracks whether a word starts like an assignment, one raw character at a
 * time: NAME=... is one; NAME+=... and NAME[...]=... are to bash only. */
enum name_state { NS_START, NS_NAME, NS_INDEX, NS_INDEX_END, NS_DONE };

static enum name_state name_step(const struct sp *sp, struct word *w,
				 enum name_state ns, int c)
{
	switch (ns) {
	case NS_START:
		return is_name_start(c) ? NS_NAME : NS_DONE;
	case NS_NAME:
		if (is_name_char(c))
			return NS_NAME;
		if (c == '=')
			w->assign = true;
		else if (c == '+' && at(sp, sp->pos + 1) == '=')
			w->ambig = true;
		else if (c == '[')
			return NS_INDEX;
		return NS_DONE;
	case NS_INDEX:
		return c == ']' ? NS_INDEX_END : NS_INDEX;
	case NS_INDEX_END:
		if (c == '=')
			w->ambig = true;
		return NS_DONE;
	default:
		return NS_DONE;
	}
}

/* Glob and tilde characters outside quotes make a word dynamic.  A [ only
 * globs with a ] after it (a lone [ is the test program); bash also expands
 * {a,b} and {1..3}. */
struct glob_state {
	bool start, bracket, brace;
};

static void glob_step(struct word *w, struct glob_state *g, int c)
{
	if (c == '*' || c == '?' || (c == '~' && g->start) ||
	    (c == ']' && g->bracket) || (c == '}' && g->brace))
		w_dynamic(w);
	g->bracket |= c == '[';
	g->brace |= c == '{';
	g->start = false;
}

/* One character of an unquoted word (pos at it). */
static int word_char(struct sp *sp, struct word *w, enum ctx ctx, int c)
{
	/* bash reads quotes inside (( )) differently from dash */
	if (ctx == CTX_ARITH && (c == '\'' || c == '"' || c == '\\'))
		return -EINVAL;
	switch (c) {
	case '\\':
		w_quoted(w);
		sp->pos++;
		if (sp->pos >= sp->len)
			return w_add(w, '\\');	/* a final backslash is literal */
		return w_add(w, sp->src[sp->pos++]);
	case '\'':
		return read_squote(sp, w);
	case '"':
		return read_dquote(sp, w);
	case '$':
		return read_dollar(sp, w, ctx);
	case '`':
		return read_backquote(sp, w, ctx);
	}
	sp->pos++;
	return w_add(w, (char)c);
}

static int read_word(struct sp *sp, struct word *w)
{
	enum ctx ctx = sp->dparen ? CTX_ARITH : CTX_UNQ;
	enum name_state ns = NS_START;
	struct glob_state g = { .start = true };
	int c, rc = 0;

	w->plain = true;
	while (!rc) {
		skip_bnl(sp);
		c = cur(sp);
		if (is_delim(c))
			break;
		/* runs that change nothing but the value are copied at once */
		if ((ns == NS_DONE && is_ordinary(c)) || (ns == NS_NAME && is_name_char(c))) {
			size_t e = sp->pos + 1;

			while (ns == NS_DONE ? is_ordinary(at(sp, e)) : is_name_char(at(sp, e)))
				e++;
			g.start = false;
			rc = w_addn(w, sp->src + sp->pos, e - sp->pos);
			sp->pos = e;
			continue;
		}
		ns = name_step(sp, w, ns, c);
		glob_step(w, &g, c);
		rc = word_char(sp, w, ctx, c);
	}
	if (!rc && !w->v.p)
		rc = buf_addn(&w->v, "", 0);	/* '' is an empty word, not none */
	return rc;
}

/* ---- here-documents ------------------------------------------------- */

static size_t line_end(const struct sp *sp, size_t p)
{
	const char *nl = memchr(sp->src + p, '\n', sp->len - p);

	return nl ? (size_t)(nl - sp->src) : sp->len;
}

static size_t skip_tabs(const struct sp *sp, size_t p, const struct heredoc *hd)
{
	while (hd->strip_tabs && at(sp, p) == '\t')
		p++;
	return p;
}

/* The physical line [p, le) is the delimiter (dash's test). */
static bool line_is_delim(const struct sp *sp, size_t p, size_t le,
			  const struct heredoc *hd)
{
	p = skip_tabs(sp, p, hd);
	return le - p == hd->len && !memcmp(sp->src + p, hd->delim, hd->len);
}

/* The line at p, with backslash-newlines removed, is the delimiter (bash's
 * test for an unquoted here-document). */
static bool joined_is_delim(const struct sp *sp, size_t p, const struct heredoc *hd)
{
	struct sp s = { .src = sp->src, .len = sp->len, .pos = skip_tabs(sp, p, hd) };
	size_t i;

	for (i = 0; i < hd->len; i++, s.pos++) {
		skip_bnl(&s);
		if (cur(&s) != (unsigned char)hd->delim[i])
			return false;
	}
	skip_bnl(&s);
	return cur(&s) < 0 || cur(&s) == '\n';
}

/* The line [p, le) ends in a backslash-newline that joins the next one. */
static bool ends_joined(const struct sp *sp, size_t p, size_t le)
{
	if (le >= sp->len)
		return false;
	while (p < le) {
		if (sp->src[p] == '\\' && p + 1 == le)
			return true;
		p += sp->src[p] == '\\' ? 2 : 1;
	}
	return false;
}

/* Finds the delimiter line of the body starting at pos: *end is where the
 * body ends, *next where the text after the delimiter line starts.  A line
 * that is the delimiter only once backslash-newlines are joined ends the
 * body for bash but not for dash: ambiguous. */
static int heredoc_end(const struct sp *sp, const struct heredoc *hd,
		       size_t *end, size_t *next)
{
	bool joined = false;
	size_t p, le;

	for (p = sp->pos; p < sp->len; p = le + 1) {
		le = line_end(sp, p);
		if (!joined) {
			bool raw = line_is_delim(sp, p, le, hd);

			if (!hd->quoted && raw != joined_is_delim(sp, p, hd))
				return -EINVAL;
			if (raw) {
				*end = p;
				*next = le < sp->len ? le + 1 : le;
				return 0;
			}
		}
		joined = !hd->quoted && ends_joined(sp, p, le);
	}
	*end = *next = sp->len;	/* both shells accept a body cut by the end */
	return 0;
}

/* The body [pos, end) of an unquoted here-document is expanded like a
 * double-quoted string (but " is literal): its substitutions run.  They
 * are parsed within the body; one that runs past the delimiter line is read
 * one way by dash (which parses it first) and another by bash (which cuts
 * the body first): ambiguous, and unterminated here. */
static int heredoc_scan(struct sp *sp, size_t end)
{
	struct sp body;
	int c, rc;

	rc = sp_child(&body, sp, sp->src, end, sp->pos, sp->depth);
	while (!rc && (c = cur(&body)) >= 0) {
		if (c == '$')
			rc = read_dollar(&body, NULL, CTX_HEREDOC);
		else if (c == '`')
			rc = read_backquote(&body, NULL, CTX_HEREDOC);
		else
			body.pos += c == '\\' && body.pos + 1 < end ? 2 : 1;
	}
	sp_fini(&body);
	return rc;
}

/* Reads the bodies of the pending here-documents (pos just past the newline
 * that ended their line). */
static int heredoc_read_all(struct sp *sp)
{
	size_t i, end, next;
	int rc = 0;

	for (i = 0; i < sp->nhd && !rc; i++) {
		rc = heredoc_end(sp, &sp->hd[i], &end, &next);
		if (!rc && !sp->hd[i].quoted)
			rc = heredoc_scan(sp, end);
		if (!rc)
			sp->pos = next;
	}
	for (i = 0; i < sp->nhd; i++)
		free(sp->hd[i].delim);
	sp->nhd = 0;
	return rc;
}

/* Registers <<word (w is taken over). */
static int heredoc_push(struct sp *sp, struct word *w, bool strip_tabs)
{
	struct heredoc *hd;

	/* dash and bash compute a delimiter with expansions in it differently */
	if (w->flags & SHSPLIT_DYNAMIC)
		return -EINVAL;
	if (sp->nhd >= MAX_HEREDOCS)
		return -E2BIG;
	hd = &sp->hd[sp->nhd++];
	hd->delim = w->v.p;
	hd->len = w->v.n;
	hd->strip_tabs = strip_tabs;
	hd->quoted = w->quoted;
	memset(w, 0, sizeof(*w));
	return 0;
}

/* ---- tokens --------------------------------------------------------- */

/* Blanks, backslash-newlines and a comment (# at the start of a word). */
static void skip_blanks(struct sp *sp)
{
	for (;;) {
		skip_bnl(sp);
		if (is_blank(cur(sp)))
			sp->pos++;
		else if (cur(sp) == '#')
			sp->pos = line_end(sp, sp->pos);
		else
			return;
	}
}

/* Next character of a two-character operator: c1 then c2? */
static bool op_next(struct sp *sp, int c)
{
	skip_bnl(sp);
	if (cur(sp) != c)
		return false;
	sp->pos++;
	return true;
}

/* The target of >& or <& is an fd number or -.  bash takes any other word
 * for a file name and expands it again (>&'$(cmd)' runs cmd); dash
 * refuses it. */
static int check_dup_target(const struct word *w)
{
	size_t i;

	if (w->flags & SHSPLIT_DYNAMIC)
		return -EINVAL;
	if (w->v.n == 1 && w->v.p[0] == '-')
		return 0;
	for (i = 0; i < w->v.n; i++)
		if (!is_digit(w->v.p[i]))
			return -EINVAL;
	return w->v.n ? 0 : -EINVAL;
}

/* A redirection operator (pos at < or >) and its target word. */
static int lex_redir(struct sp *sp, struct tok *t)
{
	int heredoc = 0, c = sp->src[sp->pos++], rc;
	struct word w = { 0 };
	bool dup = false;

	if (c == '<' && op_next(sp, '<')) {
		heredoc = op_next(sp, '-') ? 2 : 1;
		if (heredoc == 1 && op_next(sp, '<'))
			heredoc = 0;	/* bash's <<<word */
	} else if (c == '<') {
		dup = op_next(sp, '&');
		if (!dup)
			op_next(sp, '>');
	} else if (!op_next(sp, '>')) {
		dup = op_next(sp, '&');
		if (!dup)
			op_next(sp, '|');
	}
	while (skip_bnl(sp), is_blank(cur(sp)))
		sp->pos++;
	/* no word: also bash's <(cmd) and >(cmd), which dash rejects */
	if (is_delim(cur(sp)) || cur(sp) == '#')
		return -EINVAL;
	rc = read_word(sp, &w);
	if (!rc && dup)
		rc = check_dup_target(&w);
	if (!rc && heredoc)
		rc = heredoc_push(sp, &w, heredoc == 2);
	word_free(&w);
	t->kind = T_REDIR;
	return rc;
}

/* A word, or the fd number of a redirection (2>x).  dash takes one digit
 * as the fd and bash any number, and bash takes {name}>x as a
 * redirection too: ambiguous. */
static int lex_word(struct sp *sp, struct tok *t)
{
	struct word *w = &t->w;
	size_t i;
	int rc, c;

	rc = read_word(sp, w);
	if (rc)
		return rc;
	t->kind = T_WORD;
	c = cur(sp);
	if (w->quoted || (c != '<' && c != '>'))
		return 0;
	for (i = 0; i < w->v.n && is_digit(w->v.p[i]); i++)
		;
	if (i == 1 && w->v.n == 1) {
		word_reset(w);
		return lex_redir(sp, t);
	}
	if (i == w->v.n)
		return -EINVAL;
	if (w->v.n >= 3 && w->v.p[0] == '{' && w->v.p[w->v.n - 1] == '}' &&
	    is_name_start(w->v.p[1])) {
		for (i = 2; i < w->v.n - 1 && is_name_char(w->v.p[i]); i++)
			;
		if (i == w->v.n - 1)
			return -EINVAL;
	}
	return 0;
}

static int lex(struct sp *sp, struct tok *t)
{
	int c;

	t->kind = T_EOF;
	word_reset(&t->w);
	skip_blanks(sp);
	c = cur(sp);
	if (c < 0)
		return 0;
	if (c == '<' || c == '>')
		return lex_redir(sp, t);
	if (!c || !strchr("\n;&|()", c))
		return lex_word(sp, t);
	sp->pos++;
	switch (c) {
	case '\n':
		t->kind = T_NL;
		return heredoc_read_all(sp);
	case ';':
		if (op_next(sp, ';')) {
			op_next(sp, '&');
			t->kind = T_DSEMI;
		} else {
			t->kind = op_next(sp, '&') ? T_DSEMI : T_SEMI;
		}
		return 0;
	case '&':
		t->kind = op_next(sp, '&') ? T_AND : T_AMP;
		return 0;
	case '|':
		/* |& is bash's pipe of stdout and stderr, an error to dash */
		t->kind = op_next(sp, '|') ? T_OR : (op_next(sp, '&'), T_PIPE);
		return 0;
	case '(':
		t->kind = T_LPAREN;
		return 0;
	default:
		t->kind = T_RPAREN;
		return 0;
	}
}

static int peek(struct sp *sp, struct tok **t)
{
	int rc;

	if (!sp->have_la) {
		rc = lex(sp, &sp->la);
		if (rc) {
			word_reset(&sp->la.w);
			return rc;
		}
		sp->have_la = true;
	}
	*t = &sp->la;
	return 0;
}

static void drop(struct sp *sp)
{
	word_reset(&sp->la.w);
	sp->have_la = false;
}

/* Peeks and tells whether the next token is of kind k. */
static int next_is(struct sp *sp, enum tok_kind k, bool *yes)
{
	struct tok *t;
	int rc = peek(sp, &t);

	*yes = !rc && t->kind == k;
	return rc;
}

/* A reserved word is one only when written plainly in command position. */
static bool is_kw(const struct tok *t, const char *kw)
{
	return t->kind == T_WORD && t->w.plain && !strcmp(t->w.v.p, kw);
}

/* Words that end a compound list. */
static bool is_end_kw(const struct tok *t)
{
	static const char *const kws[] = {
		"then", "elif", "else", "fi", "do", "done", "esac", "}",
	};
	size_t i;

	for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (is_kw(t, kws[i]))
			return true;
	return false;
}

static int expect(struct sp *sp, enum tok_kind k, const char *kw)
{
	struct tok *t;
	int rc = peek(sp, &t);

	if (rc)
		return rc;
	if (t->kind != k || (kw && !is_kw(t, kw)))
		return -EINVAL;
	drop(sp);
	return 0;
}

/* Drop every token of kind k at the head: newlines between commands, or
 * the redirections after a compound command ({ ...; } >out). */
static int skip_all(struct sp *sp, enum tok_kind k)
{
	bool yes;
	int rc;

	while (!(rc = next_is(sp, k, &yes)) && yes)
		drop(sp);
	return rc;
}

static int skip_newlines(struct sp *sp)
{
	return skip_all(sp, T_NL);
}

/* ---- simple commands ------------------------------------------------ */

/* Copies the lookahead word into c. */
static int cmd_push(struct sp *sp, struct cmd *c)
{
	size_t cap;
	void *p;
	int rc;

	if (c->argc >= MAX_WORDS)
		return -E2BIG;
	if (c->argc + 1 >= c->cap) {
		cap = c->cap ? c->cap * 2 : 16;
		p = realloc(c->off, cap * sizeof(*c->off));
		if (!p)
			return -ENOMEM;
		c->off = p;
		p = realloc(c->flags, cap * sizeof(*c->flags));
		if (!p)
			return -ENOMEM;
		c->flags = p;
		p = realloc(c->argv, cap * sizeof(*c->argv));
		if (!p)
			return -ENOMEM;
		c->argv = p;
		c->cap = cap;
	}
	c->off[c->argc] = c->text.n;
	c->flags[c->argc] = sp->la.w.flags;
	/* the word and its NUL */
	rc = buf_addn(&c->text, sp->la.w.v.p, sp->la.w.v.n + 1);
	if (rc)
		return rc;
	c->argc++;
	drop(sp);
	return 0;
}

static int report(struct sp *sp, struct cmd *c)
{
	struct shsplit_cmd sc = {
		.argc = c->argc, .argv = c->argv, .flags = c->flags, .depth = sp->depth,
	};
	size_t i;

	if (!c->argc)
		return 0;
	for (i = 0; i < c->argc; i++)
		c->argv[i] = c->text.p + c->off[i];
	c->argv[c->argc] = NULL;
	return sp->cb(sp->ctx, &sc);
}

/* name() body: the name is not run here and the body may run later, so the
 * body is split like any other command. */
static int parse_funcdef(struct sp *sp)
{
	int rc;

	drop(sp);
	rc = expect(sp, T_RPAREN, NULL);
	if (!rc)
		rc = skip_newlines(sp);
	if (!rc)
		rc = nest_enter(sp);
	if (!rc) {
		rc = parse_command(sp);
		sp->nest--;
	}
	return rc;
}

/* Assignments and redirections, then the command word and its arguments. */
static int parse_simple(struct sp *sp)
{
	struct cmd *c = &sp->cmd;
	bool prefix = false;
	struct tok *t;
	int rc;

	c->argc = 0;
	c->text.n = 0;
	while (!(rc = peek(sp, &t))) {
		if (t->kind == T_REDIR || (t->kind == T_WORD && !c->argc && t->w.assign)) {
			prefix = true;
			drop(sp);
			continue;
		}
		if (t->kind == T_LPAREN && c->argc == 1 && !prefix)
			return parse_funcdef(sp);
		if (t->kind != T_WORD)
			break;
		if (!c->argc && t->w.ambig)
			return -EINVAL;
		rc = cmd_push(sp, c);
		if (rc)
			return rc;
	}
	return rc ? rc : report(sp, c);
}

/* ---- compound commands ---------------------------------------------- */

/* ( list ).  bash reads a (( that ends in )) as arithmetic, where it
 * expands even '$(cmd)'; dash reads nested subshells, with quotes.  Inside
 * such a (( any quote is ambiguous: dparen makes read_word() refuse it. */
static int parse_subshell(struct sp *sp)
{
	bool dparen;
	int rc;

	drop(sp);
	skip_bnl(sp);
	dparen = cur(sp) == '(';
	sp->dparen += dparen;
	rc = parse_list(sp);
	if (!rc)
		rc = expect(sp, T_RPAREN, NULL);
	sp->dparen -= dparen;
	return rc;
}

static int parse_group(struct sp *sp)
{
	int rc;

	drop(sp);
	rc = parse_list(sp);
	return rc ? rc : expect(sp, T_WORD, "}");
}

static int parse_do_group(struct sp *sp)
{
	int rc = expect(sp, T_WORD, "do");

	if (!rc)
		rc = parse_list(sp);
	return rc ? rc : expect(sp, T_WORD, "done");
}

static int parse_if(struct sp *sp)
{
	struct tok *t;
	int rc;

	drop(sp);
	for (;;) {
		rc = parse_list(sp);
		if (!rc)
			rc = expect(sp, T_WORD, "then");
		if (!rc)
			rc = parse_list(sp);
		if (!rc)
			rc = peek(sp, &t);
		if (rc)
			return rc;
		if (!is_kw(t, "elif"))
			break;
		drop(sp);
	}
	if (is_kw(t, "else")) {
		drop(sp);
		rc = parse_list(sp);
	}
	return rc ? rc : expect(sp, T_WORD, "fi");
}

static int parse_loop(struct sp *sp)
{
	int rc;

	drop(sp);
	rc = parse_list(sp);
	return rc ? rc : parse_do_group(sp);
}

/* for name [in word...] do list done: name and words are not commands
 * (their substitutions were split when they were read). */
static int parse_for(struct sp *sp)
{
	struct tok *t;
	int rc;

	drop(sp);
	rc = expect(sp, T_WORD, NULL);
	if (!rc)
		rc = skip_newlines(sp);
	if (!rc)
		rc = peek(sp, &t);
	if (!rc && is_kw(t, "in")) {
		drop(sp);
		while (!(rc = peek(sp, &t)) && t->kind == T_WORD)
			drop(sp);
		if (!rc && t->kind != T_SEMI && t->kind != T_NL)
			rc = -EINVAL;
		if (!rc)
			drop(sp);
	} else if (!rc && t->kind == T_SEMI) {
		drop(sp);
	}
	if (!rc)
		rc = skip_newlines(sp);
	return rc ? rc : parse_do_group(sp);
}

/* One case item: [(] pat [| pat]... ) list [;;].  *more: it ended in ;;
 * (an item without one must be the last). */
static int parse_case_item(struct sp *sp, bool *more)
{
	bool yes;
	int rc;

	rc = next_is(sp, T_LPAREN, &yes);
	if (!rc && yes)
		drop(sp);
	if (!rc)
		rc = expect(sp, T_WORD, NULL);
	while (!rc && !(rc = next_is(sp, T_PIPE, &yes)) && yes) {
		drop(sp);
		rc = expect(sp, T_WORD, NULL);
	}
	if (!rc)
		rc = expect(sp, T_RPAREN, NULL);
	if (!rc)
		rc = parse_list(sp);
	if (!rc)
		rc = next_is(sp, T_DSEMI, more);
	if (!rc && *more) {
		drop(sp);
		rc = skip_newlines(sp);
	}
	return rc;
}

/* case word in items esac: the word and the patterns are not commands
 * (their substitutions were split when they were read). */
static int parse_case(struct sp *sp)
{
	bool more = true;
	struct tok *t;
	int rc;

	drop(sp);
	rc = expect(sp, T_WORD, NULL);
	if (!rc)
		rc = skip_newlines(sp);
	if (!rc)
		rc = expect(sp, T_WORD, "in");
	if (!rc)
		rc = skip_newlines(sp);
	while (!rc && more && !(rc = peek(sp, &t)) && !is_kw(t, "esac"))
		rc = parse_case_item(sp, &more);
	return rc ? rc : expect(sp, T_WORD, "esac");
}

typedef int (*parse_fn)(struct sp *sp);

/* The parser of the compound command the reserved word t starts, if any. */
static parse_fn compound_for(const struct tok *t)
{
	static const struct {
		const char *kw;
		parse_fn parse;
	} compounds[] = {
		{ "{", parse_group }, { "if", parse_if }, { "while", parse_loop },
		{ "until", parse_loop }, { "for", parse_for }, { "case", parse_case },
	};
	size_t i;

	for (i = 0; i < sizeof(compounds) / sizeof(compounds[0]); i++)
		if (is_kw(t, compounds[i].kw))
			return compounds[i].parse;
	return NULL;
}


static int parse_command(struct sp *sp)
{
	parse_fn compound = NULL;
	struct tok *t;
	int rc;

	while (!(rc = peek(sp, &t)) && is_kw(t, "!"))
		drop(sp);
	if (rc)
		return rc;
	if (t->kind == T_LPAREN)
		compound = parse_subshell;
	else
		compound = compound_for(t);
	if (!compound) {
		if (t->kind == T_REDIR ||
		    (t->kind == T_WORD && !is_end_kw(t) && !is_kw(t, "in")))
			return parse_simple(sp);
		return -EINVAL;	/* an operator or a misplaced reserved word */
	}
	rc = nest_enter(sp);
	if (rc)
		return rc;
	rc = compound(sp);
	sp->nest--;
	return rc ? rc : skip_all(sp, T_REDIR);
}

static int parse_pipeline(struct sp *sp)
{
	bool yes;
	int rc = parse_command(sp);

	while (!rc && !(rc = next_is(sp, T_PIPE, &yes)) && yes) {
		drop(sp);
		rc = skip_newlines(sp);
		if (!rc)
			rc = parse_command(sp);
	}
	return rc;
}

static int parse_and_or(struct sp *sp)
{
	struct tok *t;
	int rc = parse_pipeline(sp);

	while (!rc && !(rc = peek(sp, &t)) && (t->kind == T_AND || t->kind == T_OR)) {
		drop(sp);
		rc = skip_newlines(sp);
		if (!rc)
			rc = parse_pipeline(sp);
	}
	return rc;
}

/* The token ends a list: end of text, ), ;; or a closing reserved word. */
static bool ends_list(const struct tok *t)
{
	return t->kind == T_EOF || t->kind == T_RPAREN || t->kind == T_DSEMI ||
	       is_end_kw(t);
}

/* A list of and-or lists separated by ; & and newlines.  Stops before the
 * token that ends it, which the caller checks (fi, ), end of text...). */
static int parse_list(struct sp *sp)
{
	struct tok *t;
	int rc;

	for (;;) {
		rc = skip_newlines(sp);
		if (!rc)
			rc = peek(sp, &t);
		if (rc || ends_list(t))
			return rc;
		rc = parse_and_or(sp);
		if (!rc)
			rc = peek(sp, &t);
		if (rc)
			return rc;
		if (t->kind == T_SEMI || t->kind == T_AMP)
			drop(sp);
		else if (t->kind != T_NL && !ends_list(t))
			return -EINVAL;	/* e.g. a word after ( ... ) */
	}
}

int shsplit_run(const char *cmd, size_t len, shsplit_cb cb, void *ctx)
{
	struct sp sp = { .cb = cb, .ctx = ctx };
	const char *nul;
	int rc;

	if ((!cmd && len) || !cb)
		return -EINVAL;
	/* sh -c gets a C string: the command ends at the first NUL */
	nul = len ? memchr(cmd, '\0', len) : NULL;
	sp.src = cmd ? cmd : "";
	sp.len = nul ? (size_t)(nul - cmd) : len;
	rc = parse_list(&sp);
	if (!rc)
		rc = expect(&sp, T_EOF, NULL);
	sp_fini(&sp);
	return rc;
}
