/* calls: GOT-layer traps (see calls.h). */
#include "monitor/calls.h"

#include <errno.h>
#include <string.h>
#include <wordexp.h>

#include "inject/mem.h"
#include "monitor/args.h"
#include "monitor/backtrace.h"
#include "monitor/decide.h"
#include "monitor/funcs.h"
#include "monitor/loader.h"
#include "monitor/log.h"

bool calls_is_trap(const struct thread *th, uint64_t pc)
{
	return th->proc && th->proc->as && codepage_trap_index(&th->proc->as->cp, pc) >= 0;
}

/* Makes the call fail the way the function reports failure. */
static int deny(const struct aspace *as, pid_t tid, arch_regs *r, const struct func *f, int err)
{
	uint64_t ret;
	uint64_t value = f->err == ERR_NULL ? 0 : f->err == ERR_NUM ? (uint64_t)err
	               : f->err == ERR_WRDE ? WRDE_CMDSUB : (uint64_t)-1;
	if ((f->err == ERR_M1 || f->err == ERR_NULL) && as->errno_fn) {
		arch_deny_with_errno(r, codepage_deny(&as->cp), value, err);
		return 0;
	}
	int rc = mem_read_word(tid, arch_return_slot(r), &ret);
	if (rc < 0)
		return rc;
	arch_return_to(r, ret, value);
	return 0;
}

static void fill_call(struct call *c, const struct thread *th, const struct got_slot *s)
{
	const struct aspace *as = th->proc->as;
	memset(c, 0, sizeof *c);
	c->layer = LAYER_GOT;
	c->func = (int)s->func;
	c->outer = -1;
	c->pid = th->proc->tgid;
	c->tid = th->tid;
	c->object = s->object < as->n_objs ? as->objs[s->object].path : NULL;
	c->handed_out = !s->addr;
	c->object_trusted = s->object < as->n_objs && as->objs[s->object].trusted;
}

/* An allowed execve/execv through a fast entry: its path may go straight to
 * the real function next time (codepage.h).  Not when every call is to be
 * reported (-v) or traced (-b), nor for a program the verdict of which
 * depends on its arguments.  A path not recorded just stops again. */
static void remember_exec(struct monitor *m, struct thread *th, const struct got_slot *s,
                          const struct call *c)
{
	const struct func *f = &funcs[c->func];
	/* a path allowed here must not go straight on when a [module] rule may
	 * judge the same path from another stack */
	if (!s->fast || c->outer >= 0 || m->opt->verbose || m->opt->backtrace || !c->has_prog ||
	    f->prog_arg < 0 || !c->a[f->prog_arg].str ||
	    policy_module_names(m->policy, c->func) || !decide_program_plain(m->policy, &c->prog))
		return;
	int memfd = aspace_memfd(th->proc->as, th->tid);
	if (memfd >= 0)
		(void)codepage_cache_exec(memfd, &th->proc->as->cp, c->a[f->prog_arg].str);
}

static int apply(struct monitor *m, struct thread *th, arch_regs *r, const struct got_slot *s,
                 const struct call *c, struct decision *d)
{
	bool enforce = !m->opt->audit;
	if (d->verdict == V_ALLOW && !s->target) {
		d->verdict = V_DENY;
		strcpy(d->why, "the real function could not be resolved");
	}
	if (d->verdict == V_ALLOW || !enforce) {
		if (!s->target)
			return deny(th->proc->as, th->tid, r, &funcs[c->outer >= 0 ? c->outer : c->func],
			            EPERM);
		arch_set_pc(r, s->target);
		if (d->verdict == V_ALLOW)
			remember_exec(m, th, s, c);
		if (c->outer < 0 && funcs[c->func].loads)
			return loader_note_call(th, r, false, s->object);
		/* dlsym("PyInit_x") cannot return system(): no need to watch its return */
		if (c->outer < 0 && funcs[c->func].hands_out &&
		    (c->a[1].err || !c->a[1].str || loader_may_hand_out(th->proc->as, c->a[1].str)))
			return loader_note_call(th, r, true, s->object);
		return 0;
	}
	m->n_denied++;
	if (d->verdict == V_KILL) {
		monitor_end_job(m, "the policy ended the job");
		return 0;
	}
	/* syscall() fails the way syscall() does, whatever call it made */
	return deny(th->proc->as, th->tid, r, &funcs[c->outer >= 0 ? c->outer : c->func],
	            decision_errno(d));
}

int calls_trap(struct monitor *m, struct thread *th, arch_regs *r)
{
	const struct got_slot *s = got_by_trap(&th->proc->as->got, &th->proc->as->cp, arch_pc(r));
	struct call c;
	struct decision d = {0};
	if (!s)
		return -EINVAL;
	fill_call(&c, th, s);
	int rc = args_decode(&c, th->tid, r);
	if (rc == 0)
		rc = args_program(m, &c);
	const struct aspace *as = th->proc->as;
	backtrace_attribute(th, r, true, m->policy,
	                    s->object < as->n_objs ? &as->objs[s->object] : NULL, &c);
	if (m->opt->backtrace)
		backtrace_collect(th, r, true, &c);
	if (rc < 0 || s->dead) {
		d.verdict = V_DENY;
		d.rule = NULL;
		strcpy(d.why, rc < 0 ? "out of memory reading the arguments" : "its object was unloaded");
	} else
		monitor_decide(m, &c, &d);
	m->n_calls++;
	rc = apply(m, th, r, s, &c, &d);
	log_call(&c, &d, !m->opt->audit);
	call_release(&c);
	return rc;
}
