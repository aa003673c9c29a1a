/* A vfork child that forks and clones before it exits: what it starts must
 * run with the CPU set the job had, whatever the monitor does with the vfork
 * child itself.  Returns 0 when every check held, else which one failed. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int same_set(const cpu_set_t *want)
{
	cpu_set_t now;
	return sched_getaffinity(0, sizeof now, &now) == 0 && CPU_EQUAL(&now, want);
}

static char stack[64 * 1024];
static cpu_set_t full;

static int clone_child(void *arg)
{
	(void)arg;
	_exit(same_set(&full) ? 0 : 1);
}

int vfork_then_fork(void)
{
	if (sched_getaffinity(0, sizeof full, &full) < 0)
		return 10;
	pid_t v = vfork();
	if (v == 0) {
		int st = 0, bad = 0;
		pid_t f = fork();
		if (f == 0)
			_exit(same_set(&full) ? 0 : 1);
		if (f < 0 || waitpid(f, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad |= 1;
		pid_t c = clone(clone_child, stack + sizeof stack, SIGCHLD, NULL);
		if (c < 0 || waitpid(c, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad |= 2;
		_exit(bad);
	}
	int st;
	if (v < 0 || waitpid(v, &st, 0) < 0 || !WIFEXITED(st))
		return 11;
	if (WEXITSTATUS(st))
		return WEXITSTATUS(st);
	return same_set(&full) ? 0 : 12;
}
