/* pystack: the Python stack of a stopped thread, CPython 3.11, from outside.
 *
 *   _PyRuntime.interpreters.head -> PyInterpreterState -> next ...
 *     .threads.head -> PyThreadState -> next ...     (native_thread_id == tid)
 *       .cframe -> _PyCFrame.current_frame -> _PyInterpreterFrame
 *         .previous -> ...   one chain per thread, across C calls into Python
 *         .f_code -> PyCodeObject: co_filename, co_qualname (str),
 *                    co_linetable (bytes), co_firstlineno, the code units
 *         .prev_instr -> the code unit being executed (a CALL when the thread
 *                        is inside a C function called from Python)
 *
 * The offsets come from the installed 3.11 headers (monitor/pystack.mk
 * generates pystack_layout311.h).  Reads go through a per-call page cache
 * (pystack_pages.h), a phase at a time: the frame chain, then all its code
 * objects, then all their strings and location tables, so that a short stack
 * costs about seven system calls.
 *
 * Everything read is the job's memory, which the job can scribble on: each
 * pointer is checked against what it must point to (back-pointers, object
 * types, sizes), each walk is bounded and watched for loops, so a corrupt
 * interpreter gives -ENOTSUP or -EFAULT, never a crash or a hang.  A job can
 * still forge a plausible stack: what pystack reports is the job's word.
 */
#include "monitor/pystack.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/pystack_decode.h"
#include "monitor/pystack_layout311.h"  /* generated into $(B)/monitor */
#include "monitor/pystack_pages.h"

#if (PY311_HEADERS_VERSION_HEX >> 16) != 0x030b
#error "pystack_layout311.h was not generated from CPython 3.11 headers"
#endif

enum { LAYOUT_311 = 311 };

#define MAX_INTERPS     64        /* sub-interpreters walked */
#define MAX_THREADS     10000     /* thread states walked, over all interpreters */
#define MAX_SKIPPED     256       /* incomplete frames skipped in one stack */
#define MAX_FRAMES      (1u << 18) /* frames returned (the count is an int) */
#define ROUND           32        /* frames gathered per phase */
#define MAX_CODE_UNITS  (1u << 26)
#define MAX_LINETABLE   (1u << 20)
#define STR_CHARS       255       /* code points kept of a str (file[] - 1) */
#define STR_AHEAD       128       /* bytes of a str asked for before its length is known */
#define LT_AHEAD        256       /* likewise for a location table */
#define N_STRCACHE      4

/* One frame of the chain, with its code object's fields. */
struct frame_rec {
	uint64_t code, prev_instr;
	unsigned owner;
	bool incomplete;
	uint8_t co[PY311_CO_CODE_ADAPTIVE];
};

/* State of one pystack_read: what has been read and checked so far. */
struct walk {
	pid_t tid;
	uint64_t runtime;
	uint64_t str_type, bytes_type;  /* &PyUnicode_Type, &PyBytes_Type */
	uint64_t code_type;             /* &PyCode_Type once one code object passed */
	struct pystack_pages pc;
	struct frame_rec fr[ROUND];
	struct {                        /* recent str objects, decoded */
		uint64_t addr;
		char s[STR_CHARS * 4 + 1];
	} sc[N_STRCACHE];
	unsigned sc_next;
};

/* Brent's cycle detection over a list being walked: a job can link its own
 * lists into a loop, which must end the walk as soon as it is seen, not after
 * the bound.  Costs no reads: p is compared with one saved node. */
struct cycle {
	uint64_t saved;
	unsigned steps, power;
};

static bool cycle_seen(struct cycle *c, uint64_t p)
{
	if (p == c->saved)
		return true;
	if (++c->steps >= c->power) {
		c->saved = p;
		c->power *= 2;
		c->steps = 0;
	}
	return false;
}

static uint64_t get64(const void *buf, size_t off)
{
	uint64_t v;
	memcpy(&v, (const char *)buf + off, sizeof v);
	return v;
}

static int32_t get32(const void *buf, size_t off)
{
	int32_t v;
	memcpy(&v, (const char *)buf + off, sizeof v);
	return v;
}

