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
 * generates pystack_layout311.h).  Everything read is the job's memory, which
 * the job can scribble on: each pointer is checked against what it must point
 * to (back-pointers, object types, sizes) and each walk is bounded, so a
 * corrupt interpreter gives -ENOTSUP or -EFAULT, never a crash or a loop.
 */
#include "monitor/pystack.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "inject/mem.h"
#include "monitor/pystack_decode.h"
#include "monitor/pystack_layout311.h"  /* generated into $(B)/monitor */

#if (PY311_HEADERS_VERSION_HEX >> 16) != 0x030b
#error "pystack_layout311.h was not generated from CPython 3.11 headers"
#endif

enum { LAYOUT_311 = 311 };

#define PAGE            4096u
#define MAX_INTERPS     64        /* sub-interpreters walked */
#define MAX_THREADS     10000     /* thread states walked, over all interpreters */
#define MAX_SKIPPED     256       /* incomplete frames skipped in one stack */
#define MAX_CODE_UNITS  (1u << 26)
#define MAX_LINETABLE   (1u << 20)
#define STR_CHARS       255       /* code points kept of a str (file[] - 1) */
#define STR_SPEC        (PY311_STR_COMPACT_SIZE + 256)  /* first read of a str */
#define LT_SPEC         512       /* first read of a location table */
#define N_STRCACHE      4
_Static_assert(STR_SPEC >= PY311_STR_DATA_ANY + 8, "a str's first read covers data.any");

#define TPFLAGS_BYTES_SUBCLASS   (1ul << 27)
#define TPFLAGS_UNICODE_SUBCLASS (1ul << 28)

/* One read of a batch (see rd_batch). */
struct rdreq {
	uint64_t addr;
	void *buf;
	size_t len;
	int rc;
};

/* State of one pystack_read: what has been checked so far. */
struct walk {
	pid_t tid;
	uint64_t runtime;
	uint64_t str_type, bytes_type;  /* &PyUnicode_Type, &PyBytes_Type */
	uint64_t code_type;             /* &PyCode_Type once one code object passed */
	struct {                        /* recent str objects, decoded */
		uint64_t addr;
		char s[STR_CHARS * 4 + 1];
	} sc[N_STRCACHE];
	unsigned sc_next;
};

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

/* Object pointers are at least 8-aligned and in the lower half. */
static bool ptr_ok(uint64_t p)
{
	return p != 0 && p % 8 == 0 && p < (1ull << 47);
}

/* Reads several blocks in one system call; each request gets rc 0 or a
 * negative errno.  process_vm_readv stops at the first block it cannot read,
 * so the blocks after it are read again one by one. */
static void rd_batch(pid_t tid, struct rdreq *r, size_t n)
{
	struct iovec local[4], remote[4];
	ssize_t got = -1;

	if (n <= 4) {
		for (size_t i = 0; i < n; i++) {
			local[i] = (struct iovec){r[i].buf, r[i].len};
			remote[i] = (struct iovec){(void *)(uintptr_t)r[i].addr, r[i].len};
		}
		got = process_vm_readv(tid, local, n, remote, n, 0);
		if (got < 0 && errno == ESRCH) {
			for (size_t i = 0; i < n; i++)
				r[i].rc = -ESRCH;
			return;
		}
	}
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		if (got >= 0 && done + r[i].len <= (size_t)got)
			r[i].rc = 0;
		else
			r[i].rc = mem_read(tid, r[i].addr, r[i].buf, r[i].len);
		done += r[i].len;
	}
}

/* How much to read of an object at addr whose first min bytes are needed and
 * whose first max bytes are probably useful: up to max, but not past the page
 * of addr, which might be the last mapped one. */
static size_t spec_len(uint64_t addr, size_t min, size_t max)
{
	size_t room = PAGE - (size_t)(addr % PAGE);
	if (room <= min)
		return min;
	return room < max ? room : max;
}

