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

/* th is the thread that exec'd, already carrying the process id.  Returns 0,
 * 1 when the process was killed or died, or a negative errno. */
int execstop_handle(struct monitor *m, struct thread *th);

#endif
