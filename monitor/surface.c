/* surface: the allow-list of system calls (see surface.h).
 *
 * Each group says why its calls stay inside the job.  Calls not here and not
 * in funcs.h are refused; perf/syscall-survey/ has the evidence the list was
 * checked against (CPython's regression tests, numpy, multiprocessing,
 * subprocess, asyncio, sqlite, ctypes, ptys on Python 3.8 to 3.13). */
#include "monitor/surface.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A name libseccomp knows; N(name, nr) for calls newer than its tables. */
#define S(name) {name, -1}
#define N(name, nr) {name, nr}

const struct surface_call surface_allowed[] = {
	/* Files: the kernel's permissions and the Landlock write set decide. */
	S("read"), S("write"), S("open"), S("close"), S("stat"), S("fstat"), S("lstat"),
	S("poll"), S("lseek"), S("pread64"), S("pwrite64"), S("readv"), S("writev"),
	S("access"), S("pipe"), S("pipe2"), S("select"), S("dup"), S("dup2"), S("dup3"), S("sendfile"),
	S("flock"), S("fsync"), S("fdatasync"), S("truncate"), S("ftruncate"), S("getdents"),
	S("getdents64"), S("getcwd"), S("chdir"), S("fchdir"), S("rename"), S("renameat"),
	S("renameat2"), S("mkdir"), S("mkdirat"), S("rmdir"), S("creat"), S("link"),
	S("linkat"), S("unlink"), S("unlinkat"), S("symlink"), S("symlinkat"), S("readlink"),
	S("readlinkat"), S("chmod"), S("fchmod"), S("fchmodat"), N("fchmodat2", 452),
	S("chown"), S("fchown"), S("lchown"), S("fchownat"), S("umask"), S("utime"),
	S("utimes"), S("futimesat"), S("utimensat"), S("mknod"), S("mknodat"), S("statfs"),
	S("fstatfs"), S("statx"), S("newfstatat"), S("sync"), S("syncfs"), S("readahead"),
	S("fadvise64"), S("fallocate"), S("sync_file_range"), S("openat"), S("openat2"),
	S("faccessat"), S("faccessat2"), S("close_range"), S("copy_file_range"), S("splice"),
	S("tee"), S("vmsplice"), S("preadv"), S("pwritev"), S("preadv2"), S("pwritev2"),
	S("setxattr"), S("lsetxattr"), S("fsetxattr"), S("getxattr"), S("lgetxattr"),
	S("fgetxattr"), S("listxattr"), S("llistxattr"), S("flistxattr"), S("removexattr"),
	S("lremovexattr"), S("fremovexattr"), S("memfd_create"), S("inotify_init"), S("inotify_init1"), S("inotify_add_watch"),
	S("inotify_rm_watch"),
	/* Waiting on descriptors, and descriptors that stand for events of the
	 * process itself. */
	S("pselect6"), S("ppoll"), S("epoll_create"), S("epoll_create1"), S("epoll_ctl"),
	S("epoll_wait"), S("epoll_pwait"), S("epoll_pwait2"), S("eventfd"), S("eventfd2"),
	S("signalfd"), S("signalfd4"), S("timerfd_create"), S("timerfd_settime"),
	S("timerfd_gettime"),
	/* Asynchronous I/O on the process's own descriptors (io_uring is not:
	 * its operations bypass this filter). */
	S("io_setup"), S("io_destroy"), S("io_getevents"), S("io_pgetevents"), S("io_submit"),
	S("io_cancel"),
	/* Memory of the process itself (mmap, mprotect and the like are in
	 * funcs.h: the filter keeps them off pysbx's code page). */
	S("brk"), S("msync"), S("mincore"), S("mlock"), S("mlock2"), S("munlock"),
	S("mlockall"), S("munlockall"), S("mbind"), S("set_mempolicy"), S("get_mempolicy"),
	N("set_mempolicy_home_node", 450), S("membarrier"),
	S("pkey_alloc"), S("pkey_free"), N("map_shadow_stack", 453),
	/* Signals within the process (signals to others are in funcs.h), timers. */
	S("rt_sigaction"), S("rt_sigprocmask"), S("rt_sigreturn"), S("rt_sigpending"),
	S("rt_sigtimedwait"), S("rt_sigsuspend"), S("sigaltstack"), S("pause"), S("alarm"),
	S("getitimer"), S("setitimer"), S("timer_create"), S("timer_settime"),
	S("timer_gettime"), S("timer_getoverrun"), S("timer_delete"), S("restart_syscall"),
	/* Reading clocks; sleeping. */
	S("gettimeofday"), S("time"), S("clock_gettime"), S("clock_getres"), S("nanosleep"),
	S("clock_nanosleep"), S("times"),
	/* Sockets: what the network allows (abstract unix sockets are scoped to
	 * the job by Landlock; socket and socketpair only in the unix, inet,
	 * inet6 and netlink families: funcs.c). */
	S("socket"), S("socketpair"), S("connect"), S("accept"), S("accept4"), S("bind"),
	S("listen"), S("shutdown"), S("sendto"), S("recvfrom"), S("sendmsg"), S("recvmsg"),
	S("sendmmsg"), S("recvmmsg"), S("getsockname"), S("getpeername"), S("setsockopt"),
	S("getsockopt"),
	/* System V IPC and POSIX message queues are not here: their namespace is
	 * the machine's, so a key, an id or a queue name reaches other processes'
	 * segments, semaphores and queues.  multiprocessing uses /dev/shm files. */
	/* The process itself: its identity read, its children waited for, its
	 * threads, its group and session. */
	S("exit"), S("exit_group"), S("wait4"), S("waitid"), S("getpid"), S("getppid"),
	S("gettid"), S("getuid"), S("getgid"), S("geteuid"), S("getegid"), S("getresuid"),
	S("getresgid"), S("getgroups"), S("getpgid"), S("getpgrp"), S("getsid"), S("setsid"), S("capget"), S("uname"), S("sysinfo"), S("getrusage"), S("getrlimit"),
	S("setrlimit"), S("getpriority"), S("ioprio_get"), S("sched_yield"),
	S("sched_getparam"), S("sched_getscheduler"), S("sched_get_priority_max"),
	S("sched_get_priority_min"), S("sched_rr_get_interval"), S("sched_getaffinity"),
	S("sched_getattr"), S("getcpu"), S("arch_prctl"), S("set_tid_address"),
	S("set_robust_list"), S("get_robust_list"), S("futex"), S("futex_waitv"),
	N("futex_wake", 454), N("futex_wait", 455), N("futex_requeue", 456), S("rseq"),
	S("prctl"), S("getrandom"),
	N("uretprobe", 335), N("uprobe", 336),  /* the kernel's own probe trampolines */
	/* Restricting itself further. */
	S("landlock_create_ruleset"), S("landlock_add_rule"), S("landlock_restrict_self"),
};