/* Is the type at t &want, or a type whose tp_flags carry flag (a subclass)? */
static int type_is(struct walk *w, uint64_t t, uint64_t want, unsigned long flag)
{
	uint64_t flags;
	if (t == want)
		return 0;
	if (!ptr_ok(t))
		return -ENOTSUP;
	int rc = mem_read_word(w->tid, t + PY311_TYPE_FLAGS, &flags);
	if (rc < 0)
		return rc == -ESRCH ? rc : -ENOTSUP;
	return (flags & flag) ? 0 : -ENOTSUP;
}

/* The first code object's type must be named "code"; later ones the same type. */
static int check_code_type(struct walk *w, uint64_t t)
{
	uint64_t name;
	char s[8];

	if (w->code_type)
		return t == w->code_type ? 0 : -ENOTSUP;
	if (!ptr_ok(t))
		return -ENOTSUP;
	int rc = mem_read_word(w->tid, t + PY311_TYPE_NAME, &name);
	if (rc == 0)
		rc = mem_read(w->tid, name, s, 5);
	if (rc < 0)
		return rc;
	if (memcmp(s, "code", 5) != 0)
		return -ENOTSUP;
	w->code_type = t;
	return 0;
}

/* Decodes the str object at addr, of which buf (STR_SPEC bytes) holds the
 * first got bytes, into out (UTF-8, at most STR_CHARS code points). */
static int str_decode(struct walk *w, uint64_t addr, uint8_t *buf, size_t got,
                      char *out, size_t cap)
{
	uint8_t data[STR_CHARS * 4];
	int rc;

	if (got < PY311_STR_ASCII_SIZE) {
		got = PY311_STR_ASCII_SIZE;
		if ((rc = mem_read(w->tid, addr, buf, got)) < 0)
			return rc;
	}
	if ((rc = type_is(w, get64(buf, PY311_OB_TYPE), w->str_type, TPFLAGS_UNICODE_SUBCLASS)) < 0)
		return rc;

	int64_t length = (int64_t)get64(buf, PY311_STR_LENGTH);
	uint32_t state = (uint32_t)get32(buf, PY311_STR_STATE);
	unsigned kind = (state & PY311_STATE_KIND_MASK) >> PY311_STATE_KIND_SHIFT;
	bool compact = state & PY311_STATE_COMPACT_MASK;
	bool ascii = state & PY311_STATE_ASCII_MASK;
	bool ready = state & PY311_STATE_READY_MASK;
	if (length < 0 || !ready || (kind != 1 && kind != 2 && kind != 4) ||
	    (ascii && (kind != 1 || !compact)))
		return -ENOTSUP;

	/* Where the characters are: after the header of a compact str, else at
	 * data.any of a PyUnicodeObject (a str subclass instance). */
	size_t hdr = ascii ? PY311_STR_ASCII_SIZE : PY311_STR_COMPACT_SIZE;
	size_t n = length > STR_CHARS ? STR_CHARS : (size_t)length;
	const uint8_t *chars = NULL;
	uint64_t at;
	if (compact) {
		at = addr + hdr;
		if (got >= hdr && got - hdr >= n * kind)
			chars = buf + hdr;
	} else {
		if (got < PY311_STR_DATA_ANY + 8) {
			got = PY311_STR_DATA_ANY + 8;
			if ((rc = mem_read(w->tid, addr, buf, got)) < 0)
				return rc;
		}
		at = get64(buf, PY311_STR_DATA_ANY);
		if (at == 0)
			return -ENOTSUP;
	}
	if (!chars) {
		if ((rc = mem_read(w->tid, at, data, n * kind)) < 0)
			return rc;
		chars = data;
	}
	pystack_utf8(chars, n, kind, out, cap);
	return 0;
}

/* The cached decoding of the str at addr, or NULL. */
static const char *str_cached(struct walk *w, uint64_t addr)
{
	for (unsigned i = 0; i < N_STRCACHE; i++)
		if (w->sc[i].addr == addr)
			return w->sc[i].s;
	return NULL;
}

static const char *str_remember(struct walk *w, uint64_t addr, const char *s)
{
	unsigned i = w->sc_next++ % N_STRCACHE;
	w->sc[i].addr = addr;
	pystack_copy_utf8(w->sc[i].s, sizeof w->sc[i].s, s);
	return w->sc[i].s;
}

