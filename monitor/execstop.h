/* execstop: a thread of the job finished an exec; the new image has not run
 * a single instruction.  This is the one stop no other thread or process can
 * race, so the program is judged here (the GOT-layer check before the exec
 * only gives the nicer EPERM), and a Python image is hooked here.
 *
 *   exec stop --> new address space --> judged? --> program denied --> SIGKILL
 *                                   \-> Python?  --> first one: the job is judged from now
 *                                                --> code page + loader breakpoint
 */
#ifndef PYSBX_EXECSTOP_H
#define PYSBX_EXECSTOP_H

#include "monitor/monitor.h"

/* A denied program never starts: the process is made to exit with this
 * status from its exec stop (as a shell reports a command it cannot run), or
 * killed when even that fails. */
#define EXECSTOP_DENIED_STATUS 126

/* th is the thread that exec'd, already carrying the process id.  Returns 0
 * (resume it), 1 when it is gone or going (*wait_status is nonzero when its
 * exit was already collected and must be processed), or a negative errno. */
int execstop_handle(struct monitor *m, struct thread *th, int *wait_status);
/* Called when a loader event of a hooked image has been resumed.  At the
 * first (RT_ADD: about to map the start-up libraries) the monitor scans those
 * libraries while the loader maps and relocates them, so the RT_CONSISTENT
 * stop that needs the scans finds them made (prefetch.h).  The window from
 * the exec stop to RT_ADD is too short for it (ld.so relocates itself and
 * reads ld.so.cache): the job would wait at RT_ADD instead. */
void execstop_prefetch(struct monitor *m, struct thread *th);

/* At the vfork stop of parent (posix_spawn, system, popen: its stack still
 * holds the frames that asked for the child): keeps the untrusted objects on
 * that stack, when a [module] rule could make an exec stricter, for child's
 * exec stop, which judges the exec on their behalf too (pysbx-policy(5)). */
void execstop_note_vfork(struct monitor *m, struct thread *parent, pid_t child);

#endif
