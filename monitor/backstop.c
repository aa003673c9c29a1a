/* backstop: the seccomp filter and its stops (see backstop.h). */
#include "monitor/backstop.h"

#include <errno.h>
#include <linux/fs.h>
#include <linux/fscrypt.h>
#include <linux/fsverity.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject/arch.h"
#include "inject/mem.h"
#include "monitor/args.h"
#include "monitor/backtrace.h"
#include "monitor/bpfgen.h"
#include "monitor/funcs.h"
#include "monitor/decide.h"
#include "monitor/log.h"
#include "monitor/argpin.h"
#include "monitor/surface.h"

#define FILTER_MAX (64u * 1024u)   /* bytes of BPF; ours is a few hundred */
#define BELOW_SP   16384u          /* where the filter is staged, inside the exec stack */

static int rule(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned n, const struct scmp_arg_cmp *c)
{
	return seccomp_rule_add_array(ctx, act, nr, n, c);
}

/* Any of the bits in mask set in argument i: one rule a bit (libseccomp takes
 * one comparison per argument in a rule). */
static int any_bit(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned i, uint64_t mask)
{
	int rc = 0;
	for (uint64_t b = 1; b && rc == 0; b <<= 1)
		if (mask & b) {
			struct scmp_arg_cmp c = {i, SCMP_CMP_MASKED_EQ, b, b};
			rc = rule(ctx, act, nr, 1, &c);
		}
	return rc;
}

/* --- the surface: which system calls run at all ----------------------------

 * One action per system call, whatever its arguments (so the kernel's cache
 * lets every always-allowed call through without running the filter):
 * allowed, stopped for the policy, or, by default, stopped and refused. */

/* Signals to the launched process itself need no stop: the GOT layer has
 * judged them, and the process cannot be replaced while the job lives (the
 * job ends with it), so its id cannot be reused by an outsider. */
static bool self_target(const char *name)
{
	return !strcmp(name, "kill") || !strcmp(name, "tgkill") ||
	       !strcmp(name, "rt_sigqueueinfo") || !strcmp(name, "rt_tgsigqueueinfo");
}

/* Whether a dangerous call's stops depend on its arguments: the surface lets
 * it through and the rules filter (below) stops what matters. */
static bool ruled(const struct func *f, enum action a, pid_t self)
{
	if (f->check == CK_TARGET)
		return strcmp(f->name, "sched_setscheduler") && strcmp(f->name, "sched_setattr");
	if (f->selfprot)
		return true;
	return a == ACT_CHECK && (!strcmp(f->name, "clone") || (self > 0 && self_target(f->name)));
}

/* socket and socketpair run for the families a job needs; any other stops
 * and is refused (decide.c, EAFNOSUPPORT), and netlink stops to have its
 * protocol judged. */
static void socket_families(struct bpfgen_table *t, int nr)
{
	struct bpfgen_arg0 *a = &t->arg0[t->n_arg0++];
	*a = (struct bpfgen_arg0){.nr = nr, .vals = {AF_UNIX, AF_INET, AF_INET6},
	                          .n_vals = 3, .match = SCMP_ACT_ALLOW,
	                          .otherwise = SCMP_ACT_TRACE(BACKSTOP_UNLISTED)};
}

static void set(struct bpfgen_table *t, long nr, uint32_t action)
{
	if (nr >= 0 && nr < BPFGEN_NR)
		t->action[nr] = action;
}

