/* trace: the ptrace event loop (see trace.h). */
#include "monitor/trace.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject/arch.h"
#include "inject/mem.h"
#include "monitor/backstop.h"
#include "monitor/calls.h"
#include "monitor/execstop.h"
#include "monitor/loader.h"
#include "monitor/log.h"
#include "monitor/procfs.h"

long trace_options(void)
{
	return PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_TRACEFORK |
	       PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACESYSGOOD |
	       PTRACE_O_TRACESECCOMP;
}

/* ESRCH from ptrace: it died meanwhile (SIGKILL); its exit is reported next. */
static void resume(struct thread *th, int sig)
{
	/* a vfork child stays on the monitor's CPU until its exec (pin.h) */
	if (th->vfork_child && !th->kept)
		th->kept = pin_narrow(th->tid, &th->kept_set);
	if (th->vfork_child && th->kept) {
		ptrace(PTRACE_CONT, th->tid, 0, (void *)(long)sig);
		return;
	}
	if (th->kept) {  /* forked or cloned by a kept vfork child */
		pin_unkeep(th->tid, &th->kept_set);
		th->kept = false;
	}
	pin_cont(th->tid, sig);
}

static void fatal(struct monitor *m, struct thread *th, const char *what, int err)
{
	log_note("pid %d: %s: %s; ending the job", (int)th->tid, what, strerror(-err));
	monitor_end_job(m, NULL);
}

/* --- new threads and processes ------------------------------------------- */

static uint64_t clone_flags(struct thread *parent)
{
	arch_regs r;
	uint64_t flags = 0, args = 0;
	if (arch_get_regs(parent->tid, &r) < 0 || arch_clone_flags(&r, &flags, &args) < 0)
		return 0;
	if (args && mem_read_word(parent->tid, args, &flags) < 0)
		flags = 0;
	return flags;
}

static struct proc *new_proc(struct monitor *m, struct proc *parent, pid_t child,
                             uint64_t flags)
{
	struct proc *p = tracee_add_proc(&m->t, child, parent->tgid);
	if (!p)
		return NULL;
	p->judged = parent->judged;
	p->filtered = parent->filtered;
	p->exe = parent->exe ? strdup(parent->exe) : NULL;
	if (flags & CLONE_VM)
		p->as = aspace_get(parent->as);         /* vfork: the same memory until exec */
	else if (parent->as->python)
		p->as = aspace_copy(parent->as);        /* fork: a copy, patches included */
	else
		p->as = aspace_new();
	if (!p->as) {
		tracee_del_proc(&m->t, p);
		return NULL;
	}
	return p;
}

/* The parent's fork/vfork/clone event: register the child.  Its own first stop
 * may have come first, in which case it was held and is released now. */
static void on_new_child(struct monitor *m, struct thread *parent)
{
	unsigned long msg;
	if (ptrace(PTRACE_GETEVENTMSG, parent->tid, 0, &msg) < 0)
		return;
	pid_t child = (pid_t)msg;
	uint64_t flags = clone_flags(parent);
	struct thread *th = tracee_thread(&m->t, child);
	bool was_held = th && th->held;
	if (!th && !(th = tracee_add_thread(&m->t, child, NULL))) {
		fatal(m, parent, "cannot follow a new child", -ENOMEM);
		return;
	}
	struct proc *p = flags & CLONE_THREAD ? parent->proc
	               : new_proc(m, parent->proc, child, flags);
	if (!p) {
		kill(child, SIGKILL);
		fatal(m, parent, "cannot follow a new child", -ENOMEM);
		return;
	}
	tracee_bind(&m->t, th, p);
	th->vfork_child = (flags & CLONE_VFORK) && !(flags & CLONE_THREAD);
	th->vfork_parent = th->vfork_child ? parent->tid : 0;
	if (th->vfork_child)
		execstop_note_vfork(m, parent, child);  /* who asked: on the parent's stack now */
	if (parent->kept) {  /* it inherited the narrowed set: resume puts its own back */
		th->kept = true;
		th->kept_set = parent->kept_set;
	}
	if (!(flags & CLONE_THREAD)) {
		/* the child returns through the same frames, dlopen's included */
		memcpy(th->rets, parent->rets, sizeof th->rets);
		th->n_rets = parent->n_rets;
	}
	log_fork(parent->proc->tgid, child, flags & CLONE_THREAD);
	if (was_held)
		resume(th, 0);
}

/* A stop of a thread not known yet: a new child whose parent's event is still
 * to come.  Hold it until then. */
