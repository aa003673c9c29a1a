/* aspace: the monitor's model of one address space of the job.
 *
 * Threads of a process share one; a vfork child shares its parent's until it
 * execs; a fork child gets a copy (its memory is a copy: same code page, same
 * patched slots, same breakpoints).  Reference counted.
 */
#ifndef PYSBX_ASPACE_H
#define PYSBX_ASPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "elfscan/elfscan.h"
#include "inject/bkpt.h"
#include "inject/codepage.h"
#include "inject/got.h"
#include "monitor/pystack.h"

struct object {
	uint64_t lm;          /* its struct link_map in the job */
	uint64_t bias;        /* l_addr */
	uint64_t lo, hi;      /* mapped range of its PT_LOAD segments */
	char *path;           /* the file mapped (the executable's real path for "") */
	const struct elfscan_report *scan;  /* cached, shared; NULL when there is no file */
	bool live;            /* in the link map at the last walk */
	bool pending;         /* loaded by dlopen, not yet relocated: redirect later */
	bool trusted;         /* verdict.h: [module] rules may loosen its calls */
	bool refused;         /* its load is being made to fail ... */
	char *why;            /* ... for this reason */
};

/* A breakpoint on a pending object's constructor: the first code of the new
 * objects to run after the loader relocated them. */
struct init_bp {
	struct bkpt b;
	uint32_t object;
};

#define ASPACE_STAGE_SLOTS 512

struct aspace {
	int refs;
	int memfd;            /* /proc/<pid>/mem of this address space, opened when first needed */
	bool python;          /* the loader is hooked and slots are redirected */
	/* the image whose libraries are to be scanned ahead (prefetch.h); the
	 * report is the scan cache's */
	const struct elfscan_report *prefetch_exe;
	struct codepage cp;
	/* the argument stage (argpin.h): where it is mapped, 0 if not yet; how
	 * many threads are mapping it now; whether it cannot be; which of its
	 * slots threads hold */
	uint64_t stage;
	unsigned stage_mappers;
	bool stage_failed;
	uint32_t stage_used[ASPACE_STAGE_SLOTS / 32];
	struct bkpt r_brk;    /* on _dl_debug_state */
	uint64_t r_debug;     /* &_r_debug */
	uint64_t errno_fn;    /* __errno_location, once known */
	bool started;         /* the start-up objects are redirected */
	/* The lists as last walked: the last entry of each namespace's list.  New
	 * objects are appended, so a walk starts there unless something was
	 * unloaded since (listed_changed), which needs a full walk. */
	uint64_t heads[16], tails[16];
	size_t n_heads;
	bool listed_changed;
	struct object *objs;  /* in link-map order of first sight */
	size_t n_objs, cap_objs;
	size_t n_pending;
	struct init_bp *init_bps;
	size_t n_init_bps, cap_init_bps;
	struct got_table got;
	/* -b: how to read Python stacks here; py_state 0 not probed, 1 ok, -1 not understood */
	struct pystack_info py;
	int py_state;
	void *unw;            /* -b: libunwind's address space and its cache, or NULL */
};

/* A fresh model for a new image (after exec); NULL when out of memory. */
struct aspace *aspace_new(void);
/* The model of a fork child's copied memory; NULL when out of memory. */
struct aspace *aspace_copy(const struct aspace *parent);
/* The write descriptor, opened through thread tid (any thread using this
 * address space) the first time; a negative errno when it cannot be opened. */
int aspace_memfd(struct aspace *as, pid_t tid);
struct aspace *aspace_get(struct aspace *as);
void aspace_put(struct aspace *as);

/* Adds an object (takes ownership of path); returns its id or -ENOMEM. */
long aspace_add_object(struct aspace *as, const struct object *o);
/* The object with this link_map address and bias, or -1. */
long aspace_find_object(const struct aspace *as, uint64_t lm, uint64_t bias);

#endif
