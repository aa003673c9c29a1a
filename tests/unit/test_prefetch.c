/* Unit tests for monitor/prefetch.c: the libraries and programs scanned ahead
 * of the stops that need them.
 *
 * A prefetched scan only lands in the scan cache, so the tests look a file up
 * afterwards under another spelling of its path: a report made by the
 * prefetch carries the path the prefetch found the file by. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "elfscan/elfscan.h"
#include "monitor/policy.h"
#include "monitor/prefetch.h"
#include "monitor/verdict.h"

static struct policy *pol;
static struct monitor mon;

static const char *fixtures(void)
{
	const char *d = getenv("FIXTURES");
	return d ? d : "build/fixtures";
}

static int setup(void **state)
{
	char err[256];
	(void)state;
	mon.policy = NULL;
	if (policy_builtin(&pol, err, sizeof err) < 0)
		return -1;
	mon.policy = pol;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	elfscan_cache_clear();
	policy_free(pol);
	return 0;
}

/* The cached report for path (under the prefetch's options), or NULL. */
static const struct elfscan_report *cached(const char *path)
{
	const struct elfscan_report *r;
	return elfscan_cached_opts(path, verdict_scan_opts(pol, true), &r) < 0 ? NULL : r;
}

static void real_dir(char *out, size_t cap, const char *sub)
{
	char p[PATH_MAX], real[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", fixtures(), sub);
	assert_non_null(realpath(p, real));
	assert_true(strlen(real) < cap);
	memcpy(out, real, strlen(real) + 1);
}

/* needs.so -> (RUNPATH $LIB/none:$ORIGIN/deps) libpfdep.so -> (RUNPATH
 * $ORIGIN) libpfleaf.so, and libc.so.6 from the system directories. */
static void test_libraries_found_ahead(void **state)
{
	char dir[1024], exe[PATH_MAX], other[PATH_MAX], want[PATH_MAX];
	(void)state;
	real_dir(dir, sizeof dir, "prefetch");
	snprintf(exe, sizeof exe, "%s/needs.so", dir);
	const struct elfscan_report *r = cached(exe);
	assert_non_null(r);
	assert_null(r->error ? r : NULL);
	prefetch_libraries(&mon, r, exe);

	snprintf(other, sizeof other, "%s/./deps/libpfdep.so", dir);
	snprintf(want, sizeof want, "%s/deps/libpfdep.so", dir);
	r = cached(other);
	assert_non_null(r);
	assert_string_equal(r->path, want);

	snprintf(other, sizeof other, "%s/deps/./libpfleaf.so", dir);
	snprintf(want, sizeof want, "%s/deps/libpfleaf.so", dir);
	r = cached(other);
	assert_non_null(r);
	assert_string_equal(r->path, want);

	r = cached("/lib/x86_64-linux-gnu/../x86_64-linux-gnu/libc.so.6");
	assert_non_null(r);
	assert_string_equal(r->path, "/lib/x86_64-linux-gnu/libc.so.6");
	elfscan_cache_clear();
}

/* A library that is not there, or a report with an error, is left alone. */
static void test_nothing_to_find(void **state)
{
	char path[PATH_MAX];
	(void)state;
	snprintf(path, sizeof path, "%s/bad-trunc-200.so", fixtures());
	const struct elfscan_report *bad = cached(path);
	assert_non_null(bad);
	assert_true(bad->error != 0);
	prefetch_libraries(&mon, bad, path);
	prefetch_libraries(&mon, NULL, path);

	char *names[] = {"libpf-not-anywhere.so.9", "/nonexistent/libx.so", "sub/dir.so"};
	struct elfscan_report fake = {.needed = names, .n_needed = 3,
	                              .runpath = (char *)"$PLATFORM/x:$ORIGIN/nowhere::"};
	snprintf(path, sizeof path, "%s/imports.so", fixtures());
	prefetch_libraries(&mon, &fake, path);
	elfscan_cache_clear();
}

/* The program is looked up in PATH like execvp, and its loader scanned. */
static void test_program_and_loader(void **state)
{
	char dir[1024], path_var[PATH_MAX], other[PATH_MAX], want[PATH_MAX];
	(void)state;
	real_dir(dir, sizeof dir, "prefetch");
	snprintf(path_var, sizeof path_var, "/nonexistent::%s", dir);
	const char *saved = getenv("PATH");
	char *keep = saved ? strdup(saved) : NULL;
	setenv("PATH", path_var, 1);
	prefetch_program("needs.so");
	snprintf(other, sizeof other, "%s/../prefetch/needs.so", dir);
	snprintf(want, sizeof want, "%s/needs.so", dir);
	const struct elfscan_report *r = cached(other);
	assert_non_null(r);
	assert_string_equal(r->path, want);
	if (keep)
		setenv("PATH", keep, 1);
	free(keep);

	prefetch_program("/usr/bin/env");
	const struct elfscan_report *env = cached("/usr/bin/../bin/env");
	assert_non_null(env);
	assert_string_equal(env->path, "/usr/bin/env");
	assert_non_null(env->interp);
	char real[PATH_MAX];
	assert_non_null(realpath(env->interp, real));
	r = cached(real);
	assert_non_null(r);
	assert_string_equal(r->path, env->interp);
	elfscan_cache_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libraries_found_ahead),
		cmocka_unit_test(test_nothing_to_find),
		cmocka_unit_test(test_program_and_loader),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
