/* monitor: job-wide actions on the run's state (see monitor.h). */
#include "monitor/monitor.h"

#include <signal.h>

#include <stdlib.h>

#include "monitor/facts.h"
#include "monitor/log.h"

static void kill_proc(void *ctx, struct proc *p)
{
	(void)ctx;
	kill(p->tgid, SIGKILL);
}

static void kill_held(void *ctx, struct thread *th)
{
	(void)ctx;
	if (th->held)
		kill(th->tid, SIGKILL);
}

void monitor_end_job(struct monitor *m, const char *why)
{
	if (why && !m->ending)
		log_note("%s", why);
	m->ending = true;
	tracee_each_proc(&m->t, kill_proc, NULL);
	tracee_each_thread(&m->t, kill_held, NULL);
}

bool monitor_is_interpreter(const struct monitor *m, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < m->n_interp; i++)
		if (m->interp[i].dev == dev && m->interp[i].ino == ino)
			return true;
	return false;
}

void monitor_decide(struct monitor *m, struct call *c, struct decision *d)
{
	if (!log_enabled()) {
		decide_call(m->policy, c, &m->view, d);
		return;
	}
	struct facts *f = malloc(sizeof *f);
	if (!f) {
		decide_call(m->policy, c, &m->view, d);
		return;
	}
	struct job_view rec = facts_recorder(f, &m->view);
	decide_call(m->policy, c, &rec, d);
	if (m->policy->fn[c->func].action != ACT_CHECK) {
		struct decision scratch;
		decide_args(m->policy, c, &rec, &scratch);
	}
	c->facts = f;
}