/* The line of byte offset lasti in a code object, from its location table
 * (a bytes object at lt, of which buf holds got bytes).  -1 when unknown: a
 * table that cannot be read or decoded costs the line, not the frame. */
static int line_of(struct walk *w, uint64_t lt, const uint8_t *buf, size_t got,
                   int firstlineno, uint64_t lasti)
{
	int line = -1;

	if (got < PY311_BYTES_SVAL ||
	    type_is(w, get64(buf, PY311_OB_TYPE), w->bytes_type, TPFLAGS_BYTES_SUBCLASS) < 0)
		return -1;
	int64_t size = (int64_t)get64(buf, PY311_OB_SIZE);
	if (size < 0 || size > MAX_LINETABLE)
		return -1;
	size_t have = got - PY311_BYTES_SVAL;
	if (have > (size_t)size)
		have = (size_t)size;
	int rc = pystack_linetable_line(buf + PY311_BYTES_SVAL, have, have == (size_t)size,
	                                firstlineno, lasti, &line);
	if (rc == -EAGAIN) {
		uint8_t *tab = malloc((size_t)size);
		if (tab && mem_read(w->tid, lt + PY311_BYTES_SVAL, tab, (size_t)size) == 0)
			rc = pystack_linetable_line(tab, (size_t)size, true, firstlineno, lasti, &line);
		free(tab);
	}
	return rc == 0 ? line : -1;
}

/* A str of the code object into dst: from the cache, or decoded from what
 * the batch read (req) and remembered. */
static int str_get(struct walk *w, uint64_t addr, const struct rdreq *req,
                   char *dst, size_t cap)
{
	char tmp[sizeof w->sc[0].s];
	const char *s = str_cached(w, addr);
	int rc;

	if (!s) {
		if (req->rc < 0)
			return req->rc;
		if ((rc = str_decode(w, addr, req->buf, req->len, tmp, sizeof tmp)) < 0)
			return rc;
		s = str_remember(w, addr, tmp);
	}
	pystack_copy_utf8(dst, cap, s);
	return 0;
}

/* Fills one frame from its code object (block: the code object's fields up
 * to co_code_adaptive) and the instruction pointer prev_instr. */
static int frame_fill(struct walk *w, uint64_t code, const uint8_t *block,
                      uint64_t prev_instr, struct pyframe *out)
{
	uint64_t file = get64(block, PY311_CO_FILENAME);
	uint64_t qual = get64(block, PY311_CO_QUALNAME);
	uint64_t lt = get64(block, PY311_CO_LINETABLE);
	int firstlineno = get32(block, PY311_CO_FIRSTLINENO);
	uint64_t units = get64(block, PY311_OB_SIZE);
	uint8_t fbuf[STR_SPEC], qbuf[STR_SPEC], lbuf[LT_SPEC];
	struct rdreq r[3], none = {0, NULL, 0, -EFAULT};
	struct rdreq *fr = &none, *qr = &none, *lr;
	size_t nr = 0;
	int rc;

	if (!ptr_ok(file) || !ptr_ok(qual) || !ptr_ok(lt))
		return -ENOTSUP;
	/* One system call for whichever of the three objects is not known yet. */
	if (!str_cached(w, file)) {
		fr = &r[nr++];
		*fr = (struct rdreq){file, fbuf, spec_len(file, PY311_STR_ASCII_SIZE, sizeof fbuf), 0};
	}
	if (!str_cached(w, qual) && qual != file) {
		qr = &r[nr++];
		*qr = (struct rdreq){qual, qbuf, spec_len(qual, PY311_STR_ASCII_SIZE, sizeof qbuf), 0};
	}
	lr = &r[nr++];
	*lr = (struct rdreq){lt, lbuf, spec_len(lt, PY311_BYTES_SVAL, sizeof lbuf), 0};
	rd_batch(w->tid, r, nr);

	if ((rc = str_get(w, file, fr, out->file, sizeof out->file)) < 0)
		return rc;
	if ((rc = str_get(w, qual, qr, out->func, sizeof out->func)) < 0)
		return rc;

	/* prev_instr - code units: the byte offset CPython's f_lineno uses; a
	 * frame that has not started yet points one unit before the first. */
	int64_t lasti = (int64_t)(prev_instr - (code + PY311_CO_CODE_ADAPTIVE));
	if (lasti < 0)
		out->line = firstlineno;
	else if ((uint64_t)lasti >= units * PY311_CODEUNIT_SIZE || lasti % PY311_CODEUNIT_SIZE)
		out->line = -1;
	else if (lr->rc < 0)
		out->line = -1;
	else
		out->line = line_of(w, lt, lbuf, lr->len, firstlineno, (uint64_t)lasti);
	return 0;
}