/* The surface as a table: number -> action. */
static void surface_table(struct bpfgen_table *t, const struct policy *p, pid_t self, bool audit)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	memset(t, 0, sizeof *t);
	t->arch = AUDIT_ARCH_X86_64;  /* the numbers are <sys/syscall.h>'s */
	t->badarch = SCMP_ACT_TRACE(BACKSTOP_BADARCH);
	t->beyond = SCMP_ACT_TRACE(BACKSTOP_UNLISTED);
	for (size_t nr = 0; nr < BPFGEN_NR; nr++)
		t->action[nr] = SCMP_ACT_TRACE(BACKSTOP_UNLISTED);
	for (size_t i = 0; i < surface_allowed_count; i++)
		set(t, surface_nr(&surface_allowed[i]), SCMP_ACT_ALLOW);
	for (size_t i = 0; i < funcs_count; i++) {
		const struct func *f = &funcs[i];
		enum action a = p->fn[i].action;
		if (f->sysnr < 0)
			continue;
		if (f->check == CK_SOCKET && t->n_arg0 < sizeof t->arg0 / sizeof t->arg0[0])
			socket_families(t, (int)f->sysnr);
		else if (f->check == CK_EXEC || (!f->selfprot && a == ACT_ALLOW) || ruled(f, a, self))
			set(t, f->sysnr, SCMP_ACT_ALLOW);  /* exec: judged at the exec stop */
		else if (a == ACT_CHECK && !strcmp(f->name, "clone3") && !audit)
			/* its flags are in memory, out of the filter's sight: glibc falls
			 * back to clone, whose flags the filter can see */
			set(t, f->sysnr, SCMP_ACT_ERRNO(ENOSYS));
		else
			set(t, f->sysnr, trace);
	}
	/* openat2's mode is in memory, out of the filter's sight, and a set-ID
	 * mode must stop (setid_rules): callers fall back to openat */
	if (!audit)
		set(t, SYS_openat2, SCMP_ACT_ERRNO(ENOSYS));
}

/* --- the rules: argument values that must stop ------------------------------

 * A second filter, allowing by default: it stops the calls the surface lets
 * through when their arguments matter.  Of two filters the stricter action
 * wins, so the rules need no complement.  Numbers the kernel reads as int
 * are compared on their low 32 bits, as the kernel will use them. */

/* clone: flags that escape the monitor or make namespaces, and a thread with
 * a descriptor table or working directory of its own (the monitor reads
 * both per process: decide.c's check_clone) */
static int clone_rules(scmp_filter_ctx ctx, int nr)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	int rc = any_bit(ctx, trace, nr, 0, CLONE_UNTRACED | CLONE_NEWNS | CLONE_NEWUTS |
	                 CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
	                 CLONE_NEWCGROUP);
	const uint64_t own[] = {CLONE_FILES, CLONE_FS};
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD | own[i],
		                                CLONE_THREAD);
		rc = rule(ctx, trace, nr, 1, &c);
	}
	return rc;
}

static int call_rules(scmp_filter_ctx ctx, const struct policy *p, pid_t self)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	int rc = 0;
	for (size_t i = 0; i < funcs_count && rc == 0; i++) {
		const struct func *f = &funcs[i];
		if (f->sysnr < 0 || f->selfprot || p->fn[i].action != ACT_CHECK)
			continue;
		if (!strcmp(f->name, "clone"))
			rc = clone_rules(ctx, (int)f->sysnr);
		else if (self > 0 && self_target(f->name)) {
			struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_NE, (scmp_datum_t)self);
			rc = rule(ctx, trace, (int)f->sysnr, 1, &c);
		}
	}
	return rc;
}

/* The code page sits low in the address space (below every library and the
 * stack), so "address below its end" catches every call that could touch it
 * while leaving the job's ordinary memory calls unstopped. */
static int memory_rules(scmp_filter_ctx ctx, uint64_t hi)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_MEMORY);
	const struct scmp_arg_cmp below = SCMP_A0(SCMP_CMP_LT, hi);
	const int plain[] = {SCMP_SYS(mprotect), SCMP_SYS(pkey_mprotect), SCMP_SYS(munmap),
	                     SCMP_SYS(madvise), SCMP_SYS(mremap)};
	int rc = 0;
	for (size_t i = 0; i < sizeof plain / sizeof plain[0] && rc == 0; i++)
		rc = rule(ctx, trace, plain[i], 1, &below);
	struct scmp_arg_cmp fixed[2] = {below, SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_FIXED, MAP_FIXED)};
	struct scmp_arg_cmp moved = SCMP_A3(SCMP_CMP_MASKED_EQ, MREMAP_FIXED, MREMAP_FIXED);
	if (rc == 0)
		rc = rule(ctx, trace, SCMP_SYS(mmap), 2, fixed);
	if (rc == 0)
		rc = rule(ctx, trace, SCMP_SYS(mremap), 1, &moved);
	return rc;
}

