/* tracee: the table of the job's threads and processes.
 *
 * State is kept by lifetime: per thread (struct thread: its id, whether it is
 * held), per process (struct proc: judged or not, its executable, its parent),
 * per address space (struct aspace, shared by CLONE_VM threads and a vfork
 * child).  Lookups by id are hashed: the trap path looks a thread up on every
 * intercepted call.
 */
#ifndef PYSBX_TRACEE_H
#define PYSBX_TRACEE_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "inject/arch.h"
#include "monitor/aspace.h"

struct proc {
	pid_t tgid;
	pid_t parent;          /* tgid of its parent in the job; 0 for the launched process */
	unsigned nthreads;
	bool judged;           /* from the first Python interpreter on */
	bool main;             /* the process pysbx-trace launched */
	bool filtered;         /* runs under the seccomp filter (inherited, kept across exec) */
	struct aspace *as;
	char *exe;             /* the current image, from /proc/<pid>/exe */
	bool exiting;          /* past its exit stop, its parent in the job (trace.c) */
	struct proc *hnext;
};

#define RET_DEPTH 8

/* A loader call in progress whose return the monitor must see. */
struct ret_trap {
	uint64_t ret;       /* the real return address */
	uint32_t object;    /* the calling object (for dlsym's hand-outs) */
	bool dlsym;         /* dlsym/dlvsym: its result may be a dangerous function */
};

struct thread {
	pid_t tid;
	struct proc *proc;     /* NULL while held (see below) */
	/* dlopen and dlsym calls in progress: each returns through the code page's
	 * return trap, so what dlopen loaded is redirected and what dlsym hands
	 * out is a trap before the caller can use it. */
	struct ret_trap rets[RET_DEPTH];
	unsigned n_rets;
	/* A new child's first stop can arrive before its parent's fork event, which
	 * says whether it shares memory.  Until then it is held: kept stopped. */
	bool held;
	/* A vfork child (CLONE_VFORK, not a thread) until its exec, and whether
	 * the monitor keeps it on its CPU meanwhile (pin.h), its own set kept. */
	bool vfork_child;
	pid_t vfork_parent;     /* the thread waiting in vfork for it, while vfork_child */
	bool kept;
	cpu_set_t kept_set;
	/* A socket call whose destination is pinned in the stage (argpin.h):
	 * the thread's slot there (index + 1; 0: none), and while the call runs,
	 * what its syscall-exit stop puts back. */
	uint16_t stage_slot1;
	bool pin_active;
	bool pin_mapping;       /* the call was made the stage's mmap, then runs again */
	uint64_t pin_mmsg_len;  /* sendmmsg made a sendmsg: where its msg_len goes */
	arch_regs pin_saved;    /* the registers as the job made the call */
	struct thread *hnext;
};

#define TRACEE_BUCKETS 4096

#define TRACEE_GONE 256

struct tracees {
	struct thread *threads[TRACEE_BUCKETS];
	struct proc *procs[TRACEE_BUCKETS];
	size_t n_threads, n_procs;
	size_t n_held;  /* threads held: walks for them are skipped when none is */
	size_t n_exiting;  /* procs marked exiting (tracee_mark_exiting) */
	pid_t gone[TRACEE_GONE];  /* the last processes deleted, a ring: a zombie */
	size_t n_gone;            /* of the job's that its parent left is still its */
};

struct thread *tracee_thread(struct tracees *t, pid_t tid);
struct proc *tracee_proc(struct tracees *t, pid_t tgid);

/* Creation and removal; the add functions return NULL when out of memory. */
struct thread *tracee_add_thread(struct tracees *t, pid_t tid, struct proc *p);
void tracee_del_thread(struct tracees *t, struct thread *th);
struct proc *tracee_add_proc(struct tracees *t, pid_t tgid, pid_t parent);
/* Marks p exiting (counted in n_exiting until it is deleted). */
void tracee_mark_exiting(struct tracees *t, struct proc *p);
void tracee_del_proc(struct tracees *t, struct proc *p);
/* Whether tgid is among the last TRACEE_GONE processes deleted. */
bool tracee_was_proc(const struct tracees *t, pid_t tgid);
/* Binds a held thread to its process. */
void tracee_bind(struct tracees *t, struct thread *th, struct proc *p);
/* Gives a thread a new id (an exec by a non-leader thread takes the leader's id). */
void tracee_rekey(struct tracees *t, struct thread *th, pid_t tid);

/* Calls fn for every thread; fn may delete the thread it is given. */
void tracee_each_thread(struct tracees *t, void (*fn)(void *ctx, struct thread *th), void *ctx);
void tracee_each_proc(struct tracees *t, void (*fn)(void *ctx, struct proc *p), void *ctx);

#endif
