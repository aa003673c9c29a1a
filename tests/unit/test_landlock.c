/* Unit tests for the job's Landlock domain: which directories are never the
 * job's to write, and -- on a kernel with Landlock -- what a child in the
 * domain can still do (the kernel's own answer, not pysbx's). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "monitor/landlock.h"

static void homes_and_system_directories(void **state)
{
	struct landlock_who who = {1000, "/home/alice"};
	(void)state;
	assert_true(landlock_home_or_system("/", &who));
	assert_true(landlock_home_or_system("/usr/local/lib", &who));
	assert_true(landlock_home_or_system("/etc", &who));
	assert_true(landlock_home_or_system("/proc/sys", &who));
	assert_true(landlock_home_or_system("/home", &who));
	assert_true(landlock_home_or_system("/home/alice", &who));
	assert_false(landlock_home_or_system("/home/alice/project", &who));
	assert_false(landlock_home_or_system("/tmp/job", &who));
	assert_false(landlock_home_or_system("/var/tmp/job", &who));
	assert_true(landlock_home_or_system("/var/lib", &who));
	assert_true(landlock_home_or_system("relative", &who));
	assert_false(landlock_home_or_system("/usrlocal", &who));  /* a prefix is not a parent */
}

static struct policy *pol;

static int setup(void **state)
{
	char err[256];
	(void)state;
	return policy_builtin(&pol, err, sizeof err);
}

static int teardown(void **state)
{
	(void)state;
	policy_free(pol);
	return 0;
}

/* What the write set lets the job do, asked of the kernel in a child that
 * enforces the built-in policy's domain. */
static void domain_holds(void **state)
{
	struct landlock_plan plan;
	struct landlock_who who = {getuid(), "/nonexistent-home"};
	char err[256], tmp[] = "/tmp/pysbx-ll.XXXXXX";
	(void)state;
	assert_int_equal(landlock_prepare(pol, &who, &plan, err, sizeof err), 0);
	if (plan.abi == 0) {
		landlock_free(&plan);
		skip();
	}
	assert_true(landlock_may_write(&plan, "/tmp/x"));
	assert_false(landlock_may_write(&plan, "/usr/bin/x"));
	assert_false(landlock_may_write(&plan, "/proc/1/mem"));
	assert_non_null(mkdtemp(tmp));
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		char path[64];
		if (landlock_enforce(&plan) < 0)
			_exit(10);
		snprintf(path, sizeof path, "%s/ok", tmp);
		int fd = open(path, O_WRONLY | O_CREAT, 0600);
		if (fd < 0)
			_exit(11);               /* /tmp is the job's */
		close(fd);
		unlink(path);
		if (open("/etc/pysbx-ll-test", O_WRONLY | O_CREAT, 0600) >= 0 || errno != EACCES)
			_exit(12);               /* /etc is not */
		if (open("/proc/self/mem", O_RDWR) >= 0)
			_exit(13);               /* nor /proc */
		if (plan.scoped_signals && (kill(parent, 0) == 0 || errno != EPERM))
			_exit(14);               /* signals stay inside */
		_exit(0);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	rmdir(tmp);
	landlock_free(&plan);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(homes_and_system_directories),
		cmocka_unit_test_setup_teardown(domain_holds, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
