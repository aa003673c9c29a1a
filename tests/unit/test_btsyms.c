/* Unit tests for monitor/backtrace_syms.c: naming native frames.
 *
 * A small shared object is built here with an exported function, a static
 * one (only in .symtab), and a function with no size; then copies of it:
 * stripped (only .dynsym left), stripped with MiniDebugInfo (the static
 * function's symbol in an xz-compressed .gnu_debugdata, built the way
 * distributions build it), and with a .gnu_debugdata that is garbage or
 * decompresses to too much.  An address is named only by the function that
 * contains it; the stripped copy names nothing at the static function rather
 * than the exported one before it (CPython issue 15, part 6: Debian's
 * python3.11 named frames "PyInit__elementtree+685" for a 457-byte symbol).
 * Needs cc, nm, strip, objcopy and xz; skipped without them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "elfscan/elfscan.h"
#include "monitor/backtrace_syms.h"

static const char FIXTURE_C[] =
	"__attribute__((noinline)) int exported_first(int x) { return x * 3 + 1; }\n"
	"static __attribute__((noinline, used)) int hidden_helper(int x)\n"
	"{ volatile int y = x; for (int i = 0; i < 10; i++) y += i * x; return y; }\n"
	"int exported_second(int x) { return hidden_helper(x) + exported_first(x); }\n"
	"__asm__(\".text\\n.globl unsized\\n.type unsized,@function\\nunsized:\\n"
	" nop\\n nop\\n nop\\n nop\\n ret\\n\");\n";

struct sym { const char *name; uint64_t start, size; };

static struct {
	char dir[64];
	bool built;
	struct sym exported_first, hidden_helper, exported_second, unsized;
} fx;

static bool have(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void path_of(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", fx.dir, name);
}

/* Addresses and sizes from nm: what the tests expect of the symbols. */
static void read_nm(void)
{
	char cmd[256], line[256];
	snprintf(cmd, sizeof cmd, "nm -S --defined-only %s/lib.so", fx.dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof line, p)) {
		char a[32], b[32], c[8], d[128];
		unsigned long long v, s = 0;
		int k = sscanf(line, "%31s %31s %7s %127s", a, b, c, d);
		const char *name = k == 4 ? d : k == 3 ? c : NULL;
		if (!name)
			continue;
		v = strtoull(a, NULL, 16);
		if (k == 4)
			s = strtoull(b, NULL, 16);
		struct sym *t = strcmp(name, "exported_first") == 0 ? &fx.exported_first
		              : strcmp(name, "hidden_helper") == 0 ? &fx.hidden_helper
		              : strcmp(name, "exported_second") == 0 ? &fx.exported_second
		              : strcmp(name, "unsized") == 0 ? &fx.unsized : NULL;
		if (t)
			*t = (struct sym){t->name, v, s};
	}
	pclose(p);
}

