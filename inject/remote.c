/* remote: injected system calls (see remote.h). */
#include "inject/remote.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject/arch.h"
#include "inject/mem.h"

#define MAX_HELD 16

struct held { int sig[MAX_HELD]; int n; };

static void hold(struct held *h, int sig)
{
	for (int i = 0; i < h->n; i++)
		if (h->sig[i] == sig)
			return;  /* standard signals merge anyway */
	if (h->n < MAX_HELD)
		h->sig[h->n++] = sig;
}

static void raise_held(pid_t tgid, pid_t tid, const struct held *h)
{
	for (int i = 0; i < h->n; i++)
		syscall(SYS_tgkill, tgid, tid, h->sig[i]);
}

/* Runs the thread until it stops at the trap that follows the gadget. */
static int run_to_trap(pid_t tid, uint64_t trap_pc, struct held *h, struct remote_result *res)
{
	int sig = 0;
	for (;;) {
		if (ptrace(PTRACE_CONT, tid, 0, (void *)(long)sig) < 0)
			return -errno;
		sig = 0;
		int st;
		pid_t w;
		do
			w = waitpid(tid, &st, __WALL);
		while (w < 0 && errno == EINTR);
		if (w < 0)
			return -errno;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			res->died = 1;
			res->wait_status = st;
			return 0;
		}
		if (!WIFSTOPPED(st))
			continue;
		if (st >> 16)  /* a ptrace event or a listen stop: nothing to deliver */
			continue;
		int s = WSTOPSIG(st);
		if (s == SIGTRAP) {
			arch_regs r;
			int rc = arch_get_regs(tid, &r);
			if (rc < 0)
				return rc;
			if (arch_pc(&r) == trap_pc)
				return 0;
		}
		hold(h, s);
	}
}

static int run_syscall(pid_t tid, pid_t tgid, uint64_t gadget, uint64_t trap_pc, long nr,
                       const uint64_t args[6], struct remote_result *res)
{
	arch_regs saved, r;
	struct held h = {.n = 0};
	memset(res, 0, sizeof *res);
	int rc = arch_get_regs(tid, &saved);
	if (rc < 0)
		return rc;
	r = saved;
	arch_setup_syscall(&r, gadget, nr, args);
	rc = arch_set_regs(tid, &r);
	if (rc < 0)
		return rc;
	rc = run_to_trap(tid, trap_pc, &h, res);
	if (rc < 0 || res->died)
		return rc;
	rc = arch_get_regs(tid, &r);
	if (rc == 0) {
		res->ret = (long)arch_retval(&r);
		rc = arch_set_regs(tid, &saved);
	}
	raise_held(tgid, tid, &h);
	return rc;
}

int remote_syscall(pid_t tid, pid_t tgid, uint64_t gadget, long nr,
                   const uint64_t args[6], struct remote_result *res)
{
	return run_syscall(tid, tgid, gadget, gadget + ARCH_GADGET_LEN, nr, args, res);
}

int remote_syscall_at_pc(pid_t tid, pid_t tgid, int memfd, long nr,
                         const uint64_t args[6], struct remote_result *res)
{
	arch_regs r;
	unsigned char orig[16], code[16];
	size_t len = arch_gadget_with_nr(nr, code);
	int rc = arch_get_regs(tid, &r);
	if (rc < 0)
		return rc;
	uint64_t pc = arch_pc(&r);
	rc = mem_read(tid, pc, orig, len);
	if (rc < 0)
		return rc;
	rc = mem_write(memfd, pc, code, len);
	if (rc < 0)
		return rc;
	rc = run_syscall(tid, tgid, pc, pc + len, nr, args, res);
	if (!res->died) {
		int wrc = mem_write(memfd, pc, orig, len);
		if (rc == 0)
			rc = wrc;
	}
	return rc;
}
