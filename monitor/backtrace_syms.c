/* backtrace_syms: function symbols of ELF files (see backtrace_syms.h). */
#include "monitor/backtrace_syms.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef PYSBX_HAVE_LZMA
#include <lzma.h>
#endif

#define MAX_SYMS       (1u << 21)   /* function symbols kept from one file */
#define MAX_NAME       512          /* bytes of a name kept (C++ names run long) */
#define MAX_DEBUGDATA  (64u << 20)  /* .gnu_debugdata, compressed or not */
#define XZ_MEMLIMIT    (128u << 20) /* what the xz decoder may allocate */
#define CACHE_FILES    64

struct btsym {
	uint64_t start, end;
	uint32_t name;       /* offset in names */
	uint8_t rank;        /* among symbols at one address: global > weak > local */
};

struct btsyms {
	struct btsym *v;
	size_t n, cap;
	uint64_t *maxend;    /* maxend[i]: the furthest end of v[0..i] */
	char *names;
	size_t names_len, names_cap;
	unsigned sources;
	bool full;           /* MAX_SYMS reached */
};

static int push(struct btsyms *s, uint64_t start, uint64_t end, const char *name, uint8_t rank)
{
	size_t len = strnlen(name, MAX_NAME - 1);

	if (s->n == MAX_SYMS) {
		s->full = true;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct btsym *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	if (s->names_len + len + 1 > s->names_cap) {
		size_t cap = s->names_cap ? 2 * s->names_cap : 4096;
		while (cap < s->names_len + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX)
			return -E2BIG;
		char *names = realloc(s->names, cap);
		if (!names)
			return -ENOMEM;
		s->names = names;
		s->names_cap = cap;
	}
	memcpy(s->names + s->names_len, name, len);
	s->names[s->names_len + len] = 0;
	s->v[s->n++] = (struct btsym){start, end, (uint32_t)s->names_len, rank};
	s->names_len += len + 1;
	return 0;
}

/* The function symbols of one symbol table.  A symbol without a size cannot
 * say what it covers, so it names nothing. */
static int add_table(struct btsyms *s, Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, unsigned source)
{
	Elf_Data *d;
	int rc = 0;

	if (sh->sh_entsize != gelf_fsize(e, ELF_T_SYM, 1, EV_CURRENT) || sh->sh_entsize == 0 ||
	    !(d = elf_getdata(scn, NULL)))
		return 0;
	size_t n = sh->sh_size / sh->sh_entsize, added = 0;
	for (size_t i = 1; i < n && rc == 0 && !s->full; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(d, (int)i, &sym))
			break;
		unsigned type = GELF_ST_TYPE(sym.st_info), bind = GELF_ST_BIND(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
		    sym.st_size == 0 || sym.st_value + sym.st_size < sym.st_value)
			continue;
		const char *name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (!name || !name[0])
			continue;
		uint8_t rank = bind == STB_GLOBAL ? 3 : bind == STB_WEAK ? 2 : 1;
		rc = push(s, sym.st_value, sym.st_value + sym.st_size, name, rank);
		added++;
	}
	if (added)
		s->sources |= source;
	return rc;
}

/* Reads the symbol tables of e (want: SHT_SYMTAB, SHT_DYNSYM or both), and
 * finds its .gnu_debugdata. */
