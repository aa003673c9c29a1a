/* libFuzzer harness for the ELF scanner.
 *
 * The input is a whole file, written to a memfd and scanned twice: with
 * elfscan_fd_opts(opts 0) (headers and dynamic tables read a window at a
 * time) and with elfscan_path() on /proc/self/fd/N, which is ELFSCAN_ALL
 * (the whole image read, hashed and disassembled).  Besides
 * crashes, leaks and undefined behaviour, it checks what the header promises:
 *
 *   - a report with `error` set has nothing else in it, and a message;
 *   - every string and array of a good report can be read in full (ASan
 *     catches a dangling or short one), and every defined symbol can be found
 *     with elfscan_find();
 *   - the two reading paths agree: what opts 0 reports (or the error it
 *     finds) is what ELFSCAN_ALL reports, unless only the code sweep failed.
 *
 * Both printers run on each report (pysbx-scan prints hostile files).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elfscan/elfscan.h"
#include "tests/fuzz/fuzz.h"

static int memfd = -1;
static char memfd_path[64];
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfd = memfd_create("fuzz-elf", MFD_CLOEXEC);
	devnull = fopen("/dev/null", "w");
	if (memfd < 0 || !devnull) {
		perror("fuzz_elfscan: setup");
		exit(1);
	}
	snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

/* Reads every byte the report points at; checks its internal promises. */
static void check_report(const struct elfscan_report *r, const char *path)
{
	volatile size_t sink = 0;

	FUZZ_CHECK(r->path && strcmp(r->path, path) == 0, "path %s", r->path);
	FUZZ_CHECK(memchr(r->error_msg, 0, sizeof r->error_msg), "error_msg not terminated");
	if (r->error) {
		FUZZ_CHECK(r->error < 0, "error %d", r->error);
		FUZZ_CHECK(r->error_msg[0], "error %d without a message", r->error);
		FUZZ_CHECK(!r->interp && !r->soname && !r->rpath && !r->runpath &&
		           !r->n_needed && !r->n_segs && !r->n_syms && !r->n_slots &&
		           !r->n_init_array && !r->n_fini_array && !r->n_syscalls,
		           "error %d (%s) with contents", r->error, r->error_msg);
		return;
	}
	sink += touch(r->interp) + touch(r->soname) + touch(r->rpath) + touch(r->runpath);
	for (size_t i = 0; i < r->n_needed; i++) {
		FUZZ_CHECK(r->needed[i], "needed[%zu] is NULL", i);
		sink += touch(r->needed[i]);
	}
	for (size_t i = 0; i < r->n_segs; i++)
		sink += r->segs[i].vaddr + r->segs[i].memsz;
	for (size_t i = 0; i < r->n_syms; i++) {
		const struct elfscan_symbol *s = &r->syms[i], *f;
		FUZZ_CHECK(s->name, "syms[%zu] has no name", i);
		sink += touch(s->name) + touch(s->version);
		if (!s->version && s->hidden)
			continue;
		f = elfscan_find(r, s->name, s->version);
		FUZZ_CHECK(f && strcmp(f->name, s->name) == 0 &&
		           (!s->version || same_str(f->version, s->version)),
		           "defined symbol %s@%s not found", s->name,
		           s->version ? s->version : "");
	}
	for (size_t i = 0; i < r->n_slots; i++) {
		FUZZ_CHECK(r->slots[i].name, "slots[%zu] has no name", i);
		sink += touch(r->slots[i].name) + touch(r->slots[i].version);
	}
	for (size_t i = 0; i < r->n_init_array; i++)
		sink += r->init_array[i];
	for (size_t i = 0; i < r->n_fini_array; i++)
		sink += r->fini_array[i];
	for (size_t i = 0; i < r->n_syscalls; i++)
		sink += r->syscalls[i].vaddr;
	(void)sink;
}

