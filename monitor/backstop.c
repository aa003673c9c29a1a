/* backstop: the seccomp filter and its stops (see backstop.h). */
#include "monitor/backstop.h"

#include <errno.h>
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
#include "monitor/funcs.h"
#include "monitor/log.h"
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
 * and is refused (decide.c, EAFNOSUPPORT). */
static int socket_families(scmp_filter_ctx ctx, int nr)
{
	static const unsigned families[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};
	int rc = 0;
	for (size_t i = 0; i < sizeof families / sizeof families[0] && rc == 0; i++) {
		struct scmp_arg_cmp c = SCMP_A0_32(SCMP_CMP_EQ, families[i]);
		rc = rule(ctx, SCMP_ACT_ALLOW, nr, 1, &c);
	}
	return rc;
}

static int surface_rules(scmp_filter_ctx ctx, const struct policy *p, pid_t self, bool audit)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	int rc = 0;
	for (size_t i = 0; i < surface_allowed_count && rc == 0; i++) {
		int nr = surface_nr(&surface_allowed[i]);
		if (nr >= 0 && funcs_by_sysnr(nr) < 0)  /* those are below */
			rc = rule(ctx, SCMP_ACT_ALLOW, nr, 0, NULL);
	}
	for (size_t i = 0; i < funcs_count && rc == 0; i++) {
		const struct func *f = &funcs[i];
		enum action a = p->fn[i].action;
		if (f->sysnr < 0)
			continue;
		if (f->check == CK_SOCKET)
			rc = socket_families(ctx, (int)f->sysnr);
		else if (f->check == CK_EXEC || (!f->selfprot && a == ACT_ALLOW) || ruled(f, a, self))
			rc = rule(ctx, SCMP_ACT_ALLOW, (int)f->sysnr, 0, NULL);  /* exec: the exec stop */
		else if (a == ACT_CHECK && !strcmp(f->name, "clone3") && !audit)
			/* its flags are in memory, out of the filter's sight: glibc falls
			 * back to clone, whose flags the filter can see */
			rc = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), (int)f->sysnr, 0, NULL);
		else
			rc = rule(ctx, trace, (int)f->sysnr, 0, NULL);
	}
	return rc;
}

/* --- the rules: argument values that must stop ------------------------------

 * A second filter, allowing by default: it stops the calls the surface lets
 * through when their arguments matter.  Of two filters the stricter action
 * wins, so the rules need no complement.  Numbers the kernel reads as int
 * are compared on their low 32 bits, as the kernel will use them. */

