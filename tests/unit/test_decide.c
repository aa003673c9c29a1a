/* Unit tests for decisions: made-up calls judged against the shipped policy
 * with a fake view of the world (a few programs, a job of pids 100..199). */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <setjmp.h>
#include <stdarg.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/decide.h"
#include "monitor/funcs.h"
#include "monitor/verdict.h"

static struct policy *pol;

static bool in_job(void *ctx, pid_t pid) { (void)ctx; return pid >= 100 && pid < 200; }
static bool pgrp_in_job(void *ctx, pid_t pg) { (void)ctx; return pg == 100; }
static pid_t pgrp_of(void *ctx, pid_t pid) { (void)ctx; return pid == 150 ? 7 : 100; }
static pid_t pidfd_pid(void *ctx, pid_t caller, int fd)
{
	(void)ctx; (void)caller;
	return fd == 3 ? 120 : fd == 4 ? 1 : -1;
}
static bool is_script(void *ctx, pid_t caller, const char *path)
{
	(void)ctx; (void)caller;
	return strcmp(path, "script.sh") == 0 || strcmp(path, "./script.sh") == 0;
}

/* name -> file, as PATH search or realpath would give it */
static int resolve(void *ctx, pid_t caller, const char *word, bool path_search, struct program *p)
{
	static const char *const map[][2] = {
		{"ls", "/usr/bin/ls"}, {"bash", "/usr/bin/bash"}, {"sh", "/usr/bin/dash"},
		{"/bin/sh", "/usr/bin/dash"}, {"env", "/usr/bin/env"}, {"nohup", "/usr/bin/nohup"},
		{"timeout", "/usr/bin/timeout"}, {"tr", "/usr/bin/tr"}, {"./mytool", "/tmp/j/mytool"},
		{"./ls", "/usr/bin/bash"}, {"python3", "/opt/py/bin/python3.11"},
		{"/bin/bash", "/usr/bin/bash"}, {"/usr/bin/ls", "/usr/bin/ls"},
	};
	(void)ctx; (void)caller; (void)path_search;
	p->resolved = NULL;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(word, map[i][0]) == 0) {
			p->resolved = strdup(map[i][1]);
			p->interpreter = strcmp(word, "python3") == 0;
			return 0;
		}
	return -ENOENT;
}

static bool codepage(void *ctx, pid_t caller, uint64_t *lo, uint64_t *hi)
{
	(void)ctx; (void)caller;
	*lo = 0x10000000;
	*hi = 0x10010000;
	return true;
}

/* The job's memory: an f_owner_ex naming pid 150 (in the job) at 0x1000, one
 * naming pid 1 at 0x2000, an int 150 at 0x3000, an int 1 at 0x4000. */
static int read_mem(void *ctx, pid_t tid, uint64_t addr, void *buf, size_t len)
{
	int32_t v[2] = {1 /* F_OWNER_PID */, 0};
	(void)ctx; (void)tid;
	if (addr == 0x1000 || addr == 0x2000)
		v[1] = addr == 0x1000 ? 150 : 1;
	else if (addr == 0x3000 || addr == 0x4000)
		v[0] = addr == 0x3000 ? 150 : 1;
	else
		return -EFAULT;
	memcpy(buf, v, len < sizeof v ? len : sizeof v);
	return 0;
}

/* Processes 1..999 exist (the job's are 100..199); groups 7 and 100. */
static bool exists(void *ctx, pid_t pid)
{
	(void)ctx;
	return pid > 0 ? pid < 1000 : pid == -7 || pid == -100;
}

/* The write set: /tmp and descriptor 3; "missing" does not exist. */
static int write_target(void *ctx, pid_t caller, int dirfd, const char *path, bool nofollow)
{
	(void)ctx; (void)caller; (void)nofollow;
	if (path && !strcmp(path, "missing"))
		return -ENOENT;
	if (!path || path[0] != '/')
		return dirfd == 3 ? 0 : 1;
	return strncmp(path, "/tmp/", 5) ? 1 : 0;
}

/* Unix sockets: the job's own under /tmp/job/, none at /tmp/none, anything
 * else an outside server's. */
static int socket_target(void *ctx, pid_t caller, const char *path)
{
	(void)ctx; (void)caller;
	if (!strcmp(path, "/tmp/none"))
		return -ENOENT;
	return strncmp(path, "/tmp/job/", 9) ? 1 : 0;
}

/* SIGIO owners: descriptor 3's is the job's, 4's an outside process's; 9 is
 * not open; any other has none. */
static int sigio_owner(void *ctx, pid_t caller, int fd)
{
	(void)ctx; (void)caller;
	return fd == 9 ? -EBADF : fd == 4 ? 1 : 0;
}

/* Terminals: descriptor 0 is the job's, 5 another session's; 9 is not
 * open; any other is no terminal. */
static int tty_target(void *ctx, pid_t caller, int fd)
{
	(void)ctx; (void)caller;
	return fd == 0 ? 0 : fd == 5 ? 1 : fd == 9 ? -EBADF : -ENOTTY;
}

static const struct job_view view = {NULL, in_job, pgrp_in_job, pgrp_of, pidfd_pid, resolve,
                                      is_script, codepage, read_mem, exists, write_target,
                                      socket_target, sigio_owner, tty_target};

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

static enum verdict shell(const char *cmd)
{
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name("system"), .outer = -1,
	                 .pid = 100, .nargs = 1};
	struct decision d;
	c.a[0] = (struct call_arg){.fmt = 'c', .str = (char *)cmd};
	decide_call(pol, &c, &view, &d);
	return d.verdict;
}

static void shell_commands(void **state)
{
	(void)state;
	assert_int_equal(shell("ls"), V_ALLOW);
	assert_int_equal(shell("ls -la | tr a-z A-Z > out 2>&1"), V_ALLOW);
	assert_int_equal(shell("cd /tmp && FOO=1 ls; echo done"), V_ALLOW);
	assert_int_equal(shell("bash"), V_DENY);
	assert_int_equal(shell("ls; bash"), V_DENY);
	assert_int_equal(shell("ls || b''ash"), V_DENY);
	assert_int_equal(shell("echo $(bash)"), V_DENY);
	assert_int_equal(shell("exec bash"), V_DENY);
	assert_int_equal(shell("env FOO=1 bash"), V_DENY);
	assert_int_equal(shell("nohup bash"), V_DENY);
	assert_int_equal(shell("timeout -s KILL 5 bash -i"), V_DENY);
	assert_int_equal(shell("eval 'ba''sh'"), V_DENY);
	assert_int_equal(shell("sh"), V_DENY);
	assert_int_equal(shell("sh -s"), V_DENY);
	assert_int_equal(shell("sh -i -c ls"), V_DENY);
	assert_int_equal(shell("sh -c 'sh -c bash'"), V_DENY);
	assert_int_equal(shell("sh -c ls"), V_ALLOW);
	assert_int_equal(shell("sh script.sh"), V_ALLOW);
	assert_int_equal(shell("sh /dev/stdin"), V_DENY);
	/* -s beside -c: sh reads its input once CMD is done */
	assert_int_equal(shell("sh -sc true"), V_DENY);
	assert_int_equal(shell("sh -s -c : < cmds"), V_DENY);
	assert_int_equal(shell("sh +s -c ls"), V_ALLOW);
	/* "." reads a file as commands: a script file, not the shell's input */
	assert_int_equal(shell(". ./script.sh; ls"), V_ALLOW);
	assert_int_equal(shell(". script.sh"), V_DENY);           /* looked up in PATH */
	assert_int_equal(shell("PATH=/tmp/p; . x"), V_DENY);
	/* a regular file now, which the command may replace first */
	assert_int_equal(shell("ln -sf /dev/stdin script.sh; . ./script.sh"), V_DENY);
	assert_int_equal(shell("cp /dev/stdin \"script.sh\"; . ./script.sh"), V_DENY);
	/* a name inside another word is no other naming of the file */
	assert_int_equal(shell(". ./script.sh && myscript.sh.bak"), V_ALLOW);
	assert_int_equal(shell("X=stdin; set -o $X"), V_DENY);
	assert_int_equal(shell("set -o std?n"), V_DENY);
	assert_int_equal(shell("set -o errexit"), V_ALLOW);
	assert_int_equal(shell(". /dev/stdin"), V_DENY);
	assert_int_equal(shell("source /proc/self/fd/0"), V_DENY);
	assert_int_equal(shell("sh -c '. /dev/stdin'"), V_DENY);
	assert_int_equal(shell("trap '. /dev/stdin' EXIT"), V_DENY);
	/* no exec follows ".": its file must be a regular file now */
	assert_int_equal(shell(". \"$ENVFILE\""), V_DENY);    /* known at run time only */
	assert_int_equal(shell(". -- /dev/stdin #--"), V_DENY);
	assert_int_equal(shell(". -- ./script.sh"), V_ALLOW);
	assert_int_equal(shell("ln -s /dev/stdin x; . ./x #./x"), V_DENY);
	/* set -s in the command: dash reads its input once the string is done */
	assert_int_equal(shell("sh -c 'set -s\n'"), V_DENY);
	assert_int_equal(shell("set -o stdin; :"), V_DENY);
	assert_int_equal(shell("set -eus"), V_DENY);
	assert_int_equal(shell("set -$x"), V_DENY);
	assert_int_equal(shell("set -e; set +x; set -o pipefail; ls"), V_ALLOW);
	assert_int_equal(shell("set -- -s; ls"), V_ALLOW);
	assert_int_equal(shell("X=-s; set $X"), V_DENY);       /* any option at run time */
	assert_int_equal(shell("set -?"), V_DENY);             /* a file named -s matches */
	assert_int_equal(shell("set -- $X; ls"), V_ALLOW);     /* positional, not options */
	assert_int_equal(shell("set a $X; ls"), V_ALLOW);
	assert_int_equal(shell("./mytool"), V_DENY);
	assert_int_equal(shell("./ls"), V_DENY);
	/* decided by the shell at run time: checked again at the exec stop */
	assert_int_equal(shell("$(printf ba)sh"), V_ALLOW);
	assert_int_equal(shell("unknown-program"), V_ALLOW);
	/* what the shell would reject is not judged further */
	assert_int_equal(shell("echo 'unterminated"), V_DENY);
	assert_int_equal(shell("$x bash -i"), V_DENY);         /* $x may be empty */
	assert_int_equal(shell("$EDITOR notes.txt"), V_ALLOW);
	assert_int_equal(shell("trap 'bash' EXIT; ls"), V_DENY);
	assert_int_equal(shell("trap 'echo bye' EXIT; ls"), V_ALLOW);
}