/* Object pointers are 8-aligned user addresses (48-bit address spaces). */
static bool ptr_ok(uint64_t p)
{
	return p != 0 && p % 8 == 0 && p < (1ull << 48);
}

static int rd(struct walk *w, uint64_t addr, void *buf, size_t len)
{
	return pystack_pages_read(&w->pc, addr, buf, len);
}

static int rd64(struct walk *w, uint64_t addr, uint64_t *v)
{
	return rd(w, addr, v, sizeof *v);
}

/* Is the type at t &want, or a type whose tp_flags carry flag (a subclass)? */
static int type_is(struct walk *w, uint64_t t, uint64_t want, uint64_t flag)
{
	uint64_t flags;
	if (t == want)
		return 0;
	if (!ptr_ok(t))
		return -ENOTSUP;
	int rc = rd64(w, t + PY311_TYPE_FLAGS, &flags);
	if (rc < 0)
		return rc == -ESRCH ? rc : -ENOTSUP;
	return (flags & flag) ? 0 : -ENOTSUP;
}

/* A code object's type: the first one must look like PyCode_Type (its
 * instance sizes are the layout's, and it claims no other built-in kind),
 * later ones must be the same type.  Its page was asked for with the
 * strings, so this costs no system call of its own. */
static int check_code_type(struct walk *w, uint64_t t)
{
	uint8_t ty[PY311_TYPE_FLAGS + 8];
	int rc;

	if (w->code_type)
		return t == w->code_type ? 0 : -ENOTSUP;
	if (!ptr_ok(t))
		return -ENOTSUP;
	if ((rc = rd(w, t, ty, sizeof ty)) < 0)
		return rc;
	if (get64(ty, PY311_TYPE_BASICSIZE) != PY311_CO_CODE_ADAPTIVE ||
	    get64(ty, PY311_TYPE_ITEMSIZE) != PY311_CODEUNIT_SIZE ||
	    (get64(ty, PY311_TYPE_FLAGS) & PY311_TPFLAGS_BUILTIN_KINDS) || get64(ty, PY311_TYPE_NAME) == 0)
		return -ENOTSUP;
	w->code_type = t;
	return 0;
}

/* Decodes the str object at addr into out (UTF-8, at most STR_CHARS code points). */
static int str_decode(struct walk *w, uint64_t addr, char *out, size_t cap)
{
	uint8_t hdr[PY311_STR_DATA_ANY + 8], data[STR_CHARS * 4];
	int rc;

	if ((rc = rd(w, addr, hdr, PY311_STR_ASCII_SIZE)) < 0)
		return rc;
	if ((rc = type_is(w, get64(hdr, PY311_OB_TYPE), w->str_type, PY311_TPFLAGS_UNICODE_SUBCLASS)) < 0)
		return rc;
	int64_t length = (int64_t)get64(hdr, PY311_STR_LENGTH);
	uint32_t state = (uint32_t)get32(hdr, PY311_STR_STATE);
	unsigned kind = (state & PY311_STATE_KIND_MASK) >> PY311_STATE_KIND_SHIFT;
	bool compact = state & PY311_STATE_COMPACT_MASK;
	bool ascii = state & PY311_STATE_ASCII_MASK;
	bool ready = state & PY311_STATE_READY_MASK;
	if (length < 0 || !ready || (kind != 1 && kind != 2 && kind != 4) ||
	    (ascii && (kind != 1 || !compact)))
		return -ENOTSUP;

	/* The characters follow the header of a compact str; a str subclass
	 * instance (PyUnicodeObject) points at them from data.any. */
	size_t n = length > STR_CHARS ? STR_CHARS : (size_t)length;
	uint64_t at = addr + (ascii ? PY311_STR_ASCII_SIZE : PY311_STR_COMPACT_SIZE);
	if (!compact) {
		if ((rc = rd(w, addr, hdr, sizeof hdr)) < 0)
			return rc;
		at = get64(hdr, PY311_STR_DATA_ANY);
		if (at == 0)
			return -ENOTSUP;
	}
	if ((rc = rd(w, at, data, n * kind)) < 0)
		return rc;
	pystack_utf8(data, n, kind, out, cap);
	return 0;
}

