/* argpin: a system call's memory arguments pinned where the job cannot change them.
 *
 * Some system calls that pysbx judges take what matters from the caller's
 * memory: where connect, sendto, sendmsg and sendmmsg send, which file chmod,
 * chown, setxattr or utimes changes.  Another thread of the job can rewrite
 * that memory between the monitor's look and the kernel's copy (a path of
 * its own while the monitor reads, the docker daemon's socket or /etc/passwd
 * when the kernel does).  So at the call's stop the monitor copies the
 * argument into the calling thread's slot of the stage, a read-only mapping
 * a process gets at its first such call, points the call's register
 * there, and judges that copy: what the monitor judged is what the kernel
 * reads.  The filter keeps the stage as it keeps the code page (no mprotect,
 * munmap, mremap, madvise or MAP_FIXED reaches it), and /proc/<pid>/mem is
 * outside the job's write set.
 *
 * A named unix socket path is pinned in its absolute, symlink-free form when
 * that fits, so a link or a working directory the job changes afterwards no
 * longer matters.  What pinning cannot hold is the file system itself: a
 * directory of a path in the write set that the job renames between the
 * check and the kernel's lookup (pysbx-trace(1), LIMITATIONS).
 *
 *   m->cp_addr - ARGPIN_SIZE                       m->cp_addr
 *   +---------+---------+-- ... --+---------------+-----------+
 *   | slot 0  | slot 1  |         | slot 511      | code page |
 *   +---------+---------+-- ... --+---------------+-----------+
 *   a slot (4 KiB, one per thread that made such a call):
 *     socket calls: +0 struct msghdr (sendmsg, sendmmsg), +64 the address
 *     file calls:   +0 the path, NUL-terminated (PATH_MAX with its NUL)
 *
 * The call runs to its syscall-exit stop, where the job's registers come
 * back.  sendmmsg writes each message's result into the caller's vector,
 * which a read-only copy cannot take: it runs as a sendmsg of its first
 * message, and its result goes back as sendmmsg's (one message sent; callers
 * send the rest, as after any short sendmmsg).
 *
 * In audit mode nothing is pinned (no stage, no change the job could see):
 * the arguments are read and judged as they are.
 */
#ifndef PYSBX_ARGPIN_H
#define PYSBX_ARGPIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inject/arch.h"
#include "monitor/tracee.h"

#define ARGPIN_SLOT 4096u
#define ARGPIN_SIZE (ASPACE_STAGE_SLOTS * ARGPIN_SLOT)

/* Where the stage goes: just below the code page, inside what the filter keeps. */
static inline uint64_t argpin_base(uint64_t cp_addr)
{
	return cp_addr - ARGPIN_SIZE;
}

/* At the stop of connect, sendto, sendmsg or sendmmsg (funcs[fid]) by thread
 * th, registers r: copies the destination into th's slot and points r at the
 * copy (r only: the caller sets the registers when the call is let run, and
 * th->pin_saved keeps the job's).  *dests gets the named unix socket paths
 * the call sends to (a malloc'd NULL-terminated vector, *n of them), as
 * pinned.  With pin false (audit mode: nothing is enforced, and nothing the
 * job sees may change) the destinations are only read.  Returns 1 when
 * pinned, 0 when nothing was (no address the kernel will read, or pin
 * false), or the negative errno the call is to fail with. */
int argpin_socket(struct thread *th, arch_regs *r, int fid, bool pin, char ***dests, size_t *n);

/* The same for a path: the string at system-call argument i (NULL: nothing
 * to pin, *path NULL).  *path gets the string as pinned (malloc'd).  Returns
 * 1, 0 or the negative errno as argpin_socket (an unreadable path EFAULT, one
 * without its NUL within PATH_MAX ENAMETOOLONG, as the kernel would). */
int argpin_path(struct thread *th, arch_regs *r, unsigned i, bool pin, char **path);

/* The same for a value of size bytes (at most ARGPIN_SLOT) that argument i
 * points to and the kernel only reads (a process id, struct f_owner_ex).
 * *at gets where the decision is to read it (the pinned copy; the job's
 * address when not pinned).  Returns 1, 0 or the negative errno as
 * argpin_socket (EFAULT when it cannot be read, as the kernel would). */
int argpin_value(struct thread *th, arch_regs *r, unsigned i, size_t size, bool pin,
                 uint64_t *at);

/* At the first such call of a process without a stage: makes the call the
 * stage's mmap (at base, read-only, never over another mapping), to be run
 * to its syscall-exit stop, where argpin_exit makes the thread run the call
 * again, now with a stage.  Returns 1 when r was changed so, 0 when the
 * process has its stage (or cannot have one: pinning then fails closed). */
int argpin_stage(struct thread *th, arch_regs *r, uint64_t base);

/* The syscall-exit stop of a pinned call: the job's registers back, with the
 * call's result (sendmmsg's as sendmmsg's); a call the kernel will restart
 * is restarted as the job made it.  After argpin_stage's mmap: the call is
 * made again, from its system-call instruction. */
void argpin_exit(struct thread *th);

/* The thread's slot, back to its address space (the thread is gone, or its
 * process has a new image). */
void argpin_release(struct thread *th);

#endif
