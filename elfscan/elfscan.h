/* elfscan: what an ELF object imports, defines and contains, read with libelf
 * without running it.
 *
 * The monitor uses a report to find the GOT slots of dangerous functions in an
 * object the loader mapped, to resolve lazily bound functions itself, and to give
 * an object its verdict; pysbx-scan prints it.  Reports are immutable once made
 * and are cached by file identity (device, inode, size, mtime, ctime), so a file
 * that is replaced or rewritten on disk gets a fresh scan (mtime can be set
 * back with utimensat; ctime cannot).
 *
 * Hostile input: every offset, size and index read from the file is checked
 * against the file before use.  A corrupt or truncated file gives a report whose
 * `error` is set (and nothing else is trusted), never a crash.
 */
#ifndef PYSBX_ELFSCAN_H
#define PYSBX_ELFSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

/* File identity: a scan is valid for exactly this file. */
struct elfscan_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct timespec ctime;  /* set by the kernel on every change: no one sets it back */
};

enum elfscan_slot_kind {
	ELFSCAN_JUMP_SLOT, /* R_X86_64_JUMP_SLOT: PLT GOT entry, maybe lazily bound */
	ELFSCAN_GLOB_DAT,  /* R_X86_64_GLOB_DAT: address taken (&fn) or -fno-plt call */
	ELFSCAN_ABS64,     /* R_X86_64_64 against a symbol: a function pointer in data */
};

/* One relocated word that will hold the address of a named symbol. */
struct elfscan_slot {
	const char *name;    /* symbol name */
	const char *version; /* required version ("GLIBC_2.2.5"), or NULL if unversioned */
	uint64_t offset;     /* r_offset: the slot's address minus the load bias */
	int64_t addend;
	enum elfscan_slot_kind kind;
	bool weak;           /* the reference is weak (may stay 0) */
};

/* One symbol the object defines in .dynsym (st_shndx != SHN_UNDEF). */
struct elfscan_symbol {
	const char *name;
	const char *version; /* version it is defined with, or NULL */
	bool hidden;         /* a non-default version: name@VER rather than name@@VER */
	uint64_t value;      /* st_value (relative to the load bias for ET_DYN) */
	uint64_t size;
	unsigned char type;  /* STT_FUNC, STT_OBJECT, STT_GNU_IFUNC, STT_TLS, ... */
	unsigned char bind;  /* STB_GLOBAL, STB_WEAK, ... */
};

struct elfscan_segment {  /* one PT_LOAD */
	uint64_t vaddr, memsz, offset, filesz;
	uint32_t flags;           /* PF_R | PF_W | PF_X */
};

enum elfscan_syscall_insn {
	ELFSCAN_SYSCALL,   /* syscall: the native x86-64 system call */
	ELFSCAN_INT80,     /* int 0x80: an i386 system call (i386 numbers) from 64-bit code */
	ELFSCAN_SYSENTER,  /* sysenter */
};

/* A raw system call instruction found in executable code. */
struct elfscan_syscall_site {
	uint64_t vaddr;  /* address of the instruction (relative to the load bias) */
	long nr;         /* system call number when it can be determined, else -1:
	                    the value a `mov eax/rax, imm` (or `xor eax, eax`, or
	                    a copy of a register holding a constant) earlier in
	                    the same straight-line block puts in rax */
	enum elfscan_syscall_insn insn;
};

enum elfscan_flag {
	ELFSCAN_TEXTREL   = 1u << 0, /* DT_TEXTREL or DF_TEXTREL: relocations write code */
	ELFSCAN_EXECSTACK = 1u << 1, /* PT_GNU_STACK with PF_X, or no PT_GNU_STACK */
	ELFSCAN_WX        = 1u << 2, /* a PT_LOAD both writable and executable */
	ELFSCAN_IFUNC     = 1u << 3, /* defines STT_GNU_IFUNC symbols or has IRELATIVE relocs */
	ELFSCAN_BIND_NOW  = 1u << 4, /* DT_BIND_NOW / DF_BIND_NOW / DF_1_NOW */
	ELFSCAN_PYTHON    = 1u << 5, /* defines the CPython runtime (Py_BytesMain / Py_Initialize) */
	ELFSCAN_PYEXT     = 1u << 6, /* defines PyInit_* : a CPython extension module */
};

struct elfscan_report {
	struct elfscan_id id;
	char *path;            /* path it was scanned from */

	int error;             /* 0, or a negative errno; when set only path, id and
	                          error_msg are meaningful */
	char error_msg[160];   /* human-readable reason for `error` */