/* Finds the thread state of w->tid: 0 and *cframe set (0 if the thread has
 * no Python thread state), or a negative errno. */
static int find_thread(struct walk *w, uint64_t head, uint64_t *cframe)
{
	uint8_t is[PY311_IS_RUNTIME + 8], ts[PY311_TS_NATIVE_THREAD_ID + 8];
	unsigned n_threads = 0;
	int rc;

	*cframe = 0;
	uint64_t interp = head;
	for (unsigned n_interps = 0; interp; n_interps++) {
		if (n_interps >= MAX_INTERPS || !ptr_ok(interp))
			return -ENOTSUP;
		if ((rc = mem_read(w->tid, interp, is, sizeof is)) < 0)
			return rc;
		if (get64(is, PY311_IS_RUNTIME) != w->runtime)
			return -ENOTSUP;
		uint64_t t = get64(is, PY311_IS_THREADS_HEAD), prev = 0;
		while (t) {
			if (++n_threads > MAX_THREADS || !ptr_ok(t))
				return -ENOTSUP;
			if ((rc = mem_read(w->tid, t, ts, sizeof ts)) < 0)
				return rc;
			/* The head's prev may already name a thread state being
			 * added by a running thread; the others' must be exact. */
			if (get64(ts, PY311_TS_INTERP) != interp ||
			    (prev && get64(ts, PY311_TS_PREV) != prev))
				return -ENOTSUP;
			if (get64(ts, PY311_TS_NATIVE_THREAD_ID) == (uint64_t)w->tid) {
				*cframe = get64(ts, PY311_TS_CFRAME);
				return *cframe && !ptr_ok(*cframe) ? -ENOTSUP : 0;
			}
			prev = t;
			t = get64(ts, PY311_TS_NEXT);
		}
		interp = get64(is, PY311_IS_NEXT);
	}
	return 0;
}

static int walk_frames(struct walk *w, uint64_t f, struct pyframe *out, size_t max)
{
	uint8_t fr[PY311_IF_LOCALSPLUS], co[PY311_CO_CODE_ADAPTIVE];
	size_t n = 0, skipped = 0;
	int rc;

	while (f && n < max) {
		if (!ptr_ok(f))
			return -ENOTSUP;
		if ((rc = mem_read(w->tid, f, fr, sizeof fr)) < 0)
			return rc;
		uint64_t code = get64(fr, PY311_IF_CODE);
		uint64_t prev_instr = get64(fr, PY311_IF_PREV_INSTR);
		unsigned owner = (unsigned char)fr[PY311_IF_OWNER];
		if (owner > PY311_OWNED_BY_FRAME_OBJECT || !ptr_ok(code))
			return -ENOTSUP;
		if ((rc = mem_read(w->tid, code, co, sizeof co)) < 0)
			return rc;
		if ((rc = check_code_type(w, get64(co, PY311_OB_TYPE))) < 0)
			return rc;
		uint64_t units = get64(co, PY311_OB_SIZE);
		int32_t first_traceable = get32(co, PY311_CO_FIRSTTRACEABLE);
		if (units == 0 || units > MAX_CODE_UNITS || first_traceable < 0 ||
		    (uint64_t)first_traceable > units)
			return -ENOTSUP;
		/* Skip frames still being set up (before their RESUME), as
		 * CPython's own walks do; generator frames are always complete. */
		uint64_t traceable = code + PY311_CO_CODE_ADAPTIVE +
		                     (uint64_t)first_traceable * PY311_CODEUNIT_SIZE;
		if (owner != PY311_OWNED_BY_GENERATOR && prev_instr < traceable) {
			if (++skipped > MAX_SKIPPED)
				return -ENOTSUP;
		} else {
			if ((rc = frame_fill(w, code, co, prev_instr, &out[n])) < 0)
				return rc;
			n++;
		}
		f = get64(fr, PY311_IF_PREVIOUS);
	}
	return (int)n;
}