static enum verdict exec_of(const char *given, char **argv, size_t argc, struct decision *d);

/* The shells' own grammar: long option names, combined flags, the ends of
 * the options, bash's start-up files. */
static void shell_grammar(void **state)
{
	(void)state;
	assert_int_equal(shell("sh -o interactive -o stdin script.sh"), V_DENY);
	assert_int_equal(shell("sh -eo stdin script.sh"), V_DENY);
	assert_int_equal(shell("sh -o interactive script.sh"), V_DENY);
	assert_int_equal(shell("sh +o stdin script.sh"), V_ALLOW);
	assert_int_equal(shell("sh -e -o errexit script.sh"), V_ALLOW);
	assert_int_equal(shell("sh -vs"), V_DENY);
	assert_int_equal(shell("sh -- script.sh"), V_ALLOW);
	assert_int_equal(shell("sh -- -s"), V_DENY);           /* a script named -s: not there */
	assert_int_equal(shell("sh - script.sh"), V_ALLOW);
	assert_int_equal(shell("sh --norc -ec ls"), V_ALLOW);
	/* dash has no long options: -posix is -p -o six (-s, -i) */
	assert_int_equal(shell("sh -posix script.sh"), V_DENY);
	assert_int_equal(shell("sh -l -c ls"), V_DENY);
	assert_int_equal(shell("sh -O extglob script.sh"), V_ALLOW);
	assert_int_equal(shell("sh -c ls -s"), V_ALLOW);        /* -s after the command is $0 */
	/* a name starting with - makes a login shell: its profiles run */
	struct decision d;
	char *login[] = {"-sh", "-c", "ls", NULL}, *plain[] = {"sh", "-c", "ls", NULL};
	assert_int_equal(exec_of("/bin/sh", login, 3, &d), V_DENY);
	assert_int_equal(exec_of("/bin/sh", plain, 3, &d), V_ALLOW);
}

static void nesting_is_bounded(void **state)
{
	(void)state;
	/* each eval reads the rest again: one level deeper each time */
	char cmd[256] = "";
	for (int i = 0; i < 4; i++)
		strcat(cmd, "eval ");
	strcat(cmd, "ls");
	assert_int_equal(shell(cmd), V_ALLOW);
	cmd[0] = 0;
	for (int i = 0; i < 12; i++)
		strcat(cmd, "eval ");
	strcat(cmd, "ls");
	assert_int_equal(shell(cmd), V_DENY);
}

static enum verdict exec_of(const char *given, char **argv, size_t argc, struct decision *d)
{
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name("execve"), .outer = -1,
	                 .pid = 100, .nargs = 2, .has_prog = true};
	c.a[0] = (struct call_arg){.fmt = 'P', .str = (char *)given};
	c.a[1] = (struct call_arg){.fmt = 'v', .vec = argv, .n = argc};
	c.prog.given = (char *)given;
	c.prog.argv = argv;
	c.prog.argc = argc;
	resolve(NULL, 100, given, false, &c.prog);
	decide_call(pol, &c, &view, d);
	free(c.prog.resolved);
	return d->verdict;
}

static void programs(void **state)
{
	struct decision d;
	char *ls[] = {"ls", NULL}, *bash[] = {"bash", "-c", "true", NULL};
	char *sh_c[] = {"sh", "-c", "ls", NULL}, *sh[] = {"sh", NULL};
	char *py[] = {"python3", "-c", "pass", NULL};
	(void)state;
	assert_int_equal(exec_of("/usr/bin/ls", ls, 1, &d), V_ALLOW);
	assert_string_equal(d.rule->text, "allow-dir = /usr/bin");
	assert_int_equal(exec_of("/bin/bash", bash, 3, &d), V_DENY);
	assert_string_equal(d.rule->text, "deny = bash");
	assert_true(d.rule->line > 0);
	assert_int_equal(exec_of("./ls", ls, 1, &d), V_DENY);  /* a link to bash */
	assert_int_equal(exec_of("/bin/sh", sh_c, 3, &d), V_ALLOW);
	assert_int_equal(exec_of("/bin/sh", sh, 1, &d), V_DENY);
	assert_int_equal(exec_of("./mytool", ls, 1, &d), V_DENY);
	assert_non_null(strstr(d.why, "not an allowed program"));
	assert_int_equal(exec_of("python3", py, 3, &d), V_ALLOW);  /* the job's interpreter */
	assert_int_equal(exec_of("nothere", ls, 1, &d), V_ALLOW);  /* ENOENT, checked at exec */
}

static void unreadable_arguments_deny(void **state)
{
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name("system"), .outer = -1,
	                 .pid = 100, .nargs = 1};
	struct decision d;
	(void)state;
	c.a[0] = (struct call_arg){.fmt = 'c', .err = -EFAULT};
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	c.a[0].err = -ENAMETOOLONG;
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	assert_non_null(strstr(d.why, "too long"));
	c.func = funcs_by_name("execve");
	c.nargs = 2;
	c.a[0] = (struct call_arg){.fmt = 'P', .str = "/usr/bin/ls"};
	c.a[1] = (struct call_arg){.fmt = 'v', .err = -E2BIG};
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
}

static enum verdict two_ints(const char *fn, long a, long b)
{
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name(fn), .outer = -1, .pid = 100,
	                 .nargs = 2};
	struct decision d;
	c.a[0] = (struct call_arg){.fmt = 'i', .num = a};
	c.a[1] = (struct call_arg){.fmt = 'i', .num = b};
	decide_call(pol, &c, &view, &d);
	return d.verdict;
}

static void signals(void **state)
{
	(void)state;
	assert_int_equal(two_ints("kill", 150, 15), V_ALLOW);
	assert_int_equal(two_ints("kill", 1, 0), V_DENY);
	assert_int_equal(two_ints("kill", -1, 0), V_DENY);
	assert_int_equal(two_ints("kill", INT_MIN, 0), V_DENY); /* no -INT_MIN (fuzz) */
	assert_int_equal(two_ints("kill", 0, 15), V_ALLOW);    /* caller's group is the job's */
	assert_int_equal(two_ints("kill", -100, 15), V_ALLOW);
	assert_int_equal(two_ints("kill", -7, 15), V_DENY);
	assert_int_equal(two_ints("killpg", 0, 15), V_ALLOW);
	assert_int_equal(two_ints("killpg", 7, 15), V_DENY);
	assert_int_equal(two_ints("tgkill", 1, 15), V_DENY);
	assert_int_equal(two_ints("pidfd_send_signal", 3, 15), V_ALLOW);
	assert_int_equal(two_ints("pidfd_send_signal", 4, 15), V_DENY);
	assert_int_equal(two_ints("pidfd_send_signal", 9, 15), V_DENY);
	assert_int_equal(two_ints("setuid", 0, 0), V_DENY);
}

