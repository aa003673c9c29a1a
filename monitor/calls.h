/* calls: a thread trapped in the code page called a dangerous function
 * through a redirected slot.  Read its arguments, decide, and send it on:
 *
 *   trap at slot's byte --> decode args --> decide_call --> allow: pc = real function
 *                                                       --> deny:  deny routine / return
 *                                                       --> kill:  end the job
 */
#ifndef PYSBX_CALLS_H
#define PYSBX_CALLS_H

#include "inject/arch.h"
#include "monitor/monitor.h"

/* Whether a trap that left th at pc is one of the code page's slot traps. */
bool calls_is_trap(const struct thread *th, uint64_t pc);

/* Handles the trap; r is updated for the restart.  Returns 0, or a negative
 * errno when the thread could not be handled (the caller ends the job). */
int calls_trap(struct monitor *m, struct thread *th, arch_regs *r);

#endif