/* Limits and scheduling: a stop only when another process may be named.  A
 * process's own calls (pid 0, glibc's getrlimit, nice, os.sched_setaffinity(0))
 * run unstopped; naming itself by id costs a stop and is allowed.  Policy
 * changes always stop (the surface traces them): a real-time thread changes
 * how threads are resumed (pin.h). */
static int target_rules(scmp_filter_ctx ctx)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	const struct scmp_arg_cmp other = SCMP_A0(SCMP_CMP_NE, 0);
	const struct scmp_arg_cmp setting[2] = {other, SCMP_A2(SCMP_CMP_NE, 0)};
	const int by_pid[] = {SCMP_SYS(sched_setaffinity), SCMP_SYS(sched_setparam)};
	const struct scmp_arg_cmp not_self[][1] = {
		{SCMP_A0(SCMP_CMP_NE, PRIO_PROCESS)}, {SCMP_A1(SCMP_CMP_NE, 0)}};
	const struct scmp_arg_cmp io_not_self[][1] = {
		{SCMP_A0(SCMP_CMP_NE, IOPRIO_WHO_PROCESS)}, {SCMP_A1(SCMP_CMP_NE, 0)}};
	int rc = rule(ctx, trace, SCMP_SYS(prlimit64), 2, setting);  /* reading is harmless */
	for (size_t i = 0; i < sizeof by_pid / sizeof by_pid[0] && rc == 0; i++)
		rc = rule(ctx, trace, by_pid[i], 1, &other);
	for (size_t i = 0; i < 2 && rc == 0; i++)
		rc = rule(ctx, trace, SCMP_SYS(setpriority), 1, not_self[i]);
	for (size_t i = 0; i < 2 && rc == 0; i++)
		rc = rule(ctx, trace, SCMP_SYS(ioprio_set), 1, io_not_self[i]);
	return rc;
}

/* A mode with a set-ID bit, in every call that makes or changes a mode (the
 * mode's place: funcs.c's 'm'). */
static int setid_rules(scmp_filter_ctx ctx)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	int rc = 0;
	for (size_t i = 0; i < funcs_count && rc == 0; i++) {
		const char *m = funcs[i].check == CK_SETID ? strchr(funcs[i].fmt, 'm') : NULL;
		if (m)
			rc = any_bit(ctx, trace, (int)funcs[i].sysnr, (unsigned)(m - funcs[i].fmt),
			             S_ISUID | S_ISGID);
	}
	return rc;
}

/* A file's mode, owner, attributes and times: every such call stops (decide.c
 * judges the file against the write set), where a write set holds the job. */
/* Whether a Landlock write set holds the job: the metadata and socket rules
 * check what Landlock does not cover, and only mean something beside it. */
static bool write_set_holds(const struct monitor *m)
{
	return m->landlock && m->landlock->ruleset >= 0;
}

static int meta_rules(const struct monitor *m, scmp_filter_ctx ctx)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	int rc = 0;
	if (!write_set_holds(m))
		return 0;
	for (size_t i = 0; i < funcs_count && rc == 0; i++)
		if (funcs[i].check == CK_META)
			rc = rule(ctx, trace, (int)funcs[i].sysnr, 0, NULL);
	return rc;
}

/* Where a socket sends is pinned and judged (argpin.h): every connect,
 * sendmsg and sendmmsg, and sendto with an address. */
static int sock_rules(const struct monitor *m, scmp_filter_ctx ctx)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	const struct scmp_arg_cmp to = SCMP_A4(SCMP_CMP_NE, 0);
	const int all[] = {SCMP_SYS(connect), SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg)};
	int rc = 0;
	if (!write_set_holds(m))
		return 0;
	for (size_t i = 0; i < sizeof all / sizeof all[0] && rc == 0; i++)
		rc = rule(ctx, trace, all[i], 0, NULL);
	return rc == 0 ? rule(ctx, trace, SCMP_SYS(sendto), 1, &to) : rc;
}

/* Other routes out of the job (decide.c judges them): a SIGIO owner, input
 * pushed into a terminal, a filter that outranks pysbx's, a personality that
 * makes memory executable. */
