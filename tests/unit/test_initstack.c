/* Unit tests for monitor/initstack.c: arguments, environment and execfn from
 * a copy of a new image's stack.
 *
 * Each test lays out a stack image the way the kernel does (argc, argv, NULL,
 * envp, NULL, auxv up to AT_NULL, then the strings) at a fake stack pointer,
 * changes what the case needs, and parses an exact-size heap copy of it, so
 * the sanitizer build catches any read past len.  initstack_read() needs a
 * stopped child and is left to the end-to-end tests.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/initstack.h"

#define SP 0x7ffc5a3f1e40ull	/* 16-byte aligned, like the kernel's */
#define MAX_STR 8

struct img {
	char buf[2048];
	size_t len;		/* bytes laid out */
	size_t argv_w;		/* word index of argv[0] */
	size_t envp_w;		/* of envp[0] */
	size_t execfn_w;	/* of AT_EXECFN's value; 0 when absent */
	size_t atnull_w;	/* of AT_NULL's type */
	size_t arg_off[MAX_STR], env_off[MAX_STR], execfn_off;
	size_t end_off;		/* just past the last string's NUL */
	char *copy;		/* what the last parse read */
};

static void put_word(struct img *m, size_t i, uint64_t w)
{
	assert_true((i + 1) * 8 <= sizeof m->buf);
	memcpy(m->buf + i * 8, &w, 8);
}

static size_t put_str(struct img *m, size_t *at, const char *str)
{
	size_t off = *at, n = strlen(str) + 1;
	assert_true(off + n <= sizeof m->buf);
	memcpy(m->buf + off, str, n);
	*at += n;
	return off;
}

static size_t count(const char *const *v)
{
	size_t n = 0;
	while (v[n])
		n++;
	assert_true(n <= MAX_STR);
	return n;
}

/* Lays out argv and envp (NULL-ended) and, unless execfn is NULL, an
 * AT_EXECFN entry among other auxv entries; the strings follow the vectors
 * the way the kernel orders them (random bytes and the platform string, the
 * argv run, the envp run, execfn, then 8 zero bytes at the top). */
static void lay_out(struct img *m, const char *const *argv, const char *const *envp,
                    const char *execfn)
{
	size_t argc = count(argv), envc = count(envp), i, w;
	size_t nauxv = 4 + (execfn != NULL) + 1;
	size_t at = (1 + argc + 1 + envc + 1 + 2 * nauxv) * 8;
	size_t random_off, platform_off;

	free(m->copy);	/* a parse of the last layout */
	memset(m, 0, sizeof *m);
	random_off = at;
	memcpy(m->buf + at, "\x93\x11\xfe\x07\x5c\xa2\x40\x01\x88\x3d\x6e\xc0\x19\x27\xb4\xe5", 16);
	at += 16;
	platform_off = put_str(m, &at, "x86_64");
	for (i = 0; i < argc; i++)
		m->arg_off[i] = put_str(m, &at, argv[i]);
	for (i = 0; i < envc; i++)
		m->env_off[i] = put_str(m, &at, envp[i]);
	if (execfn)
		m->execfn_off = put_str(m, &at, execfn);
	m->end_off = at;
	m->len = at + 8;

	put_word(m, 0, argc);
	m->argv_w = w = 1;
	for (i = 0; i < argc; i++)
		put_word(m, w++, SP + m->arg_off[i]);
	put_word(m, w++, 0);
	m->envp_w = w;
	for (i = 0; i < envc; i++)
		put_word(m, w++, SP + m->env_off[i]);
	put_word(m, w++, 0);
	put_word(m, w++, AT_PHDR);
	put_word(m, w++, 0x555555554040ull);
	put_word(m, w++, AT_PAGESZ);
	put_word(m, w++, 4096);
	put_word(m, w++, AT_RANDOM);
	put_word(m, w++, SP + random_off);
	if (execfn) {
		put_word(m, w++, AT_EXECFN);
		m->execfn_w = w;
		put_word(m, w++, SP + m->execfn_off);
	}
	put_word(m, w++, AT_PLATFORM);
	put_word(m, w++, SP + platform_off);
	m->atnull_w = w;
	put_word(m, w++, AT_NULL);
	put_word(m, w++, 0);
	assert_int_equal(w * 8, random_off);
}

