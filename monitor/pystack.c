/* pystack: the Python stack of a stopped thread, CPython 3.8-3.13, from outside.
 *
 *   _PyRuntime.interpreters.head -> PyInterpreterState -> next ...
 *     threads head -> PyThreadState -> next ...   (the thread's: native_thread_id
 *                                                  == tid, or before 3.11
 *                                                  thread_id == pthread_self)
 *       innermost frame: 3.8-3.10  .frame                     PyFrameObject
 *                        3.11-3.12 .cframe->current_frame     _PyInterpreterFrame
 *                        3.13      .current_frame             _PyInterpreterFrame
 *         previous frame (f_back, previous) ...  one chain per thread,
 *                                                across C calls into Python
 *         code object -> co_filename, co_qualname (co_name before 3.11),
 *                        the location table, co_firstlineno
 *         where it is: f_lasti (3.8-3.10), or a pointer into the code
 *                      units (prev_instr; 3.13 instr_ptr): at a CALL when
 *                      the thread is inside a C function called from Python
 *
 * The offsets are the layout's (pystack_layout.h); pystack_probe chooses and
 * checks it once per address space.  Reads go through a per-call page cache
 * (pystack_pages.h), a phase at a time: the frame chain, then all its code
 * objects, then all their strings and location tables, so that a short stack
 * costs a handful of system calls.
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
#include <sys/ptrace.h>
#include <sys/user.h>

#include "monitor/pystack_decode.h"
#include "monitor/pystack_pages.h"

#define MAX_INTERPS     64        /* sub-interpreters walked */
#define MAX_THREADS     10000     /* thread states walked, over all interpreters */
#define MAX_SKIPPED     256       /* frames skipped (shims, incomplete) in one stack */
#define MAX_FRAMES      (1u << 18) /* frames returned (the count is an int) */
#define ROUND           32        /* frames gathered per phase */
#define MAX_CODE_UNITS  (1u << 26)
#define MAX_LINETABLE   (1u << 20)
#define STR_CHARS       255       /* code points kept of a str (file[] - 1) */
#define STR_AHEAD       128       /* bytes of a str asked for before its length is known */
#define LT_AHEAD        256       /* likewise for a location table */
#define N_STRCACHE      4

/* Bounds on a layout, so that fixed buffers hold what it says to read (a
 * 3.13 layout comes from the job's memory). */
#define MAX_STRUCT_OFF  (1u << 16)  /* a field of _PyRuntime, an interpreter, a thread state */
#define MAX_FRAME_READ  256         /* bytes of a frame */
#define MAX_CODE_OFF    1024        /* a field of a code object */
#define MAX_HEAD        128         /* the header of a str, a bytes */
#define MAX_TYPE_READ   512         /* the start of a type object */

/* One frame of the chain, with its code object's fields. */
struct frame_rec {
	uint64_t code;
	uint64_t instr;        /* PYFRAMES_INTERP: pointer into the code units */
	int64_t lasti;         /* PYFRAMES_OBJECT: f_lasti */
	unsigned owner;
	bool skip;             /* a C-stack shim (3.12-) or not started: not reported */
	uint64_t filename, name, linetable, units;
	int firstlineno;
};

