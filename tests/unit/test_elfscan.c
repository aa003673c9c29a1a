/* elfscan unit tests over the fixtures in $FIXTURES (tests/fixtures/) and the
 * system libc. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <elf.h>

#include "elfscan/elfscan.h"

#define LIBC "/lib/x86_64-linux-gnu/libc.so.6"

static const char *fixtures(void)
{
	const char *d = getenv("FIXTURES");
	return d ? d : "build/fixtures";
}

static struct elfscan_report *scan(const char *name)
{
	char path[PATH_MAX];
	struct elfscan_report *r = NULL;

	snprintf(path, sizeof(path), "%s/%s", fixtures(), name);
	assert_int_equal(elfscan_path(path, &r), 0);
	assert_non_null(r);
	if (r->error)
		fail_msg("%s: %s", path, r->error_msg);
	return r;
}

/* Number of slots with this name, version (NULL: unversioned) and kind. */
static size_t count_slots(const struct elfscan_report *r, const char *name,
                          const char *version, enum elfscan_slot_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_slots; i++) {
		const struct elfscan_slot *s = &r->slots[i];
		if (strcmp(s->name, name) || s->kind != kind)
			continue;
		if (version ? (s->version && !strcmp(s->version, version)) : !s->version)
			n++;
	}
	return n;
}

static size_t count_named(const struct elfscan_report *r, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_slots; i++)
		n += !strcmp(r->slots[i].name, name);
	return n;
}

static uint64_t sym_value(const struct elfscan_report *r, const char *name)
{
	const struct elfscan_symbol *s = elfscan_find(r, name, NULL);

	if (!s)
		fail_msg("%s not defined", name);
	return s->value;
}

static bool in_object(const struct elfscan_report *r, uint64_t v)
{
	return v >= r->load_lo && v < r->load_hi;
}

static void test_imports_jump_slots(void **state)
{
	struct elfscan_report *r = scan("imports.so");

	(void)state;
	assert_int_equal(r->e_type, ET_DYN);
	assert_int_equal(r->e_machine, EM_X86_64);
	assert_int_equal(count_slots(r, "system", "GLIBC_2.2.5", ELFSCAN_JUMP_SLOT), 1);
	assert_int_equal(count_slots(r, "execve", "GLIBC_2.2.5", ELFSCAN_JUMP_SLOT), 1);
	assert_int_equal(count_slots(r, "popen", "GLIBC_2.2.5", ELFSCAN_JUMP_SLOT), 1);
	assert_int_equal(count_named(r, "system"), 1);
	assert_string_equal(r->soname, "imports.so");
	assert_int_equal(r->n_needed, 1);
	assert_string_equal(r->needed[0], "libc.so.6");
	assert_null(r->rpath);
	assert_null(r->interp);
	/* Built lazy, non-executable stack, no text relocations. */
	assert_int_equal(r->flags, 0);
	assert_int_equal(r->n_syscalls, 0);
	assert_non_null(elfscan_find(r, "fixture_run", NULL));
	assert_null(elfscan_find(r, "system", NULL));  /* imported, not defined */
	for (size_t i = 0; i < r->n_slots; i++)
		assert_true(in_object(r, r->slots[i].offset));
	elfscan_free(r);
}

static void test_globdat(void **state)
{
	struct elfscan_report *r = scan("globdat.so");

	(void)state;
	assert_int_equal(count_slots(r, "system", "GLIBC_2.2.5", ELFSCAN_GLOB_DAT), 1);
	assert_int_equal(count_slots(r, "execve", "GLIBC_2.2.5", ELFSCAN_GLOB_DAT), 1);
	assert_int_equal(count_named(r, "system") + count_named(r, "execve"), 2);
	elfscan_free(r);
}

static void test_fptable_abs64(void **state)
{
	struct elfscan_report *r = scan("fptable.so");
	const struct elfscan_symbol *t;

	(void)state;
	assert_int_equal(count_slots(r, "system", "GLIBC_2.2.5", ELFSCAN_ABS64), 1);
	/* The slot is the table's word. */
	t = elfscan_find(r, "fixture_table", NULL);
	assert_non_null(t);
	for (size_t i = 0; i < r->n_slots; i++)
		if (!strcmp(r->slots[i].name, "system"))
			assert_int_equal(r->slots[i].offset, t->value);
	elfscan_free(r);
}

