/* codepage: the code the monitor maps into a job.
 *
 * One read+execute mapping per address space, written from outside:
 *
 *   base +------------------------------+
 *        | stub: syscall gadget, return |  fixed code (arch_stub)
 *        | trap, errno_fn word, deny    |
 *   +256 | message area                 |  strings handed to the loader
 *   +4K  +------------------------------+
 *        | trap trap trap trap ...      |  one trap byte per redirected slot:
 *        |                              |  the address that traps says which
 *        |                              |  slot, so which object and function
 *   +56K +------------------------------+
 *        | fast entry, fast entry, ...  |  16 bytes per exec slot with the
 *        +------------------------------+  fast path: load its trap, go to it
 *
 * The job cannot write it (read+execute only); the monitor writes through
 * /proc/<pid>/mem.
 */
#ifndef PYSBX_CODEPAGE_H
#define PYSBX_CODEPAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "inject/remote.h"

#define CODEPAGE_SIZE   (64u * 1024u)
#define CODEPAGE_MSG    256u            /* messages the loader reads (refusals) */
#define CODEPAGE_MSG_MAX 3584u
#define CODEPAGE_STUBS0 4096u           /* first trap byte */
#define CODEPAGE_FAST0  (56u * 1024u)   /* first fast entry; traps end here */
#define CODEPAGE_FAST_LEN 16u

struct codepage {
	uint64_t base;     /* 0 until mapped */
	uint32_t n_used;   /* trap bytes handed out */
	uint32_t n_fast;   /* fast entries handed out */
};

/* Maps and fills the code page in a thread stopped where the first injection
 * may run (see remote_syscall_at_pc), at hint when that range is free (the
 * whole job shares one address, which the seccomp filter protects), else
 * where the kernel puts it.  res reports a thread that died. */
int codepage_create(pid_t tid, pid_t tgid, int memfd, uint64_t hint, struct codepage *cp,
                    struct remote_result *res);

/* Writes the address of __errno_location into the page (for the deny routine). */
int codepage_set_errno_fn(int memfd, const struct codepage *cp, uint64_t fn);

uint64_t codepage_gadget(const struct codepage *cp);
uint64_t codepage_deny(const struct codepage *cp);
uint64_t codepage_ret_trap(const struct codepage *cp);

/* Writes a fast entry for the trap of index trap (see arch_fast_entry);
 * returns its address, or 0 when the region is full or the write failed. */
uint64_t codepage_add_fast(int memfd, struct codepage *cp, uint32_t trap);

/* Hands out the next trap byte; returns its index or -ENOSPC. */
long codepage_alloc_trap(struct codepage *cp);
uint64_t codepage_trap_addr(const struct codepage *cp, uint32_t index);
/* Index of the trap byte whose trap left the thread at pc, or -1. */
long codepage_trap_index(const struct codepage *cp, uint64_t pc);

#endif
