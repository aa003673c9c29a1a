/* pystack_decode: CPython location tables and str data, from bytes. */
#include "monitor/pystack_decode.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "monitor/pystack_layout.h"

/* Location table (CPython's Objects/locations.md, 3.11):
 *
 *   entry  = first byte, then 0..n bytes with bit 7 clear
 *   first  = 1 | code (4 bits) | length-1 (3 bits)      length in code units
 *   code 0-9    short form, same line, 1 byte of columns
 *   code 10-12  one-line form, line += code-10, 2 bytes of columns
 *   code 13     no columns, line += svarint
 *   code 14     long form, line += svarint, then 3 varints (end line, columns)
 *   code 15     no location (the running line is kept for the next entry)
 *
 *   varint: 6-bit chunks, least significant first, bit 6 set on all but the
 *   last; svarint: varint v, value v>>1, negated when v&1.
 */
enum { LT_NONE = 15, LT_LONG = 14, LT_NO_COLUMNS = 13, LT_ONE_LINE0 = 10 };

struct lt_cursor {
	const uint8_t *tab;
	size_t len, pos;
};

/* The next byte of an entry: -EAGAIN past the end, -EINVAL if it starts an entry. */
static int lt_byte(struct lt_cursor *c)
{
	if (c->pos >= c->len)
		return -EAGAIN;
	uint8_t b = c->tab[c->pos];
	if (b & 0x80)
		return -EINVAL;
	c->pos++;
	return b;
}

static int lt_varint(struct lt_cursor *c, uint64_t *v)
{
	unsigned shift = 0;
	*v = 0;
	for (;;) {
		int b = lt_byte(c);
		if (b < 0)
			return b;
		if (shift > 36)   /* more than any int; a malformed run */
			return -EINVAL;
		*v |= (uint64_t)(b & 0x3f) << shift;
		shift += 6;
		if (!(b & 0x40))
			return 0;
	}
}

static int lt_svarint(struct lt_cursor *c, int64_t *v)
{
	uint64_t u;
	int rc = lt_varint(c, &u);
	if (rc < 0)
		return rc;
	*v = (u & 1) ? -(int64_t)(u >> 1) : (int64_t)(u >> 1);
	return 0;
}

/* Skips n bytes of an entry (columns we do not report). */
static int lt_skip(struct lt_cursor *c, unsigned n)
{
	while (n--) {
		int b = lt_byte(c);
		if (b < 0)
			return b;
	}
	return 0;
}

/* Reads the rest of an entry whose first byte had the given code: the change
 * to the running line. */
static int lt_entry_delta(struct lt_cursor *c, unsigned code, int64_t *delta)
{
	uint64_t ignored;
	int rc = 0;

	*delta = 0;
	if (code < LT_ONE_LINE0)
		return lt_skip(c, 1);
	if (code < LT_NO_COLUMNS) {
		*delta = code - LT_ONE_LINE0;
		return lt_skip(c, 2);
	}
	if (code == LT_NONE)
		return 0;
	rc = lt_svarint(c, delta);
	for (int i = 0; rc == 0 && code == LT_LONG && i < 3; i++)
		rc = lt_varint(c, &ignored);
	return rc;
}

int pystack_linetable_line(const uint8_t *tab, size_t len, bool complete,
                           int firstlineno, uint64_t addr, int *line)
{
	struct lt_cursor c = {tab, len, 0};
	uint64_t unit = addr / 2, at = 0;
	int64_t cur = firstlineno;

	*line = -1;
	if (addr % 2)
		return -EINVAL;
	while (c.pos < c.len) {
		uint8_t first = tab[c.pos++];
		if (!(first & 0x80))
			return -EINVAL;
		unsigned code = (first >> 3) & 15;
		int64_t delta;
		int rc = lt_entry_delta(&c, code, &delta);
		if (rc == -EAGAIN && complete)
			rc = -EINVAL;
		if (rc < 0)
			return rc;
		cur += delta;
		if (cur < INT_MIN || cur > INT_MAX)
			return -EINVAL;
		at += (first & 7) + 1u;
		if (unit < at) {
			*line = code == LT_NONE ? -1 : (int)cur;
			return 0;
		}
	}
	return complete ? -EINVAL : -EAGAIN;
}

