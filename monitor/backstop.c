/* backstop: the seccomp filter and its stops (see backstop.h). */
#include "monitor/backstop.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject/arch.h"
#include "inject/mem.h"
#include "monitor/args.h"
#include "monitor/backtrace.h"
#include "monitor/funcs.h"
#include "monitor/log.h"

#define FILTER_MAX (64u * 1024u)   /* bytes of BPF; ours is a few hundred */
#define BELOW_SP   16384u          /* where the filter is staged, inside the exec stack */

static int rule(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned n, const struct scmp_arg_cmp *c)
{
	return seccomp_rule_add_array(ctx, act, nr, n, c);
}

/* Signals to the launched process itself need no stop: the GOT layer has
 * judged them, and the process cannot be replaced while the job lives (the
 * job ends with it), so its id cannot be reused by an outsider. */
static bool self_target(const char *name)
{
	return !strcmp(name, "kill") || !strcmp(name, "tgkill") ||
	       !strcmp(name, "rt_sigqueueinfo") || !strcmp(name, "rt_tgsigqueueinfo");
}

static int call_rules(scmp_filter_ctx ctx, const struct policy *p, pid_t self)
{
	const uint32_t trace = SCMP_ACT_TRACE(BACKSTOP_CALL);
	int rc = 0;
	for (size_t i = 0; i < funcs_count && rc == 0; i++) {
		const struct func *f = &funcs[i];
		if (f->sysnr < 0 || f->selfprot || f->check == CK_EXEC ||
		    p->fn[i].action == ACT_ALLOW)
			continue;
		bool check = p->fn[i].action == ACT_CHECK;
		if (check && !strcmp(f->name, "clone3")) {
			/* its flags are in memory, out of the filter's sight: glibc falls
			 * back to clone, whose flags the filter can see */
			rc = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), (int)f->sysnr, 0, NULL);
		} else if (check && !strcmp(f->name, "clone")) {
			struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_UNTRACED, CLONE_UNTRACED);
			rc = rule(ctx, trace, (int)f->sysnr, 1, &c);
		} else if (check && self > 0 && self_target(f->name)) {
			struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_NE, (scmp_datum_t)self);
			rc = rule(ctx, trace, (int)f->sysnr, 1, &c);
		} else
			rc = rule(ctx, trace, (int)f->sysnr, 0, NULL);
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
	struct scmp_arg_cmp shm[2] = {SCMP_A1(SCMP_CMP_LT, hi),
	                              SCMP_A2(SCMP_CMP_MASKED_EQ, SHM_REMAP, SHM_REMAP)};
	if (rc == 0)
		rc = rule(ctx, trace, SCMP_SYS(mmap), 2, fixed);
	if (rc == 0)
		rc = rule(ctx, trace, SCMP_SYS(mremap), 1, &moved);
	if (rc == 0)
		rc = rule(ctx, trace, SCMP_SYS(shmat), 2, shm);
	return rc;
}

/* Limits and scheduling: a stop only when another process may be named.  A
 * process's own calls (pid 0, glibc's getrlimit, nice, os.sched_setaffinity(0))
 * run unstopped, but for policy changes; naming itself by id costs a stop
 * and is allowed. */
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
	/* a policy change always: a real-time thread changes how threads are
	 * resumed (pin.h); rare calls */
	if (rc == 0)
		rc = rule(ctx, trace, SCMP_SYS(sched_setscheduler), 0, NULL);
	if (rc == 0)
		rc = rule(ctx, trace, SCMP_SYS(sched_setattr), 0, NULL);
	for (size_t i = 0; i < 2 && rc == 0; i++)
		rc = rule(ctx, trace, SCMP_SYS(setpriority), 1, not_self[i]);
	for (size_t i = 0; i < 2 && rc == 0; i++)
		rc = rule(ctx, trace, SCMP_SYS(ioprio_set), 1, io_not_self[i]);
	return rc;
}

/* The filter as raw BPF, for writing into the job. */
static int build(const struct monitor *m, pid_t self, void **bpf, size_t *len)
{
	int rc = -ENOMEM, fd = -1;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	/* 32-bit and x32 system calls are stopped too and denied there */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRACE(BACKSTOP_BADARCH));
	if (rc == 0)
		rc = call_rules(ctx, m->policy, self);
	if (rc == 0)
		rc = target_rules(ctx);
	if (rc == 0 && m->cp_addr)
		rc = memory_rules(ctx, m->cp_addr + CODEPAGE_SIZE);
	if (rc == 0 && (fd = memfd_create("pysbx-filter", MFD_CLOEXEC)) < 0)
		rc = -errno;
	if (rc == 0)
		rc = seccomp_export_bpf(ctx, fd);
	off_t size = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
	if (rc == 0 && (size <= 0 || size > FILTER_MAX))
		rc = -E2BIG;
	if (rc == 0 && !(*bpf = malloc((size_t)size)))
		rc = -ENOMEM;
	if (rc == 0 && pread(fd, *bpf, (size_t)size, 0) != size) {
		free(*bpf);
		rc = -EIO;
	}
	if (rc == 0)
		*len = (size_t)size;
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return rc;
}

