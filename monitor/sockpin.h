/* sockpin: where a job's socket calls send to, pinned where the job cannot change it.
 *
 * connect, sendto, sendmsg and sendmmsg read their destination from the
 * caller's memory, which another thread of the job can rewrite between the
 * monitor's look and the kernel's copy (a path of its own socket while the
 * monitor reads, the docker daemon's when the kernel does).  So at the call's
 * stop the monitor copies the destination (and sendmsg's header) into the
 * caller's stage, a read-only mapping every process of the job gets at its
 * exec stop, points the call's registers there, and judges that copy: what
 * the monitor judged is what the kernel reads.  The filter keeps the stage
 * as it keeps the code page (no mprotect, munmap, mremap, madvise or MAP_FIXED
 * reaches it), and /proc/<pid>/mem is outside the job's write set.
 *
 * A named unix path is pinned in its absolute, symlink-free form when that
 * fits, so a link or a working directory the job changes afterwards no
 * longer matters; a directory of the path that the job renames meanwhile
 * still does (pysbx-trace(1), residual races).
 *
 *   m->cp_addr - SOCKPIN_SIZE                      m->cp_addr
 *   +---------+---------+-- ... --+---------------+-----------+
 *   | slot 0  | slot 1  |         | slot 1023     | code page |
 *   +---------+---------+-- ... --+---------------+-----------+
 *   a slot (one per thread that made such a call, 256 bytes):
 *     +0   struct msghdr (sendmsg; sendmmsg's first message)
 *     +64  the address, at most sizeof(struct sockaddr_storage)
 *
 * The call runs to its syscall-exit stop, where the job's registers come
 * back.  sendmmsg writes each message's result into the caller's vector,
 * which a read-only copy cannot take: it runs as a sendmsg of its first
 * message, and its result goes back as sendmmsg's (one message sent; callers
 * send the rest, as after any short sendmmsg).
 */
#ifndef PYSBX_SOCKPIN_H
#define PYSBX_SOCKPIN_H

#include <stddef.h>
#include <stdint.h>

#include "inject/arch.h"
#include "monitor/tracee.h"

#define SOCKPIN_SLOT 256u
#define SOCKPIN_SIZE (ASPACE_STAGE_SLOTS * SOCKPIN_SLOT)

/* Where the stage goes: just below the code page, inside what the filter keeps. */
static inline uint64_t sockpin_base(uint64_t cp_addr)
{
	return cp_addr - SOCKPIN_SIZE;
}

/* At the stop of connect, sendto, sendmsg or sendmmsg (funcs[fid]) by thread
 * th, registers r: copies the destination into th's slot and points r at the
 * copy (r only: the caller sets the registers when the call is let run, and
 * th->pin_saved keeps the job's).  *dests gets the named unix socket paths
 * the call sends to (a malloc'd NULL-terminated vector, *n of them), as
 * pinned.  Returns 1 when pinned, 0 when there is nothing to pin (no address),
 * or the negative errno the call is to fail with. */
int sockpin_enter(struct thread *th, arch_regs *r, int fid, char ***dests, size_t *n);

/* The syscall-exit stop of a pinned call: the job's registers back, with the
 * call's result (sendmmsg's as sendmmsg's); a call the kernel will restart
 * is restarted as the job made it. */
void sockpin_exit(struct thread *th);

/* The thread's slot, back to its address space (the thread is gone, or its
 * process has a new image). */
void sockpin_release(struct thread *th);

#endif