static int route_rules(scmp_filter_ctx ctx)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	static const unsigned fcntl_cmds[] = {F_SETOWN, F_SETOWN_EX, F_SETSIG, F_NOTIFY, F_SETLEASE};
	/* (FS_IOC_SETFLAGS, FSSETXATTR, ENABLE_VERITY... are in the families below) */
	static const unsigned ioctls[] = {TIOCSTI, TIOCLINUX, TIOCCONS, TIOCSETD, TIOCSPGRP,
	                                  FIOSETOWN, SIOCSPGRP, FIOASYNC, TIOCSWINSZ, TIOCSIG,
	                                  FS_IOC_SETVERSION, FS_IOC32_SETVERSION,
	                                  FS_IOC_SET_ENCRYPTION_POLICY};
	const struct scmp_arg_cmp async_on[2] = {SCMP_A1_32(SCMP_CMP_EQ, F_SETFL),
	                                         SCMP_A2(SCMP_CMP_MASKED_EQ, O_ASYNC, O_ASYNC)};
	int rc = rule(ctx, trace, SCMP_SYS(fcntl), 2, async_on);
	for (size_t i = 0; i < sizeof fcntl_cmds / sizeof fcntl_cmds[0] && rc == 0; i++) {
		struct scmp_arg_cmp c = SCMP_A1_32(SCMP_CMP_EQ, fcntl_cmds[i]);
		rc = rule(ctx, trace, SCMP_SYS(fcntl), 1, &c);
	}
	for (size_t i = 0; i < sizeof ioctls / sizeof ioctls[0] && rc == 0; i++) {
		struct scmp_arg_cmp c = SCMP_A1_32(SCMP_CMP_EQ, ioctls[i]);
		rc = rule(ctx, trace, SCMP_SYS(ioctl), 1, &c);
	}
	/* the file systems' families, but for requests that only read (decide.c);
	 * the direction bits are x86_64's (asm-generic), the only architecture
	 * the filter allows */
	static const unsigned fs_types[] = {'f', 'X', 0x94, 0xf5};
	static const unsigned fs_dirs[] = {0, 1u << 30 /* _IOW */, 3u << 30 /* _IOWR */};
	for (size_t i = 0; i < 12 && rc == 0; i++) {
		struct scmp_arg_cmp c = SCMP_A1_32(SCMP_CMP_MASKED_EQ, 0xc000ff00u,
		                                   fs_dirs[i % 3] | fs_types[i / 3] << 8);
		rc = rule(ctx, trace, SCMP_SYS(ioctl), 1, &c);
	}
	if (rc == 0) {  /* vfat's FAT_IOCTL_SET_ATTRIBUTES, a chmod by descriptor */
		struct scmp_arg_cmp c = SCMP_A1_32(SCMP_CMP_EQ, 0x40047211u);
		rc = rule(ctx, trace, SCMP_SYS(ioctl), 1, &c);
	}
	/* the console's keyboard, fonts and virtual terminals: machine-wide */
	static const unsigned console[] = {0x4b00 /* KD*, PIO_* */, 0x5600 /* VT_* */};
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		struct scmp_arg_cmp c = SCMP_A1_32(SCMP_CMP_MASKED_EQ, 0xffffff00u, console[i]);
		rc = rule(ctx, trace, SCMP_SYS(ioctl), 1, &c);
	}
	if (rc == 0) {  /* a group named: joining one (funcs.c) */
		struct scmp_arg_cmp c = SCMP_A1_32(SCMP_CMP_NE, 0);
		rc = rule(ctx, trace, SCMP_SYS(setpgid), 1, &c);
	}
	if (rc == 0)
		rc = any_bit(ctx, trace, SCMP_SYS(seccomp), 1, SECCOMP_FILTER_FLAG_NEW_LISTENER);
	if (rc == 0)
		rc = any_bit(ctx, trace, SCMP_SYS(personality), 0, READ_IMPLIES_EXEC | MMAP_PAGE_ZERO);
	static const unsigned prctls[] = {PR_SET_DUMPABLE, PR_SET_PTRACER, PR_SET_MM};
	for (size_t i = 0; i < sizeof prctls / sizeof prctls[0] && rc == 0; i++) {
		struct scmp_arg_cmp c = SCMP_A0_32(SCMP_CMP_EQ, prctls[i]);
		rc = rule(ctx, trace, SCMP_SYS(prctl), 1, &c);
	}
	return rc == 0 ? setid_rules(ctx) : rc;
}

