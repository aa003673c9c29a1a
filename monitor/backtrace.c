/* backtrace: remote unwinding with libunwind-ptrace (see backtrace.h). */
#include "monitor/backtrace.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <libunwind-ptrace.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "inject/mem.h"
#include "monitor/backtrace_syms.h"
#include "monitor/loader.h"
#include "monitor/log.h"

/* libunwind is loaded the first time -b unwinds, so that a run without -b
 * does not pay at every start for loading it. */
#define STR_(x) #x
#define STR(x) STR_(x)

static struct {
	bool tried, ok;
	unw_addr_space_t (*create_addr_space)(unw_accessors_t *, int);
	void (*destroy_addr_space)(unw_addr_space_t);
	void (*flush_cache)(unw_addr_space_t, unw_word_t, unw_word_t);
	int (*init_remote)(unw_cursor_t *, unw_addr_space_t, void *);
	int (*get_reg)(unw_cursor_t *, unw_regnum_t, unw_word_t *);
	int (*step)(unw_cursor_t *);
	void *(*upt_create)(pid_t);
	void (*upt_destroy)(void *);
	const unw_accessors_t *upt_accessors;
	int (*upt_find_proc_info)(unw_addr_space_t, unw_word_t, unw_proc_info_t *, int, void *);
	int (*upt_access_mem)(unw_addr_space_t, unw_word_t, unw_word_t *, int, void *);
} uw;

static bool load(void *h, void *fn, const char *name)
{
	void *p = dlsym(h, name);
	memcpy(fn, &p, sizeof p);  /* data to function pointer, as dlsym's users must */
	return p != NULL;
}

static bool unwinder(void)
{
	if (uw.tried)
		return uw.ok;
	uw.tried = true;
	/* libunwind-ptrace uses libunwind-x86_64 (and its liblzma) without naming
	 * them as dependencies: they come first, visible to it */
	void *arch = dlopen("libunwind-x86_64.so.8", RTLD_NOW | RTLD_GLOBAL);
	void *h = arch ? dlopen("libunwind-ptrace.so.0", RTLD_NOW | RTLD_LOCAL) : NULL;
	if (!h) {
		log_note("-b: cannot load libunwind-ptrace: %s; no native backtraces", dlerror());
		return false;
	}
	uw.ok = load(arch, &uw.create_addr_space, STR(unw_create_addr_space)) &&
	        load(arch, &uw.destroy_addr_space, STR(unw_destroy_addr_space)) &&
	        load(arch, &uw.flush_cache, STR(unw_flush_cache)) &&
	        load(arch, &uw.init_remote, STR(unw_init_remote)) &&
	        load(arch, &uw.get_reg, STR(unw_get_reg)) &&
	        load(arch, &uw.step, STR(unw_step)) &&
	        load(h, &uw.upt_create, "_UPT_create") && load(h, &uw.upt_destroy, "_UPT_destroy") &&
	        load(h, &uw.upt_accessors, "_UPT_accessors") &&
	        load(h, &uw.upt_find_proc_info, "_UPT_find_proc_info") &&
	        load(h, &uw.upt_access_mem, "_UPT_access_mem");
	if (!uw.ok)
		log_note("-b: libunwind-ptrace lacks a function pysbx needs; no native backtraces");
	return uw.ok;
}

static const struct object *object_at(const struct aspace *as, uint64_t pc)
{
	for (size_t i = 0; as && i < as->n_objs; i++)
		if (as->objs[i].live && pc >= as->objs[i].lo && pc < as->objs[i].hi)
			return &as->objs[i];
	return NULL;
}

/* Names frame f at pc in object o: the function that contains pc, from the
 * object's own symbols (backtrace_syms.h), or no symbol and the offset from
 * the object's load address (its file address, as addr2line takes it).
 * libunwind's names are not used: they are the nearest symbol at or before
 * pc, however far past its end pc lies.  A caller's pc is a return address,
 * which may lie just past a call that ends its function: pc - 1 is looked up
 * first. */
static void name_frame(struct btframe *f, const struct object *o, uint64_t pc)
{
	const char *name = NULL;
	uint64_t vaddr, off = 0;

	f->symbol[0] = 0;
	f->offset = 0;
	if (!o)
		return;
	vaddr = pc - o->bias;
	f->offset = vaddr;
	const struct btsyms *syms = o->scan && !o->scan->error ? btsyms_cached(o->path, &o->scan->id) : NULL;
	if (syms && vaddr > 0 && (name = btsyms_find(syms, vaddr - 1, &off)))
		off++;
	else if (syms)
		name = btsyms_find(syms, vaddr, &off);
	if (name) {
		snprintf(f->symbol, sizeof f->symbol, "%s", name);
		f->offset = off;
	}
}