/* Limits and scheduling: the caller's own (0) or a process of the job. */
static void limits_targets(void **state)
{
	(void)state;
	assert_int_equal(two_ints("prlimit64", 0, 7), V_ALLOW);
	assert_int_equal(two_ints("prlimit64", 150, 7), V_ALLOW);
	assert_int_equal(two_ints("prlimit64", 1, 7), V_DENY);
	assert_int_equal(two_ints("sched_setaffinity", 0, 128), V_ALLOW);
	assert_int_equal(two_ints("sched_setscheduler", 99, 0), V_DENY);
	assert_int_equal(two_ints("sched_setattr", -5, 0), V_DENY);
	assert_int_equal(two_ints("setpriority", PRIO_PROCESS, 0), V_ALLOW);
	assert_int_equal(two_ints("setpriority", PRIO_PROCESS, 150), V_ALLOW);
	assert_int_equal(two_ints("setpriority", PRIO_PROCESS, 1), V_DENY);
	assert_int_equal(two_ints("setpriority", PRIO_PGRP, 0), V_ALLOW);  /* the job's group */
	assert_int_equal(two_ints("setpriority", PRIO_PGRP, 7), V_DENY);
	assert_int_equal(two_ints("setpriority", PRIO_USER, 0), V_DENY);
	assert_int_equal(two_ints("ioprio_set", 1, 0), V_ALLOW);        /* IOPRIO_WHO_PROCESS */
	assert_int_equal(two_ints("ioprio_set", 1, 1), V_DENY);
	assert_int_equal(two_ints("ioprio_set", 3, 0), V_DENY);         /* IOPRIO_WHO_USER */
	assert_int_equal(two_ints("ioprio_set", 9, 0), V_DENY);
}

static void clocks_only_read(void **state)
{
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name("adjtimex"), .outer = -1,
	                 .nargs = 1};
	struct decision d;
	(void)state;
	c.a[0] = (struct call_arg){.fmt = 'T', .num = 0};
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);
	c.a[0].num = 1;  /* ADJ_OFFSET */
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	c.a[0].err = -EFAULT;
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
}

static void clone_flags_by_layer(void **state)
{
	struct call c = {.layer = LAYER_SYSCALL, .func = funcs_by_name("clone"), .outer = -1,
	                 .nargs = 1};
	struct decision d;
	(void)state;
	c.a[0] = (struct call_arg){.fmt = 'F', .num = 0x00800000 | 17};  /* CLONE_UNTRACED */
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	c.a[0].num = 17;
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);
	c.a[0].fmt = 'p';  /* no flags among the arguments: fail closed */
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
}

static enum verdict sys3(const char *fn, uint64_t a, uint64_t b, uint64_t c3)
{
	const struct func *f = &funcs[funcs_by_name(fn)];
	struct call c = {.layer = LAYER_SYSCALL, .func = funcs_by_name(fn), .outer = -1,
	                 .pid = 100, .tid = 100};
	struct decision d;
	uint64_t v[3] = {a, b, c3};
	const char *fmt = f->sysfmt ? f->sysfmt : f->fmt;  /* the system call's order */
	for (size_t i = 0; fmt[i] && i < 3; i++) {
		c.a[i] = (struct call_arg){.fmt = fmt[i], .raw = v[i], .num = (int64_t)v[i]};
		c.nargs++;
	}
	decide_call(pol, &c, &view, &d);
	return d.verdict;
}

/* Routes out of the job that are not signals by name: SIGIO owners, input
 * pushed into a terminal, a filter that outranks pysbx's, executable memory
 * by personality, set-ID files, namespaces by clone. */
