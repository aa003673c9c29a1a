/* got: the table of redirected slots (see got.h). */
#include "inject/got.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/mem.h"

static int grow(struct got_table *t)
{
	if (t->n < t->cap)
		return 0;
	size_t cap = t->cap ? 2 * t->cap : 256;
	struct got_slot *v = realloc(t->v, cap * sizeof *v);
	if (!v)
		return -ENOMEM;
	t->v = v;
	t->cap = cap;
	return 0;
}

long got_add(struct codepage *cp, struct got_table *t, const struct got_slot *s)
{
	int rc = grow(t);
	if (rc < 0)
		return rc;
	if ((size_t)cp->n_used != t->n)
		return -EINVAL;  /* trap indexes and table indexes must stay in step */
	long idx = codepage_alloc_trap(cp);
	if (idx < 0)
		return idx;
	t->v[t->n++] = *s;
	return idx;
}

int got_redirect(int memfd, struct codepage *cp, struct got_table *t, const struct got_slot *s,
                 bool fast)
{
	long idx = got_add(cp, t, s);
	if (idx < 0)
		return (int)idx;
	uint64_t entry = fast ? codepage_add_fast(memfd, cp, (uint32_t)idx, s->target) : 0;
	t->v[idx].fast = entry != 0;
	int rc = mem_write_word(memfd, s->addr, entry ? entry : codepage_trap_addr(cp, (uint32_t)idx));
	if (rc < 0) {
		cp->n_used--;  /* the last one: take it back */
		t->n--;
	}
	return rc;
}

const struct got_slot *got_by_trap(const struct got_table *t, const struct codepage *cp,
                                   uint64_t pc)
{
	long idx = codepage_trap_index(cp, pc);
	if (idx < 0 || (size_t)idx >= t->n)
		return NULL;
	return &t->v[idx];
}

int got_copy(struct got_table *dst, const struct got_table *src)
{
	memset(dst, 0, sizeof *dst);
	if (!src->n)
		return 0;
	dst->v = malloc(src->n * sizeof *dst->v);
	if (!dst->v)
		return -ENOMEM;
	memcpy(dst->v, src->v, src->n * sizeof *dst->v);
	dst->n = dst->cap = src->n;
	return 0;
}

void got_free(struct got_table *t)
{
	free(t->v);
	memset(t, 0, sizeof *t);
}
