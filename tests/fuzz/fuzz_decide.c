/* libFuzzer harness for the decision code.
 *
 * Calls are made up from the input and judged with a fake view of the world
 * (a job of pids 100..199, programs resolved by name), against the built-in
 * policy or, when bit 7 of the first byte is set, a second one with [module]
 * sections, kill actions and another deny list.  The first byte picks the
 * shape of the call:
 *
 *   byte & 3 == 0   system (popen when bit 2 is set): the rest, up to a NUL,
 *                   is the command string
 *   byte & 3 == 1   an exec-like call (execve, execvp, posix_spawnp, execv
 *                   by bits 2-3; bit 4: the file is fresh; bit 5: its content
 *                   is a copy of bash; bit 6: the image loaded is another
 *                   file): the rest, split at NULs, is argv, and argv[0]
 *                   names the program
 *   otherwise       any entry of funcs[] (the next byte), through syscall()
 *                   when bit 2 is set, called from an object (bit 3, trusted
 *                   with bit 4), with read errors on the arguments the next
 *                   byte names, the arguments made from the rest
 *
 * Besides crashes, a decision must be complete (a rule, a terminated reason),
 * and it must deny a command or an exec whose program word is denied by name
 * in [programs] deny: a shell command is split independently with shsplit,
 * and a program named directly (or through sh -c) with a denied base name
 * must never be allowed.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "monitor/decide.h"
#include "monitor/funcs.h"
#include "monitor/policy.h"
#include "monitor/shsplit.h"
#include "tests/fuzz/fuzz.h"

static struct policy *builtin, *other, *pol;

/* Another policy: modules, kill, no shell in the deny list. */
static const char other_text[] =
	"[policy]\ndefault = kill\n"
	"[functions]\nsystem = check\npopen = allow\nexecve = check\nexecvp = kill\n"
	"posix_spawnp = check\nexecv = deny\nkill = check\nclone = check\nfork = allow\n"
	"syscall = check\nmount = deny\nadjtimex = check\nwordexp = check\n"
	"[programs]\ndeny = nc perl python2\nshell = sh dash bash\n"
	"allow-dir = /usr/bin /opt/\ninterpreter = no\n"
	"[objects]\ntrust = /opt/*\nrefuse = ifunc\n"
	"[module /opt/*]\nkill = allow\nfork = deny\nmount = allow\n"
	"[module *site-packages*]\nclone = kill\nsystem = allow\nkill = allow\n";

/* ---- the fake world --------------------------------------------------- */

static bool in_job(void *ctx, pid_t pid) { (void)ctx; return pid >= 100 && pid < 200; }
static bool pgrp_in_job(void *ctx, pid_t pg) { (void)ctx; return pg == 100; }
static pid_t pgrp_of(void *ctx, pid_t pid) { (void)ctx; return pid == 150 ? 7 : 100; }
static pid_t pidfd_pid(void *ctx, pid_t caller, int fd)
{
	(void)ctx;
	(void)caller;
	return fd == 3 ? 120 : fd == 4 ? 1 : -1;
}
static bool is_script(void *ctx, pid_t caller, const char *path)
{
	(void)ctx;
	(void)caller;
	FUZZ_CHECK(path, "is_script(NULL)");
	return strlen(path) > 3 && !strcmp(path + strlen(path) - 3, ".sh");
}
static bool codepage(void *ctx, pid_t caller, uint64_t *lo, uint64_t *hi)
{
	(void)ctx;
	*lo = 0x10000000;
	*hi = 0x10010000;
	return caller != 102;
}

static char *concat(const char *a, const char *b)
{
	char *s = malloc(strlen(a) + strlen(b) + 1);
	FUZZ_CHECK(s, "out of memory");
	strcpy(s, a);
	strcat(s, b);
	return s;
}

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* A plain name lives in /usr/bin (sh is dash there, python3 is the job's
 * interpreter elsewhere); ./x is in the job's directory; other absolute
 * paths are themselves; anything else does not exist. */
static int resolve(void *ctx, pid_t caller, const char *word, bool path_search,
                   struct program *p)
{
	(void)ctx;
	(void)caller;
	(void)path_search;
	FUZZ_CHECK(word, "resolve(NULL)");
	p->resolved = NULL;
	p->interpreter = false;
	if (!strcmp(word, "python3")) {
		p->resolved = concat("/opt/py/bin/", "python3.11");
		p->interpreter = true;
	} else if (!strcmp(word, "sh") || !strcmp(word, "/bin/sh")) {
		p->resolved = concat("/usr/bin/", "dash");
	} else if (!strncmp(word, "./", 2)) {
		p->resolved = concat("/tmp/job/", word + 2);
	} else if (word[0] == '/') {
		p->resolved = concat("", word);
	} else if (word[0] && strspn(word, "abcdefghijklmnopqrstuvwxyz0123456789._-+") ==
	           strlen(word)) {
		p->resolved = concat("/usr/bin/", word);
	} else {
		return -ENOENT;
	}
	return 0;
}