static void on_unknown(struct monitor *m, pid_t tid)
{
	if (!tracee_add_thread(&m->t, tid, NULL)) {
		log_note("pid %d: out of memory; killing it", (int)tid);
		kill(tid, SIGKILL);
	}
}

/* --- exits and execs -------------------------------------------------------- */

struct drop_ctx {
	struct monitor *m;
	struct proc *p;
	struct thread *keep;
};

static void drop_thread_of(void *ctx, struct thread *th)
{
	struct drop_ctx *d = ctx;
	if (th->proc == d->p && th != d->keep)
		tracee_del_thread(&d->m->t, th);
}

static void drop_threads(struct monitor *m, struct proc *p, struct thread *keep)
{
	struct drop_ctx d = {m, p, keep};
	if (p->nthreads > (keep && keep->proc == p))  /* a walk of the table: only if needed */
		tracee_each_thread(&m->t, drop_thread_of, &d);
}

/* Held children whose parent is gone will never see their parent's event:
 * they are killed rather than let run unregistered. */
static void drop_orphan(void *ctx, struct thread *th)
{
	struct monitor *m = ctx;
	char *buf, *pp;
	size_t len;
	if (!th->held || procfs_read(th->tid, "status", &buf, &len, 16384) < 0)
		return;
	pp = strstr(buf, "\nPPid:");
	pid_t ppid = pp ? (pid_t)atoi(pp + 6) : 0;
	free(buf);
	if (!tracee_proc(&m->t, ppid)) {
		kill(th->tid, SIGKILL);
		tracee_del_thread(&m->t, th);
	}
}

/* A thread about to exit.  The last thread of a process whose parent is in
 * the job: the parent may be waiting for it, and the monitor's reap of this
 * exit is what wakes it (a traced child is the tracer's to reap first).
 * next_event queues the parent on the monitor's CPU for that wake-up:
 * otherwise it wakes on the idle CPU and its SIGCHLD stop must wake the
 * monitor's CPU again, two cross-CPU wake-ups a child. */
static void on_exit_stop(struct monitor *m, struct thread *th)
{
	struct proc *p = th->proc;
	if (pin_active() && p && th->tid == p->tgid && p->nthreads == 1 && p->parent &&
	    tracee_proc(&m->t, p->parent))
		tracee_mark_exiting(&m->t, p);
	resume(th, 0);
}

static void on_exit_status(struct monitor *m, pid_t tid, int st)
{
	struct thread *th = tracee_thread(&m->t, tid);
	if (!th)
		return;  /* a thread already dropped (an exec took its process) */
	struct proc *p = th->proc;
	tracee_del_thread(&m->t, th);
	if (!p || tid != p->tgid)
		return;
	/* the leader is reported last: the whole process is gone */
	drop_threads(m, p, NULL);
	log_exit(p->tgid, st);
	if (p->main) {
		m->main_status = st;
		m->main_done = true;
		monitor_end_job(m, NULL);  /* what the job left running ends with it */
	}
	tracee_del_proc(&m->t, p);
	if (m->t.n_held)
		tracee_each_thread(&m->t, drop_orphan, m);
}

/* An exec by a non-leader thread takes the leader's id: the old leader's entry
 * goes, the exec'ing thread's entry takes its id.  Other threads are dead. */
static struct thread *exec_thread(struct monitor *m, pid_t pid)
{
	unsigned long former;
	struct thread *th = tracee_thread(&m->t, pid);
	if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &former) == 0 && (pid_t)former != pid) {
		struct thread *ex = tracee_thread(&m->t, (pid_t)former);
		if (ex) {
			if (th)
				tracee_del_thread(&m->t, th);
			tracee_rekey(&m->t, ex, pid);
			th = ex;
		}
	}
	if (th && th->proc)
		drop_threads(m, th->proc, th);
	return th;
}

static void on_exec(struct monitor *m, pid_t pid)
{
	struct thread *th = exec_thread(m, pid);
	if (!th || !th->proc) {
		log_note("pid %d: exec of an unknown process; killing it", (int)pid);
		kill(pid, SIGKILL);
		return;
	}
	if (th->kept) {  /* a vfork child's own set, before the new image runs */
		pin_unkeep(th->tid, &th->kept_set);
		th->kept = false;
	}
	th->vfork_child = false;
	int st = 0;
	int rc = execstop_handle(m, th, &st);
	if (rc < 0)
		fatal(m, th, "cannot inspect the new program", rc);
	if (rc == 0)
		resume(th, 0);
	if (rc == 1 && st)
		on_exit_status(m, pid, st);  /* collected during an injected system call */
}

