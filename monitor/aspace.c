/* aspace: address-space models (see aspace.h). */
#include "monitor/aspace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inject/mem.h"
#include "monitor/backtrace.h"

struct aspace *aspace_new(void)
{
	struct aspace *as = calloc(1, sizeof *as);
	if (!as)
		return NULL;
	as->refs = 1;
	as->memfd = -1;
	as->listed_changed = true;
	return as;
}

int aspace_memfd(struct aspace *as, pid_t tid)
{
	if (as->memfd < 0)
		as->memfd = mem_open(tid);
	return as->memfd;
}

static int copy_objects(struct aspace *dst, const struct aspace *src)
{
	if (!src->n_objs)
		return 0;
	dst->objs = calloc(src->n_objs, sizeof *dst->objs);
	if (!dst->objs)
		return -ENOMEM;
	dst->cap_objs = src->n_objs;
	for (size_t i = 0; i < src->n_objs; i++) {
		dst->objs[i] = src->objs[i];
		dst->objs[i].path = strdup(src->objs[i].path);
		dst->objs[i].why = src->objs[i].why ? strdup(src->objs[i].why) : NULL;
		if (!dst->objs[i].path)
			return -ENOMEM;
		dst->n_objs++;
	}
	return 0;
}

struct aspace *aspace_copy(const struct aspace *parent)
{
	struct aspace *as = aspace_new();
	if (!as)
		return NULL;
	as->python = parent->python;
	as->cp = parent->cp;
	as->stage = parent->stage;  /* copied with the memory; its slots are the new threads' */
	as->stage_failed = parent->stage_failed;
	as->r_brk = parent->r_brk;
	as->r_debug = parent->r_debug;
	as->errno_fn = parent->errno_fn;
	as->started = parent->started;
	memcpy(as->heads, parent->heads, sizeof as->heads);
	memcpy(as->tails, parent->tails, sizeof as->tails);
	as->n_heads = parent->n_heads;
	as->listed_changed = parent->listed_changed;
	as->n_pending = parent->n_pending;
	if (parent->n_init_bps) {
		as->init_bps = malloc(parent->n_init_bps * sizeof *as->init_bps);
		if (!as->init_bps) {
			aspace_put(as);
			return NULL;
		}
		memcpy(as->init_bps, parent->init_bps, parent->n_init_bps * sizeof *as->init_bps);
		as->n_init_bps = as->cap_init_bps = parent->n_init_bps;
	}
	if (copy_objects(as, parent) < 0 || got_copy(&as->got, &parent->got) < 0) {
		aspace_put(as);
		return NULL;
	}
	return as;
}

struct aspace *aspace_get(struct aspace *as)
{
	as->refs++;
	return as;
}

void aspace_put(struct aspace *as)
{
	if (!as || --as->refs > 0)
		return;
	for (size_t i = 0; i < as->n_objs; i++) {
		free(as->objs[i].path);
		free(as->objs[i].why);
	}
	free(as->objs);
	free(as->init_bps);
	backtrace_free(as->unw);
	got_free(&as->got);
	if (as->memfd >= 0)
		close(as->memfd);
	free(as);
}

long aspace_add_object(struct aspace *as, const struct object *o)
{
	if (as->n_objs == as->cap_objs) {
		size_t cap = as->cap_objs ? 2 * as->cap_objs : 32;
		struct object *v = realloc(as->objs, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		as->objs = v;
		as->cap_objs = cap;
	}
	as->objs[as->n_objs] = *o;
	return (long)as->n_objs++;
}

long aspace_find_object(const struct aspace *as, uint64_t lm, uint64_t bias)
{
	for (size_t i = 0; i < as->n_objs; i++)
		if (as->objs[i].lm == lm && as->objs[i].bias == bias && as->objs[i].live)
			return (long)i;
	return -1;
}