static void other_routes(void **state)
{
	(void)state;
	assert_int_equal(sys3("fcntl", 3, 8 /* F_SETOWN */, 150), V_ALLOW);
	assert_int_equal(sys3("fcntl", 3, 8, 1), V_DENY);
	assert_int_equal(sys3("fcntl", 3, 8, (uint64_t)-100), V_ALLOW);   /* the job's group */
	assert_int_equal(sys3("fcntl", 3, 8, (uint64_t)-7), V_DENY);
	assert_int_equal(sys3("fcntl", 3, 8 | (1ull << 32), 1), V_DENY);  /* high bits ignored */
	assert_int_equal(sys3("fcntl", 3, 15 /* F_SETOWN_EX */, 0x1000), V_ALLOW);
	assert_int_equal(sys3("fcntl", 3, 15, 0x2000), V_DENY);
	assert_int_equal(sys3("fcntl", 3, 15, 0x9000), V_DENY);           /* unreadable */
	assert_int_equal(sys3("fcntl", 3, 3 /* F_GETFL */, 0), V_ALLOW);
	/* the console: reading only */
	assert_int_equal(sys3("ioctl", 0, 0x5606 /* VT_ACTIVATE */, 1), V_DENY);
	assert_int_equal(sys3("ioctl", 0, 0x4b41 /* PIO_SCRNMAP */, 0x3000), V_DENY);
	assert_int_equal(sys3("ioctl", 0, 0x4b30 /* KDMKTONE */, 0), V_DENY);
	assert_int_equal(sys3("ioctl", 0, 0x4b33 /* KDGKBTYPE */, 0x3000), V_ALLOW);
	assert_int_equal(sys3("ioctl", 0, 0x5603 /* VT_GETSTATE */, 0x3000), V_ALLOW);
	/* leases hold off other openers: of files in the write set only */
	assert_int_equal(sys3("fcntl", 3, 1024 /* F_SETLEASE */, 0 /* F_RDLCK */), V_ALLOW);
	assert_int_equal(sys3("fcntl", 5, 1024, 0), V_DENY);
	assert_int_equal(sys3("fcntl", 5, 1024, 2 /* F_UNLCK */), V_ALLOW);
	/* inode flags are metadata: of files in the write set only */
	assert_int_equal(sys3("ioctl", 3, 0x40086602 /* FS_IOC_SETFLAGS */, 0x3000), V_ALLOW);
	assert_int_equal(sys3("ioctl", 5, 0x40086602, 0x3000), V_DENY);
	assert_int_equal(sys3("ioctl", 5, 0x401c5820 /* FS_IOC_FSSETXATTR */, 0x3000), V_DENY);
	assert_int_equal(sys3("ioctl", 5, 0x40806685 /* FS_IOC_ENABLE_VERITY */, 0x3000), V_DENY);
	assert_int_equal(sys3("ioctl", 3, 0x40806685, 0x3000), V_ALLOW);
	assert_int_equal(sys3("ioctl", 5, 0x800c6613 /* FS_IOC_SET_ENCRYPTION_POLICY */, 0x3000),
	                 V_DENY);
	assert_int_equal(sys3("ioctl", 5, 0x80086601 /* FS_IOC_GETFLAGS */, 0x3000), V_ALLOW);
	/* the rest of the file systems' families: any request that does not only read */
	assert_int_equal(sys3("ioctl", 5, 0x660c /* EXT4_IOC_ALLOC_DA_BLKS */, 0), V_DENY);
	assert_int_equal(sys3("ioctl", 3, 0x660c, 0), V_ALLOW);
	assert_int_equal(sys3("ioctl", 5, 0x4008941a /* BTRFS_IOC_SUBVOL_SETFLAGS */, 0x3000),
	                 V_DENY);
	assert_int_equal(sys3("ioctl", 5, 0x50009401 /* BTRFS_IOC_SNAP_CREATE */, 0x3000), V_DENY);
	assert_int_equal(sys3("ioctl", 5, 0xc020660b /* FS_IOC_FIEMAP, a query */, 0x3000), V_ALLOW);
	assert_int_equal(sys3("ioctl", 5, 0x40046629 /* EXT4_IOC_GETSTATE */, 0x3000), V_ALLOW);
	assert_int_equal(sys3("ioctl", 5, 0xc0189436 /* FIDEDUPERANGE */, 0x3000), V_ALLOW);
	assert_int_equal(sys3("ioctl", 5, 0x4004f50d /* F2FS_IOC_SET_PIN_FILE */, 0x3000), V_DENY);
	assert_int_equal(sys3("ioctl", 5, 0x40047211 /* FAT_IOCTL_SET_ATTRIBUTES */, 0x3000),
	                 V_DENY);
	assert_int_equal(sys3("ioctl", 5, 0x80047210 /* FAT_IOCTL_GET_ATTRIBUTES */, 0x3000),
	                 V_ALLOW);
	assert_int_equal(sys3("ioctl", 5, 0x80089419 /* BTRFS_IOC_GET_SUBVOL_FLAGS */, 0x3000),
	                 V_ALLOW);
	/* terminals that signal their foreground group */
	assert_int_equal(sys3("ioctl", 0, 0x5414 /* TIOCSWINSZ */, 0x3000), V_ALLOW);
	assert_int_equal(sys3("ioctl", 5, 0x5414, 0x3000), V_DENY);
	assert_int_equal(sys3("ioctl", 5, 0x40045436 /* TIOCSIG */, 9), V_DENY);
	assert_int_equal(sys3("ioctl", 6, 0x5414, 0x3000), V_DENY);       /* ENOTTY, as the kernel */
	assert_int_equal(sys3("ioctl", 5, 0x5413 /* TIOCGWINSZ */, 0x3000), V_ALLOW);
	/* netlink: the protocols that read the kernel's state */
	assert_int_equal(sys3("socket", 16, 3, 0 /* NETLINK_ROUTE */), V_ALLOW);
	assert_int_equal(sys3("socket", 16, 3, 4 /* NETLINK_SOCK_DIAG */), V_ALLOW);
	assert_int_equal(sys3("socket", 16, 3, 2 /* NETLINK_USERSOCK */), V_DENY);
	assert_int_equal(sys3("socket", 16, 3, 9 /* NETLINK_AUDIT */), V_DENY);
	/* process groups: its own, or the job's */
	assert_int_equal(sys3("setpgid", 0, 0, 0), V_ALLOW);
	assert_int_equal(sys3("setpgid", 0, 100, 0), V_ALLOW);           /* pid 100's own */
	assert_int_equal(sys3("setpgid", 120, 120, 0), V_ALLOW);         /* a child's own */
	assert_int_equal(sys3("setpgid", 120, 100, 0), V_ALLOW);         /* the job's group */
	assert_int_equal(sys3("setpgid", 0, 7, 0), V_DENY);              /* another group */
	assert_int_equal(sys3("setpgid", 120, 7, 0), V_DENY);
	/* what makes the kernel signal an owner someone else set */
	assert_int_equal(sys3("fcntl", 3, 10 /* F_SETSIG */, 12), V_ALLOW);
	assert_int_equal(sys3("fcntl", 4, 10, 9), V_DENY);
	assert_int_equal(sys3("fcntl", 4, 1026 /* F_NOTIFY */, 1), V_DENY);
	assert_int_equal(sys3("fcntl", 4, 4 /* F_SETFL */, 04000 /* O_NONBLOCK */), V_ALLOW);
	assert_int_equal(sys3("fcntl", 4, 4, 020000 /* O_ASYNC */), V_DENY);
	assert_int_equal(sys3("fcntl", 6, 4, 020000), V_ALLOW);          /* no owner */
	assert_int_equal(sys3("fcntl", 0, 4, 020000), V_ALLOW);          /* the job's terminal */
	/* no owner, but a terminal makes its foreground group the owner */
	assert_int_equal(sys3("fcntl", 5, 4, 020000), V_DENY);
	assert_int_equal(sys3("ioctl", 5, 0x5452 /* FIOASYNC */, 0x3000), V_DENY);
	assert_int_equal(sys3("ioctl", 4, 0x5452 /* FIOASYNC */, 0x3000), V_DENY);
	assert_int_equal(sys3("ioctl", 3, 0x5452, 0x3000), V_ALLOW);
	assert_int_equal(sys3("ioctl", 4, 0x5452, 0x9000), V_DENY);       /* unreadable */
	int err = 0;
	struct call c = {.layer = LAYER_SYSCALL, .func = funcs_by_name("fcntl"), .outer = -1,
	                 .pid = 100, .tid = 100, .nargs = 3};
	struct decision d;
	c.a[0] = (struct call_arg){.fmt = 'f', .raw = 9};
	c.a[1] = (struct call_arg){.fmt = 'x', .raw = 10};
	c.a[2] = (struct call_arg){.fmt = 'p', .raw = 9};
	decide_call(pol, &c, &view, &d);
	err = decision_errno(&d);
	assert_int_equal(d.verdict, V_DENY);
	assert_int_equal(err, EBADF);                                      /* the kernel's */
	assert_int_equal(sys3("ioctl", 0, 0x5412 /* TIOCSTI */, 0), V_DENY);
	assert_int_equal(sys3("ioctl", 0, 0x541C /* TIOCLINUX */, 0), V_DENY);
	assert_int_equal(sys3("ioctl", 3, 0x8901 /* FIOSETOWN */, 0x3000), V_ALLOW);
	assert_int_equal(sys3("ioctl", 3, 0x8902 /* SIOCSPGRP */, 0x4000), V_DENY);
	assert_int_equal(sys3("ioctl", 0, 0x5401 /* TCGETS */, 0), V_ALLOW);
	assert_int_equal(sys3("seccomp", 1, 1u << 3 /* NEW_LISTENER */, 0), V_DENY);
	assert_int_equal(sys3("seccomp", 1, 1 /* TSYNC */, 0), V_ALLOW);
	assert_int_equal(sys3("personality", 0xffffffff, 0, 0), V_ALLOW);
	assert_int_equal(sys3("personality", 0x0040000 /* ADDR_NO_RANDOMIZE */, 0, 0), V_ALLOW);
	assert_int_equal(sys3("personality", 0x0400000 /* READ_IMPLIES_EXEC */, 0, 0), V_DENY);
	assert_int_equal(sys3("chmod", 0, 04755, 0), V_DENY);
	assert_int_equal(sys3("chmod", 0, 0755, 0), V_DENY);  /* a NULL path: EFAULT */
	assert_int_equal(sys3("fchmod", 3, 02755, 0), V_DENY);
	assert_int_equal(sys3("open", 0, 0 /* O_RDONLY */, 04755), V_ALLOW);
	assert_int_equal(sys3("open", 0, 0100 /* O_CREAT */, 04755), V_DENY);
	assert_int_equal(sys3("socket", 2 /* AF_INET */, 1, 0), V_ALLOW);
	assert_int_equal(sys3("socket", 16 /* AF_NETLINK */, 3, 0), V_ALLOW);
	assert_int_equal(sys3("socket", 17 /* AF_PACKET */, 3, 0), V_DENY);
	assert_int_equal(sys3("socket", 38 /* AF_ALG */, 5, 0), V_DENY);
	assert_int_equal(sys3("socketpair", 1 /* AF_UNIX */, 1, 0), V_ALLOW);
	assert_int_equal(sys3("prctl", 4 /* PR_SET_DUMPABLE */, 0, 0), V_DENY);
	assert_int_equal(sys3("prctl", 4, 1, 0), V_ALLOW);
	assert_int_equal(sys3("prctl", 0x59616d61 /* PR_SET_PTRACER */, 1, 0), V_DENY);
	assert_int_equal(sys3("prctl", 15 /* PR_SET_NAME */, 0x1000, 0), V_ALLOW);
	assert_int_equal(sys3("clone", 0x10000000 | 17 /* CLONE_NEWUSER */, 0, 0), V_DENY);
	assert_int_equal(sys3("clone", 0x04000000 | 17 /* CLONE_NEWUTS */, 0, 0), V_DENY);
	/* threads: glibc's flags, then without CLONE_FILES, then without CLONE_FS */
	assert_int_equal(sys3("clone", 0x3d0f00, 0, 0), V_ALLOW);
	assert_int_equal(sys3("clone", 0x3d0f00 & ~0x400u, 0, 0), V_DENY);
	assert_int_equal(sys3("clone", 0x3d0f00 & ~0x200u, 0, 0), V_DENY);
	assert_int_equal(sys3("clone", 0x1200011 /* fork's */, 0, 0), V_ALLOW);
}