static int add_tables(struct btsyms *s, Elf *e, bool dynsym, unsigned symtab_source,
                      Elf_Data **debugdata)
{
	size_t shstrndx;
	int rc = 0;

	if (debugdata)
		*debugdata = NULL;
	if (elf_getshdrstrndx(e, &shstrndx) != 0)
		shstrndx = SIZE_MAX;
	for (Elf_Scn *scn = NULL; rc == 0 && (scn = elf_nextscn(e, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			rc = add_table(s, e, scn, &sh, symtab_source);
		else if (sh.sh_type == SHT_DYNSYM && dynsym)
			rc = add_table(s, e, scn, &sh, BTSYMS_DYNSYM);
		else if (debugdata && sh.sh_type == SHT_PROGBITS && shstrndx != SIZE_MAX) {
			const char *name = elf_strptr(e, shstrndx, sh.sh_name);
			if (name && strcmp(name, ".gnu_debugdata") == 0)
				*debugdata = elf_rawdata(scn, NULL);
		}
	}
	return rc;
}

/* ---- .gnu_debugdata ----------------------------------------------------- */

#ifdef PYSBX_HAVE_LZMA
/* liblzma is loaded the first time a file has .gnu_debugdata: most runs,
 * and every run without -b, never need it. */
static struct {
	bool tried, ok;
	lzma_ret (*stream_decoder)(lzma_stream *, uint64_t, uint32_t);
	lzma_ret (*code)(lzma_stream *, lzma_action);
	void (*end)(lzma_stream *);
} lz;

static bool load(void *h, void *fn, const char *name)
{
	void *p = dlsym(h, name);
	memcpy(fn, &p, sizeof p);  /* data to function pointer, as dlsym's users must */
	return p != NULL;
}

static bool lzma_loaded(void)
{
	if (lz.tried)
		return lz.ok;
	lz.tried = true;
	void *h = dlopen("liblzma.so.5", RTLD_NOW | RTLD_LOCAL);
	lz.ok = h && load(h, &lz.stream_decoder, "lzma_stream_decoder") &&
	        load(h, &lz.code, "lzma_code") && load(h, &lz.end, "lzma_end");
	return lz.ok;
}

/* Decompresses an xz stream of in_len bytes into a new buffer of at most
 * MAX_DEBUGDATA bytes. */
static int xz_decode(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
	lzma_stream st = LZMA_STREAM_INIT;
	size_t cap = in_len < (1u << 14) ? (1u << 16) : 4 * in_len;
	uint8_t *buf = NULL;
	int rc = -EINVAL;

	if (!lzma_loaded())
		return -ENOSYS;
	if (cap > MAX_DEBUGDATA)
		cap = MAX_DEBUGDATA;
	if (lz.stream_decoder(&st, XZ_MEMLIMIT, 0) != LZMA_OK)
		return -EINVAL;
	if (!(buf = malloc(cap))) {
		rc = -ENOMEM;
		goto out;
	}
	st.next_in = in;
	st.avail_in = in_len;
	st.next_out = buf;
	st.avail_out = cap;
	for (;;) {
		lzma_ret r = lz.code(&st, LZMA_FINISH);
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK)
			goto out;
		if (st.avail_out == 0) {
			if (cap == MAX_DEBUGDATA) {
				rc = -EFBIG;
				goto out;
			}
			size_t used = cap;
			cap = cap > MAX_DEBUGDATA / 2 ? MAX_DEBUGDATA : 2 * cap;
			uint8_t *more = realloc(buf, cap);
			if (!more) {
				rc = -ENOMEM;
				goto out;
			}
			buf = more;
			st.next_out = buf + used;
			st.avail_out = cap - used;
		}
	}
	*out = buf;
	*out_len = (size_t)st.total_out;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	lz.end(&st);
	return rc;
}
#endif

bool btsyms_have_lzma(void)
{
#ifdef PYSBX_HAVE_LZMA
	return lzma_loaded();
#else
	return false;
#endif
}

/* The .symtab of the MiniDebugInfo ELF in d (its addresses are the file's). */
static int add_debugdata(struct btsyms *s, Elf_Data *d)
{
#ifdef PYSBX_HAVE_LZMA
	uint8_t *img = NULL;
	size_t len = 0;
	int rc;

	if (!d->d_buf || d->d_size == 0 || d->d_size > MAX_DEBUGDATA)
		return -EINVAL;
	if ((rc = xz_decode(d->d_buf, d->d_size, &img, &len)) < 0)
		return rc;
	Elf *m = elf_memory((char *)img, len);
	if (!m || elf_kind(m) != ELF_K_ELF) {
		rc = -ENOEXEC;
	} else {
		unsigned before = s->sources;
		rc = add_tables(s, m, false, BTSYMS_DEBUGDATA, NULL);
		if (rc == 0 && !(s->sources & ~before & BTSYMS_DEBUGDATA))
			rc = -ENOENT;   /* an ELF with no function symbols */
	}
	if (m)
		elf_end(m);
	free(img);
	return rc;
#else
	(void)s;
	(void)d;
	return -ENOSYS;
#endif
}

/* ---- lookups -------------------------------------------------------------- */

static int by_start(const void *a, const void *b)
{
	const struct btsym *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

/* Sorts by start (the best name first among those at one address), drops
 * exact duplicates (a symbol in both .symtab and .dynsym), and computes the
 * running furthest end that bounds a lookup's walk back. */
static int finish(struct btsyms *s)
{
	if (s->n == 0)
		return 0;
	qsort(s->v, s->n, sizeof *s->v, by_start);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (k > 0 && s->v[k - 1].start == s->v[i].start && s->v[k - 1].end == s->v[i].end)
			continue;
		s->v[k++] = s->v[i];
	}
	s->n = k;
	if (!(s->maxend = malloc(s->n * sizeof *s->maxend)))
		return -ENOMEM;
	uint64_t far = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].end > far)
			far = s->v[i].end;
		s->maxend[i] = far;
	}
	return 0;
}

