/* arch for x86-64 (System V calling convention, Linux system calls). */
#include "inject/arch.h"
#include "inject/codepage.h"

#include <errno.h>
#include <linux/audit.h>
#include <stdbool.h>
#include <sched.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <asm/unistd.h>

#define PYSBX_STR2(x) #x
#define PYSBX_STR(x) PYSBX_STR2(x)

const long arch_nr_mmap = SYS_mmap, arch_nr_munmap = SYS_munmap,
	   arch_nr_mprotect = SYS_mprotect, arch_nr_exit_group = SYS_exit_group,
	   arch_nr_prctl = SYS_prctl, arch_nr_seccomp = SYS_seccomp;

size_t arch_fast_entry(uint64_t at, uint64_t trap, uint64_t target, uint64_t fast,
                       unsigned char buf[32])
{
	int32_t to_trap = (int32_t)(trap - (at + 7)), to_fast = (int32_t)(fast - (at + 19));
	int32_t to_word = 24 - 14;
	memset(buf, 0xcc, 32);
	buf[0] = 0x4c;  /* lea to_trap(%rip), %r11 */
	buf[1] = 0x8d;
	buf[2] = 0x1d;
	memcpy(buf + 3, &to_trap, 4);
	buf[7] = 0x4c;  /* lea to_word(%rip), %r10: the word at +24 */
	buf[8] = 0x8d;
	buf[9] = 0x15;
	memcpy(buf + 10, &to_word, 4);
	buf[14] = 0xe9;  /* jmp to_fast */
	memcpy(buf + 15, &to_fast, 4);
	memcpy(buf + 24, &target, 8);
	return 32;
}

size_t arch_gadget_with_nr(long nr, unsigned char buf[16])
{
	uint32_t n = (uint32_t)nr;
	buf[0] = 0xb8;  /* mov $nr, %eax */
	memcpy(buf + 1, &n, 4);
	buf[5] = 0x0f;  /* syscall */
	buf[6] = 0x05;
	buf[7] = 0xcc;  /* int3 */
	return 8;
}

/* The code page's fixed part.  It is data in the monitor (never run here) and
 * position independent, so it can be copied anywhere in the job.  The deny
 * routine is entered in place of a denied function, with the caller's return
 * address on the stack; it calls __errno_location so errno is set in the
 * calling thread whatever its TLS layout, then returns to the caller.
 * Stack at entry is 8 mod 16; two pushes and 8 bytes keep the call aligned. */
