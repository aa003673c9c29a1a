/* jsonr: a small strict JSON reader (see jsonr.h). */
#include "monitor/logtools/jsonr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct rd {
	const char *s, *end, *at;
	const char *err;
	int depth;
};

static int fail(struct rd *r, const char *why)
{
	if (!r->err)
		r->err = why;
	return -EINVAL;
}

static void skip_ws(struct rd *r)
{
	while (r->at < r->end && (*r->at == ' ' || *r->at == '\t' || *r->at == '\n' || *r->at == '\r'))
		r->at++;
}

static bool lit(struct rd *r, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(r->end - r->at) < n || memcmp(r->at, word, n))
		return false;
	r->at += n;
	return true;
}

struct buf {
	char *p;
	size_t n, cap;
};

static int put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
	return 0;
}

static int hex4(struct rd *r, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++, r->at++) {
		if (r->at >= r->end)
			return fail(r, "truncated \\u escape");
		char c = *r->at;
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
		           : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		           : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
		if (d > 15)
			return fail(r, "bad hex digit in \\u escape");
		*out = *out << 4 | d;
	}
	return 0;
}

static int put_utf8(struct buf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x100 && cp >= 0x80) {
		/* the writer's escape for a byte that was not UTF-8 */
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return put(b, u, n);
}

