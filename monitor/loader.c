/* loader: the loader breakpoint and GOT redirection (see loader.h). */
#include "monitor/loader.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inject/linkmap.h"
#include "inject/mem.h"
#include "monitor/backtrace.h"
#include "monitor/funcs.h"
#include "monitor/log.h"
#include "monitor/procfs.h"
#include "monitor/verdict.h"

#define MAX_NAMESPACES 16

/* The scan of the file actually mapped at addr: opened through map_files, so a
 * file renamed or replaced on disk after it was mapped cannot stand in for it.
 * map_files needs CAP_SYS_ADMIN; without it the file is opened by its path
 * and must be the mapped one (device and inode, as the maps line gives them),
 * or it is not scanned at all (the caller fails closed). */
static const struct elfscan_report *scan_mapping(pid_t pid, const struct procfs_map *map,
                                                 unsigned opts)
{
	char path[96];
	const struct elfscan_report *r = NULL;
	struct stat st;
	snprintf(path, sizeof path, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, (int)pid,
	         map->start, map->end);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (fd = open(map->path, O_RDONLY | O_CLOEXEC)) >= 0 &&
	    (fstat(fd, &st) < 0 || st.st_dev != map->dev || st.st_ino != map->ino)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return NULL;
	if (elfscan_cached_fd_opts(fd, map->path, opts, &r) < 0)
		r = NULL;
	close(fd);
	return r;
}

/* Looks a function up the way the loader binds it: the first object in link
 * map order that defines it with the required version.  0 when not found or
 * when it is an IFUNC (its resolver would have to run): the caller denies. */
static uint64_t lookup(const struct aspace *as, const char *name, const char *version)
{
	for (size_t i = 0; i < as->n_objs; i++) {
		const struct object *o = &as->objs[i];
		if (!o->live || !o->scan || o->scan->error)
			continue;
		const struct elfscan_symbol *s = elfscan_find(o->scan, name, version);
		if (!s || s->type == STT_TLS || (!s->value && s->type != STT_GNU_IFUNC))
			continue;
		return s->type == STT_GNU_IFUNC ? 0 : o->bias + s->value;
	}
	return 0;
}

uint64_t loader_symbol(const struct aspace *as, const char *name)
{
	return lookup(as, name, NULL);
}

/* Where an allowed call through this slot must go.  A lazily bound slot still
 * points into its own object's PLT: resolve the function ourselves. */
static uint64_t real_target(const struct aspace *as, const struct object *o,
                            const struct elfscan_slot *s, uint64_t word)
{
	if (word >= o->lo && word < o->hi)
		return lookup(as, s->name, s->version);
	return word;
}

static bool in_codepage(const struct aspace *as, uint64_t word)
{
	return word >= as->cp.base && word < as->cp.base + CODEPAGE_SIZE;
}

/* Whether calls of fid from this object have to stop at all: a function the
 * policy simply allows needs no decision, unless a [module] rule may judge it
 * for this object, the run is recorded (-o, --audit), or the loader's own
 * functions are watched (dlopen, dlsym: layers 2 and 3). */
static bool records_every_call(const struct monitor *m)
{
	return log_enabled() || m->opt->audit;
}

static bool must_stop(const struct monitor *m, const char *path, int fid)
{
	if (records_every_call(m) || funcs[fid].loads || funcs[fid].hands_out)
		return true;
	/* any [module] section naming fid may bind a call through this object's
	 * slot: the call may be made on behalf of an object on the stack */
	(void)path;
	return m->policy->fn[fid].action != ACT_ALLOW || policy_module_names(m->policy, fid);
}

/* Exec calls on a path that cannot be executed may fail in the job without a
 * stop (codepage.h, the exec fast path): _posixsubprocess tries execv in every
 * PATH directory until one works, a stop each.  Only execve and execv (a
 * path, fixed arguments), only where the policy checks them (deny, kill and a
 * module's own rule act on the attempt itself), and not when the event log or
 * audit mode is to record every attempt. */
static bool exec_fast_path(const struct monitor *m, const char *path, int fid)
{
	if (strcmp(funcs[fid].name, "execve") && strcmp(funcs[fid].name, "execv"))
		return false;
	return !records_every_call(m) && m->policy->fn[fid].action == ACT_CHECK &&
	       policy_module_rule(m->policy, path, fid, NULL) == NULL;
}

