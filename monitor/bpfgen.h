/* bpfgen: a seccomp program that gives each system call number one action.
 *
 * The surface filter (backstop.c) is a table: allow, stop for the policy, or
 * stop and refuse, by number, with one exception (socket's family).
 * libseccomp spent about 2 ms laying out its three hundred rules at every
 * start; the table compiles here in microseconds to the same shape, a binary
 * search over runs of numbers with equal actions:
 *
 *   arch != native        -> badarch
 *   nr >= 0x40000000 (x32) -> badarch
 *   nr >= BPFGEN_NR        -> beyond
 *   binary search over [start, end) runs -> ret action
 *                                        -> (an arg0 rule) ld args[0]; jeq ...
 */
#ifndef PYSBX_BPFGEN_H
#define PYSBX_BPFGEN_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#define BPFGEN_NR 1024          /* numbers given their own action */
#define BPFGEN_ARG0_MAX 8       /* values an arg0 rule lists */

/* A number whose action depends on its first argument's low 32 bits: match
 * when it is one of vals, otherwise otherwise. */
struct bpfgen_arg0 {
	int nr;
	uint32_t vals[BPFGEN_ARG0_MAX];
	size_t n_vals;
	uint32_t match, otherwise;
};

struct bpfgen_table {
	uint32_t arch;                /* AUDIT_ARCH_* the numbers are of */
	uint32_t action[BPFGEN_NR];   /* SECCOMP_RET_* (with data) by number */
	uint32_t beyond;              /* numbers from BPFGEN_NR up to the x32 range */
	uint32_t badarch;             /* another architecture, or an x32 number */
	struct bpfgen_arg0 arg0[4];
	size_t n_arg0;
};

/* The program, malloc'd into *prog (*n instructions).  0 or -ENOMEM, -E2BIG. */
int bpfgen_build(const struct bpfgen_table *t, struct sock_filter **prog, size_t *n);

#endif