/* One filter as raw BPF, for writing into the job. */
static int export(scmp_filter_ctx ctx, void **bpf, size_t *len)
{
	int rc = 0, fd = memfd_create("pysbx-filter", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = seccomp_export_bpf(ctx, fd);
	off_t size = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
	if (rc == 0 && (size <= 0 || size > FILTER_MAX))
		rc = -E2BIG;
	if (rc == 0 && !(*bpf = malloc((size_t)size)))
		rc = -ENOMEM;
	if (rc == 0 && pread(fd, *bpf, (size_t)size, 0) != size) {
		free(*bpf);
		*bpf = NULL;
		rc = -EIO;
	}
	if (rc == 0)
		*len = (size_t)size;
	close(fd);
	return rc;
}

/* The surface filter (default: stop and refuse; a foreign architecture stops
 * too, and is refused there), compiled from its table (bpfgen.h). */
static int build_surface(const struct monitor *m, pid_t self, void **bpf, size_t *len)
{
	struct bpfgen_table *t = malloc(sizeof *t);
	struct sock_filter *prog = NULL;
	size_t n = 0;
	if (!t)
		return -ENOMEM;
	surface_table(t, m->policy, self, m->opt->audit);
	int rc = bpfgen_build(t, &prog, &n);
	free(t);
	if (rc == 0) {
		*bpf = prog;
		*len = n * sizeof *prog;
	}
	return rc;
}

/* The rules filter: argument values, the code page, the launched process. */
static int build_rules(const struct monitor *m, pid_t self, void **bpf, size_t *len)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = ctx ? 0 : -ENOMEM;
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = call_rules(ctx, m->policy, self);
	if (rc == 0)
		rc = target_rules(ctx);
	if (rc == 0)
		rc = route_rules(ctx);
	if (rc == 0)
		rc = meta_rules(m, ctx);
	if (rc == 0)
		rc = sock_rules(m, ctx);
	if (rc == 0 && m->cp_addr)
		rc = memory_rules(ctx, m->cp_addr + CODEPAGE_SIZE);
	if (rc == 0)
		rc = export(ctx, bpf, len);
	seccomp_release(ctx);
	return rc;
}

struct blob {
	void *bpf;
	size_t len;
};

/* Built once per run: the surface for the launched process and for others
 * (index: launched), the rules for the launched process's id and for
 * others. */
static struct {
	struct blob surface[2], rules[2];
	pid_t rules_self;
} made;

static int surface_for(const struct monitor *m, bool launched, const struct blob **out)
{
	struct blob *b = &made.surface[launched];
	if (!b->bpf) {
		int rc = build_surface(m, launched ? 1 : 0, &b->bpf, &b->len);
		if (rc < 0)
			return rc;
	}
	*out = b;
	return 0;
}

static int rules_for(const struct monitor *m, pid_t self, const struct blob **out)
{
	struct blob *b = &made.rules[self != 0];
	if (b->bpf && self != 0 && made.rules_self != self) {
		free(b->bpf);
		b->bpf = NULL;
	}
	if (!b->bpf) {
		int rc = build_rules(m, self, &b->bpf, &b->len);
		if (rc < 0)
			return rc;
		if (self != 0)
			made.rules_self = self;
	}
	*out = b;
	return 0;
}

const char *backstop_unavailable(void)
{
	uint32_t action = SECCOMP_RET_TRACE;
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0)
		return NULL;
	if (errno == ENOSYS)
		return "the kernel has no seccomp(2) (CONFIG_SECCOMP_FILTER), or a seccomp profile "
		       "refuses it: allow seccomp in the container's profile";
	if (errno == EOPNOTSUPP)
		return "the kernel cannot stop a system call for its tracer (SECCOMP_RET_TRACE)";
	if (errno == EPERM || errno == EACCES)
		return "a seccomp profile or a security module refuses seccomp(2): allow it";
	return strerror(errno);
}

void backstop_prepare(const struct monitor *m, pid_t self)
{
	const struct blob *b;
	/* a failure is met again at install */
	if (surface_for(m, true, &b) == 0)
		(void)rules_for(m, self, &b);
}