static size_t redirect_object(const struct monitor *m, struct thread *th, struct aspace *as,
                              long oid, int memfd)
{
	size_t done = 0;
	const struct object *o = &as->objs[oid];
	const struct elfscan_report *r = o->scan;
	for (size_t i = 0; i < r->n_slots; i++) {
		const struct elfscan_slot *s = &r->slots[i];
		int fid = funcs_by_name(s->name);
		uint64_t word;
		if (fid < 0 || !funcs[fid].libc || (s->kind == ELFSCAN_ABS64 && s->addend) ||
		    !must_stop(m, o->path, fid))
			continue;
		struct got_slot g = {.addr = o->bias + s->offset, .func = (uint32_t)fid,
		                     .object = (uint32_t)oid};
		if (mem_read_word(th->tid, g.addr, &word) < 0 || !word || in_codepage(as, word))
			continue;  /* unmapped, an undefined weak reference, or done already */
		g.original = word;
		g.target = real_target(as, o, s, word);
		int rc = got_redirect(memfd, &as->cp, &as->got, &g, exec_fast_path(m, o->path, fid));
		if (rc < 0) {
			log_note("pid %d: cannot redirect %s in %s: %s", (int)th->tid, s->name,
			         o->path, strerror(-rc));
			continue;
		}
		done++;
	}
	return done;
}

struct walk {
	struct monitor *m;
	struct thread *th;
	struct aspace *as;
	const struct procfs_maps *maps;  /* read when the first new object shows up */
	struct procfs_maps maps_buf;
	int maps_fd;    /* for PROCMAP_QUERY, once maps_tried; negative: not available */
	bool maps_tried;
	bool adding;    /* new objects are added (RT_CONSISTENT) */
	bool *seen;     /* full walks: which known objects are still listed */
	size_t n_seen;
	uint64_t last;  /* the last entry walked */
	int memfd;
	int err;
};

/* Scans the object as much as its verdict needs, and gives it one. */
static void judge(struct walk *w, const struct procfs_map *map, struct object *o)
{
	const struct policy *p = w->m->policy;
	const struct rule *rule;
	struct obj_judgement j;
	pid_t pid = w->th->proc->tgid;
	o->scan = scan_mapping(pid, map, verdict_scan_opts(p, true));
	bool trusted = verdict_trusted(w->m, o->path, o->scan, &rule);
	unsigned more = verdict_scan_opts(p, trusted);
	if (!trusted && more != verdict_scan_opts(p, true))
		o->scan = scan_mapping(pid, map, more);
	verdict_judge(w->m, o->path, o->scan, &j);
	o->trusted = j.verdict == OBJ_TRUSTED;
	o->refused = j.verdict == OBJ_REFUSED;
	log_object(pid, o->path, verdict_obj_name(j.verdict), j.why, j.rule, o->scan);
	if (!o->refused)
		return;
	char where[160] = "";
	if (j.rule && j.rule->line)
		snprintf(where, sizeof where, " [%s:%d]", j.rule->file, j.rule->line);
	if (asprintf(&o->why, "%s%s", j.why, where) < 0)
		o->why = NULL;
	log_note("%s %s (pid %d): %s", w->m->opt->audit ? "would refuse" : "refused", o->path,
	         (int)pid, o->why ? o->why : j.why);
}

/* The mapping an object's dynamic section lies in: asked of the kernel for
 * that one address, or found in the whole list on kernels without the query. */
static const struct procfs_map *mapping_of(struct walk *w, uint64_t addr, struct procfs_map *one,
                                           char *name, size_t cap)
{
	if (!w->maps_tried) {
		w->maps_tried = true;
		w->maps_fd = procfs_maps_open(w->th->tid);
	}
	if (w->maps_fd >= 0) {
		int rc = procfs_map_at(w->maps_fd, addr, one, name, cap);
		if (rc == 0)
			return one;
		if (rc != -ENOTTY)
			return NULL;
		close(w->maps_fd);
		w->maps_fd = -ENOTTY;
	}
	if (!w->maps) {
		if (procfs_maps_read(w->th->tid, &w->maps_buf) < 0)
			return NULL;
		w->maps = &w->maps_buf;
	}
	return procfs_maps_find(w->maps, addr);
}