/* Callbacks that need a live process (memory, write set, sockets, SIGIO
 * owners, terminals) are NULL: their checks deny, as in a replay. */
static const struct job_view view = {
	.in_job = in_job,
	.pgrp_in_job = pgrp_in_job,
	.pgrp_of = pgrp_of,
	.pidfd_pid = pidfd_pid,
	.resolve = resolve,
	.is_script = is_script,
	.codepage = codepage,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	(void)argc;
	(void)argv;
	if (policy_builtin(&builtin, err, sizeof err) ||
	    policy_parse(other_text, sizeof other_text - 1, "other.ini", &other, err,
	                 sizeof err)) {
		fprintf(stderr, "fuzz_decide: %s\n", err);
		exit(1);
	}
	return 0;
}

/* ---- what must be denied ---------------------------------------------- */

static bool denied_word(const char *w)
{
	return policy_list_find(&pol->deny_programs, base_of(w)) != NULL;
}

static bool must_deny_cmd(const char *cmd, unsigned depth);

/* sh -c CMD, with sh one that resolves to the allowed shell and CMD not
 * read as an option */
static bool sh_c(char **argv, size_t argc, unsigned depth)
{
	static const char *const shells[] = {"sh", "dash", "/bin/sh", "/usr/bin/dash"};
	bool sh = false;
	for (size_t i = 0; i < 4; i++)
		sh |= !strcmp(argv[0], shells[i]);
	return argc >= 3 && sh &&
	       !strcmp(argv[1], "-c") && argv[2][0] != '-' && argv[2][0] != '+' &&
	       must_deny_cmd(argv[2], depth + 1);
}

struct find {
	bool found;
	unsigned depth;
};

static int find_denied(void *vctx, const struct shsplit_cmd *cmd)
{
	struct find *f = vctx;
	if (!(cmd->flags[0] & SHSPLIT_DYNAMIC) &&
	    (denied_word(cmd->argv[0]) || sh_c(cmd->argv, cmd->argc, f->depth)))
		f->found = true;
	return f->found;
}

/* The command runs a program denied by name (at depth 0, or through sh -c). */
static bool must_deny_cmd(const char *cmd, unsigned depth)
{
	struct find f = {false, depth};
	if (depth > 3)
		return false;
	shsplit_run(cmd, strlen(cmd), find_denied, &f);
	return f.found;
}

/* ---- making calls ----------------------------------------------------- */

static void check_decision(const struct decision *d)
{
	FUZZ_CHECK(d->verdict == V_ALLOW || d->verdict == V_DENY || d->verdict == V_KILL,
	           "verdict %d", d->verdict);
	FUZZ_CHECK(d->rule && d->rule->file, "decision without a rule");
	FUZZ_CHECK(memchr(d->why, 0, sizeof d->why), "reason not terminated");
	FUZZ_CHECK(strcmp(verdict_name(d->verdict), "?") != 0, "no name for the verdict");
}

static struct decision shell_call(const char *cmd, bool popen_)
{
	struct call c = {.layer = LAYER_GOT, .func = funcs_by_name(popen_ ? "popen" : "system"),
	                 .outer = -1, .pid = 100, .tid = 100, .nargs = popen_ ? 2 : 1};
	struct decision d;
	c.a[0] = (struct call_arg){.fmt = 'c', .str = (char *)cmd};
	c.a[1] = (struct call_arg){.fmt = 's', .str = "r"};
	decide_call(pol, &c, &view, &d);
	check_decision(&d);
	if (pol->fn[c.func].action == ACT_CHECK && must_deny_cmd(cmd, 0))
		FUZZ_CHECK(d.verdict != V_ALLOW, "'%s' allowed: %s", cmd, d.why);
	return d;
}

