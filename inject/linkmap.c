/* linkmap: reading r_debug and walking the link map (see linkmap.h). */
#include "inject/linkmap.h"

#include <errno.h>
#include <string.h>

#include "inject/mem.h"

int linkmap_read_debug(pid_t tid, uint64_t addr, struct lm_debug *d)
{
	/* struct r_debug_extended on LP64: int, pointer, address, enum, address, pointer */
	unsigned char raw[48];
	int rc = mem_read(tid, addr, raw, sizeof raw);
	if (rc < 0)
		return rc;
	int32_t version, state;
	memcpy(&version, raw, 4);
	memcpy(&d->map, raw + 8, 8);
	memcpy(&d->brk, raw + 16, 8);
	memcpy(&state, raw + 24, 4);
	memcpy(&d->ldbase, raw + 32, 8);
	d->version = version;
	d->state = state;
	if (version >= 2)
		memcpy(&d->next, raw + 40, 8);
	else
		d->next = 0;
	return 0;
}

int linkmap_walk(pid_t tid, uint64_t first,
                 int (*cb)(void *ctx, const struct lm_entry *e), void *ctx)
{
	struct lm_entry e;
	uint64_t at = first;
	for (unsigned n = 0; at; n++) {
		uint64_t raw[4];  /* l_addr, l_name, l_ld, l_next */
		if (n >= LINKMAP_MAX_OBJECTS)
			return -ELOOP;
		int rc = mem_read(tid, at, raw, sizeof raw);
		if (rc < 0)
			return rc;
		e.self = at;
		e.l_addr = raw[0];
		e.l_ld = raw[2];
		e.name[0] = 0;
		if (raw[1]) {
			ssize_t len = mem_read_str(tid, raw[1], e.name, sizeof e.name);
			if (len < 0)
				return (int)len;
		}
		rc = cb(ctx, &e);
		if (rc)
			return rc;
		at = raw[3];
	}
	return 0;
}

int linkmap_next(pid_t tid, uint64_t lm, uint64_t *next)
{
	return mem_read_word(tid, lm + 24, next);  /* l_addr, l_name, l_ld, l_next */
}