/* A str of a code object into dst, decoded once per call. */
static int str_get(struct walk *w, uint64_t addr, char *dst, size_t cap)
{
	char tmp[sizeof w->sc[0].s];
	int rc;

	for (unsigned i = 0; i < N_STRCACHE; i++)
		if (w->sc[i].addr == addr) {
			pystack_copy_utf8(dst, cap, w->sc[i].s);
			return 0;
		}
	if ((rc = str_decode(w, addr, tmp, sizeof tmp)) < 0)
		return rc;
	unsigned i = w->sc_next++ % N_STRCACHE;
	w->sc[i].addr = addr;
	memcpy(w->sc[i].s, tmp, sizeof tmp);
	pystack_copy_utf8(dst, cap, tmp);
	return 0;
}

/* The line of byte offset lasti from the location table (a bytes object) at
 * lt; -1 when unknown: a table that cannot be read or decoded costs the
 * line, not the frame. */
static int line_of(struct walk *w, uint64_t lt, int firstlineno, uint64_t lasti)
{
	uint8_t hdr[PY311_BYTES_SVAL], near[PYSTACK_PAGE];
	int line = -1, rc;

	if (rd(w, lt, hdr, sizeof hdr) < 0 ||
	    type_is(w, get64(hdr, PY311_OB_TYPE), w->bytes_type, PY311_TPFLAGS_BYTES_SUBCLASS) < 0)
		return -1;
	int64_t size = (int64_t)get64(hdr, PY311_OB_SIZE);
	if (size < 0 || size > MAX_LINETABLE)
		return -1;
	/* First what the page of the header holds (usually all of it). */
	uint64_t tab = lt + PY311_BYTES_SVAL;
	size_t have = PYSTACK_PAGE - (size_t)(tab % PYSTACK_PAGE);
	if (have > (size_t)size)
		have = (size_t)size;
	if (rd(w, tab, near, have) < 0)
		return -1;
	rc = pystack_linetable_line(near, have, have == (size_t)size, firstlineno, lasti, &line);
	if (rc == -EAGAIN) {
		uint8_t *all = malloc((size_t)size);
		if (all && rd(w, tab, all, (size_t)size) == 0)
			rc = pystack_linetable_line(all, (size_t)size, true, firstlineno, lasti, &line);
		free(all);
	}
	return rc == 0 ? line : -1;
}

/* Fills one frame from its record. */
static int frame_fill(struct walk *w, const struct frame_rec *r, struct pyframe *out)
{
	const uint8_t *co = r->co;
	int firstlineno = get32(co, PY311_CO_FIRSTLINENO);
	uint64_t units = get64(co, PY311_OB_SIZE);
	int rc;

	if ((rc = str_get(w, get64(co, PY311_CO_FILENAME), out->file, sizeof out->file)) < 0 ||
	    (rc = str_get(w, get64(co, PY311_CO_QUALNAME), out->func, sizeof out->func)) < 0)
		return rc;
	/* prev_instr - code units: the byte offset CPython's f_lineno uses; a
	 * frame that has not started yet points one unit before the first. */
	int64_t lasti = (int64_t)(r->prev_instr - (r->code + PY311_CO_CODE_ADAPTIVE));
	if (lasti < 0)
		out->line = firstlineno;
	else if ((uint64_t)lasti >= units * PY311_CODEUNIT_SIZE || lasti % PY311_CODEUNIT_SIZE)
		out->line = -1;
	else
		out->line = line_of(w, get64(co, PY311_CO_LINETABLE), firstlineno, (uint64_t)lasti);
	return 0;
}

/* The innermost frame of the thread state whose block is ts (0: none). */
static int current_frame(struct walk *w, const uint8_t *ts, uint64_t *frame)
{
	uint64_t cframe = get64(ts, PY311_TS_CFRAME);

	*frame = 0;
	if (cframe == 0)
		return 0;
	if (!ptr_ok(cframe))
		return -ENOTSUP;
	return rd64(w, cframe + PY311_CF_CURRENT_FRAME, frame);
}