/* Parses the first len bytes of the image from an exact-size copy, which
 * stays until the next parse or img_free(). */
static int parse_n(struct img *m, size_t len, struct initstack *s)
{
	free(m->copy);
	m->copy = malloc(len ? len : 1);
	assert_non_null(m->copy);
	memcpy(m->copy, m->buf, len);
	*s = (struct initstack){.buf = m->copy, .len = len, .sp = SP};
	return initstack_parse(s);
}

static int parse(struct img *m, struct initstack *s)
{
	return parse_n(m, m->len, s);
}

static void img_free(struct img *m)
{
	free(m->copy);
	m->copy = NULL;
}

static const char *const ARGV2[] = {"a", "bb", NULL};
static const char *const ENVP2[] = {"X=1", "PATH=/bin", NULL};
static const char *const NONE[] = {NULL};

static void test_normal(void **state)
{
	static struct img m;
	struct initstack s;
	(void)state;

	lay_out(&m, ARGV2, ENVP2, "/usr/bin/python3");
	assert_int_equal(parse(&m, &s), 0);
	assert_int_equal(s.args_len, 5);
	assert_memory_equal(s.args, "a\0bb\0", 5);
	assert_ptr_equal(s.args, m.copy + m.arg_off[0]);
	assert_int_equal(s.env_len, 14);
	assert_memory_equal(s.env, "X=1\0PATH=/bin\0", 14);
	assert_ptr_equal(s.env, m.copy + m.env_off[0]);
	assert_int_equal(s.env_addr, SP + m.env_off[0]);
	assert_non_null(s.execfn);
	assert_string_equal(s.execfn, "/usr/bin/python3");
	assert_ptr_equal(s.execfn, m.copy + m.execfn_off);
	img_free(&m);
}

/* Empty strings are still strings: each is its NUL. */
static void test_empty_strings(void **state)
{
	static const char *const argv[] = {"", "x", "", NULL};
	static const char *const envp[] = {"", NULL};
	static struct img m;
	struct initstack s;
	(void)state;

	lay_out(&m, argv, envp, "");
	assert_int_equal(parse(&m, &s), 0);
	assert_int_equal(s.args_len, 4);
	assert_memory_equal(s.args, "\0x\0\0", 4);
	assert_int_equal(s.env_len, 1);
	assert_int_equal(s.env_addr, SP + m.env_off[0]);
	assert_string_equal(s.execfn, "");
	img_free(&m);
}

static void test_no_environment(void **state)
{
	static struct img m;
	struct initstack s;
	(void)state;

	lay_out(&m, ARGV2, NONE, "/bin/true");
	assert_int_equal(parse(&m, &s), 0);
	assert_int_equal(s.args_len, 5);
	assert_memory_equal(s.args, "a\0bb\0", 5);
	assert_int_equal(s.env_len, 0);
	assert_int_equal(s.env_addr, 0);
	assert_non_null(s.env);
	assert_string_equal(s.execfn, "/bin/true");
	img_free(&m);
}

/* execve(path, {NULL}, envp) is allowed: argc 0, an empty argv. */
static void test_argc_zero(void **state)
{
	static struct img m;
	struct initstack s;
	(void)state;

	lay_out(&m, NONE, ENVP2, "/bin/true");
	assert_int_equal(parse(&m, &s), 0);
	assert_int_equal(s.args_len, 0);
	assert_non_null(s.args);
	assert_int_equal(s.env_len, 14);
	assert_memory_equal(s.env, "X=1\0PATH=/bin\0", 14);
	assert_int_equal(s.env_addr, SP + m.env_off[0]);

	lay_out(&m, NONE, NONE, NULL);
	assert_int_equal(parse(&m, &s), 0);
	assert_int_equal(s.args_len, 0);
	assert_int_equal(s.env_len, 0);
	assert_int_equal(s.env_addr, 0);
	assert_null(s.execfn);
	img_free(&m);
}

