/* monitor: job-wide actions on the run's state (see monitor.h). */
#include "monitor/monitor.h"

#include <signal.h>

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
