/* libFuzzer harness for the JSON log writer's escaping.
 *
 * The input bytes go into an object as a value (jw_strn), as a key and a
 * NUL-terminated value (jw_key, jw_str: up to the first NUL), split in two
 * inside an array, and through jw_escape() alone.  The output is then read
 * back by the strict parser below, which aborts when
 *
 *   - the document is not one valid JSON value (RFC 8259: no control
 *     character in a string, UTF-8 only, no lone surrogate), or
 *   - a string does not decode to its input: a valid UTF-8 sequence to the
 *     same character, a byte that is not valid UTF-8 to \u00XX (jsonw.h).
 *
 * The UTF-8 rules here are written from the Unicode standard's table of
 * well-formed byte sequences, independently of jsonw.c.
 */
#include <stdbool.h>
#include <string.h>

#include "monitor/jsonw.h"
#include "tests/fuzz/fuzz.h"

/* ---- UTF-8 (Unicode 15, table 3-7) ------------------------------------ */

/* Length of the well-formed sequence at s[0..n), 0 if there is none; its
 * code point in *cp. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const struct {
		unsigned char lo0, hi0, lo1, hi1; /* first byte, second byte ranges */
		unsigned char len;
	} t[] = {
		{0x00, 0x7f, 0, 0, 1},
		{0xc2, 0xdf, 0x80, 0xbf, 2},
		{0xe0, 0xe0, 0xa0, 0xbf, 3},
		{0xe1, 0xec, 0x80, 0xbf, 3},
		{0xed, 0xed, 0x80, 0x9f, 3},
		{0xee, 0xef, 0x80, 0xbf, 3},
		{0xf0, 0xf0, 0x90, 0xbf, 4},
		{0xf1, 0xf3, 0x80, 0xbf, 4},
		{0xf4, 0xf4, 0x80, 0x8f, 4},
	};
	for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
		if (s[0] < t[k].lo0 || s[0] > t[k].hi0)
			continue;
		size_t len = t[k].len;
		if (len == 1) {
			*cp = s[0];
			return 1;
		}
		if (n < len || s[1] < t[k].lo1 || s[1] > t[k].hi1)
			return 0;
		for (size_t i = 2; i < len; i++)
			if (s[i] < 0x80 || s[i] > 0xbf)
				return 0;
		uint32_t v = s[0] & (0xff >> (len + 1));
		for (size_t i = 1; i < len; i++)
			v = v << 6 | (s[i] & 0x3f);
		*cp = v;
		return len;
	}
	return 0;
}

/* ---- a strict JSON reader --------------------------------------------- */

struct ch {            /* one character of a decoded string */
	uint32_t cp;
	bool escaped;  /* written as a \ escape */
};

struct rd {
	const unsigned char *s;
	size_t n, i;
	struct ch *out;    /* the decoded characters of the strings, in order */
	size_t nout;
	size_t nstr;       /* strings read */
	size_t str_at[64]; /* where each string's characters start in out */
	size_t str_len[64];
};

#define BAD(r, ...) FUZZ_CHECK(0, "invalid JSON at %zu: %s", (r)->i, __VA_ARGS__)

static void ws(struct rd *r)
{
	while (r->i < r->n && strchr(" \t\n\r", r->s[r->i]) && r->s[r->i])
		r->i++;
}

static bool lit(struct rd *r, const char *w)
{
	size_t l = strlen(w);
	if (r->n - r->i >= l && memcmp(r->s + r->i, w, l) == 0) {
		r->i += l;
		return true;
	}
	return false;
}

