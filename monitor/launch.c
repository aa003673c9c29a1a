/* launch: the job's first process (see launch.h). */
#include "monitor/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <dirent.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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
	/* and what would reach the machine or other users from inside it:
	 * file capabilities on a program, the network's configuration, raw
	 * packets, other users' IPC objects, real-time priorities above the
	 * monitor's, the console, the kernel log, audit (also records written
	 * into the machine's audit trail, in any user's name), immutable files,
	 * credentials in any user's name (SCM_CREDENTIALS to the journal; the
	 * identity calls themselves are denied anyway), memory locked beyond
	 * any limit */
	CAP_SETFCAP, CAP_SETPCAP, CAP_NET_ADMIN, CAP_NET_RAW, CAP_IPC_OWNER, CAP_SYS_NICE,
	CAP_SYS_TTY_CONFIG, CAP_SYSLOG, CAP_AUDIT_CONTROL, CAP_AUDIT_READ, CAP_AUDIT_WRITE,
	CAP_LINUX_IMMUTABLE, CAP_SETUID, CAP_SETGID, CAP_IPC_LOCK, CAP_NET_BROADCAST,
	CAP_SYS_PACCT, CAP_SYS_CHROOT, CAP_WAKE_ALARM, CAP_BLOCK_SUSPEND, CAP_LEASE,
};

/* The bounding set first, while CAP_SETPCAP is there: no program of the job
 * regains them (a set-user-ID root program included). */
static void drop_bounding(void)
{
	for (size_t i = 0; i < sizeof dropped_caps / sizeof dropped_caps[0]; i++)
		prctl(PR_CAPBSET_DROP, dropped_caps[i], 0, 0, 0);  /* EPERM: never had it */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

/* Then the process's own sets, after --user has used CAP_SETUID. */
static void drop_caps(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
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

/* A terminal's master side the job would inherit is another session's
 * keyboard: what is written to it is that session's input (a line to its
 * shell, ^C to its foreground group), and no check sees a write.  The job
 * gets /dev/null in its place.  Masters the job opens itself are its own. */
static int drop_pty_masters(void)
{
	DIR *d = opendir("/proc/self/fd");
	int null = -1;
	if (!d)
		return -errno;  /* fail closed: the job does not run */
	for (struct dirent *e; (e = readdir(d));) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		struct stat st;
		if (*end || fd < 0 || fd == dirfd(d) || fstat((int)fd, &st) < 0 ||
		    !S_ISCHR(st.st_mode) || (fcntl((int)fd, F_GETFD) & FD_CLOEXEC))
			continue;
		bool master = (major(st.st_rdev) == 5 && minor(st.st_rdev) == 2) ||
		              major(st.st_rdev) == 2;  /* /dev/ptmx's, legacy BSD ones */
		if (!master)
			continue;
		if (null < 0)
			null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0 || dup2(null, (int)fd) < 0) {
			int err = errno;
			closedir(d);
			return -err;  /* fail closed: never run with the master */
		}
		dprintf(STDERR_FILENO, "pysbx-trace: descriptor %ld is a terminal's master side "
		        "(another session's input): the job gets /dev/null there\n", fd);
	}
	closedir(d);
	if (null >= 0)
		close(null);
	return 0;
}

struct child_ctx {
	const struct launch_cfg *cfg;
	int go, report;
	pid_t parent;
};

static void child_fail(int report, enum launch_stage stage, int err)
{
	int msg[2] = {(int)stage, err};
	(void)!write(report, msg, sizeof msg);
	_exit(stage != STAGE_EXEC ? 125 : err == ENOENT ? 127 : 126);
}

/* --user: groups first, while still privileged. */
static int become(const struct run_as *u)
{
	if (setgroups((size_t)u->n_groups, u->groups) < 0 || setresgid(u->gid, u->gid, u->gid) < 0 ||
	    setresuid(u->uid, u->uid, u->uid) < 0)
		return -errno;
	return 0;
}