void backstop_free(void)
{
	for (size_t i = 0; i < 2; i++) {
		free(made.surface[i].bpf);
		free(made.rules[i].bpf);
		made.surface[i].bpf = made.rules[i].bpf = NULL;
	}
}

/* An injected system call: through the code page's gadget when the process
 * has one, else written over the code at the new image's entry (nothing else
 * runs in a process at its exec stop). */
static int inject(struct thread *th, int memfd, uint64_t gadget, long nr, const uint64_t a[6],
                  struct remote_result *res)
{
	int rc = gadget ? remote_syscall(th->tid, th->proc->tgid, gadget, nr, a, res)
	                : remote_syscall_at_pc(th->tid, th->proc->tgid, memfd, nr, a, res);
	if (rc == 0 && !res->died && res->ret < 0)
		rc = (int)res->ret;
	return rc;
}

/* Writes one filter below the stack pointer and installs it. */
static int install_one(struct thread *th, int memfd, uint64_t gadget, uint64_t *below,
                       const void *bpf, size_t len, struct remote_result *res)
{
	uint64_t at = (*below - len) & ~(uint64_t)15;
	struct sock_fprog prog;
	memset(&prog, 0, sizeof prog);  /* the padding after len goes into the job too */
	prog.len = (unsigned short)(len / sizeof(struct sock_filter));
	prog.filter = (struct sock_filter *)(uintptr_t)at;
	uint64_t progat = at - 16;
	*below = progat;
	int rc = mem_write(memfd, at, bpf, len);
	if (rc == 0)
		rc = mem_write(memfd, progat, &prog, sizeof prog);
	const uint64_t set[6] = {SECCOMP_SET_MODE_FILTER, 0, progat, 0, 0, 0};
	if (rc == 0)
		rc = inject(th, memfd, gadget, arch_nr_seccomp, set, res);
	return rc;
}

int backstop_install(struct monitor *m, struct thread *th, struct remote_result *res)
{
	struct aspace *as = th->proc->as;
	const struct blob *f[2] = {NULL, NULL};
	bool launched = th->proc->main;
	arch_regs r;
	memset(res, 0, sizeof *res);
	int memfd = aspace_memfd(as, th->tid);
	int rc = memfd < 0 ? memfd : arch_get_regs(th->tid, &r);
	if (rc == 0)
		rc = surface_for(m, launched, &f[0]);
	if (rc == 0)
		rc = rules_for(m, launched ? th->proc->tgid : 0, &f[1]);
	if (rc < 0)
		return rc;
	/* staged on the fresh exec stack, below everything the kernel put there */
	uint64_t below = arch_sp(&r) - BELOW_SP;
	uint64_t gadget = as->cp.base ? codepage_gadget(&as->cp) : 0;
	const uint64_t nnp[6] = {PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0};
	rc = inject(th, memfd, gadget, arch_nr_prctl, nnp, res);
	for (size_t i = 0; i < 2 && rc == 0 && !res->died; i++)
		rc = install_one(th, memfd, gadget, &below, f[i]->bpf, f[i]->len, res);
	return rc;
}

/* --- stops ------------------------------------------------------------------ */

/* The caller of a stopped system call: the object holding the instruction
 * pointer when it is untrusted (a raw system call in its own code).  Trusted
 * code there is a system-call wrapper (libc's kill(), syscall()): the call
 * is made for the untrusted objects above it on the stack, which
 * backtrace_attribute finds, not for libc. */
static const struct object *fill(struct call *c, const struct thread *th, int fid,
                                 const arch_regs *r)
{
	const struct object *o = backtrace_object_at(th->proc->as, arch_pc(r));
	memset(c, 0, sizeof *c);
	c->layer = LAYER_SYSCALL;
	c->func = fid;
	c->outer = -1;
	c->pid = th->proc->tgid;
	c->tid = th->tid;
	if (o && o->trusted)
		o = NULL;
	c->object = o ? o->path : NULL;
	return o;
}

static void deny(pid_t tid, arch_regs *r, long err)
{
	arch_set_syscall_nr(r, -1);  /* skipped: the kernel returns what we leave here */
	arch_set_retval(r, (uint64_t)-err);
	arch_set_regs(tid, r);
}