static int add_object(struct walk *w, const struct lm_entry *e)
{
	struct procfs_map one;
	char name[PATH_MAX];
	const struct procfs_map *map = mapping_of(w, e->l_ld ? e->l_ld : e->l_addr, &one, name,
	                                          sizeof name);
	struct object o = {.lm = e->self, .bias = e->l_addr, .live = true};
	if (!map || map->path[0] != '/')
		return 0;  /* the vDSO, or nothing mapped from a file: no GOT to redirect */
	o.path = strdup(map->path);
	if (!o.path)
		return -ENOMEM;
	judge(w, map, &o);
	if (o.scan && !o.scan->error) {
		o.lo = o.bias + o.scan->load_lo;
		o.hi = o.bias + o.scan->load_hi;
	}
	long oid = aspace_add_object(w->as, &o);
	if (oid < 0) {
		free(o.path);
		free(o.why);
		return (int)oid;
	}
	return 0;
}

static int on_entry(void *ctx, const struct lm_entry *e)
{
	struct walk *w = ctx;
	w->last = e->self;
	long oid = aspace_find_object(w->as, e->self, e->l_addr);
	if (oid >= 0) {
		if ((size_t)oid < w->n_seen)
			w->seen[oid] = true;
		return 0;
	}
	if (!w->adding)
		return 0;
	int rc = add_object(w, e);
	if (rc < 0)
		w->err = rc;
	return 0;
}

static void redirect_one(struct walk *w, size_t i)
{
	struct aspace *as = w->as;
	struct object *o = &as->objs[i];
	o->pending = false;
	if (!o->live)
		return;
	if (!o->scan || o->scan->error)
		return;  /* judged already: refused, or trusted and unscannable */
	size_t n = redirect_object(w->m, w->th, as, (long)i, w->memfd);
	log_redirect(w->th->proc->tgid, o->path, n);
}

static void set_errno_fn(struct walk *w)
{
	struct aspace *as = w->as;
	if (as->errno_fn)
		return;
	uint64_t fn = lookup(as, "__errno_location", NULL);
	if (fn && codepage_set_errno_fn(w->memfd, &as->cp, fn) == 0)
		as->errno_fn = fn;
}

/* Objects that left the link map: their slots are gone with them. */
static void mark_unloaded(struct aspace *as, const bool *seen)
{
	for (size_t i = 0; i < as->n_objs; i++) {
		if (!as->objs[i].live || seen[i])
			continue;
		as->objs[i].live = false;
		backtrace_forget(as);  /* its unwind tables no longer describe that memory */
		if (as->objs[i].pending) {
			as->objs[i].pending = false;
			as->n_pending--;
		}
		for (size_t k = 0; k < as->got.n; k++)
			if (as->got.v[k].object == i)
				as->got.v[k].dead = true;
	}
}

/* Walks every namespace's list in full: adds new objects (when adding) and
 * marks the ones no longer listed. */
static int walk_full(struct walk *w, const uint64_t *heads, size_t n)
{
	int rc = 0;
	size_t known = w->as->n_objs;
	w->seen = calloc(known + 1, sizeof *w->seen);
	if (!w->seen)
		return -ENOMEM;
	w->n_seen = known;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		w->last = 0;
		rc = linkmap_walk(w->th->tid, heads[i], on_entry, w);
		w->as->tails[i] = w->last;
	}
	if (rc >= 0 && w->err < 0)
		rc = w->err;
	if (rc >= 0) {
		bool *seen = realloc(w->seen, (w->as->n_objs + 1) * sizeof *seen);
		if (seen) {
			for (size_t i = known; i < w->as->n_objs; i++)
				seen[i] = true;
			mark_unloaded(w->as, seen);
			w->seen = seen;
		}
	}
	free(w->seen);
	w->seen = NULL;
	w->n_seen = 0;
	return rc;
}

/* The loader appends new objects: with nothing unloaded since the last walk,
 * only what follows each list's last entry is new.  Each dlopen then costs
 * its own objects, not the whole list again. */
