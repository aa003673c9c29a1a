/* libFuzzer harness for the initial-stack parser (monitor/initstack.c).
 *
 * The input is the stack image, read at the fixed address SP: a pointer the
 * fuzzer writes into its own bytes is 0x7ffd000000XX little-endian, and the
 * parser's bounds comparisons show it the value.  The bytes are copied into a
 * heap buffer of exactly their size, so ASan sees any read past len.
 *
 * Any return is 0, -E2BIG or -EINVAL.  After a 0, walking the image here
 * (argc, the two vectors, the auxv pairs up to AT_NULL):
 *
 *   - args and env, when not empty, lie inside the buffer, end with a NUL and
 *     hold one NUL per vector entry; the first entry is their address, which
 *     for env is env_addr (0 when the environment is empty);
 *   - every AT_EXECFN's string is inside and NUL-ended; execfn is the last
 *     one's, or NULL when the auxv has none.
 *
 * Then the image is parsed again cut short: a result depends only on the
 * bytes it needs, so a 0 stays the same 0 down to the end of the last word
 * or string read and turns into -E2BIG one byte below; an error stays that
 * error or becomes -E2BIG (never 0, never -EINVAL from -E2BIG).  That is
 * what initstack_read() relies on when it parses a page or two first and
 * reads the whole window only on -E2BIG.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "monitor/initstack.h"
#include "tests/fuzz/fuzz.h"

#define SP 0x7ffd00000000ull	/* page aligned, where stacks are */

/* Parses the first len bytes from an exact-size copy (freed by the caller). */
static int parse_copy(const uint8_t *data, size_t len, struct initstack *s, char **copy)
{
	*copy = malloc(len ? len : 1);
	FUZZ_CHECK(*copy, "out of memory");
	memcpy(*copy, data, len);
	*s = (struct initstack){.buf = *copy, .len = len, .sp = SP};
	return initstack_parse(s);
}

static uint64_t word(const struct initstack *s, size_t i)
{
	uint64_t w;
	FUZZ_CHECK((i + 1) * 8 <= s->len, "the parser accepted an image without word %zu", i);
	memcpy(&w, s->buf + i * 8, 8);
	return w;
}

/* Offset of p in s->buf, when [p, p+n) lies inside it; else aborts. */
static size_t inside(const struct initstack *s, const char *what, const char *p, size_t n)
{
	uintptr_t b = (uintptr_t)s->buf, a = (uintptr_t)p;
	FUZZ_CHECK(a >= b && n <= s->len && a - b <= s->len - n, "%s (%zu bytes) outside the buffer",
	           what, n);
	return a - b;
}

/* A run of nstr strings: inside, NUL-ended, one NUL each, starting where the
 * vector's first entry (first) points.  Returns the offset just past it. */
static size_t check_run(const struct initstack *s, const char *what, const char *p, size_t len,
                        uint64_t nstr, uint64_t first)
{
	if (!len) {
		FUZZ_CHECK(nstr == 0, "%s empty with %llu strings", what, (unsigned long long)nstr);
		return 0;
	}
	size_t off = inside(s, what, p, len), nuls = 0;
	FUZZ_CHECK(p[len - 1] == 0, "%s does not end with a NUL", what);
	for (size_t k = 0; k < len; k++)
		nuls += !p[k];
	FUZZ_CHECK(nuls == nstr, "%s holds %zu NULs for %llu strings", what, nuls,
	           (unsigned long long)nstr);
	FUZZ_CHECK(first == SP + off, "%s at %#llx, its first pointer %#llx", what,
	           (unsigned long long)(SP + off), (unsigned long long)first);
	return off + len;
}

/* The string at address addr, which the parser read: inside and NUL-ended.
 * Returns the offset just past its NUL. */
static size_t string_end(const struct initstack *s, const char *what, uint64_t addr)
{
	FUZZ_CHECK(addr >= SP && addr - SP < s->len, "%s at %#llx outside the buffer", what,
	           (unsigned long long)addr);
	const char *p = s->buf + (addr - SP);
	const char *nul = memchr(p, 0, s->len - (size_t)(addr - SP));
	FUZZ_CHECK(nul, "%s has no NUL inside the buffer", what);
	return (size_t)(nul - s->buf) + 1;
}

