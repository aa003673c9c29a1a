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
#include "monitor/decide.h"
#include "monitor/loader.h"
#include "monitor/log.h"
#include "monitor/verdict.h"

/* libunwind is loaded the first time -b unwinds, so that a run without -b
 * does not pay at every start for loading it. */
#define STR_(x) #x
#define STR(x) STR_(x)

static struct {
	bool tried, ok;
	unw_addr_space_t (*create_addr_space)(unw_accessors_t *, int);
	void (*destroy_addr_space)(unw_addr_space_t);
	void (*flush_cache)(unw_addr_space_t, unw_word_t, unw_word_t);
	int (*set_caching_policy)(unw_addr_space_t, unw_caching_policy_t);
	int (*init_remote)(unw_cursor_t *, unw_addr_space_t, void *);
	int (*get_reg)(unw_cursor_t *, unw_regnum_t, unw_word_t *);
	int (*step)(unw_cursor_t *);
	int (*get_proc_info)(unw_cursor_t *, unw_proc_info_t *);
	void *(*upt_create)(pid_t);
	void (*upt_destroy)(void *);
	const unw_accessors_t *upt_accessors;
	int (*upt_find_proc_info)(unw_addr_space_t, unw_word_t, unw_proc_info_t *, int, void *);
	int (*upt_access_mem)(unw_addr_space_t, unw_word_t, unw_word_t *, int, void *);
	int (*upt_access_reg)(unw_addr_space_t, unw_regnum_t, unw_word_t *, int, void *);
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
	        load(arch, &uw.set_caching_policy, STR(unw_set_caching_policy)) &&
	        load(arch, &uw.init_remote, STR(unw_init_remote)) &&
	        load(arch, &uw.get_reg, STR(unw_get_reg)) &&
	        load(arch, &uw.step, STR(unw_step)) &&
	        load(arch, &uw.get_proc_info, STR(unw_get_proc_info)) &&
	        load(h, &uw.upt_create, "_UPT_create") && load(h, &uw.upt_destroy, "_UPT_destroy") &&
	        load(h, &uw.upt_accessors, "_UPT_accessors") &&
	        load(h, &uw.upt_find_proc_info, "_UPT_find_proc_info") &&
	        load(h, &uw.upt_access_mem, "_UPT_access_mem") &&
	        load(h, &uw.upt_access_reg, "_UPT_access_reg");
	if (!uw.ok)
		log_note("-b: libunwind-ptrace lacks a function pysbx needs; no native backtraces");
	return uw.ok;
}

const struct object *backtrace_object_at(const struct aspace *as, uint64_t pc)
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
	} *h;                      /* HANDLES of them, with the libunwind part */
	size_t n_h, next_h;
	struct {
		uint64_t addr;         /* page address, 0 when empty */
		unsigned char *data;
	} *page;                   /* PAGES of them, with the libunwind part */
	size_t n_page, next_page;
	const struct aspace *space;
	/* attribution: what each object is (enum kind), by object id, for the
	 * first n_kind objects; recomputed when objects come or go, since a
	 * library becomes an extension's when an extension needing it loads */
	unsigned char *kind;
	size_t n_kind;
	bool kinds_valid;
	size_t n_untrusted, n_extensions;
};

enum kind { K_TRUSTED, K_UNTRUSTED, K_EXTENSION };

/* The stack of the thread being unwound, read in a few large pieces rather
 * than a ptrace read per word: from the stack pointer up, grown as the
 * unwinder asks for more, to at most WINDOW_MAX bytes (what lies beyond is
 * read a word at a time).  One unwind at a time, so one window. */
#define WINDOW_FIRST (16u * 1024u)
#define WINDOW_MAX   (1024u * 1024u)

static struct {
	pid_t tid;
	uint64_t lo;         /* the thread's stack pointer */
	size_t len;          /* bytes read from lo */
	bool open, ended;    /* ended: the next piece could not be read */
	/* where the unwind starts, when not at the thread's registers: a GOT
	 * trap's caller (start_at), given to libunwind as its IP and SP rather
	 * than written into the thread and back */
	bool moved;
	uint64_t ip, sp;
	unsigned char buf[WINDOW_MAX];
} win;

