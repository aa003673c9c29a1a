/* launch: the job's first process (see launch.h). */
#include "monitor/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

/* Capabilities that would let a job running as root reach around the monitor
 * (ptrace it or read its memory despite it being undumpable, signal anything,
 * load kernel code, ...).  Dropped from the bounding set before the first
 * exec, so no program of the job ever has them again. */
static const int dropped_caps[] = {
	CAP_SYS_PTRACE, CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_BOOT,
	CAP_SYS_TIME, CAP_KILL, CAP_MKNOD, CAP_SYS_RESOURCE, CAP_MAC_ADMIN, CAP_MAC_OVERRIDE,
	CAP_BPF, CAP_PERFMON, CAP_CHECKPOINT_RESTORE,
};

static void drop_caps(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	for (size_t i = 0; i < sizeof dropped_caps / sizeof dropped_caps[0]; i++)
		prctl(PR_CAPBSET_DROP, dropped_caps[i], 0, 0, 0);  /* EPERM: never had it */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capget, &h, d) != 0)
		return;
	for (size_t i = 0; i < sizeof dropped_caps / sizeof dropped_caps[0]; i++) {
		int c = dropped_caps[i];
		d[c / 32].effective &= ~(1u << (c % 32));
		d[c / 32].permitted &= ~(1u << (c % 32));
		d[c / 32].inheritable &= ~(1u << (c % 32));
	}
	syscall(SYS_capset, &h, d);
}

static void child(char **argv, int go, int report, pid_t parent)
{
	char c;
	setpgid(0, 0);
	drop_caps();
	/* the job must not outlive pysbx-trace, even before the first exec stop */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(125);
	if (read(go, &c, 1) != 1)
		_exit(125);  /* pysbx-trace gave up: do not run untraced */
	execvp(argv[0], argv);
	int e = errno;
	(void)!write(report, &e, sizeof e);
	_exit(e == ENOENT ? 127 : 126);
}

/* A job on a terminal gets the terminal, as a shell would give it: job
 * control signals (^C, ^Z) then go to the job, not to pysbx-trace. */
static void give_tty(struct launch *l)
{
	l->tty = -1;
	if (!isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) != getpgrp())
		return;
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTTOU);
	sigprocmask(SIG_BLOCK, &block, &old);
	l->tty_pgrp = getpgrp();
	if (tcsetpgrp(STDIN_FILENO, l->pid) == 0)
		l->tty = STDIN_FILENO;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void launch_restore_tty(const struct launch *l)
{
	if (l->tty < 0)
		return;
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTTOU);
	sigprocmask(SIG_BLOCK, &block, &old);
	tcsetpgrp(l->tty, l->tty_pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int launch_job(char **argv, long opts, struct launch *l)
{
	int go[2], report[2];
	pid_t parent = getpid();
	memset(l, 0, sizeof *l);
	l->tty = -1;
	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(report, O_CLOEXEC) < 0) {
		int e = errno;
		close(go[0]);
		close(go[1]);
		return -e;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(go[1]);
		close(report[0]);
		child(argv, go[0], report[1], parent);
	}
	int rc = pid < 0 ? -errno : 0;
	close(go[0]);
	close(report[1]);
	if (rc == 0) {
		l->pid = pid;
		setpgid(pid, pid);
		if (ptrace(PTRACE_SEIZE, pid, 0, (void *)opts) < 0) {
			rc = -errno;
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
	}
	if (rc == 0) {
		give_tty(l);
		if (write(go[1], "g", 1) != 1)
			rc = -errno;
	}
	close(go[1]);
	l->report = report[0];
	if (rc < 0)
		close(report[0]);
	return rc;
}

void launch_wait_exec(struct launch *l)
{
	/* EOF: the exec happened (the pipe is close-on-exec) */
	ssize_t n;
	do
		n = read(l->report, &l->exec_errno, sizeof l->exec_errno);
	while (n < 0 && errno == EINTR);
	if (n != sizeof l->exec_errno)
		l->exec_errno = 0;
	close(l->report);
	l->report = -1;
}
