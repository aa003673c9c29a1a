/* The ELF header, the program headers (segments, PT_INTERP, PT_GNU_STACK,
 * PT_DYNAMIC) and the checks on the section headers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elfscan/internal.h"

/* Section and program header counts, with the extended numbering that keeps
 * the real counts in section header 0 when they do not fit in 16 bits. */
static int header_counts(struct scan *s, const Elf64_Ehdr *eh, size_t *shnum,
                         size_t *phnum)
{
	Elf64_Shdr sh0;

	*shnum = eh->e_shnum;
	*phnum = eh->e_phnum;
	if (!eh->e_shoff)
		return *phnum == PN_XNUM ? scan_fail(s, -EINVAL, "extended e_phnum "
		                                     "without section headers") : 0;
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return scan_fail(s, -EINVAL, "bad e_shentsize %u", eh->e_shentsize);
	if (scan_read(s, eh->e_shoff, &sh0, sizeof(sh0)))
		return scan_fail(s, -EINVAL, "truncated: section headers (at 0x%"
		                 PRIx64 ") extend past end of file", eh->e_shoff);
	if (*shnum == 0)
		*shnum = sh0.sh_size;
	if (*phnum == PN_XNUM)
		*phnum = sh0.sh_info;
	return 0;
}

/* libelf quietly drops header tables that do not fit in the file (it reports
 * no sections at all), so the ranges are checked here first, and give a
 * message that says why. */
static int check_ident(struct scan *s)
{
	unsigned char e[sizeof(Elf64_Ehdr)];
	Elf64_Ehdr eh;
	size_t shnum, phnum;
	int rc;

	rc = scan_read(s, 0, e, s->size < sizeof(e) ? s->size : sizeof(e));
	if (rc)
		return rc;
	if (s->size < SELFMAG || memcmp(e, ELFMAG, SELFMAG) != 0)
		return scan_fail(s, -ENOEXEC, "not an ELF file");
	if (s->size < EI_NIDENT)
		return scan_fail(s, -EINVAL, "truncated: ELF header");
	if (e[EI_CLASS] != ELFCLASS64)
		return scan_fail(s, -ENOEXEC, "unsupported: not a 64-bit ELF file");
	if (e[EI_DATA] != ELFDATA2LSB)
		return scan_fail(s, -ENOEXEC, "unsupported: not little-endian");
	if (s->size < sizeof(eh))
		return scan_fail(s, -EINVAL, "truncated: ELF header");
	memcpy(&eh, e, sizeof(eh));
	if (eh.e_machine != EM_X86_64)
		return scan_fail(s, -ENOEXEC, "unsupported machine %u (not x86-64)",
		                 eh.e_machine);
	if (eh.e_phnum && eh.e_phentsize != sizeof(Elf64_Phdr))
		return scan_fail(s, -EINVAL, "bad e_phentsize %u", eh.e_phentsize);
	if ((rc = header_counts(s, &eh, &shnum, &phnum)))
		return rc;
	if (shnum && (s->size - eh.e_shoff) / sizeof(Elf64_Shdr) < shnum)
		return scan_fail(s, -EINVAL, "truncated: section headers (at 0x%"
		                 PRIx64 ") extend past end of file", eh.e_shoff);
	if (phnum && (eh.e_phoff > s->size ||
	              (s->size - eh.e_phoff) / sizeof(Elf64_Phdr) < phnum))
		return scan_fail(s, -EINVAL, "truncated: program headers extend past "
		                 "end of file");
	s->shnum = shnum;
	s->phnum = phnum;
	return 0;
}

static int open_elf(struct scan *s)
{
	struct elfscan_report *r = s->r;
	size_t phnum, shnum;
	GElf_Ehdr eh;

	/* ELF_C_READ: libelf preads the headers it is asked for (never mmap),
	 * whether or not the scan holds the whole file. */
	s->elf = elf_begin(s->fd, ELF_C_READ, NULL);
	if (!s->elf || elf_kind(s->elf) != ELF_K_ELF || !gelf_getehdr(s->elf, &eh))
		return scan_fail(s, -EINVAL, "corrupt ELF header: %s", elf_errmsg(-1));
	if (elf_getphdrnum(s->elf, &phnum) != 0 ||
	    elf_getshdrnum(s->elf, &shnum) != 0 ||
	    phnum != s->phnum || shnum != s->shnum)
		return scan_fail(s, -EINVAL, "corrupt header tables: %s",
		                 elf_errmsg(-1) ? elf_errmsg(-1) : "counts disagree");
	r->e_type = eh.e_type;
	r->e_machine = eh.e_machine;
	r->entry = eh.e_entry;
	return 0;
}