static void test_ctors(void **state)
{
	struct elfscan_report *r = scan("ctors.so");
	bool ctor = false, dtor = false;

	(void)state;
	/* -Wl,-init / -Wl,-fini replace _init/_fini in DT_INIT/DT_FINI. */
	assert_int_equal(r->init, sym_value(r, "fixture_init"));
	assert_int_equal(r->fini, sym_value(r, "fixture_fini"));
	assert_int_equal(r->n_init_array, 2);  /* frame_dummy, fixture_ctor */
	assert_int_equal(r->n_fini_array, 2);
	for (size_t i = 0; i < r->n_init_array; i++) {
		assert_true(r->init_array[i] != 0);
		assert_true(in_object(r, r->init_array[i]));
		ctor |= r->init_array[i] == sym_value(r, "fixture_ctor");
	}
	for (size_t i = 0; i < r->n_fini_array; i++) {
		assert_true(in_object(r, r->fini_array[i]));
		dtor |= r->fini_array[i] == sym_value(r, "fixture_dtor");
	}
	assert_true(ctor);
	assert_true(dtor);
	elfscan_free(r);
}

/* Plain objects: the init array word comes from a RELATIVE addend (the file
 * holds 0 there), and it is frame_dummy, inside the object's code. */
static void test_init_array_relative(void **state)
{
	struct elfscan_report *r = scan("imports.so");

	(void)state;
	assert_int_equal(r->n_init_array, 1);
	assert_true(r->init_array[0] != 0);
	assert_true(in_object(r, r->init_array[0]));
	assert_true(r->init != 0 && in_object(r, r->init));
	elfscan_free(r);
}

/* The words in the file are 0: the values come from the RELATIVE addends. */
static void test_init_array_zero_words(void **state)
{
	struct elfscan_report *a = scan("imports.so"), *z = scan("zeroarrays.so");

	(void)state;
	assert_int_equal(z->n_init_array, 1);
	assert_int_equal(z->init_array[0], a->init_array[0]);
	assert_int_equal(z->fini_array[0], a->fini_array[0]);
	assert_true(z->init_array[0] != 0);
	elfscan_free(a);
	elfscan_free(z);
}

/* No relocation at all: the word in the file is what the loader calls. */
static void test_init_array_unrelocated(void **state)
{
	struct elfscan_report *a = scan("imports.so"), *n = scan("norelinit.so");

	(void)state;
	assert_int_equal(n->n_init_array, 1);
	assert_int_equal(n->init_array[0], a->init_array[0]);
	elfscan_free(a);
	elfscan_free(n);
}

static void test_ifunc(void **state)
{
	struct elfscan_report *r = scan("ifunc.so");
	const struct elfscan_symbol *s;

	(void)state;
	assert_true(r->flags & ELFSCAN_IFUNC);
	assert_int_equal(r->n_ifunc, 1);
	assert_int_equal(r->n_irelative, 2);  /* the call's PLT slot, the pointer */
	s = elfscan_find(r, "fixture_ifunc", NULL);
	assert_non_null(s);
	assert_int_equal(s->type, STT_GNU_IFUNC);
	elfscan_free(r);
}

static void test_textrel(void **state)
{
	struct elfscan_report *r = scan("textrel.so");
	const struct elfscan_symbol *f;

	(void)state;
	assert_true(r->flags & ELFSCAN_TEXTREL);
	assert_int_equal(count_slots(r, "fixture_var", NULL, ELFSCAN_ABS64), 1);
	/* The relocated word is the movabs immediate, inside the function. */
	f = elfscan_find(r, "fixture_abs", NULL);
	assert_non_null(f);
	for (size_t i = 0; i < r->n_slots; i++)
		if (!strcmp(r->slots[i].name, "fixture_var"))
			assert_int_equal(r->slots[i].offset, f->value + 2);
	elfscan_free(r);
}

static void test_stack_and_segments(void **state)
{
	struct elfscan_report *x = scan("execstack.so");
	struct elfscan_report *w = scan("wx.so");
	struct elfscan_report *p = scan("imports.so");

	(void)state;
	assert_int_equal(x->flags & (ELFSCAN_EXECSTACK | ELFSCAN_WX), ELFSCAN_EXECSTACK);
	assert_int_equal(w->flags & (ELFSCAN_EXECSTACK | ELFSCAN_WX), ELFSCAN_WX);
	assert_int_equal(p->flags & (ELFSCAN_EXECSTACK | ELFSCAN_WX), 0);
	assert_true(p->n_segs >= 4);
	assert_int_equal(p->load_lo, 0);
	for (size_t i = 0; i < p->n_segs; i++)
		assert_true(p->segs[i].vaddr + p->segs[i].memsz <= p->load_hi);
	elfscan_free(x);
	elfscan_free(w);
	elfscan_free(p);
}

static void test_bind_now(void **state)
{
	struct elfscan_report *r = scan("bindnow.so");

	(void)state;
	assert_true(r->flags & ELFSCAN_BIND_NOW);
	assert_int_equal(count_slots(r, "system", "GLIBC_2.2.5", ELFSCAN_JUMP_SLOT), 1);
	elfscan_free(r);
}