static int child(void *arg)
{
	const struct child_ctx *cx = arg;
	char c;
	/* seizable by a tracer without CAP_SYS_PTRACE; the exec sets it anew */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	setpgid(0, 0);
	/* the job must not outlive pysbx-trace, even before the first exec stop */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != cx->parent)
		_exit(125);
	if (read(cx->go, &c, 1) != 1)
		_exit(125);  /* pysbx-trace gave up: do not run untraced */
	if (!cx->cfg->audit)
		drop_bounding();
	if (cx->cfg->user) {
		int rc = become(cx->cfg->user);
		if (rc < 0)
			child_fail(cx->report, STAGE_USER, -rc);
	}
	if (!cx->cfg->audit) {
		drop_caps();
		int rc = drop_pty_masters();
		if (rc < 0)
			child_fail(cx->report, STAGE_FDS, -rc);
	}
	if (cx->cfg->landlock) {
		int rc = landlock_enforce(cx->cfg->landlock);
		if (rc < 0)
			child_fail(cx->report, STAGE_LANDLOCK, -rc);
	}
	execvp(cx->cfg->argv[0], cx->cfg->argv);
	child_fail(cx->report, STAGE_EXEC, errno);
	return 0;
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

/* The child's stack: clone() needs one.  The child only execs from it, but
 * execvp builds each PATH candidate on the stack: room for a long PATH. */
static char child_stack[512 * 1024] __attribute__((aligned(16)));

int launch_job(const struct launch_cfg *cfg, struct launch *l)
{
	int go[2], report[2];
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
	struct child_ctx cx = {cfg, go[0], report[1], getpid()};
	pid_t pid = clone(child, child_stack + sizeof child_stack, CLONE_UNTRACED | SIGCHLD, &cx);
	int rc = pid < 0 ? -errno : 0;
	close(go[0]);
	close(report[1]);
	if (rc == 0) {
		l->pid = pid;
		setpgid(pid, pid);
		if (ptrace(PTRACE_SEIZE, pid, 0, (void *)cfg->ptrace_opts) < 0) {
			rc = -errno;
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
	}
	if (rc == 0) {
		/* out of the job's reach from before its first instruction: no core
		 * dump, no /proc/<pid>/mem, no ptrace of pysbx-trace */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
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
	int msg[2];
	ssize_t n;
	do
		n = read(l->report, msg, sizeof msg);
	while (n < 0 && errno == EINTR);
	l->exec_errno = n == sizeof msg ? msg[1] : 0;
	l->stage = n == sizeof msg ? (enum launch_stage)msg[0] : STAGE_EXEC;
	close(l->report);
	l->report = -1;
}

static int read_int_file(const char *path)
{
	int v = -1;
	FILE *f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Whether pysbx-trace itself runs under a seccomp filter (a container's). */
static bool filtered_self(void)
{
	char line[128];
	bool yes = false;
	FILE *f = fopen("/proc/self/status", "re");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "Seccomp:", 8))
			yes = atoi(line + 8) == 2;
	if (f)
		fclose(f);
	return yes;
}

const char *launch_seize_advice(int err)
{
	int yama = read_int_file("/proc/sys/kernel/yama/ptrace_scope");
	if (err != EPERM && err != EACCES)
		return "";
	if (yama == 3)
		return "ptrace is disabled on this machine (kernel.yama.ptrace_scope = 3, which "
		       "only a reboot undoes): pysbx needs ptrace_scope 0, 1 or 2";
	if (yama == 2)
		return "only processes with CAP_SYS_PTRACE may use ptrace here (kernel.yama."
		       "ptrace_scope = 2): set it to 1 (sysctl kernel.yama.ptrace_scope=1) or give "
		       "pysbx-trace CAP_SYS_PTRACE";
	if (filtered_self())
		return "pysbx-trace runs under a seccomp filter that refuses ptrace (a container "
		       "profile?): Docker's default profile allows ptrace on kernels 4.8 and later; "
		       "a custom profile must allow ptrace, wait4 and seccomp";
	return "the kernel refused to let pysbx-trace trace its own child (an LSM such as "
	       "AppArmor or SELinux?)";
}
