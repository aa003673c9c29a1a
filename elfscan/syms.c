/* Dynamic symbols and their versions (.gnu.version, .gnu.version_d,
 * .gnu.version_r), and lookup of a defined symbol by name and version. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "elfscan/internal.h"

static int read_u32(struct scan *s, uint64_t off, uint32_t *v)
{
	return scan_read(s, off, v, sizeof(*v));
}

/* DT_GNU_HASH: the highest symbol index is the end of the longest chain. */
static int count_gnu_hash(struct scan *s, size_t *n)
{
	struct span sp;
	uint32_t hdr[4], v, maxsym = 0;
	uint64_t buckets, chain, end;
	int rc;

	rc = scan_vaddr(s, s->dt.gnu_hash, sizeof(hdr), "DT_GNU_HASH", &sp);
	if (rc)
		return rc;
	end = sp.off + sp.avail;
	if ((rc = scan_read(s, sp.off, hdr, sizeof(hdr))))
		return rc;
	buckets = sp.off + 16 + (uint64_t)hdr[2] * 8;
	if ((uint64_t)hdr[2] * 8 > sp.avail - 16 ||
	    (uint64_t)hdr[0] * 4 > end - buckets)
		return scan_fail(s, -EINVAL, "truncated: DT_GNU_HASH tables");
	for (uint32_t b = 0; b < hdr[0]; b++) {
		if ((rc = read_u32(s, buckets + b * 4ull, &v)))
			return rc;
		if (v > maxsym)
			maxsym = v;
	}
	*n = 0;
	if (maxsym == 0)
		return 0;
	if (maxsym < hdr[1])
		return scan_fail(s, -EINVAL, "DT_GNU_HASH bucket below symoffset");
	chain = buckets + hdr[0] * 4ull;
	/* Each step moves forward inside the segment, so this ends. */
	for (;;) {
		uint64_t at = chain + (uint64_t)(maxsym - hdr[1]) * 4;
		if (at + 4 > end || read_u32(s, at, &v))
			return scan_fail(s, -EINVAL, "truncated: DT_GNU_HASH chain");
		if (v & 1)
			break;
		maxsym++;
	}
	*n = (size_t)maxsym + 1;
	return 0;
}

/* How many .dynsym entries there are: the loader never needs to know, so this
 * comes from the section header when it agrees with DT_SYMTAB, else from the
 * hash tables. */
static int count_symbols(struct scan *s)
{
	struct span sp;
	uint32_t hdr[2];
	int rc;

	s->nsyms = 0;
	if (!s->dt.has_symtab)
		return 0;
	if (s->dynsym_sec.present) {
		s->nsyms = s->dynsym_sec.size / sizeof(Elf64_Sym);
	} else if (s->dt.has_hash) {
		rc = scan_vaddr(s, s->dt.hash, sizeof(hdr), "DT_HASH", &sp);
		if (rc)
			return rc;
		if ((rc = scan_read(s, sp.off, hdr, sizeof(hdr))))
			return rc;
		s->nsyms = hdr[1];
	} else if (s->dt.has_gnu_hash) {
		rc = count_gnu_hash(s, &s->nsyms);
		if (rc)
			return rc;
	}
	if (s->nsyms > s->size / sizeof(Elf64_Sym))
		return scan_fail(s, -EINVAL, "truncated: %zu dynamic symbols do not "
		                 "fit in the file", s->nsyms);
	rc = scan_vaddr(s, s->dt.symtab, s->nsyms * sizeof(Elf64_Sym),
	                "DT_SYMTAB", &s->symtab);
	return rc ? rc : scan_load(s, &s->symtab);
}

int scan_sym(struct scan *s, uint64_t idx, Elf64_Sym *out)
{
	if (idx >= s->nsyms)
		return scan_fail(s, -EINVAL, "symbol index %" PRIu64 " out of range "
		                 "(%zu symbols)", idx, s->nsyms);
	memcpy(out, s->symtab.p + idx * sizeof(*out), sizeof(*out));
	if (out->st_name >= s->strsz)
		return scan_fail(s, -EINVAL, "symbol %" PRIu64 ": name offset 0x%x "
		                 "outside DT_STRTAB", idx, out->st_name);
	return 0;
}

/* Names version index ndx; the table grows to the highest index defined
 * (a few dozen in libc), unset entries NULL. */
static int set_vername(struct scan *s, unsigned ndx, uint32_t name, const char *what)
{
	const char *str = scan_str(s, name);
	size_t i = ndx & SCAN_MAX_VERSION, old = s->n_vername;
	int rc;

	if (!str)
		return scan_fail(s, -EINVAL, "%s: name offset 0x%x outside DT_STRTAB",
		                 what, name);
	if (i >= old) {
		if ((rc = scan_grow(&s->vername, &s->n_vername, i + 1,
		                    sizeof(*s->vername))))
			return rc;
		memset(s->vername + old, 0, (s->n_vername - old) * sizeof(*s->vername));
	}
	s->vername[i] = str;
	return 0;
}

