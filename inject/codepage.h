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
 *   +52K +------------------------------+
 *        | exec paths allowed already   |  32 x 128 bytes, NUL-terminated,
 *        |                              |  each written once
 *   +56K +------------------------------+
 *        | fast entry, fast entry, ...  |  32 bytes per exec slot with the
 *        +------------------------------+  fast path: load its trap and its
 *                                          real function, go to the path
 *
 * The job cannot write it (read+execute only); the monitor writes through
 * /proc/<pid>/mem.
 *
 * The exec paths are a cache of the monitor's own verdicts, not a check: an
 * execve or execv whose path string is one the monitor allowed before (for a
 * program whose verdict does not depend on its arguments) goes straight to
 * the real function.  Every exec that succeeds is judged again at its exec
 * stop, from the file the kernel actually loaded, so a stale entry (the path
 * now names another file) changes only where a denial happens, not whether.
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
/* plain numbers: the stub's assembly uses them too */
#define CODEPAGE_CACHE0 53248           /* 52K: exec paths allowed; traps end here */
#define CODEPAGE_CACHE_N 32
#define CODEPAGE_CACHE_LEN 128          /* one path, its NUL included */
#define CODEPAGE_FAST0  (56u * 1024u)   /* first fast entry */
#define CODEPAGE_FAST_LEN 32u

struct codepage {
	uint64_t base;     /* 0 until mapped */
	uint32_t n_used;   /* trap bytes handed out */
	uint32_t n_fast;   /* fast entries handed out */
	uint32_t n_cached; /* exec paths written */
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

/* Writes a fast entry for the trap of index trap whose allowed calls go on to
 * target (see arch_fast_entry); returns its address, or 0 when the region is
 * full or the write failed. */
uint64_t codepage_add_fast(int memfd, struct codepage *cp, uint32_t trap, uint64_t target);

/* Records path as an exec path allowed already (see above).  Not recorded: a
 * path too long for an entry (-ENAMETOOLONG), or any once all are taken
 * (-ENOSPC). */
int codepage_cache_exec(int memfd, struct codepage *cp, const char *path);

/* Hands out the next trap byte; returns its index or -ENOSPC. */
long codepage_alloc_trap(struct codepage *cp);
uint64_t codepage_trap_addr(const struct codepage *cp, uint32_t index);
/* Index of the trap byte whose trap left the thread at pc, or -1. */
long codepage_trap_index(const struct codepage *cp, uint64_t pc);

#endif
