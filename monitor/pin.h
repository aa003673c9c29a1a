/* pin: the job's start-up on the monitor's CPU.
 *
 * A start-up is a ping-pong: about ten ptrace stops (the exec stop and its
 * injected system calls, the loader's RT_ADD and RT_CONSISTENT, the first
 * intercepted calls), each a hand-over from the job's process to the monitor
 * and back.  ptrace wakes the other side without the "sync" hint a pipe gives,
 * so the scheduler puts the two on different CPUs, and waking an idle CPU is
 * slow on a virtual machine: a cross-CPU round trip measured 300 us on this
 * project's 2-core VMs, against 10 us on one CPU.  So from just before the fork
 * until the start-up is done (the first RT_CONSISTENT has been handled, before
 * any constructor or Python code runs; or at the exec stop when the program is
 * not a hooked Python), pysbx-trace and the job's first process share the CPU
 * pysbx-trace was on.  Then both get the CPU set they had back: the job never
 * runs its own code pinned, and threads it starts later are not affected.
 */
#ifndef PYSBX_MONITOR_PIN_H
#define PYSBX_MONITOR_PIN_H

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

struct pin {
	cpu_set_t saved;  /* pysbx-trace's own set, which the child inherits */
	bool on;
};

/* Before the fork: pins pysbx-trace to the CPU it runs on (the child
 * inherits it).  Does nothing where the CPU set cannot be read or changed. */
void pin_startup(struct pin *p);
/* Gives pysbx-trace and job (a thread id; 0: none) the saved set back.  Only
 * the first call after pin_startup does anything. */
void pin_release(struct pin *p, pid_t job);

#endif