static void bad_arch(struct monitor *m, struct thread *th, arch_regs *r)
{
	log_note("pid %d: denied a 32-bit or x32 system call (number %ld)",
	         (int)th->proc->tgid, arch_syscall_nr(r));
	m->n_calls++;
	if (!m->opt->audit) {
		m->n_denied++;
		deny(th->tid, r, ENOSYS);
	}
}

/* A system call off the allow-list: refused with ENOSYS (as a kernel without
 * it would), said once per call number. */
static void unlisted(struct monitor *m, struct thread *th, arch_regs *r, long nr)
{
	static unsigned char said[1024];
	char buf[32];
	const char *name = surface_name(nr, buf);
	bool enforce = !m->opt->audit;
	m->n_calls++;
	if (nr < 0 || nr >= (long)sizeof said * 8 || !(said[nr / 8] & (1u << (nr % 8)))) {
		if (nr >= 0 && nr < (long)sizeof said * 8)
			said[nr / 8] |= (unsigned char)(1u << (nr % 8));
		log_note("pid %d: %s system call %s (%ld): not on pysbx's allow-list%s",
		         (int)th->proc->tgid, enforce ? "denied" : "would deny", name, nr,
		         enforce ? "" : " (audit: allowed)");
		log_syscall(th->proc->tgid, nr, name, enforce);
	}
	if (enforce) {
		m->n_denied++;
		deny(th->tid, r, ENOSYS);
	}
}

/* What a stop pinned (argpin.h): the rc, and the copies the decision reads. */
struct pinned {
	int rc;            /* 1 pinned, 0 nothing, or the negative errno */
	char **dests;      /* socket calls: the named unix sockets */
	size_t n_dests;
	char *path;        /* metadata calls: the path */
	int path_arg;
	uint64_t value_at; /* fcntl, ioctl: where the value the check reads is */
	int value_arg;
};

/* Whether a call's memory arguments are pinned (not in audit mode). */
static bool pins(const struct monitor *m, int fid, const arch_regs *r)
{
	return !m->opt->audit && (funcs[fid].check == CK_SOCKADDR ||
	                          (funcs[fid].check == CK_META && decide_meta_path(fid) >= 0) ||
	                          decide_owner_arg(fid, arch_syscall_arg(r, 1)) > 0);
}

static void pin_args(const struct monitor *m, struct thread *th, arch_regs *r, int fid,
                     struct pinned *p)
{
	bool pin = !m->opt->audit;  /* audit: read, not pinned (nothing the job sees changes) */
	size_t value_size = decide_owner_arg(fid, arch_syscall_arg(r, 1));
	memset(p, 0, sizeof *p);
	p->path_arg = p->value_arg = -1;
	if (funcs[fid].check == CK_SOCKADDR)
		p->rc = argpin_socket(th, r, fid, pin, &p->dests, &p->n_dests);
	else if (funcs[fid].check == CK_META && (p->path_arg = decide_meta_path(fid)) >= 0)
		p->rc = argpin_path(th, r, (unsigned)p->path_arg, pin, &p->path);
	else if (value_size > 0 && (p->rc = argpin_value(th, r, 2, value_size, pin,
	                                                 &p->value_at)) > 0)
		p->value_arg = 2;
}

/* The copies go into the decoded call (which frees them), in place of what
 * was read from the job's memory; without a call to take them, freed. */
static void put_pinned(struct call *c, struct pinned *p)
{
	for (size_t i = 0; c && p->dests && i < c->nargs; i++)
		if (c->a[i].fmt == 'D' && !c->a[i].vec) {
			c->a[i].vec = p->dests;
			c->a[i].n = p->n_dests;
			p->dests = NULL;
		}
	if (c && p->value_arg >= 0 && (size_t)p->value_arg < c->nargs)
		c->a[p->value_arg].raw = p->value_at;  /* the check reads the copy */
	if (c && p->path && p->path_arg >= 0 && (size_t)p->path_arg < c->nargs) {
		struct call_arg *a = &c->a[p->path_arg];
		free(a->str);
		a->str = p->path;
		a->err = 0;
		p->path = NULL;
	}
	for (size_t i = 0; p->dests && i < p->n_dests; i++)
		free(p->dests[i]);
	free(p->dests);
	free(p->path);
	p->dests = NULL;
	p->path = NULL;
}