/* The site at vaddr, or NULL. */
static const struct elfscan_syscall_site *site_at(const struct elfscan_report *r,
                                                 uint64_t vaddr)
{
	for (size_t i = 0; i < r->n_syscalls; i++)
		if (r->syscalls[i].vaddr == vaddr)
			return &r->syscalls[i];
	return NULL;
}

static void check_site(const struct elfscan_report *r, uint64_t vaddr, int insn, long nr)
{
	const struct elfscan_syscall_site *s = site_at(r, vaddr);

	assert_non_null(s);
	assert_int_equal(s->insn, insn);
	assert_int_equal(s->nr, nr);
}

/* Three hand-written sites without unwind information and one in a compiled
 * function; the bytes 0f 05 in data and inside an immediate are not sites. */
static void check_rawsys(const struct elfscan_report *r)
{
	uint64_t getpid = sym_value(r, "fixture_getpid");

	assert_int_equal(r->n_syscalls, 4);
	assert_false(r->syscalls_truncated);
	check_site(r, sym_value(r, "fixture_execve") + 5, ELFSCAN_SYSCALL, 59);
	check_site(r, sym_value(r, "fixture_anysys") + 2, ELFSCAN_SYSCALL, -1);
	check_site(r, sym_value(r, "fixture_int80") + 5, ELFSCAN_INT80, 11);
	for (size_t i = 0; i < r->n_syscalls; i++)
		if (r->syscalls[i].vaddr > getpid && r->syscalls[i].vaddr < getpid + 32)
			check_site(r, r->syscalls[i].vaddr, ELFSCAN_SYSCALL, 39);
	assert_true(r->syscalls[0].vaddr < r->syscalls[1].vaddr);
}

static void test_raw_syscalls(void **state)
{
	struct elfscan_report *r = scan("rawsys.so");

	(void)state;
	check_rawsys(r);
	elfscan_free(r);
}

/* The sweep decodes only the functions that may hold a system call, cut at
 * the starts of .eh_frame_hdr: the same sites when that table is unsorted,
 * when every start lies inside an instruction, and when it cannot be read. */
static void test_syscalls_function_starts(void **state)
{
	static const char *const edits[] = {
		"rawsys-ehhdr-reverse.so", "rawsys-ehhdr-shift.so", "rawsys-ehhdr-enc.so",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		struct elfscan_report *r = scan(edits[i]);
		check_rawsys(r);
		elfscan_free(r);
	}
}

/* glibc's signal return trampoline has its unwind entry one byte early,
 * inside the padding before `mov $15, %rax; syscall`: the number is still
 * found (rt_sigreturn, 15). */
static void test_syscall_number_before_function_start(void **state)
{
	struct elfscan_report *r = NULL;
	size_t n15 = 0;

	(void)state;
	assert_int_equal(elfscan_path(LIBC, &r), 0);
	assert_int_equal(r->error, 0);
	for (size_t i = 0; i < r->n_syscalls; i++)
		n15 += r->syscalls[i].nr == 15;
	assert_true(n15 >= 1);
	elfscan_free(r);
}

/* The sweep stops collecting at 100000 sites and says so. */
static void test_syscalls_truncated(void **state)
{
	struct elfscan_report *r = scan("manysys.so");

	(void)state;
	assert_int_equal(r->n_syscalls, 100000);
	assert_true(r->syscalls_truncated);
	assert_int_equal(r->syscalls[0].vaddr, sym_value(r, "fixture_many"));
	assert_int_equal(r->syscalls[99999].vaddr, r->syscalls[0].vaddr + 2 * 99999);
	assert_int_equal(r->syscalls[1].nr, -1);
	elfscan_free(r);
}

/* Without section headers the scan works from PT_DYNAMIC and the executable
 * segments, and finds the same things. */
static void test_no_section_headers(void **state)
{
	struct elfscan_report *a = scan("imports.so"), *b = scan("noshdr.so");
	struct elfscan_report *s = scan("rawsys-noshdr.so");

	(void)state;
	assert_int_equal(a->n_slots, b->n_slots);
	for (size_t i = 0; i < a->n_slots; i++) {
		assert_string_equal(a->slots[i].name, b->slots[i].name);
		assert_int_equal(a->slots[i].kind, b->slots[i].kind);
		assert_int_equal(a->slots[i].offset, b->slots[i].offset);
		assert_true(!a->slots[i].version == !b->slots[i].version);
	}
	assert_int_equal(a->n_syms, b->n_syms);
	assert_int_equal(a->init_array[0], b->init_array[0]);
	assert_string_equal(b->needed[0], "libc.so.6");
	check_rawsys(s);
	elfscan_free(a);
	elfscan_free(b);
	elfscan_free(s);
}