	uint16_t e_type;       /* ET_EXEC, ET_DYN */
	uint16_t e_machine;    /* EM_X86_64 */
	uint64_t entry;
	unsigned flags;        /* enum elfscan_flag */

	char *interp;          /* PT_INTERP, or NULL */
	char *soname, *rpath, *runpath;  /* or NULL */
	char **needed;         /* DT_NEEDED, in order */
	size_t n_needed;

	struct elfscan_segment *segs;
	size_t n_segs;
	uint64_t load_lo, load_hi;  /* lowest vaddr / highest vaddr+memsz over PT_LOAD */

	/* Defined dynamic symbols, in .dynsym order; elfscan_find() looks them up. */
	struct elfscan_symbol *syms;
	size_t n_syms;

	/* Every slot relocated against a named symbol, in relocation order. */
	struct elfscan_slot *slots;
	size_t n_slots;

	/* Constructors: DT_INIT and the resolved entries of DT_INIT_ARRAY (the
	 * array's words after R_X86_64_RELATIVE relocation, relative to the load
	 * bias); and the destructors likewise.  A word relocated against a symbol
	 * this object does not define (an imported function as a constructor) is
	 * 0 here and appears in `slots`; a word with no relocation is reported as
	 * it is in the file (the loader calls it as an absolute address). */
	uint64_t init;                 /* 0 if none */
	uint64_t *init_array;
	size_t n_init_array;
	uint64_t fini;
	uint64_t *fini_array;
	size_t n_fini_array;

	size_t n_ifunc;                /* STT_GNU_IFUNC symbols defined */
	size_t n_irelative;            /* R_X86_64_IRELATIVE relocations */

	struct elfscan_syscall_site *syscalls;
	size_t n_syscalls;
	bool syscalls_scanned;         /* the sites were looked for (ELFSCAN_SYSCALLS) */
	uint8_t sha256[32];            /* the file's content hash, when has_sha256 */
	bool has_sha256;
	bool syscalls_truncated;       /* the sweep stopped early: over 100000 sites
	                                  or over 128 MiB of code */
};

/* What to look for beyond the dynamic tables.  Without either option a scan
 * preads only the headers and the dynamic tables (a fraction of a millisecond
 * for python3.11 or libc); with either it reads the whole file. */
enum elfscan_opt {
	ELFSCAN_SYSCALLS = 1u << 0,  /* raw system call sites: disassembles the
	                                functions that may hold one (syscalls.c) */
	ELFSCAN_SHA256 = 1u << 1,    /* the file's SHA-256 */
	ELFSCAN_ALL = ELFSCAN_SYSCALLS | ELFSCAN_SHA256,
};

/* Scans the file at path (opened O_RDONLY|O_CLOEXEC), with ELFSCAN_ALL.  Returns 0 with *out set
 * (check (*out)->error for a corrupt file), or a negative errno when the file
 * cannot be opened or memory runs out.  The caller frees with elfscan_free(). */
int elfscan_path(const char *path, struct elfscan_report **out);

/* Same for an open descriptor; path is only recorded. The descriptor is not closed. */
int elfscan_fd(int fd, const char *path, struct elfscan_report **out);
/* Same with a choice of enum elfscan_opt. */
int elfscan_fd_opts(int fd, const char *path, unsigned opts, struct elfscan_report **out);

void elfscan_free(struct elfscan_report *r);

/* Finds a defined symbol.  version NULL asks for the default definition (the
 * unversioned one or name@@VER); a version name asks for exactly that version,
 * hidden or not.  Returns NULL when not defined. */
const struct elfscan_symbol *elfscan_find(const struct elfscan_report *r,
                                          const char *name, const char *version);

/* Cached scanning: returns a report shared with later callers for the same
 * file identity (do not free it; it lives until elfscan_cache_clear()).
 * Returns 0 or a negative errno like elfscan_path(). */
int elfscan_cached(const char *path, const struct elfscan_report **out);
/* Same with a choice of enum elfscan_opt. */
int elfscan_cached_opts(const char *path, unsigned opts, const struct elfscan_report **out);
int elfscan_cached_fd(int fd, const char *path, const struct elfscan_report **out);
/* A cached report that has at least what opts asks for (a report made with
 * less is replaced by a fuller scan; the old one stays valid for its holders). */
int elfscan_cached_fd_opts(int fd, const char *path, unsigned opts,
                           const struct elfscan_report **out);
void elfscan_cache_clear(void);

/* Writes the report as one JSON object (pysbx-scan --json), or as text. */
void elfscan_print_json(const struct elfscan_report *r, FILE *out);
void elfscan_print_text(const struct elfscan_report *r, FILE *out);

#endif
