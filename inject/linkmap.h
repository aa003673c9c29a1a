/* linkmap: the dynamic loader's debugger interface, read from outside.
 *
 * glibc keeps `_r_debug` (struct r_debug, <link.h>) with the head of the list of
 * loaded objects and calls `_dl_debug_state` (r_brk) around every change, with
 * r_state RT_ADD / RT_DELETE before and RT_CONSISTENT after.  Namespaces made by
 * dlmopen chain further r_debug structures through r_next (r_version >= 2).
 * Only the public, stable part of struct link_map is read.
 */
#ifndef PYSBX_LINKMAP_H
#define PYSBX_LINKMAP_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

enum { LM_CONSISTENT = 0, LM_ADD = 1, LM_DELETE = 2 };

struct lm_debug {
	int version;
	uint64_t map;     /* first struct link_map */
	uint64_t brk;
	int state;        /* LM_* */
	uint64_t ldbase;
	uint64_t next;    /* next namespace's r_debug, or 0 */
};

struct lm_entry {
	uint64_t self;    /* address of the struct link_map */
	uint64_t l_addr;  /* load bias */
	uint64_t l_ld;    /* its dynamic section */
	char name[PATH_MAX];
};

#define LINKMAP_MAX_OBJECTS 65536

int linkmap_read_debug(pid_t tid, uint64_t addr, struct lm_debug *d);

/* Calls cb for each object of one namespace's list, in order.  Stops at the
 * first nonzero return of cb (returned) or on a read error (negative errno);
 * -ELOOP when the list is longer than LINKMAP_MAX_OBJECTS (a cycle). */
int linkmap_walk(pid_t tid, uint64_t first,
                 int (*cb)(void *ctx, const struct lm_entry *e), void *ctx);

/* The l_next of the struct link_map at lm (0 at the end of the list). */
int linkmap_next(pid_t tid, uint64_t lm, uint64_t *next);

#endif
