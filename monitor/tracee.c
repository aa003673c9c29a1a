/* tracee: hashed tables of threads and processes (see tracee.h). */
#include "monitor/tracee.h"

#include "inject/mem.h"
#include "monitor/argpin.h"

#include <stdlib.h>

static size_t bucket(pid_t id)
{
	return (size_t)id % TRACEE_BUCKETS;
}

struct thread *tracee_thread(struct tracees *t, pid_t tid)
{
	for (struct thread *th = t->threads[bucket(tid)]; th; th = th->hnext)
		if (th->tid == tid)
			return th;
	return NULL;
}

struct proc *tracee_proc(struct tracees *t, pid_t tgid)
{
	for (struct proc *p = t->procs[bucket(tgid)]; p; p = p->hnext)
		if (p->tgid == tgid)
			return p;
	return NULL;
}

static void link_thread(struct tracees *t, struct thread *th)
{
	size_t b = bucket(th->tid);
	th->hnext = t->threads[b];
	t->threads[b] = th;
}

static void unlink_thread(struct tracees *t, struct thread *th)
{
	for (struct thread **pp = &t->threads[bucket(th->tid)]; *pp; pp = &(*pp)->hnext)
		if (*pp == th) {
			*pp = th->hnext;
			return;
		}
}

struct thread *tracee_add_thread(struct tracees *t, pid_t tid, struct proc *p)
{
	struct thread *th = calloc(1, sizeof *th);
	if (!th)
		return NULL;
	th->tid = tid;
	link_thread(t, th);
	t->n_threads++;
	if (p)
		tracee_bind(t, th, p);
	else {
		th->held = true;
		t->n_held++;
	}
	return th;
}

void tracee_bind(struct tracees *t, struct thread *th, struct proc *p)
{
	if (th->held)
		t->n_held--;
	if (th->proc)
		th->proc->nthreads--;  /* counts stay exact: the walks at exits rely on them */
	th->proc = p;
	th->held = false;
	p->nthreads++;
}

void tracee_del_thread(struct tracees *t, struct thread *th)
{
	mem_forget(th->tid);
	argpin_release(th);
	unlink_thread(t, th);
	if (th->proc)
		th->proc->nthreads--;
	if (th->held)
		t->n_held--;
	t->n_threads--;
	free(th);
}

void tracee_rekey(struct tracees *t, struct thread *th, pid_t tid)
{
	unlink_thread(t, th);
	th->tid = tid;
	link_thread(t, th);
}

struct proc *tracee_add_proc(struct tracees *t, pid_t tgid, pid_t parent)
{
	struct proc *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->tgid = tgid;
	p->parent = parent;
	size_t b = bucket(tgid);
	p->hnext = t->procs[b];
	t->procs[b] = p;
	t->n_procs++;
	return p;
}

void tracee_mark_exiting(struct tracees *t, struct proc *p)
{
	if (!p->exiting)
		t->n_exiting++;
	p->exiting = true;
}

void tracee_del_proc(struct tracees *t, struct proc *p)
{
	if (p->exiting)
		t->n_exiting--;
	for (struct proc **pp = &t->procs[bucket(p->tgid)]; *pp; pp = &(*pp)->hnext)
		if (*pp == p) {
			*pp = p->hnext;
			break;
		}
	t->gone[t->n_gone++ % TRACEE_GONE] = p->tgid;
	aspace_put(p->as);
	free(p->exe);
	free(p);
	t->n_procs--;
}

bool tracee_was_proc(const struct tracees *t, pid_t tgid)
{
	size_t n = t->n_gone < TRACEE_GONE ? t->n_gone : TRACEE_GONE;
	for (size_t i = 0; i < n; i++)
		if (t->gone[i] == tgid)
			return true;
	return false;
}

void tracee_each_thread(struct tracees *t, void (*fn)(void *ctx, struct thread *th), void *ctx)
{
	for (size_t b = 0; b < TRACEE_BUCKETS; b++) {
		struct thread *th = t->threads[b];
		while (th) {
			struct thread *next = th->hnext;
			fn(ctx, th);
			th = next;
		}
	}
}

void tracee_each_proc(struct tracees *t, void (*fn)(void *ctx, struct proc *p), void *ctx)
{
	for (size_t b = 0; b < TRACEE_BUCKETS; b++) {
		struct proc *p = t->procs[b];
		while (p) {
			struct proc *next = p->hnext;
			fn(ctx, p);
			p = next;
		}
	}
}
