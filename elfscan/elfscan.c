/* elfscan core: reading the file, the ELF and program headers, section header
 * checks, and the order in which the other parts run. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfscan/internal.h"

/* Records the first reason the file is unusable; later ones are consequences. */
int scan_fail(struct scan *s, int err, const char *fmt, ...)
{
	va_list ap;

	if (!s->r->error) {
		s->r->error = err;
		va_start(ap, fmt);
		vsnprintf(s->r->error_msg, sizeof(s->r->error_msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Copies n bytes at file offset off; 0 or -EINVAL when they are not all there. */
int scan_read(const struct scan *s, uint64_t off, void *dst, size_t n)
{
	if (off > s->size || n > s->size - off)
		return -EINVAL;
	memcpy(dst, s->img + off, n);
	return 0;
}

/* A string of the dynamic string table; NULL when off is outside it.  The copy
 * ends in a NUL (checked when it was made), so any offset inside is a string. */
const char *scan_str(const struct scan *s, uint64_t off)
{
	if (!s->box->strtab || off >= s->strsz)
		return NULL;
	return s->box->strtab + off;
}

/* Maps [vaddr, vaddr+size) to file bytes the way the loader sees memory: the
 * last PT_LOAD containing vaddr (later mappings overlay earlier ones), and all
 * of the range inside that segment's file image. */
int scan_vaddr(struct scan *s, uint64_t vaddr, uint64_t size, const char *what,
               struct span *out)
{
	const struct elfscan_segment *seg = NULL;
	uint64_t rel;

	for (size_t i = 0; i < s->r->n_segs; i++) {
		const struct elfscan_segment *g = &s->r->segs[i];
		if (vaddr >= g->vaddr && vaddr - g->vaddr < g->filesz)
			seg = g;
	}
	if (!seg)
		return scan_fail(s, -EINVAL, "%s at 0x%" PRIx64 " is not in the file "
		                 "image of any loaded segment", what, vaddr);
	rel = vaddr - seg->vaddr;
	if (size > seg->filesz - rel)
		return scan_fail(s, -EINVAL, "truncated: %s at 0x%" PRIx64 " (0x%"
		                 PRIx64 " bytes) extends past the end of its segment",
		                 what, vaddr, size);
	out->off = seg->offset + rel;
	out->size = size;
	out->avail = seg->filesz - rel;
	out->present = true;
	return 0;
}

/* Makes room for n elements in a growable array (*arrp, *cap). */
int scan_grow(void *arrp, size_t *cap, size_t n, size_t elem)
{
	void **pp = arrp;
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (n <= *cap)
		return 0;
	while (ncap < n) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	p = realloc(*pp, ncap * elem);
	if (!p)
		return -ENOMEM;
	*pp = p;
	*cap = ncap;
	return 0;
}

/* Frees everything but path and identity, so an error report holds nothing
 * that could be mistaken for a result. */
static void drop_contents(struct report_box *b)
{
	struct elfscan_report *r = &b->pub;

	free(r->interp);
	free(r->needed);
	free(r->segs);
	free(r->syms);
	free(r->slots);
	free(r->init_array);
	free(r->fini_array);
	free(r->syscalls);
	free(b->strtab);
	b->strtab = NULL;
	memset((char *)r + offsetof(struct elfscan_report, e_type), 0,
	       sizeof(*r) - offsetof(struct elfscan_report, e_type));
}

void elfscan_free(struct elfscan_report *r)
{
	struct report_box *b = (struct report_box *)r;

	if (!r)
		return;
	drop_contents(b);
	free(r->path);
	free(b);
}

static int read_all(int fd, unsigned char *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = pread(fd, buf + got, size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ESTALE;  /* shrank since fstat */
		got += (size_t)n;
	}
	return 0;
}

/* fstat gives the identity; the bytes are then read in full. */
static int load_file(struct scan *s, int fd)
{
	struct elfscan_report *r = s->r;
	struct stat st;
	int rc;

	if (fstat(fd, &st) < 0)
		return -errno;
	r->id.dev = st.st_dev;
	r->id.ino = st.st_ino;
	r->id.size = st.st_size;
	r->id.mtime = st.st_mtim;
	if (!S_ISREG(st.st_mode))
		return scan_fail(s, -ENOEXEC, "not a regular file");
	if (st.st_size == 0)
		return scan_fail(s, -ENOEXEC, "empty file");
	if ((uint64_t)st.st_size > SCAN_MAX_FILE)
		return scan_fail(s, -EFBIG, "file too large (%lld bytes)",
		                 (long long)st.st_size);
	s->size = (size_t)st.st_size;
	s->img = malloc(s->size);
	if (!s->img)
		return -ENOMEM;
	rc = read_all(fd, s->img, s->size);
	if (rc == -ESTALE)
		return scan_fail(s, rc, "file shrank while it was read");
	return rc;
}

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
	const unsigned char *e = s->img;
	Elf64_Ehdr eh;
	size_t shnum, phnum;
	int rc;

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

	s->elf = elf_memory((char *)s->img, s->size);
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
	if (ph->p_offset > s->size || ph->p_filesz > s->size - ph->p_offset ||
	    ph->p_filesz == 0)
		return scan_fail(s, -EINVAL, "truncated: PT_INTERP extends past end "
		                 "of file");
	if (memchr(s->img + ph->p_offset, 0, ph->p_filesz) == NULL)
		return scan_fail(s, -EINVAL, "PT_INTERP is not NUL-terminated");
	free(s->r->interp);
	s->r->interp = strdup((const char *)s->img + ph->p_offset);
	return s->r->interp ? 0 : -ENOMEM;
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
static int scan_sections(struct scan *s)
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

static void set_flags(struct scan *s)
{
	struct elfscan_report *r = s->r;

	if (s->dt.has_textrel || (s->dt.flags & DF_TEXTREL))
		r->flags |= ELFSCAN_TEXTREL;
	if (s->dt.has_bind_now || (s->dt.flags & DF_BIND_NOW) ||
	    (s->dt.flags_1 & DF_1_NOW))
		r->flags |= ELFSCAN_BIND_NOW;
	if (r->n_ifunc || r->n_irelative)
		r->flags |= ELFSCAN_IFUNC;
	for (size_t i = 0; i < r->n_syms; i++) {
		const char *n = r->syms[i].name;
		if (!strcmp(n, "Py_BytesMain") || !strcmp(n, "Py_Initialize"))
			r->flags |= ELFSCAN_PYTHON;
		if (!strncmp(n, "PyInit_", 7) && n[7])
			r->flags |= ELFSCAN_PYEXT;
	}
}

/*   ident -> headers -> segments -> dynamic -> sections -> versions -> symbols
 *   -> relocations (GOT slots, init/fini words) -> flags -> code
 * Sections come after the dynamic section because .dynsym is recognised by
 * its address matching DT_SYMTAB. */
static int scan_image(struct scan *s)
{
	int rc;

	if ((rc = check_ident(s)) || (rc = open_elf(s)) || (rc = scan_phdrs(s)))
		return rc;
	if (s->dynamic.present && (rc = scan_dynamic(s)))
		return rc;
	if ((rc = scan_sections(s)))
		return rc;
	if (s->dt.present) {
		if ((rc = scan_symbols(s)) ||
		    (rc = scan_init_fini(s)) || (rc = scan_relocs(s)))
			return rc;
	}
	set_flags(s);
	return scan_syscalls(s);
}

static void scan_cleanup(struct scan *s)
{
	if (s->elf)
		elf_end(s->elf);
	free(s->img);
	free(s->vername);
}

int elfscan_fd(int fd, const char *path, struct elfscan_report **out)
{
	struct scan s = { 0 };
	struct report_box *b;
	int rc;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	s.box = b;
	s.r = &b->pub;
	s.r->path = strdup(path ? path : "(fd)");
	if (!s.r->path) {
		rc = -ENOMEM;
		goto out;
	}
	rc = load_file(&s, fd);
	if (rc == 0)
		rc = scan_image(&s);
	/* A file's fault is a verdict in the report; ours is the return value. */
	if (rc && s.r->error == 0)
		goto out;
	if (s.r->error)
		drop_contents(b);
	rc = 0;
	*out = s.r;
	b = NULL;
out:
	scan_cleanup(&s);
	if (b)
		elfscan_free(&b->pub);
	return rc;
}

int elfscan_path(const char *path, struct elfscan_report **out)
{
	int fd, rc;

	*out = NULL;
	/* O_NONBLOCK: a FIFO must not hang the scan; it is rejected as not regular. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	rc = elfscan_fd(fd, path, out);
	close(fd);
	return rc;
}