/* Finds the innermost frame of thread w->tid: 0 with *frame set (0 if the
 * thread runs no Python code), or a negative errno.  A thread state being
 * created carries its creator's thread id until the new thread starts, so a
 * matching state with no frame does not end the search. */
static int find_thread(struct walk *w, uint64_t head, uint64_t *frame)
{
	uint8_t is[PY311_IS_RUNTIME + 8], ts[PY311_TS_NATIVE_THREAD_ID + 8];
	unsigned n_threads = 0;
	struct cycle ic = {0, 0, 1};
	int rc;

	*frame = 0;
	uint64_t interp = head;
	for (unsigned n_interps = 0; interp; n_interps++) {
		if (n_interps >= MAX_INTERPS || !ptr_ok(interp) || cycle_seen(&ic, interp))
			return -ENOTSUP;
		if ((rc = rd(w, interp, is, sizeof is)) < 0)
			return rc;
		if (get64(is, PY311_IS_RUNTIME) != w->runtime)
			return -ENOTSUP;
		uint64_t t = get64(is, PY311_IS_THREADS_HEAD), prev = 0;
		struct cycle tc = {0, 0, 1};
		while (t) {
			if (++n_threads > MAX_THREADS || !ptr_ok(t) || cycle_seen(&tc, t))
				return -ENOTSUP;
			if ((rc = rd(w, t, ts, sizeof ts)) < 0)
				return rc;
			/* The head's prev may already name a thread state being
			 * added by a running thread; the others' must be exact. */
			if (get64(ts, PY311_TS_INTERP) != interp ||
			    (prev && get64(ts, PY311_TS_PREV) != prev))
				return -ENOTSUP;
			if (get64(ts, PY311_TS_NATIVE_THREAD_ID) == (uint64_t)w->tid) {
				if ((rc = current_frame(w, ts, frame)) < 0 || *frame)
					return rc;
			}
			prev = t;
			t = get64(ts, PY311_TS_NEXT);
		}
		interp = get64(is, PY311_IS_NEXT);
	}
	return 0;
}

/* Phase 1: up to want frames of the chain from *f (left at the next one). */
static int gather_frames(struct walk *w, uint64_t *f, struct cycle *fc, size_t want)
{
	uint8_t fr[PY311_IF_LOCALSPLUS];
	size_t k = 0;
	int rc;

	while (*f && k < want) {
		if (!ptr_ok(*f) || cycle_seen(fc, *f))
			return -ENOTSUP;
		if ((rc = rd(w, *f, fr, sizeof fr)) < 0)
			return rc;
		struct frame_rec *r = &w->fr[k++];
		r->code = get64(fr, PY311_IF_CODE);
		r->prev_instr = get64(fr, PY311_IF_PREV_INSTR);
		r->owner = (unsigned char)fr[PY311_IF_OWNER];
		if (r->owner > PY311_OWNED_BY_FRAME_OBJECT || !ptr_ok(r->code))
			return -ENOTSUP;
		*f = get64(fr, PY311_IF_PREVIOUS);
	}
	return (int)k;
}

/* Phase 2: the code objects of k gathered frames, checked; incomplete
 * frames (before their RESUME) marked, as CPython's own walks skip them;
 * generator frames are always complete. */
static int read_code(struct walk *w, size_t k)
{
	int rc;

	for (size_t i = 0; i < k; i++)
		pystack_pages_want(&w->pc, w->fr[i].code, PY311_CO_CODE_ADAPTIVE);
	pystack_pages_fill(&w->pc);
	for (size_t i = 0; i < k; i++) {
		struct frame_rec *r = &w->fr[i];
		if ((rc = rd(w, r->code, r->co, sizeof r->co)) < 0)
			return rc;
		uint64_t units = get64(r->co, PY311_OB_SIZE);
		int32_t first_traceable = get32(r->co, PY311_CO_FIRSTTRACEABLE);
		if (units == 0 || units > MAX_CODE_UNITS || first_traceable < 0 ||
		    (uint64_t)first_traceable > units ||
		    !ptr_ok(get64(r->co, PY311_CO_FILENAME)) ||
		    !ptr_ok(get64(r->co, PY311_CO_QUALNAME)) ||
		    !ptr_ok(get64(r->co, PY311_CO_LINETABLE)))
			return -ENOTSUP;
		uint64_t traceable = r->code + PY311_CO_CODE_ADAPTIVE +
		                     (uint64_t)first_traceable * PY311_CODEUNIT_SIZE;
		r->incomplete = r->owner != PY311_OWNED_BY_GENERATOR && r->prev_instr < traceable;
	}
	return 0;
}