static int call_rules(scmp_filter_ctx ctx, const struct policy *p, pid_t self)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	int rc = 0;
	for (size_t i = 0; i < funcs_count && rc == 0; i++) {
		const struct func *f = &funcs[i];
		if (f->sysnr < 0 || f->selfprot || p->fn[i].action != ACT_CHECK)
			continue;
		if (!strcmp(f->name, "clone"))
			rc = any_bit(ctx, trace, (int)f->sysnr, 0, CLONE_UNTRACED | CLONE_NEWNS |
			             CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
			             CLONE_NEWNET | CLONE_NEWCGROUP);
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

/* Other routes out of the job (decide.c judges them): a SIGIO owner, input
 * pushed into a terminal, a filter that outranks pysbx's, a personality that
 * makes memory executable. */
static int route_rules(scmp_filter_ctx ctx)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	static const unsigned fcntl_cmds[] = {F_SETOWN, F_SETOWN_EX};
	static const unsigned ioctls[] = {TIOCSTI, TIOCLINUX, TIOCCONS, TIOCSETD, TIOCSPGRP,
	                                  FIOSETOWN, SIOCSPGRP};
	int rc = 0;
	for (size_t i = 0; i < sizeof fcntl_cmds / sizeof fcntl_cmds[0] && rc == 0; i++) {
		struct scmp_arg_cmp c = SCMP_A1_32(SCMP_CMP_EQ, fcntl_cmds[i]);
		rc = rule(ctx, trace, SCMP_SYS(fcntl), 1, &c);
	}
	for (size_t i = 0; i < sizeof ioctls / sizeof ioctls[0] && rc == 0; i++) {
		struct scmp_arg_cmp c = SCMP_A1_32(SCMP_CMP_EQ, ioctls[i]);
		rc = rule(ctx, trace, SCMP_SYS(ioctl), 1, &c);
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

/* The two filters: the surface (default: stop and refuse; a foreign
 * architecture stops too, and is refused there) and the rules. */
static int build(const struct monitor *m, pid_t self, void *bpf[2], size_t len[2])
{
	scmp_filter_ctx surface = seccomp_init(SCMP_ACT_TRACE(BACKSTOP_UNLISTED));
	scmp_filter_ctx rules = seccomp_init(SCMP_ACT_ALLOW);
	int rc = surface && rules ? 0 : -ENOMEM;
	if (rc == 0)
		rc = seccomp_attr_set(surface, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRACE(BACKSTOP_BADARCH));
	if (rc == 0)
		rc = seccomp_attr_set(rules, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	/* a binary tree of system call numbers rather than a chain */
	if (rc == 0)
		rc = seccomp_attr_set(surface, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = seccomp_attr_set(rules, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = surface_rules(surface, m->policy, self, m->opt->audit);
	if (rc == 0)
		rc = call_rules(rules, m->policy, self);
	if (rc == 0)
		rc = target_rules(rules);
	if (rc == 0)
		rc = route_rules(rules);
	if (rc == 0 && m->cp_addr)
		rc = memory_rules(rules, m->cp_addr + CODEPAGE_SIZE);
	if (rc == 0)
		rc = export(surface, &bpf[0], &len[0]);
	if (rc == 0 && (rc = export(rules, &bpf[1], &len[1])) < 0) {
		free(bpf[0]);
		bpf[0] = NULL;
	}
	seccomp_release(surface);
	seccomp_release(rules);
	return rc;
}

/* The filters depend only on the policy, the code page's address (both fixed
 * for the run) and the launched process's id (which may signal itself, see
 * call_rules), so each of the two kinds is built once per run; the first is
 * built while the job's first exec runs (backstop_prepare). */
static struct made {
	pid_t self;
	void *bpf[2];
	size_t len[2];
} made[2];

static int filters_for(const struct monitor *m, pid_t self, struct made **out)
{
	struct made *f = &made[self != 0];
	if (!f->bpf[0] || f->self != self) {
		for (size_t i = 0; i < 2; i++) {
			free(f->bpf[i]);
			f->bpf[i] = NULL;
		}
		int rc = build(m, self, f->bpf, f->len);
		if (rc < 0)
			return rc;
		f->self = self;
	}
	*out = f;
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
	struct made *f;
	(void)filters_for(m, self, &f);  /* a failure is met again at install */
}

void backstop_free(void)
{
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < 2; i++) {
			free(made[k].bpf[i]);
			made[k].bpf[i] = NULL;
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
	struct made *f = NULL;
	arch_regs r;
	memset(res, 0, sizeof *res);
	int memfd = aspace_memfd(as, th->tid);
	int rc = memfd < 0 ? memfd : arch_get_regs(th->tid, &r);
	if (rc == 0)
		rc = filters_for(m, th->proc->main ? th->proc->tgid : 0, &f);
	if (rc < 0)
		return rc;
	/* staged on the fresh exec stack, below everything the kernel put there */
	uint64_t below = arch_sp(&r) - BELOW_SP;
	uint64_t gadget = as->cp.base ? codepage_gadget(&as->cp) : 0;
	const uint64_t nnp[6] = {PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0};
	rc = inject(th, memfd, gadget, arch_nr_prctl, nnp, res);
	for (size_t i = 0; i < 2 && rc == 0 && !res->died; i++)
		rc = install_one(th, memfd, gadget, &below, f->bpf[i], f->len[i], res);
	return rc;
}

/* --- stops ------------------------------------------------------------------ */

static void fill(struct call *c, const struct thread *th, int fid)
{
	memset(c, 0, sizeof *c);
	c->layer = LAYER_SYSCALL;
	c->func = fid;
	c->outer = -1;
	c->pid = th->proc->tgid;
	c->tid = th->tid;
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

static void decide_stop(struct monitor *m, struct thread *th, arch_regs *r, int fid)
{
	struct call c;
	struct decision d = {0};
	fill(&c, th, fid);
	if (!strcmp(funcs[fid].name, "sched_setscheduler") || !strcmp(funcs[fid].name, "sched_setattr"))
		pin_job_realtime();
	if (args_decode(&c, th->tid, r) < 0) {
		d.verdict = V_DENY;
		strcpy(d.why, "out of memory reading the arguments");
	} else
		monitor_decide(m, &c, &d);
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
	if (d.verdict == V_DENY && enforce)
		deny(th->tid, r, decision_errno(&d));
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