static void decide_stop(struct monitor *m, struct thread *th, arch_regs *r, int fid)
{
	struct call c;
	struct decision d = {0};
	struct pinned pin;
	const arch_regs job = *r;  /* the registers as the job made the call */
	const struct object *caller = fill(&c, th, fid, r);
	if (!strcmp(funcs[fid].name, "sched_setscheduler") || !strcmp(funcs[fid].name, "sched_setattr"))
		pin_job_realtime();
	/* what the job's memory says is copied where the job cannot change it,
	 * first: the decision reads that copy, and so will the kernel.  A
	 * process's first such call maps the stage, then comes back. */
	if (pins(m, fid, r) && argpin_stage(th, r, argpin_base(m->cp_addr))) {
		if (arch_set_regs(th->tid, r) == 0) {
			th->pin_active = true;
			pin_cont_to_exit(th->tid);
		}
		call_release(&c);
		return;
	}
	pin_args(m, th, r, fid, &pin);
	if (pin.rc < 0) {
		d.verdict = V_DENY;
		d.err = -pin.rc;
		snprintf(d.why, sizeof d.why, "its arguments cannot be pinned (%s)", strerror(-pin.rc));
	} else if (args_decode(&c, th->tid, &job) < 0) {  /* logged as the job made it */
		d.verdict = V_DENY;
		strcpy(d.why, "out of memory reading the arguments");
	} else {
		put_pinned(&c, &pin);
		backtrace_attribute(th, r, false, m->policy, caller, &c);
		monitor_decide(m, &c, &d);
		if (pin.value_arg >= 0)  /* logged with the job's own pointer */
			c.a[pin.value_arg].raw = arch_syscall_arg(&job, (unsigned)pin.value_arg);
	}
	put_pinned(NULL, &pin);
	if (m->opt->backtrace)
		backtrace_collect(th, r, false, &c);
	m->n_calls++;
	bool enforce = !m->opt->audit;
	if (d.verdict != V_ALLOW && enforce)
		m->n_denied++;
	log_call(&c, &d, enforce);
	call_release(&c);
	if (d.verdict == V_KILL && enforce) {
		monitor_end_job(m, "the policy ended the job");
		return;
	}
	arch_regs back = job;
	if (d.verdict == V_DENY && enforce)
		deny(th->tid, &back, decision_errno(&d));
	else if (pin.rc > 0) {  /* runs on the copy; its exit stop puts the job's registers back */
		if (arch_set_regs(th->tid, r) == 0) {
			th->pin_active = true;
			pin_cont_to_exit(th->tid);
		}
		return;
	}
	pin_cont(th->tid, 0);
}

void backstop_exit(struct monitor *m, struct thread *th)
{
	(void)m;
	if (th->pin_active)
		argpin_exit(th);
	pin_cont(th->tid, 0);
}

/* What stopped is asked of the kernel, not taken from the filter's data: a
 * filter of the job's own, installed later, runs first and its data wins
 * among equal actions, so the data may be anything the job chose.  The
 * decision rests on the architecture and the number alone. */
void backstop_stop(struct monitor *m, struct thread *th)
{
	uint32_t audit_arch = 0;
	long nr = -1;
	arch_regs r;
	if (arch_get_regs(th->tid, &r) < 0)
		return;  /* gone */
	if (arch_seccomp_stop(th->tid, &audit_arch, &nr) < 0) {
		/* unknown: no decision to make it with, so no */
		deny(th->tid, &r, ENOSYS);
		pin_cont(th->tid, 0);
		return;
	}
	if (!arch_syscall_native(audit_arch, nr)) {
		bad_arch(m, th, &r);
		pin_cont(th->tid, 0);
		return;
	}
	int fid = funcs_by_sysnr(nr);
	if (fid >= 0) {
		decide_stop(m, th, &r, fid);
		return;
	}
	if (!surface_is_allowed(nr))
		unlisted(m, th, &r, nr);  /* else: a filter of the job's stopped an allowed call */
	pin_cont(th->tid, 0);
}