/* --- signal-delivery stops ----------------------------------------------- */

static void on_trap(struct monitor *m, struct thread *th)
{
	arch_regs r;
	int rc = arch_get_regs(th->tid, &r);
	if (rc < 0)
		return;  /* gone */
	uint64_t pc = arch_pc(&r);
	bool event = false;
	if (calls_is_trap(th, pc))
		rc = calls_trap(m, th, &r);
	else if ((event = loader_is_event(th, pc)))
		rc = loader_event(m, th, &r);
	else if (loader_is_init(th, pc))
		rc = loader_init(m, th, &r);
	else if (loader_is_return(th, pc))
		rc = loader_return(m, th, &r);
	else {
		resume(th, SIGTRAP);  /* the job's own SIGTRAP */
		return;
	}
	if (rc < 0) {
		fatal(m, th, "cannot handle an intercepted call", rc);
		return;
	}
	if (!m->ending && arch_set_regs(th->tid, &r) == 0) {
		resume(th, 0);
		if (event)
			execstop_prefetch(m, th);
	}
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void on_stop(struct monitor *m, pid_t tid, int st)
{
	struct thread *th = tracee_thread(&m->t, tid);
	int event = st >> 16, sig = WSTOPSIG(st);
	if (!th) {
		on_unknown(m, tid);
		return;
	}
	if (th->held)
		return;  /* stays stopped until its parent's event */
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_child(m, th);
		resume(th, 0);
		return;
	case PTRACE_EVENT_EXEC:
		on_exec(m, tid);
		return;
	case PTRACE_EVENT_SECCOMP:
		backstop_stop(m, th);
		return;
	case PTRACE_EVENT_EXIT:
		on_exit_stop(m, th);
		return;
	case PTRACE_EVENT_STOP:
		/* a child's first stop (SIGTRAP), or a group-stop (the stop signal) */
		if (is_stop_signal(sig))
			ptrace(PTRACE_LISTEN, tid, 0, 0);  /* group-stop: stay stopped */
		else
			resume(th, 0);
		return;
	case 0:
		break;
	default:
		resume(th, 0);
		return;
	}
	if (sig == (SIGTRAP | 0x80))  /* a syscall-exit stop: only pinned calls ask for one */
		backstop_exit(m, th);
	else if (sig == SIGTRAP)
		on_trap(m, th);
	else
		resume(th, sig);
}

static void dispatch(struct monitor *m, pid_t tid, int st)
{
	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		on_exit_status(m, tid, st);
		return;
	}
	/* the exec event arrives under the new id (the process id) */
	if (WIFSTOPPED(st) && st >> 16 == PTRACE_EVENT_EXEC) {
		on_exec(m, tid);
		return;
	}
	if (WIFSTOPPED(st))
		on_stop(m, tid, st);
}

static int exit_code(const struct monitor *m)
{
	int st = m->main_status;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 125;
}

/* The next event.  While a process marked exiting is to be reaped, each
 * event is looked at first (WNOWAIT): when it is that exit, the parent is
 * narrowed to the monitor's CPU around the reap that wakes it (pin.h). */
static pid_t next_event(struct monitor *m, int *st)
{
	siginfo_t si;
	cpu_set_t own;
	bool narrowed = false;
	struct proc *p = NULL;
	if (!m->t.n_exiting)
		return waitpid(-1, st, __WALL);
	memset(&si, 0, sizeof si);
	if (waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | __WALL | WNOWAIT) < 0)
		return -1;
	if (si.si_code == CLD_EXITED || si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED) {
		p = tracee_proc(&m->t, si.si_pid);
		if (p && p->exiting && tracee_proc(&m->t, p->parent))
			narrowed = pin_narrow_waiting(p->parent, &own);
	}
	pid_t tid = waitpid(si.si_pid, st, __WALL);
	if (narrowed)
		pin_restore(p->parent, &own);
	return tid;
}

int trace_run(struct monitor *m)
{
	for (;;) {
		int st;
		pid_t tid = next_event(m, &st);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			log_note("waitpid: %s", strerror(errno));
			monitor_end_job(m, NULL);
			return 125;
		}
		dispatch(m, tid, st);
	}
	int code = m->main_done ? exit_code(m) : 125;
	log_summary(code, m->n_calls, m->n_denied);
	return code;
}