/* Phase 3: the strings and location tables of the complete frames, into out. */
static int fill_frames(struct walk *w, size_t k, struct pyframe *out)
{
	size_t n = 0;
	int rc;

	if (!w->code_type && k > 0)
		pystack_pages_want(&w->pc, get64(w->fr[0].co, PY311_OB_TYPE), PY311_TYPE_FLAGS + 8);
	for (size_t i = 0; i < k; i++) {
		const uint8_t *co = w->fr[i].co;
		if (w->fr[i].incomplete)
			continue;
		pystack_pages_want(&w->pc, get64(co, PY311_CO_FILENAME), STR_AHEAD);
		pystack_pages_want(&w->pc, get64(co, PY311_CO_QUALNAME), STR_AHEAD);
		pystack_pages_want(&w->pc, get64(co, PY311_CO_LINETABLE), LT_AHEAD);
	}
	pystack_pages_fill(&w->pc);
	for (size_t i = 0; i < k; i++) {
		if ((rc = check_code_type(w, get64(w->fr[i].co, PY311_OB_TYPE))) < 0)
			return rc;
		if (w->fr[i].incomplete)
			continue;
		if ((rc = frame_fill(w, &w->fr[i], &out[n])) < 0)
			return rc;
		n++;
	}
	return (int)n;
}

static int walk_frames(struct walk *w, uint64_t f, struct pyframe *out, size_t max)
{
	struct cycle fc = {0, 0, 1};
	size_t n = 0, seen = 0;
	int rc;

	while (f && n < max) {
		size_t want = max - n < ROUND ? max - n : ROUND;
		if ((rc = gather_frames(w, &f, &fc, want)) < 0)
			return rc;
		size_t k = (size_t)rc;
		if ((rc = read_code(w, k)) < 0 || (rc = fill_frames(w, k, out + n)) < 0)
			return rc;
		n += (size_t)rc;
		seen += k;
		if (seen - n > MAX_SKIPPED)
			return -ENOTSUP;
	}
	return (int)n;
}

int pystack_read(pid_t tid, const struct pystack_info *info, struct pyframe *out, size_t max)
{
	uint64_t head, frame;
	struct walk *w;
	int rc;

	if (!info || info->layout != LAYOUT_311)
		return -ENOTSUP;
	if (max > MAX_FRAMES)
		max = MAX_FRAMES;
	w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	w->tid = tid;
	w->runtime = info->runtime;
	pystack_pages_init(&w->pc, tid);

	/* The list head and the two types every str and bytes read is checked
	 * against, from immortal singletons in _PyRuntime; with them the main
	 * interpreter and its first thread state, which live in _PyRuntime too. */
	uint64_t str_type_at = info->runtime + PY311_RT_STR_ASCII_A + PY311_OB_TYPE;
	uint64_t bytes_type_at = info->runtime + PY311_RT_BYTES_EMPTY + PY311_OB_TYPE;
	uint64_t main_interp = info->runtime + PY311_RT_MAIN_INTERP;
	pystack_pages_want(&w->pc, info->runtime + PY311_RT_INTERP_HEAD, 8);
	pystack_pages_want(&w->pc, str_type_at, 8);
	pystack_pages_want(&w->pc, bytes_type_at, 8);
	pystack_pages_want(&w->pc, main_interp, PY311_IS_RUNTIME + 8);
	pystack_pages_want(&w->pc, main_interp + PY311_IS_INITIAL_THREAD, PY311_TS_NATIVE_THREAD_ID + 8);
	if ((rc = rd64(w, info->runtime + PY311_RT_INTERP_HEAD, &head)) < 0 ||
	    (rc = rd64(w, str_type_at, &w->str_type)) < 0 ||
	    (rc = rd64(w, bytes_type_at, &w->bytes_type)) < 0)
		goto out;
	rc = -ENOTSUP;
	if (!ptr_ok(w->str_type) || !ptr_ok(w->bytes_type) || w->str_type == w->bytes_type)
		goto out;

	rc = find_thread(w, head, &frame);
	if (rc == 0 && frame)
		rc = walk_frames(w, frame, out, max);
out:
	pystack_pages_free(&w->pc);
	free(w);
	return rc;
}