static int walk_new(struct walk *w, const uint64_t *heads, size_t n)
{
	struct aspace *as = w->as;
	bool same = !as->listed_changed && n == as->n_heads &&
	            !memcmp(heads, as->heads, n * sizeof *heads);
	int rc = 0;
	if (!same)
		rc = walk_full(w, heads, n);
	for (size_t i = 0; same && i < n && rc >= 0; i++) {
		uint64_t from = heads[i];
		if (as->tails[i] && (rc = linkmap_next(w->th->tid, as->tails[i], &from)) < 0)
			break;
		w->last = as->tails[i];
		rc = from ? linkmap_walk(w->th->tid, from, on_entry, w) : 0;
		as->tails[i] = w->last;
	}
	if (rc >= 0 && w->err < 0)
		rc = w->err;
	if (rc >= 0) {
		memcpy(as->heads, heads, n * sizeof *heads);
		as->n_heads = n;
		as->listed_changed = false;
	}
	if (w->maps)
		procfs_maps_free(&w->maps_buf);
	w->maps = NULL;
	if (w->maps_tried && w->maps_fd >= 0)
		close(w->maps_fd);
	w->maps_tried = false;
	return rc;
}

/* --- objects loaded by dlopen ----------------------------------------------
 *
 * At dlopen the loader notifies RT_CONSISTENT *before* relocating the new
 * objects, so slots redirected then would be overwritten.  The new objects are
 * kept pending and redirected at the first of:
 *
 *   dlopen: map --> RT_CONSISTENT --> relocate --> constructors --> return
 *                   | pending,        |             |                |
 *                   | init bps set    |             init bp hit      return trap
 *                                     (IFUNC resolvers: refused       hit
 *                                      for untrusted objects)
 *
 * and at the next loader event, which the loader lock orders after the end
 * of this dlopen.  Either way no code of the new objects has run before. */

static void arm_init(struct walk *w, size_t oid, uint64_t addr)
{
	struct aspace *as = w->as;
	const struct object *o = &as->objs[oid];
	if (!addr || addr < o->lo || addr >= o->hi)
		return;
	for (size_t i = 0; i < as->n_init_bps; i++)
		if (as->init_bps[i].b.addr == addr)
			return;
	if (as->n_init_bps == as->cap_init_bps) {
		size_t cap = as->cap_init_bps ? 2 * as->cap_init_bps : 16;
		struct init_bp *v = realloc(as->init_bps, cap * sizeof *v);
		if (!v)
			return;
		as->init_bps = v;
		as->cap_init_bps = cap;
	}
	struct init_bp *ib = &as->init_bps[as->n_init_bps];
	if (bkpt_insert(w->th->tid, w->memfd, &ib->b, addr) == 0) {
		ib->object = (uint32_t)oid;
		as->n_init_bps++;
	}
}

static void make_pending(struct walk *w, size_t first)
{
	struct aspace *as = w->as;
	for (size_t i = first; i < as->n_objs; i++) {
		struct object *o = &as->objs[i];
		o->pending = true;
		as->n_pending++;
		if (!o->scan || o->scan->error || o->refused)
			continue;
		arm_init(w, i, o->scan->init ? o->bias + o->scan->init : 0);
		for (size_t k = 0; k < o->scan->n_init_array; k++)
			arm_init(w, i, o->scan->init_array[k] ? o->bias + o->scan->init_array[k] : 0);
	}
}

/* Redirects every pending object, all of them relocated by now, and takes
 * their constructor breakpoints out. */
static void flush_pending(struct walk *w)
{
	struct aspace *as = w->as;
	for (size_t i = 0; i < as->n_init_bps; i++)
		if (as->objs[as->init_bps[i].object].live)  /* unloaded: nothing to restore */
			bkpt_remove(w->memfd, &as->init_bps[i].b);
	as->n_init_bps = 0;
	for (size_t i = 0; i < as->n_objs && as->n_pending; i++)
		if (as->objs[i].pending) {
			as->n_pending--;
			redirect_one(w, i);
		}
	as->n_pending = 0;
	set_errno_fn(w);
}

/* The namespaces' list heads; *consistent when no list is being changed.  A
 * list losing objects means the next walk must be a full one. */
static int read_heads(struct aspace *as, pid_t tid, uint64_t *heads, size_t *n, bool *consistent)
{
	uint64_t at = as->r_debug;
	*n = 0;
	*consistent = true;
	while (at && *n < MAX_NAMESPACES) {
		struct lm_debug d;
		int rc = linkmap_read_debug(tid, at, &d);
		if (rc < 0)
			return rc;
		*consistent &= d.state == LM_CONSISTENT;
		if (d.state == LM_DELETE)
			as->listed_changed = true;
		heads[(*n)++] = d.map;
		at = d.next;
	}
	return 0;
}

