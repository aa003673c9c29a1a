/* bpfgen: compiling a number -> action table to seccomp BPF (see bpfgen.h). */
#include "monitor/bpfgen.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PROG_MAX 4096   /* instructions: a table of BPFGEN_NR runs needs under 2 * 3 each */
#define X32_BIT 0x40000000u

/* A run of numbers [start, end) with one key: an action, or an arg0 rule. */
struct run {
	uint32_t start, end;
	uint32_t action;
	int arg0;        /* index into t->arg0, or -1 */
};

struct out {
	struct sock_filter *v;
	size_t n;
	bool full;
};

static size_t emit(struct out *o, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (o->n == PROG_MAX) {
		o->full = true;
		return o->n - 1;
	}
	o->v[o->n] = (struct sock_filter){code, jt, jf, k};
	return o->n++;
}

static int arg0_of(const struct bpfgen_table *t, uint32_t nr)
{
	for (size_t i = 0; i < t->n_arg0; i++)
		if ((uint32_t)t->arg0[i].nr == nr)
			return (int)i;
	return -1;
}

static size_t runs_of(const struct bpfgen_table *t, struct run *r)
{
	size_t n = 0;
	for (uint32_t nr = 0; nr < BPFGEN_NR; nr++) {
		int a = arg0_of(t, nr);
		if (n && a < 0 && r[n - 1].arg0 < 0 && r[n - 1].action == t->action[nr]) {
			r[n - 1].end = nr + 1;
			continue;
		}
		r[n++] = (struct run){nr, nr + 1, t->action[nr], a};
	}
	return n;
}

/* One run's code: its action, or its first argument's test (a leaf: the
 * accumulator may be overwritten). */
static void leaf(struct out *o, const struct bpfgen_table *t, const struct run *r)
{
	if (r->arg0 < 0) {
		emit(o, BPF_RET | BPF_K, 0, 0, r->action);
		return;
	}
	const struct bpfgen_arg0 *a = &t->arg0[r->arg0];
	/* the argument's low 32 bits, which the kernel reads as an int (the
	 * first word of the 64-bit slot on a little-endian machine) */
	emit(o, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, args[0]));
	for (size_t i = 0; i < a->n_vals; i++) {
		emit(o, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, a->vals[i]);
		emit(o, BPF_RET | BPF_K, 0, 0, a->match);
	}
	emit(o, BPF_RET | BPF_K, 0, 0, a->otherwise);
}

/* Runs [lo, hi] with the number in the accumulator: split at the middle run's
 * start; "jge" falls through into a long jump to the upper half, whose
 * offset is known once the lower half is out (BPF jumps only forward). */
static void tree(struct out *o, const struct bpfgen_table *t, const struct run *r, size_t lo,
                 size_t hi)
{
	if (lo == hi) {
		leaf(o, t, &r[lo]);
		return;
	}
	size_t mid = (lo + hi + 1) / 2;
	emit(o, BPF_JMP | BPF_JGE | BPF_K, 0, 1, r[mid].start);
	size_t ja = emit(o, BPF_JMP | BPF_JA, 0, 0, 0);
	tree(o, t, r, lo, mid - 1);
	o->v[ja].k = (uint32_t)(o->n - ja - 1);
	tree(o, t, r, mid, hi);
}

int bpfgen_build(const struct bpfgen_table *t, struct sock_filter **prog, size_t *n)
{
	struct run *r = malloc(BPFGEN_NR * sizeof *r);
	struct out o = {malloc(PROG_MAX * sizeof *o.v), 0, false};
	if (!r || !o.v) {
		free(r);
		free(o.v);
		return -ENOMEM;
	}
	size_t runs = runs_of(t, r);
	emit(&o, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
	emit(&o, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, t->arch);
	emit(&o, BPF_RET | BPF_K, 0, 0, t->badarch);
	emit(&o, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	emit(&o, BPF_JMP | BPF_JGE | BPF_K, 0, 1, X32_BIT);
	emit(&o, BPF_RET | BPF_K, 0, 0, t->badarch);
	emit(&o, BPF_JMP | BPF_JGE | BPF_K, 0, 1, BPFGEN_NR);
	emit(&o, BPF_RET | BPF_K, 0, 0, t->beyond);
	tree(&o, t, r, 0, runs - 1);
	free(r);
	if (o.full || o.n > BPF_MAXINSNS) {
		free(o.v);
		return -E2BIG;
	}
	*prog = o.v;
	*n = o.n;
	return 0;
}
