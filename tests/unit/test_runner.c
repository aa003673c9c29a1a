/* Unit tests for program runners: finding PROGRAM in ld.so's, valgrind's and
 * qemu's command lines, and refusing what cannot be read that way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/runner.h"

static int parse(enum runner_kind k, char **argv, struct runner_target *t)
{
	size_t argc = 0;
	while (argv[argc])
		argc++;
	return runner_parse(k, argv, argc, t);
}

static void ldso(void **state)
{
	struct runner_target t;
	char *plain[] = {"ld.so", "/usr/bin/ls", "-l", NULL};
	char *argv0[] = {"ld.so", "--argv0", "sh", "/usr/bin/bash", "-c", "x", NULL};
	char *pre[] = {"ld.so", "--inhibit-cache", "--preload", "/tmp/x.so", "/usr/bin/ls", NULL};
	char *odd[] = {"ld.so", "--frobnicate", "/usr/bin/bash", NULL};
	char *none[] = {"ld.so", "--list", NULL};
	char *dangling[] = {"ld.so", "--audit", NULL};
	(void)state;
	assert_int_equal(parse(RUNNER_LDSO, plain, &t), 0);
	assert_int_equal(t.prog, 1);
	assert_false(t.loads_code);
	assert_int_equal(parse(RUNNER_LDSO, argv0, &t), 0);
	assert_int_equal(t.prog, 3);
	assert_string_equal(t.argv0, "sh");
	assert_int_equal(parse(RUNNER_LDSO, pre, &t), 0);
	assert_int_equal(t.prog, 4);
	assert_true(t.loads_code);
	assert_int_equal(parse(RUNNER_LDSO, odd, &t), -1);  /* unknown: refused, not guessed */
	assert_int_equal(parse(RUNNER_LDSO, none, &t), -1);
	assert_int_equal(parse(RUNNER_LDSO, dangling, &t), -1);
}

static void valgrind_and_qemu(void **state)
{
	struct runner_target t;
	char *vg[] = {"valgrind", "-q", "--tool=none", "/usr/bin/bash", "-c", "x", NULL};
	char *vg_dd[] = {"valgrind", "--", "/usr/bin/bash", NULL};
	char *qe[] = {"qemu-x86_64", "-cpu", "max", "-d", "in_asm", "/usr/bin/bash", NULL};
	char *qe_env[] = {"qemu-x86_64", "-E", "LD_PRELOAD=/tmp/x.so", "/usr/bin/ls", NULL};
	char *qe_odd[] = {"qemu-x86_64", "-new-option", "/usr/bin/bash", NULL};
	(void)state;
	assert_int_equal(parse(RUNNER_VALGRIND, vg, &t), 0);
	assert_int_equal(t.prog, 3);
	assert_int_equal(parse(RUNNER_VALGRIND, vg_dd, &t), -1);
	assert_int_equal(parse(RUNNER_QEMU, qe, &t), 0);
	assert_int_equal(t.prog, 5);
	assert_int_equal(parse(RUNNER_QEMU, qe_env, &t), 0);
	assert_true(t.loads_code);
	assert_int_equal(parse(RUNNER_QEMU, qe_odd, &t), -1);
}

static void kinds_by_name(void **state)
{
	(void)state;
	assert_int_equal(runner_kind(NULL, "/usr/bin/valgrind"), RUNNER_VALGRIND);
	assert_int_equal(runner_kind(NULL, "/usr/libexec/valgrind/none-amd64-linux"),
	                 RUNNER_VALGRIND);
	assert_int_equal(runner_kind(NULL, "/usr/bin/qemu-aarch64-static"), RUNNER_QEMU);
	assert_int_equal(runner_kind(NULL, "/usr/bin/qemu-system-x86_64"), RUNNER_NONE);
	assert_int_equal(runner_kind(NULL, "/usr/bin/ls"), RUNNER_NONE);
}

/* The dynamic loader is recognised by what it is, whatever its name. */
static void loader_by_content(void **state)
{
	const struct elfscan_report *r = NULL;
	(void)state;
	assert_int_equal(elfscan_cached("/lib64/ld-linux-x86-64.so.2", &r), 0);
	assert_int_equal(runner_kind(r, "/tmp/renamed"), RUNNER_LDSO);
	assert_int_equal(elfscan_cached("/usr/bin/ls", &r), 0);
	assert_int_equal(runner_kind(r, "/usr/bin/ls"), RUNNER_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ldso),
		cmocka_unit_test(valgrind_and_qemu),
		cmocka_unit_test(kinds_by_name),
		cmocka_unit_test(loader_by_content),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
