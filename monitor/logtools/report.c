/* report: reading a log into what --report shows (report.h), and the text
 * rendering. */
#include "monitor/logtools/report.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor/callfmt.h"
#include "monitor/logtools/replay.h"

#define STACK_MAX 64   /* frames kept per stack */

/* --- small helpers --------------------------------------------------------- */

static char *take(struct report *r, struct jw *b)
{
	if (b->failed || !b->buf) {
		jw_free(b);
		b->buf = strdup("");
		if (!b->buf)
			r->failed = true;
	}
	char *s = b->buf;
	b->buf = NULL;
	jw_free(b);
	return s;
}

static char *text_of(struct report *r, const char *s)
{
	struct jw b;
	jw_init(&b);
	if (s)
		callfmt_text(&b, s, strlen(s));
	return take(r, &b);
}

static char *vec_of(struct report *r, const struct jval *arr)
{
	struct jw b;
	size_t n = arr && arr->type == J_ARR ? arr->len : 0;
	char **v = calloc(n + 1, sizeof *v);
	jw_init(&b);
	for (size_t i = 0; v && i < n; i++)
		v[i] = arr->items[i].type == J_STR ? arr->items[i].str : "?";
	callfmt_vec(&b, v, v ? n : 0);
	free(v);
	return take(r, &b);
}

static long num(const struct jval *ev, const char *key, long fallback)
{
	const struct jval *v = jsonr_get(ev, key);
	if (!v || v->type != J_NUM || !(v->num >= -2147483648.0 && v->num <= 2147483647.0))
		return fallback;
	return (long)v->num;
}

static bool grow(struct report *r, void **v, size_t n, size_t size)
{
	void *p = realloc(*v, (n + 1) * size);
	if (!p) {
		r->failed = true;
		return false;
	}
	*v = p;
	return true;
}