/* 3.10 co_linetable (CPython 3.10's Objects/lnotab_notes.txt):
 *
 *   pairs (bytes, line delta): the next `bytes` bytes of code have the line
 *   running + delta; delta -128: they have no line (the running line is kept)
 *
 * A pair of 0 bytes only moves the running line (a jump wider than a byte). */
int pystack_linetable310_line(const uint8_t *tab, size_t len, bool complete,
                              int firstlineno, uint64_t addr, int *line)
{
	uint64_t end = 0;
	int64_t cur = firstlineno;

	*line = -1;
	for (size_t pos = 0; pos + 2 <= len; pos += 2) {
		uint64_t start = end;
		int8_t delta = (int8_t)tab[pos + 1];
		end += tab[pos];
		if (delta != -128)
			cur += delta;
		if (cur < INT_MIN || cur > INT_MAX)
			return -EINVAL;
		if (addr >= start && addr < end) {
			*line = delta == -128 ? -1 : (int)cur;
			return 0;
		}
	}
	if (!complete)
		return -EAGAIN;
	return -EINVAL;   /* an odd length, or a table that ends before addr */
}

/* 3.8-3.9 co_lnotab (CPython's Objects/lnotab_notes.txt): pairs (byte
 * increment, line increment), the line increment signed since 3.6. */
int pystack_lnotab_line(const uint8_t *tab, size_t len, bool complete,
                        int firstlineno, uint64_t addr, int *line)
{
	uint64_t at = 0;
	int64_t cur = firstlineno;

	*line = -1;
	for (size_t pos = 0; pos + 2 <= len; pos += 2) {
		at += tab[pos];
		if (at > addr) {
			*line = (int)cur;
			return 0;
		}
		cur += (int8_t)tab[pos + 1];
		if (cur < INT_MIN || cur > INT_MAX)
			return -EINVAL;
	}
	if (!complete)
		return -EAGAIN;
	if (len % 2)
		return -EINVAL;
	*line = (int)cur;   /* past the last pair: its line */
	return 0;
}

int pystack_line_of(unsigned kind, const uint8_t *tab, size_t len, bool complete,
                    int firstlineno, uint64_t addr, int *line)
{
	switch (kind) {
	case PYLINES_LNOTAB:
		return pystack_lnotab_line(tab, len, complete, firstlineno, addr, line);
	case PYLINES_310:
		return pystack_linetable310_line(tab, len, complete, firstlineno, addr, line);
	case PYLINES_311:
		return pystack_linetable_line(tab, len, complete, firstlineno, addr, line);
	}
	*line = -1;
	return -EINVAL;
}

/* UTF-8 of one code point into out (4 bytes); returns its length. */
static size_t utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
		out[0] = '?';
		return 1;
	}
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t pystack_utf8(const void *data, size_t n, unsigned kind, char *out, size_t cap)
{
	const uint8_t *p = data;
	size_t len = 0;

	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t cp;
		char enc[4];
		if (kind == 1) {
			cp = p[i];
		} else if (kind == 2) {
			uint16_t u;
			memcpy(&u, p + 2 * i, 2);
			cp = u;
		} else {
			memcpy(&cp, p + 4 * i, 4);
		}
		size_t k = utf8_put(cp, enc);
		if (len + k > cap - 1)
			break;
		memcpy(out + len, enc, k);
		len += k;
	}
	out[len] = 0;
	return len;
}

void pystack_copy_utf8(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (cap == 0)
		return;
	if (n > cap - 1) {
		n = cap - 1;
		/* back off continuation bytes so no character is cut */
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = 0;
}
