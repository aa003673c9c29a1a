/* Unit tests for bpfgen: the compiled program gives every number the table's
 * action (checked by running it, instruction by instruction, for every
 * number and architecture), and the kernel takes it. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "monitor/bpfgen.h"

/* Classic BPF as seccomp runs it, for the instructions bpfgen emits. */
static uint32_t run(const struct sock_filter *p, size_t n, const struct seccomp_data *d)
{
	uint32_t a = 0;
	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &p[pc];
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(i->k + 4 <= sizeof *d);
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			fail_msg("unexpected instruction %#x at %zu", i->code, pc);
		}
	}
	fail_msg("ran off the end");
	return 0;
}

static uint32_t for_call(const struct sock_filter *p, size_t n, uint32_t arch, uint32_t nr,
                         uint64_t arg0)
{
	struct seccomp_data d = {.nr = (int)nr, .arch = arch, .args = {arg0}};
	return run(p, n, &d);
}

static void every_number_gets_its_action(void **state)
{
	struct bpfgen_table *t = calloc(1, sizeof *t);
	struct sock_filter *p;
	size_t n;
	(void)state;
	srandom(7);
	for (int round = 0; round < 20; round++) {
		memset(t, 0, sizeof *t);
		t->arch = AUDIT_ARCH_X86_64;
		t->badarch = 0x7ff00003;
		t->beyond = 0x7ff00004;
		/* runs of random lengths with a few actions, as the surface has */
		uint32_t act = 0;
		for (int nr = 0; nr < BPFGEN_NR; nr++) {
			if (random() % (round % 2 ? 3 : 17) == 0)
				act = (uint32_t)(random() % 4);
			t->action[nr] = 0x7ff00010 + act;
		}
		t->arg0[0] = (struct bpfgen_arg0){.nr = 41, .vals = {1, 2, 10}, .n_vals = 3,
		                                  .match = 0x7fff0000, .otherwise = 0x7ff00009};
		t->n_arg0 = 1;
		assert_int_equal(bpfgen_build(t, &p, &n), 0);
		assert_true(n <= BPF_MAXINSNS);
		for (uint32_t nr = 0; nr < BPFGEN_NR; nr++)
			if (nr != 41)
				assert_int_equal(for_call(p, n, AUDIT_ARCH_X86_64, nr, 0), t->action[nr]);
		assert_int_equal(for_call(p, n, AUDIT_ARCH_X86_64, 41, 2), 0x7fff0000);
		assert_int_equal(for_call(p, n, AUDIT_ARCH_X86_64, 41, 2 | (1ull << 32)), 0x7fff0000);
		assert_int_equal(for_call(p, n, AUDIT_ARCH_X86_64, 41, 17), 0x7ff00009);
		assert_int_equal(for_call(p, n, AUDIT_ARCH_X86_64, BPFGEN_NR, 0), t->beyond);
		assert_int_equal(for_call(p, n, AUDIT_ARCH_X86_64, 0x3fffffff, 0), t->beyond);
		assert_int_equal(for_call(p, n, AUDIT_ARCH_X86_64, 0x40000000 | 59, 0), t->badarch);
		assert_int_equal(for_call(p, n, AUDIT_ARCH_X86_64, 0xffffffff, 0), t->badarch);
		assert_int_equal(for_call(p, n, AUDIT_ARCH_I386, 11, 0), t->badarch);
		free(p);
	}
	free(t);
}

/* Loaded for real: a number the table refuses fails with the table's errno. */
static void the_kernel_takes_it(void **state)
{
	struct bpfgen_table *t = calloc(1, sizeof *t);
	struct sock_filter *p;
	size_t n;
	(void)state;
	t->arch = AUDIT_ARCH_X86_64;
	t->badarch = t->beyond = SECCOMP_RET_KILL_PROCESS;
	for (int nr = 0; nr < BPFGEN_NR; nr++)
		t->action[nr] = SECCOMP_RET_ALLOW;
	t->action[SYS_getppid] = SECCOMP_RET_ERRNO | 77;
	assert_int_equal(bpfgen_build(t, &p, &n), 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct sock_fprog prog = {(unsigned short)n, p};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
			_exit(10);
		if (syscall(SYS_getppid) != -1 || errno != 77)
			_exit(11);
		_exit(getpid() > 0 ? 0 : 12);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	free(p);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_number_gets_its_action),
		cmocka_unit_test(the_kernel_takes_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