#define SAME(field) FUZZ_CHECK(a->field == b->field, "%s differs", #field)
#define SAME_STR(field) \
	FUZZ_CHECK(same_str(a->field, b->field), "%s differs: %s / %s", #field, \
	           a->field ? a->field : "(null)", b->field ? b->field : "(null)")

/* a: read a window at a time (opts 0); b: read whole (ELFSCAN_ALL). */
static void check_agree(const struct elfscan_report *a, const struct elfscan_report *b)
{
	if (a->error) {
		FUZZ_CHECK(a->error == b->error && !strcmp(a->error_msg, b->error_msg),
		           "opts 0: %d %s; ELFSCAN_ALL: %d %s", a->error, a->error_msg,
		           b->error, b->error_msg);
		return;
	}
	if (b->error)  /* only the code sweep, which opts 0 does not do, may fail */
		return;
	SAME(e_type);
	SAME(e_machine);
	SAME(entry);
	SAME(flags);
	SAME_STR(interp);
	SAME_STR(soname);
	SAME_STR(rpath);
	SAME_STR(runpath);
	SAME(n_needed);
	for (size_t i = 0; i < a->n_needed; i++)
		SAME_STR(needed[i]);
	SAME(n_segs);
	for (size_t i = 0; i < a->n_segs; i++)
		FUZZ_CHECK(!memcmp(&a->segs[i], &b->segs[i], sizeof a->segs[i]),
		           "segs[%zu] differs", i);
	SAME(load_lo);
	SAME(load_hi);
	SAME(n_syms);
	for (size_t i = 0; i < a->n_syms; i++) {
		SAME_STR(syms[i].name);
		SAME_STR(syms[i].version);
		SAME(syms[i].hidden);
		SAME(syms[i].value);
		SAME(syms[i].size);
		SAME(syms[i].type);
		SAME(syms[i].bind);
	}
	SAME(n_slots);
	for (size_t i = 0; i < a->n_slots; i++) {
		SAME_STR(slots[i].name);
		SAME_STR(slots[i].version);
		SAME(slots[i].offset);
		SAME(slots[i].addend);
		SAME(slots[i].kind);
		SAME(slots[i].weak);
	}
	SAME(init);
	SAME(fini);
	SAME(n_init_array);
	for (size_t i = 0; i < a->n_init_array; i++)
		SAME(init_array[i]);
	SAME(n_fini_array);
	for (size_t i = 0; i < a->n_fini_array; i++)
		SAME(fini_array[i]);
	SAME(n_ifunc);
	SAME(n_irelative);
}

/* opts 0 through elfscan_fd_opts(), ELFSCAN_ALL through elfscan_path(). */
static struct elfscan_report *scan(unsigned opts)
{
	struct elfscan_report *r = NULL;
	const char *path = opts ? memfd_path : "fuzz.elf";
	int rc = opts ? elfscan_path(path, &r) : elfscan_fd_opts(memfd, path, opts, &r);

	/* a file's fault is a report; a failed return is only ours (no memory) */
	FUZZ_CHECK(rc == 0 || rc == -ENOMEM, "opts %#x: rc %d", opts, rc);
	FUZZ_CHECK(rc == 0 ? r != NULL : r == NULL, "opts %#x: rc %d, report %p", opts, rc,
	           (void *)r);
	if (r) {
		check_report(r, path);
		elfscan_print_json(r, devnull);
		elfscan_print_text(r, devnull);
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elfscan_report *quick, *full;

	if (ftruncate(memfd, 0) < 0 || pwrite(memfd, data, size, 0) != (ssize_t)size) {
		perror("fuzz_elfscan: memfd");
		abort();
	}
	quick = scan(0);
	full = scan(ELFSCAN_ALL);
	if (quick && full) {
		check_agree(quick, full);
		FUZZ_CHECK(full->error || full->syscalls_scanned, "ELFSCAN_ALL did not sweep");
		FUZZ_CHECK(full->error || full->has_sha256, "ELFSCAN_ALL has no hash");
	}
	elfscan_free(quick);
	elfscan_free(full);
	return 0;
}