/* State of one pystack_read: what has been read and checked so far. */
struct walk {
	pid_t tid;             /* whose memory is read */
	pid_t owner;           /* the native thread whose Python stack it is */
	uint64_t runtime;
	uint64_t self;         /* pthread_self() of tid (layouts without native ids) */
	const struct pystack_info *info;
	const struct pystack_layout *L;
	struct pystack_pages pc;
	struct frame_rec fr[ROUND];
	struct {               /* recent str objects, decoded */
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

static bool has(uint32_t off)
{
	return off != PYOFF_NONE;
}

static int rd(struct walk *w, uint64_t addr, void *buf, size_t len)
{
	return pystack_pages_read(&w->pc, addr, buf, len);
}

static int rd64(struct walk *w, uint64_t addr, uint64_t *v)
{
	return rd(w, addr, v, sizeof *v);
}

static int rd32(struct walk *w, uint64_t addr, int32_t *v)
{
	return rd(w, addr, v, sizeof *v);
}

/* The shift of a bit-field given by its mask. */
static unsigned shift_of(uint32_t mask)
{
	return mask ? (unsigned)__builtin_ctz(mask) : 0;
}

/* Bytes of a code object that pystack reads. */
static size_t code_extent(const struct pystack_layout *L)
{
	const uint32_t f8[] = {L->ob_type, L->ob_size, L->co_filename, L->co_name, L->co_linetable};
	const uint32_t f4[] = {L->co_firstlineno, L->co_firsttraceable};
	size_t end = 0;
	for (size_t i = 0; i < sizeof f8 / sizeof f8[0]; i++)
		if (has(f8[i]) && f8[i] + 8u > end)
			end = f8[i] + 8u;
	for (size_t i = 0; i < sizeof f4 / sizeof f4[0]; i++)
		if (has(f4[i]) && f4[i] + 4u > end)
			end = f4[i] + 4u;
	return end;
}

/* Is the type at t &want, or a type whose tp_flags carry flag (a subclass)? */
static int type_is(struct walk *w, uint64_t t, uint64_t want, uint64_t flag)
{
	uint64_t flags;
	if (t == want)
		return 0;
	if (!ptr_ok(t))
		return -ENOTSUP;
	int rc = rd64(w, t + w->L->tp_flags, &flags);
	if (rc < 0)
		return rc == -ESRCH ? rc : -ENOTSUP;
	return (flags & flag) ? 0 : -ENOTSUP;
}

#define TPFLAGS_BYTES_SUBCLASS   (1ul << 27)  /* the same bits in every Python 3 */
#define TPFLAGS_UNICODE_SUBCLASS (1ul << 28)

/* Decodes the str object at addr into out (UTF-8, at most STR_CHARS code points). */
static int str_decode(struct walk *w, uint64_t addr, char *out, size_t cap)
{
	const struct pystack_layout *L = w->L;
	uint8_t hdr[MAX_HEAD], data[STR_CHARS * 4];
	int rc;

	if ((rc = rd(w, addr, hdr, L->str_ascii_size)) < 0)
		return rc;
	if ((rc = type_is(w, get64(hdr, L->ob_type), w->info->str_type, TPFLAGS_UNICODE_SUBCLASS)) < 0)
		return rc;
	int64_t length = (int64_t)get64(hdr, L->str_length);
	uint32_t state = (uint32_t)get32(hdr, L->str_state);
	unsigned kind = (state & L->state_kind) >> shift_of(L->state_kind);
	bool compact = state & L->state_compact;
	bool ascii = state & L->state_ascii;
	bool ready = !L->state_ready || (state & L->state_ready);
	if (length < 0 || !ready || (kind != 1 && kind != 2 && kind != 4) ||
	    (ascii && (kind != 1 || !compact)))
		return -ENOTSUP;

	/* The characters follow the header of a compact str; a str subclass
	 * instance (PyUnicodeObject) points at them from data.any. */
	size_t n = length > STR_CHARS ? STR_CHARS : (size_t)length;
	uint64_t at = addr + (ascii ? L->str_ascii_size : L->str_compact_size);
	if (!compact) {
		if ((rc = rd(w, addr, hdr, L->str_data_any + 8)) < 0)
			return rc;
		at = get64(hdr, L->str_data_any);
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

/* The line of byte offset addr from the location table (a bytes object) at
 * lt; -1 when unknown: a table that cannot be read or decoded costs the
 * line, not the frame. */
static int line_of(struct walk *w, uint64_t lt, int firstlineno, uint64_t addr)
{
	const struct pystack_layout *L = w->L;
	uint8_t hdr[MAX_HEAD], near[PYSTACK_PAGE];
	int line = -1, rc;

	if (rd(w, lt, hdr, L->bytes_sval) < 0 ||
	    type_is(w, get64(hdr, L->ob_type), w->info->bytes_type, TPFLAGS_BYTES_SUBCLASS) < 0)
		return -1;
	int64_t size = (int64_t)get64(hdr, L->ob_size);
	if (size < 0 || size > MAX_LINETABLE)
		return -1;
	/* First what the page of the header holds (usually all of it). */
	uint64_t tab = lt + L->bytes_sval;
	size_t have = PYSTACK_PAGE - (size_t)(tab % PYSTACK_PAGE);
	if (have > (size_t)size)
		have = (size_t)size;
	if (rd(w, tab, near, have) < 0)
		return -1;
	rc = pystack_line_of(L->lines, near, have, have == (size_t)size, firstlineno, addr, &line);
	if (rc == -EAGAIN) {
		uint8_t *all = malloc((size_t)size);
		if (all && rd(w, tab, all, (size_t)size) == 0)
			rc = pystack_line_of(L->lines, all, (size_t)size, true, firstlineno, addr, &line);
		free(all);
	}
	return rc == 0 ? line : -1;
}

/* Fills one frame from its record. */
static int frame_fill(struct walk *w, const struct frame_rec *r, struct pyframe *out)
{
	const struct pystack_layout *L = w->L;
	int rc;

	if ((rc = str_get(w, r->filename, out->file, sizeof out->file)) < 0 ||
	    (rc = str_get(w, r->name, out->func, sizeof out->func)) < 0)
		return rc;
	if (L->frames == PYFRAMES_INTERP) {
		/* the pointer's distance from the code units: the byte offset
		 * CPython's f_lineno uses; a frame that has not started yet
		 * points one unit before the first */
		int64_t lasti = (int64_t)(r->instr - (r->code + L->co_code_adaptive));
		if (lasti < 0)
			out->line = r->firstlineno;
		else if ((uint64_t)lasti >= r->units * L->co_itemsize || lasti % L->co_itemsize)
			out->line = -1;
		else
			out->line = line_of(w, r->linetable, r->firstlineno, (uint64_t)lasti);
	} else {
		/* f_lasti is -1 before the first instruction */
		if (r->lasti < 0)
			out->line = r->firstlineno;
		else
			out->line = line_of(w, r->linetable, r->firstlineno,
			                    (uint64_t)r->lasti * L->lasti_unit);
	}
	return 0;
}

/* The innermost frame of the thread state at ts (0: none). */
static int current_frame(struct walk *w, uint64_t ts, uint64_t *frame)
{
	const struct pystack_layout *L = w->L;
	uint64_t v;
	int rc;

	*frame = 0;
	if ((rc = rd64(w, ts + L->ts_frame, &v)) < 0)
		return rc;
	if (!has(L->cf_current_frame) || v == 0) {
		*frame = v;
		return 0;
	}
	if (!ptr_ok(v))
		return -ENOTSUP;
	return rd64(w, v + L->cf_current_frame, frame);
}

/* Finds the innermost frame of thread w->tid: 0 with *frame set (0 if the
 * thread runs no Python code), or a negative errno.  A thread state being
 * created carries its creator's thread id until the new thread starts, so a
 * matching state with no frame does not end the search. */
static int find_thread(struct walk *w, uint64_t head, uint64_t *frame)
{
	const struct pystack_layout *L = w->L;
	bool native = has(L->ts_native_thread_id);
	uint64_t key = native ? (uint64_t)w->owner : w->self;
	unsigned n_threads = 0;
	struct cycle ic = {0, 0, 1};
	int rc;

	*frame = 0;
	uint64_t interp = head;
	for (unsigned n_interps = 0; interp; n_interps++) {
		uint64_t back, t, next_interp;
		if (n_interps >= MAX_INTERPS || !ptr_ok(interp) || cycle_seen(&ic, interp))
			return -ENOTSUP;
		if (has(L->is_runtime)) {
			if ((rc = rd64(w, interp + L->is_runtime, &back)) < 0)
				return rc;
			if (back != w->runtime)
				return -ENOTSUP;
		}
		if ((rc = rd64(w, interp + L->is_threads_head, &t)) < 0 ||
		    (rc = rd64(w, interp + L->is_next, &next_interp)) < 0)
			return rc;
		uint64_t prev = 0;
		struct cycle tc = {0, 0, 1};
		while (t) {
			uint64_t t_interp, t_prev, t_next, id;
			if (++n_threads > MAX_THREADS || !ptr_ok(t) || cycle_seen(&tc, t))
				return -ENOTSUP;
			if ((rc = rd64(w, t + L->ts_interp, &t_interp)) < 0 ||
			    (rc = rd64(w, t + L->ts_prev, &t_prev)) < 0 ||
			    (rc = rd64(w, t + L->ts_next, &t_next)) < 0 ||
			    (rc = rd64(w, t + (native ? L->ts_native_thread_id : L->ts_thread_id), &id)) < 0)
				return rc;
			/* The head's prev may already name a thread state being
			 * added by a running thread; the others' must be exact. */
			if (t_interp != interp || (prev && t_prev != prev))
				return -ENOTSUP;
			if (id == key && key != 0) {
				if ((rc = current_frame(w, t, frame)) < 0 || *frame)
					return rc;
			}
			prev = t;
			t = t_next;
		}
		interp = next_interp;
	}
	return 0;
}

/* Phase 1: up to want frames of the chain from *f (left at the next one). */
static int gather_frames(struct walk *w, uint64_t *f, struct cycle *fc, size_t want)
{
	const struct pystack_layout *L = w->L;
	uint8_t fr[MAX_FRAME_READ];
	size_t k = 0;
	int rc;

	while (*f && k < want) {
		if (!ptr_ok(*f) || cycle_seen(fc, *f))
			return -ENOTSUP;
		if ((rc = rd(w, *f, fr, L->fr_size)) < 0)
			return rc;
		struct frame_rec *r = &w->fr[k++];
		memset(r, 0, sizeof *r);
		r->code = get64(fr, L->fr_code);
		if (L->frames == PYFRAMES_INTERP) {
			r->instr = get64(fr, L->fr_instr);
			r->owner = (unsigned char)fr[L->fr_owner];
			if (r->owner > L->owner_max)
				return -ENOTSUP;
			/* the entry frame of each C call into the interpreter
			 * (3.12 on): its "code" is a trampoline or None */
			r->skip = has(L->owned_by_cstack) && r->owner == L->owned_by_cstack;
		} else {
			if (get64(fr, L->ob_type) != w->info->frame_type)
				return -ENOTSUP;
			r->lasti = get32(fr, L->fr_instr);
		}
		if (!r->skip && !ptr_ok(r->code))
			return -ENOTSUP;
		*f = get64(fr, L->fr_previous);
	}
	return (int)k;
}

/* Phase 2: the code objects of k gathered frames, checked; incomplete
 * frames (before their RESUME) marked, as CPython's own walks skip them;
 * generator frames are always complete. */
static int read_code(struct walk *w, size_t k)
{
	const struct pystack_layout *L = w->L;
	size_t extent = code_extent(L);
	int rc;

	for (size_t i = 0; i < k; i++)
		if (!w->fr[i].skip)
			pystack_pages_want(&w->pc, w->fr[i].code, extent);
	pystack_pages_fill(&w->pc);
	for (size_t i = 0; i < k; i++) {
		struct frame_rec *r = &w->fr[i];
		uint64_t type;
		int32_t first_traceable = 0;
		if (r->skip)
			continue;
		if ((rc = rd64(w, r->code + L->ob_type, &type)) < 0)
			return rc;
		if (type != w->info->code_type)
			return -ENOTSUP;
		if ((rc = rd32(w, r->code + L->co_firstlineno, &r->firstlineno)) < 0 ||
		    (rc = rd64(w, r->code + L->co_filename, &r->filename)) < 0 ||
		    (rc = rd64(w, r->code + L->co_name, &r->name)) < 0 ||
		    (rc = rd64(w, r->code + L->co_linetable, &r->linetable)) < 0)
			return rc;
		if (!ptr_ok(r->filename) || !ptr_ok(r->name) || !ptr_ok(r->linetable))
			return -ENOTSUP;
		if (L->frames != PYFRAMES_INTERP)
			continue;
		if ((rc = rd64(w, r->code + L->ob_size, &r->units)) < 0)
			return rc;
		if (r->units == 0 || r->units > MAX_CODE_UNITS)
			return -ENOTSUP;
		if (!has(L->co_firsttraceable))
			continue;
		if ((rc = rd32(w, r->code + L->co_firsttraceable, &first_traceable)) < 0)
			return rc;
		if (first_traceable < 0 || (uint64_t)first_traceable > r->units)
			return -ENOTSUP;
		uint64_t traceable = r->code + L->co_code_adaptive +
		                     (uint64_t)first_traceable * L->co_itemsize;
		r->skip = r->owner != L->owned_by_generator && r->instr < traceable;
	}
	return 0;
}

/* Phase 3: the strings and location tables of the frames reported, into out. */
static int fill_frames(struct walk *w, size_t k, struct pyframe *out)
{
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < k; i++) {
		const struct frame_rec *r = &w->fr[i];
		if (r->skip)
			continue;
		pystack_pages_want(&w->pc, r->filename, STR_AHEAD);
		pystack_pages_want(&w->pc, r->name, STR_AHEAD);
		pystack_pages_want(&w->pc, r->linetable, LT_AHEAD);
	}
	pystack_pages_fill(&w->pc);
	for (size_t i = 0; i < k; i++) {
		if (w->fr[i].skip)
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

/* pthread_self() of a thread stopped under ptrace: what CPython before 3.11
 * keeps as a thread state's thread_id.  On x86-64, with glibc as with musl,
 * it is the thread pointer, the fs base.  (It belongs with the other register
 * accessors of inject/arch.h; it is here until arch.h has one.) */
static int thread_self(pid_t tid, uint64_t *self)
{
#if defined(__x86_64__)
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, tid, NULL, &r) < 0)
		return errno == ESRCH ? -ESRCH : -ENOTSUP;
	*self = r.fs_base;
	return 0;
#else
	(void)tid;
	*self = 0;
	return -ENOTSUP;
#endif
}

int pystack_read(pid_t tid, const struct pystack_info *info, struct pyframe *out, size_t max)
{
	return pystack_read_for(tid, tid, info, out, max);
}

int pystack_read_for(pid_t tid, pid_t owner, const struct pystack_info *info,
                     struct pyframe *out, size_t max)
{
	uint64_t head, frame;
	struct walk *w;
	int rc;

	if (!info || info->layout < 0)
		return -ENOTSUP;
	if (max > MAX_FRAMES)
		max = MAX_FRAMES;
	w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	w->tid = tid;
	w->owner = owner;
	w->runtime = info->runtime;
	w->info = info;
	w->L = &info->lay;
	pystack_pages_init(&w->pc, tid);
	if (!has(w->L->ts_native_thread_id) && (rc = thread_self(tid, &w->self)) < 0)
		goto out;
	if ((rc = rd64(w, info->runtime + w->L->rt_interp_head, &head)) < 0)
		goto out;
	rc = find_thread(w, head, &frame);
	if (rc == 0 && frame)
		rc = walk_frames(w, frame, out, max);
out:
	pystack_pages_free(&w->pc);
	free(w);
	return rc;
}

/* ---- probing ----------------------------------------------------------- */

/* _Py_DebugOffsets as CPython 3.13 lays it out at the start of _PyRuntime:
 * an 8-byte cookie, then 64-bit words, grouped by structure (word indexes). */
enum {
	D_COOKIE, D_VERSION, D_FREE_THREADED,
	D_RT_SIZE, D_RT_FINALIZING, D_RT_INTERP_HEAD,
	D_IS_SIZE, D_IS_ID, D_IS_NEXT, D_IS_THREADS_HEAD, D_IS_GC, D_IS_MODULES, D_IS_SYSDICT,
	D_IS_BUILTINS, D_IS_CEVAL_GIL, D_IS_GIL_STATE, D_IS_GIL_ENABLED, D_IS_GIL_LOCKED,
	D_IS_GIL_HOLDER,
	D_TS_SIZE, D_TS_PREV, D_TS_NEXT, D_TS_INTERP, D_TS_CURRENT_FRAME, D_TS_THREAD_ID,
	D_TS_NATIVE_THREAD_ID, D_TS_DATASTACK_CHUNK, D_TS_STATUS,
	D_FR_SIZE, D_FR_PREVIOUS, D_FR_EXECUTABLE, D_FR_INSTR_PTR, D_FR_LOCALSPLUS, D_FR_OWNER,
	D_CO_SIZE, D_CO_FILENAME, D_CO_NAME, D_CO_QUALNAME, D_CO_LINETABLE, D_CO_FIRSTLINENO,
	D_CO_ARGCOUNT, D_CO_LOCALSPLUSNAMES, D_CO_LOCALSPLUSKINDS, D_CO_CODE_ADAPTIVE,
	D_OB_SIZE, D_OB_TYPE,
	D_TP_SIZE, D_TP_NAME, D_TP_REPR, D_TP_FLAGS,
	D_TUPLE_SIZE, D_TUPLE_ITEM, D_TUPLE_OB_SIZE,
	D_LIST_SIZE, D_LIST_ITEM, D_LIST_OB_SIZE,
	D_DICT_SIZE, D_DICT_KEYS, D_DICT_VALUES,
	D_FLOAT_SIZE, D_FLOAT_FVAL,
	D_LONG_SIZE, D_LONG_TAG, D_LONG_DIGIT,
	D_BYTES_SIZE, D_BYTES_OB_SIZE, D_BYTES_SVAL,
	D_STR_SIZE, D_STR_STATE, D_STR_LENGTH, D_STR_ASCII_SIZE,
	D_GC_SIZE, D_GC_COLLECTING,
	D_WORDS
};

/* One published offset, as a layout field: larger than any real one is
 * PYOFF_NONE, which the bounds check refuses. */
static uint32_t dword(const uint64_t *d, unsigned i)
{
	return d[i] < MAX_STRUCT_OFF ? (uint32_t)d[i] : PYOFF_NONE;
}

/* The layout of a 3.13 interpreter from its _Py_DebugOffsets (at runtime):
 * every field it publishes from there, the table's row for the rest.  A
 * field it does not publish is taken from the table only when the published
 * fields of the same structure agree with the table (the build is the one
 * the table describes); otherwise an optional one is dropped and a needed
 * one makes the layout unknown. */
static int apply_debug_offsets(struct pystack_pages *pc, uint64_t runtime, struct pystack_info *info)
{
	const struct pystack_layout *t = pystack_layout_for(info->lay.minor);
	struct pystack_layout p = info->lay;
	uint64_t d[D_WORDS];
	int rc;

	if ((rc = pystack_pages_read(pc, runtime, d, sizeof d)) < 0)
		return rc;
	if (memcmp(&d[D_COOKIE], "xdebugpy", 8) != 0 || d[D_VERSION] != info->version)
		return -ENOTSUP;
	/* a free-threaded build has object headers the table does not describe */
	if (d[D_FREE_THREADED] != 0)
		return -ENOTSUP;

	p.rt_interp_head = dword(d, D_RT_INTERP_HEAD);
	p.is_next = dword(d, D_IS_NEXT);
	p.is_threads_head = dword(d, D_IS_THREADS_HEAD);
	p.ts_prev = dword(d, D_TS_PREV);
	p.ts_next = dword(d, D_TS_NEXT);
	p.ts_interp = dword(d, D_TS_INTERP);
	p.ts_frame = dword(d, D_TS_CURRENT_FRAME);
	p.cf_current_frame = PYOFF_NONE;
	p.ts_thread_id = dword(d, D_TS_THREAD_ID);
	p.ts_native_thread_id = dword(d, D_TS_NATIVE_THREAD_ID);
	p.fr_code = dword(d, D_FR_EXECUTABLE);
	p.fr_instr = dword(d, D_FR_INSTR_PTR);
	p.fr_previous = dword(d, D_FR_PREVIOUS);
	p.fr_owner = dword(d, D_FR_OWNER);
	p.fr_size = dword(d, D_FR_LOCALSPLUS);
	p.co_filename = dword(d, D_CO_FILENAME);
	p.co_name = dword(d, D_CO_QUALNAME);
	p.co_linetable = dword(d, D_CO_LINETABLE);
	p.co_firstlineno = dword(d, D_CO_FIRSTLINENO);
	p.co_code_adaptive = dword(d, D_CO_CODE_ADAPTIVE);
	p.co_basicsize = p.co_code_adaptive;  /* PyCode_Type's basicsize */
	p.ob_type = dword(d, D_OB_TYPE);
	p.ob_size = dword(d, D_BYTES_OB_SIZE);  /* PyVarObject's, as every var object */
	p.tp_name = dword(d, D_TP_NAME);
	p.tp_flags = dword(d, D_TP_FLAGS);
	p.bytes_sval = dword(d, D_BYTES_SVAL);
	p.bytes_basicsize = p.bytes_sval + 1;
	p.str_state = dword(d, D_STR_STATE);
	p.str_length = dword(d, D_STR_LENGTH);
	p.str_ascii_size = dword(d, D_STR_ASCII_SIZE);
	p.str_basicsize = dword(d, D_STR_SIZE);

	if (p.is_next != t->is_next || p.is_threads_head != t->is_threads_head)
		p.is_runtime = PYOFF_NONE;
	if (p.co_filename != t->co_filename || p.co_name != t->co_name ||
	    p.co_linetable != t->co_linetable || p.co_firstlineno != t->co_firstlineno ||
	    p.co_code_adaptive != t->co_code_adaptive || p.ob_size != t->ob_size)
		p.co_firsttraceable = PYOFF_NONE;  /* frames are then never taken as not started */
	if (p.ob_type != t->ob_type || p.tp_name != t->tp_name || p.tp_flags != t->tp_flags)
		return -ENOTSUP;  /* tp_basicsize, tp_itemsize unknown */
	if (p.str_state != t->str_state || p.str_length != t->str_length ||
	    p.str_ascii_size != t->str_ascii_size || p.str_basicsize != t->str_basicsize)
		return -ENOTSUP;  /* the compact header and the state bits unknown */

	info->table_agrees = memcmp(&p, t, sizeof p) == 0;
	info->debug_offsets = true;
	info->lay = p;
	return 0;
}

static bool within(uint32_t off, uint32_t len, uint32_t limit)
{
	return off != PYOFF_NONE && (uint64_t)off + len <= limit;
}

static bool within_opt(uint32_t off, uint32_t len, uint32_t limit)
{
	return off == PYOFF_NONE || within(off, len, limit);
}

/* Whether every offset of L fits the buffers pystack reads into. */
static bool layout_sane(const struct pystack_layout *L)
{
	bool interp = L->frames == PYFRAMES_INTERP;
	if ((L->frames != PYFRAMES_OBJECT && !interp) ||
	    (L->lines != PYLINES_LNOTAB && L->lines != PYLINES_310 && L->lines != PYLINES_311) ||
	    (L->lasti_unit != 1 && L->lasti_unit != 2))
		return false;
	if (!within(L->ob_type, 8, MAX_HEAD) || !within(L->ob_size, 8, MAX_HEAD) ||
	    !within(L->tp_name, 8, MAX_TYPE_READ) || !within(L->tp_basicsize, 8, MAX_TYPE_READ) ||
	    !within(L->tp_itemsize, 8, MAX_TYPE_READ) || !within(L->tp_flags, 8, MAX_TYPE_READ))
		return false;
	if (!within(L->rt_interp_head, 8, MAX_STRUCT_OFF) || !within(L->is_next, 8, MAX_STRUCT_OFF) ||
	    !within(L->is_threads_head, 8, MAX_STRUCT_OFF) ||
	    !within_opt(L->is_runtime, 8, MAX_STRUCT_OFF) ||
	    !within(L->ts_prev, 8, MAX_STRUCT_OFF) || !within(L->ts_next, 8, MAX_STRUCT_OFF) ||
	    !within(L->ts_interp, 8, MAX_STRUCT_OFF) || !within(L->ts_frame, 8, MAX_STRUCT_OFF) ||
	    !within_opt(L->cf_current_frame, 8, MAX_STRUCT_OFF) ||
	    !within(L->ts_thread_id, 8, MAX_STRUCT_OFF) ||
	    !within_opt(L->ts_native_thread_id, 8, MAX_STRUCT_OFF))
		return false;
	if (L->fr_size > MAX_FRAME_READ || !within(L->fr_code, 8, L->fr_size) ||
	    !within(L->fr_previous, 8, L->fr_size) ||
	    !within(L->fr_instr, interp ? 8 : 4, L->fr_size) ||
	    (interp ? !within(L->fr_owner, 1, L->fr_size) || !has(L->owned_by_generator) ||
	              !has(L->co_code_adaptive) || (L->co_itemsize != 1 && L->co_itemsize != 2)
	            : !within(L->ob_type, 8, L->fr_size)))
		return false;
	if (!within(L->co_firstlineno, 4, MAX_CODE_OFF) || !within(L->co_filename, 8, MAX_CODE_OFF) ||
	    !within(L->co_name, 8, MAX_CODE_OFF) || !within(L->co_linetable, 8, MAX_CODE_OFF) ||
	    !within_opt(L->co_firsttraceable, 4, MAX_CODE_OFF) ||
	    !within_opt(L->co_code_adaptive, 0, MAX_CODE_OFF))
		return false;
	if (!within(L->bytes_sval, 0, MAX_HEAD) || L->bytes_sval < L->ob_size + 8)
		return false;
	if (L->str_ascii_size > MAX_HEAD || !within(L->str_length, 8, L->str_ascii_size) ||
	    !within(L->str_state, 4, L->str_ascii_size) || !within(L->ob_type, 8, L->str_ascii_size) ||
	    !within(L->str_compact_size, 0, MAX_HEAD) || !within(L->str_data_any, 8, MAX_HEAD) ||
	    !L->state_kind || !L->state_compact || !L->state_ascii)
		return false;
	return true;
}

/* Checks the type object at addr: it is the named type with the sizes the
 * layout gives its instances (and, for str and bytes, the subclass flag
 * every instance's type carries); *meta is its own type, PyType_Type. */
static int check_type(struct pystack_pages *pc, const struct pystack_layout *L, uint64_t addr,
                      const char *name, uint64_t basicsize, uint64_t itemsize, uint64_t flag,
                      uint64_t *meta)
{
	uint8_t ty[MAX_TYPE_READ];
	char got[8];
	size_t len = strlen(name) + 1;
	int rc;

	if (!ptr_ok(addr))
		return -ENOTSUP;
	if ((rc = pystack_pages_read(pc, addr, ty, L->tp_flags + 8)) < 0)
		return rc;
	if (get64(ty, L->tp_basicsize) != basicsize || get64(ty, L->tp_itemsize) != itemsize ||
	    (get64(ty, L->tp_flags) & flag) != flag)
		return -ENOTSUP;
	if ((rc = pystack_pages_read(pc, get64(ty, L->tp_name), got, len)) < 0)
		return rc == -ESRCH ? rc : -ENOTSUP;
	if (memcmp(got, name, len) != 0)
		return -ENOTSUP;
	*meta = get64(ty, L->ob_type);
	return ptr_ok(*meta) ? 0 : -ENOTSUP;
}

/* The minor version of a CPython that does not publish Py_Version (before
 * 3.11): from the newest API function it defines (each of these appeared in
 * that version), 0 when none. */
static unsigned minor_from_api(pystack_lookup_fn *lookup, void *ctx)
{
	static const struct { const char *sym; unsigned minor; } added[] = {
		{"Py_NewRef", 10},
		{"PyFrame_GetCode", 9},
		{"PyCode_NewWithPosOnlyArgs", 8},
	};
	for (size_t i = 0; i < sizeof added / sizeof added[0]; i++)
		if (lookup(ctx, added[i].sym))
			return added[i].minor;
	return 0;
}

int pystack_probe(pid_t tid, pystack_lookup_fn *lookup, void *ctx, struct pystack_info *info)
{
	struct pystack_pages pc;
	uint64_t runtime, version_at, version, meta[4];
	unsigned minor;
	int rc;

	memset(info, 0, sizeof *info);
	info->layout = -1;
	if (!lookup)
		return -EINVAL;
	runtime = lookup(ctx, "_PyRuntime");
	if (runtime == 0)
		return -EAGAIN;
	pystack_pages_init(&pc, tid);

	/* PY_VERSION_HEX: 3.minor, any micro, release level F (final); the
	 * version is kept even when refused, for the caller's message. */
	version_at = lookup(ctx, "Py_Version");
	if (version_at) {
		if ((rc = pystack_pages_read(&pc, version_at, &version, sizeof version)) < 0)
			goto out;
		rc = -ENOTSUP;
		if (version >> 32)
			goto out;
		info->version = (unsigned)version;
		if ((version >> 24) != 3 || ((version >> 4) & 0xf) != 0xf)
			goto out;
		minor = (version >> 16) & 0xff;
		if (minor < 11)   /* Py_Version came with 3.11 */
			goto out;
	} else {
		rc = -ENOTSUP;
		if (!(minor = minor_from_api(lookup, ctx)))
			goto out;
		info->version = 0x03000000u | minor << 16;
	}
	rc = -ENOTSUP;
	const struct pystack_layout *row = pystack_layout_for(minor);
	if (!row)
		goto out;
	info->lay = *row;
	if (minor >= 13 && (rc = apply_debug_offsets(&pc, runtime, info)) < 0)
		goto out;
	rc = -ENOTSUP;
	if (!layout_sane(&info->lay))
		goto out;

	/* The layout check: the interpreter's own types, with the names and
	 * instance sizes the layout says, all of the same metatype. */
	const struct pystack_layout *L = &info->lay;
	info->code_type = lookup(ctx, "PyCode_Type");
	info->str_type = lookup(ctx, "PyUnicode_Type");
	info->bytes_type = lookup(ctx, "PyBytes_Type");
	info->frame_type = lookup(ctx, "PyFrame_Type");
	if ((rc = check_type(&pc, L, info->code_type, "code", L->co_basicsize,
	                     L->co_itemsize, 0, &meta[0])) < 0 ||
	    (rc = check_type(&pc, L, info->str_type, "str", L->str_basicsize, 0,
	                     TPFLAGS_UNICODE_SUBCLASS, &meta[1])) < 0 ||
	    (rc = check_type(&pc, L, info->bytes_type, "bytes", L->bytes_basicsize, 1,
	                     TPFLAGS_BYTES_SUBCLASS, &meta[2])) < 0)
		goto out;
	meta[3] = meta[0];
	if (L->frames == PYFRAMES_OBJECT &&
	    (rc = check_type(&pc, L, info->frame_type, "frame", L->frame_basicsize, 8, 0,
	                     &meta[3])) < 0)
		goto out;
	rc = -ENOTSUP;
	if (meta[1] != meta[0] || meta[2] != meta[0] || meta[3] != meta[0])
		goto out;
	info->runtime = runtime;
	info->layout = (int)minor;
	rc = 0;
out:
	if (rc < 0 && rc != -ESRCH && rc != -ENOMEM)
		rc = rc == -EFAULT ? -EFAULT : -ENOTSUP;
	pystack_pages_free(&pc);
	return rc;
}
