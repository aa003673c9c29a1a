/* pin: pysbx-trace on one CPU, stopped threads resumed on it (see pin.h). */
#include "monitor/pin.h"

#include <string.h>
#include <sys/ptrace.h>

#include "monitor/procfs.h"

/* The CPU stopped threads are queued on, or -1: no narrowing (see pin.h:
 * without the real-time policy the narrowed set could be seen by the job). */
static int narrow_cpu = -1;
/* Whether a thread of the job may be real-time: until then a resume skips
 * sched_getscheduler (see pin_job_realtime). */
static bool job_realtime;

void pin_job_realtime(void)
{
	job_realtime = true;
}

/* SCHED_FIFO, lowest priority: above every normal thread, so that a thread
 * made runnable on this CPU by PTRACE_CONT waits until the monitor sleeps.
 * Reset on fork: the job does not inherit it. */
static bool go_realtime(void)
{
	struct sched_param sp = {.sched_priority = sched_get_priority_min(SCHED_FIFO)};
	return sp.sched_priority >= 0 &&
	       sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) == 0;
}

/* A build under AddressSanitizer runs the monitor several times slower: its
 * scans at a Python's start-up can keep it running long enough for the
 * kernel's real-time throttling (sched_rt_runtime_us, 95 % of each second)
 * to let the job's thread run while its set is still narrowed (seen: 14 of 30
 * starts through sh).  Such a build places nothing. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOW_BUILD true
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW_BUILD true
#endif
#endif
#ifndef SLOW_BUILD
#define SLOW_BUILD false
#endif

void pin_startup(struct pin *p, bool realtime)
{
	cpu_set_t one;
	realtime = realtime && !SLOW_BUILD;
	int cpu = sched_getcpu();
	p->on = false;
	narrow_cpu = -1;
	job_realtime = false;
	if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof p->saved, &p->saved) < 0)
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	p->on = sched_setaffinity(0, sizeof one, &one) == 0;
	if (p->on && realtime && go_realtime())
		narrow_cpu = cpu;
}

/* A thread's policy; the reset-on-fork flag is not part of it. */
static bool normal_policy(pid_t tid)
{
	int pol = sched_getscheduler(tid);
	if (pol < 0)
		return false;
	pol &= ~SCHED_RESET_ON_FORK;
	return pol == SCHED_OTHER || pol == SCHED_BATCH || pol == SCHED_IDLE;
}

/* Whether thread tid can be narrowed for a resume: a normal policy (a
 * real-time thread would preempt the monitor before its set is back) and a
 * set with the monitor's CPU and another (returned in own). */
static bool can_narrow(pid_t tid, cpu_set_t *own)
{
	return narrow_cpu >= 0 && (!job_realtime || normal_policy(tid)) &&
	       sched_getaffinity(tid, sizeof *own, own) == 0 &&
	       CPU_ISSET(narrow_cpu, own) && CPU_COUNT(own) > 1;
}

bool pin_is_realtime(pid_t tid)
{
	return !normal_policy(tid);  /* gone: no matter */
}

bool pin_narrow(pid_t tid, cpu_set_t *own)
{
	cpu_set_t one;
	if (!can_narrow(tid, own))
		return false;
	CPU_ZERO(&one);
	CPU_SET(narrow_cpu, &one);
	return sched_setaffinity(tid, sizeof one, &one) == 0;
}

bool pin_active(void)
{
	return narrow_cpu >= 0;
}

bool pin_narrow_waiting(pid_t tid, cpu_set_t *own)
{
	/* Blocked in wait4/waitid (/proc/<tid>/wchan is the function it sleeps
	 * in): off every CPU, and woken only by what its children report (through
	 * the monitor, which reaps a traced child first) or by a signal.  Not
	 * "asleep" in general: a thread in a short sleep (a lock, a page) wakes
	 * by itself, and one that runs when the narrowing comes makes the monitor
	 * wait while it runs on the monitor's CPU. */
	char w[32];
	return pin_active() && procfs_peek(tid, "wchan", w, sizeof w) > 0 &&
	       strcmp(w, "do_wait") == 0 && pin_narrow(tid, own);
}

void pin_restore(pid_t tid, const cpu_set_t *own)
{
	(void)sched_setaffinity(tid, sizeof *own, own);  /* gone: fine */
}

void pin_unkeep(pid_t tid, const cpu_set_t *own)
{
	cpu_set_t now;
	if (narrow_cpu >= 0 && sched_getaffinity(tid, sizeof now, &now) == 0 &&
	    CPU_COUNT(&now) == 1 && CPU_ISSET(narrow_cpu, &now))
		pin_restore(tid, own);
}

static long pin_resume(pid_t tid, enum __ptrace_request req, int sig)
{
	cpu_set_t own;
	bool narrowed = pin_narrow(tid, &own);
	long rc = ptrace(req, tid, 0, (void *)(long)sig);
	if (narrowed)
		pin_restore(tid, &own);
	return rc;
}

long pin_cont(pid_t tid, int sig)
{
	return pin_resume(tid, PTRACE_CONT, sig);
}

long pin_cont_to_exit(pid_t tid)
{
	return pin_resume(tid, PTRACE_SYSCALL, 0);
}

void pin_release(struct pin *p, pid_t job)
{
	if (!p->on || job <= 0)
		return;
	p->on = false;
	(void)sched_setaffinity(job, sizeof p->saved, &p->saved);  /* gone: fine */
}
