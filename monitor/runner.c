/* runner: reading a program runner's command line (see runner.h). */
#include "monitor/runner.h"

#include <elf.h>
#include <fnmatch.h>
#include <string.h>

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

enum runner_kind runner_kind(const struct elfscan_report *img, const char *exe)
{
	const char *b = exe ? base(exe) : "";
	if (img && !img->error && img->e_type == ET_DYN && !img->interp &&
	    elfscan_find(img, "_dl_debug_state", NULL))
		return RUNNER_LDSO;
	if (!strcmp(b, "valgrind") || !strcmp(b, "valgrind.bin") ||
	    (exe && strstr(exe, "/valgrind/") && fnmatch("*-*-linux", b, 0) == 0))
		return RUNNER_VALGRIND;
	if (fnmatch("qemu-*", b, 0) == 0 && fnmatch("qemu-system-*", b, 0) != 0 &&
	    fnmatch("qemu-img*", b, 0) != 0)
		return RUNNER_QEMU;
	return RUNNER_NONE;
}

const char *runner_name(enum runner_kind k)
{
	return k == RUNNER_LDSO ? "the dynamic loader" : k == RUNNER_VALGRIND ? "valgrind"
	     : k == RUNNER_QEMU ? "qemu" : "";
}

static int fail(struct runner_target *t, const char *why)
{
	t->why = why;
	return -1;
}

/* glibc's ld.so (elf/rtld.c): options, each "--name" or "--name VALUE", up
 * to the first word that is not one; that word is PROGRAM. */
static int parse_ldso(char *const argv[], size_t argc, struct runner_target *t)
{
	static const char *const flags[] = {"--list", "--verify", "--inhibit-cache",
	                                    "--list-tunables", "--list-diagnostics", NULL};
	static const char *const valued[] = {"--library-path", "--inhibit-rpath", "--audit",
	                                     "--preload", "--argv0", "--glibc-hwcaps-prepend",
	                                     "--glibc-hwcaps-mask", NULL};
	size_t i = 1;
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];
		bool known = false;
		for (size_t k = 0; flags[k] && !known; k++)
			known = !strcmp(a, flags[k]);
		if (known) {
			i++;
			continue;
		}
		for (size_t k = 0; valued[k] && !known; k++)
			known = !strcmp(a, valued[k]);
		if (!known)
			return fail(t, "an option the dynamic loader may read as its program");
		if (i + 1 >= argc)
			return fail(t, "an option without its value");
		if (!strcmp(a, "--argv0"))
			t->argv0 = argv[i + 1];
		else if (strcmp(a, "--inhibit-rpath") && strncmp(a, "--glibc-hwcaps", 14))
			t->loads_code = true;
		i += 2;
	}
	if (i >= argc)
		return fail(t, "no program");
	t->prog = i;
	return 0;
}

/* valgrind [--option[=value] | -v | -q ...] PROGRAM: every option is one word. */
static int parse_valgrind(char *const argv[], size_t argc, struct runner_target *t)
{
	size_t i = 1;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--"))
			return fail(t, "'--' before the program");
		i++;
	}
	if (i >= argc)
		return fail(t, "no program");
	t->prog = i;
	return 0;
}

/* qemu-user: options with a value are listed (qemu's linux-user/main.c);
 * an option not known is refused rather than guessed. */
static int parse_qemu(char *const argv[], size_t argc, struct runner_target *t)
{
	static const char *const flags[] = {"-h", "-help", "-version", "-strace", "-singlestep",
	                                    "-one-insn-per-tb", NULL};
	static const char *const valued[] = {"-L", "-s", "-cpu", "-E", "-U", "-0", "-r", "-B",
	                                     "-R", "-d", "-D", "-p", "-g", "-seed", "-trace",
	                                     "-plugin", "-dfilter", NULL};
	size_t i = 1;
	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i][1] == '-' ? argv[i] + 1 : argv[i];  /* --cpu is -cpu */
		bool flag = false, value = false;
		for (size_t k = 0; flags[k] && !flag; k++)
			flag = !strcmp(a, flags[k]);
		for (size_t k = 0; valued[k] && !value; k++)
			value = !strcmp(a, valued[k]);
		if (!flag && !value)
			return fail(t, "a qemu option pysbx does not know");
		if (!strcmp(a, "-E") || !strcmp(a, "-U") || !strcmp(a, "-L") || !strcmp(a, "-plugin"))
			t->loads_code = true;  /* the guest's environment, its library root, plugins */
		i += value ? 2 : 1;
	}
	if (i >= argc)
		return fail(t, "no program");
	t->prog = i;
	return 0;
}

int runner_parse(enum runner_kind k, char *const argv[], size_t argc, struct runner_target *t)
{
	memset(t, 0, sizeof *t);
	switch (k) {
	case RUNNER_LDSO:
		return parse_ldso(argv, argc, t);
	case RUNNER_VALGRIND:
		return parse_valgrind(argv, argc, t);
	case RUNNER_QEMU:
		return parse_qemu(argv, argc, t);
	case RUNNER_NONE:
		break;
	}
	return fail(t, "not a program runner");
}
