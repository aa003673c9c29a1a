/* funcs: the table of dangerous functions and system calls (see funcs.h).
 *
 * The paper's Table 3, the process-creating and program-running functions, the
 * calls that reach other processes, and the loader functions that hand out code.
 * System call numbers come from <sys/syscall.h>, so the table follows the
 * architecture it is built for; a call the architecture lacks gets -1. */
#include "monitor/funcs.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#define NR(x) SYSNR_##x

/* A system call that does not exist on this architecture is -1. */
#ifdef SYS_fork
#define SYSNR_fork SYS_fork
#else
#define SYSNR_fork -1
#endif
#ifdef SYS_vfork
#define SYSNR_vfork SYS_vfork
#else
#define SYSNR_vfork -1
#endif
#ifdef SYS_iopl
#define SYSNR_iopl SYS_iopl
#else
#define SYSNR_iopl -1
#endif
#ifdef SYS_ioperm
#define SYSNR_ioperm SYS_ioperm
#else
#define SYSNR_ioperm -1
#endif
#ifdef SYS_clone3
#define SYSNR_clone3 SYS_clone3
#else
#define SYSNR_clone3 -1
#endif

/* Shorthands for the common shapes of entries. */
#define LIBC(n, f, ck, e, nr) \
	{.name = n, .fmt = f, .check = ck, .err = e, .sysnr = nr, .libc = true, \
	 .prog_arg = -1, .argv_arg = -1}
#define SYSONLY(n, f, ck, nr) \
	{.name = n, .fmt = f, .check = ck, .err = ERR_M1, .sysnr = nr, .prog_arg = -1, \
	 .argv_arg = -1}
#define EXEC(n, f, e, nr, pa, aa, h) \
	{.name = n, .fmt = f, .check = CK_EXEC, .err = e, .sysnr = nr, .libc = true, \
	 .prog_arg = pa, .argv_arg = aa, .how = h}
#define SPAWN(n, h) \
	{.name = n, .fmt = "pPppvp", .check = CK_SPAWN, .err = ERR_NUM, .sysnr = -1, \
	 .libc = true, .prog_arg = 1, .argv_arg = 4, .how = h}
#define LOADER(n, f, l, h) \
	{.name = n, .fmt = f, .check = CK_NONE, .err = ERR_NULL, .sysnr = -1, .libc = true, \
	 .prog_arg = -1, .argv_arg = -1, .loads = l, .hands_out = h}
/* pysbx's own protection, not a policy choice: calls that could unmap or
 * change the code page. */
#define SELF(n, f, nr) \
	{.name = n, .fmt = f, .check = CK_CODEPAGE, .err = ERR_M1, .sysnr = nr, .prog_arg = -1, \
	 .argv_arg = -1, .selfprot = true}
/* pysbx's own protection: calls that change another process's resource
 * limits or scheduling, which a job may do to pysbx-trace when it runs as the
 * same user, without any capability. */
#define TARGET(n, f, nr) \
	{.name = n, .fmt = f, .check = CK_TARGET, .err = ERR_M1, .sysnr = nr, .prog_arg = -1, \
	 .argv_arg = -1, .selfprot = true}

#define META(n, f, nr) \
	{.name = n, .fmt = f, .check = CK_META, .err = ERR_M1, .sysnr = nr, .prog_arg = -1, \
	 .argv_arg = -1, .selfprot = true}
#define SOCKADDR(n, f, nr) \
	{.name = n, .fmt = f, .check = CK_SOCKADDR, .err = ERR_M1, .sysnr = nr, .prog_arg = -1, \
	 .argv_arg = -1, .selfprot = true}
#define SETID(n, f, nr) \
	{.name = n, .fmt = f, .check = CK_SETID, .err = ERR_M1, .sysnr = nr, .prog_arg = -1, \
	 .argv_arg = -1, .selfprot = true}

