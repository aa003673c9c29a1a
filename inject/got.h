/* got: redirected GOT slots of one address space.
 *
 * Each redirected slot gets its own trap byte in the code page; the slot's
 * index in the table is the trap's index, so a trap names its slot in O(1).
 * The original word stays beside the patch (to check or undo it), and the real
 * target -- where an allowed call continues -- is kept with it.
 */
#ifndef PYSBX_GOT_H
#define PYSBX_GOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inject/codepage.h"

struct got_slot {
	uint64_t addr;      /* the slot in the job; 0 for a trap handed out by dlsym */
	uint64_t original;  /* the word the loader left there */
	uint64_t target;    /* the real function; 0 when it could not be resolved */
	uint32_t func;      /* the monitor's function id */
	uint32_t object;    /* the monitor's object id */
	bool dead;          /* its object was unloaded */
	bool fast;          /* reached through a fast entry (codepage.h) */
};

struct got_table {
	struct got_slot *v;
	size_t n, cap;
};

/* Records s under a fresh trap (s->addr 0: a trap handed out, no slot);
 * returns the trap's index or a negative errno. */
long got_add(struct codepage *cp, struct got_table *t, const struct got_slot *s);
/* Writes a fresh trap's address into s->addr and records s.  With fast, the
 * slot gets a fast entry in front of its trap instead (codepage.h: the exec
 * fast path), or the trap itself when no entry is left. */
int got_redirect(int memfd, struct codepage *cp, struct got_table *t, const struct got_slot *s,
                 bool fast);
/* The slot whose trap left a thread at pc, or NULL. */
const struct got_slot *got_by_trap(const struct got_table *t, const struct codepage *cp,
                                   uint64_t pc);
int got_copy(struct got_table *dst, const struct got_table *src);
void got_free(struct got_table *t);

#endif