/* Pending objects are relocated once the dlopen that mapped them is over:
 * check they are still listed (a failed dlopen unloads them), then redirect. */
static int settle_pending(struct monitor *m, struct thread *th, struct aspace *as, int memfd)
{
	uint64_t heads[MAX_NAMESPACES];
	size_t n;
	bool consistent;
	struct walk w = {.m = m, .th = th, .as = as, .memfd = memfd};
	int rc = 0;
	if (!as->n_pending)
		return 0;
	if (as->listed_changed) {  /* a failed dlopen unloads what it mapped */
		rc = read_heads(as, th->tid, heads, &n, &consistent);
		if (rc == 0)
			rc = walk_full(&w, heads, n);
	}
	flush_pending(&w);
	return rc;
}

/* A refused object's load fails from inside the loader, before relocation,
 * as a load error does: _dl_debug_state "returns" into _dl_signal_error, which
 * unwinds the dlopen (which then fails with our message) or, at start-up,
 * ends the process with the loader's "error while loading shared libraries". */
static int refuse_load(struct walk *w, arch_regs *r, const struct object *o)
{
	struct aspace *as = w->as;
	uint64_t fn = lookup(as, "_dl_signal_error", NULL);
	char why[CODEPAGE_MSG_MAX / 2];
	snprintf(why, sizeof why, "refused by pysbx: %s", o->why ? o->why : "see stderr");
	size_t plen = strnlen(o->path, CODEPAGE_MSG_MAX / 2 - 1);
	uint64_t obj = as->cp.base + CODEPAGE_MSG, msg = obj + plen + 1;
	if (!fn)
		return -ENOENT;
	int rc = mem_write(w->memfd, obj, o->path, plen);
	if (rc == 0)
		rc = mem_write(w->memfd, obj + plen, "", 1);
	if (rc == 0)
		rc = mem_write(w->memfd, msg, why, strlen(why) + 1);
	if (rc < 0)
		return rc;
	/* as if _dl_debug_state had tail-called _dl_signal_error(0, obj, NULL, why) */
	const uint64_t args[4] = {0, obj, 0, msg};
	for (unsigned i = 0; i < 4; i++)
		arch_set_call_arg(r, i, args[i]);
	arch_set_pc(r, fn);
	return 0;
}

static int on_consistent(struct monitor *m, struct thread *th, struct aspace *as, arch_regs *r,
                         const uint64_t *heads, size_t n, int memfd)
{
	size_t first = as->n_objs;
	struct walk w = {.m = m, .th = th, .as = as, .adding = true, .memfd = memfd};
	int rc = walk_new(&w, heads, n);
	if (rc < 0)
		return rc;
	for (size_t i = first; i < as->n_objs && !m->opt->audit; i++)
		if (as->objs[i].refused) {
			make_pending(&w, first);  /* settled when the loader has unloaded them */
			return refuse_load(&w, r, &as->objs[i]);
		}
	if (!as->started) {
		/* start-up: relocated already, no constructor has run */
		for (size_t i = first; i < as->n_objs; i++)
			redirect_one(&w, i);
		set_errno_fn(&w);
		as->started = true;
		if (th->proc->main)
			pin_release(&m->pin, th->tid);  /* no constructor has run yet */
	} else
		make_pending(&w, first);
	return 0;
}

bool loader_is_event(const struct thread *th, uint64_t pc)
{
	return th->proc && th->proc->as && bkpt_hit(&th->proc->as->r_brk, pc);
}

/* _dl_debug_state is an empty function: returning from it in place of running
 * it leaves the breakpoint in place for every other thread. */
static int return_from_brk(pid_t tid, arch_regs *r)
{
	uint64_t ret;
	int rc = mem_read_word(tid, arch_return_slot(r), &ret);
	if (rc < 0)
		return rc;
	arch_return_to(r, ret, arch_retval(r));
	return 0;
}