static void window_open(pid_t tid, uint64_t sp)
{
	if (win.open && win.tid == tid && win.lo == sp) {
		win.moved = false;
		return;  /* read already at this stop (stack_may_hold) */
	}
	win.tid = tid;
	win.lo = sp;
	win.len = 0;
	win.ended = false;
	win.open = true;
	win.moved = false;
}

/* Reads the window up to addr + 8 (in WINDOW_FIRST steps, doubling); false
 * when addr lies outside what can be read there. */
static bool window_has(uint64_t addr)
{
	if (!win.open || addr < win.lo || addr - win.lo > WINDOW_MAX - 8)
		return false;
	while (addr - win.lo + 8 > win.len && !win.ended) {
		size_t want = win.len ? win.len : WINDOW_FIRST;
		if (win.len + want > WINDOW_MAX)
			want = WINDOW_MAX - win.len;
		ssize_t n = mem_read_upto(win.tid, win.lo + win.len, win.buf + win.len, want);
		if (n > 0)
			win.len += (size_t)n;
		if (n < (ssize_t)want)
			win.ended = true;  /* the end of the stack's mapping */
	}
	return addr - win.lo + 8 <= win.len;
}

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
	if (!write && window_has(addr)) {
		memcpy(val, win.buf + (addr - win.lo), sizeof *val);
		return 0;
	}
	if (!write && c && addr % 8 == 0 && read_only(c->space, addr)) {
		const unsigned char *p = page_of(c, addr);
		if (p) {
			memcpy(val, p + (addr & (RO_PAGE - 1)), sizeof *val);
			return 0;
		}
	}
	return uw.upt_access_mem(as, addr, val, write, arg);
}

static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write,
                      void *arg)
{
	if (!write && win.open && win.moved && (reg == UNW_REG_IP || reg == UNW_REG_SP)) {
		*val = reg == UNW_REG_IP ? win.ip : win.sp;
		return 0;
	}
	return uw.upt_access_reg(as, reg, val, write, arg);
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi, int need,
                          void *arg)
{
	void *h = current ? handle_for(current, ip) : NULL;
	return uw.upt_find_proc_info(as, ip, pi, need, h ? h : arg);
}

static unw_accessors_t cached_accessors;

/* libunwind-ptrace's own accessors, but for the one that looks up unwind
 * tables, the one that reads memory and the one that reads registers. */
static const unw_accessors_t *accessors(void)
{
	if (!cached_accessors.find_proc_info) {
		cached_accessors = *uw.upt_accessors;
		cached_accessors.find_proc_info = find_proc_info;
		cached_accessors.access_mem = access_mem;
		cached_accessors.access_reg = access_reg;
	}
	return &cached_accessors;
}

/* This module's state for an address space (aspace->unw), libunwind's part
 * made at the first unwind. */
static struct unw_cache *state_of(struct aspace *as)
{
	if (as && !as->unw)
		as->unw = calloc(1, sizeof(struct unw_cache));
	struct unw_cache *c = as ? as->unw : NULL;
	if (c)
		c->space = as;
	return c;
}

static struct unw_cache *cache_of(struct aspace *as, pid_t pid)
{
	struct unw_cache *c = unwinder() ? state_of(as) : NULL;
	if (c && !c->as) {
		/* made at the first unwind: attribution alone, in every process
		 * of the job, only needs the small part */
		if (!c->page && !(c->page = calloc(PAGES, sizeof *c->page)))
			return NULL;
		if (!c->h && !(c->h = calloc(HANDLES, sizeof *c->h)))
			return NULL;
		if (!(c->as = uw.create_addr_space((unw_accessors_t *)accessors(), 0)))
			return NULL;
		/* initialises libunwind's cache of register states, without which
		 * every frame is parsed again (the monitor unwinds on one thread) */
		uw.set_caching_policy(c->as, UNW_CACHE_PER_THREAD);
		c->pid = pid;
	}
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
	c->kinds_valid = false;
	drop_handles(c);
	if (c->as)
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
	free(c->page);
	free(c->h);
	if (c->as)
		uw.destroy_addr_space(c->as);
	free(c->kind);
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
			const struct object *o = backtrace_object_at(as, ip);
			f->pc = ip;
			f->object = o ? o->path : NULL;
			name_frame(f, o, ip);
		} while (n < max && uw.step(&c) > 0);
	}
	if (upt)
		uw.upt_destroy(upt);
	current = NULL;
	win.open = false;
	return n;
}

