/* trace: the ptrace event loop.
 *
 * Every stop of every thread of the job comes through one waitpid(-1) loop and
 * is dispatched by kind.  How each kind is restarted:
 *
 *   exited / killed           no restart; bookkeeping; when the launched
 *                             process is gone, the rest of the job is ended
 *   fork/vfork/clone event    CONT; the child is registered (thread, shared
 *                             memory or copied memory, from the clone flags)
 *   child's first stop        CONT once its parent's event has registered it
 *                             (held stopped until then)
 *   exec event                judged and hooked (execstop), then CONT
 *   group-stop                LISTEN: stays stopped until SIGCONT, like untraced
 *   other event stop          CONT
 *   SIGTRAP at a slot trap    decided (calls), CONT into the function or denied
 *   SIGTRAP at the loader bp  link map synced (loader), CONT after its return
 *   any other signal          CONT delivering the signal unchanged
 */
#ifndef PYSBX_TRACE_H
#define PYSBX_TRACE_H

#include "monitor/monitor.h"

/* The ptrace options every tracee gets. */
long trace_options(void);

/* Runs until every process of the job is gone; returns pysbx-trace's exit
 * status (the launched process's, 128+N if killed by signal N, 125 when the
 * monitor itself failed). */
int trace_run(struct monitor *m);

#endif