static unsigned hex4(struct rd *r)
{
	unsigned v = 0;
	if (r->n - r->i < 4)
		BAD(r, "short \\u escape");
	for (int k = 0; k < 4; k++) {
		unsigned char c = r->s[r->i++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			BAD(r, "not a hex digit in \\u escape");
	}
	return v;
}

static void emit(struct rd *r, uint32_t cp, bool escaped)
{
	/* each input byte gives at most one character: out has room for n */
	FUZZ_CHECK(r->nout < r->n, "more characters than bytes");
	r->out[r->nout++] = (struct ch){cp, escaped};
}

static void string(struct rd *r)
{
	size_t start = r->nout;
	uint32_t cp;

	r->i++;  /* the opening quote */
	for (;;) {
		if (r->i >= r->n)
			BAD(r, "unterminated string");
		unsigned char c = r->s[r->i];
		if (c == '"') {
			r->i++;
			break;
		}
		if (c < 0x20)
			BAD(r, "control character in a string");
		if (c != '\\') {
			size_t l = utf8_seq(r->s + r->i, r->n - r->i, &cp);
			if (!l)
				BAD(r, "not UTF-8");
			emit(r, cp, false);
			r->i += l;
			continue;
		}
		if (++r->i >= r->n)
			BAD(r, "escape at the end");
		c = r->s[r->i++];
		switch (c) {
		case '"': case '\\': case '/': emit(r, c, true); break;
		case 'b': emit(r, '\b', true); break;
		case 'f': emit(r, '\f', true); break;
		case 'n': emit(r, '\n', true); break;
		case 'r': emit(r, '\r', true); break;
		case 't': emit(r, '\t', true); break;
		case 'u':
			cp = hex4(r);
			if (cp >= 0xdc00 && cp <= 0xdfff)
				BAD(r, "lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (!lit(r, "\\u"))
					BAD(r, "lone high surrogate");
				unsigned lo = hex4(r);
				if (lo < 0xdc00 || lo > 0xdfff)
					BAD(r, "high surrogate without a low one");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			emit(r, cp, true);
			break;
		default:
			BAD(r, "unknown escape");
		}
	}
	if (r->nstr < 64) {
		r->str_at[r->nstr] = start;
		r->str_len[r->nstr] = r->nout - start;
	}
	r->nstr++;
}

static void number(struct rd *r)
{
	size_t d;
	lit(r, "-");
	if (lit(r, "0"))
		;
	else if (r->i < r->n && r->s[r->i] >= '1' && r->s[r->i] <= '9')
		while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
			r->i++;
	else
		BAD(r, "not a number");
	if (lit(r, ".")) {
		for (d = 0; r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9'; d++)
			r->i++;
		if (!d)
			BAD(r, "no digit after the point");
	}
	if (lit(r, "e") || lit(r, "E")) {
		if (!lit(r, "+"))
			lit(r, "-");
		for (d = 0; r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9'; d++)
			r->i++;
		if (!d)
			BAD(r, "no digit in the exponent");
	}
}

static void value(struct rd *r, int depth)
{
	ws(r);
	if (depth > 16)
		BAD(r, "nested too deeply for this document");
	if (r->i >= r->n)
		BAD(r, "a value expected");
	switch (r->s[r->i]) {
	case '{':
		r->i++;
		ws(r);
		if (lit(r, "}"))
			return;
		for (;;) {
			ws(r);
			if (r->i >= r->n || r->s[r->i] != '"')
				BAD(r, "a key expected");
			string(r);
			ws(r);
			if (!lit(r, ":"))
				BAD(r, "':' expected");
			value(r, depth + 1);
			ws(r);
			if (lit(r, "}"))
				return;
			if (!lit(r, ","))
				BAD(r, "',' or '}' expected");
		}
	case '[':
		r->i++;
		ws(r);
		if (lit(r, "]"))
			return;
		for (;;) {
			value(r, depth + 1);
			ws(r);
			if (lit(r, "]"))
				return;
			if (!lit(r, ","))
				BAD(r, "',' or ']' expected");
		}
	case '"':
		string(r);
		return;
	default:
		if (lit(r, "true") || lit(r, "false") || lit(r, "null"))
			return;
		number(r);
	}
}

/* Reads the whole of buf[0..n) as one JSON value. */
static void parse(struct rd *r, const char *buf, size_t n, struct ch *out)
{
	memset(r, 0, sizeof *r);
	r->s = (const unsigned char *)buf;
	r->n = n;
	r->out = out;
	value(r, 0);
	ws(r);
	if (r->i != r->n)
		BAD(r, "text after the value");
}

/* String k of the document must decode to in[0..n). */
static void expect(const struct rd *r, size_t k, const uint8_t *in, size_t n)
{
	FUZZ_CHECK(k < r->nstr && k < 64, "string %zu missing", k);
	const struct ch *c = r->out + r->str_at[k];
	size_t nc = r->str_len[k], j = 0;
	for (size_t i = 0; i < n; j++) {
		uint32_t cp;
		size_t l = utf8_seq(in + i, n - i, &cp);
		FUZZ_CHECK(j < nc, "string %zu: input byte %zu lost", k, i);
		if (l) {
			FUZZ_CHECK(c[j].cp == cp, "string %zu: U+%04X at input byte %zu came back "
			           "as U+%04X", k, cp, i, c[j].cp);
			i += l;
		} else {
			FUZZ_CHECK(c[j].escaped && c[j].cp == in[i], "string %zu: invalid byte "
			           "%#x at %zu came back as U+%04X%s", k, in[i], i, c[j].cp,
			           c[j].escaped ? "" : " unescaped");
			i++;
		}
	}
	FUZZ_CHECK(j == nc, "string %zu: %zu characters for %zu", k, nc, j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t z = strnlen(s, size), half = size / 2;
	char *cstr = malloc(z + 1);
	struct jw j;
	struct rd r;

	FUZZ_CHECK(cstr, "out of memory");
	memcpy(cstr, s, z);
	cstr[z] = 0;

	/* {"v":"<all>","<up to NUL>":["<up to NUL>",null,-12,"<first half>",
	 *  "<second half>",{}],"n":0.5,"e":[]} */
	jw_init(&j);
	jw_obj_begin(&j);
	jw_key(&j, "v");
	jw_strn(&j, s, size);
	jw_key(&j, cstr);
	jw_arr_begin(&j);
	jw_str(&j, cstr);
	jw_str(&j, NULL);
	jw_int(&j, -12);
	jw_strn(&j, s, half);
	jw_strn(&j, s + half, size - half);
	jw_obj_begin(&j);
	jw_obj_end(&j);
	jw_arr_end(&j);
	jw_key(&j, "n");
	jw_double(&j, 0.5);
	jw_key(&j, "e");
	jw_arr_begin(&j);
	jw_arr_end(&j);
	jw_obj_end(&j);

	FUZZ_CHECK(!j.failed, "out of memory");
	FUZZ_CHECK(j.buf && strlen(j.buf) == j.len, "length %zu, NUL at %zu", j.len,
	           j.buf ? strlen(j.buf) : 0);
	struct ch *out = malloc((j.len + 1) * sizeof *out);
	FUZZ_CHECK(out, "out of memory");
	parse(&r, j.buf, j.len, out);
	/* strings in order: "v", <all>, <to NUL> (key), <to NUL>, first, second, "n", "e" */
	FUZZ_CHECK(r.nstr == 8, "%zu strings", r.nstr);
	expect(&r, 0, (const uint8_t *)"v", 1);
	expect(&r, 1, data, size);
	expect(&r, 2, data, z);
	expect(&r, 3, data, z);
	expect(&r, 4, data, half);
	expect(&r, 5, data + half, size - half);
	expect(&r, 6, (const uint8_t *)"n", 1);
	expect(&r, 7, (const uint8_t *)"e", 1);
	free(out);

	/* jw_escape alone, in two pieces, between quotes of our own */
	jw_reset(&j);
	jw_raw(&j, "\"", 1);
	jw_escape(&j, s, half);
	jw_escape(&j, s + half, size - half);
	jw_raw(&j, "\"", 1);
	FUZZ_CHECK(!j.failed && strlen(j.buf) == j.len, "jw_escape: length %zu", j.len);
	out = malloc((j.len + 1) * sizeof *out);
	FUZZ_CHECK(out, "out of memory");
	parse(&r, j.buf, j.len, out);
	FUZZ_CHECK(r.nstr == 1, "%zu strings", r.nstr);
	/* the pieces are escaped one by one: compare each */
	{
		struct rd a = r;
		size_t first = 0;
		/* count the characters the first piece gives */
		for (size_t i = 0; i < half; first++) {
			uint32_t cp;
			size_t l = utf8_seq(data + i, half - i, &cp);
			i += l ? l : 1;
		}
		a.nstr = 2;
		a.str_at[0] = 0;
		a.str_len[0] = first;
		a.str_at[1] = first;
		a.str_len[1] = r.nout - first;
		FUZZ_CHECK(first <= r.nout, "jw_escape lost characters");
		expect(&a, 0, data, half);
		expect(&a, 1, data + half, size - half);
	}
	free(out);
	jw_free(&j);
	free(cstr);
	return 0;
}