const struct func funcs[] = {
	/* Programs and shells */
	LIBC("system", "c", CK_SHELL, ERR_M1, -1),
	LIBC("__libc_system", "c", CK_SHELL, ERR_M1, -1),
	LIBC("popen", "cs", CK_SHELL, ERR_NULL, -1),
	LIBC("wordexp", "spx", CK_WORDEXP, ERR_WRDE, -1),
	EXEC("execve", "Pvp", ERR_M1, SYS_execve, 0, 1, EX_PATH),
	EXEC("execv", "Pv", ERR_M1, -1, 0, 1, EX_PATH),
	EXEC("execvp", "Pv", ERR_M1, -1, 0, 1, EX_FILE),
	EXEC("execvpe", "Pvp", ERR_M1, -1, 0, 1, EX_FILE),
	EXEC("execl", "Pl", ERR_M1, -1, 0, 1, EX_PATH),
	EXEC("execlp", "Pl", ERR_M1, -1, 0, 1, EX_FILE),
	EXEC("execle", "Pl", ERR_M1, -1, 0, 1, EX_PATH),
	EXEC("execveat", "fPvpx", ERR_M1, SYS_execveat, 1, 2, EX_AT),
	EXEC("fexecve", "fvp", ERR_M1, -1, 0, 1, EX_FD),
	SPAWN("posix_spawn", EX_PATH),
	SPAWN("posix_spawnp", EX_FILE),

	/* Process creation: children are traced; what they run is checked at exec. */
	LIBC("fork", "", CK_NONE, ERR_M1, NR(fork)),
	LIBC("__fork", "", CK_NONE, ERR_M1, -1),
	LIBC("__libc_fork", "", CK_NONE, ERR_M1, -1),
	LIBC("_Fork", "", CK_NONE, ERR_M1, -1),
	LIBC("vfork", "", CK_NONE, ERR_M1, NR(vfork)),
	LIBC("forkpty", "pppp", CK_NONE, ERR_M1, -1),
	/* clone(fn, stack, flags, arg, ...) in libc; clone(flags, stack, ...) as a system call */
	{.name = "clone", .fmt = "ppFp", .sysfmt = "Fpppx", .check = CK_CLONE, .err = ERR_M1,
	 .sysnr = SYS_clone, .libc = true, .prog_arg = -1, .argv_arg = -1},
	SYSONLY("clone3", "Ku", CK_CLONE, NR(clone3)),
	LIBC("syscall", "n", CK_SYSCALL, ERR_M1, -1),

	/* Reaching other processes */
	LIBC("kill", "ii", CK_SIGNAL, ERR_M1, SYS_kill),
	LIBC("killpg", "ii", CK_PGRP, ERR_M1, -1),
	LIBC("tgkill", "iii", CK_SIGNAL, ERR_M1, SYS_tgkill),
	SYSONLY("tkill", "ii", CK_SIGNAL, SYS_tkill),
	LIBC("sigqueue", "iip", CK_SIGNAL, ERR_M1, -1),
	SYSONLY("rt_sigqueueinfo", "iip", CK_SIGNAL, SYS_rt_sigqueueinfo),
	SYSONLY("rt_tgsigqueueinfo", "iiip", CK_SIGNAL, SYS_rt_tgsigqueueinfo),
	LIBC("pthread_kill", "pi", CK_NONE, ERR_NUM, -1),
	LIBC("pidfd_open", "ix", CK_SIGNAL, ERR_M1, SYS_pidfd_open),
	LIBC("pidfd_send_signal", "fipx", CK_PIDFD, ERR_M1, SYS_pidfd_send_signal),
	LIBC("pidfd_getfd", "ffx", CK_PIDFD, ERR_M1, SYS_pidfd_getfd),
	LIBC("ptrace", "ixpp", CK_NONE, ERR_M1, SYS_ptrace),
	LIBC("process_vm_readv", "ipupux", CK_NONE, ERR_M1, SYS_process_vm_readv),
	LIBC("process_vm_writev", "ipupux", CK_NONE, ERR_M1, SYS_process_vm_writev),

	/* Time */
	LIBC("settimeofday", "pp", CK_NONE, ERR_M1, SYS_settimeofday),
	LIBC("clock_settime", "ip", CK_NONE, ERR_M1, SYS_clock_settime),
	LIBC("stime", "p", CK_NONE, ERR_M1, -1),
	LIBC("adjtime", "pp", CK_NONE, ERR_M1, -1),
	LIBC("adjtimex", "T", CK_TIMEX, ERR_M1, SYS_adjtimex),
	LIBC("ntp_adjtime", "T", CK_TIMEX, ERR_M1, -1),
	LIBC("clock_adjtime", "iT", CK_TIMEX, ERR_M1, SYS_clock_adjtime),

	/* Identity and privilege */
	LIBC("setuid", "i", CK_NONE, ERR_M1, SYS_setuid),
	LIBC("setgid", "i", CK_NONE, ERR_M1, SYS_setgid),
	LIBC("seteuid", "i", CK_NONE, ERR_M1, -1),
	LIBC("setegid", "i", CK_NONE, ERR_M1, -1),
	LIBC("setreuid", "ii", CK_NONE, ERR_M1, SYS_setreuid),
	LIBC("setregid", "ii", CK_NONE, ERR_M1, SYS_setregid),
	LIBC("setresuid", "iii", CK_NONE, ERR_M1, SYS_setresuid),
	LIBC("setresgid", "iii", CK_NONE, ERR_M1, SYS_setresgid),
	LIBC("setfsuid", "i", CK_NONE, ERR_M1, SYS_setfsuid),
	LIBC("setfsgid", "i", CK_NONE, ERR_M1, SYS_setfsgid),
	LIBC("setgroups", "up", CK_NONE, ERR_M1, SYS_setgroups),
	LIBC("capset", "pp", CK_NONE, ERR_M1, SYS_capset),
	LIBC("iopl", "i", CK_NONE, ERR_M1, NR(iopl)),
	LIBC("ioperm", "uui", CK_NONE, ERR_M1, NR(ioperm)),
	LIBC("add_key", "sspuf", CK_NONE, ERR_M1, SYS_add_key),
	SYSONLY("request_key", "sssi", CK_NONE, SYS_request_key),
	SYSONLY("keyctl", "ixxxx", CK_NONE, SYS_keyctl),

	/* File systems, namespaces, the machine */
	LIBC("mount", "sssxp", CK_NONE, ERR_M1, SYS_mount),
	LIBC("umount", "s", CK_NONE, ERR_M1, -1),
	LIBC("umount2", "si", CK_NONE, ERR_M1, SYS_umount2),
	LIBC("fsopen", "sx", CK_NONE, ERR_M1, SYS_fsopen),
	LIBC("fsmount", "fxx", CK_NONE, ERR_M1, SYS_fsmount),
	LIBC("move_mount", "fsfsx", CK_NONE, ERR_M1, SYS_move_mount),
	LIBC("open_tree", "fsx", CK_NONE, ERR_M1, SYS_open_tree),
	LIBC("pivot_root", "ss", CK_NONE, ERR_M1, SYS_pivot_root),
	LIBC("chroot", "s", CK_NONE, ERR_M1, SYS_chroot),
	LIBC("unshare", "x", CK_NONE, ERR_M1, SYS_unshare),
	LIBC("setns", "fx", CK_NONE, ERR_M1, SYS_setns),
	LIBC("acct", "s", CK_NONE, ERR_M1, SYS_acct),
	{.name = "reboot", .fmt = "x", .sysfmt = "xxxp", .check = CK_NONE, .err = ERR_M1,
	 .sysnr = SYS_reboot, .libc = true, .prog_arg = -1, .argv_arg = -1},
	LIBC("quotactl", "sxip", CK_NONE, ERR_M1, SYS_quotactl),
	LIBC("sethostname", "pu", CK_NONE, ERR_M1, SYS_sethostname),
	LIBC("setdomainname", "pu", CK_NONE, ERR_M1, SYS_setdomainname),
	LIBC("vhangup", "", CK_NONE, ERR_M1, SYS_vhangup),
	LIBC("init_module", "pus", CK_NONE, ERR_M1, SYS_init_module),
	LIBC("delete_module", "sx", CK_NONE, ERR_M1, SYS_delete_module),
	SYSONLY("finit_module", "fsx", CK_NONE, SYS_finit_module),
	SYSONLY("kexec_load", "uupx", CK_NONE, SYS_kexec_load),
	SYSONLY("kexec_file_load", "ffusx", CK_NONE, SYS_kexec_file_load),
	LIBC("swapon", "sx", CK_NONE, ERR_M1, SYS_swapon),
	LIBC("swapoff", "s", CK_NONE, ERR_M1, SYS_swapoff),
	SYSONLY("bpf", "ipu", CK_NONE, SYS_bpf),
	SYSONLY("open_by_handle_at", "fpx", CK_NONE, SYS_open_by_handle_at),
	SYSONLY("io_uring_setup", "up", CK_NONE, SYS_io_uring_setup),
	SYSONLY("io_uring_enter", "fuuxpu", CK_NONE, SYS_io_uring_enter),
	SYSONLY("io_uring_register", "fupu", CK_NONE, SYS_io_uring_register),

	/* The loader: code handed out at run time (mediated by module isolation). */
	LOADER("dlopen", "sx", true, false),
	LOADER("dlmopen", "isx", true, false),
	LOADER("dlsym", "ps", false, true),
	LOADER("dlvsym", "pss", false, true),

	/* The code page: the job may not unmap, remap or change it. */
	SELF("mprotect", "pux", SYS_mprotect),
	SELF("pkey_mprotect", "puxi", SYS_pkey_mprotect),
	SELF("munmap", "pu", SYS_munmap),
	SELF("madvise", "pui", SYS_madvise),
	SELF("mremap", "puuxp", SYS_mremap),
	SELF("mmap", "puxxfu", SYS_mmap),

	/* pysbx-trace's limits and scheduling: the job may change only its own. */
	TARGET("prlimit64", "iipp", SYS_prlimit64),
	TARGET("setpriority", "iii", SYS_setpriority),
	TARGET("ioprio_set", "iii", SYS_ioprio_set),
	TARGET("sched_setaffinity", "iup", SYS_sched_setaffinity),
	TARGET("sched_setscheduler", "iip", SYS_sched_setscheduler),
	TARGET("sched_setparam", "ip", SYS_sched_setparam),
	TARGET("sched_setattr", "ipx", SYS_sched_setattr),

	/* Reaching outside by other routes: always checked, not in the policy.
	 * The filter stops only the argument values that matter (backstop.c). */
	{.name = "fcntl", .fmt = "fxp", .check = CK_FOWNER, .err = ERR_M1, .sysnr = SYS_fcntl,
	 .prog_arg = -1, .argv_arg = -1, .selfprot = true},
	{.name = "ioctl", .fmt = "fxp", .check = CK_IOCTL, .err = ERR_M1, .sysnr = SYS_ioctl,
	 .prog_arg = -1, .argv_arg = -1, .selfprot = true},
	{.name = "seccomp", .fmt = "xxp", .check = CK_SECCOMP, .err = ERR_M1, .sysnr = SYS_seccomp,
	 .prog_arg = -1, .argv_arg = -1, .selfprot = true},
	{.name = "personality", .fmt = "x", .check = CK_PERSONA, .err = ERR_M1,
	 .sysnr = SYS_personality, .prog_arg = -1, .argv_arg = -1, .selfprot = true},
	{.name = "setpgid", .fmt = "ii", .check = CK_PGID, .err = ERR_M1, .sysnr = SYS_setpgid,
	 .prog_arg = -1, .argv_arg = -1, .selfprot = true},

	/* Set-user-ID and set-group-ID files: a job (root above all, which owns
	 * every system file) must not leave a privileged program for later.  The
	 * filter stops these only when the mode has a set-ID bit. */
	SETID("creat", "sm", SYS_creat),
	SETID("open", "som", SYS_open),
	SETID("openat", "fsom", SYS_openat),
	SETID("mknod", "smx", SYS_mknod),
	SETID("mknodat", "fsmx", SYS_mknodat),

	/* A file's mode, owner, extended attributes and times: Landlock's write
	 * set does not cover them, and a job owns files outside it (a root job
	 * every system file: chmod 666 /etc/passwd needs no capability).  Only a
	 * file in the write set may change (and never to a set-ID mode).  The
	 * filter stops every one of these. */
	META("chmod", "sm", SYS_chmod),
	META("fchmod", "fm", SYS_fchmod),
	META("fchmodat", "fsm", SYS_fchmodat),
	META("fchmodat2", "fsmx", 452),
	META("chown", "sii", SYS_chown),
	META("lchown", "sii", SYS_lchown),
	META("fchown", "fii", SYS_fchown),
	META("fchownat", "fsiix", SYS_fchownat),
	META("setxattr", "sspux", SYS_setxattr),
	META("lsetxattr", "sspux", SYS_lsetxattr),
	META("fsetxattr", "fspux", SYS_fsetxattr),
	META("removexattr", "ss", SYS_removexattr),
	META("lremovexattr", "ss", SYS_lremovexattr),
	META("fremovexattr", "fs", SYS_fremovexattr),
	META("utime", "sp", SYS_utime),
	META("utimes", "sp", SYS_utimes),
	META("futimesat", "fsp", SYS_futimesat),
	META("utimensat", "fspx", SYS_utimensat),

	/* Sockets of the families a job needs; the others (packet, alg, vsock,
	 * rds, tipc, can, bluetooth, ...) are raw access or kernel code few use. */
	{.name = "socket", .fmt = "iix", .check = CK_SOCKET, .err = ERR_M1, .sysnr = SYS_socket,
	 .prog_arg = -1, .argv_arg = -1, .selfprot = true},
	{.name = "socketpair", .fmt = "iixp", .check = CK_SOCKET, .err = ERR_M1,
	 .sysnr = SYS_socketpair, .prog_arg = -1, .argv_arg = -1, .selfprot = true},
	/* Where a socket sends: pinned in the stage where the job cannot change it
	 * (argpin.h), then judged: a named unix socket only of the job's own or on
	 * [files] connect. */
	SOCKADDR("connect", "fDi", SYS_connect),
	SOCKADDR("sendto", "fpuxDi", SYS_sendto),
	SOCKADDR("sendmsg", "fDx", SYS_sendmsg),
	SOCKADDR("sendmmsg", "fDux", SYS_sendmmsg),
	/* prctl: PR_SET_DUMPABLE 0 would lock an unprivileged monitor out of the
	 * job's memory; PR_SET_PTRACER and PR_SET_MM open the job to others. */
	{.name = "prctl", .fmt = "xxxxx", .check = CK_PRCTL, .err = ERR_M1, .sysnr = SYS_prctl,
	 .prog_arg = -1, .argv_arg = -1, .selfprot = true},
};

