/* callfmt: the one rendering of a call for people (see callfmt.h). */
#include "monitor/callfmt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "monitor/funcs.h"

__attribute__((format(printf, 2, 3)))
static void put_f(struct jw *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		jw_raw(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void put_s(struct jw *b, const char *s)
{
	jw_raw(b, s, strlen(s));
}

/* Length of the well-formed UTF-8 sequence at s[0..n) (Unicode table 3-7),
 * 0 when there is none; its code point in *cp. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;   /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;   /* nothing past U+10FFFF */
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	uint32_t v = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++)
		v = v << 6 | (s[i] & 0x3f);
	*cp = v;
	return len;
}

/* Characters that are valid text but change how the rest of a line looks:
 * C1 controls (a terminal may take U+009B as CSI), line and paragraph
 * separators, and the bidirectional marks and overrides that can make
 * "bash" read as something else. */
static bool disguising(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

static void text(struct jw *b, const char *s, size_t n, bool quoted)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;  /* bytes [run, i) are copied as they are */
	while (i < n) {
		unsigned char c = u[i];
		uint32_t cp;
		size_t len = c < 0x80 ? 1 : utf8_seq(u + i, n - i, &cp);
		char esc[16];
		if (c >= 0x20 && c < 0x7f && c != '\\' && !(quoted && c == '"')) {
			i++;
			continue;
		}
		if (len > 1 && !disguising(cp)) {
			i += len;
			continue;
		}
		jw_raw(b, s + run, i - run);
		if (c == '\\' || c == '"')
			snprintf(esc, sizeof esc, "\\%c", c);
		else if (len > 1)
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
		else
			snprintf(esc, sizeof esc, "\\x%02x", c);
		put_s(b, esc);
		i += len ? len : 1;
		run = i;
	}
	jw_raw(b, s + run, n - run);
}

void callfmt_text(struct jw *b, const char *s, size_t n)
{
	text(b, s, n, false);
}

void callfmt_str(struct jw *b, const char *s)
{
	if (!s) {
		put_s(b, "NULL");
		return;
	}
	size_t n = strlen(s), shown = n > CALLFMT_STR_MAX ? CALLFMT_STR_MAX : n;
	/* cut before a character, not inside one */
	for (size_t k = 0; k < 3 && shown < n && shown > 0 &&
	     ((unsigned char)s[shown] & 0xc0) == 0x80; k++)
		shown--;
	put_s(b, "\"");
	text(b, s, shown, true);
	put_s(b, "\"");
	if (n > shown)
		put_f(b, "...(%zu bytes)", n);
}

void callfmt_vec(struct jw *b, char *const *v, size_t n)
{
	put_s(b, "[");
	for (size_t i = 0; i < n && i < CALLFMT_VEC_MAX; i++) {
		if (i)
			put_s(b, ", ");
		callfmt_str(b, v ? v[i] : NULL);
	}
	put_s(b, n > CALLFMT_VEC_MAX ? ", ...]" : "]");
}

void callfmt_arg(struct jw *b, const struct call_arg *a)
{
	if (a->err) {
		put_f(b, "<%s %#llx>", a->err == -ENAMETOOLONG ? "too long" : "unreadable",
		      (unsigned long long)a->raw);
		return;
	}
	switch (a->fmt) {
	case 'c': case 'P': case 's':
		callfmt_str(b, a->str);
		break;
	case 'v': case 'l':
		callfmt_vec(b, a->vec, a->n);
		break;
	case 'D':  /* the unix sockets it sends to; no unix socket: the address */
		if (a->n)
			callfmt_vec(b, a->vec, a->n);
		else
			put_f(b, "%#llx", (unsigned long long)a->raw);
		break;
	case 'i': case 'f': case 'n':
		put_f(b, "%lld", (long long)a->num);
		break;
	case 'u':
		put_f(b, "%llu", (unsigned long long)a->num);
		break;
	case 'T':
		put_f(b, "{modes=%#llx}", (unsigned long long)a->num);
		break;
	case 'F': case 'K':
		put_f(b, "flags=%#llx", (unsigned long long)a->num);
		break;
	default:
		put_f(b, "%#llx", (unsigned long long)a->raw);
	}
}

static const char *fname(int fid)
{
	return fid >= 0 && (size_t)fid < funcs_count ? funcs[fid].name : "?";
}

void callfmt_call(struct jw *b, const struct call *c)
{
	if (c->layer == LAYER_EXEC)
		put_s(b, "exec of ");
	if (c->outer >= 0)
		put_f(b, "%s(SYS_%s, ", fname(c->outer), fname(c->func));
	else if (c->layer != LAYER_EXEC)
		put_f(b, "%s(", fname(c->func));
	for (size_t i = 0; i < c->nargs && i < CALL_MAX_ARGS; i++) {
		if (i)
			put_s(b, ", ");
		callfmt_arg(b, &c->a[i]);
	}
	if (c->layer != LAYER_EXEC)
		put_s(b, ")");
	if (c->layer == LAYER_SYSCALL)
		put_s(b, " system call");
	if (c->object) {
		put_s(b, c->handed_out ? " from a pointer dlsym gave " : " from ");
		callfmt_text(b, c->object, strlen(c->object));
	}
}

void callfmt_line(struct jw *b, const struct call *c, const struct callfmt_outcome *o)
{
	if (o->what) {
		put_s(b, o->what);
		put_s(b, " ");
	}
	callfmt_call(b, c);
	if (o->on_behalf) {
		put_s(b, " on behalf of ");
		callfmt_text(b, o->on_behalf, strlen(o->on_behalf));
	}
	put_f(b, " (pid %d)", (int)c->pid);
	if (o->why && o->why[0]) {
		put_s(b, ": ");
		callfmt_text(b, o->why, strlen(o->why));
	}
	if (o->rule && o->rule[0]) {
		put_s(b, " [");
		callfmt_text(b, o->rule, strlen(o->rule));
		put_s(b, "]");
	}
	if (o->py_file) {
		put_s(b, " at ");
		callfmt_text(b, o->py_file, strlen(o->py_file));
		put_f(b, ":%d in ", o->py_line);
		callfmt_text(b, o->py_func ? o->py_func : "?", strlen(o->py_func ? o->py_func : "?"));
	}
}

const char *callfmt_what(const char *verdict, bool enforced)
{
	if (!verdict || !strcmp(verdict, "allow"))
		return "allowed";
	if (!enforced)
		return "would deny";
	return !strcmp(verdict, "kill") ? "killed job at" : "denied";
}