/* Walks DT_VERDEF.  Entries are linked by forward offsets (vd_next); each
 * step is checked to stay inside the segment, so the walk ends. */
static int walk_verdef(struct scan *s)
{
	struct span sp;
	Elf64_Verdef vd;
	Elf64_Verdaux va;
	uint64_t at, end;
	int rc;

	rc = scan_vaddr(s, s->dt.verdef, sizeof(vd), "DT_VERDEF", &sp);
	if (rc)
		return rc;
	at = sp.off;
	end = sp.off + sp.avail;
	for (uint64_t i = 0; !s->dt.verdefnum || i < s->dt.verdefnum; i++) {
		if (at + sizeof(vd) > end || scan_read(s, at, &vd, sizeof(vd)))
			return scan_fail(s, -EINVAL, "truncated: DT_VERDEF entry %" PRIu64, i);
		if (vd.vd_cnt) {
			if (vd.vd_aux > end - at || end - at - vd.vd_aux < sizeof(va))
				return scan_fail(s, -EINVAL, "truncated: DT_VERDEF aux");
			if ((rc = scan_read(s, at + vd.vd_aux, &va, sizeof(va))))
				return rc;
			if ((rc = set_vername(s, vd.vd_ndx, va.vda_name, "DT_VERDEF")))
				return rc;
		}
		if (vd.vd_next == 0)
			break;
		at += vd.vd_next;
	}
	return 0;
}

static int walk_vernaux(struct scan *s, uint64_t at, uint64_t end,
                        const Elf64_Verneed *vn)
{
	Elf64_Vernaux va;
	int rc;

	if (vn->vn_aux > end - at)
		return scan_fail(s, -EINVAL, "truncated: DT_VERNEED aux");
	at += vn->vn_aux;
	for (unsigned j = 0; j < vn->vn_cnt; j++) {
		if (at + sizeof(va) > end || scan_read(s, at, &va, sizeof(va)))
			return scan_fail(s, -EINVAL, "truncated: DT_VERNEED aux %u", j);
		if ((rc = set_vername(s, va.vna_other, va.vna_name, "DT_VERNEED")))
			return rc;
		if (va.vna_next == 0)
			break;
		at += va.vna_next;
	}
	return 0;
}

static int walk_verneed(struct scan *s)
{
	struct span sp;
	Elf64_Verneed vn;
	uint64_t at, end;
	int rc;

	rc = scan_vaddr(s, s->dt.verneed, sizeof(vn), "DT_VERNEED", &sp);
	if (rc)
		return rc;
	at = sp.off;
	end = sp.off + sp.avail;
	for (uint64_t i = 0; !s->dt.verneednum || i < s->dt.verneednum; i++) {
		if (at + sizeof(vn) > end || scan_read(s, at, &vn, sizeof(vn)))
			return scan_fail(s, -EINVAL, "truncated: DT_VERNEED entry %" PRIu64, i);
		if ((rc = walk_vernaux(s, at, end, &vn)))
			return rc;
		if (vn.vn_next == 0)
			break;
		at += vn.vn_next;
	}
	return 0;
}

static int scan_versions(struct scan *s)
{
	int rc;

	if (!s->dt.has_versym)
		return 0;
	rc = scan_vaddr(s, s->dt.versym, s->nsyms * sizeof(uint16_t),
	                "DT_VERSYM", &s->versym);
	if (rc || (rc = scan_load(s, &s->versym)))
		return rc;
	if (s->dt.has_verdef && (rc = walk_verdef(s)))
		return rc;
	if (s->dt.has_verneed && (rc = walk_verneed(s)))
		return rc;
	return 0;
}

/* The version of symbol idx: NULL for local (0) and unversioned (1). */
int scan_symver(struct scan *s, uint64_t idx, const char **ver, bool *hidden)
{
	uint16_t v;

	*ver = NULL;
	*hidden = false;
	if (!s->versym.present)
		return 0;
	if (idx >= s->nsyms)
		return scan_fail(s, -EINVAL, "versym index %" PRIu64 " out of range", idx);
	memcpy(&v, s->versym.p + idx * sizeof(v), sizeof(v));
	*hidden = (v & 0x8000) != 0;
	if ((v & SCAN_MAX_VERSION) <= VER_NDX_GLOBAL)
		return 0;
	if ((v & SCAN_MAX_VERSION) < s->n_vername)
		*ver = s->vername[v & SCAN_MAX_VERSION];
	if (!*ver)
		return scan_fail(s, -EINVAL, "symbol %" PRIu64 ": version index %u "
		                 "is not defined", idx, v & SCAN_MAX_VERSION);
	return 0;
}