/* A filter depends only on the policy, the code page's address (both fixed
 * for the run) and the launched process's id (which may signal itself, see
 * call_rules), so each of the two kinds is built once per run; the first is
 * built while the job's first exec runs (backstop_prepare). */
static struct made {
	pid_t self;
	void *bpf;
	size_t len;
} made[2];

static int filter_for(const struct monitor *m, pid_t self, const void **bpf, size_t *len)
{
	struct made *f = &made[self != 0];
	if (!f->bpf || f->self != self) {
		free(f->bpf);
		f->bpf = NULL;
		int rc = build(m, self, &f->bpf, &f->len);
		if (rc < 0)
			return rc;
		f->self = self;
	}
	*bpf = f->bpf;
	*len = f->len;
	return 0;
}

void backstop_prepare(const struct monitor *m, pid_t self)
{
	const void *bpf;
	size_t len;
	(void)filter_for(m, self, &bpf, &len);  /* a failure is met again at install */
}

void backstop_free(void)
{
	for (size_t i = 0; i < 2; i++) {
		free(made[i].bpf);
		made[i].bpf = NULL;
	}
}

static int inject(struct thread *th, uint64_t gadget, long nr, const uint64_t a[6],
                  struct remote_result *res)
{
	int rc = remote_syscall(th->tid, th->proc->tgid, gadget, nr, a, res);
	if (rc == 0 && !res->died && res->ret < 0)
		rc = (int)res->ret;
	return rc;
}

int backstop_install(struct monitor *m, struct thread *th, struct remote_result *res)
{
	struct aspace *as = th->proc->as;
	const void *bpf = NULL;
	size_t len = 0;
	arch_regs r;
	memset(res, 0, sizeof *res);
	int memfd = aspace_memfd(as, th->tid);
	int rc = memfd < 0 ? memfd : arch_get_regs(th->tid, &r);
	if (rc == 0)
		rc = filter_for(m, th->proc->main ? th->proc->tgid : 0, &bpf, &len);
	if (rc < 0)
		return rc;
	/* staged on the fresh exec stack, below everything the kernel put there */
	uint64_t at = (arch_sp(&r) - BELOW_SP - len) & ~(uint64_t)15;
	struct sock_fprog prog;
	memset(&prog, 0, sizeof prog);  /* the padding after len goes into the job too */
	prog.len = (unsigned short)(len / sizeof(struct sock_filter));
	prog.filter = (struct sock_filter *)(uintptr_t)at;
	uint64_t progat = at - 16;
	rc = mem_write(memfd, at, bpf, len);
	if (rc == 0)
		rc = mem_write(memfd, progat, &prog, sizeof prog);
	if (rc < 0)
		return rc;
	const uint64_t nnp[6] = {PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0};
	const uint64_t set[6] = {SECCOMP_SET_MODE_FILTER, 0, progat, 0, 0, 0};
	rc = inject(th, codepage_gadget(&as->cp), arch_nr_prctl, nnp, res);
	if (rc == 0 && !res->died)
		rc = inject(th, codepage_gadget(&as->cp), arch_nr_seccomp, set, res);
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

void backstop_stop(struct monitor *m, struct thread *th)
{
	unsigned long data = 0;
	arch_regs r;
	struct call c;
	struct decision d = {0};
	if (ptrace(PTRACE_GETEVENTMSG, th->tid, 0, &data) < 0 || arch_get_regs(th->tid, &r) < 0)
		return;  /* gone */
	if (data == BACKSTOP_BADARCH) {
		bad_arch(m, th, &r);
		ptrace(PTRACE_CONT, th->tid, 0, 0);
		return;
	}
	int fid = funcs_by_sysnr(arch_syscall_nr(&r));
	if (fid < 0) {
		/* the filter and the table disagree: nothing to decide with, so no */
		log_note("pid %d: denied system call %ld: not in pysbx's table",
		         (int)th->tid, arch_syscall_nr(&r));
		deny(th->tid, &r, ENOSYS);
		pin_cont(th->tid, 0);
		return;
	}
	fill(&c, th, fid);
	if (!strcmp(funcs[fid].name, "sched_setscheduler") || !strcmp(funcs[fid].name, "sched_setattr"))
		pin_job_realtime();
	if (args_decode(&c, th->tid, &r) < 0) {
		d.verdict = V_DENY;
		strcpy(d.why, "out of memory reading the arguments");
	} else
		monitor_decide(m, &c, &d);
	if (m->opt->backtrace)
		backtrace_collect(th, &r, false, &c);
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
		deny(th->tid, &r, EPERM);
	pin_cont(th->tid, 0);
}