const char *btsyms_find(const struct btsyms *s, uint64_t vaddr, uint64_t *offset)
{
	if (!s || s->n == 0)
		return NULL;
	/* the last symbol starting at or before vaddr */
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid].start <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* walk back while some earlier symbol may still cover vaddr: the
	 * innermost covering symbol (the latest start), the best-ranked of
	 * those starting there */
	const struct btsym *best = NULL;
	for (size_t k = lo; k-- > 0 && s->maxend[k] > vaddr;) {
		const struct btsym *c = &s->v[k];
		if (c->end <= vaddr)
			continue;
		if (best && c->start != best->start)
			break;
		best = c;
	}
	if (!best)
		return NULL;
	if (offset)
		*offset = vaddr - best->start;
	return s->names + best->name;
}

size_t btsyms_count(const struct btsyms *s)
{
	return s ? s->n : 0;
}

unsigned btsyms_sources(const struct btsyms *s)
{
	return s ? s->sources : 0;
}

void btsyms_free(struct btsyms *s)
{
	if (!s)
		return;
	free(s->v);
	free(s->maxend);
	free(s->names);
	free(s);
}

int btsyms_read(int fd, struct btsyms **out)
{
	struct btsyms *s;
	Elf_Data *dd = NULL;
	int rc;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	/* ELF_C_READ, not a mapping: a job can truncate a file it loaded, and
	 * a mapped file cut short would fault inside the monitor */
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e)
		return -ENOEXEC;
	if (elf_kind(e) != ELF_K_ELF) {
		elf_end(e);
		return -ENOEXEC;
	}
	if (!(s = calloc(1, sizeof *s))) {
		elf_end(e);
		return -ENOMEM;
	}
	rc = add_tables(s, e, true, BTSYMS_SYMTAB, &dd);
	if (rc == 0 && dd && add_debugdata(s, dd) < 0)
		s->sources |= BTSYMS_DEBUGDATA_BAD;
	elf_end(e);
	if (rc == 0)
		rc = finish(s);
	if (rc < 0) {
		btsyms_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* ---- per-file cache --------------------------------------------------------- */

static struct {
	char *path;
	struct elfscan_id id;
	struct btsyms *s;     /* NULL: the file could not be read as that identity */
} cache[CACHE_FILES];
static size_t n_cache, next_slot;

static bool same_id(const struct elfscan_id *a, const struct elfscan_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static bool stat_is(const struct stat *st, const struct elfscan_id *id)
{
	struct elfscan_id now = {st->st_dev, st->st_ino, st->st_size, st->st_mtim, st->st_ctim};
	return S_ISREG(st->st_mode) && same_id(&now, id);
}

/* Reads the file at path if it is still the file id describes. */
static struct btsyms *read_path(const char *path, const struct elfscan_id *id)
{
	struct btsyms *s = NULL;
	struct stat st;
	/* O_NONBLOCK: a FIFO put where the object was must not hang the monitor */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && stat_is(&st, id) && btsyms_read(fd, &s) < 0)
		s = NULL;
	close(fd);
	return s;
}

const struct btsyms *btsyms_cached(const char *path, const struct elfscan_id *id)
{
	if (!path || !id)
		return NULL;
	for (size_t i = 0; i < n_cache; i++)
		if (same_id(&cache[i].id, id) && strcmp(cache[i].path, path) == 0)
			return cache[i].s;
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	size_t slot = n_cache < CACHE_FILES ? n_cache++ : next_slot++ % CACHE_FILES;
	if (slot < n_cache && cache[slot].path) {
		free(cache[slot].path);
		btsyms_free(cache[slot].s);
	}
	cache[slot].path = copy;
	cache[slot].id = *id;
	cache[slot].s = read_path(path, id);
	return cache[slot].s;
}

void btsyms_cache_clear(void)
{
	for (size_t i = 0; i < n_cache; i++) {
		free(cache[i].path);
		btsyms_free(cache[i].s);
		cache[i].path = NULL;
		cache[i].s = NULL;
	}
	n_cache = next_slot = 0;
}