int pystack_read(pid_t tid, const struct pystack_info *info, struct pyframe *out, size_t max)
{
	uint64_t head, cframe, frame;
	struct walk *w;
	int rc;

	if (!info || info->layout != LAYOUT_311)
		return -ENOTSUP;
	if (max > (size_t)MAX_SKIPPED * 1024)
		max = (size_t)MAX_SKIPPED * 1024;  /* the count must fit the int result */
	w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	w->tid = tid;
	w->runtime = info->runtime;

	/* The list head and the two types every str and bytes read is checked
	 * against, from immortal singletons in _PyRuntime, in one system call. */
	struct rdreq r[3] = {
		{info->runtime + PY311_RT_INTERP_HEAD, &head, 8, 0},
		{info->runtime + PY311_RT_STR_ASCII_A + PY311_OB_TYPE, &w->str_type, 8, 0},
		{info->runtime + PY311_RT_BYTES_EMPTY + PY311_OB_TYPE, &w->bytes_type, 8, 0},
	};
	rd_batch(tid, r, 3);
	for (int i = 0; i < 3; i++)
		if ((rc = r[i].rc) < 0)
			goto out;
	rc = -ENOTSUP;
	if (!ptr_ok(w->str_type) || !ptr_ok(w->bytes_type) || w->str_type == w->bytes_type)
		goto out;

	rc = find_thread(w, head, &cframe);
	if (rc < 0 || cframe == 0)
		goto out;
	if ((rc = mem_read_word(tid, cframe + PY311_CF_CURRENT_FRAME, &frame)) < 0)
		goto out;
	rc = walk_frames(w, frame, out, max);
out:
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
	uint64_t version;
	uint8_t a[PY311_STR_ASCII_SIZE + 2], e9[PY311_STR_COMPACT_SIZE + 2];
	uint8_t empty[PY311_BYTES_SVAL + 1], ba[PY311_BYTES_SVAL + 2];
	int rc;

	memset(info, 0, sizeof *info);
	info->layout = -1;
	if (runtime_addr == 0 || version_addr == 0)
		return -EINVAL;
	if ((rc = mem_read_word(tid, version_addr, &version)) < 0)
		return rc;
	/* PY_VERSION_HEX: 0x030b (3.11), any micro, release level F (final). */
	if ((version >> 16) != 0x030b || ((version >> 4) & 0xf) != 0xf)
		return -ENOTSUP;
	info->version = (unsigned)version;

	/* The layout check: singletons at their generated offsets. */
	struct rdreq r[4] = {
		{runtime_addr + PY311_RT_STR_ASCII_A, a, sizeof a, 0},
		{runtime_addr + PY311_RT_STR_LATIN1_E9, e9, sizeof e9, 0},
		{runtime_addr + PY311_RT_BYTES_EMPTY, empty, sizeof empty, 0},
		{runtime_addr + PY311_RT_BYTES_CHAR_A, ba, sizeof ba, 0},
	};
	rd_batch(tid, r, 4);
	for (int i = 0; i < 4; i++)
		if (r[i].rc < 0)
			return r[i].rc;
	if (!static_char_ok(a, 'a') || !static_char_ok(e9, 0xe9) ||
	    get64(empty, PY311_OB_SIZE) != 0 || empty[PY311_BYTES_SVAL] != 0 ||
	    get64(ba, PY311_OB_SIZE) != 1 || ba[PY311_BYTES_SVAL] != 'a' ||
	    ba[PY311_BYTES_SVAL + 1] != 0)
		return -ENOTSUP;
	info->runtime = runtime_addr;
	info->layout = LAYOUT_311;
	return 0;
}