const size_t funcs_count = sizeof funcs / sizeof funcs[0];

/* Every imported name of every object is looked up here (python3.11 alone
 * imports over a thousand), so a linear strcmp over the table was most of
 * the monitor's start-up: an open-addressing hash of the names instead,
 * built on first use (the monitor is single-threaded). */
#define NAME_BUCKETS 512  /* a power of two, well over twice funcs_count */
_Static_assert(sizeof funcs / sizeof funcs[0] <= NAME_BUCKETS / 2, "name hash too full");

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;  /* FNV-1a */
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static const int16_t *name_index(void)
{
	static int16_t slot[NAME_BUCKETS];
	static bool built;
	if (!built) {
		for (size_t b = 0; b < NAME_BUCKETS; b++)
			slot[b] = -1;
		for (size_t i = 0; i < funcs_count; i++) {
			uint32_t b = name_hash(funcs[i].name) & (NAME_BUCKETS - 1);
			while (slot[b] >= 0)
				b = (b + 1) & (NAME_BUCKETS - 1);
			slot[b] = (int16_t)i;
		}
		built = true;
	}
	return slot;
}

int funcs_by_name(const char *name)
{
	const int16_t *slot = name_index();
	for (uint32_t b = name_hash(name) & (NAME_BUCKETS - 1); slot[b] >= 0;
	     b = (b + 1) & (NAME_BUCKETS - 1))
		if (strcmp(funcs[slot[b]].name, name) == 0)
			return slot[b];
	return -1;
}

int funcs_by_sysnr(long nr)
{
	if (nr < 0)
		return -1;
	for (size_t i = 0; i < funcs_count; i++)
		if (funcs[i].sysnr == nr)
			return (int)i;
	return -1;
}
