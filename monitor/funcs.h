/* funcs: the dangerous functions and system calls, and what is known about each.
 *
 * One table serves every layer: the GOT layer looks functions up by name, the
 * system-call layer (and libc's syscall()) by number.  Each entry says how its
 * arguments are read (a format string), which argument check applies when the
 * policy says "check", and how a denied call reports failure.
 *
 * Argument formats, one character per argument:
 *   c  shell command string      P  program path (exec family)
 *   s  other string              v  string vector (argv)
 *   l  variadic string list up to NULL (execl family)
 *   i  int   u  unsigned   x  flags/hex   p  pointer   f  file descriptor
 *   n  system call number (syscall(): the rest is read as that call's)
 *   T  struct timex pointer (its modes field is read)
 *   K  struct clone_args pointer (its flags field is read)
 *   F  clone flags
 *   m  file mode (the set-ID bits are what is judged)
 *   o  open flags
 *   D  a socket call's destination, pinned (argpin.h): the named unix socket
 *      paths it sends to, filled in at the system-call stop
 */
#ifndef PYSBX_FUNCS_H
#define PYSBX_FUNCS_H

#include <stdbool.h>
#include <stddef.h>

enum check_kind {
	CK_NONE,      /* no argument check: allow or deny only */
	CK_SHELL,     /* system, popen: every program the command runs */
	CK_EXEC,      /* exec family: program (path, PATH search, or fd) and argv */
	CK_SPAWN,     /* posix_spawn, posix_spawnp: like exec */
	CK_SIGNAL,    /* kill, tgkill, sigqueue, pidfd_open: target in the job's tree */
	CK_PGRP,      /* killpg: every member of the group in the job's tree */
	CK_PIDFD,     /* pidfd_send_signal, pidfd_getfd: the pidfd's process in the tree */
	CK_TIMEX,     /* adjtimex, clock_adjtime, ntp_adjtime: only reading is allowed */
	CK_SYSCALL,   /* syscall(): judged as the system call it makes */
	CK_WORDEXP,   /* wordexp: allowed with WRDE_NOCMD */
	CK_CLONE,     /* clone: children are traced unless CLONE_UNTRACED */
	CK_CODEPAGE,  /* memory calls: denied when they touch the code page */
	CK_TARGET,    /* limits and scheduling of a process: the caller's own or the job's */
	CK_FOWNER,    /* fcntl: F_SETOWN, F_SETOWN_EX name a process for SIGIO */
	CK_IOCTL,     /* ioctl: terminal input injection, SIGIO owners, the foreground group */
	CK_SECCOMP,   /* seccomp: no user-notification listener (it outranks pysbx's filter) */
	CK_PERSONA,   /* personality: no READ_IMPLIES_EXEC, MMAP_PAGE_ZERO */
	CK_SETID,     /* file modes: no set-user-ID or set-group-ID file made */
	CK_META,      /* mode, owner, xattrs, times: only of files in the write set */
	CK_SOCKET,    /* socket, socketpair: the unix, inet, inet6 and netlink families */
	CK_SOCKADDR,  /* connect, sendto, sendmsg, sendmmsg: named unix sockets of the job's */
	CK_PRCTL,     /* prctl: nothing that locks the monitor out or opens the job up */
	CK_PGID,      /* setpgid: a group of its own, or one of the job's */
};

enum err_conv {
	ERR_M1,       /* returns -1 and sets errno */
	ERR_NULL,     /* returns NULL and sets errno */
	ERR_NUM,      /* returns the error number (posix_spawn, pthread_kill) */
	ERR_WRDE,     /* wordexp: returns WRDE_CMDSUB */
};

enum exec_how {   /* how an exec-like call names its program */
	EX_PATH,      /* a path, relative to the cwd */
	EX_FILE,      /* searched through PATH when it has no slash */
	EX_FD,        /* an open descriptor (fexecve) */
	EX_AT,        /* dirfd + path, or the fd itself with AT_EMPTY_PATH (execveat) */
};

struct func {
	const char *name;      /* libc function name, or the system call's name */
	const char *fmt;       /* argument formats */
	const char *sysfmt;    /* the system call's, when its arguments differ (clone) */
	enum check_kind check;
	enum err_conv err;
	long sysnr;            /* system call it corresponds to, or -1 */
	bool libc;             /* a libc function whose GOT slots are redirected */
	signed char prog_arg;  /* exec-like: index of the program argument, else -1 */
	signed char argv_arg;  /* exec-like: index of argv, else -1 */
	enum exec_how how;
	bool loads;            /* dlopen, dlmopen: maps new objects */
	bool hands_out;        /* dlsym, dlvsym: returns function addresses */
	bool selfprot;         /* pysbx's self-protection: always checked, not in the policy */
};

extern const struct func funcs[];
extern const size_t funcs_count;

/* Index of the function with this name (libc or system call name), or -1. */
int funcs_by_name(const char *name);
/* Index of the entry judging system call nr, or -1 when nr is not dangerous. */
int funcs_by_sysnr(long nr);

#endif
