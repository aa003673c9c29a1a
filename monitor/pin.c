/* pin: the job's start-up on the monitor's CPU (see pin.h). */
#include "monitor/pin.h"

void pin_startup(struct pin *p)
{
	cpu_set_t one;
	int cpu = sched_getcpu();
	p->on = false;
	if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof p->saved, &p->saved) < 0)
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	p->on = sched_setaffinity(0, sizeof one, &one) == 0;
}

void pin_release(struct pin *p, pid_t job)
{
	if (!p->on)
		return;
	p->on = false;
	/* the job first: it is the one about to run; failure (it is gone) is fine */
	if (job > 0)
		(void)sched_setaffinity(job, sizeof p->saved, &p->saved);
	(void)sched_setaffinity(0, sizeof p->saved, &p->saved);
}