/* libunwind-ptrace finds the unwind tables of a frame by reading
 * /proc/<pid>/maps and mapping the object's file, and keeps only the last
 * object seen per handle: with frames in several objects, every frame of every
 * unwind reloads one, milliseconds a call.  So each object of an address space
 * gets its own long-lived handle (its tables stay loaded).  libunwind owns the
 * unwind information it hands out and frees it itself: only handles are kept
 * here, per address space of the job, and dropped when an object goes
 * (backtrace_forget).  Names come from backtrace_syms, cached per file. */
#define HANDLES 64
#define PAGES 1024          /* 4 MiB of the objects' read-only data, per address space */
#define RO_PAGE 4096u

struct unw_cache {
	unw_addr_space_t as;
	pid_t pid;                 /* the process the handles read through */
	struct {
		uint64_t lo, hi;       /* the object's mapped range */
		void *upt;
	} h[HANDLES];
	size_t n_h, next_h;
	struct {
		uint64_t addr;         /* page address, 0 when empty */
		unsigned char *data;
	} page[PAGES];
	size_t n_page, next_page;
	const struct aspace *space;
};

/* The cache of the unwind in progress.  libunwind hands our accessors
 * whatever argument its own ptrace functions pass on (a UPT handle), so the
 * cache cannot travel in it; the monitor is single-threaded and unwinds one
 * thread at a time. */
static struct unw_cache *current;

/* The long-lived handle for the object holding ip, or NULL. */
static void *handle_for(struct unw_cache *c, unw_word_t ip)
{
	for (size_t i = 0; i < c->n_h; i++)
		if (ip >= c->h[i].lo && ip < c->h[i].hi)
			return c->h[i].upt;
	const struct aspace *as = c->space;
	for (size_t i = 0; as && i < as->n_objs; i++) {
		const struct object *o = &as->objs[i];
		if (!o->live || ip < o->lo || ip >= o->hi)
			continue;
		size_t slot = c->n_h < HANDLES ? c->n_h++ : c->next_h++ % HANDLES;
		if (c->h[slot].upt && slot < c->n_h - (c->n_h == HANDLES ? 0 : 1))
			uw.upt_destroy(c->h[slot].upt);
		c->h[slot].lo = o->lo;
		c->h[slot].hi = o->hi;
		c->h[slot].upt = uw.upt_create(c->pid);
		return c->h[slot].upt;
	}
	return NULL;
}

/* Whether addr lies in a segment of a loaded object that is never written:
 * the unwind tables (.eh_frame_hdr, .eh_frame) do, and the unwinder reads
 * them a word at a time. */
static bool read_only(const struct aspace *as, uint64_t addr)
{
	for (size_t i = 0; as && i < as->n_objs; i++) {
		const struct object *o = &as->objs[i];
		if (!o->live || !o->scan || o->scan->error || addr < o->lo || addr >= o->hi)
			continue;
		for (size_t k = 0; k < o->scan->n_segs; k++) {
			const struct elfscan_segment *g = &o->scan->segs[k];
			if (addr >= o->bias + g->vaddr && addr < o->bias + g->vaddr + g->memsz)
				return !(g->flags & PF_W);
		}
	}
	return false;
}

static const unsigned char *page_of(struct unw_cache *c, uint64_t addr)
{
	uint64_t base = addr & ~(uint64_t)(RO_PAGE - 1);
	for (size_t i = 0; i < c->n_page; i++)
		if (c->page[i].addr == base)
			return c->page[i].data;
	size_t slot = c->n_page < PAGES ? c->n_page++ : c->next_page++ % PAGES;
	if (!c->page[slot].data && !(c->page[slot].data = malloc(RO_PAGE)))
		return NULL;
	c->page[slot].addr = 0;
	if (mem_read(c->pid, base, c->page[slot].data, RO_PAGE) < 0)
		return NULL;
	c->page[slot].addr = base;
	return c->page[slot].data;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write,
                      void *arg)
{
	struct unw_cache *c = current;
	if (!write && c && addr % 8 == 0 && read_only(c->space, addr)) {
		const unsigned char *p = page_of(c, addr);
		if (p) {
			memcpy(val, p + (addr & (RO_PAGE - 1)), sizeof *val);
			return 0;
		}
	}
	return uw.upt_access_mem(as, addr, val, write, arg);
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi, int need,
                          void *arg)
{
	void *h = current ? handle_for(current, ip) : NULL;
	return uw.upt_find_proc_info(as, ip, pi, need, h ? h : arg);
}

static unw_accessors_t cached_accessors;

/* libunwind-ptrace's own accessors, but for the one that looks up unwind
 * tables and the one that reads memory. */
