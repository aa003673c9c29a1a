/* backstop: the system-call layer under the GOT layer.
 *
 * Whatever never passes a redirected slot -- a raw syscall instruction, JIT
 * code, a slot the job restored through /proc/self/mem, a library that defines
 * its own wrappers -- still ends in a system call.  A seccomp filter, installed
 * in the first Python process of the job at its exec stop (before its first
 * instruction) and inherited by every descendant, returns SECCOMP_RET_TRACE
 * for the dangerous system calls; the monitor decides them with the same
 * policy and the same decision code as the GOT layer.  System calls outside
 * the filter cost nothing but the filter's few instructions.  A traced call
 * with no tracer (a CLONE_UNTRACED child) fails with ENOSYS: fail closed.
 *
 *   seccomp stop --> decode args --> decide_call --> allow: CONT
 *                                                --> deny:  nr = -1, ret = -EPERM
 *                                                --> kill:  end the job
 *
 * The filter also keeps the code page out of the job's reach (every task
 * of a job has it at the same address): mprotect, munmap, mremap, madvise
 * and MAP_FIXED mappings that touch it are denied; so is the stage below it
 * where memory arguments are pinned (argpin.h).  execve is judged at the
 * exec stop instead, where no race can change what runs.
 */
#ifndef PYSBX_BACKSTOP_H
#define PYSBX_BACKSTOP_H

#include "inject/remote.h"
#include "monitor/monitor.h"

/* The filter's SECCOMP_RET_DATA: why a call stopped. */
enum { BACKSTOP_CALL = 1, BACKSTOP_MEMORY = 2, BACKSTOP_BADARCH = 3, BACKSTOP_UNLISTED = 4 };

/* Why this kernel cannot run pysbx's filters, or NULL when it can (asked at
 * start: a job that could not be filtered must not start). */
const char *backstop_unavailable(void);
/* Installs the filter in a process stopped at its exec stop (its code page
 * mapped).  Returns 0 or a negative errno; res reports a thread that died. */
int backstop_install(struct monitor *m, struct thread *th, struct remote_result *res);
/* Builds the filters for the launched process (id self) ahead of its exec
 * stop; backstop_free() releases them at the end of the run. */
void backstop_prepare(const struct monitor *m, pid_t self);
void backstop_free(void);


/* Handles a PTRACE_EVENT_SECCOMP stop and restarts the thread. */
void backstop_stop(struct monitor *m, struct thread *th);
/* Handles the syscall-exit stop of a call whose destination was pinned. */
void backstop_exit(struct monitor *m, struct thread *th);

#endif