static void test_versioned_refs(void **state)
{
	struct elfscan_report *r = scan("versioned.so");

	(void)state;
	assert_int_equal(count_slots(r, "posix_spawn", "GLIBC_2.15", ELFSCAN_JUMP_SLOT), 1);
	assert_int_equal(count_slots(r, "posix_spawn", "GLIBC_2.2.5", ELFSCAN_JUMP_SLOT), 1);
	assert_int_equal(count_named(r, "posix_spawn"), 2);
	elfscan_free(r);
}

static void test_python_flags(void **state)
{
	struct elfscan_report *e = scan("pyext.so"), *p = scan("pyrt.so");

	(void)state;
	assert_int_equal(e->flags & (ELFSCAN_PYEXT | ELFSCAN_PYTHON), ELFSCAN_PYEXT);
	assert_int_equal(p->flags & (ELFSCAN_PYEXT | ELFSCAN_PYTHON), ELFSCAN_PYTHON);
	elfscan_free(e);
	elfscan_free(p);
}

static void test_libc_versions(void **state)
{
	struct elfscan_report *r = NULL;
	const struct elfscan_symbol *def, *old, *v215;

	(void)state;
	assert_int_equal(elfscan_path(LIBC, &r), 0);
	assert_int_equal(r->error, 0);
	def = elfscan_find(r, "posix_spawn", NULL);
	old = elfscan_find(r, "posix_spawn", "GLIBC_2.2.5");
	v215 = elfscan_find(r, "posix_spawn", "GLIBC_2.15");
	assert_non_null(def);
	assert_non_null(old);
	assert_string_equal(def->version, "GLIBC_2.15");
	assert_false(def->hidden);
	assert_ptr_equal(def, v215);
	assert_string_equal(old->version, "GLIBC_2.2.5");
	assert_true(old->hidden);
	assert_true(def->value != old->value);
	assert_int_equal(def->type, STT_FUNC);
	assert_null(elfscan_find(r, "posix_spawn", "GLIBC_9.99"));
	assert_null(elfscan_find(r, "no_such_function_here", NULL));
	assert_non_null(elfscan_find(r, "system", NULL));
	assert_string_equal(r->soname, "libc.so.6");
	assert_true(r->flags & ELFSCAN_IFUNC);
	assert_true(r->n_syscalls > 100);
	elfscan_free(r);
}

/* Every bad-* fixture is refused with a reason, and nothing else is left. */
static void test_corrupt_files(void **state)
{
	DIR *d = opendir(fixtures());
	struct dirent *e;
	size_t n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX];
		struct elfscan_report *r = NULL;
		if (strncmp(e->d_name, "bad-", 4))
			continue;
		snprintf(path, sizeof(path), "%s/%s", fixtures(), e->d_name);
		assert_int_equal(elfscan_path(path, &r), 0);
		if (r->error >= 0)
			fail_msg("%s: no error verdict", path);
		assert_true(r->error_msg[0] != 0);
		assert_int_equal(r->n_slots, 0);
		assert_null(r->slots);
		assert_int_equal(r->n_syms, 0);
		assert_null(r->needed);
		assert_string_equal(r->path, path);
		elfscan_free(r);
		n++;
	}
	closedir(d);
	assert_true(n >= 28);
}

static void expect_error(const char *name, int err, const char *msg_part)
{
	char path[PATH_MAX];
	struct elfscan_report *r = NULL;

	snprintf(path, sizeof(path), "%s/%s", fixtures(), name);
	assert_int_equal(elfscan_path(path, &r), 0);
	assert_int_equal(r->error, err);
	if (!strstr(r->error_msg, msg_part))
		fail_msg("%s: \"%s\" lacks \"%s\"", name, r->error_msg, msg_part);
	elfscan_free(r);
}

static void test_corrupt_reasons(void **state)
{
	(void)state;
	expect_error("bad-empty.bin", -ENOEXEC, "empty file");
	expect_error("bad-text.txt", -ENOEXEC, "not an ELF file");
	expect_error("bad-elf32.bin", -ENOEXEC, "64-bit");
	expect_error("bad-magic.bin", -EINVAL, "truncated: ELF header");
	expect_error("bad-trunc-end1.so", -EINVAL, "truncated: section headers");
	expect_error("bad-shnum.so", -EINVAL, "truncated: section headers");
	expect_error("bad-shoff.so", -EINVAL, "truncated: section headers");
	expect_error("bad-phnum.so", -EINVAL, "truncated: program headers");
	expect_error("bad-shlink.so", -EINVAL, "sh_link");
	expect_error("bad-shname.so", -EINVAL, "name offset");
	expect_error("bad-strsz.so", -EINVAL, "DT_STRTAB");
	expect_error("bad-symidx.so", -EINVAL, "symbol index 16777215 out of range");
	expect_error("bad-versym.so", -EINVAL, "version index");
	expect_error("bad-dynvaddr.so", -EINVAL, "PT_DYNAMIC");
	expect_error("bad-initarraysz.so", -EINVAL, "DT_INIT_ARRAY");
	expect_error("bad-init.so", -EINVAL, "DT_INIT");
	expect_error("bad-relasz.so", -EINVAL, "DT_RELA");
	expect_error("bad-vnaux.so", -EINVAL, "DT_VERNEED");
	expect_error("bad-vnnext.so", -EINVAL, "DT_VERNEED");
	expect_error("bad-gnuhash.so", -EINVAL, "DT_GNU_HASH");
}