/* A metadata call: descriptor, path (NULL: none), mode or flags. */
static enum verdict meta(const char *fn, int fd, const char *path, uint64_t last, int *err)
{
	const struct func *f = &funcs[funcs_by_name(fn)];
	struct call c = {.layer = LAYER_SYSCALL, .func = funcs_by_name(fn), .outer = -1,
	                 .pid = 100, .tid = 100};
	struct decision d;
	bool path_seen = false;
	for (size_t i = 0; f->fmt[i]; i++) {
		struct call_arg *a = &c.a[i];
		a->fmt = f->fmt[i];
		if (a->fmt == 'f')
			a->raw = (uint64_t)(int64_t)fd;
		else if (a->fmt == 's' && !path_seen) {
			path_seen = true;
			a->raw = path ? 0x5000 : 0;
			a->str = (char *)path;
			a->err = path ? 0 : -EFAULT;
		} else if (a->fmt == 'm' || a->fmt == 'x')
			a->raw = last;
		a->num = (int64_t)a->raw;
		c.nargs++;
	}
	decide_call(pol, &c, &view, &d);
	*err = decision_errno(&d);
	return d.verdict;
}

/* Mode, owner, attributes, times: only of files in the write set; a file
 * that is not there gets the kernel's ENOENT; set-ID modes never. */
/* The values fcntl's and ioctl's checks read are the ones pinned. */
static void owner_values_pinned(void **state)
{
	(void)state;
	int fc = funcs_by_name("fcntl"), io = funcs_by_name("ioctl");
	assert_int_equal(decide_owner_arg(fc, F_SETOWN_EX), sizeof(struct f_owner_ex));
	assert_int_equal(decide_owner_arg(fc, F_SETOWN), 0);  /* a value, no memory */
	assert_int_equal(decide_owner_arg(fc, F_SETFL), 0);
	assert_int_equal(decide_owner_arg(io, FIOASYNC), 4);
	assert_int_equal(decide_owner_arg(io, FIOSETOWN), 4);
	assert_int_equal(decide_owner_arg(io, SIOCSPGRP), 4);
	assert_int_equal(decide_owner_arg(io, TIOCSPGRP), 4);
	assert_int_equal(decide_owner_arg(io, TIOCSWINSZ), 0);
	assert_int_equal(decide_owner_arg(funcs_by_name("kill"), F_SETOWN_EX), 0);
	assert_int_equal(decide_owner_arg(-1, FIOASYNC), 0);
}

static void metadata_only_in_write_set(void **state)
{
	int err;
	(void)state;
	assert_int_equal(meta("chmod", -1, "/tmp/x", 0644, &err), V_ALLOW);
	assert_int_equal(meta("chmod", -1, "/etc/passwd", 0644, &err), V_DENY);
	assert_int_equal(err, EPERM);
	assert_int_equal(meta("chmod", -1, "/tmp/x", 04755, &err), V_DENY);
	assert_int_equal(meta("chmod", -1, "missing", 0644, &err), V_DENY);
	assert_int_equal(err, ENOENT);
	assert_int_equal(meta("fchmod", 3, NULL, 0600, &err), V_ALLOW);
	assert_int_equal(meta("fchmod", 5, NULL, 0600, &err), V_DENY);
	assert_int_equal(meta("fchmodat", 3, "rel", 0600, &err), V_ALLOW);
	assert_int_equal(meta("fchmodat", 5, "rel", 0600, &err), V_DENY);
	assert_int_equal(meta("chown", -1, "/etc/shadow", 0, &err), V_DENY);
	assert_int_equal(meta("lchown", -1, "/tmp/link", 0, &err), V_ALLOW);
	assert_int_equal(meta("fchown", 5, NULL, 0, &err), V_DENY);
	assert_int_equal(meta("setxattr", -1, "/usr/bin/ls", 0, &err), V_DENY);
	assert_int_equal(meta("fremovexattr", 3, "user.x", 0, &err), V_ALLOW);
	assert_int_equal(meta("utimes", -1, "/etc/hosts", 0, &err), V_DENY);
	/* utimensat(fd, NULL, ...): the descriptor itself */
	assert_int_equal(meta("utimensat", 3, NULL, 0, &err), V_ALLOW);
	assert_int_equal(meta("utimensat", 5, NULL, 0, &err), V_DENY);
	/* "" with AT_EMPTY_PATH: the descriptor */
	assert_int_equal(meta("fchownat", 3, "", 0x1000 /* AT_EMPTY_PATH */, &err), V_ALLOW);
	assert_int_equal(meta("fchownat", 5, "", 0x1000, &err), V_DENY);
}

/* A socket call whose pinned destinations are paths (none: NULL). */
static enum verdict sock(const char *fn, enum layer layer, const char *p1, const char *p2,
                         int *err)
{
	const struct func *f = &funcs[funcs_by_name(fn)];
	struct call c = {.layer = layer, .func = funcs_by_name(fn), .outer = -1, .pid = 100,
	                 .tid = 100};
	char *paths[3] = {(char *)p1, (char *)p2, NULL};
	struct decision d;
	for (size_t i = 0; f->fmt[i]; i++) {
		c.a[i].fmt = f->fmt[i];
		if (f->fmt[i] == 'D' && layer == LAYER_SYSCALL) {
			c.a[i].vec = paths;
			c.a[i].n = p2 ? 2 : p1 ? 1 : 0;
		}
		c.nargs++;
	}
	decide_call(pol, &c, &view, &d);
	*err = decision_errno(&d);
	return d.verdict;
}

/* A named unix socket only of the job's own or on [files] connect; where
 * the kernel would find none, its own answer. */
static void unix_sockets_only_of_the_job(void **state)
{
	int err;
	(void)state;
	assert_int_equal(sock("connect", LAYER_SYSCALL, "/tmp/job/s", NULL, &err), V_ALLOW);
	assert_int_equal(sock("connect", LAYER_SYSCALL, "/tmp/.X11-unix/X0", NULL, &err), V_DENY);
	assert_int_equal(err, EPERM);
	assert_int_equal(sock("connect", LAYER_SYSCALL, "/run/docker.sock", NULL, &err), V_DENY);
	assert_int_equal(sock("connect", LAYER_SYSCALL, "/tmp/none", NULL, &err), V_DENY);
	assert_int_equal(err, ENOENT);
	/* [files] connect: a directory covers what is under it, a word itself */
	assert_int_equal(sock("sendto", LAYER_SYSCALL, "/run/systemd/journal/socket", NULL, &err),
	                 V_ALLOW);
	assert_int_equal(sock("sendmsg", LAYER_SYSCALL, "/run/nscd/socket", NULL, &err), V_ALLOW);
	assert_int_equal(sock("sendmsg", LAYER_SYSCALL, "/run/nscd/socket2", NULL, &err), V_DENY);
	assert_int_equal(sock("sendmsg", LAYER_SYSCALL, "/run/systemd/journalx", NULL, &err),
	                 V_DENY);
	/* every destination of the call */
	assert_int_equal(sock("sendmmsg", LAYER_SYSCALL, "/tmp/job/a", "/run/docker.sock", &err),
	                 V_DENY);
	/* no named unix socket (inet, abstract, connected): not this check's */
	assert_int_equal(sock("sendmmsg", LAYER_SYSCALL, NULL, NULL, &err), V_ALLOW);
	/* syscall() at the GOT layer: on to the system call, where it is pinned */
	assert_int_equal(sock("connect", LAYER_GOT, NULL, NULL, &err), V_ALLOW);
}

static enum verdict two_ints_err(const char *fn, long a, long b, int *err)
{
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name(fn), .outer = -1, .pid = 100,
	                 .tid = 100, .nargs = 2};
	struct decision d;
	c.a[0] = (struct call_arg){.fmt = 'i', .num = a, .raw = (uint64_t)a};
	c.a[1] = (struct call_arg){.fmt = 'i', .num = b, .raw = (uint64_t)b};
	decide_call(pol, &c, &view, &d);
	*err = decision_errno(&d);
	return d.verdict;
}

/* Where pysbx has no reason of its own, the kernel's answer: a process that
 * does not exist is ESRCH, a descriptor that is no pidfd EBADF. */
