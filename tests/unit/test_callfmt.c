/* Unit tests for callfmt: the one rendering of a call for people. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/callfmt.h"
#include "monitor/funcs.h"

static char out[4096];

static const char *text(const char *s, size_t n)
{
	struct jw b;
	jw_init(&b);
	callfmt_text(&b, s, n);
	snprintf(out, sizeof out, "%s", b.buf ? b.buf : "");
	jw_free(&b);
	return out;
}

static const char *str(const char *s)
{
	struct jw b;
	jw_init(&b);
	callfmt_str(&b, s);
	snprintf(out, sizeof out, "%s", b.buf ? b.buf : "");
	jw_free(&b);
	return out;
}

static const char *line(const struct call *c, const struct callfmt_outcome *o)
{
	struct jw b;
	jw_init(&b);
	callfmt_line(&b, c, o);
	snprintf(out, sizeof out, "%s", b.buf ? b.buf : "");
	jw_free(&b);
	return out;
}

static void plain_text_unchanged(void **state)
{
	(void)state;
	assert_string_equal(text("ls -l /tmp", 10), "ls -l /tmp");
	/* valid UTF-8 letters stay (a person reads them) */
	assert_string_equal(text("caf\xc3\xa9 \xe6\x97\xa5", 9), "caf\xc3\xa9 \xe6\x97\xa5");
}

static void control_bytes_escaped(void **state)
{
	(void)state;
	/* a newline would start a forged line; ESC moves the cursor */
	assert_string_equal(text("a\nb\x1b[2Jc\r\x7f", 10), "a\\x0ab\\x1b[2Jc\\x0d\\x7f");
	assert_string_equal(text("back\\slash", 10), "back\\\\slash");
	/* a NUL inside the bytes is shown, not a cut */
	assert_string_equal(text("a\0b", 3), "a\\x00b");
}

static void invalid_utf8_escaped(void **state)
{
	(void)state;
	assert_string_equal(text("\xff\xfe", 2), "\\xff\\xfe");
	/* overlong '/', a surrogate, past U+10FFFF, a cut sequence */
	assert_string_equal(text("\xc0\xaf", 2), "\\xc0\\xaf");
	assert_string_equal(text("\xed\xa0\x80", 3), "\\xed\\xa0\\x80");
	assert_string_equal(text("\xf4\x90\x80\x80", 4), "\\xf4\\x90\\x80\\x80");
	assert_string_equal(text("x\xe6\x97", 3), "x\\xe6\\x97");
}

static void disguising_characters_escaped(void **state)
{
	(void)state;
	/* C1 CSI, right-to-left override, line separator, zero-width no-break space */
	assert_string_equal(text("\xc2\x9b" "31m", 5), "\\u009b31m");
	assert_string_equal(text("\xe2\x80\xae" "hsab", 7), "\\u202ehsab");
	assert_string_equal(text("a\xe2\x80\xa8" "b", 5), "a\\u2028b");
	assert_string_equal(text("\xef\xbb\xbf", 3), "\\ufeff");
}

static void strings_quoted_and_cut(void **state)
{
	(void)state;
	assert_string_equal(str("say \"hi\""), "\"say \\\"hi\\\"\"");
	assert_string_equal(str(NULL), "NULL");
	char long_s[400];
	memset(long_s, 'a', sizeof long_s - 1);
	long_s[sizeof long_s - 1] = 0;
	str(long_s);
	assert_non_null(strstr(out, "\"...(399 bytes)"));
	assert_int_equal(strlen(out), 1 + CALLFMT_STR_MAX + 1 + strlen("...(399 bytes)"));
	/* the cut never splits a character into bytes that read as invalid */
	long_s[0] = 'x';   /* two-byte characters from byte 1: one straddles the cut */
	for (size_t i = 1; i + 2 < sizeof long_s; i += 2) {
		long_s[i] = (char)0xc3;
		long_s[i + 1] = (char)0xa9;
	}
	str(long_s);
	assert_null(strstr(out, "\\x"));
}

static void vectors_limited(void **state)
{
	(void)state;
	char *v[20];
	for (int i = 0; i < 20; i++)
		v[i] = "w";
	struct jw b;
	jw_init(&b);
	callfmt_vec(&b, v, 20);
	assert_non_null(strstr(b.buf, ", ...]"));
	jw_free(&b);
	jw_init(&b);
	callfmt_vec(&b, v, 2);
	assert_string_equal(b.buf, "[\"w\", \"w\"]");
	jw_free(&b);
}

