/* pystack_pages: a per-call cache of whole pages of a tracee's memory.
 *
 * One process_vm_readv costs ~4 us here whatever it reads, and a Python stack
 * is a few dozen small objects that cluster (frames on one data stack chunk,
 * a code object beside its strings): pystack asks for every page an object
 * needs, a phase at a time (pystack_pages_want), fetches them in one system
 * call (pystack_pages_fill), and copies out of the cache (pystack_pages_read).
 * Pages that cannot be read are remembered as such.  The cache lives for one
 * pystack_read; another thread of the job may change a page after it is read,
 * which is no worse than reading it later.
 */
#ifndef PYSBX_PYSTACK_PAGES_H
#define PYSBX_PYSTACK_PAGES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PYSTACK_PAGE       4096u
#define PYSTACK_PAGES_MAX  64      /* pages held; a full cache starts over */
#define PYSTACK_WANT_MAX   64      /* pages asked for before one fill */

struct pystack_page {
	uint64_t addr;   /* page address */
	int rc;          /* 0, or why it cannot be read (-EFAULT, -ESRCH) */
	uint8_t *data;   /* PYSTACK_PAGE bytes when rc == 0 */
};

struct pystack_pages {
	pid_t tid;
	struct pystack_page page[PYSTACK_PAGES_MAX];
	size_t n;
	uint64_t want[PYSTACK_WANT_MAX];
	size_t n_want;
	unsigned syscalls;  /* process_vm_readv calls made (for tests) */
};

void pystack_pages_init(struct pystack_pages *pc, pid_t tid);
void pystack_pages_free(struct pystack_pages *pc);

/* Asks for the pages of [addr, addr+len) at the next fill.  len is small (an
 * object's header): at most PYSTACK_WANT_MAX pages are remembered. */
void pystack_pages_want(struct pystack_pages *pc, uint64_t addr, size_t len);

/* Reads every page asked for and not held, in one system call when all are
 * readable (one more for each that is not). */
void pystack_pages_fill(struct pystack_pages *pc);

/* Copies [addr, addr+len) out of the cache, reading what is missing first.
 * Returns 0, -EFAULT or -ESRCH. */
int pystack_pages_read(struct pystack_pages *pc, uint64_t addr, void *buf, size_t len);

#endif
