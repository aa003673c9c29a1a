/* pin: pysbx-trace on one CPU, and each stopped thread resumed on it.
 *
 * Every intercepted call, loader event and exec is a hand-over: the job's
 * thread stops, the monitor wakes, decides, resumes the thread and sleeps.
 * The scheduler spreads the two over the CPUs: the stopping thread wakes the
 * monitor while it still runs, so the monitor goes to the other, idle CPU,
 * and PTRACE_CONT wakes the thread while the monitor still runs, so it goes
 * to the idle CPU as well.  Waking an idle CPU is slow on a virtual machine:
 * a cross-CPU round trip measured 300 us on this project's 2-core VMs, one on
 * a single CPU 10 us (os.kill(pid, 0) through pysbx: 154 us a call spread,
 * 26 us together).  So:
 *
 *   - pysbx-trace stays on the CPU it started on, for the whole run;
 *   - the job's first process starts there too (it inherits the pin at the
 *     fork) and keeps it through its start-up, about ten hand-overs, until
 *     its first RT_CONSISTENT has been handled (before any constructor or
 *     Python code runs), or its exec stop when it is not a hooked Python:
 *     then it gets the CPU set pysbx-trace was started with back;
 *   - a stopped thread is resumed with its CPU set narrowed to the monitor's
 *     CPU for the instant of the PTRACE_CONT (when its set includes that
 *     CPU), then put back: it is queued where the monitor is about to sleep,
 *     and the load balancer moves it on if that CPU is busy.
 *
 * The job's own code never runs with a set it did not have.  The set goes
 * back while the thread is queued, before it runs: pysbx-trace runs under
 * SCHED_FIFO (lowest real-time priority, reset on fork), so a normal thread
 * made runnable on its CPU cannot preempt it between the PTRACE_CONT and the
 * set's return.  Without that guarantee the thread ran first, most times,
 * and what it forked kept the narrowed set for good (e2e t_cpu_set_children).
 * Hence: no real-time policy (not permitted, --no-pin), no narrowing; nor for
 * a thread that is itself real-time.  (A set another thread of the job
 * changes during a PTRACE_CONT is overwritten: at worst a lost affinity
 * change, never a security matter.)
 */
#ifndef PYSBX_MONITOR_PIN_H
#define PYSBX_MONITOR_PIN_H

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

struct pin {
	cpu_set_t saved;  /* pysbx-trace's set at start: the job's first process gets it back */
	bool on;          /* the job's first process is still pinned */
};

/* Before the fork: pins pysbx-trace to the CPU it runs on (the child
 * inherits it) and, when realtime, asks for SCHED_FIFO, which pin_cont's
 * narrowing needs (audit mode does not: the job could see the policy).
 * Does nothing where the CPU set cannot be read or changed. */
void pin_startup(struct pin *p, bool realtime);
/* Gives the job's first process (thread id job) the saved set back.  Only the
 * first call after pin_startup does anything. */
void pin_release(struct pin *p, pid_t job);

/* A thread of the job may be real-time from now on: every resume asks its
 * policy first.  The job starts with a normal policy (SCHED_RESET_ON_FORK);
 * the monitor calls this when a filtered process changes a policy (the
 * filter stops every sched_setscheduler and sched_setattr) and when an exec
 * stop finds a process of the launch chain real-time already. */
void pin_job_realtime(void);
/* Whether thread tid runs under a real-time (or deadline) policy. */
bool pin_is_realtime(pid_t tid);

/* PTRACE_CONT for a stopped thread, queued on pysbx-trace's CPU (see above).
 * Returns ptrace's result. */
long pin_cont(pid_t tid, int sig);
/* The same with PTRACE_SYSCALL: the thread stops again at the end of the
 * system call it is stopped in (its syscall-exit stop). */
long pin_cont_to_exit(pid_t tid);

/* The same for a wake-up the monitor causes otherwise: reaping a child's exit
 * wakes the parent waiting for it.  pin_narrow before, pin_restore after,
 * with nothing between that lets the monitor sleep, so the thread cannot run
 * on the monitor's CPU meanwhile and its own code never sees the narrowed
 * set.  own receives the thread's set; false when it was not narrowed (then
 * no pin_restore).  pin_narrow is for a thread at a ptrace stop only. */
bool pin_narrow(pid_t tid, cpu_set_t *own);
void pin_restore(pid_t tid, const cpu_set_t *own);
/* pin_narrow for a thread that may be running: narrows it only when /proc
 * says it is blocked in wait4 or waitid (its wchan is do_wait).  Narrowing a
 * thread that runs on the other CPU makes sched_setaffinity wait for that CPU
 * to move it, the monitor sleeps, and the thread can run on the monitor's CPU
 * with the narrowed set before the monitor wakes (a fork there kept it: e2e
 * t_cpu_set_children).  Any sleep is not enough: a thread in a short sleep
 * (a lock) was seen to wake between the look and the narrowing.  Left: a
 * thread in wait4 woken by a signal in that instant. */
bool pin_narrow_waiting(pid_t tid, cpu_set_t *own);
/* Whether resumes are narrowed at all (real-time policy granted, no --no-pin):
 * without it the monitor need not track exits for pin_narrow_waiting. */
bool pin_active(void);

/* A vfork child is the one exception to "never seen": from its first stop to
 * its exec stop it stays narrowed (pin_narrow without pin_restore).  It runs
 * only a few calls there while its parent is suspended, and left free the
 * scheduler moves it to the other CPU at once (the new task, then again at
 * the exec), each move a wake-up of a halted CPU and a stop reported across
 * CPUs.  Its code before the exec sees the monitor's CPU as its set; what it
 * execs, forks or clones gets its own set back before running (trace.c).
 * pin_unkeep puts own back when the set is still the narrowed one (the child
 * did not set one of its own meanwhile). */
void pin_unkeep(pid_t tid, const cpu_set_t *own);

#endif
