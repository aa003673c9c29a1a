/* The dynamic section: the tables the loader will use, the strings it names
 * (DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH), and the constructors. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elfscan/internal.h"

/* Remembers one entry the scan uses. */
static void note_tag(struct dyninfo *d, const Elf64_Dyn *e)
{
	uint64_t v = e->d_un.d_val;

#define SET(tag, field) case tag: d->field = v; d->has_##field = true; break
	switch (e->d_tag) {
	SET(DT_STRTAB, strtab);
	SET(DT_SYMTAB, symtab);
	SET(DT_RELA, rela);
	SET(DT_JMPREL, jmprel);
	SET(DT_RELR, relr);
	SET(DT_HASH, hash);
	SET(DT_GNU_HASH, gnu_hash);
	SET(DT_VERSYM, versym);
	SET(DT_VERDEF, verdef);
	SET(DT_VERNEED, verneed);
	SET(DT_INIT_ARRAY, init_array);
	SET(DT_FINI_ARRAY, fini_array);
	SET(DT_PLTREL, pltrel);
	case DT_STRSZ:          d->strsz = v; break;
	case DT_SYMENT:         d->syment = v; break;
	case DT_RELASZ:         d->relasz = v; break;
	case DT_RELAENT:        d->relaent = v; break;
	case DT_PLTRELSZ:       d->pltrelsz = v; break;
	case DT_RELRSZ:         d->relrsz = v; break;
	case DT_VERDEFNUM:      d->verdefnum = v; break;
	case DT_VERNEEDNUM:     d->verneednum = v; break;
	case DT_INIT:           d->init = v; break;
	case DT_FINI:           d->fini = v; break;
	case DT_INIT_ARRAYSZ:   d->init_arraysz = v; break;
	case DT_FINI_ARRAYSZ:   d->fini_arraysz = v; break;
	case DT_FLAGS:          d->flags = v; break;
	case DT_FLAGS_1:        d->flags_1 = v; break;
	case DT_TEXTREL:        d->has_textrel = true; break;
	case DT_BIND_NOW:       d->has_bind_now = true; break;
	case DT_NEEDED:         d->n_needed++; break;
	default: break;
	}
#undef SET
}

static size_t n_dyn(const struct scan *s)
{
	return s->dynamic.size / sizeof(Elf64_Dyn);
}

static void get_dyn(const struct scan *s, size_t i, Elf64_Dyn *e)
{
	memcpy(e, s->dynamic.p + i * sizeof(*e), sizeof(*e));
}

/* Copies DT_STRTAB: every name in the report points into this copy. */
static int copy_strtab(struct scan *s)
{
	struct span sp;
	int rc;

	if (!s->dt.has_strtab)
		return s->dt.n_needed ? scan_fail(s, -EINVAL, "DT_NEEDED without "
		                                  "DT_STRTAB") : 0;
	if (s->dt.strsz == 0)
		return scan_fail(s, -EINVAL, "DT_STRSZ is 0");
	rc = scan_vaddr(s, s->dt.strtab, s->dt.strsz, "DT_STRTAB", &sp);
	if (rc)
		return rc;
	s->box->strtab = malloc(sp.size + 1);
	if (!s->box->strtab)
		return -ENOMEM;
	if ((rc = scan_read(s, sp.off, s->box->strtab, sp.size)))
		return rc;
	if (s->box->strtab[sp.size - 1] != 0)
		return scan_fail(s, -EINVAL, "DT_STRTAB does not end in a NUL");
	s->box->strtab[sp.size] = 0;
	s->strsz = sp.size;
	return 0;
}

static int dyn_string(struct scan *s, const Elf64_Dyn *e, const char *tag,
                      char **out)
{
	const char *str = scan_str(s, e->d_un.d_val);

	if (!str)
		return scan_fail(s, -EINVAL, "%s: string offset 0x%" PRIx64 " is "
		                 "outside DT_STRTAB", tag, e->d_un.d_val);
	*out = (char *)str;
	return 0;
}