static void kernels_answers(void **state)
{
	int err;
	(void)state;
	assert_int_equal(two_ints_err("kill", 5000, 0, &err), V_DENY);
	assert_int_equal(err, ESRCH);
	assert_int_equal(two_ints_err("kill", 1, 0, &err), V_DENY);
	assert_int_equal(err, EPERM);
	assert_int_equal(two_ints_err("kill", -42, 0, &err), V_DENY);   /* no such group */
	assert_int_equal(err, ESRCH);
	assert_int_equal(two_ints_err("kill", -7, 0, &err), V_DENY);
	assert_int_equal(err, EPERM);
	assert_int_equal(two_ints_err("pidfd_send_signal", 9, 15, &err), V_DENY);
	assert_int_equal(err, EBADF);
	assert_int_equal(two_ints_err("pidfd_open", -1, 0, &err), V_DENY);
	assert_int_equal(err, EINVAL);
	assert_int_equal(two_ints_err("sched_setaffinity", -1, 8, &err), V_DENY);
	assert_int_equal(err, EINVAL);
	/* identity calls stay the policy's, even those that change nothing:
	 * a probe for privilege finds none */
	assert_int_equal(two_ints_err("setreuid", -1, -1, &err), V_DENY);
	assert_int_equal(err, EPERM);
}

static void syscall_judged_by_number(void **state)
{
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name("setuid"),
	                 .outer = funcs_by_name("syscall"), .nargs = 1};
	struct decision d;
	(void)state;
	c.a[0] = (struct call_arg){.fmt = 'i', .num = 0};
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	assert_string_equal(d.rule->text, "setuid = deny");
	c.func = funcs_by_name("syscall");  /* a number that is not dangerous */
	c.outer = -1;
	c.a[0] = (struct call_arg){.fmt = 'n', .num = 39};
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);
}

static void actions_of_a_custom_policy(void **state)
{
	char err[256];
	struct policy *p;
	struct decision d;
	(void)state;
	const char *text = "[functions]\nsetuid = kill\nsyscall = deny\nfork = allow\n";
	assert_int_equal(policy_parse(text, strlen(text), "c.ini", &p, err, sizeof err), 0);
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name("setuid"), .outer = -1,
	                 .nargs = 1};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_KILL);
	c.outer = funcs_by_name("syscall");  /* the syscall rule applies first */
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	assert_string_equal(d.rule->text, "syscall = deny");
	c.func = funcs_by_name("mount");  /* not named: default deny */
	c.outer = -1;
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	assert_int_equal(d.rule->line, 0);
	policy_free(p);
}

static void module_rules(void **state)
{
	char err[256];
	struct policy *p;
	struct decision d;
	(void)state;
	const char *text = "[functions]\nfork = allow\nsetuid = deny\n"
	                   "[module /tmp/*]\nfork = deny\n"
	                   "[module /usr/lib/*]\nsetuid = allow\nfork = kill\n";
	assert_int_equal(policy_parse(text, strlen(text), "m.ini", &p, err, sizeof err), 0);
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name("fork"), .outer = -1,
	                 .object = "/tmp/x/evil.so"};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);          /* tightened for an untrusted object */
	assert_int_equal(d.rule->line, 5);
	c.object = "/opt/other.so";
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);         /* no section matches */
	c.func = funcs_by_name("setuid");
	c.object = "/usr/lib/x/trusted.so";
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);          /* loosening needs a trusted object */
	c.object_trusted = true;
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);
	assert_int_equal(d.rule->line, 7);
	c.func = funcs_by_name("fork");
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_KILL);
	policy_free(p);
}

/* kill(target, 15) by pid 120 (thread 121) from object obj, decided by p. */
static struct decision kill_from(const struct policy *p, const char *obj, bool trusted,
                                 pid_t target)
{
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name("kill"), .outer = -1,
	                 .pid = 120, .tid = 121, .nargs = 2, .object = obj,
	                 .object_trusted = trusted};
	struct decision d;
	c.a[0] = (struct call_arg){.fmt = 'i', .num = target};
	c.a[1] = (struct call_arg){.fmt = 'i', .num = 15};
	decide_call(p, &c, &view, &d);
	return d;
}

/* Every pair of a [functions] action and a [module] action, for an isolated
 * and for a trusted caller: the module's rule decides when it is stricter,
 * or when the caller is trusted; otherwise [functions] does.  The decisions
 * differ by action for kill(150): a process of the job, not the caller's. */
static void module_action_every_pair(void **state)
{
	static const char *const names[] = {"allow", "check", "self", "deny", "kill"};
	static const enum verdict want[] = {V_ALLOW, V_ALLOW, V_DENY, V_DENY, V_KILL};
	(void)state;
	for (size_t g = 0; g < 5; g++)
		for (size_t m = 0; m < 5; m++)
			for (int trusted = 0; trusted < 2; trusted++) {
				char text[128], err[256];
				struct policy *p;
				snprintf(text, sizeof text, "[functions]\nkill = %s\n[module /m/*]\nkill = %s\n",
				         names[g], names[m]);
				assert_int_equal(policy_parse(text, strlen(text), "p.ini", &p, err,
				                              sizeof err), 0);
				struct decision d = kill_from(p, "/m/mod.so", trusted, 150);
				size_t by = trusted || m >= g ? m : g;
				if (d.verdict != want[by] || d.rule->line != (trusted || m >= g ? 4 : 2))
					fail_msg("[functions] %s, [module] %s, %s caller: %s by line %d",
					         names[g], names[m], trusted ? "trusted" : "isolated",
					         verdict_name(d.verdict), d.rule->line);
				assert_null(d.on_behalf);
				policy_free(p);
			}
}

/* self: only the caller's own process, by its id or the calling thread's. */
static void self_reaches_only_the_caller(void **state)
{
	char err[256];
	struct policy *p;
	struct decision d;
	(void)state;
	const char *text = "[functions]\nkill = self\ntgkill = self\nkillpg = self\n"
	                   "pidfd_send_signal = self\n";
	assert_int_equal(policy_parse(text, strlen(text), "s.ini", &p, err, sizeof err), 0);
	assert_int_equal(kill_from(p, NULL, false, 120).verdict, V_ALLOW);
	assert_int_equal(kill_from(p, NULL, false, 121).verdict, V_ALLOW);
	assert_int_equal(kill_from(p, NULL, false, 150).verdict, V_DENY);   /* in the job */
	assert_int_equal(kill_from(p, NULL, false, 0).verdict, V_DENY);     /* its group */
	assert_int_equal(kill_from(p, NULL, false, -120).verdict, V_DENY);
	assert_int_equal(kill_from(p, NULL, false, -1).verdict, V_DENY);
	struct call c = {.layer = LAYER_SYSCALL, .func = funcs_by_name("tgkill"), .outer = -1,
	                 .pid = 120, .tid = 121, .nargs = 3};
	c.a[0] = (struct call_arg){.fmt = 'i', .num = 120};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);
	c.a[0].num = 150;
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	c.a[0].err = -EFAULT;
	c.a[0].num = 120;
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);                     /* unreadable: no */
	c.a[0].err = 0;
	c.func = funcs_by_name("killpg");                        /* a group: never only itself */
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	c.func = funcs_by_name("pidfd_send_signal");             /* fd 3 is pid 120's */
	c.a[0] = (struct call_arg){.fmt = 'f', .num = 3};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);
	c.a[0].num = 9;
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	policy_free(p);
}

/* The untrusted objects on a call's stack bind it: the strictest rule wins
 * and the decision names its object; their looser rules are ignored; code in
 * no object binds only [module untrusted]. */