static int add_segment(struct scan *s, size_t i, const GElf_Phdr *ph)
{
	struct elfscan_report *r = s->r;
	struct elfscan_segment *g;

	if (ph->p_offset > s->size || ph->p_filesz > s->size - ph->p_offset)
		return scan_fail(s, -EINVAL, "truncated: segment %zu extends past "
		                 "end of file", i);
	if (ph->p_filesz > ph->p_memsz || ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
		return scan_fail(s, -EINVAL, "segment %zu: bad sizes", i);
	g = &r->segs[r->n_segs++];
	g->vaddr = ph->p_vaddr;
	g->memsz = ph->p_memsz;
	g->offset = ph->p_offset;
	g->filesz = ph->p_filesz;
	g->flags = ph->p_flags;
	if (r->n_segs == 1 || g->vaddr < r->load_lo)
		r->load_lo = g->vaddr;
	if (g->vaddr + g->memsz > r->load_hi)
		r->load_hi = g->vaddr + g->memsz;
	if ((g->flags & PF_W) && (g->flags & PF_X))
		r->flags |= ELFSCAN_WX;
	return 0;
}

/* The kernel reads PT_INTERP from the file, so the file offset is what counts. */
static int add_interp(struct scan *s, const GElf_Phdr *ph)
{
	char *buf;
	int rc;

	if (ph->p_offset > s->size || ph->p_filesz > s->size - ph->p_offset ||
	    ph->p_filesz == 0)
		return scan_fail(s, -EINVAL, "truncated: PT_INTERP extends past end "
		                 "of file");
	buf = malloc(ph->p_filesz);
	if (!buf)
		return -ENOMEM;
	rc = scan_read(s, ph->p_offset, buf, ph->p_filesz);
	if (rc == 0 && memchr(buf, 0, ph->p_filesz) == NULL)
		rc = scan_fail(s, -EINVAL, "PT_INTERP is not NUL-terminated");
	if (rc == 0) {
		free(s->r->interp);
		s->r->interp = strdup(buf);
		rc = s->r->interp ? 0 : -ENOMEM;
	}
	free(buf);
	return rc;
}

static int scan_phdrs(struct scan *s)
{
	GElf_Phdr ph, dyn = { .p_type = PT_NULL };
	bool gnu_stack = false;
	int rc = 0;

	s->r->segs = calloc(s->phnum ? s->phnum : 1, sizeof(*s->r->segs));
	if (!s->r->segs)
		return -ENOMEM;
	for (size_t i = 0; i < s->phnum && rc == 0; i++) {
		if (!gelf_getphdr(s->elf, (int)i, &ph))
			return scan_fail(s, -EINVAL, "program header %zu: %s", i,
			                 elf_errmsg(-1));
		if (ph.p_type == PT_LOAD)
			rc = add_segment(s, i, &ph);
		else if (ph.p_type == PT_INTERP)
			rc = add_interp(s, &ph);
		else if (ph.p_type == PT_DYNAMIC)
			dyn = ph;
		else if (ph.p_type == PT_GNU_STACK) {
			gnu_stack = true;
			if (ph.p_flags & PF_X)
				s->r->flags |= ELFSCAN_EXECSTACK;
		}
	}
	if (rc)
		return rc;
	/* Without PT_GNU_STACK the x86-64 kernel and loader make the stack executable. */
	if (s->phnum && !gnu_stack)
		s->r->flags |= ELFSCAN_EXECSTACK;
	/* The loader reads the dynamic section from memory at p_vaddr, not at p_offset. */
	if (dyn.p_type == PT_DYNAMIC && dyn.p_filesz)
		return scan_vaddr(s, dyn.p_vaddr, dyn.p_filesz - dyn.p_filesz %
		                  sizeof(Elf64_Dyn), "PT_DYNAMIC", &s->dynamic);
	return 0;
}

static int check_section(struct scan *s, size_t i, const GElf_Shdr *sh)
{
	const char *name = NULL;

	if (s->shstrndx != SHN_UNDEF) {
		name = elf_strptr(s->elf, s->shstrndx, sh->sh_name);
		if (!name)
			return scan_fail(s, -EINVAL, "section %zu: name offset %u out "
			                 "of range", i, sh->sh_name);
	}
	if (!name || !*name)
		name = "(unnamed)";
	if (sh->sh_type != SHT_NOBITS && sh->sh_type != SHT_NULL &&
	    (sh->sh_offset > s->size || sh->sh_size > s->size - sh->sh_offset))
		return scan_fail(s, -EINVAL, "truncated: section %.60s extends past "
		                 "end of file", name);
	if (sh->sh_link >= s->shnum)
		return scan_fail(s, -EINVAL, "section %.60s: sh_link %u out of range",
		                 name, sh->sh_link);
	return 0;
}

/* Checks the section headers and remembers .dynsym, whose size is the one
 * reliable count of dynamic symbols. */
int scan_sections(struct scan *s)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int rc;

	if (s->shnum == 0)
		return 0;
	if (elf_getshdrstrndx(s->elf, &s->shstrndx) != 0 ||
	    (s->shstrndx != SHN_UNDEF && s->shstrndx >= s->shnum))
		return scan_fail(s, -EINVAL, "section name table index out of range");
	if (s->shstrndx != SHN_UNDEF) {
		if (!gelf_getshdr(elf_getscn(s->elf, s->shstrndx), &sh))
			return scan_fail(s, -EINVAL, "section name table: %s",
			                 elf_errmsg(-1));
		if (sh.sh_type != SHT_STRTAB || sh.sh_offset > s->size ||
		    sh.sh_size > s->size - sh.sh_offset)
			return scan_fail(s, -EINVAL, "truncated: section name table "
			                 "extends past end of file");
	}
	while ((scn = elf_nextscn(s->elf, scn)) != NULL) {
		size_t i = elf_ndxscn(scn);
		if (!gelf_getshdr(scn, &sh))
			return scan_fail(s, -EINVAL, "section %zu: %s", i, elf_errmsg(-1));
		rc = check_section(s, i, &sh);
		if (rc)
			return rc;
		if (sh.sh_type == SHT_DYNSYM && s->dt.has_symtab &&
		    sh.sh_addr == s->dt.symtab) {
			GElf_Shdr link;
			if (!gelf_getshdr(elf_getscn(s->elf, sh.sh_link), &link) ||
			    link.sh_type != SHT_STRTAB)
				return scan_fail(s, -EINVAL, "section .dynsym: sh_link %u "
				                 "is not a string table", sh.sh_link);
			s->dynsym_sec = (struct span){ .off = sh.sh_offset, .size = sh.sh_size,
			                               .present = true };
		}
	}
	return 0;
}

int scan_headers(struct scan *s)
{
	int rc;

	if ((rc = check_ident(s)) || (rc = open_elf(s)))
		return rc;
	return scan_phdrs(s);
}