int loader_event(struct monitor *m, struct thread *th, arch_regs *r)
{
	struct aspace *as = th->proc->as;
	uint64_t heads[MAX_NAMESPACES];
	size_t n;
	bool consistent;
	int memfd = aspace_memfd(as, th->tid);
	if (memfd < 0)
		return memfd;
	int rc = return_from_brk(th->tid, r);
	if (rc == 0)
		rc = read_heads(as, th->tid, heads, &n, &consistent);
	if (rc == 0)
		rc = settle_pending(m, th, as, memfd);  /* the previous dlopen is over */
	if (rc < 0 || !consistent)
		return rc;  /* objects are being added or removed: wait for RT_CONSISTENT */
	return on_consistent(m, th, as, r, heads, n, memfd);
}

bool loader_is_init(const struct thread *th, uint64_t pc)
{
	const struct aspace *as = th->proc ? th->proc->as : NULL;
	for (size_t i = 0; as && i < as->n_init_bps; i++)
		if (bkpt_hit(&as->init_bps[i].b, pc))
			return true;
	return false;
}

int loader_init(struct monitor *m, struct thread *th, arch_regs *r)
{
	struct aspace *as = th->proc->as;
	struct walk w = {.m = m, .th = th, .as = as, .memfd = aspace_memfd(as, th->tid)};
	if (w.memfd < 0)
		return w.memfd;
	flush_pending(&w);
	arch_set_pc(r, arch_pc(r) - ARCH_TRAP_LEN);  /* run the constructor's first instruction */
	return 0;
}

int loader_note_call(struct thread *th, arch_regs *r, bool dlsym, uint32_t object)
{
	struct aspace *as = th->proc->as;
	uint64_t ret;
	int memfd = aspace_memfd(as, th->tid);
	if (memfd < 0)
		return memfd;
	if (th->n_rets == RET_DEPTH)
		return dlsym ? -EOVERFLOW : 0;  /* a deeper dlopen is settled at the next event */
	int rc = mem_read_word(th->tid, arch_return_slot(r), &ret);
	if (rc == 0)
		rc = mem_write_word(memfd, arch_return_slot(r), codepage_ret_trap(&as->cp));
	if (rc == 0)
		th->rets[th->n_rets++] = (struct ret_trap){ret, object, dlsym};
	return rc;
}

/* Whether the object defines any dangerous libc function (libc does, almost
 * nothing else). */
static bool defines_dangerous(const struct elfscan_report *r)
{
	for (size_t i = 0; i < funcs_count; i++)
		if (funcs[i].libc && elfscan_find(r, funcs[i].name, NULL))
			return true;
	return false;
}

bool loader_may_hand_out(const struct aspace *as, const char *name)
{
	int fid = funcs_by_name(name);
	if (fid >= 0 && funcs[fid].libc)
		return true;
	for (size_t i = 0; i < as->n_objs; i++) {
		const struct object *o = &as->objs[i];
		const struct elfscan_symbol *s;
		if (!o->live || !o->scan || o->scan->error || !(s = elfscan_find(o->scan, name, NULL)))
			continue;
		if (!defines_dangerous(o->scan))
			continue;
		for (size_t k = 0; k < funcs_count; k++) {
			const struct elfscan_symbol *d;
			if (funcs[k].libc && (d = elfscan_find(o->scan, funcs[k].name, NULL)) &&
			    d->value == s->value)
				return true;
		}
	}
	return false;
}

bool loader_is_return(const struct thread *th, uint64_t pc)
{
	return th->proc && th->proc->as && th->proc->as->cp.base &&
	       pc - ARCH_TRAP_LEN == codepage_ret_trap(&th->proc->as->cp);
}

/* The dangerous function defined at addr, if any; of its aliases, the public
 * name (system rather than __libc_system). */
static int dangerous_at(const struct aspace *as, uint64_t addr)
{
	int found = -1;
	for (size_t i = 0; i < as->n_objs && found < 0; i++) {
		const struct object *o = &as->objs[i];
		if (!o->live || !o->scan || o->scan->error || addr < o->lo || addr >= o->hi)
			continue;
		for (size_t k = 0; k < o->scan->n_syms; k++) {
			const struct elfscan_symbol *s = &o->scan->syms[k];
			int fid;
			if (o->bias + s->value != addr || (fid = funcs_by_name(s->name)) < 0 ||
			    !funcs[fid].libc)
				continue;
			if (found < 0 || s->name[0] != '_')
				found = fid;
		}
	}
	return found;
}

/* A trap that stands for the function dlsym found: calls through the pointer
 * are decided like calls through a slot, attributed to dlsym's caller. */