static void test_no_execfn(void **state)
{
	static struct img m;
	struct initstack s;
	(void)state;

	lay_out(&m, ARGV2, ENVP2, NULL);
	assert_int_equal(parse(&m, &s), 0);
	assert_null(s.execfn);
	assert_int_equal(s.args_len, 5);
	assert_int_equal(s.env_len, 14);
	img_free(&m);
}

/* The last string's NUL may be the buffer's last byte, and len need not be
 * a multiple of 8. */
static void test_tight_and_odd_len(void **state)
{
	static struct img m;
	struct initstack s;
	(void)state;

	lay_out(&m, ARGV2, ENVP2, "/usr/bin/python3");
	assert_true(m.end_off % 8 != 0);
	assert_int_equal(parse_n(&m, m.end_off, &s), 0);
	assert_string_equal(s.execfn, "/usr/bin/python3");
	assert_int_equal(parse_n(&m, m.end_off - 1, &s), -E2BIG);

	lay_out(&m, ARGV2, ENVP2, NULL);
	assert_int_equal(parse_n(&m, m.end_off, &s), 0);
	assert_int_equal(s.env_len, 14);
	assert_memory_equal(s.env, "X=1\0PATH=/bin\0", 14);
	img_free(&m);
}

static void test_short_buffer(void **state)
{
	static struct img m;
	struct initstack s;
	size_t len;
	(void)state;

	lay_out(&m, NONE, NONE, NULL);
	for (len = 0; len < 8; len++)
		assert_int_equal(parse_n(&m, len, &s), -E2BIG);
	/* argc alone, nothing after it */
	for (len = 8; len < 16; len++)
		assert_int_equal(parse_n(&m, len, &s), -E2BIG);
	img_free(&m);
}

static void test_pointer_outside(void **state)
{
	static struct img m;
	struct initstack s;
	(void)state;

	lay_out(&m, ARGV2, ENVP2, "/usr/bin/python3");
	put_word(&m, m.argv_w, SP - 8);
	assert_int_equal(parse(&m, &s), -E2BIG);
	put_word(&m, m.argv_w, SP - 1);
	assert_int_equal(parse(&m, &s), -E2BIG);
	put_word(&m, m.argv_w, SP + m.len);
	assert_int_equal(parse(&m, &s), -E2BIG);
	put_word(&m, m.argv_w, UINT64_MAX);
	assert_int_equal(parse(&m, &s), -E2BIG);

	lay_out(&m, ARGV2, ENVP2, "/usr/bin/python3");
	put_word(&m, m.envp_w + 1, SP + m.len);
	assert_int_equal(parse(&m, &s), -E2BIG);

	/* the strings read are right, the buffer was cut before them */
	lay_out(&m, ARGV2, ENVP2, "/usr/bin/python3");
	assert_int_equal(parse_n(&m, m.arg_off[0], &s), -E2BIG);
	assert_int_equal(parse_n(&m, m.env_off[0], &s), -E2BIG);
	img_free(&m);
}

static void test_string_without_nul(void **state)
{
	static struct img m;
	struct initstack s;
	(void)state;

	/* cut in the middle of the last environment string */
	lay_out(&m, ARGV2, ENVP2, NULL);
	assert_int_equal(parse_n(&m, m.env_off[1] + 3, &s), -E2BIG);
	/* the same string ending at the buffer's end without its NUL */
	m.buf[m.end_off - 1] = 'x';
	assert_int_equal(parse_n(&m, m.end_off, &s), -E2BIG);

	/* and an argument */
	lay_out(&m, ARGV2, NONE, NULL);
	m.buf[m.end_off - 1] = 'x';
	assert_int_equal(parse_n(&m, m.end_off, &s), -E2BIG);
	img_free(&m);
}

