/* pin: pysbx-trace on one CPU, stopped threads resumed on it (see pin.h). */
#include "monitor/pin.h"

#include <sys/ptrace.h>

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

long pin_cont(pid_t tid, int sig)
{
	cpu_set_t own, one;
	int cpu = sched_getcpu();
	bool narrowed = cpu >= 0 && cpu < CPU_SETSIZE &&
	                sched_getaffinity(tid, sizeof own, &own) == 0 &&
	                CPU_ISSET(cpu, &own) && CPU_COUNT(&own) > 1;
	if (narrowed) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		narrowed = sched_setaffinity(tid, sizeof one, &one) == 0;
	}
	long rc = ptrace(PTRACE_CONT, tid, 0, (void *)(long)sig);
	if (narrowed)
		(void)sched_setaffinity(tid, sizeof own, &own);
	return rc;
}

void pin_release(struct pin *p, pid_t job)
{
	if (!p->on || job <= 0)
		return;
	p->on = false;
	(void)sched_setaffinity(job, sizeof p->saved, &p->saved);  /* gone: fine */
}
