/* arch: everything specific to the CPU, behind one small interface.
 *
 * Registers and the calling convention, the trap instruction, system call
 * numbers and the machine code placed in the job's code page.  One file per
 * architecture implements it (arch_x86_64.c); the monitor's logic never looks at
 * a register by name.
 */
#ifndef PYSBX_ARCH_H
#define PYSBX_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

typedef struct user_regs_struct arch_regs;

#define ARCH_TRAP_BYTE 0xcc   /* int3 */
#define ARCH_TRAP_LEN  1      /* the reported pc is this far past the trap */

int arch_get_regs(pid_t tid, arch_regs *r);
int arch_set_regs(pid_t tid, const arch_regs *r);

uint64_t arch_pc(const arch_regs *r);
void arch_set_pc(arch_regs *r, uint64_t pc);
uint64_t arch_sp(const arch_regs *r);
void arch_set_sp(arch_regs *r, uint64_t sp);

/* Integer arguments of a function call at its first instruction (0..5). */
uint64_t arch_call_arg(const arch_regs *r, unsigned i);
void arch_set_call_arg(arch_regs *r, unsigned i, uint64_t v);
/* Where stack-passed argument i (i >= 6) lives at the function's first instruction. */
uint64_t arch_call_stack_arg_addr(const arch_regs *r, unsigned i);
/* Address of the return address at the function's first instruction. */
uint64_t arch_return_slot(const arch_regs *r);
void arch_set_retval(arch_regs *r, uint64_t v);
uint64_t arch_retval(const arch_regs *r);

/* System call stops: number and arguments (0..5). */
long arch_syscall_nr(const arch_regs *r);
void arch_set_syscall_nr(arch_regs *r, long nr);
uint64_t arch_syscall_arg(const arch_regs *r, unsigned i);
void arch_set_syscall_arg(arch_regs *r, unsigned i, uint64_t v);
/* Registers of a system-call stop made to run the call again from its
 * instruction when resumed (the number back in place, the pc on the insn). */
void arch_restart_syscall(arch_regs *r);
/* Prepares registers to run system call nr at the gadget (see stub layout). */
void arch_setup_syscall(arch_regs *r, uint64_t gadget, long nr, const uint64_t args[6]);

/* Makes a stopped thread return from the function it just entered, with the
 * given return value (the return address is read by the caller). */
void arch_return_to(arch_regs *r, uint64_t ret_addr, uint64_t retval);
/* Sends the thread to the code page's deny routine, which sets errno to err in
 * the calling thread and returns retval to the caller. */
void arch_deny_with_errno(arch_regs *r, uint64_t deny_entry, uint64_t retval, int err);

/* Machine code copied to the start of the code page.  Offsets are from its start. */
struct arch_stub {
	const unsigned char *code;
	size_t len;
	size_t off_gadget;    /* "syscall; trap": injected system calls */
	size_t off_errno_fn;  /* 8-byte word: address of __errno_location */
	size_t off_deny;      /* deny routine (arch_deny_with_errno) */
	size_t off_ret_trap;  /* a trap used as a return address to catch a return */
	size_t off_exec_fast; /* exec fast path: fails an unexecutable path in the job */
};
const struct arch_stub *arch_stub(void);

/* The code page's gadget is "syscall; trap": this long. */
#define ARCH_GADGET_LEN 3
/* Code for an injected system call written over a thread's code before the
 * code page exists: "load nr; syscall; trap".  It loads the number itself
 * because at an exec stop the kernel has yet to store execve's return value in
 * the register that holds the number.  Returns its length (<= 16). */
size_t arch_gadget_with_nr(long nr, unsigned char buf[16]);
/* A slot's fast entry at address at: loads trap's address (where the fast
 * path goes on to when the monitor must decide) and the address of the word
 * holding target (the real function: where a path allowed already goes), and
 * jumps to fast (the stub's exec fast path).  The code page is within 2 GiB
 * of itself, so 32-bit displacements do.  Returns 32. */
size_t arch_fast_entry(uint64_t at, uint64_t trap, uint64_t target, uint64_t fast,
                       unsigned char buf[32]);

/* Numbers the injector needs. */
extern const long arch_nr_mmap, arch_nr_munmap, arch_nr_mprotect, arch_nr_exit_group,
	arch_nr_prctl, arch_nr_seccomp;

/* A seccomp stop, from the kernel (not from the filter's data, which a filter
 * of the job's own can choose): the audit architecture and the system call
 * number.  0 or a negative errno. */
int arch_seccomp_stop(pid_t tid, uint32_t *audit_arch, long *nr);
/* Whether a system call with that audit architecture and number is one of
 * this architecture's own (the filter is written for those only). */
bool arch_syscall_native(uint32_t audit_arch, long nr);

/* Decodes the clone flags of the system call a thread stopped in at a fork,
 * vfork or clone event (clone3 keeps them in memory: *args_addr is set and the
 * caller reads the first 8 bytes there).  Returns 0, or -1 when unknown. */
int arch_clone_flags(const arch_regs *r, uint64_t *flags, uint64_t *args_addr);

#endif