void report_hms(double t, char *buf, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;
	if (!(t > 0 && t < 1e11) || !localtime_r(&s, &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	size_t k = strftime(buf, n, "%H:%M:%S", &tm);
	snprintf(buf + k, n - k, ".%03d", (int)((t - (double)s) * 1000) % 1000);
}

void report_date(double t, char *buf, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;
	if (!(t > 0 && t < 1e11) || !localtime_r(&s, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M:%S",
	                                                               &tm))
		snprintf(buf, n, "?");
}

/* --- collecting ---------------------------------------------------------------- */

/* --- an index by pid and by path ------------------------------------------------ */

static uint64_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

/* The slot for key (equal says whether position i holds it): where it is,
 * or the empty slot where it goes. */
static size_t *index_find(const struct rindex *x, uint64_t h,
                          bool (*equal)(const struct report *, size_t, const void *),
                          const struct report *r, const void *key)
{
	for (size_t i = h & (x->cap - 1);; i = (i + 1) & (x->cap - 1))
		if (!x->slot[i] || equal(r, x->slot[i] - 1, key))
			return &x->slot[i];
}

/* Makes room for one more entry of n (rehashing with hash_of). */
static bool index_room(struct report *r, struct rindex *x, size_t n,
                       uint64_t (*hash_of)(const struct report *, size_t))
{
	if (x->cap && (n + 1) * 2 <= x->cap)
		return true;
	size_t cap = x->cap ? x->cap * 2 : 64;
	size_t *slot = calloc(cap, sizeof *slot);
	if (!slot) {
		r->failed = true;
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = hash_of(r, i) & (cap - 1);
		while (slot[k])
			k = (k + 1) & (cap - 1);
		slot[k] = i + 1;
	}
	free(x->slot);
	x->slot = slot;
	x->cap = cap;
	return true;
}

static uint64_t pid_hash(long pid)
{
	return hash_bytes(&pid, sizeof pid);
}

static bool pid_equal(const struct report *r, size_t i, const void *key)
{
	return r->procs[i].pid == *(const long *)key;
}

static uint64_t proc_hash(const struct report *r, size_t i)
{
	return pid_hash(r->procs[i].pid);
}

static bool path_equal(const struct report *r, size_t i, const void *key)
{
	return !strcmp(r->obj[i].raw, key);
}

static uint64_t obj_hash(const struct report *r, size_t i)
{
	return hash_bytes(r->obj[i].raw, strlen(r->obj[i].raw));
}

/* --- collecting ---------------------------------------------------------------- */

struct rproc *report_proc(const struct report *r, long pid)
{
	if (!r->proc_idx.cap)
		return NULL;
	size_t *s = index_find(&r->proc_idx, pid_hash(pid), pid_equal, r, &pid);
	return *s ? &r->procs[*s - 1] : NULL;
}

/* Per process, while collecting: the latest Python stack it showed, which
 * becomes its children's birth stack (a vfork child's exec has none of its
 * own: the line that asked for it is in the parent). */
struct pstack {
	char *call;              /* the function of that call */
	struct rframe *py;
	size_t n_py;
};

struct collect {
	struct report *r;
	struct pstack *last, *birth;   /* by position in r->procs */
	size_t cap;
};

static struct rproc *proc_of(struct collect *k, long pid)
{
	struct report *r = k->r;
	struct rproc *p = report_proc(r, pid);
	if (p)
		return p;
	if (!index_room(r, &r->proc_idx, r->n_procs, proc_hash) ||
	    !grow(r, (void **)&r->procs, r->n_procs, sizeof *r->procs))
		return NULL;
	if (r->n_procs >= k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		struct pstack *a = realloc(k->last, cap * sizeof *a), *b;
		if (a)
			k->last = a;
		b = a ? realloc(k->birth, cap * sizeof *b) : NULL;
		if (!b) {
			r->failed = true;
			return NULL;
		}
		k->birth = b;
		memset(k->last + k->cap, 0, (cap - k->cap) * sizeof *a);
		memset(k->birth + k->cap, 0, (cap - k->cap) * sizeof *b);
		k->cap = cap;
	}
	p = &r->procs[r->n_procs];
	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->first = r->n_procs;
	p->born_in = p->own_att = p->last_den = SIZE_MAX;
	*index_find(&r->proc_idx, pid_hash(pid), pid_equal, r, &pid) = ++r->n_procs;
	return p;
}

static void frames_free(struct rframe *f, size_t n)
{
	for (size_t i = 0; f && i < n; i++)
		free(f[i].text);
	free(f);
}

static struct rframe *frames_copy(const struct rframe *f, size_t n)
{
	struct rframe *c = n ? calloc(n, sizeof *c) : NULL;
	for (size_t i = 0; c && i < n; i++)
		c[i].text = strdup(f[i].text ? f[i].text : "");
	return c;
}

static struct rframe *py_frames(struct report *r, const struct jval *stack, size_t *n)
{
	*n = 0;
	if (!stack || stack->type != J_ARR || !stack->len)
		return NULL;
	size_t k = stack->len < STACK_MAX ? stack->len : STACK_MAX;
	struct rframe *f = calloc(k, sizeof *f);
	if (!f) {
		r->failed = true;
		return NULL;
	}
	for (size_t i = 0; i < k; i++) {
		const struct jval *fr = &stack->items[i];
		const char *file = jsonr_str(fr, "file"), *fn = jsonr_str(fr, "function");
		struct jw b;
		jw_init(&b);
		callfmt_text(&b, file ? file : "?", strlen(file ? file : "?"));
		char ln[32];
		snprintf(ln, sizeof ln, ":%ld in ", num(fr, "line", -1));
		jw_raw(&b, ln, strlen(ln));
		callfmt_text(&b, fn ? fn : "?", strlen(fn ? fn : "?"));
		f[i].text = take(r, &b);
	}
	*n = k;
	return f;
}

static struct rframe *native_frames(struct report *r, const struct jval *bt, size_t *n)
{
	*n = 0;
	if (!bt || bt->type != J_ARR || !bt->len)
		return NULL;
	size_t k = bt->len < STACK_MAX ? bt->len : STACK_MAX;
	struct rframe *f = calloc(k, sizeof *f);
	if (!f) {
		r->failed = true;
		return NULL;
	}
	for (size_t i = 0; i < k; i++) {
		const struct jval *fr = &bt->items[i];
		const char *obj = jsonr_str(fr, "object"), *sym = jsonr_str(fr, "symbol"),
		           *pc = jsonr_str(fr, "pc");
		const struct jval *off = jsonr_get(fr, "offset");
		struct jw b;
		char tmp[64];
		jw_init(&b);
		if (sym) {
			callfmt_text(&b, sym, strlen(sym));
			if (off && off->type == J_NUM && off->num >= 0 && off->num < 1e15) {
				snprintf(tmp, sizeof tmp, "+%#llx", (unsigned long long)off->num);
				jw_raw(&b, tmp, strlen(tmp));
			}
			jw_raw(&b, " in ", 4);
		}
		callfmt_text(&b, obj ? obj : "?", strlen(obj ? obj : "?"));
		if (pc) {
			jw_raw(&b, " (", 2);
			callfmt_text(&b, pc, strlen(pc));
			jw_raw(&b, ")", 1);
		}
		f[i].text = take(r, &b);
	}
	*n = k;
	return f;
}

static void pstack_set(struct pstack *s, char *call, struct rframe *py, size_t n)
{
	free(s->call);
	frames_free(s->py, s->n_py);
	s->call = call;
	s->py = py;
	s->n_py = n;
}

/* A fork: the child belongs to the attempt that created it, if any: the one
 * its parent was created by, or the one its parent started and is still
 * carrying out (no call of the parent's since). */
static void on_fork(struct collect *k, long parent, long child, size_t line)
{
	struct report *r = k->r;
	if (parent == child || !proc_of(k, parent))
		return;
	struct rproc *c = proc_of(k, child);
	struct rproc *pp = report_proc(r, parent);   /* after proc_of: the array may move */
	if (!c || !pp)
		return;
	c->parent = parent;
	c->fork_line = line;
	c->born_in = pp->born_in != SIZE_MAX ? pp->born_in
	           : pp->att_open ? pp->own_att : SIZE_MAX;
	/* the child is born with its parent's latest Python stack */
	struct pstack *from = &k->last[pp->first], *to = &k->birth[c->first];
	if (from->n_py)
		pstack_set(to, from->call ? strdup(from->call) : NULL,
		           frames_copy(from->py, from->n_py), from->n_py);
}

/* The argv an exec-like call logged (its first array argument), as a key. */
static char *argv_key(const struct jval *ev)
{
	const struct jval *args = jsonr_get(ev, "args");
	for (size_t i = 0; args && args->type == J_ARR && i < args->len; i++) {
		const struct jval *a = &args->items[i];
		if (a->type != J_ARR)
			continue;
		struct jw b;
		jw_init(&b);
		for (size_t j = 0; j < a->len; j++) {
			if (a->items[j].type == J_STR)
				jw_raw(&b, a->items[j].str, a->items[j].len);
			jw_raw(&b, "\x1f", 1);
		}
		if (b.failed) {
			jw_free(&b);
			return NULL;
		}
		return b.buf ? b.buf : strdup("");
	}
	return NULL;
}

/* Which attempt denial d (the last of r->den) of process p belongs to; opens
 * one when nothing explains it.  Returns whether it is p's own attempt's. */
static bool group(struct collect *k, struct rproc *p, struct rdenial *d)
{
	struct report *r = k->r;
	size_t di = (size_t)(d - r->den), ai = SIZE_MAX;
	if (p->born_in != SIZE_MAX)
		ai = p->born_in;
	else if (p->own_att != SIZE_MAX && d->argv_key && p->last_den != SIZE_MAX &&
	         r->den[p->last_den].attempt == p->own_att && r->den[p->last_den].argv_key &&
	         !strcmp(r->den[p->last_den].argv_key, d->argv_key))
		ai = p->own_att;   /* the same request again: a PATH search, its exec stop */
	p->last_den = di;
	if (ai != SIZE_MAX) {
		struct rattempt *a = &r->att[ai];
		d->attempt = ai;
		a->n++;
		a->enforced |= d->enforced;
		if (a->py_from == SIZE_MAX && d->n_py)
			a->py_from = di;
		return ai == p->own_att;
	}
	if (!grow(r, (void **)&r->att, r->n_att, sizeof *r->att))
		return false;
	struct rattempt *a = &r->att[r->n_att];
	memset(a, 0, sizeof *a);
	a->first = di;
	a->n = 1;
	a->pid = d->pid;
	a->start_line = d->line;
	a->enforced = d->enforced;
	a->py_from = d->n_py ? di : SIZE_MAX;
	d->attempt = p->own_att = r->n_att++;
	struct pstack *b = &k->birth[p->first];
	if (!d->n_py && b->n_py) {  /* the stack of the parent that asked for it */
		char tmp[160];
		snprintf(tmp, sizeof tmp, "in its parent, pid %ld, at the %s that created it",
		         p->parent, b->call ? b->call : "call");
		a->py_parent = strdup(tmp);
		a->ppy = frames_copy(b->py, b->n_py);
		a->n_ppy = a->ppy ? b->n_py : 0;
	}
	return true;
}

static void on_call(struct collect *k, const struct jval *ev, size_t line)
{
	struct report *r = k->r;
	/* a "syscall" event is a denial with no call behind it (off the
	 * allow-list) */
	const char *dec = jsonr_str(ev, "decision") ? jsonr_str(ev, "decision") : "deny";
	bool enforced = jsonr_bool(ev, "enforced", true);
	long pid = num(ev, "pid", 0);
	struct rproc *p = proc_of(k, pid);
	size_t n_py;
	struct rframe *py = py_frames(r, jsonr_get(ev, "python_stack"), &n_py);
	r->counted_calls++;
	if (!p) {
		frames_free(py, n_py);
		return;
	}
	if (py) {
		struct rframe *copy = frames_copy(py, n_py);
		if (copy)
			pstack_set(&k->last[p->first], text_of(r, jsonr_str(ev, "function")), copy, n_py);
	}
	bool own = false;
	/* the kernel's own answer (no such process, no socket there: any errno
	 * but EPERM) was no refusal of pysbx's, as the stderr lines say */
	const char *err = jsonr_str(ev, "errno");
	bool kernels = err && strcmp(err, "EPERM");
	if (strcmp(dec, "allow") && !kernels && grow(r, (void **)&r->den, r->n_den, sizeof *r->den)) {
		struct rdenial *d = &r->den[r->n_den++];
		struct jw b;
		memset(d, 0, sizeof *d);
		d->line = line;
		d->time = jsonr_num(ev, "time", 0);
		d->pid = pid;
		d->enforced = enforced;
		d->exec_stop = jsonr_str(ev, "layer") && !strcmp(jsonr_str(ev, "layer"), "exec");
		jw_init(&b);
		replay_render(&b, ev, callfmt_what(dec, enforced), false);
		d->text = take(r, &b);
		d->argv_key = argv_key(ev);
		d->py = py;
		d->n_py = n_py;
		py = NULL;
		n_py = 0;
		const struct jval *stack = jsonr_get(ev, "python_stack");
		d->py_unavailable = stack && stack->type == J_STR;
		d->bt = native_frames(r, jsonr_get(ev, "backtrace"), &d->n_bt);
		if (enforced) {
			r->counted_denied++;
			p->denied++;
		} else {
			r->counted_would_deny++;
			p->would++;
			p->ran_denied |= d->exec_stop;
		}
		own = group(k, p, d);
	}
	/* the process is past the request it started once its code makes
	 * another call through a GOT slot; the system calls the request itself
	 * makes (system()'s clone3, seen by the system-call layer) do not end it */
	const char *layer = jsonr_str(ev, "layer");
	p->att_open = own || (p->att_open && layer && strcmp(layer, "got"));
	frames_free(py, n_py);
}

static void on_object(struct report *r, const struct jval *ev)
{
	const char *path = jsonr_str(ev, "path"), *v = jsonr_str(ev, "verdict");
	if (!path)
		path = "?";
	size_t *slot;
	if (r->obj_idx.cap) {
		slot = index_find(&r->obj_idx, hash_bytes(path, strlen(path)), path_equal, r, path);
		if (*slot) {
			r->obj[*slot - 1].loads++;
			return;
		}
	}
	if (!index_room(r, &r->obj_idx, r->n_obj, obj_hash) ||
	    !grow(r, (void **)&r->obj, r->n_obj, sizeof *r->obj))
		return;
	struct robject *o = &r->obj[r->n_obj];
	memset(o, 0, sizeof *o);
	if (!(o->raw = strdup(path))) {
		r->failed = true;
		return;
	}
	o->path = text_of(r, path);
	o->verdict = text_of(r, v);
	o->reason = text_of(r, jsonr_str(ev, "reason"));
	o->rule = text_of(r, jsonr_str(ev, "rule"));
	o->loads = 1;
	*index_find(&r->obj_idx, hash_bytes(path, strlen(path)), path_equal, r, path) = ++r->n_obj;
	r->n_verdict[!strcmp(v, "trusted") ? 0 : !strcmp(v, "refused") ? 2 : 1]++;
}

static int collect_one(void *ctx, const struct jval *ev, size_t line)
{
	struct collect *k = ctx;
	struct report *r = k->r;
	const char *e = jsonr_str(ev, "event");
	long pid = num(ev, "pid", 0);
	struct rproc *p;
	if (!strcmp(e, "start")) {
		if (!r->command) {
			r->command = vec_of(r, jsonr_get(ev, "argv"));
			r->policy = text_of(r, jsonr_str(ev, "policy") ? jsonr_str(ev, "policy") : "?");
			r->audit = jsonr_bool(ev, "audit", false);
			r->start_time = jsonr_num(ev, "time", 0);
			const char *weaker = jsonr_str(ev, "weaker");
			if (weaker && *weaker)
				r->weaker = text_of(r, weaker);
		}
		proc_of(k, pid);
	} else if (!strcmp(e, "fork"))
		on_fork(k, num(ev, "parent", 0), pid, line);
	else if (!strcmp(e, "exec") && (p = proc_of(k, pid))) {
		free(p->program);
		free(p->argv);
		p->program = text_of(r, jsonr_str(ev, "program") ? jsonr_str(ev, "program") : "?");
		p->argv = vec_of(r, jsonr_get(ev, "argv"));
	} else if (!strcmp(e, "exit") && (p = proc_of(k, pid))) {
		char tmp[48];
		if (jsonr_get(ev, "signal"))
			snprintf(tmp, sizeof tmp, "signal %ld", num(ev, "signal", -1));
		else if (jsonr_get(ev, "status"))
			snprintf(tmp, sizeof tmp, "exit %ld", num(ev, "status", -1));
		else
			snprintf(tmp, sizeof tmp, "ended");
		free(p->exit);
		p->exit = strdup(tmp);
	} else if (!strcmp(e, "call") || !strcmp(e, "syscall"))
		on_call(k, ev, line);
	else if (!strcmp(e, "object"))
		on_object(r, ev);
	else if (!strcmp(e, "summary")) {
		r->end_time = jsonr_num(ev, "time", r->end_time);
		r->have_summary = true;
		r->exit_code = num(ev, "exit_code", -1);
		r->calls = (unsigned long)num(ev, "calls", 0);
		r->denied = (unsigned long)num(ev, "denied", 0);
		r->would_deny = (unsigned long)num(ev, "would_deny", -1);
		r->counted_would = !jsonr_get(ev, "would_deny");
	}
	if (!r->have_summary)
		r->end_time = jsonr_num(ev, "time", r->end_time);
	return 0;
}

int report_collect(const char *path, struct report *r)
{
	struct collect k = {.r = r};
	memset(r, 0, sizeof *r);
	r->name = strdup(replay_name(path));
	r->exit_code = -1;
	int rc = r->name ? logread_file(path, collect_one, &k, &r->lr) : -1;
	for (size_t i = 0; i < r->n_procs && i < k.cap; i++) {
		pstack_set(&k.last[i], NULL, NULL, 0);
		pstack_set(&k.birth[i], NULL, NULL, 0);
	}
	free(k.last);
	free(k.birth);
	if (!r->have_summary) {
		r->calls = r->counted_calls;
		r->denied = r->counted_denied;
	}
	if (!r->have_summary || r->counted_would)
		r->would_deny = r->counted_would_deny;
	return rc < 0 ? -1 : 0;
}

void report_release(struct report *r)
{
	for (size_t i = 0; i < r->n_procs; i++) {
		free(r->procs[i].program);
		free(r->procs[i].argv);
		free(r->procs[i].exit);
	}
	for (size_t i = 0; i < r->n_den; i++) {
		free(r->den[i].text);
		free(r->den[i].argv_key);
		frames_free(r->den[i].py, r->den[i].n_py);
		frames_free(r->den[i].bt, r->den[i].n_bt);
	}
	for (size_t i = 0; i < r->n_att; i++) {
		free(r->att[i].py_parent);
		frames_free(r->att[i].ppy, r->att[i].n_ppy);
	}
	for (size_t i = 0; i < r->n_obj; i++) {
		free(r->obj[i].raw);
		free(r->obj[i].path);
		free(r->obj[i].verdict);
		free(r->obj[i].reason);
		free(r->obj[i].rule);
	}
	free(r->procs);
	free(r->den);
	free(r->att);
	free(r->obj);
	free(r->command);
	free(r->policy);
	free(r->weaker);
	free(r->name);
	free(r->proc_idx.slot);
	free(r->obj_idx.slot);
	logread_free(&r->lr);
}

static bool library_frame(const char *text)
{
	return strstr(text, "/lib/python") || !strncmp(text, "<frozen ", 8);
}

const char *report_caller(const struct rframe *f, size_t n)
{
	if (!n || !library_frame(f[0].text))
		return NULL;
	for (size_t i = 1; i < n; i++)
		if (!library_frame(f[i].text))
			return f[i].text;
	return NULL;
}

const char *report_mode(const struct report *r, char *buf, size_t n)
{
	if (r->audit)
		snprintf(buf, n, "AUDIT: nothing was denied; %lu call%s would have been denied and "
		         "went ahead", r->would_deny, r->would_deny == 1 ? "" : "s");
	else
		snprintf(buf, n, "ENFORCED: %lu call%s denied", r->denied, r->denied == 1 ? "" : "s");
	return buf;
}

/* --- text ------------------------------------------------------------------------- */

struct rplace *report_tree(const struct report *r)
{
	size_t n = r->n_procs, at = 0, top = 0;
	size_t *child = malloc((n + 1) * sizeof *child), *next = malloc((n + 1) * sizeof *next);
	struct rplace *out = malloc((n + 1) * sizeof *out), *stack = malloc((n + 1) * sizeof *stack);
	bool *seen = calloc(n + 1, sizeof *seen);
	if (!child || !next || !out || !stack || !seen) {
		free(out);
		out = NULL;
		goto done;
	}
	/* children lists, latest first: pushed in that order, the earliest is
	 * taken first */
	for (size_t i = 0; i < n; i++)
		child[i] = next[i] = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		const struct rproc *pp = report_proc(r, r->procs[i].parent);
		if (pp && pp != &r->procs[i]) {
			next[i] = child[pp->first];
			child[pp->first] = i;
		}
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t root = 0; root < n; root++) {
			const struct rproc *pp = report_proc(r, r->procs[root].parent);
			/* first the real roots; then whatever a loop kept unreached */
			if (seen[root] || (pass == 0 && pp && pp != &r->procs[root]))
				continue;
			stack[top++] = (struct rplace){root, 0};
			while (top) {
				struct rplace x = stack[--top];
				if (seen[x.proc])
					continue;
				seen[x.proc] = true;
				out[at++] = x;
				for (size_t c = child[x.proc]; c != SIZE_MAX; c = next[c])
					if (!seen[c] && top < n)
						stack[top++] = (struct rplace){c, x.depth + 1};
			}
		}
done:
	free(child);
	free(next);
	free(stack);
	free(seen);
	return out;
}

static void text_attempt(FILE *out, const struct report *r, size_t ai)
{
	const struct rattempt *a = &r->att[ai];
	const struct rdenial *d0 = &r->den[a->first];
	char hms[32];
	report_hms(d0->time, hms, sizeof hms);
	fprintf(out, "  %zu. %s line %zu: %s\n", ai + 1, hms, d0->line, d0->text);
	const struct rframe *py = a->py_from != SIZE_MAX ? r->den[a->py_from].py : a->ppy;
	size_t n_py = a->py_from != SIZE_MAX ? r->den[a->py_from].n_py : a->n_ppy;
	if (n_py) {
		fprintf(out, "       at %s", py[0].text);
		if (report_caller(py, n_py))
			fprintf(out, "\n       called from %s", report_caller(py, n_py));
		if (a->py_from == SIZE_MAX)
			fprintf(out, "\n       (%s)", a->py_parent);
		fputc('\n', out);
	}
	size_t again = 0;
	for (size_t j = a->first + 1; j < r->n_den; j++) {
		const struct rdenial *d = &r->den[j];
		if (d->attempt != ai)
			continue;
		if (d->pid == d0->pid && !d->exec_stop && d->argv_key && d0->argv_key &&
		    !strcmp(d->argv_key, d0->argv_key)) {
			again++;  /* a PATH search: the same request at another path */
			continue;
		}
		fprintf(out, "       then line %zu: %s\n", d->line, d->text);
	}
	if (again)
		fprintf(out, "       (and %zu more tries of the same program and arguments at other "
		        "paths: a PATH search)\n", again);
}

void report_text(FILE *out, const struct report *r)
{
	char buf[768], t0[64], t1[64];
	fprintf(out, "pysbx report of %s\n", r->name);
	if (logread_altered(&r->lr))
		fprintf(out, "!! LOG %s\n", logread_integrity(&r->lr, buf, sizeof buf));
	if (logread_completeness(&r->lr, buf, sizeof buf))
		fprintf(out, "!! LOG %s\n", buf);
	for (size_t i = 0; i < r->lr.n_tamper && i < LOGREAD_TAMPER_MAX; i++)
		fprintf(out, "!! %s\n", logread_tamper_text(&r->lr, i, buf, sizeof buf));
	if (!logread_altered(&r->lr))
		fprintf(out, "log: %s\n", logread_integrity(&r->lr, buf, sizeof buf));
	fprintf(out, "command: %s\npolicy: %s\nmode: %s\n", r->command ? r->command : "?",
	        r->policy ? r->policy : "?", report_mode(r, buf, sizeof buf));
	if (r->weaker)
		fprintf(out, "weaker guarantees: %s\n", r->weaker);
	report_date(r->start_time, t0, sizeof t0);
	report_hms(r->end_time, t1, sizeof t1);
	fprintf(out, "started: %s, %s: %s\n", t0, r->have_summary ? "ended" : "last event", t1);
	if (r->have_summary)
		fprintf(out, "exit code: %ld\n", r->exit_code);
	else
		fputs("exit code: unknown: the log is incomplete\n", out);
	fprintf(out, "calls: %lu decided, %lu denied, %lu would have been denied%s\n\n", r->calls,
	        r->denied, r->would_deny, r->have_summary ? "" : " (counted in the log)");
	fputs("processes:\n", out);
	struct rplace *t = report_tree(r);
	for (size_t k = 0; t && k < r->n_procs; k++) {
		const struct rproc *p = &r->procs[t[k].proc];
		int depth = t[k].depth > 32 ? 32 : (int)t[k].depth;   /* indentation only */
		fprintf(out, "  %*s%ld %s  [%s]", 2 * depth, "", p->pid,
		        p->program ? p->program : "(no exec)",
		        p->exit ? p->exit : r->lr.complete ? "no exit recorded"
		                                           : "no exit recorded: the log ends first");
		if (p->ran_denied)
			fputs("  RAN A PROGRAM THE POLICY DENIES", out);
		if (p->denied)
			fprintf(out, "  %u denied", p->denied);
		if (p->would)
			fprintf(out, "  %u would-be denial%s", p->would, p->would == 1 ? "" : "s");
		fputc('\n', out);
	}
	free(t);
	fprintf(out, "\n%s: %zu attempt%s, %zu %s\n", r->audit ? "would-be denials" : "denials",
	        r->n_att, r->n_att == 1 ? "" : "s", r->n_den,
	        r->audit ? "would-be denials in all" : "denials in all");
	for (size_t i = 0; i < r->n_att; i++)
		text_attempt(out, r, i);
	fprintf(out, "\nobjects: %lu trusted, %lu isolated, %lu refused\n", r->n_verdict[0],
	        r->n_verdict[1], r->n_verdict[2]);
	for (size_t i = 0; i < r->n_obj; i++)
		if (!strcmp(r->obj[i].verdict, "refused"))
			fprintf(out, "  refused %s: %s\n", r->obj[i].path, r->obj[i].reason);
}

int replay_report(const char *path, enum report_format fmt, FILE *out)
{
	struct report r;
	if (report_collect(path, &r) < 0) {
		report_release(&r);
		return REPLAY_UNREADABLE;
	}
	logread_warn(&r.lr);
	if (fmt == REPORT_DOT)
		report_dot(out, &r);
	else if (fmt == REPORT_HTML)
		report_html(out, &r);
	else
		report_text(out, &r);
	bool untrusted = logread_altered(&r.lr) || !r.lr.complete;
	if (r.failed)
		fprintf(stderr, "pysbx-trace: out of memory: the report is not complete\n");
	report_release(&r);
	return r.failed ? REPLAY_UNREADABLE : untrusted ? REPLAY_UNTRUSTED : 0;
}
