/* Unit tests for the system-call surface: every allowed call exists, none is
 * listed twice or also judged by the policy, and the calls that reach outside
 * the job are not on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/funcs.h"
#include "monitor/surface.h"

static void every_entry_resolves_once(void **state)
{
	(void)state;
	for (size_t i = 0; i < surface_allowed_count; i++) {
		int nr = surface_nr(&surface_allowed[i]);
		if (nr < 0)
			fail_msg("%s has no number", surface_allowed[i].name);
		for (size_t k = 0; k < i; k++)
			if (surface_nr(&surface_allowed[k]) == nr)
				fail_msg("%s listed twice", surface_allowed[i].name);
		/* a dangerous function is the policy's, never simply allowed */
		int fid = funcs_by_sysnr(nr);
		if (fid >= 0 && !funcs[fid].selfprot)
			fail_msg("%s is also in funcs.c", surface_allowed[i].name);
	}
}

static void outside_reaching_calls_are_off(void **state)
{
	static const char *const off[] = {
		"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "perf_event_open",
		"userfaultfd", "process_madvise", "process_mrelease", "keyctl", "add_key",
		"request_key", "mount", "fsopen", "fsconfig", "fspick", "fsmount", "move_mount",
		"open_tree", "mount_setattr", "bpf", "io_uring_setup", "io_uring_enter", "unshare",
		"setns", "kexec_load", "init_module", "finit_module", "syslog", "fanotify_init",
		"migrate_pages", "move_pages", "pidfd_getfd", "kill", "tgkill", "clone", "execve",
		"ptrace", "modify_ldt", "uselib", "memfd_secret", "shmget", "shmat", "semget",
		"msgget", "mq_open", "name_to_handle_at", "set_thread_area", "mseal",
	};
	(void)state;
	for (size_t i = 0; i < sizeof off / sizeof off[0]; i++) {
		struct surface_call c = {off[i], -1};
		int nr = surface_nr(&c);
		if (nr >= 0 && surface_is_allowed(nr))
			fail_msg("%s is on the allow-list", off[i]);
	}
}

static void names(void **state)
{
	char buf[32];
	(void)state;
	assert_string_equal(surface_name(0, buf), "read");
	assert_string_equal(surface_name(462, buf), "mseal");
	assert_string_equal(surface_name(99999, buf), "syscall 99999");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_entry_resolves_once),
		cmocka_unit_test(outside_reaching_calls_are_off),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