static void exec_call(unsigned sel, char **argv, size_t argc)
{
	static const char *const names[] = {"execve", "execvp", "posix_spawnp", "execv"};
	const char *name = names[(sel >> 2) & 3];
	int fid = funcs_by_name(name);
	const struct func *f = &funcs[fid];
	struct call c = {.layer = LAYER_GOT, .func = fid, .outer = -1, .pid = 100, .tid = 100,
	                 .has_prog = true};
	struct decision d;

	c.nargs = strlen(f->fmt);
	for (size_t i = 0; i < c.nargs; i++)
		c.a[i].fmt = f->fmt[i];
	c.a[f->prog_arg].str = argv[0];
	c.a[f->argv_arg].vec = argv;
	c.a[f->argv_arg].n = argc;
	c.prog.given = argv[0];
	c.prog.argv = argv;
	c.prog.argc = argc;
	c.prog.fresh = sel & 0x10;
	c.prog.known_as = sel & 0x20 ? "bash" : NULL;
	c.prog.image = sel & 0x40 ? "/tmp/job/image" : NULL;
	if (view.resolve(NULL, c.pid, argv[0], f->how == EX_FILE, &c.prog) != 0)
		c.prog.resolved = NULL;
	decide_call(pol, &c, &view, &d);
	check_decision(&d);
	if (pol->fn[fid].action == ACT_CHECK && (denied_word(argv[0]) || sh_c(argv, argc, 0)))
		FUZZ_CHECK(d.verdict != V_ALLOW, "exec of %s allowed: %s", argv[0], d.why);
	free(c.prog.resolved);
}

/* Any entry, its arguments from the input: 8 bytes per number, strings
 * and vectors from what is left. */
static void any_call(unsigned sel, const uint8_t *data, size_t size)
{
	struct call c = {.layer = LAYER_GOT, .outer = -1, .pid = 100, .tid = 100};
	struct decision d;
	char *vec[2];
	char *rest;

	static const int errs[] = {-EFAULT, -ENAMETOOLONG, -E2BIG, -ENOMEM};
	unsigned err_args;

	if (size < 2)
		return;
	c.func = data[0] % funcs_count;
	c.pid = 100 + data[0] / funcs_count;  /* 100..102; 102 has no code page */
	err_args = data[1];
	if (sel & 4) {
		c.outer = funcs_by_name("syscall");
		c.layer = LAYER_SYSCALL;
	}
	if (sel & 8) {
		c.object = sel & 0x40 ? "/opt/lib/x.so" : "/venv/site-packages/m.so";
		c.object_trusted = sel & 0x10;
		c.handed_out = sel & 0x20;
	}
	data += 2;
	size -= 2;
	c.nargs = strlen(funcs[c.func].fmt);
	for (size_t i = 0; i < c.nargs && i < CALL_MAX_ARGS; i++) {
		uint64_t v = 0;
		size_t k = size < 8 ? size : 8;
		memcpy(&v, data, k);
		data += k;
		size -= k;
		c.a[i].fmt = funcs[c.func].fmt[i];
		c.a[i].raw = v;
		c.a[i].num = (int64_t)v;
		if (err_args & (1u << i))
			c.a[i].err = errs[(v >> 8) & 3];
	}
	rest = malloc(size + 1);
	FUZZ_CHECK(rest, "out of memory");
	memcpy(rest, data, size);
	rest[size] = 0;
	vec[0] = rest;
	vec[1] = NULL;
	for (size_t i = 0; i < c.nargs && i < CALL_MAX_ARGS; i++) {
		/* every string argument the same text; none when it was unreadable */
		if (c.a[i].err)
			continue;
		if (strchr("cPs", c.a[i].fmt))
			c.a[i].str = rest;
		if (strchr("vl", c.a[i].fmt)) {
			c.a[i].vec = vec;
			c.a[i].n = 1;
		}
	}
	decide_call(pol, &c, &view, &d);
	check_decision(&d);
	free(rest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned sel = data[0];
	data++;
	size--;
	pol = sel & 0x80 ? other : builtin;

	if ((sel & 3) >= 2) {
		any_call(sel, data, size);
		return 0;
	}
	/* the text, NUL-terminated, and split at its NULs */
	char *text = malloc(size + 1);
	FUZZ_CHECK(text, "out of memory");
	memcpy(text, data, size);
	text[size] = 0;
	if ((sel & 3) == 0) {
		shell_call(text, sel & 4);
	} else {
		size_t argc = 1;
		for (size_t i = 0; i < size; i++)
			argc += text[i] == 0;
		char **argv = calloc(argc + 1, sizeof *argv);
		FUZZ_CHECK(argv, "out of memory");
		argv[0] = text;
		for (size_t i = 0, k = 1; i < size; i++)
			if (text[i] == 0)
				argv[k++] = text + i + 1;
		exec_call(sel, argv, argc);
		free(argv);
	}
	free(text);
	return 0;
}
