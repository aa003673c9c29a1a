/* jsonw: a small JSON builder (see jsonw.h). */
#include "monitor/jsonw.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_init(struct jw *j)
{
	memset(j, 0, sizeof *j);
}

void jw_free(struct jw *j)
{
	free(j->buf);
	jw_init(j);
}

void jw_reset(struct jw *j)
{
	j->len = 0;
	j->comma = false;
	j->failed = false;
}

static void put(struct jw *j, const char *s, size_t n)
{
	if (j->failed)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		while (cap < j->len + n + 1)
			cap *= 2;
		char *b = realloc(j->buf, cap);
		if (!b) {
			j->failed = true;
			return;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
}

void jw_raw(struct jw *j, const char *s, size_t n)
{
	put(j, s, n);
}

static void putc_(struct jw *j, char c)
{
	put(j, &c, 1);
}

static void sep(struct jw *j)
{
	if (j->comma)
		putc_(j, ',');
	j->comma = true;
}

void jw_obj_begin(struct jw *j) { sep(j); putc_(j, '{'); j->comma = false; }
void jw_obj_end(struct jw *j) { putc_(j, '}'); j->comma = true; }
void jw_arr_begin(struct jw *j) { sep(j); putc_(j, '['); j->comma = false; }
void jw_arr_end(struct jw *j) { putc_(j, ']'); j->comma = true; }

void jw_key(struct jw *j, const char *key)
{
	jw_str(j, key);
	putc_(j, ':');
	j->comma = false;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) { len = 2; cp = s[0] & 0x1f; }
	else if ((s[0] & 0xf0) == 0xe0) { len = 3; cp = s[0] & 0x0f; }
	else if ((s[0] & 0xf8) == 0xf0) { len = 4; cp = s[0] & 0x07; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF are invalid */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void jw_escape(struct jw *j, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t run = i;
		while (run < n && u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\')
			run++;
		put(j, s + i, run - i);
		i = run;
		if (i >= n)
			break;
		size_t l = utf8_len(u + i, n - i);
		char esc[8];
		if (u[i] == '"' || u[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)u[i];
			put(j, esc, 2);
			i++;
		} else if (u[i] >= 0x80 && l > 0) {
			put(j, s + i, l);
			i += l;
		} else {
			const char *named = u[i] == '\n' ? "\\n" : u[i] == '\t' ? "\\t"
			                  : u[i] == '\r' ? "\\r" : NULL;
			if (named)
				put(j, named, 2);
			else {
				snprintf(esc, sizeof esc, "\\u%04x", u[i]);
				put(j, esc, 6);
			}
			i++;
		}
	}
}

void jw_strn(struct jw *j, const char *s, size_t n)
{
	sep(j);
	putc_(j, '"');
	jw_escape(j, s, n);
	putc_(j, '"');
}

void jw_str(struct jw *j, const char *s)
{
	if (!s) {
		jw_null(j);
		return;
	}
	jw_strn(j, s, strlen(s));
}

static void printed(struct jw *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printed(struct jw *j, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	sep(j);
	put(j, tmp, n > 0 && (size_t)n < sizeof tmp ? (size_t)n : 0);
}

void jw_int(struct jw *j, long long v) { printed(j, "%lld", v); }
void jw_uint(struct jw *j, unsigned long long v) { printed(j, "%llu", v); }
void jw_hex(struct jw *j, unsigned long long v) { printed(j, "\"%#llx\"", v); }
void jw_double(struct jw *j, double v) { printed(j, "%.6f", v); }
void jw_bool(struct jw *j, bool v) { printed(j, "%s", v ? "true" : "false"); }
void jw_null(struct jw *j) { printed(j, "null"); }