/* Second pass: the strings, now that the string table is known. */
static int dyn_strings(struct scan *s)
{
	struct elfscan_report *r = s->r;
	Elf64_Dyn e;
	int rc = 0;

	r->needed = calloc(s->dt.n_needed ? s->dt.n_needed : 1, sizeof(char *));
	if (!r->needed)
		return -ENOMEM;
	for (size_t i = 0; i < n_dyn(s) && rc == 0; i++) {
		get_dyn(s, i, &e);
		if (e.d_tag == DT_NULL)
			break;
		if (e.d_tag == DT_NEEDED)
			rc = dyn_string(s, &e, "DT_NEEDED", &r->needed[r->n_needed++]);
		else if (e.d_tag == DT_SONAME)
			rc = dyn_string(s, &e, "DT_SONAME", &r->soname);
		else if (e.d_tag == DT_RPATH)
			rc = dyn_string(s, &e, "DT_RPATH", &r->rpath);
		else if (e.d_tag == DT_RUNPATH)
			rc = dyn_string(s, &e, "DT_RUNPATH", &r->runpath);
	}
	return rc;
}

int scan_dynamic(struct scan *s)
{
	Elf64_Dyn e;
	int rc;

	s->dt.present = true;
	if ((rc = scan_load(s, &s->dynamic)))
		return rc;
	for (size_t i = 0; i < n_dyn(s); i++) {
		get_dyn(s, i, &e);
		if (e.d_tag == DT_NULL)
			break;
		note_tag(&s->dt, &e);
	}
	if (s->dt.has_symtab && s->dt.syment && s->dt.syment != sizeof(Elf64_Sym))
		return scan_fail(s, -EINVAL, "DT_SYMENT is %" PRIu64, s->dt.syment);
	if (s->dt.has_rela && s->dt.relaent && s->dt.relaent != sizeof(Elf64_Rela))
		return scan_fail(s, -EINVAL, "DT_RELAENT is %" PRIu64, s->dt.relaent);
	if (s->dt.has_pltrel && s->dt.pltrel != DT_RELA && s->dt.pltrelsz)
		return scan_fail(s, -EINVAL, "DT_PLTREL is not DT_RELA");
	rc = copy_strtab(s);
	if (rc)
		return rc;
	return dyn_strings(s);
}

/* Reads an init or fini array's words as they are in the file; relocations
 * (scan_relocs) then replace the ones they cover. */
static int read_array(struct scan *s, uint64_t va, uint64_t sz, const char *what,
                      uint64_t **arr, size_t *n)
{
	struct span sp;
	int rc;

	if (sz % sizeof(uint64_t))
		return scan_fail(s, -EINVAL, "%sSZ is not a multiple of 8", what);
	if (sz == 0)
		return 0;
	rc = scan_vaddr(s, va, sz, what, &sp);
	if (rc)
		return rc;
	*n = sz / sizeof(uint64_t);
	*arr = malloc(sz);
	if (!*arr)
		return -ENOMEM;
	return scan_read(s, sp.off, *arr, sz);
}

static int check_in_object(struct scan *s, uint64_t va, const char *what)
{
	if (va && (va < s->r->load_lo || va >= s->r->load_hi))
		return scan_fail(s, -EINVAL, "%s 0x%" PRIx64 " is outside the object",
		                 what, va);
	return 0;
}

int scan_init_fini(struct scan *s)
{
	struct elfscan_report *r = s->r;
	int rc;

	r->init = s->dt.init;
	r->fini = s->dt.fini;
	if ((rc = check_in_object(s, r->init, "DT_INIT")) ||
	    (rc = check_in_object(s, r->fini, "DT_FINI")))
		return rc;
	if (s->dt.has_init_array &&
	    (rc = read_array(s, s->dt.init_array, s->dt.init_arraysz,
	                     "DT_INIT_ARRAY", &r->init_array, &r->n_init_array)))
		return rc;
	if (s->dt.has_fini_array &&
	    (rc = read_array(s, s->dt.fini_array, s->dt.fini_arraysz,
	                     "DT_FINI_ARRAY", &r->fini_array, &r->n_fini_array)))
		return rc;
	return 0;
}