static int escape(struct rd *r, struct buf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	if (r->at >= r->end)
		return fail(r, "truncated escape");
	const char *k = strchr(from, *r->at);
	if (k && *r->at) {
		r->at++;
		return put(b, &to[k - from], 1);
	}
	if (*r->at != 'u')
		return fail(r, "unknown escape");
	r->at++;
	unsigned cp, lo;
	int rc = hex4(r, &cp);
	if (rc)
		return rc;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (!lit(r, "\\u") || hex4(r, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return fail(r, "unpaired surrogate");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xdc00 && cp < 0xe000)
		return fail(r, "unpaired surrogate");
	return put_utf8(b, cp);
}

static int string(struct rd *r, char **out, size_t *len)
{
	struct buf b = {0};
	int rc = 0;
	r->at++;  /* the quote */
	while (rc == 0) {
		const char *run = r->at;
		while (r->at < r->end && *r->at != '"' && *r->at != '\\' &&
		       (unsigned char)*r->at >= 0x20)
			r->at++;
		rc = put(&b, run, (size_t)(r->at - run));
		if (rc)
			break;
		if (r->at >= r->end)
			rc = fail(r, "unterminated string");
		else if (*r->at == '"') {
			r->at++;
			break;
		} else if (*r->at == '\\') {
			r->at++;
			rc = escape(r, &b);
		} else
			rc = fail(r, "control character in string");
	}
	if (rc == 0 && !b.p)
		rc = put(&b, "", 0);
	if (rc) {
		free(b.p);
		return rc;
	}
	*out = b.p;
	*len = b.n;
	return 0;
}

static int number(struct rd *r, double *out)
{
	const char *start = r->at;
	if (r->at < r->end && *r->at == '-')
		r->at++;
	if (r->at >= r->end || *r->at < '0' || *r->at > '9')
		return fail(r, "bad number");
	if (*r->at == '0')
		r->at++;
	else
		while (r->at < r->end && *r->at >= '0' && *r->at <= '9')
			r->at++;
	if (r->at < r->end && *r->at == '.') {
		r->at++;
		if (r->at >= r->end || *r->at < '0' || *r->at > '9')
			return fail(r, "bad fraction");
		while (r->at < r->end && *r->at >= '0' && *r->at <= '9')
			r->at++;
	}
	if (r->at < r->end && (*r->at == 'e' || *r->at == 'E')) {
		r->at++;
		if (r->at < r->end && (*r->at == '+' || *r->at == '-'))
			r->at++;
		if (r->at >= r->end || *r->at < '0' || *r->at > '9')
			return fail(r, "bad exponent");
		while (r->at < r->end && *r->at >= '0' && *r->at <= '9')
			r->at++;
	}
	char tmp[64];
	size_t n = (size_t)(r->at - start);
	if (n >= sizeof tmp)
		return fail(r, "number too long");
	memcpy(tmp, start, n);
	tmp[n] = 0;
	*out = strtod(tmp, NULL);
	return 0;
}

static int value(struct rd *r, struct jval *v);

static int push(struct jval *v, size_t *cap, const struct jval *item, char *key)
{
	if (v->len == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct jval *items = realloc(v->items, c * sizeof *items);
		if (!items)
			return -ENOMEM;
		v->items = items;
		if (v->type == J_OBJ) {
			char **keys = realloc(v->keys, c * sizeof *keys);
			if (!keys)
				return -ENOMEM;
			v->keys = keys;
		}
		*cap = c;
	}
	v->items[v->len] = *item;
	if (v->type == J_OBJ)
		v->keys[v->len] = key;
	v->len++;
	return 0;
}

/* Members of an array or object, after the opening bracket. */
static int members(struct rd *r, struct jval *v, char close)
{
	size_t cap = 0;
	r->at++;
	skip_ws(r);
	if (r->at < r->end && *r->at == close) {
		r->at++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		size_t klen;
		struct jval item = {0};
		int rc;
		skip_ws(r);
		if (v->type == J_OBJ) {
			if (r->at >= r->end || *r->at != '"')
				return fail(r, "expected a key");
			if ((rc = string(r, &key, &klen)))
				return rc;
			skip_ws(r);
			if (r->at >= r->end || *r->at != ':') {
				free(key);
				return fail(r, "expected ':'");
			}
			r->at++;
		}
		rc = value(r, &item);
		if (rc == 0)
			rc = push(v, &cap, &item, key);
		if (rc) {
			free(key);
			jsonr_free(&item);
			return rc;
		}
		skip_ws(r);
		if (r->at < r->end && *r->at == ',') {
			r->at++;
			continue;
		}
		if (r->at < r->end && *r->at == close) {
			r->at++;
			return 0;
		}
		return fail(r, close == ']' ? "expected ',' or ']'" : "expected ',' or '}'");
	}
}

static int value(struct rd *r, struct jval *v)
{
	memset(v, 0, sizeof *v);
	skip_ws(r);
	if (r->at >= r->end)
		return fail(r, "expected a value");
	if (++r->depth > MAX_DEPTH)
		return fail(r, "nested too deeply");
	int rc = 0;
	switch (*r->at) {
	case '{': v->type = J_OBJ; rc = members(r, v, '}'); break;
	case '[': v->type = J_ARR; rc = members(r, v, ']'); break;
	case '"': v->type = J_STR; rc = string(r, &v->str, &v->len); break;
	case 't': v->type = J_BOOL; v->b = true; rc = lit(r, "true") ? 0 : fail(r, "bad literal"); break;
	case 'f': v->type = J_BOOL; rc = lit(r, "false") ? 0 : fail(r, "bad literal"); break;
	case 'n': v->type = J_NULL; rc = lit(r, "null") ? 0 : fail(r, "bad literal"); break;
	default: v->type = J_NUM; rc = number(r, &v->num); break;
	}
	r->depth--;
	return rc;
}

int jsonr_parse(const char *text, size_t len, struct jval *out, size_t *col, const char **err)
{
	struct rd r = {text, text + len, text, NULL, 0};
	int rc = value(&r, out);
	if (rc == 0) {
		skip_ws(&r);
		if (r.at != r.end)
			rc = fail(&r, "text after the value");
	}
	if (rc) {
		jsonr_free(out);
		*col = (size_t)(r.at - text) + 1;
		*err = r.err ? r.err : "out of memory";
	}
	return rc;
}

void jsonr_free(struct jval *v)
{
	if (v->type == J_ARR || v->type == J_OBJ) {
		for (size_t i = 0; i < v->len; i++) {
			jsonr_free(&v->items[i]);
			if (v->keys)
				free(v->keys[i]);
		}
		free(v->items);
		free(v->keys);
	}
	free(v->str);
	memset(v, 0, sizeof *v);
}

const struct jval *jsonr_get(const struct jval *obj, const char *key)
{
	if (!obj || obj->type != J_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->len; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

const char *jsonr_str(const struct jval *obj, const char *key)
{
	const struct jval *v = jsonr_get(obj, key);
	return v && v->type == J_STR ? v->str : NULL;
}

double jsonr_num(const struct jval *obj, const char *key, double fallback)
{
	const struct jval *v = jsonr_get(obj, key);
	return v && v->type == J_NUM ? v->num : fallback;
}

bool jsonr_bool(const struct jval *obj, const char *key, bool fallback)
{
	const struct jval *v = jsonr_get(obj, key);
	return v && v->type == J_BOOL ? v->b : fallback;
}
