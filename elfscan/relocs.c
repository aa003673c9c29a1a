/* Relocations: the GOT slots and function-pointer words that will hold the
 * address of a named symbol, IRELATIVE counts, and the values the loader
 * writes into the init and fini arrays. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elfscan/internal.h"

/* Replaces an init/fini array word that a relocation writes. */
static void set_word(struct scan *s, uint64_t va, uint64_t value)
{
	struct elfscan_report *r = s->r;

	if (r->n_init_array && va >= s->dt.init_array &&
	    va - s->dt.init_array < r->n_init_array * 8 &&
	    (va - s->dt.init_array) % 8 == 0)
		r->init_array[(va - s->dt.init_array) / 8] = value;
	if (r->n_fini_array && va >= s->dt.fini_array &&
	    va - s->dt.fini_array < r->n_fini_array * 8 &&
	    (va - s->dt.fini_array) % 8 == 0)
		r->fini_array[(va - s->dt.fini_array) / 8] = value;
}

static enum elfscan_slot_kind slot_kind(uint32_t type)
{
	switch (type) {
	case R_X86_64_JUMP_SLOT: return ELFSCAN_JUMP_SLOT;
	case R_X86_64_GLOB_DAT:  return ELFSCAN_GLOB_DAT;
	default:                 return ELFSCAN_ABS64;
	}
}

static int add_slot(struct scan *s, const Elf64_Rela *ra, const Elf64_Sym *sym,
                    size_t *cap)
{
	struct elfscan_report *r = s->r;
	struct elfscan_slot *o;
	uint32_t type = ELF64_R_TYPE(ra->r_info);
	bool hidden;
	int rc;

	if ((rc = scan_grow(&r->slots, cap, r->n_slots + 1, sizeof(*o))))
		return rc;
	o = &r->slots[r->n_slots];
	rc = scan_symver(s, ELF64_R_SYM(ra->r_info), &o->version, &hidden);
	if (rc)
		return rc;
	o->name = scan_str(s, sym->st_name);
	o->offset = ra->r_offset;
	o->addend = ra->r_addend;
	o->kind = slot_kind(type);
	o->weak = ELF64_ST_BIND(sym->st_info) == STB_WEAK;
	r->n_slots++;
	return 0;
}

/* A word relocated against a symbol: its value when this object defines the
 * symbol, else 0 (resolved in another object; the slot records it). */
static uint64_t sym_word(const Elf64_Rela *ra, const Elf64_Sym *sym)
{
	uint32_t type = ELF64_R_TYPE(ra->r_info);

	if (sym->st_shndx == SHN_UNDEF)
		return 0;
	if (type == R_X86_64_64)
		return sym->st_value + (uint64_t)ra->r_addend;
	return sym->st_value;
}

static int do_rela(struct scan *s, const Elf64_Rela *ra, size_t *cap)
{
	uint32_t type = ELF64_R_TYPE(ra->r_info);
	uint64_t symidx = ELF64_R_SYM(ra->r_info);
	Elf64_Sym sym = { 0 };
	int rc;

	/* Any symbol index is checked: the loader would read past .dynsym. */
	if (symidx && (rc = scan_sym(s, symidx, &sym)))
		return rc;
	switch (type) {
	case R_X86_64_IRELATIVE:
		s->r->n_irelative++;
		return 0;
	case R_X86_64_RELATIVE:
		set_word(s, ra->r_offset, (uint64_t)ra->r_addend);
		return 0;
	case R_X86_64_JUMP_SLOT:
	case R_X86_64_GLOB_DAT:
	case R_X86_64_64:
		if (!symidx) {
			set_word(s, ra->r_offset, (uint64_t)ra->r_addend);
			return 0;
		}
		set_word(s, ra->r_offset, sym_word(ra, &sym));
		return sym.st_name ? add_slot(s, ra, &sym, cap) : 0;
	default:
		return 0;
	}
}

/* A table is read a block at a time: a large library has megabytes of
 * relocations, and one buffer for them all costs more in page faults than
 * the reads do. */
#define RELA_BLOCK 512

static int do_table(struct scan *s, uint64_t va, uint64_t sz, const char *what,
                    size_t *cap)
{
	Elf64_Rela block[RELA_BLOCK];
	struct span sp;
	uint64_t done, n;
	int rc;

	if (sz == 0)
		return 0;
	if (sz % sizeof(*block))
		return scan_fail(s, -EINVAL, "%s size is not a multiple of %zu",
		                 what, sizeof(*block));
	rc = scan_vaddr(s, va, sz, what, &sp);
	for (done = 0; rc == 0 && done < sz; done += n * sizeof(*block)) {
		n = (sz - done) / sizeof(*block);
		if (n > RELA_BLOCK)
			n = RELA_BLOCK;
		rc = scan_read(s, sp.off + done, block, n * sizeof(*block));
		for (uint64_t i = 0; rc == 0 && i < n; i++)
			rc = do_rela(s, &block[i], cap);
	}
	return rc;
}

int scan_relocs(struct scan *s)
{
	const struct dyninfo *d = &s->dt;
	uint64_t relasz = d->has_rela ? d->relasz : 0;
	uint64_t pltsz = d->has_jmprel ? d->pltrelsz : 0;
	size_t cap = 0;
	int rc;

	/* Like glibc's elf_dynamic_do_Rela ranges: when DT_RELA's range ends
	 * where DT_JMPREL's does, it includes the PLT relocations; do them once. */
	if (relasz && pltsz && d->rela <= d->jmprel &&
	    d->rela + relasz == d->jmprel + pltsz && relasz >= pltsz)
		relasz -= pltsz;
	rc = do_table(s, d->rela, relasz, "DT_RELA", &cap);
	if (rc == 0)
		rc = do_table(s, d->jmprel, pltsz, "DT_JMPREL", &cap);
	return rc;
}