__asm__(".pushsection .rodata.pysbx_stub,\"a\"\n"
	".balign 16\n"
	"pysbx_stub_begin:\n"
	"pysbx_stub_gadget:\n"
	"  syscall\n"
	"  int3\n"
	"pysbx_stub_ret_trap:\n"
	"  int3\n"
	".balign 8\n"
	"pysbx_stub_errno_fn:\n"
	"  .quad 0\n"
	".balign 16\n"
	"pysbx_stub_deny:\n"
	"  push %rbx\n"
	"  push %r12\n"
	"  sub $8, %rsp\n"
	"  mov %r11, %rbx\n"          /* return value */
	"  mov %r10, %r12\n"          /* errno value */
	"  call *pysbx_stub_errno_fn(%rip)\n"
	"  mov %r12d, (%rax)\n"
	"  mov %rbx, %rax\n"
	"  add $8, %rsp\n"
	"  pop %r12\n"
	"  pop %rbx\n"
	"  ret\n"
	"  int3\n"
	/* Exec fast path.  A slot's fast entry loads its trap's address into r11
	 * and the address of its real function's word into r10, and jumps here.
	 * First faccessat(AT_FDCWD, path, X_OK) in the job: when the program
	 * cannot be executed the call fails here, with the kernel's errno and no
	 * stop (an execv along PATH tries every directory).  Then the path is
	 * compared with the exec paths the monitor allowed already (codepage.h):
	 * one of them goes on to the real function, anything else to the trap,
	 * where the monitor decides.  Skipping the stop is safe either way: every
	 * exec that succeeds is judged at its exec stop.  The path is read up to
	 * its first difference from an entry, never past its NUL.  syscall
	 * clobbers rcx and r11; rax (al of a variadic call) and the argument
	 * registers are kept. */
	".balign 16\n"
	"pysbx_stub_exec_fast:\n"
	"  push %rax\n"
	"  push %rcx\n"
	"  push %rdx\n"
	"  push %rsi\n"
	"  push %rdi\n"
	"  push %r8\n"
	"  push %r9\n"
	"  push %r11\n"
	"  push %r10\n"
	"  mov %rdi, %rsi\n"
	"  mov $-100, %rdi\n"         /* AT_FDCWD */
	"  mov $1, %edx\n"            /* X_OK */
	"  xor %r10d, %r10d\n"
	"  mov $269, %eax\n"          /* faccessat */
	"  syscall\n"
	"  test %rax, %rax\n"
	"  js 5f\n"
	"  mov 32(%rsp), %rsi\n"      /* the path (saved rdi) */
	"  lea pysbx_stub_begin+" PYSBX_STR(CODEPAGE_CACHE0) "(%rip), %rdi\n"
	"  mov $" PYSBX_STR(CODEPAGE_CACHE_N) ", %ecx\n"
	"1:\n"
	"  xor %edx, %edx\n"
	"2:\n"
	"  movzbl (%rdi,%rdx), %eax\n"
	"  cmp %al, (%rsi,%rdx)\n"
	"  jne 3f\n"
	"  test %al, %al\n"
	"  jz 4f\n"                   /* the whole path matched */
	"  inc %edx\n"
	"  cmp $" PYSBX_STR(CODEPAGE_CACHE_LEN) ", %edx\n"
	"  jb 2b\n"
	"3:\n"
	"  add $" PYSBX_STR(CODEPAGE_CACHE_LEN) ", %rdi\n"
	"  dec %ecx\n"
	"  jnz 1b\n"
	"  pop %r10\n"                /* no entry: on to the trap */
	"  pop %r11\n"
	"  jmp 6f\n"
	"4:\n"
	"  pop %r10\n"
	"  pop %r11\n"
	"  mov (%r10), %r10\n"        /* the real function, 0 if unresolved */
	"  test %r10, %r10\n"
	"  jz 6f\n"
	"  mov %r10, %r11\n"
	"6:\n"
	"  pop %r9\n"
	"  pop %r8\n"
	"  pop %rdi\n"
	"  pop %rsi\n"
	"  pop %rdx\n"
	"  pop %rcx\n"
	"  pop %rax\n"
	"  jmp *%r11\n"
	"5:\n"                         /* cannot be executed: */
	"  add $16, %rsp\n"           /* saved r10 and r11 not needed */
	"  mov %rax, %r10\n"          /* -errno, kept by the restore */
	"  lea 7f(%rip), %r11\n"
	"  jmp 6b\n"
	"7:\n"
	"  neg %r10\n"                /* errno for the deny routine */
	"  mov $-1, %r11\n"           /* return value */
	"  jmp pysbx_stub_deny\n"
	"  int3\n"
	"pysbx_stub_end:\n"
	".popsection\n");

extern const unsigned char pysbx_stub_begin[], pysbx_stub_end[], pysbx_stub_gadget[],
	pysbx_stub_errno_fn[], pysbx_stub_deny[], pysbx_stub_ret_trap[], pysbx_stub_exec_fast[];

const struct arch_stub *arch_stub(void)
{
	static struct arch_stub s;
	if (!s.code) {
		s.len = (size_t)(pysbx_stub_end - pysbx_stub_begin);
		s.off_gadget = (size_t)(pysbx_stub_gadget - pysbx_stub_begin);
		s.off_errno_fn = (size_t)(pysbx_stub_errno_fn - pysbx_stub_begin);
		s.off_deny = (size_t)(pysbx_stub_deny - pysbx_stub_begin);
		s.off_ret_trap = (size_t)(pysbx_stub_ret_trap - pysbx_stub_begin);
		s.off_exec_fast = (size_t)(pysbx_stub_exec_fast - pysbx_stub_begin);
		s.code = pysbx_stub_begin;
	}
	return &s;
}

int arch_get_regs(pid_t tid, arch_regs *r)
{
	return ptrace(PTRACE_GETREGS, tid, 0, r) == 0 ? 0 : -errno;
}

int arch_set_regs(pid_t tid, const arch_regs *r)
{
	return ptrace(PTRACE_SETREGS, tid, 0, r) == 0 ? 0 : -errno;
}

uint64_t arch_pc(const arch_regs *r) { return r->rip; }
void arch_set_pc(arch_regs *r, uint64_t pc) { r->rip = pc; }
uint64_t arch_sp(const arch_regs *r) { return r->rsp; }
void arch_set_sp(arch_regs *r, uint64_t sp) { r->rsp = sp; }
uint64_t arch_retval(const arch_regs *r) { return r->rax; }
void arch_set_retval(arch_regs *r, uint64_t v) { r->rax = v; }

uint64_t arch_call_arg(const arch_regs *r, unsigned i)
{
	switch (i) {
	case 0: return r->rdi;
	case 1: return r->rsi;
	case 2: return r->rdx;
	case 3: return r->rcx;
	case 4: return r->r8;
	case 5: return r->r9;
	default: return 0;
	}
}