const size_t surface_allowed_count = sizeof surface_allowed / sizeof surface_allowed[0];

int surface_nr(const struct surface_call *c)
{
	int nr = seccomp_syscall_resolve_name(c->name);
	if (nr == __NR_SCMP_ERROR || nr < 0)
		nr = c->nr;
	return nr;
}

bool surface_is_allowed(long nr)
{
	for (size_t i = 0; i < surface_allowed_count; i++)
		if (surface_nr(&surface_allowed[i]) == nr)
			return true;
	return false;
}

/* Names of x86-64 system calls newer than libseccomp's tables, for messages. */
static const struct surface_call late[] = {
	{"cachestat", 451}, {"fchmodat2", 452}, {"map_shadow_stack", 453}, {"futex_wake", 454},
	{"futex_wait", 455}, {"futex_requeue", 456}, {"statmount", 457}, {"listmount", 458},
	{"lsm_get_self_attr", 459}, {"lsm_set_self_attr", 460}, {"lsm_list_modules", 461},
	{"mseal", 462}, {"setxattrat", 463}, {"getxattrat", 464}, {"listxattrat", 465},
	{"removexattrat", 466}, {"open_tree_attr", 467}, {"file_getattr", 468},
	{"file_setattr", 469}, {"uretprobe", 335}, {"uprobe", 336},
};

const char *surface_name(long nr, char *buf)
{
	char *name = nr >= 0 && nr < 0x40000000 ? seccomp_syscall_resolve_num_arch(
	                                              SCMP_ARCH_NATIVE, (int)nr) : NULL;
	if (name) {
		snprintf(buf, 32, "%s", name);
		free(name);
		return buf;
	}
	for (size_t i = 0; i < sizeof late / sizeof late[0]; i++)
		if (late[i].nr == nr)
			return late[i].name;
	snprintf(buf, 32, "syscall %ld", nr);
	return buf;
}
