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

/* Drops what was learnt about an address space's code (an object went). */
void backtrace_forget(struct aspace *as);
/* Frees an aspace's unwinding state (aspace->unw). */
void backtrace_free(void *unw);

/* Fills c->bt (and, later, c->py) for thread th at its stop with registers r. */
void backtrace_collect(struct thread *th, const arch_regs *r, bool at_entry, struct call *c);

#endif