/* A statically allocated str of _PyRuntime holding one character c, whose
 * state and character must read as the layout says (no pointers: these bytes
 * are right even before the loader has relocated the object). */
static bool static_char_ok(const uint8_t *s, unsigned char c)
{
	uint32_t state = (uint32_t)get32(s, PY311_STR_STATE);
	bool ascii = c < 128;
	size_t hdr = ascii ? PY311_STR_ASCII_SIZE : PY311_STR_COMPACT_SIZE;
	return get64(s, PY311_STR_LENGTH) == 1 &&
	       (state & PY311_STATE_KIND_MASK) == 1u << PY311_STATE_KIND_SHIFT &&
	       (state & PY311_STATE_COMPACT_MASK) && (state & PY311_STATE_READY_MASK) &&
	       !!(state & PY311_STATE_ASCII_MASK) == ascii && s[hdr] == c && s[hdr + 1] == 0;
}

int pystack_probe(pid_t tid, uint64_t runtime_addr, uint64_t version_addr,
                  struct pystack_info *info)
{
	struct pystack_pages pc;
	uint64_t version;
	uint8_t a[PY311_STR_ASCII_SIZE + 2], e9[PY311_STR_COMPACT_SIZE + 2];
	uint8_t empty[PY311_BYTES_SVAL + 1], ba[PY311_BYTES_SVAL + 2];
	const struct { uint64_t off; void *buf; size_t len; } single[] = {
		{PY311_RT_STR_ASCII_A, a, sizeof a},
		{PY311_RT_STR_LATIN1_E9, e9, sizeof e9},
		{PY311_RT_BYTES_EMPTY, empty, sizeof empty},
		{PY311_RT_BYTES_CHAR_A, ba, sizeof ba},
	};
	int rc;

	memset(info, 0, sizeof *info);
	info->layout = -1;
	if (runtime_addr == 0 || version_addr == 0)
		return -EINVAL;
	pystack_pages_init(&pc, tid);
	if ((rc = pystack_pages_read(&pc, version_addr, &version, sizeof version)) < 0)
		goto out;
	/* PY_VERSION_HEX: 0x030b (3.11), any micro, release level F (final).
	 * The version is kept even when refused, for the caller's message. */
	rc = -ENOTSUP;
	if (version >> 32)
		goto out;
	info->version = (unsigned)version;
	if ((version >> 16) != 0x030b || ((version >> 4) & 0xf) != 0xf)
		goto out;

	/* The layout check: singletons at their generated offsets. */
	for (size_t i = 0; i < 4; i++)
		pystack_pages_want(&pc, runtime_addr + single[i].off, single[i].len);
	for (size_t i = 0; i < 4; i++)
		if ((rc = pystack_pages_read(&pc, runtime_addr + single[i].off,
		                             single[i].buf, single[i].len)) < 0)
			goto out;
	rc = -ENOTSUP;
	if (!static_char_ok(a, 'a') || !static_char_ok(e9, 0xe9) ||
	    get64(empty, PY311_OB_SIZE) != 0 || empty[PY311_BYTES_SVAL] != 0 ||
	    get64(ba, PY311_OB_SIZE) != 1 || ba[PY311_BYTES_SVAL] != 'a' ||
	    ba[PY311_BYTES_SVAL + 1] != 0)
		goto out;
	info->runtime = runtime_addr;
	info->layout = LAYOUT_311;
	rc = 0;
out:
	pystack_pages_free(&pc);
	return rc;
}