/* Builds the fixtures once: lib.so, stripped.so, mini.so, garbage.so, bomb.so. */
static int build(void **state)
{
	(void)state;
	if (!have("cc") || !have("nm") || !have("strip") || !have("objcopy") || !have("xz"))
		return 0;
	strcpy(fx.dir, "/tmp/btsyms-test-XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	char src[128];
	path_of(src, sizeof src, "fx.c");
	FILE *f = fopen(src, "w");
	if (!f)
		return -1;
	fputs(FIXTURE_C, f);
	fclose(f);
	const char *d = fx.dir;
	/* MiniDebugInfo the way Fedora's find-debuginfo makes it: the function
	 * symbols .dynsym lacks, in a symbols-only ELF, xz-compressed */
	if (sh("cd %s && cc -shared -fPIC -O1 -g0 -o lib.so fx.c", d) ||
	    sh("cd %s && strip --strip-all -o stripped.so lib.so", d) ||
	    sh("cd %s && nm -D --format=posix --defined-only lib.so | awk '{print $1}' | sort > dyn", d) ||
	    sh("cd %s && nm --format=posix --defined-only lib.so | awk '$2 ~ /[Tt]/ {print $1}' | sort > funcs", d) ||
	    sh("cd %s && comm -13 dyn funcs > keep", d) ||
	    sh("cd %s && objcopy -S --remove-section .comment --keep-symbols=keep lib.so mini", d) ||
	    sh("cd %s && objcopy --only-keep-debug mini mini.dbg && xz -f mini.dbg", d) ||
	    sh("cd %s && objcopy --add-section .gnu_debugdata=mini.dbg.xz stripped.so mini.so", d) ||
	    sh("cd %s && head -c 3000 /dev/urandom > junk && "
	       "objcopy --add-section .gnu_debugdata=junk stripped.so garbage.so", d) ||
	    sh("cd %s && head -c 80M /dev/zero | xz -0 -T1 > bomb.xz && "
	       "objcopy --add-section .gnu_debugdata=bomb.xz stripped.so bomb.so", d) ||
	    sh("cd %s && head -c 1000 lib.so > cut.so && head -c 5000 /dev/urandom > random.so", d))
		return -1;
	read_nm();
	fx.built = fx.exported_first.size && fx.hidden_helper.size && fx.exported_second.size &&
	           fx.unsized.start;
	return fx.built ? 0 : -1;
}

static int cleanup(void **state)
{
	(void)state;
	btsyms_cache_clear();
	if (fx.dir[0])
		sh("rm -rf %s", fx.dir);
	return 0;
}

static struct btsyms *open_syms(const char *name)
{
	char path[128];
	struct btsyms *s = NULL;
	path_of(path, sizeof path, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(btsyms_read(fd, &s), 0);
	close(fd);
	assert_non_null(s);
	return s;
}

static void expect_name(const struct btsyms *s, uint64_t vaddr, const char *want, uint64_t want_off)
{
	uint64_t off = ~0ull;
	const char *got = btsyms_find(s, vaddr, &off);
	if (!want) {
		if (got)
			fail_msg("%#llx named %s+%#llx, wanted no name", (unsigned long long)vaddr, got,
			         (unsigned long long)off);
		return;
	}
	if (!got)
		fail_msg("%#llx has no name, wanted %s", (unsigned long long)vaddr, want);
	assert_string_equal(got, want);
	assert_int_equal(off, want_off);
}

static void test_unstripped(void **state)
{
	(void)state;
	if (!fx.built)
		skip();
	struct btsyms *s = open_syms("lib.so");
	assert_true(btsyms_sources(s) & BTSYMS_SYMTAB);
	assert_true(btsyms_sources(s) & BTSYMS_DYNSYM);
	expect_name(s, fx.exported_first.start, "exported_first", 0);
	expect_name(s, fx.hidden_helper.start + 2, "hidden_helper", 2);
	expect_name(s, fx.hidden_helper.start + fx.hidden_helper.size - 1, "hidden_helper",
	            fx.hidden_helper.size - 1);
	/* no size, no name; and past a function's end is not that function */
	expect_name(s, fx.unsized.start + 1, NULL, 0);
	uint64_t off;
	const char *past = btsyms_find(s, fx.exported_first.start + fx.exported_first.size, &off);
	assert_true(!past || strcmp(past, "exported_first") != 0);
	expect_name(s, 0, NULL, 0);
	expect_name(s, UINT64_MAX, NULL, 0);
	btsyms_free(s);
}

/* What the issue saw: a stripped object names the static function's
 * addresses after nothing, not after the exported symbol before it. */
static void test_stripped(void **state)
{
	(void)state;
	if (!fx.built)
		skip();
	struct btsyms *s = open_syms("stripped.so");
	assert_int_equal(btsyms_sources(s), BTSYMS_DYNSYM);
	expect_name(s, fx.exported_second.start + 1, "exported_second", 1);
	expect_name(s, fx.hidden_helper.start + 2, NULL, 0);
	btsyms_free(s);
}

static void test_minidebuginfo(void **state)
{
	(void)state;
	if (!fx.built)
		skip();
	struct btsyms *s = open_syms("mini.so");
	expect_name(s, fx.exported_second.start + 1, "exported_second", 1);
	if (btsyms_have_lzma()) {
		assert_true(btsyms_sources(s) & BTSYMS_DEBUGDATA);
		expect_name(s, fx.hidden_helper.start + 2, "hidden_helper", 2);
	} else {
		assert_true(btsyms_sources(s) & BTSYMS_DEBUGDATA_BAD);
		expect_name(s, fx.hidden_helper.start + 2, NULL, 0);
	}
	btsyms_free(s);
}

/* A .gnu_debugdata that is not xz, or that decompresses past the bound:
 * refused, and the file's other symbols still name frames. */
static void test_bad_debugdata(void **state)
{
	(void)state;
	if (!fx.built)
		skip();
	const char *bad[] = {"garbage.so", "bomb.so"};
	for (size_t i = 0; i < 2; i++) {
		struct btsyms *s = open_syms(bad[i]);
		assert_true(btsyms_sources(s) & BTSYMS_DEBUGDATA_BAD);
		assert_false(btsyms_sources(s) & BTSYMS_DEBUGDATA);
		expect_name(s, fx.exported_first.start, "exported_first", 0);
		expect_name(s, fx.hidden_helper.start + 2, NULL, 0);
		btsyms_free(s);
	}
}

static void test_not_elf(void **state)
{
	(void)state;
	if (!fx.built)
		skip();
	char path[128];
	struct btsyms *s = NULL;
	path_of(path, sizeof path, "random.so");
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(btsyms_read(fd, &s), -ENOEXEC);
	assert_null(s);
	close(fd);
	/* an ELF header with nothing after it: no symbols, no crash */
	path_of(path, sizeof path, "cut.so");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	int rc = btsyms_read(fd, &s);
	assert_true(rc == 0 || rc == -ENOEXEC);
	if (rc == 0)
		assert_int_equal(btsyms_count(s), 0);
	btsyms_free(s);
	close(fd);
	assert_null(btsyms_find(NULL, 0, NULL));
}

/* Damaged copies (a fixed seed, so a failure repeats): bytes flipped
 * anywhere, in the section headers, in the compressed .gnu_debugdata; any
 * result but a crash will do, and what is found is still a symbol's. */
static void test_damaged_files(void **state)
{
	(void)state;
	if (!fx.built)
		skip();
	const char *from[] = {"lib.so", "mini.so"};
	unsigned seed = 7;
	for (size_t f = 0; f < 2; f++) {
		char path[128], dpath[128];
		path_of(path, sizeof path, from[f]);
		path_of(dpath, sizeof dpath, "damaged.so");
		FILE *in = fopen(path, "rb");
		assert_non_null(in);
		static uint8_t img[1 << 16], bad[1 << 16];
		size_t len = fread(img, 1, sizeof img, in);
		fclose(in);
		assert_true(len > 4096 && len < sizeof img);
		uint64_t shoff;
		memcpy(&shoff, img + 0x28, 8);
		for (int i = 0; i < 300; i++) {
			memcpy(bad, img, len);
			for (int k = rand_r(&seed) % 8; k >= 0; k--) {
				size_t at = rand_r(&seed) % 3 == 0 && shoff < len
				          ? shoff + (size_t)rand_r(&seed) % (len - shoff)
				          : (size_t)rand_r(&seed) % len;
				bad[at] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
			}
			FILE *out = fopen(dpath, "wb");
			assert_non_null(out);
			assert_int_equal(fwrite(bad, 1, len, out), len);
			fclose(out);
			int fd = open(dpath, O_RDONLY);
			assert_true(fd >= 0);
			struct btsyms *s = NULL;
			int rc = btsyms_read(fd, &s);
			close(fd);
			assert_true(rc == 0 || rc == -ENOEXEC || rc == -ENOMEM);
			for (uint64_t a = 0; s && a < 0x2000; a += 7) {
				uint64_t off;
				const char *name = btsyms_find(s, a, &off);
				assert_true(!name || (off <= a && strlen(name) < 512));
			}
			btsyms_free(s);
		}
	}
}

static struct elfscan_id id_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (struct elfscan_id){st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
}

/* The cache reads a file once, and never a file that is no longer the one
 * that was mapped (rewritten, or replaced by a FIFO: no hang). */
static void test_cache(void **state)
{
	(void)state;
	if (!fx.built)
		skip();
	char path[128], tmp[160];
	path_of(path, sizeof path, "cache.so");
	assert_int_equal(sh("cp %s/lib.so %s", fx.dir, path), 0);
	struct elfscan_id id = id_of(path);
	const struct btsyms *s = btsyms_cached(path, &id);
	assert_non_null(s);
	assert_ptr_equal(btsyms_cached(path, &id), s);
	expect_name(s, fx.hidden_helper.start, "hidden_helper", 0);

	struct elfscan_id other = id;
	other.mtime.tv_nsec ^= 1;
	assert_null(btsyms_cached(path, &other));
	assert_null(btsyms_cached(path, NULL));

	snprintf(tmp, sizeof tmp, "%s/fifo.so", fx.dir);
	assert_int_equal(mkfifo(tmp, 0600), 0);
	struct elfscan_id fid = id_of(tmp);
	assert_null(btsyms_cached(tmp, &fid));   /* returns: no reader was waited for */
	btsyms_cache_clear();
	assert_non_null(btsyms_cached(path, &id));
	btsyms_cache_clear();
}

/* Debian's python3.11 is stripped: what libunwind called
 * PyInit__elementtree+685 lies past that 457-byte function. */
static void test_debian_python(void **state)
{
	(void)state;
	const char *py = "/usr/bin/python3.11";
	struct elfscan_report *r = NULL;
	struct btsyms *s = NULL;
	int fd = open(py, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		skip();
	assert_int_equal(elfscan_fd_opts(fd, py, 0, &r), 0);
	const struct elfscan_symbol *init = elfscan_find(r, "PyInit__elementtree", NULL);
	assert_int_equal(btsyms_read(fd, &s), 0);
	close(fd);
	if (init && init->size < 685) {
		uint64_t off;
		const char *name = btsyms_find(s, init->value + 685, &off);
		assert_true(!name || strcmp(name, "PyInit__elementtree") != 0);
		expect_name(s, init->value + 1, "PyInit__elementtree", 1);
	}
	elfscan_free(r);
	btsyms_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unstripped),
		cmocka_unit_test(test_stripped),
		cmocka_unit_test(test_minidebuginfo),
		cmocka_unit_test(test_bad_debugdata),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_damaged_files),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_debian_python),
	};
	return cmocka_run_group_tests(tests, build, cleanup);
}
