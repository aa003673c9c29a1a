/* libFuzzer harness for the log readers: any bytes as an event log.
 *
 * The input is read by logread (line bounds, JSON, member checks, the digest
 * chain), by --learn and --check-log under the built-in policy (every call
 * rebuilt and decided again; the learned policy must parse, which learn.c
 * checks itself), and by --report's collection and its three renderings, which
 * walk what a hostile log can shape: parent loops, pids and numbers out of
 * range, stacks, strings of any bytes.  Properties checked: no crash, no
 * leak, no undefined behaviour (the sanitizers), and everything a person
 * would read free of control bytes (the text rendering has only '\n' line
 * ends).  Inputs are made lines-first by the seeds (real logs, chained and
 * not: tests/fuzz/seeds/logread).
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "monitor/logtools/replay.h"
#include "monitor/logtools/report.h"
#include "tests/fuzz/fuzz.h"

static struct policy *builtin;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	(void)argc;
	(void)argv;
	FUZZ_CHECK(policy_builtin(&builtin, err, sizeof err) == 0, "%s", err);
	return 0;
}

static int each(void *ctx, const struct jval *ev, size_t line)
{
	(void)ev;
	(void)line;
	(*(size_t *)ctx)++;
	return 0;
}

static void no_controls(const char *what, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		FUZZ_CHECK(c >= 0x20 || c == '\n' || c == '\t' ? c != 0x7f : 0,
		           "%s: control byte %#x at %zu", what, c, i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logread lr;
	size_t n = 0;
	if (size) {
		FILE *f = fmemopen((void *)data, size, "r");
		FUZZ_CHECK(f, "fmemopen");
		if (logread_stream(f, "fuzz.jsonl", each, &n, &lr) == 0)
			FUZZ_CHECK(n == lr.events, "%zu events handed out, %zu counted", n, lr.events);
		logread_free(&lr);
		fclose(f);
	}

	/* the whole report, from a file as --report reads it */
	int fd = memfd_create("log", MFD_CLOEXEC);
	FUZZ_CHECK(fd >= 0, "memfd_create");
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size, "write");
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct report r;
	if (report_collect(path, &r) == 0) {
		char *out = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&out, &len);
		report_text(m, &r);
		fflush(m);
		no_controls("text", out, len);
		fclose(m);
		free(out);
		m = open_memstream(&out, &len);
		report_dot(m, &r);
		report_html(m, &r);
		fclose(m);
		no_controls("dot and html", out, len);
		free(out);
	}
	report_release(&r);
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	int rc = replay_learn(path, builtin, m);
	fclose(m);
	FUZZ_CHECK(rc == 0 || rc == REPLAY_UNREADABLE, "learn: %d", rc);
	FUZZ_CHECK(rc == 0 || !len, "learn refused but wrote %zu bytes", len);
	free(out);
	m = open_memstream(&out, &len);
	replay_check(path, builtin, m);
	fclose(m);
	free(out);
	close(fd);
	return 0;
}