static size_t max_of(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* Checks a successful parse against the image; returns how many bytes of it
 * the parse needed (the end of the last word or string read). */
static size_t check_ok(const struct initstack *s)
{
	uint64_t argc = word(s, 0), envc = 0, execfn = 0, type;
	bool has_execfn = false;
	size_t i = 1 + argc + 1, need;

	FUZZ_CHECK(word(s, 1 + argc) == 0, "argv[argc] is not NULL");
	need = check_run(s, "args", s->args, s->args_len, argc, argc ? word(s, 1) : 0);
	while (word(s, i + envc))
		envc++;
	need = max_of(need, check_run(s, "env", s->env, s->env_len, envc, s->env_addr));
	FUZZ_CHECK(s->env_len || s->env_addr == 0, "env_addr %#llx for an empty environment",
	           (unsigned long long)s->env_addr);
	FUZZ_CHECK(!envc || word(s, i) == s->env_addr, "env_addr is not envp[0]");

	/* every AT_EXECFN's string is read, the last one kept */
	for (i += envc + 1; (type = word(s, i)) != AT_NULL; i += 2)
		if (type == AT_EXECFN) {
			has_execfn = true;
			execfn = word(s, i + 1);
			need = max_of(need, string_end(s, "AT_EXECFN", execfn));
		}
	(void)word(s, i + 1);	/* AT_NULL's value must have been read too */
	need = max_of(need, (i + 2) * 8);
	if (!has_execfn) {
		FUZZ_CHECK(!s->execfn, "execfn set without AT_EXECFN");
		return need;
	}
	FUZZ_CHECK(s->execfn, "execfn NULL with AT_EXECFN %#llx", (unsigned long long)execfn);
	size_t off = inside(s, "execfn", s->execfn, 1);
	FUZZ_CHECK(SP + off == execfn, "execfn at %#llx, the last AT_EXECFN %#llx",
	           (unsigned long long)(SP + off), (unsigned long long)execfn);
	return need;
}

static size_t offset(const struct initstack *s, const char *p)
{
	return p ? (size_t)((uintptr_t)p - (uintptr_t)s->buf) : SIZE_MAX;
}

/* The first cut bytes parse to the full image's result, or to -E2BIG:
 * exactly -E2BIG below need when the full parse succeeded. */
static void check_cut(const uint8_t *data, size_t cut, int rc, const struct initstack *full,
                      size_t need)
{
	struct initstack s;
	char *copy;
	int crc = parse_copy(data, cut, &s, &copy);

	if (rc == 0 && cut < need)
		FUZZ_CHECK(crc == -E2BIG, "cut at %zu of the %zu needed: rc %d", cut, need, crc);
	else if (rc == 0)
		FUZZ_CHECK(crc == 0, "cut at %zu, %zu needed: rc %d", cut, need, crc);
	else
		FUZZ_CHECK(crc == rc || crc == -E2BIG, "cut at %zu: rc %d, %d uncut", cut, crc, rc);
	if (crc == 0 && rc == 0) {
		FUZZ_CHECK(s.args_len == full->args_len && s.env_len == full->env_len &&
		                   s.env_addr == full->env_addr,
		           "cut at %zu: other lengths or env_addr", cut);
		FUZZ_CHECK((!s.args_len || offset(&s, s.args) == offset(full, full->args)) &&
		                   (!s.env_len || offset(&s, s.env) == offset(full, full->env)) &&
		                   offset(&s, s.execfn) == offset(full, full->execfn),
		           "cut at %zu: other strings", cut);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct initstack s;
	char *copy;
	size_t need = 0;
	int rc = parse_copy(data, size, &s, &copy);

	FUZZ_CHECK(rc == 0 || rc == -E2BIG || rc == -EINVAL, "rc %d", rc);
	if (rc == 0) {
		need = check_ok(&s);
		FUZZ_CHECK(need > 0 && need <= size, "needs %zu of %zu bytes", need, size);
		check_cut(data, need, rc, &s, need);
		check_cut(data, need - 1, rc, &s, need);
	}
	if (size) {
		check_cut(data, size - 1, rc, &s, need);
		check_cut(data, size / 2, rc, &s, need);
	}
	free(copy);
	return 0;
}