static void test_not_contiguous(void **state)
{
	static struct img m;
	struct initstack s;
	(void)state;

	/* in reverse order */
	lay_out(&m, ARGV2, ENVP2, NULL);
	put_word(&m, m.argv_w, SP + m.arg_off[1]);
	put_word(&m, m.argv_w + 1, SP + m.arg_off[0]);
	assert_int_equal(parse(&m, &s), -EINVAL);

	/* the same string twice */
	lay_out(&m, ARGV2, ENVP2, NULL);
	put_word(&m, m.envp_w + 1, SP + m.env_off[0]);
	assert_int_equal(parse(&m, &s), -EINVAL);

	/* a gap: the second string starts one byte late (still NUL-ended) */
	lay_out(&m, ARGV2, ENVP2, NULL);
	put_word(&m, m.envp_w + 1, SP + m.env_off[1] + 1);
	assert_int_equal(parse(&m, &s), -EINVAL);

	/* the second string inside the first one */
	lay_out(&m, ARGV2, ENVP2, NULL);
	put_word(&m, m.envp_w + 1, SP + m.env_off[0] + 2);
	assert_int_equal(parse(&m, &s), -EINVAL);
	img_free(&m);
}

static void test_argc_mismatch(void **state)
{
	static struct img m;
	struct initstack s;
	(void)state;

	lay_out(&m, ARGV2, ENVP2, NULL);
	put_word(&m, 0, 3);
	assert_int_equal(parse(&m, &s), -EINVAL);
	put_word(&m, 0, 1);
	assert_int_equal(parse(&m, &s), -EINVAL);
	put_word(&m, 0, 0);
	assert_int_equal(parse(&m, &s), -EINVAL);

	/* argc 1 over an empty vector */
	lay_out(&m, NONE, ENVP2, NULL);
	put_word(&m, 0, 1);
	assert_int_equal(parse(&m, &s), -EINVAL);

	/* more arguments than the buffer has words: the vector lies beyond */
	lay_out(&m, ARGV2, ENVP2, NULL);
	put_word(&m, 0, m.len / 8 + 1);
	assert_int_equal(parse(&m, &s), -E2BIG);
	put_word(&m, 0, UINT64_MAX);
	assert_int_equal(parse(&m, &s), -E2BIG);
	img_free(&m);
}

/* The vectors hold no string pointers here, so the cut is all that fails. */
static void test_cut_before_at_null(void **state)
{
	static struct img m;
	struct initstack s;
	size_t len;
	(void)state;

	lay_out(&m, NONE, NONE, NULL);
	assert_int_equal(parse_n(&m, (m.atnull_w + 2) * 8, &s), 0);
	for (len = 0; len < (m.atnull_w + 2) * 8; len++)
		assert_int_equal(parse_n(&m, len, &s), -E2BIG);
	img_free(&m);
}

static void test_execfn_outside(void **state)
{
	static struct img m;
	struct initstack s;
	(void)state;

	lay_out(&m, ARGV2, ENVP2, "/usr/bin/python3");
	put_word(&m, m.execfn_w, SP + m.len);
	assert_int_equal(parse(&m, &s), -E2BIG);
	put_word(&m, m.execfn_w, SP - 16);
	assert_int_equal(parse(&m, &s), -E2BIG);
	put_word(&m, m.execfn_w, 0);
	assert_int_equal(parse(&m, &s), -E2BIG);

	/* inside, but its NUL beyond the cut */
	lay_out(&m, ARGV2, ENVP2, "/usr/bin/python3");
	assert_int_equal(parse_n(&m, m.execfn_off + 4, &s), -E2BIG);

	/* the other auxv values are not addresses to check */
	lay_out(&m, ARGV2, ENVP2, "/usr/bin/python3");
	put_word(&m, m.execfn_w - 1, AT_ENTRY);
	put_word(&m, m.execfn_w, UINT64_MAX);
	assert_int_equal(parse(&m, &s), 0);
	assert_null(s.execfn);
	img_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal),
		cmocka_unit_test(test_empty_strings),
		cmocka_unit_test(test_no_environment),
		cmocka_unit_test(test_argc_zero),
		cmocka_unit_test(test_no_execfn),
		cmocka_unit_test(test_tight_and_odd_len),
		cmocka_unit_test(test_short_buffer),
		cmocka_unit_test(test_pointer_outside),
		cmocka_unit_test(test_string_without_nul),
		cmocka_unit_test(test_not_contiguous),
		cmocka_unit_test(test_argc_mismatch),
		cmocka_unit_test(test_cut_before_at_null),
		cmocka_unit_test(test_execfn_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
