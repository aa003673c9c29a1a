/* libFuzzer harness for the shell-command splitter.
 *
 * The input is the command string, handed over exactly (no terminating NUL,
 * so ASan sees any read past len).  Every word of every command is read in
 * full.  Each input is split twice: once to the end, and once with the
 * callback stopping in the middle, which must return the callback's value
 * after reporting the same commands up to there (and free what it had).
 * Return values are the ones shsplit.h lists; nesting stays bounded.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "monitor/shsplit.h"
#include "tests/fuzz/fuzz.h"

#define STOP_RC 77
#define MAX_DEPTH 64   /* shsplit's own bound is lower (MAX_NEST) */

struct run {
	size_t calls;
	size_t stop_at;    /* stop in this call (1-based); 0: never */
	uint64_t sum;      /* hash of every command seen so far */
	uint64_t *sums;    /* the full run: sum after each call */
	size_t cap;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ull;
	return h;
}

static int on_cmd(void *vctx, const struct shsplit_cmd *cmd)
{
	struct run *r = vctx;
	uint64_t h = 0xcbf29ce484222325ull;

	r->calls++;
	FUZZ_CHECK(cmd->argc >= 1, "command with argc %zu", cmd->argc);
	FUZZ_CHECK(cmd->argv && cmd->flags, "command without argv or flags");
	FUZZ_CHECK(cmd->depth <= MAX_DEPTH, "depth %u", cmd->depth);
	for (size_t i = 0; i < cmd->argc; i++) {
		FUZZ_CHECK(cmd->argv[i], "argv[%zu] is NULL", i);
		h = fnv(h, cmd->argv[i], strlen(cmd->argv[i]) + 1);
		FUZZ_CHECK((cmd->flags[i] & ~(unsigned)SHSPLIT_DYNAMIC) == 0, "flags[%zu] %#x", i,
		           cmd->flags[i]);
		h = fnv(h, &cmd->flags[i], sizeof cmd->flags[i]);
	}
	h = fnv(h, &cmd->depth, sizeof cmd->depth);
	r->sum = fnv(r->sum, &h, sizeof h);
	if (!r->stop_at) {
		if (r->calls > r->cap) {
			r->cap = r->cap ? 2 * r->cap : 64;
			r->sums = realloc(r->sums, r->cap * sizeof *r->sums);
			FUZZ_CHECK(r->sums, "out of memory");
		}
		r->sums[r->calls - 1] = r->sum;
	}
	return r->calls == r->stop_at ? STOP_RC : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *cmd = (const char *)data;
	struct run all = {0}, part = {0};

	int rc = shsplit_run(cmd, size, on_cmd, &all);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG || rc == -ENOMEM, "rc %d", rc);
	if (all.calls == 0) {
		free(all.sums);
		return 0;
	}

	/* stop half-way (in the only call when there is one) */
	part.stop_at = (all.calls + 1) / 2;
	int prc = shsplit_run(cmd, size, on_cmd, &part);
	FUZZ_CHECK(prc == STOP_RC, "stopped in call %zu of %zu: rc %d", part.stop_at, all.calls,
	           prc);
	FUZZ_CHECK(part.calls == part.stop_at, "called %zu times after stopping in call %zu",
	           part.calls, part.stop_at);
	FUZZ_CHECK(part.sum == all.sums[part.stop_at - 1],
	           "the same text split differently up to call %zu", part.stop_at);
	free(all.sums);
	return 0;
}