static void test_open_errors(void **state)
{
	struct elfscan_report *r = (void *)1;
	const struct elfscan_report *c = (void *)1;

	(void)state;
	assert_int_equal(elfscan_path("/nonexistent/x.so", &r), -ENOENT);
	assert_null(r);
	assert_int_equal(elfscan_cached("/nonexistent/x.so", &c), -ENOENT);
	assert_null(c);
	/* A directory opens but is not a regular file: a verdict, not a crash. */
	assert_int_equal(elfscan_path("/", &r), 0);
	assert_int_equal(r->error, -ENOEXEC);
	elfscan_free(r);
	elfscan_free(NULL);
}

static int copy_file(const char *from, const char *to)
{
	char buf[8192];
	ssize_t n;
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int rc = (in < 0 || out < 0) ? -1 : 0;

	while (rc == 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			rc = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

static void tmp_copy(char *path, size_t size, const char *name, const char *fixture)
{
	char from[PATH_MAX];
	const char *tmp = getenv("TMPDIR");

	snprintf(path, size, "%s/%s.%d", tmp ? tmp : "/tmp", name, (int)getpid());
	snprintf(from, sizeof(from), "%s/%s", fixtures(), fixture);
	assert_int_equal(copy_file(from, path), 0);
}

static void test_cache(void **state)
{
	char path[PATH_MAX];
	const struct elfscan_report *a, *b, *c, *d;
	struct timespec ts[2] = { { 1000000, 0 }, { 1000000, 0 } };
	int fd;

	(void)state;
	tmp_copy(path, sizeof(path), "elfscan-cache", "imports.so");
	assert_int_equal(elfscan_cached(path, &a), 0);
	assert_int_equal(elfscan_cached(path, &b), 0);
	assert_ptr_equal(a, b);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(elfscan_cached_fd(fd, "other name", &c), 0);
	assert_ptr_equal(a, c);
	close(fd);
	/* A new mtime is a new identity: a new scan, and the old one stays valid. */
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	assert_int_equal(elfscan_cached(path, &d), 0);
	assert_ptr_not_equal(a, d);
	assert_int_equal(d->id.mtime.tv_sec, 1000000);
	assert_int_equal(a->n_slots, d->n_slots);
	assert_string_equal(a->path, path);
	assert_int_equal(elfscan_cached(path, &b), 0);
	assert_ptr_equal(b, d);
	unlink(path);
	elfscan_cache_clear();
}

/* A file rewritten in place with its size and mtime put back (utimensat) is
 * still a new identity: its ctime moved, so the old report is not reused. */
static void test_cache_rewrite_in_place(void **state)
{
	char path[PATH_MAX];
	const struct elfscan_report *a, *b;
	struct stat st;
	char *buf, *hit;
	int fd;

	(void)state;
	tmp_copy(path, sizeof(path), "elfscan-rewrite", "imports.so");
	assert_int_equal(elfscan_cached(path, &a), 0);
	assert_int_equal(count_named(a, "system"), 1);
	assert_int_equal(stat(path, &st), 0);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	/* the import's name in .dynstr: "system" becomes "systen", same size */
	hit = memmem(buf, (size_t)st.st_size, "\0system\0", 8);
	assert_non_null(hit);
	assert_int_equal(pwrite(fd, "n", 1, hit + 6 - buf), 1);
	close(fd);
	free(buf);
	struct timespec back[2] = { st.st_atim, st.st_mtim };
	/* ctime moves in steps of the kernel's clock tick: be past one */
	nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
	assert_int_equal(utimensat(AT_FDCWD, path, back, 0), 0);
	assert_int_equal(elfscan_cached(path, &b), 0);
	assert_ptr_not_equal(a, b);
	assert_int_equal(b->id.size, a->id.size);
	assert_int_equal(b->id.mtime.tv_nsec, a->id.mtime.tv_nsec);
	assert_int_equal(count_named(b, "system"), 0);
	assert_int_equal(count_named(b, "systen"), 1);
	unlink(path);
	elfscan_cache_clear();
}

/* Many files through the cache: the table grows and finds them all again. */
static void test_cache_many(void **state)
{
	const char *names[] = { "imports.so", "globdat.so", "fptable.so", "ctors.so",
	                        "ifunc.so", "textrel.so", "rawsys.so", "pyext.so",
	                        "bad-text.txt", "bad-trunc-half.so" };
	const struct elfscan_report *first[10], *again;
	char path[PATH_MAX];

	(void)state;
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < 10; i++) {
			snprintf(path, sizeof(path), "%s/%s", fixtures(), names[i]);
			assert_int_equal(elfscan_cached(path, &again), 0);
			if (round == 0)
				first[i] = again;
			assert_ptr_equal(first[i], again);
		}
	}
	assert_true(first[8]->error < 0);
	elfscan_cache_clear();
}