static int add_symbol(struct scan *s, uint64_t idx, const Elf64_Sym *sym)
{
	struct elfscan_report *r = s->r;
	struct elfscan_symbol *o = &r->syms[r->n_syms];
	int rc;

	rc = scan_symver(s, idx, &o->version, &o->hidden);
	if (rc)
		return rc;
	o->name = scan_str(s, sym->st_name);
	o->value = sym->st_value;
	o->size = sym->st_size;
	o->type = ELF64_ST_TYPE(sym->st_info);
	o->bind = ELF64_ST_BIND(sym->st_info);
	if (o->type == STT_GNU_IFUNC)
		r->n_ifunc++;
	r->n_syms++;
	return 0;
}

/* Collects the defined, non-local, named symbols: what another object can
 * bind to. */
int scan_symbols(struct scan *s)
{
	struct elfscan_report *r = s->r;
	Elf64_Sym sym;
	int rc;

	if ((rc = count_symbols(s)) || (rc = scan_versions(s)))
		return rc;
	r->syms = calloc(s->nsyms ? s->nsyms : 1, sizeof(*r->syms));
	if (!r->syms)
		return -ENOMEM;
	for (uint64_t i = 1; i < s->nsyms; i++) {
		if ((rc = scan_sym(s, i, &sym)))
			return rc;
		if (sym.st_shndx == SHN_UNDEF || sym.st_name == 0 ||
		    ELF64_ST_BIND(sym.st_info) == STB_LOCAL)
			continue;
		if ((rc = add_symbol(s, i, &sym)))
			return rc;
	}
	/* Give back the room of the undefined and local ones. */
	if (r->n_syms && r->n_syms < s->nsyms) {
		struct elfscan_symbol *p = realloc(r->syms, r->n_syms * sizeof(*p));
		if (p)
			r->syms = p;
	}
	return index_symbols(s->box, r);
}

/* The names are looked up through a hash of them, built in one pass.
 * Sorting them was most of the monitor's start-up (python3.11 and libc define
 * 4,700 names between them, with long shared prefixes); the lookups need
 * equality only.  Chains, not open addressing: a hostile object may define
 * one name 100,000 times, and inserting at the head of a chain costs the
 * same whatever collides.  The hash is keyed per process so that distinct
 * names cannot be made to collide from a file.  Same names stay in .dynsym
 * order along a chain (they are inserted last to first). */
static uint32_t hash_key(void)
{
	static uint32_t key;
	static bool have;

	if (!have) {
		if (getrandom(&key, sizeof(key), GRND_NONBLOCK) != sizeof(key))
			key = (uint32_t)(uintptr_t)&key ^ (uint32_t)getpid();
		have = true;
	}
	return key;
}

static uint32_t name_hash(const char *n)
{
	uint32_t h = 2166136261u ^ hash_key();  /* FNV-1a from a keyed start */

	while (*n)
		h = (h ^ (unsigned char)*n++) * 16777619u;
	return h ^ (h >> 15);
}

int index_symbols(struct report_box *b, const struct elfscan_report *r)
{
	size_t size = 16;

	if (r->n_syms >= UINT32_MAX / 4)
		return -E2BIG;
	while (size < r->n_syms)
		size *= 2;
	b->sym_head = calloc(size, sizeof(*b->sym_head));
	b->sym_next = calloc(r->n_syms ? r->n_syms : 1, sizeof(*b->sym_next));
	if (!b->sym_head || !b->sym_next)
		return -ENOMEM;  /* drop_contents() frees what there is */
	b->sym_mask = (uint32_t)(size - 1);
	for (size_t i = r->n_syms; i-- > 0;) {
		uint32_t k = name_hash(r->syms[i].name) & b->sym_mask;
		b->sym_next[i] = b->sym_head[k];
		b->sym_head[k] = (uint32_t)i + 1;
	}
	return 0;
}

/* The first symbol named name, in .dynsym order, that want(symbol) accepts. */
static const struct elfscan_symbol *
each_named(const struct elfscan_report *r, const char *name,
           bool (*want)(const struct elfscan_symbol *, const void *), const void *arg)
{
	const struct report_box *b = (const struct report_box *)r;

	if (!b->sym_head)
		return NULL;
	for (uint32_t i = b->sym_head[name_hash(name) & b->sym_mask]; i; i = b->sym_next[i - 1]) {
		const struct elfscan_symbol *s = &r->syms[i - 1];
		if (strcmp(s->name, name) == 0 && want(s, arg))
			return s;
	}
	return NULL;
}

static bool any(const struct elfscan_symbol *s, const void *arg)
{
	(void)s;
	(void)arg;
	return true;
}

static bool default_version(const struct elfscan_symbol *s, const void *arg)
{
	(void)arg;
	return !s->hidden;
}

static bool this_version(const struct elfscan_symbol *s, const void *version)
{
	return s->version && strcmp(s->version, version) == 0;
}

bool scan_defines(const struct elfscan_report *r, const char *name)
{
	return each_named(r, name, any, NULL) != NULL;
}

const struct elfscan_symbol *elfscan_find(const struct elfscan_report *r,
                                          const char *name, const char *version)
{
	if (!r || r->error || !name)
		return NULL;
	return each_named(r, name, version ? this_version : default_version, version);
}