/* Opens the window at the thread's stack.  At a GOT trap the thread sits at
 * the called function's entry, in the code page, which has no unwind
 * information: unwinding starts at its caller, as if the function had
 * returned.  The other registers are the caller's already. */
static bool start_at(struct thread *th, const arch_regs *r, bool at_entry)
{
	arch_regs start = *r;
	uint64_t slot = arch_return_slot(r), ret;
	window_open(th->tid, arch_sp(r));
	if (!at_entry)
		return true;
	if (window_has(slot))
		memcpy(&ret, win.buf + (slot - win.lo), sizeof ret);
	else if (mem_read_word(th->tid, slot, &ret) < 0)
		return false;
	arch_return_to(&start, ret, arch_retval(r));
	win.moved = true;
	win.ip = arch_pc(&start);
	win.sp = arch_sp(&start);
	return true;
}

size_t backtrace_read(struct thread *th, const arch_regs *r, bool at_entry,
                      struct btframe *out, size_t max)
{
	if (!unwinder() || !start_at(th, r, at_entry)) {
		win.open = false;
		return 0;
	}
	return unwind(th->tid, th->proc ? th->proc->tgid : 0, th->proc ? th->proc->as : NULL,
	              out, max);
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
	/* a vfork child's Python line is its waiting parent thread's */
	pid_t owner = th->vfork_child && th->vfork_parent > 0 ? th->vfork_parent : th->tid;
	int n = pystack_read_for(th->tid, owner, &as->py, c->py, PYSTACK_MAX);
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

/* --- attribution: the untrusted objects on a stack ---------------------------
 *
 * For [module] rules a call is made on behalf of every untrusted object with
 * a frame on the calling thread's stack (decide.c).  The walk is libunwind's
 * (the unwind tables: neither Debian's Python nor most modules keep frame
 * pointers), without naming frames, over the stack window; it is bounded, and
 * a walk that does not reach the thread's first frame (garbage, a stack
 * switched by hand, code without unwind tables, too deep) leaves frames
 * unknown: "code in no loaded object", which [module untrusted] binds. */

#define ATTRIB_FRAMES 256

/* What each object is, for the policy's words: recomputed when objects
 * were added or unloaded since.  False when out of memory. */
static bool classify(struct unw_cache *st, const struct aspace *as)
{
	if (st->kinds_valid && st->n_kind == as->n_objs)
		return true;
	unsigned char *k = realloc(st->kind, as->n_objs ? as->n_objs : 1);
	if (!k)
		return false;
	st->kind = k;
	st->n_untrusted = st->n_extensions = 0;
	for (size_t i = 0; i < as->n_objs; i++) {
		const struct object *o = &as->objs[i];
		k[i] = !o->live || o->trusted ? K_TRUSTED
		     : verdict_extension(as, o) ? K_EXTENSION : K_UNTRUSTED;
		st->n_untrusted += k[i] != K_TRUSTED;
		st->n_extensions += k[i] == K_EXTENSION;
	}
	st->n_kind = as->n_objs;
	st->kinds_valid = true;
	return true;
}

/* Which objects the policy's sections can bind: every untrusted one (a
 * pattern, or the word untrusted) or the extensions only; and whether code in
 * no loaded object is bound (untrusted). */
struct binds {
	bool unknown, untrusted, extensions;
};

static struct binds policy_binds(const struct policy *p)
{
	struct binds b = {false, false, false};
	for (size_t i = 0; i < p->n_modules; i++) {
		enum module_kind k = p->modules[i].kind;
		b.unknown |= k == MOD_UNTRUSTED;
		b.untrusted |= k != MOD_EXTENSIONS;
		b.extensions |= k == MOD_EXTENSIONS;
	}
	return b;
}

struct walk {
	const struct aspace *as;
	const struct unw_cache *st;
	const struct object *caller;
	struct binds b;
	size_t left;          /* bindable objects not met yet: with none left the walk may stop */
	struct call *c;
};

static bool bindable(const struct binds *b, enum kind k)
{
	return k == K_EXTENSION ? b->extensions || b->untrusted : k == K_UNTRUSTED && b->untrusted;
}

/* Adds o (NULL: code in no loaded object) to the call's stack objects, once.
 * A stack with more distinct objects than fit counts as unknown code too. */
static void note_object(struct walk *w, const struct object *o)
{
	struct call *c = w->c;
	const char *path = o ? o->path : NULL;
	enum kind k = o ? (enum kind)w->st->kind[o - w->as->objs] : K_UNTRUSTED;
	if (o && (o == w->caller || k == K_TRUSTED))
		return;
	for (size_t i = 0; i < c->n_stack; i++)
		if (c->stack[i].path == path)
			return;
	if (c->n_stack == CALL_MAX_STACK_OBJECTS) {
		c->stack[CALL_MAX_STACK_OBJECTS - 1] = (struct stack_object){NULL, false};
		return;
	}
	c->stack[c->n_stack++] = (struct stack_object){path, k == K_EXTENSION};
	if (o && bindable(&w->b, k) && w->left)
		w->left--;
}

/* Whether the cursor's frame has unwind information: what tells the real end
 * of a stack (the thread's first frame says its return address is undefined)
 * from libunwind giving up at code it has no tables for (it then guesses
 * with the frame pointer, and reports an end when that is 0). */
static bool has_info(unw_cursor_t *cur)
{
	unw_proc_info_t pi;
	/* with no tables libunwind still answers, with a made-up one-byte
	 * procedure of no format */
	return uw.get_proc_info(cur, &pi) == 0 &&
	       !(pi.format == UNW_INFO_FORMAT_DYNAMIC && pi.end_ip == pi.start_ip + 1 &&
	         !pi.unwind_info);
}

/* Whether a word of the thread's stack, from its stack pointer to the end of
 * the stack's mapping, points into an object the walk looks for.  A call
 * pushes its return address (x86-64), so every frame of an object but the
 * innermost (the caller, judged as such) leaves one there: when no word
 * does, no frame of theirs is on the stack and libunwind need not walk it (a
 * stack read once and scanned costs a few microseconds, a walk tens).  A word
 * that does (a frame, or a stale word), or a stack too large to read whole,
 * is left to the walk.  A signal handler running on an alternate stack is
 * searched there only: it does not act for the code it interrupted. */
#define PRESCAN_MAX (256u * 1024u)
#define PRESCAN_OBJECTS 32

static bool stack_may_hold(const struct walk *w, pid_t tid, uint64_t sp)
{
	uint64_t lo[PRESCAN_OBJECTS], hi[PRESCAN_OBJECTS];
	size_t n = 0;
	for (size_t i = 0; i < w->as->n_objs; i++) {
		const struct object *o = &w->as->objs[i];
		if (o == w->caller || !bindable(&w->b, (enum kind)w->st->kind[i]))
			continue;
		if (n == PRESCAN_OBJECTS)
			return true;
		lo[n] = o->lo;
		hi[n++] = o->hi;
	}
	window_open(tid, sp);
	if (window_has(sp + PRESCAN_MAX - 8) || !win.ended)
		return true;  /* more stack than the scan reads */
	for (size_t at = 0; at + 8 <= win.len; at += 8) {
		uint64_t v;
		memcpy(&v, win.buf + at, sizeof v);
		for (size_t k = 0; k < n; k++)
			if (v >= lo[k] && v < hi[k])
				return true;
	}
	return false;
}

/* Walks the stack of th at registers r; returns true when it reached the
 * thread's first frame, or met every object a section could bind (when no
 * section binds unknown code). */
static bool walk_objects(struct thread *th, struct walk *w, const arch_regs *r, bool at_entry)
{
	struct unw_cache *cache = cache_of((struct aspace *)w->as, th->proc->tgid);
	void *upt = cache ? uw.upt_create(th->tid) : NULL;
	unw_cursor_t cur, last;
	unw_word_t ip;
	int step = -1;
	bool met_all = false;  /* or the thread's first frame reached */
	if (!upt)
		return false;
	current = cache;
	if (!start_at(th, r, at_entry) || uw.init_remote(&cur, cache->as, upt) < 0)
		goto out;
	if (!at_entry && !has_info(&cur)) {
		/* stopped at a system call in code with no unwind tables: glibc's
		 * clone ends its own before its syscall instruction, where the
		 * return address is still on top of the stack, as at a function's
		 * entry.  Its object is noted; the walk goes on from its caller. */
		if (uw.get_reg(&cur, UNW_REG_IP, &ip) == 0)
			note_object(w, backtrace_object_at(w->as, ip));
		if (!start_at(th, r, true) || uw.init_remote(&cur, cache->as, upt) < 0)
			goto out;
		at_entry = true;
	}
	for (size_t n = 0; n < ATTRIB_FRAMES; n++) {
		if (uw.get_reg(&cur, UNW_REG_IP, &ip) < 0)
			break;
		/* a return address may lie just past its call, at the end of its
		 * object: look up the call */
		note_object(w, backtrace_object_at(w->as, n || at_entry ? ip - 1 : ip));
		if (!w->left && !w->b.unknown) {
			met_all = true;
			break;
		}
		last = cur;  /* a cursor may be copied: the frame the end is asked of */
		if ((step = uw.step(&cur)) <= 0)
			break;
	}
	/* asked while the handle the cursors read through is alive */
	met_all |= step == 0 && has_info(&last);
out:
	uw.upt_destroy(upt);
	current = NULL;
	win.open = false;
	return met_all;
}

void backtrace_attribute(struct thread *th, const arch_regs *r, bool at_entry,
                         const struct policy *p, const struct object *caller, struct call *c)
{
	struct aspace *as = th->proc ? th->proc->as : NULL;
	if (!p->n_modules || !as || !as->n_objs)
		return;  /* no sections, or no objects known (no GOT layer) */
	struct unw_cache *st = state_of(as);
	struct walk w = {as, st, caller, policy_binds(p), 0, c};
	bool whole = false;
	if (st && classify(st, as)) {
		enum kind ck = caller ? (enum kind)st->kind[caller - as->objs] : K_TRUSTED;
		c->object_extension = ck == K_EXTENSION;
		/* what the walk may find that a section binds, besides the caller */
		w.left = w.b.untrusted ? st->n_untrusted : w.b.extensions ? st->n_extensions : 0;
		if (caller && bindable(&w.b, ck) && w.left)
			w.left--;
		/* nothing on the stack could change the decision: no walk, no cost */
		if (!decide_stack_matters(p, c) || (!w.left && !w.b.unknown))
			return;
		c->stack_walked = true;
		whole = (!w.b.unknown && !stack_may_hold(&w, th->tid, arch_sp(r))) ||
		        (unwinder() && walk_objects(th, &w, r, at_entry));
		win.open = false;
	} else {
		/* out of memory: what the objects are is not known, so the stricter */
		c->object_extension = caller && !caller->trusted;
		c->stack_walked = true;
	}
	if (whole)
		return;
	if (c->n_stack == CALL_MAX_STACK_OBJECTS)
		c->n_stack--;
	c->stack[c->n_stack++] = (struct stack_object){NULL, false};
}