static void stack_objects_bind(void **state)
{
	char err[256];
	struct policy *p;
	struct decision d;
	(void)state;
	const char *text = "[functions]\nsystem = check\nfork = allow\nkill = check\n"
	                   "[module */evil*]\nsystem = deny\n"
	                   "[module */kills*]\nsystem = kill\n"
	                   "[module */loose*]\nsystem = allow\nfork = allow\n"
	                   "[module extensions]\nfork = deny\nkill = self\n";
	assert_int_equal(policy_parse(text, strlen(text), "k.ini", &p, err, sizeof err), 0);
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name("system"), .outer = -1,
	                 .pid = 100, .tid = 100, .nargs = 1, .object = "/usr/bin/python3.11",
	                 .object_trusted = true};
	c.a[0] = (struct call_arg){.fmt = 'c', .str = "true"};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);
	assert_null(d.on_behalf);
	assert_true(decide_stack_matters(p, &c));    /* a section could tighten system */
	c.stack[c.n_stack++] = (struct stack_object){"/tmp/j/loose.so", false};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);        /* looser: ignored */
	assert_null(d.on_behalf);
	c.stack[c.n_stack++] = (struct stack_object){"/tmp/j/evil.so", false};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	assert_string_equal(d.on_behalf, "/tmp/j/evil.so");
	assert_string_equal(d.rule->text, "system = deny");
	c.stack[c.n_stack++] = (struct stack_object){"/tmp/j/kills.so", false};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_KILL);         /* the strictest of them */
	assert_string_equal(d.on_behalf, "/tmp/j/kills.so");
	/* an equally strict rule on the stack leaves the caller's own */
	c.n_stack = 0;
	c.object = "/tmp/j/evil2.so";
	c.object_trusted = false;
	c.stack[c.n_stack++] = (struct stack_object){"/tmp/j/evil.so", false};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	assert_null(d.on_behalf);
	/* extensions: fork and signals to others, through the interpreter */
	c = (struct call){.layer = LAYER_GOT, .func = funcs_by_name("fork"), .outer = -1,
	                  .pid = 100, .tid = 100, .object = "/usr/bin/python3.11",
	                  .object_trusted = true};
	c.stack[c.n_stack++] = (struct stack_object){"/venv/lib/libdep.so", false};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);        /* a library no extension needs */
	c.stack[c.n_stack++] = (struct stack_object){NULL, false};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);        /* unknown code is no extension */
	c.stack[c.n_stack++] = (struct stack_object){"/venv/x/_x.so", true};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	assert_string_equal(d.on_behalf, "/venv/x/_x.so");
	c.func = funcs_by_name("kill");
	c.nargs = 2;
	c.a[0] = (struct call_arg){.fmt = 'i', .num = 150};
	c.a[1] = (struct call_arg){.fmt = 'i', .num = 0};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);         /* self: another process of the job */
	c.a[0].num = 100;
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);
	/* syscall(SYS_fork) on behalf of the extension: the inner call's rule */
	c.func = funcs_by_name("fork");
	c.outer = funcs_by_name("syscall");
	c.nargs = 0;
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	policy_free(p);
	/* unknown code is bound by [module untrusted] */
	text = "[functions]\nsystem = check\n[module untrusted]\nsystem = deny\n";
	assert_int_equal(policy_parse(text, strlen(text), "u.ini", &p, err, sizeof err), 0);
	c = (struct call){.layer = LAYER_SYSCALL, .func = funcs_by_name("system"), .outer = -1,
	                  .pid = 100, .tid = 100, .nargs = 1};
	c.a[0] = (struct call_arg){.fmt = 'c', .str = "true"};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_ALLOW);        /* no caller, nothing on the stack */
	c.stack[c.n_stack++] = (struct stack_object){NULL, false};
	decide_call(p, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	assert_string_equal(d.on_behalf, "code in no loaded object");
	policy_free(p);
}

/* The stack is walked only when a section could make the decision stricter
 * than the caller's own rule. */
static void stack_matters_only_when_stricter(void **state)
{
	char err[256];
	struct policy *p;
	(void)state;
	const char *text = "[functions]\nsystem = check\nsetuid = deny\nfork = allow\n"
	                   "[module extensions]\nsystem = deny\nsetuid = deny\n"
	                   "[module /trusted/*]\nfork = kill\n";
	assert_int_equal(policy_parse(text, strlen(text), "w.ini", &p, err, sizeof err), 0);
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name("system"), .outer = -1,
	                 .object = "/usr/bin/python3.11", .object_trusted = true};
	assert_true(decide_stack_matters(p, &c));
	c.func = funcs_by_name("setuid");            /* deny already */
	assert_false(decide_stack_matters(p, &c));
	c.func = funcs_by_name("fork");
	assert_true(decide_stack_matters(p, &c));
	c.object = "/trusted/t.so";                  /* kill already, for this caller */
	assert_false(decide_stack_matters(p, &c));
	c.func = funcs_by_name("mount");             /* no section names it */
	assert_false(decide_stack_matters(p, &c));
	policy_free(p);
	/* the built-in policy has [module] rules; one without costs no walk */
	text = "[functions]\nsystem = check\nkill = check\n";
	assert_int_equal(policy_parse(text, strlen(text), "n.ini", &p, err, sizeof err), 0);
	c.func = funcs_by_name("system");
	assert_false(decide_stack_matters(p, &c));
	c.func = funcs_by_name("kill");
	assert_false(decide_stack_matters(p, &c));
	policy_free(p);
}

/* What [module extensions] binds: untrusted extension modules and the
 * untrusted libraries they need, by soname or file name, through other such
 * libraries; not a library nothing of that kind needs, not a trusted one, not
 * one whose extension went away; a cycle of libraries ends. */
static void extensions_and_what_they_need(void **state)
{
	(void)state;
	static char *ext_needs[] = {"libA.so.1", "libT.so", "libc.so.6"};
	static char *a_needs[] = {"libB.so"};
	static char *d_needs[] = {"libE.so"};
	static char *e_needs[] = {"libD.so"};
	struct elfscan_report ext = {.flags = ELFSCAN_PYEXT, .needed = ext_needs, .n_needed = 3};
	struct elfscan_report a = {.soname = "libA.so.1", .needed = a_needs, .n_needed = 1};
	struct elfscan_report b = {0}, c = {0}, t = {.soname = "libT.so"};
	struct elfscan_report d = {.needed = d_needs, .n_needed = 1};
	struct elfscan_report e = {.needed = e_needs, .n_needed = 1};
	struct object objs[] = {
		{.path = "/venv/x/_x.so", .scan = &ext, .live = true},
		{.path = "/venv/x.libs/libA-1234.so", .scan = &a, .live = true},
		{.path = "/venv/x.libs/libB.so", .scan = &b, .live = true},
		{.path = "/tmp/j/libC.so", .scan = &c, .live = true},
		{.path = "/usr/lib/libT.so", .scan = &t, .live = true, .trusted = true},
		{.path = "/tmp/j/libD.so", .scan = &d, .live = true},
		{.path = "/tmp/j/libE.so", .scan = &e, .live = true},
	};
	struct aspace as = {.objs = objs, .n_objs = sizeof objs / sizeof objs[0]};
	const bool want[] = {true, true, true, false, false, false, false};
	for (size_t i = 0; i < as.n_objs; i++)
		if (verdict_extension(&as, &objs[i]) != want[i])
			fail_msg("%s: %d", objs[i].path, !want[i]);
	objs[0].live = false;  /* the extension was unloaded */
	assert_false(verdict_extension(&as, &objs[1]));
	assert_false(verdict_extension(&as, &objs[2]));
	assert_false(verdict_extension(&as, NULL));
	assert_false(verdict_extension(NULL, &objs[1]));
}

/* The function table's name lookup: every name finds its own entry, and
 * names that are not in it (prefixes, suffixes, empty) find nothing. */
static void function_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < funcs_count; i++)
		assert_int_equal(funcs_by_name(funcs[i].name), (int)i);
	assert_int_equal(funcs_by_name(""), -1);
	assert_int_equal(funcs_by_name("syste"), -1);
	assert_int_equal(funcs_by_name("systemd"), -1);
	assert_int_equal(funcs_by_name("getpid"), -1);
	assert_true(funcs_by_name("system") >= 0);
}

/* A decision that depends on a file the same command makes is left to the
 * exec stop; a missing script the command does not name twice is not. */
static void scripts_made_by_the_command(void **state)
{
	(void)state;
	assert_int_equal(shell("echo true > s.sh; sh s.sh"), V_ALLOW);
	assert_int_equal(shell("cat >s.sh <<EOF\nls\nEOF\nsh -e s.sh"), V_ALLOW);
	assert_int_equal(shell("f=x.sh; echo ls > $f; sh $f"), V_ALLOW);
	assert_int_equal(shell("sh s.sh"), V_DENY);          /* nothing makes it */
	assert_int_equal(shell("sh -- -s"), V_DENY);
	assert_int_equal(shell("sh /dev/stdin"), V_DENY);
	/* what the script holds is judged when it runs; bash is still bash */
	assert_int_equal(shell("echo bash > s.sh; sh s.sh; bash"), V_DENY);
	/* an exec stop judges the file as it is then */
	struct decision d;
	char *argv[] = {"sh", "s.sh", NULL};
	assert_int_equal(exec_of("/bin/sh", argv, 2, &d), V_DENY);
}

/* bash's own routes out, whatever the shell: network redirections and
 * builtins loaded from a shared object. */