void arch_set_call_arg(arch_regs *r, unsigned i, uint64_t v)
{
	switch (i) {
	case 0: r->rdi = v; break;
	case 1: r->rsi = v; break;
	case 2: r->rdx = v; break;
	case 3: r->rcx = v; break;
	case 4: r->r8 = v; break;
	case 5: r->r9 = v; break;
	default: break;
	}
}

/* At the first instruction [rsp] is the return address, stack arguments follow. */
uint64_t arch_call_stack_arg_addr(const arch_regs *r, unsigned i)
{
	return r->rsp + 8 + 8 * (uint64_t)(i - 6);
}

uint64_t arch_return_slot(const arch_regs *r) { return r->rsp; }

long arch_syscall_nr(const arch_regs *r) { return (long)r->orig_rax; }
void arch_set_syscall_nr(arch_regs *r, long nr) { r->orig_rax = (unsigned long long)nr; }

uint64_t arch_syscall_arg(const arch_regs *r, unsigned i)
{
	switch (i) {
	case 0: return r->rdi;
	case 1: return r->rsi;
	case 2: return r->rdx;
	case 3: return r->r10;
	case 4: return r->r8;
	case 5: return r->r9;
	default: return 0;
	}
}

void arch_restart_syscall(arch_regs *r)
{
	r->rax = r->orig_rax;
	r->rip -= 2;  /* syscall: 0f 05 */
}

void arch_set_syscall_arg(arch_regs *r, unsigned i, uint64_t v)
{
	switch (i) {
	case 0: r->rdi = v; break;
	case 1: r->rsi = v; break;
	case 2: r->rdx = v; break;
	case 3: r->r10 = v; break;
	case 4: r->r8 = v; break;
	case 5: r->r9 = v; break;
	default: break;
	}
}

void arch_setup_syscall(arch_regs *r, uint64_t gadget, long nr, const uint64_t a[6])
{
	r->rip = gadget;
	r->rax = (unsigned long long)nr;
	/* No system call is being restarted: keep the kernel from rewinding. */
	r->orig_rax = (unsigned long long)-1;
	r->rdi = a[0];
	r->rsi = a[1];
	r->rdx = a[2];
	r->r10 = a[3];
	r->r8 = a[4];
	r->r9 = a[5];
}

void arch_return_to(arch_regs *r, uint64_t ret_addr, uint64_t retval)
{
	r->rax = retval;
	r->rsp += 8;
	r->rip = ret_addr;
}

void arch_deny_with_errno(arch_regs *r, uint64_t deny_entry, uint64_t retval, int err)
{
	r->r11 = retval;
	r->r10 = (unsigned long long)err;
	r->rip = deny_entry;
}

int arch_clone_flags(const arch_regs *r, uint64_t *flags, uint64_t *args_addr)
{
	*args_addr = 0;
	switch (r->orig_rax) {
	case SYS_clone:
		*flags = r->rdi;
		return 0;
	case SYS_fork:
		*flags = 0;
		return 0;
	case SYS_vfork:
		*flags = CLONE_VM | CLONE_VFORK;
		return 0;
#ifdef SYS_clone3
	case SYS_clone3:
		*flags = 0;
		*args_addr = r->rdi;
		return 0;
#endif
	default:
		return -1;
	}
}

/* A system call of this architecture's own ABI: x86-64, not i386 (int 0x80,
 * another audit arch) and not x32 (the x32 bit in the number). */
bool arch_syscall_native(uint32_t audit_arch, long nr)
{
	return audit_arch == AUDIT_ARCH_X86_64 && nr >= 0 && !(nr & __X32_SYSCALL_BIT);
}

/* PTRACE_GET_SYSCALL_INFO's reply (Linux 5.3), as the kernel lays it out;
 * glibc's headers name the request but not the structure. */
struct syscall_info {
	uint8_t op;
	uint8_t pad[3];
	uint32_t arch;
	uint64_t ip, sp;
	union {
		struct {
			uint64_t nr;
			uint64_t args[6];
			uint32_t ret_data;
		} seccomp;
		uint64_t space[8];
	};
};
#define SYSCALL_INFO_SECCOMP 3

int arch_seccomp_stop(pid_t tid, uint32_t *audit_arch, long *nr)
{
	struct syscall_info si;
	memset(&si, 0, sizeof si);
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof si, &si);
	if (n < 0)
		return -errno;
	if (si.op != SYSCALL_INFO_SECCOMP)
		return -EINVAL;
	*audit_arch = si.arch;
	*nr = (long)si.seccomp.nr;
	return 0;
}