static const unw_accessors_t *accessors(void)
{
	if (!cached_accessors.find_proc_info) {
		cached_accessors = *uw.upt_accessors;
		cached_accessors.find_proc_info = find_proc_info;
		cached_accessors.access_mem = access_mem;
	}
	return &cached_accessors;
}

static struct unw_cache *cache_of(struct aspace *as, pid_t pid)
{
	if (!as || !unwinder())
		return NULL;
	if (!as->unw) {
		struct unw_cache *c = calloc(1, sizeof *c);
		if (c && !(c->as = uw.create_addr_space((unw_accessors_t *)accessors(), 0))) {
			free(c);
			c = NULL;
		}
		if (c)
			c->pid = pid;
		as->unw = c;
	}
	struct unw_cache *c = as->unw;
	if (c)
		c->space = as;
	return c;
}

static void drop_handles(struct unw_cache *c)
{
	for (size_t i = 0; i < c->n_h; i++)
		if (c->h[i].upt)
			uw.upt_destroy(c->h[i].upt);
	c->n_h = c->next_h = 0;
	for (size_t i = 0; i < c->n_page; i++)
		c->page[i].addr = 0;
}

void backtrace_forget(struct aspace *as)
{
	struct unw_cache *c = as ? as->unw : NULL;
	if (!c)
		return;
	drop_handles(c);
	uw.flush_cache(c->as, 0, 0);
}

void backtrace_free(void *unw)
{
	struct unw_cache *c = unw;
	if (!c)
		return;
	drop_handles(c);
	for (size_t i = 0; i < c->n_page; i++)
		free(c->page[i].data);
	uw.destroy_addr_space(c->as);
	free(c);
}

static size_t unwind(pid_t tid, pid_t th_pid, struct aspace *as, struct btframe *out, size_t max)
{
	size_t n = 0;
	struct unw_cache *cache = cache_of(as, as && th_pid ? th_pid : tid);
	void *upt = cache ? uw.upt_create(tid) : NULL;
	unw_cursor_t c;
	current = cache;
	if (upt && uw.init_remote(&c, cache->as, upt) == 0) {
		do {
			unw_word_t ip;
			if (uw.get_reg(&c, UNW_REG_IP, &ip) < 0 || ip == 0)
				break;
			struct btframe *f = &out[n++];
			const struct object *o = object_at(as, ip);
			f->pc = ip;
			f->object = o ? o->path : NULL;
			name_frame(f, o, ip);
		} while (n < max && uw.step(&c) > 0);
	}
	if (upt)
		uw.upt_destroy(upt);
	current = NULL;
	return n;
}

size_t backtrace_read(struct thread *th, const arch_regs *r, bool at_entry,
                      struct btframe *out, size_t max)
{
	arch_regs start = *r;
	uint64_t ret;
	if (at_entry) {
		/* the function was entered through a trap in the code page, which
		 * has no unwind information: start from its caller instead */
		if (mem_read_word(th->tid, arch_return_slot(r), &ret) < 0)
			return 0;
		arch_return_to(&start, ret, arch_retval(r));
		if (arch_set_regs(th->tid, &start) < 0)
			return 0;
	}
	size_t n = unwind(th->tid, th->proc ? th->proc->tgid : 0, th->proc ? th->proc->as : NULL,
	                  out, max);
	if (at_entry)
		arch_set_regs(th->tid, r);  /* the caller sets the final registers anyway */
	return n;
}

static uint64_t lookup_symbol(void *ctx, const char *name)
{
	return loader_symbol(ctx, name);
}

/* The Python stack of the thread, when its interpreter is one pystack knows
 * (probed once per address space). */
static void python_stack(struct thread *th, struct call *c)
{
	struct aspace *as = th->proc ? th->proc->as : NULL;
	c->n_py = -1;
	if (!as || !as->python)
		return;
	if (!as->py_state) {
		int rc = pystack_probe(th->tid, lookup_symbol, as, &as->py);
		/* not loaded yet (a call during start-up), or the thread went
		 * away: probe again at the next call */
		if (rc == -EAGAIN || rc == -ESRCH)
			return;
		as->py_state = rc == 0 ? 1 : -1;
	}
	if (as->py_state < 0 || !(c->py = calloc(PYSTACK_MAX, sizeof *c->py)))
		return;
	int n = pystack_read(th->tid, &as->py, c->py, PYSTACK_MAX);
	c->n_py = n < 0 ? -1 : n;
}

void backtrace_collect(struct thread *th, const arch_regs *r, bool at_entry, struct call *c)
{
	c->traced = true;
	c->bt = calloc(BACKTRACE_MAX, sizeof *c->bt);
	if (c->bt)
		c->n_bt = backtrace_read(th, r, at_entry, c->bt, BACKTRACE_MAX);
	python_stack(th, c);
}
