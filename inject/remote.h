/* remote: running a system call inside a stopped tracee.
 *
 * The thread's registers are saved, its pc is pointed at a "syscall; trap"
 * gadget, it runs until the trap, and its registers are restored.  Signals that
 * arrive meanwhile are held back and raised again afterwards, so the job sees
 * them as usual.
 *
 *   saved regs --> set nr/args, pc = gadget --> CONT --> trap after syscall
 *                                                  --> read result, restore regs
 */
#ifndef PYSBX_REMOTE_H
#define PYSBX_REMOTE_H

#include <stdint.h>
#include <sys/types.h>

struct remote_result {
	long ret;         /* the system call's return value (negative errno on failure) */
	int died;         /* the thread ended during the call ... */
	int wait_status;  /* ... with this waitpid status, which the caller must process */
};

/* Runs system call nr in thread tid (of process tgid) using a gadget already in
 * the tracee.  Returns 0 (see res), or a negative errno when ptrace failed. */
int remote_syscall(pid_t tid, pid_t tgid, uint64_t gadget, long nr,
                   const uint64_t args[6], struct remote_result *res);

/* Same, but first writes the gadget over the code at the thread's pc and puts
 * the original bytes back afterwards: for the first injection into a new image,
 * before any code page exists.  Only safe while no other thread can run there. */
int remote_syscall_at_pc(pid_t tid, pid_t tgid, int memfd, long nr,
                         const uint64_t args[6], struct remote_result *res);

#endif