static struct call make(const char *fn, enum layer layer)
{
	struct call c;
	memset(&c, 0, sizeof c);
	c.func = funcs_by_name(fn);
	c.outer = -1;
	c.layer = layer;
	c.pid = 123;
	return c;
}

static void calls_as_stderr_shows_them(void **state)
{
	(void)state;
	struct call c = make("system", LAYER_GOT);
	c.nargs = 1;
	c.a[0] = (struct call_arg){.fmt = 'c', .str = "bash"};
	c.object = "/usr/bin/python3.11";
	struct callfmt_outcome o = {.what = "denied", .why = "bash is a denied program",
	                            .rule = "policy.ini (built in):190", .py_file = "job.py",
	                            .py_line = 4, .py_func = "payload"};
	assert_string_equal(line(&c, &o), "denied system(\"bash\") from /usr/bin/python3.11 "
	                    "(pid 123): bash is a denied program [policy.ini (built in):190] at "
	                    "job.py:4 in payload");

	c.handed_out = true;
	c.object = "/x/_ctypes.so";
	struct callfmt_outcome bare = {0};
	assert_string_equal(line(&c, &bare), "system(\"bash\") from a pointer dlsym gave "
	                    "/x/_ctypes.so (pid 123)");

	char *argv[] = {"sh", "-c", "ls", NULL};
	struct call e = make("execve", LAYER_EXEC);
	e.nargs = 2;
	e.a[0] = (struct call_arg){.fmt = 'P', .str = "/bin/sh"};
	e.a[1] = (struct call_arg){.fmt = 'v', .vec = argv, .n = 3};
	struct callfmt_outcome w = {.what = "would deny"};
	assert_string_equal(line(&e, &w), "would deny exec of \"/bin/sh\", [\"sh\", \"-c\", \"ls\"] "
	                    "(pid 123)");

	struct call s = make("execve", LAYER_GOT);
	s.outer = funcs_by_name("syscall");
	s.nargs = 1;
	s.a[0] = (struct call_arg){.fmt = 'P', .err = -EFAULT, .raw = 0x10};
	assert_string_equal(line(&s, &bare), "syscall(SYS_execve, <unreadable 0x10>) (pid 123)");

	struct call k = make("kill", LAYER_SYSCALL);
	k.nargs = 2;
	k.a[0] = (struct call_arg){.fmt = 'i', .num = -1};
	k.a[1] = (struct call_arg){.fmt = 'i', .num = 9};
	assert_string_equal(line(&k, &bare), "kill(-1, 9) system call (pid 123)");
}

static void hostile_parts_escaped(void **state)
{
	(void)state;
	struct call c = make("system", LAYER_GOT);
	c.nargs = 1;
	c.a[0] = (struct call_arg){.fmt = 'c', .str = "x\nFORGED"};
	c.object = "/tmp/evil\n.so";
	struct callfmt_outcome o = {.what = "denied", .why = "/tmp/a\nb is not allowed",
	                            .py_file = "j\x1b.py", .py_line = 1, .py_func = "f\n"};
	line(&c, &o);
	assert_null(strchr(out, '\n'));
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "x\\x0aFORGED"));
	assert_non_null(strstr(out, "/tmp/evil\\x0a.so"));
}

static void what_of_a_verdict(void **state)
{
	(void)state;
	assert_string_equal(callfmt_what("allow", true), "allowed");
	assert_string_equal(callfmt_what("deny", true), "denied");
	assert_string_equal(callfmt_what("deny", false), "would deny");
	assert_string_equal(callfmt_what("kill", true), "killed job at");
	assert_string_equal(callfmt_what("kill", false), "would deny");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_unchanged),
		cmocka_unit_test(control_bytes_escaped),
		cmocka_unit_test(invalid_utf8_escaped),
		cmocka_unit_test(disguising_characters_escaped),
		cmocka_unit_test(strings_quoted_and_cut),
		cmocka_unit_test(vectors_limited),
		cmocka_unit_test(calls_as_stderr_shows_them),
		cmocka_unit_test(hostile_parts_escaped),
		cmocka_unit_test(what_of_a_verdict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