static void assert_same_str(const char *what, const char *a, const char *b)
{
	if (!a != !b || (a && strcmp(a, b)))
		fail_msg("%s: \"%s\" != \"%s\"", what, a ? a : "(null)", b ? b : "(null)");
}

/* Every field a scan without ELFSCAN_SYSCALLS and ELFSCAN_SHA256 fills is the
 * same as in the scan that read the whole file. */
static void assert_same_report(const struct elfscan_report *a,
                               const struct elfscan_report *b)
{
	assert_int_equal(a->error, b->error);
	assert_string_equal(a->error_msg, b->error_msg);
	assert_string_equal(a->path, b->path);
	assert_true(a->id.dev == b->id.dev && a->id.ino == b->id.ino &&
	            a->id.size == b->id.size &&
	            a->id.mtime.tv_sec == b->id.mtime.tv_sec &&
	            a->id.mtime.tv_nsec == b->id.mtime.tv_nsec);
	if (a->error)
		return;
	assert_int_equal(a->e_type, b->e_type);
	assert_int_equal(a->e_machine, b->e_machine);
	assert_int_equal(a->entry, b->entry);
	assert_int_equal(a->flags, b->flags);
	assert_same_str("interp", a->interp, b->interp);
	assert_same_str("soname", a->soname, b->soname);
	assert_same_str("rpath", a->rpath, b->rpath);
	assert_same_str("runpath", a->runpath, b->runpath);
	assert_int_equal(a->n_needed, b->n_needed);
	for (size_t i = 0; i < a->n_needed; i++)
		assert_string_equal(a->needed[i], b->needed[i]);
	assert_int_equal(a->n_segs, b->n_segs);
	for (size_t i = 0; i < a->n_segs; i++) {
		assert_int_equal(a->segs[i].vaddr, b->segs[i].vaddr);
		assert_int_equal(a->segs[i].memsz, b->segs[i].memsz);
		assert_int_equal(a->segs[i].offset, b->segs[i].offset);
		assert_int_equal(a->segs[i].filesz, b->segs[i].filesz);
		assert_int_equal(a->segs[i].flags, b->segs[i].flags);
	}
	assert_int_equal(a->load_lo, b->load_lo);
	assert_int_equal(a->load_hi, b->load_hi);
	assert_int_equal(a->n_syms, b->n_syms);
	for (size_t i = 0; i < a->n_syms; i++) {
		const struct elfscan_symbol *x = &a->syms[i], *y = &b->syms[i];
		assert_string_equal(x->name, y->name);
		assert_same_str(x->name, x->version, y->version);
		assert_int_equal(x->hidden, y->hidden);
		assert_int_equal(x->value, y->value);
		assert_int_equal(x->size, y->size);
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->bind, y->bind);
	}
	assert_int_equal(a->n_slots, b->n_slots);
	for (size_t i = 0; i < a->n_slots; i++) {
		const struct elfscan_slot *x = &a->slots[i], *y = &b->slots[i];
		assert_string_equal(x->name, y->name);
		assert_same_str(x->name, x->version, y->version);
		assert_int_equal(x->offset, y->offset);
		assert_int_equal(x->addend, y->addend);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->weak, y->weak);
	}
	assert_int_equal(a->init, b->init);
	assert_int_equal(a->fini, b->fini);
	assert_int_equal(a->n_init_array, b->n_init_array);
	for (size_t i = 0; i < a->n_init_array; i++)
		assert_int_equal(a->init_array[i], b->init_array[i]);
	assert_int_equal(a->n_fini_array, b->n_fini_array);
	for (size_t i = 0; i < a->n_fini_array; i++)
		assert_int_equal(a->fini_array[i], b->fini_array[i]);
	assert_int_equal(a->n_ifunc, b->n_ifunc);
	assert_int_equal(a->n_irelative, b->n_irelative);
}

/* Scans fd with opts and without the options that read the whole file, and
 * checks that the two agree; the partial report has nothing of the others. */