static void bash_network_paths_and_builtins(void **state)
{
	(void)state;
	assert_int_equal(shell("echo x > /dev/tcp/10.0.0.1/80"), V_DENY);
	assert_int_equal(shell("cat < \"/dev/\"'udp'/h/53"), V_DENY);
	assert_int_equal(shell("exec 3<>/dev/t\\cp/h/1"), V_DENY);
	assert_int_equal(shell("ls > /dev/$d/h/1"), V_DENY);
	assert_int_equal(shell("ls > /dev/null 2>/dev/stderr"), V_ALLOW);
	assert_int_equal(shell("ls /dev/tty* /dev/pts/$N /dev/sd$x"), V_ALLOW);  /* cannot be tcp */
	assert_int_equal(shell("ls > /dev/t$x/h/1"), V_DENY);
	assert_int_equal(shell("ls > /dev/{tcp,udp}/h/1"), V_DENY);
	assert_int_equal(shell("enable -f ./x.so x"), V_DENY);
	assert_int_equal(shell("enable -nf ./x.so x"), V_DENY);
	assert_int_equal(shell("builtin enable -f ./x.so x"), V_DENY);
	assert_int_equal(shell("sh -c 'echo > /dev/tcp/h/1'"), V_DENY);
}

/* A script run through "#!/usr/bin/env bash" (a pyenv shim): the message
 * names bash, the program that would run it. */
static void env_script_names_its_interpreter(void **state)
{
	(void)state;
	struct decision d = {0};
	char *argv[] = {"/usr/bin/env", "bash", "/home/u/.pyenv/shims/python3", "-c", "1", NULL};
	struct program prog = {.given = "/home/u/.pyenv/shims/python3",
	                       .resolved = "/home/u/.pyenv/shims/python3",
	                       .image = "/usr/bin/env", .argv = argv, .argc = 5};
	assert_false(decide_program(pol, &prog, &view, 100, &d));
	assert_non_null(strstr(d.why, "/home/u/.pyenv/shims/python3 is a script for bash "
	                              "(#!/usr/bin/env bash), and bash is a denied program"));
	assert_string_equal(d.rule->text, "deny = bash");
	/* env -S with options in front */
	char *argv2[] = {"/usr/bin/env", "-S -i FOO=1 zsh -e", "/opt/s", NULL};
	struct program p2 = {.given = "/opt/s", .resolved = "/opt/s", .image = "/usr/bin/env",
	                     .argv = argv2, .argc = 3};
	d.rule = NULL;
	assert_false(decide_program(pol, &p2, &view, 100, &d));
	assert_non_null(strstr(d.why, "a script for zsh"));
	/* #!/bin/bash directly: the image is bash */
	char *argv3[] = {"/bin/bash", "/opt/s", NULL};
	struct program p3 = {.given = "/opt/s", .resolved = "/opt/s", .image = "/usr/bin/bash",
	                     .argv = argv3, .argc = 2};
	d.rule = NULL;
	assert_false(decide_program(pol, &p3, &view, 100, &d));
	assert_non_null(strstr(d.why, "/opt/s is a script for bash, a denied program"));
	/* a script for an allowed interpreter is judged by where it lives */
	char *argv4[] = {"/usr/bin/env", "python3", "/opt/s", NULL};
	struct program p4 = {.given = "/opt/s", .resolved = "/opt/s", .image = "/usr/bin/env",
	                     .argv = argv4, .argc = 3};
	d.rule = NULL;
	assert_false(decide_program(pol, &p4, &view, 100, &d));
	assert_non_null(strstr(d.why, "not an allowed program"));
	assert_true(d.rule->line > 0);   /* the allow-dir list's line */
}

/* Every program denial names a line of the policy: the rule that decided,
 * or the function's "check" line for pysbx's own checks. */
static void program_denials_name_a_line(void **state)
{
	(void)state;
	struct decision d;
	char *ls[] = {"ls", NULL};
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name("execve"), .outer = -1,
	                 .pid = 100, .nargs = 2, .has_prog = true};
	c.a[0] = (struct call_arg){.fmt = 'P', .str = "/usr/bin/ls"};
	c.a[1] = (struct call_arg){.fmt = 'v', .vec = ls, .n = 1};
	c.prog = (struct program){.given = "/usr/bin/ls", .resolved = "/usr/bin/ls", .fresh = true,
	                          .argv = ls, .argc = 1};
	decide_call(pol, &c, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	assert_string_equal(d.rule->text, "execve = check");
	assert_true(d.rule->line > 0);
	assert_int_equal(shell("echo 'unterminated"), V_DENY);
	struct call s = {.layer = LAYER_GOT, .func = funcs_by_name("system"), .outer = -1,
	                 .pid = 100, .nargs = 1};
	s.a[0] = (struct call_arg){.fmt = 'c', .str = "./mytool"};
	decide_call(pol, &s, &view, &d);
	assert_int_equal(d.verdict, V_DENY);
	assert_true(d.rule->line > 0);
	s.a[0].str = "echo 'unterminated";
	decide_call(pol, &s, &view, &d);
	assert_string_equal(d.rule->text, "system = check");
}

/* The notebook profile: bash as a shell, its commands judged like sh -c's. */
static void notebook_profile(void **state)
{
	(void)state;
	char err[256];
	struct policy *saved = pol, *nb = policy_new();
	assert_int_equal(policy_add_profile(nb, "notebook", err, sizeof err), 0);
	assert_int_equal(policy_finish(nb, err, sizeof err), 0);
	pol = nb;
	assert_int_equal(shell("bash -c ls"), V_ALLOW);
	assert_int_equal(shell("bash script.sh"), V_ALLOW);
	assert_int_equal(shell("bash"), V_DENY);
	assert_int_equal(shell("bash -i"), V_DENY);
	assert_int_equal(shell("bash -s"), V_DENY);
	assert_int_equal(shell("bash --rcfile script.sh -c ls"), V_DENY);
	assert_int_equal(shell("bash --init-file script.sh"), V_DENY);
	/* bash's long options, with one dash too, before its first short one */
	assert_int_equal(shell("bash -norc /dev/stdin true"), V_DENY);
	assert_int_equal(shell("bash -rcfile script.sh -c ls"), V_DENY);
	assert_int_equal(shell("bash -noprofile -c ls"), V_ALLOW);
	assert_int_equal(shell("bash -norc script.sh"), V_ALLOW);
	assert_int_equal(shell("bash -e -posix script.sh"), V_DENY);  /* -p -o six */
	assert_int_equal(shell("bash -l -c ls"), V_DENY);
	assert_int_equal(shell("bash --login -c ls"), V_DENY);
	assert_int_equal(shell("bash -c 'ls; zsh'"), V_DENY);
	assert_int_equal(shell("bash -c 'cat < /dev/tcp/h/1'"), V_DENY);
	struct decision d;
	char *argv[] = {"bash", "-c", "ls", NULL};
	assert_int_equal(exec_of("/bin/bash", argv, 3, &d), V_ALLOW);
	pol = saved;
	policy_free(nb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shell_commands),
		cmocka_unit_test(shell_grammar),
		cmocka_unit_test(other_routes),
		cmocka_unit_test(kernels_answers),
		cmocka_unit_test(nesting_is_bounded),
		cmocka_unit_test(programs),
		cmocka_unit_test(scripts_made_by_the_command),
		cmocka_unit_test(bash_network_paths_and_builtins),
		cmocka_unit_test(env_script_names_its_interpreter),
		cmocka_unit_test(program_denials_name_a_line),
		cmocka_unit_test(notebook_profile),
		cmocka_unit_test(unreadable_arguments_deny),
		cmocka_unit_test(signals),
		cmocka_unit_test(limits_targets),
		cmocka_unit_test(clocks_only_read),
		cmocka_unit_test(clone_flags_by_layer),
		cmocka_unit_test(syscall_judged_by_number),
		cmocka_unit_test(actions_of_a_custom_policy),
		cmocka_unit_test(module_rules),
		cmocka_unit_test(module_action_every_pair),
		cmocka_unit_test(self_reaches_only_the_caller),
		cmocka_unit_test(stack_objects_bind),
		cmocka_unit_test(stack_matters_only_when_stricter),
		cmocka_unit_test(extensions_and_what_they_need),
		cmocka_unit_test(function_names),
		cmocka_unit_test(metadata_only_in_write_set),
		cmocka_unit_test(owner_values_pinned),
		cmocka_unit_test(unix_sockets_only_of_the_job),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
