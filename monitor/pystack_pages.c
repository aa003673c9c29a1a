/* pystack_pages: whole pages of a tracee, fetched a batch at a time. */
#include "monitor/pystack_pages.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "inject/mem.h"

#define DIRECT_READ (4 * PYSTACK_PAGE)  /* larger reads bypass the cache */

void pystack_pages_init(struct pystack_pages *pc, pid_t tid)
{
	memset(pc, 0, sizeof *pc);
	pc->tid = tid;
}

static void drop_all(struct pystack_pages *pc)
{
	for (size_t i = 0; i < pc->n; i++)
		free(pc->page[i].data);
	pc->n = 0;
}

void pystack_pages_free(struct pystack_pages *pc)
{
	drop_all(pc);
	pc->n_want = 0;
}

static struct pystack_page *held(struct pystack_pages *pc, uint64_t page)
{
	for (size_t i = 0; i < pc->n; i++)
		if (pc->page[i].addr == page)
			return &pc->page[i];
	return NULL;
}

static bool wanted(const struct pystack_pages *pc, uint64_t page)
{
	for (size_t i = 0; i < pc->n_want; i++)
		if (pc->want[i] == page)
			return true;
	return false;
}

void pystack_pages_want(struct pystack_pages *pc, uint64_t addr, size_t len)
{
	if (len == 0 || addr + len < addr)
		return;
	uint64_t first = addr & ~(uint64_t)(PYSTACK_PAGE - 1);
	uint64_t last = (addr + len - 1) & ~(uint64_t)(PYSTACK_PAGE - 1);
	for (uint64_t p = first; p <= last && p >= first; p += PYSTACK_PAGE) {
		if (held(pc, p) || wanted(pc, p))
			continue;
		if (pc->n_want == PYSTACK_WANT_MAX)
			pystack_pages_fill(pc);
		pc->want[pc->n_want++] = p;
	}
}

/* Reads count pages into pg[] in one call; returns how many leading pages
 * were read whole (the next one, if any, could not be), or -ESRCH. */
static ssize_t read_run(struct pystack_pages *pc, struct pystack_page *pg, size_t count)
{
	struct iovec local[PYSTACK_WANT_MAX], remote[PYSTACK_WANT_MAX];

	for (size_t i = 0; i < count; i++) {
		local[i] = (struct iovec){pg[i].data, PYSTACK_PAGE};
		remote[i] = (struct iovec){(void *)(uintptr_t)pg[i].addr, PYSTACK_PAGE};
	}
	pc->syscalls++;
	if (strcmp(mem_probe(), "process_vm_readv") != 0) {
		/* refused here (a container's profile): page by page through mem */
		size_t i = 0;
		int rc = 0;
		while (i < count && (rc = mem_read(pc->tid, pg[i].addr, pg[i].data, PYSTACK_PAGE)) == 0)
			i++;
		return rc == -ESRCH ? -ESRCH : (ssize_t)i;
	}
	ssize_t got = process_vm_readv(pc->tid, local, count, remote, count, 0);
	if (got < 0)
		return errno == ESRCH ? -ESRCH : 0;
	return got / PYSTACK_PAGE;
}

void pystack_pages_fill(struct pystack_pages *pc)
{
	size_t n = pc->n_want;

	if (n == 0)
		return;
	if (pc->n + n > PYSTACK_PAGES_MAX)
		drop_all(pc);
	struct pystack_page *pg = &pc->page[pc->n];
	for (size_t i = 0; i < n; i++) {
		pg[i] = (struct pystack_page){pc->want[i], 0, malloc(PYSTACK_PAGE)};
		if (!pg[i].data)
			pg[i].rc = -ENOMEM;
	}
	pc->n += n;
	pc->n_want = 0;

	/* process_vm_readv stops at the first page it cannot read: that page
	 * is marked and the call repeated for the pages after it. */
	for (size_t at = 0; at < n;) {
		size_t run = 0;
		while (at + run < n && pg[at + run].rc == 0)
			run++;
		ssize_t ok = run ? read_run(pc, pg + at, run) : 0;
		if (ok < 0) {
			for (size_t i = at; i < n; i++)
				pg[i].rc = -ESRCH;
			break;
		}
		at += (size_t)ok;
		if (at < n && pg[at].rc == 0)
			pg[at].rc = -EFAULT;
		at++;
	}
	for (size_t i = 0; i < n; i++)
		if (pg[i].rc < 0) {
			free(pg[i].data);
			pg[i].data = NULL;
		}
}

int pystack_pages_read(struct pystack_pages *pc, uint64_t addr, void *buf, size_t len)
{
	uint8_t *out = buf;

	if (len == 0)
		return 0;
	if (addr + len < addr)
		return -EFAULT;
	if (len > DIRECT_READ) {
		pc->syscalls++;
		return mem_read(pc->tid, addr, buf, len);
	}
	pystack_pages_want(pc, addr, len);
	pystack_pages_fill(pc);
	while (len > 0) {
		uint64_t page = addr & ~(uint64_t)(PYSTACK_PAGE - 1);
		size_t off = (size_t)(addr - page), chunk = PYSTACK_PAGE - off;
		struct pystack_page *p = held(pc, page);
		if (!p)   /* dropped by a fill that started over: read it again */
			return mem_read(pc->tid, addr, out, len);
		if (p->rc < 0)
			return p->rc == -ENOMEM ? mem_read(pc->tid, addr, out, len) : p->rc;
		if (chunk > len)
			chunk = len;
		memcpy(out, p->data + off, chunk);
		out += chunk;
		addr += chunk;
		len -= chunk;
	}
	return 0;
}