static void check_partial(int fd, const char *path, unsigned opts)
{
	struct elfscan_report *whole = NULL, *part = NULL;

	assert_int_equal(elfscan_fd_opts(fd, path, opts, &whole), 0);
	assert_int_equal(elfscan_fd_opts(fd, path, 0, &part), 0);
	assert_same_report(whole, part);
	assert_false(part->syscalls_scanned);
	assert_false(part->has_sha256);
	assert_null(part->syscalls);
	elfscan_free(whole);
	elfscan_free(part);
}

static void check_partial_path(const char *path, unsigned opts)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	check_partial(fd, path, opts);
	close(fd);
}

/* Every fixture (the damaged ones too) and the interpreter and libc of this
 * system: the scan that reads only the dynamic tables reports what the one
 * that reads the whole file does. */
static void test_partial_same_as_full(void **state)
{
	const char *sys[] = { LIBC, "/usr/bin/python3.11",
	                      "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0" };
	DIR *d = opendir(fixtures());
	struct dirent *e;
	size_t n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", fixtures(), e->d_name);
		check_partial_path(path, ELFSCAN_ALL);
		n++;
	}
	closedir(d);
	assert_true(n >= 40);
	/* SHA-256 alone reads the whole file without the syscall sweep, which
	 * takes seconds for these (minutes under valgrind). */
	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++) {
		if (access(sys[i], R_OK) == 0)
			check_partial_path(sys[i], ELFSCAN_SHA256);
		else
			assert_true(i > 0);  /* libc is always there; the others may not be */
	}
}

