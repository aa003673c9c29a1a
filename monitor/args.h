/* args: reading a call's arguments from a stopped thread, by format.
 *
 * Shared by every layer: a GOT trap reads function-call registers and the
 * stack, a system-call stop reads system-call registers.  Every read is
 * bounded (call.h); what cannot be read is recorded in the argument's err and
 * the decision denies. */
#ifndef PYSBX_ARGS_H
#define PYSBX_ARGS_H

#include "inject/arch.h"
#include "monitor/call.h"
#include "monitor/monitor.h"

/* Fills c->a[] for c->func from the registers r of thread tid.  For syscall()
 * (CK_SYSCALL) whose number is dangerous, c->func becomes that system call's
 * entry and c->outer the syscall entry.  Returns 0 or -ENOMEM. */
int args_decode(struct call *c, pid_t tid, const arch_regs *r);

/* For exec-like calls: the program as the call names it, resolved in the
 * caller's view (cwd, PATH, descriptors).  Sets c->prog and c->has_prog. */
int args_program(struct monitor *m, struct call *c);

#endif
