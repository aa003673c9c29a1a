/* backtrace: the native call stack of a stopped thread, unwound from outside
 * with libunwind-ptrace (-b).  Paid for only at intercepted calls. */
#ifndef PYSBX_BACKTRACE_H
#define PYSBX_BACKTRACE_H

#include <stddef.h>
#include <stdint.h>

#include "inject/arch.h"
#include "monitor/monitor.h"

#define BACKTRACE_MAX 32
#define PYSTACK_MAX   32

/* Unwinds thread th, whose registers are r.  At a GOT trap the thread sits
 * at the called function's entry (in the code page): unwinding starts at the
 * caller, as if the function had returned (at_entry).  Returns the number of
 * frames (0 when nothing could be unwound). */
size_t backtrace_read(struct thread *th, const arch_regs *r, bool at_entry,
                      struct btframe *out, size_t max);

/* The live object whose mapped range holds pc, or NULL. */
const struct object *backtrace_object_at(const struct aspace *as, uint64_t pc);

/* Drops what was learnt about an address space's code (an object went). */
void backtrace_forget(struct aspace *as);
/* Frees an aspace's unwinding state (aspace->unw). */
void backtrace_free(void *unw);

/* Fills c->bt (and, later, c->py) for thread th at its stop with registers r. */
void backtrace_collect(struct thread *th, const arch_regs *r, bool at_entry, struct call *c);

/* Attribution for [module] rules: marks whether the calling object (NULL:
 * none known) is one [module extensions] binds, and when a [module] rule
 * could make the call's decision stricter (decide_stack_matters) and an
 * untrusted object is loaded, fills c->stack with the untrusted objects on
 * the thread's native stack.  A walk that cannot reach the thread's first
 * frame adds code in no loaded object.  A policy without [module] sections
 * costs nothing here. */
void backtrace_attribute(struct thread *th, const arch_regs *r, bool at_entry,
                         const struct policy *p, const struct object *caller, struct call *c);

#endif