/* Deterministic xorshift, so a failing mutation can be replayed. */
static uint64_t rnd(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

/* A few random changes: bit flips, boundary values in words, truncation. */
static size_t mutate(unsigned char *buf, size_t n, uint64_t *st)
{
	static const uint64_t words[] = { 0, ~0ull, 0x7fffffff, 0x80000000, 0x10000,
	                                  1, 0xfff0 };
	int k = 1 + (int)(rnd(st) % 6);

	for (int j = 0; j < k && n > 8; j++) {
		size_t p = rnd(st) % (n - 8);
		uint64_t w = words[rnd(st) % 7];
		switch (rnd(st) % 4) {
		case 0: buf[p] ^= (unsigned char)(1u << (rnd(st) % 8)); break;
		case 1: memcpy(buf + p, &w, 8); break;
		case 2: memcpy(buf + p, &w, 4); break;
		case 3: if (rnd(st) % 4 == 0) n = p; break;
		}
	}
	return n;
}

static void check_invariants(const struct elfscan_report *r, size_t size)
{
	if (r->error) {
		assert_true(r->error < 0 && r->error_msg[0]);
		assert_null(r->slots);
		return;
	}
	for (size_t i = 0; i < r->n_slots; i++)
		assert_non_null(r->slots[i].name);
	for (size_t i = 0; i < r->n_syms; i++)
		if (r->syms[i].version || !r->syms[i].hidden)
			assert_non_null(elfscan_find(r, r->syms[i].name, r->syms[i].version));
	for (size_t i = 0; i < r->n_segs; i++)
		assert_true(r->segs[i].offset + r->segs[i].filesz <= size);
}

/* Damaged copies made at random (fixed seed): never a crash, a leak or an
 * out-of-bounds read (run this under valgrind or ASan), a report that is
 * either an error or consistent, and the same report from the scan that
 * reads only the dynamic tables as from the one that reads the whole file. */
static void test_mutated_files(void **state)
{
	const char *names[] = { "imports.so", "ctors.so", "noshdr.so", "versioned.so" };
	static unsigned char orig[1 << 16], buf[1 << 16];
	uint64_t st = 0x9e3779b97f4a7c15ull;
	size_t errors = 0, total = 0;
	int fd = memfd_create("elfscan-mutant", MFD_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	for (size_t f = 0; f < 4; f++) {
		char path[PATH_MAX];
		FILE *in;
		size_t n;
		snprintf(path, sizeof(path), "%s/%s", fixtures(), names[f]);
		in = fopen(path, "rb");
		assert_non_null(in);
		n = fread(orig, 1, sizeof(orig), in);
		fclose(in);
		for (int i = 0; i < 300; i++, total++) {
			struct elfscan_report *r;
			size_t m;
			memcpy(buf, orig, n);
			m = mutate(buf, n, &st);
			assert_int_equal(ftruncate(fd, 0), 0);
			assert_int_equal(pwrite(fd, buf, m, 0), (ssize_t)m);
			assert_int_equal(elfscan_fd(fd, names[f], &r), 0);
			check_invariants(r, m);
			errors += r->error != 0;
			elfscan_free(r);
			check_partial(fd, names[f], ELFSCAN_SHA256);
		}
	}
	close(fd);
	/* The mutations must really break files, and not all of them. */
	assert_true(errors > total / 10 && errors < total);
}

/* Every defined symbol of libc (3,000 names, many with several versions) is
 * found under its own name and version, the default lookup finds a default
 * definition of the same name, and names that are only prefixes or
 * extensions of defined ones are not found. */
static void test_find_every_symbol(void **state)
{
	struct elfscan_report *r = NULL;
	char buf[512];

	(void)state;
	assert_int_equal(elfscan_path(LIBC, &r), 0);
	assert_int_equal(r->error, 0);
	assert_true(r->n_syms > 1000);
	for (size_t i = 0; i < r->n_syms; i++) {
		const struct elfscan_symbol *s = &r->syms[i], *f;
		if (s->version) {
			f = elfscan_find(r, s->name, s->version);
			assert_non_null(f);
			assert_string_equal(f->name, s->name);
			assert_string_equal(f->version, s->version);
		}
		f = elfscan_find(r, s->name, NULL);
		if (!s->hidden) {
			assert_non_null(f);
			assert_string_equal(f->name, s->name);
			assert_false(f->hidden);
		}
		snprintf(buf, sizeof(buf), "%s_", s->name);
		assert_null(elfscan_find(r, buf, NULL));
	}
	assert_null(elfscan_find(r, "", NULL));
	assert_null(elfscan_find(r, "syste", NULL));
	assert_null(elfscan_find(r, "system", "GLIBC_NOPE"));
	elfscan_free(r);
}

static char *print_to_string(const struct elfscan_report *r, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json)
		elfscan_print_json(r, f);
	else
		elfscan_print_text(r, f);
	fclose(f);
	return buf;
}

/* A hostile file name reaches the output escaped. */
static void test_print_escaping(void **state)
{
	char path[PATH_MAX], *json, *text;
	struct elfscan_report *r;

	(void)state;
	tmp_copy(path, sizeof(path), "esc\x01\x1b[31m\xff\xc3\xa9\"\\", "imports.so");
	assert_int_equal(elfscan_path(path, &r), 0);
	assert_int_equal(r->error, 0);
	json = print_to_string(r, true);
	text = print_to_string(r, false);
	assert_non_null(strstr(json, "esc\\u0001\\u001b[31m\\u00ff\xc3\xa9\\\"\\\\"));
	assert_non_null(strstr(json, "\"name\":\"system\",\"version\":\"GLIBC_2.2.5\","
	                       "\"kind\":\"JUMP_SLOT\""));
	assert_non_null(strstr(json, "\"needed\":[\"libc.so.6\"]"));
	assert_int_equal(json[strlen(json) - 1], '\n');
	assert_null(strchr(json, '\x1b'));
	assert_non_null(strstr(text, "esc\\x01\\x1b[31m\\xff\xc3\xa9"));
	assert_null(strchr(text, '\x1b'));
	assert_non_null(strstr(text, "system@GLIBC_2.2.5  JUMP_SLOT"));
	free(json);
	free(text);
	elfscan_free(r);
	unlink(path);
}

static void test_print_error(void **state)
{
	char path[PATH_MAX], *json;
	struct elfscan_report *r;

	(void)state;
	snprintf(path, sizeof(path), "%s/bad-text.txt", fixtures());
	assert_int_equal(elfscan_path(path, &r), 0);
	json = print_to_string(r, true);
	assert_non_null(strstr(json, "\"error\":-8,\"error_msg\":\"not an ELF file\"}\n"));
	free(json);
	elfscan_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imports_jump_slots),
		cmocka_unit_test(test_globdat),
		cmocka_unit_test(test_fptable_abs64),
		cmocka_unit_test(test_ctors),
		cmocka_unit_test(test_init_array_relative),
		cmocka_unit_test(test_init_array_zero_words),
		cmocka_unit_test(test_init_array_unrelocated),
		cmocka_unit_test(test_ifunc),
		cmocka_unit_test(test_textrel),
		cmocka_unit_test(test_stack_and_segments),
		cmocka_unit_test(test_bind_now),
		cmocka_unit_test(test_raw_syscalls),
		cmocka_unit_test(test_syscalls_truncated),
		cmocka_unit_test(test_syscalls_function_starts),
		cmocka_unit_test(test_syscall_number_before_function_start),
		cmocka_unit_test(test_no_section_headers),
		cmocka_unit_test(test_versioned_refs),
		cmocka_unit_test(test_python_flags),
		cmocka_unit_test(test_libc_versions),
		cmocka_unit_test(test_corrupt_files),
		cmocka_unit_test(test_corrupt_reasons),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_cache_rewrite_in_place),
		cmocka_unit_test(test_cache_many),
		cmocka_unit_test(test_mutated_files),
		cmocka_unit_test(test_partial_same_as_full),
		cmocka_unit_test(test_find_every_symbol),
		cmocka_unit_test(test_print_escaping),
		cmocka_unit_test(test_print_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
