/* elfscan internals shared by the scanner's files; not part of the interface.
 *
 * A scan never mmaps the file (a job could truncate a mapped file under us and
 * turn every read into SIGBUS).  When it needs all the bytes (system call
 * sites, SHA-256) it reads the whole file into memory once; otherwise it
 * preads only the headers and the dynamic tables it uses (python3.11: 157 KB
 * of 6.8 MB, in 17 reads), each range checked against the file size first.
 * Both go through scan_read() and scan_load(), so the parse is the same code
 * and gives the same report either way; libelf reads the header tables
 * through the descriptor (ELF_C_READ) in both.
 *
 * The dynamic tables are found the way the loader finds them, through
 * PT_DYNAMIC and virtual addresses mapped back to file offsets by the PT_LOAD
 * segments, so section headers that lie about .rela.plt cannot hide a GOT
 * slot.  Section headers are used only where the loader's view has nothing
 * (the number of .dynsym entries, which code to disassemble).
 */
#ifndef PYSBX_ELFSCAN_INTERNAL_H
#define PYSBX_ELFSCAN_INTERNAL_H

#include <inttypes.h>

#include <gelf.h>
#include <libelf.h>

#include "elfscan/elfscan.h"

/* Largest file we read into memory (libLLVM is ~120 MiB). */
#define SCAN_MAX_FILE  (1ull << 30)
/* Stop collecting raw system call sites after this many, or after sweeping
 * this much code (libLLVM has 53 MiB; a hostile file could have 1 GiB). */
#define SCAN_MAX_SYSCALLS  100000
#define SCAN_MAX_CODE      (128ull << 20)
/* Highest symbol version index (versym is 15 bits plus the hidden bit). */
#define SCAN_MAX_VERSION  0x7fff

/* A report plus what it owns behind the public pointers: every name and
 * version in it points into `strtab`, a private copy of DT_STRTAB. */
struct report_box {
	struct elfscan_report pub;
	char *strtab;
	/* Hash index of pub.syms by name (syms.c): chain heads and links, each
	 * a symbol's index + 1 (0 ends a chain). */
	uint32_t *sym_head, *sym_next;
	uint32_t sym_mask;   /* number of heads - 1 */
};

/* Small reads (headers, version entries, hash buckets) of a scan that does not
 * hold the whole file go through a window of this many bytes. */
#define SCAN_WINDOW  8192

/* A range of the file (offset, size) that has been checked to lie inside it. */
struct span {
	uint64_t off, size;
	uint64_t avail;  /* bytes from off to the end of the segment's file image */
	bool present;
	const unsigned char *p;  /* its bytes, once scan_load() has run */
};

/* The DT_* values the scan uses (d_ptr values are unrelocated vaddrs). */
struct dyninfo {
	bool present;
	uint64_t strtab, strsz, symtab, syment;
	uint64_t rela, relasz, relaent, jmprel, pltrelsz, pltrel;
	uint64_t relr, relrsz;
	uint64_t hash, gnu_hash;
	uint64_t versym, verdef, verdefnum, verneed, verneednum;
	uint64_t init, fini, init_array, init_arraysz, fini_array, fini_arraysz;
	uint64_t flags, flags_1;
	bool has_strtab, has_symtab, has_rela, has_jmprel, has_relr;
	bool has_hash, has_gnu_hash, has_versym, has_verdef, has_verneed;
	bool has_init_array, has_fini_array, has_textrel, has_bind_now;
	bool has_pltrel;
	size_t n_needed;  /* counted in the first pass, filled in the second */
};

struct scan {
	struct elfscan_report *r;
	struct report_box *box;
	int fd;
	size_t size;          /* from fstat: every range is checked against it */
	unsigned char *img;   /* the whole file, or NULL: read in ranges */
	/* A failure that is ours, not the file's (I/O, memory): the scan returns
	 * it instead of a verdict. */
	int sys_error;
	/* Without img: the window for small reads and the ranges loaded so far. */
	unsigned char *win;
	uint64_t win_off;
	size_t win_len;
	unsigned char **bufs;
	size_t n_bufs, cap_bufs;
	Elf *elf;             /* reads the header tables through fd */
	size_t shnum, shstrndx, phnum;

	struct span dynamic;  /* PT_DYNAMIC, through its vaddr */
	struct dyninfo dt;
	size_t strsz;         /* box->strtab holds strsz bytes + a NUL */

	struct span dynsym_sec;  /* SHT_DYNSYM matching DT_SYMTAB, when there is one */
	size_t nsyms;            /* entries of the dynamic symbol table */
	struct span symtab, versym;

	/* Version index -> name, from .gnu.version_d and .gnu.version_r. */
	const char **vername;
	size_t n_vername;
};

/* sha256.c */
void sha256(const void *data, size_t len, uint8_t out[32]);

/* elfscan.c */
/* open(2) for scanning: read-only, close-on-exec, never blocks; -errno. */
int elfscan_open(const char *path);
int scan_fail(struct scan *s, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *scan_str(const struct scan *s, uint64_t off);
int scan_vaddr(struct scan *s, uint64_t vaddr, uint64_t size, const char *what,
               struct span *out);
int scan_read(struct scan *s, uint64_t off, void *dst, size_t n);
int scan_load(struct scan *s, struct span *sp);
int scan_grow(void *arrp, size_t *cap, size_t n, size_t elem);

/* headers.c */
int scan_headers(struct scan *s);
int scan_sections(struct scan *s);

/* dynamic.c */
int scan_dynamic(struct scan *s);
int scan_init_fini(struct scan *s);

/* syms.c */
int scan_symbols(struct scan *s);
int scan_sym(struct scan *s, uint64_t idx, Elf64_Sym *out);
int scan_symver(struct scan *s, uint64_t idx, const char **ver, bool *hidden);
int index_symbols(struct report_box *b, const struct elfscan_report *r);
bool scan_defines(const struct elfscan_report *r, const char *name);

/* ehframe.c */
int scan_func_starts(struct scan *s, uint64_t **starts, size_t *n);

/* relocs.c */
int scan_relocs(struct scan *s);

/* syscalls.c */
int scan_syscalls(struct scan *s);

/* print.c */
#define ELFSCAN_N_FLAGS 7
extern const char *const print_flag_names[ELFSCAN_N_FLAGS];
bool print_is_dangerous(const char *name);
size_t print_utf8_len(const unsigned char *p);
const char *print_kind_name(enum elfscan_slot_kind k);
const char *print_insn_name(enum elfscan_syscall_insn k);
const char *print_type_name(uint16_t t);
void print_seg_flags(uint32_t f, char out[4]);

#endif