static uint64_t hand_out(struct aspace *as, uint64_t addr, int fid, uint32_t object)
{
	for (size_t i = 0; i < as->got.n; i++) {
		const struct got_slot *g = &as->got.v[i];
		if (!g->addr && g->target == addr && g->object == object)
			return codepage_trap_addr(&as->cp, (uint32_t)i);
	}
	struct got_slot g = {.target = addr, .func = (uint32_t)fid, .object = object};
	long idx = got_add(&as->cp, &as->got, &g);
	return idx < 0 ? 0 : codepage_trap_addr(&as->cp, (uint32_t)idx);
}

int loader_return(struct monitor *m, struct thread *th, arch_regs *r)
{
	struct aspace *as = th->proc->as;
	if (!th->n_rets)
		return -EFAULT;  /* a return nobody set up: the job jumped here */
	struct ret_trap t = th->rets[--th->n_rets];
	int memfd = aspace_memfd(as, th->tid);
	if (memfd < 0)
		return memfd;
	int rc = settle_pending(m, th, as, memfd);
	arch_set_pc(r, t.ret);
	if (t.dlsym && arch_retval(r)) {
		int fid = dangerous_at(as, arch_retval(r));
		if (fid >= 0) {
			uint64_t trap = hand_out(as, arch_retval(r), fid, t.object);
			/* fail closed: no trap, no function */
			arch_set_retval(r, trap);
		}
	}
	return rc;
}

/* --- hooking a new image --------------------------------------------------- */

/* Bytes _dl_debug_state may start with: "ret", or "endbr64; ret". */
static bool is_empty_function(pid_t tid, uint64_t addr)
{
	static const unsigned char endbr_ret[5] = {0xf3, 0x0f, 0x1e, 0xfa, 0xc3};
	unsigned char b[5];
	if (mem_read(tid, addr, b, sizeof b) < 0)
		return false;
	return b[0] == 0xc3 || memcmp(b, endbr_ret, 5) == 0;
}

static int find_loader(pid_t pid, uint64_t *brk, uint64_t *rdebug)
{
	uint64_t base;
	struct procfs_maps maps;
	int rc = procfs_auxv(pid, AT_BASE, &base);
	if (rc < 0)
		return -ENOEXEC;
	/* no program interpreter: a static executable, or the dynamic loader
	 * run as the program (ld.so PROGRAM), which is where its own image is */
	bool itself = !base;
	if (itself && procfs_auxv(pid, AT_PHDR, &base) < 0)
		return -ENOEXEC;
	rc = procfs_maps_read(pid, &maps);
	if (rc < 0)
		return rc;
	const struct procfs_map *image = procfs_maps_find(&maps, base);
	if (image && image->offset == 0)
		base = image->start;  /* AT_BASE, or AT_PHDR's mapping: the load address */
	const struct procfs_map *map = procfs_maps_find(&maps, base);
	const struct elfscan_report *ld = map ? scan_mapping(pid, map, 0) : NULL;
	const struct elfscan_symbol *sb = ld ? elfscan_find(ld, "_dl_debug_state", NULL) : NULL;
	const struct elfscan_symbol *sr = ld ? elfscan_find(ld, "_r_debug", NULL) : NULL;
	procfs_maps_free(&maps);
	if (!sb || !sr)
		return itself ? -ENOEXEC : -ENOENT;
	*brk = base + sb->value;
	*rdebug = base + sr->value;
	return 0;
}

int loader_hook(struct monitor *m, struct thread *th, struct remote_result *res)
{
	struct aspace *as = th->proc->as;
	uint64_t brk, rdebug;
	memset(res, 0, sizeof *res);
	int rc = find_loader(th->tid, &brk, &rdebug);
	if (rc < 0)
		return rc;
	if (!is_empty_function(th->tid, brk))
		return -ENOTSUP;
	int memfd = aspace_memfd(as, th->tid);
	if (memfd < 0)
		return memfd;
	rc = codepage_create(th->tid, th->proc->tgid, memfd, m->cp_addr, &as->cp, res);
	if (rc < 0 || res->died)
		return rc;
	rc = bkpt_insert(th->tid, memfd, &as->r_brk, brk);
	if (rc < 0)
		return rc;
	as->r_debug = rdebug;
	as->python = true;
	return 0;
}
