/* decide: the decisions of every layer (see decide.h).
 *
 * Everything here fails closed: an argument that could not be read, a
 * command that cannot be split, nesting too deep, a target that cannot be
 * identified -- each is a deny with a reason. */
#include "monitor/decide.h"
#include "monitor/procfs.h"

#include <errno.h>
#include <limits.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btrfs.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/fsmap.h>
#include <linux/fscrypt.h>
#include <linux/fsverity.h>
#include <linux/ioprio.h>
#include <linux/netlink.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <wordexp.h>

#include "monitor/funcs.h"
#include "monitor/shsplit.h"

#define MAX_DEPTH 8

/* Every flag that makes a new namespace; clone3 adds CLONE_NEWTIME (for clone,
 * 0x80 is part of the exit signal). */
#define CLONE_NAMESPACES (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
                          CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x80
#endif   /* sh -c "sh -c '...'" and eval nesting */

static const struct rule builtin_rule = {"pysbx", 0, "built-in check"};

__attribute__((format(printf, 4, 5)))
static bool verdict(struct decision *d, enum verdict v, const struct rule *r,
                    const char *fmt, ...)
{
	va_list ap;
	d->verdict = v;
	if (r)
		d->rule = r;
	va_start(ap, fmt);
	vsnprintf(d->why, sizeof d->why, fmt, ap);
	va_end(ap);
	return v == V_ALLOW;
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path;
}

static bool read_error(struct decision *d, const struct call_arg *a, const char *what)
{
	const char *why = a->err == -ENAMETOOLONG ? "too long"
	                : a->err == -E2BIG        ? "too many or too large"
	                : a->err == -ENOMEM       ? "too large to copy"
	                                          : "unreadable";
	return verdict(d, V_DENY, NULL, "%s %s", what, why);
}

/* --- programs ---------------------------------------------------------- */

static bool check_shell_cmd(const struct policy *p, const char *cmd, size_t len,
                            const struct job_view *v, pid_t caller, struct decision *d,
                            unsigned depth);

/* A command string being judged (system, popen, sh -c): its simple commands
 * run later, after what comes before them in the string. */
struct shell_ctx {
	const struct policy *p;
	const struct job_view *v;
	pid_t caller;
	struct decision *d;
	unsigned depth;
	bool denied;
	const char *cmd;   /* the whole string */
	size_t len;
};

/* How a shell was asked to read commands, read the way dash (and bash run as
 * sh) reads its command line:
 *   sh [-+FLAGS]... [-+o NAME]... [--] [FILE [ARG...]]
 *   sh -c [...] CMD [NAME [ARG...]]      sh -s [...] [ARG...]
 * Flags combine (-ec); an o in a group takes the next word as its option
 * name (-eo interactive), and the long names mean the letters (-o
 * interactive is -i, -o stdin is -s); "--" and a lone "-" end the options.
 * bash's long options: --rcfile and --init-file read a file as commands at
 * start (refused), -O/+O take a shopt name. */
struct sh_mode {
	bool cmd, stdin_, interactive;
	const char *startup;  /* a file read as commands before anything else */
	const char *operand;  /* command string (cmd) or script file */
};

static void sh_long_name(struct sh_mode *m, const char *name, bool on)
{
	if (!name)
		return;
	if (!strcmp(name, "interactive"))
		m->interactive = on;
	else if (!strcmp(name, "stdin"))
		m->stdin_ = on;
}

/* One -FLAGS or +FLAGS word; returns how many following words it took. */
static size_t sh_flags(struct sh_mode *m, const struct program *prog, size_t i)
{
	const char *a = prog->argv[i];
	bool on = a[0] == '-';
	size_t took = 0;
	for (const char *c = a + 1; *c; c++) {
		const char *next = i + 1 + took < prog->argc ? prog->argv[i + 1 + took] : NULL;
		if (*c == 'c')
			m->cmd = on;
		else if (*c == 's')
			m->stdin_ = on;
		else if (*c == 'i')
			m->interactive = on;
		else if (*c == 'l' && on)
			m->startup = "its login profiles";
		else if (*c == 'o' || *c == 'O') {
			if (*c == 'o')
				sh_long_name(m, next, on);
			if (next)
				took++;
		}
	}
	return took;
}

/* bash's long options that take no value */
static bool bash_long(const char *name)
{
	static const char *const names[] = {
		"debug", "debugger", "dump-po-strings", "dump-strings", "help", "login",
		"noediting", "noprofile", "norc", "posix", "pretty-print", "protected",
		"restricted", "verbose", "version", "wordexp", NULL};
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

enum sh_kind { SH_DASH, SH_BASH, SH_UNKNOWN };

static enum sh_kind name_kind(const char *name)
{
	if (name && (!strcmp(name, "bash") || !strcmp(name, "rbash")))
		return SH_BASH;
	return name && !strcmp(name, "dash") ? SH_DASH : SH_UNKNOWN;
}

/* Which shell a program is, by what its file is (its content's identity and
 * the file's own name), never by the name the job ran it by: a link named
 * rbash to dash reads -posix as dash does.  "sh" tells nothing (bash on some
 * systems), and names that disagree, or a shell known as neither (one a
 * policy adds), have the command line read both ways. */
static enum sh_kind sh_kind(const struct program *prog)
{
	enum sh_kind a = name_kind(prog->known_as), b = name_kind(base_name(prog->resolved));
	if (a == SH_UNKNOWN)
		return b;
	return b == SH_UNKNOWN || b == a ? a : SH_UNKNOWN;
}

/* bash reads its long options first, with one dash or two (-norc is
 * --norc), up to the first word that is none; later words, and every word
 * for dash, are short options (dash reads -posix as -p -o six...). */
static void sh_parse(const struct program *prog, struct sh_mode *m, bool bash)
{
	size_t i = 1;
	bool longs = bash;
	memset(m, 0, sizeof *m);
	/* a login shell by its name: "-sh" runs the login profiles as -l does */
	if (prog->argc > 0 && prog->argv[0] && prog->argv[0][0] == '-')
		m->startup = "its login profiles (its name starts with -)";
	for (; i < prog->argc; i++) {
		const char *a = prog->argv[i];
		if (!strcmp(a, "--") || !strcmp(a, "-")) {
			i++;
			break;
		}
		const char *lng = a[0] == '-' && a[1] == '-' ? a + 2 : a[0] == '-' ? a + 1 : NULL;
		if (longs && lng && (!strcmp(lng, "rcfile") || !strcmp(lng, "init-file"))) {
			m->startup = i + 1 < prog->argc ? prog->argv[i + 1] : a;
			i++;
			continue;
		}
		if (longs && lng && !strcmp(lng, "login")) {
			m->startup = "its login profiles";
			continue;
		}
		if (a[0] == '-' && a[1] == '-' && a[2])
			continue;  /* bash's other long options take no value; dash refuses them */
		if (longs && lng && bash_long(lng))
			continue;
		longs = false;
		if ((a[0] != '-' && a[0] != '+') || a[1] == 0)
			break;
		i += sh_flags(m, prog, i);
	}
	m->operand = i < prog->argc ? prog->argv[i] : NULL;
}

/* How often the command string names a file by name: name as a whole path
 * component ("x", "./x", "d/x", '"x"', "f=x"), not inside another word
 * ("deactivate" does not name "activate"). */
static size_t times_named(const struct shell_ctx *s, const char *name)
{
	static const char *const bounds = " \t\n/\"'=;&|<>()`$";
	size_t n = strlen(name), seen = 0;
	const char *end = s->cmd + s->len;
	for (const char *at = s->cmd; n && at < end; at++) {
		if (!(at = memmem(at, (size_t)(end - at), name, n)))
			break;
		bool left = at == s->cmd || strchr(bounds, at[-1]);
		bool right = at + n == end || strchr(bounds, at[n]);
		seen += left && right;
	}
	return seen;
}

/* Whether a script operand that is not there now may be made by the command
 * it is part of ("echo ... > s.sh; sh s.sh"): it does not exist, and it is a
 * word known only at run time or one the command names elsewhere too.  Such
 * a shell is judged at its own exec, where the script exists or not. */
static bool made_by_command(const struct shell_ctx *in_cmd, const struct job_view *v,
                            pid_t caller, const char *operand)
{
	struct program prog = {.given = (char *)operand};
	if (!in_cmd || !*operand)
		return false;
	int rc = v->resolve(v->ctx, caller, operand, false, &prog);
	free(prog.resolved);
	if (rc != -ENOENT)
		return false;
	if (strpbrk(operand, "$`*?[") || operand[0] == '~')
		return true;
	return times_named(in_cmd, operand) >= 2;
}

static bool check_sh_mode(const struct policy *p, const struct program *prog,
                          const struct rule_word *w, const struct job_view *v,
                          pid_t caller, struct decision *d, unsigned depth,
                          const struct shell_ctx *in_cmd, bool bash);

static bool check_shell_program(const struct policy *p, const struct program *prog,
                                const struct rule_word *w, const struct job_view *v,
                                pid_t caller, struct decision *d, unsigned depth,
                                const struct shell_ctx *in_cmd)
{
	enum sh_kind kind = sh_kind(prog);
	if (!check_sh_mode(p, prog, w, v, caller, d, depth, in_cmd, kind == SH_BASH))
		return false;
	return kind != SH_UNKNOWN || check_sh_mode(p, prog, w, v, caller, d, depth, in_cmd, true);
}

/* The shell's command line read as bash's (bash) or dash's. */
static bool check_sh_mode(const struct policy *p, const struct program *prog,
                          const struct rule_word *w, const struct job_view *v,
                          pid_t caller, struct decision *d, unsigned depth,
                          const struct shell_ctx *in_cmd, bool bash)
{
	struct sh_mode m;
	sh_parse(prog, &m, bash);
	if (m.interactive)
		return verdict(d, V_DENY, &w->rule, "%s -i is an interactive shell", w->word);
	if (m.startup)
		return verdict(d, V_DENY, &w->rule, "%s would read commands from %s at start",
		               w->word, m.startup);
	/* with -c as well, -s makes sh read its input once CMD is done (and
	 * makes it interactive on a terminal) */
	if (m.stdin_)
		return verdict(d, V_DENY, &w->rule, "%s -s would read commands from its input",
		               w->word);
	if (m.cmd) {
		if (!m.operand)
			return verdict(d, V_DENY, &w->rule, "%s -c without a command", w->word);
		return check_shell_cmd(p, m.operand, strlen(m.operand), v, caller, d, depth + 1);
	}
	if (!m.operand)
		return verdict(d, V_DENY, &w->rule, "%s would read commands from its input",
		               w->word);
	if (v->is_script(v->ctx, caller, m.operand))
		return verdict(d, V_ALLOW, &w->rule, "%s runs the script %s", w->word, m.operand);
	if (made_by_command(in_cmd, v, caller, m.operand))
		return verdict(d, V_ALLOW, &w->rule, "%s script %s is not there yet: the command "
		               "may make it, and %s is judged at its exec", w->word, m.operand,
		               w->word);
	return verdict(d, V_DENY, &w->rule, "%s script '%s' is not a regular file",
	               w->word, m.operand);
}

static const struct rule_word *under_dir(const struct rule_list *dirs, const char *path)
{
	for (size_t i = 0; path && i < dirs->n; i++) {
		const char *dir = dirs->v[i].word;
		size_t n = strlen(dir);
		while (n > 1 && dir[n - 1] == '/')
			n--;
		if (strncmp(path, dir, n) == 0 && (path[n] == '/' || n == 1))
			return &dirs->v[i];
	}
	return NULL;
}

/* A denied name: what it was called, what it resolves to, its image, and
 * (last, so a plain name wins in the message) what its content is.  *which
 * is the index of the name that matched (3: by content). */
static const struct rule_word *denied_name(const struct policy *p, const struct program *prog,
                                           int *which)
{
	const char *names[] = {base_name(prog->given), base_name(prog->resolved),
	                       base_name(prog->image), prog->known_as};
	for (int i = 0; i < 4; i++) {
		*which = i;
		const struct rule_word *w = names[i] ? policy_list_find(&p->deny_programs, names[i])
		                                     : NULL;
		if (w)
			return w;
	}
	return NULL;
}

/* At an exec stop, a script's image is its #! interpreter, and the kernel
 * put the interpreter's name and its #! argument in front of argv.  For
 * "#!/usr/bin/env NAME" (a pyenv shim is "#!/usr/bin/env bash") the program
 * that runs the script is NAME, found by env: the first word of the #!
 * argument that is not an option or an assignment. */
static const struct rule_word *denied_env_interpreter(const struct policy *p,
                                                      const struct program *prog,
                                                      char *name, size_t cap)
{
	if (!prog->image || !prog->argv || prog->argc < 3 ||
	    strcmp(base_name(prog->image), "env") != 0)
		return NULL;
	char buf[256], *save = NULL;
	snprintf(buf, sizeof buf, "%s", prog->argv[1]);
	for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (t[0] == '-' || strchr(t, '='))
			continue;
		snprintf(name, cap, "%s", base_name(t));
		return policy_list_find(&p->deny_programs, name);
	}
	return NULL;
}

static const struct rule_word *shell_name(const struct policy *p, const struct program *prog)
{
	const struct rule_word *w = policy_list_find(&p->shells, base_name(prog->resolved) ?
	                                             base_name(prog->resolved) : "");
	if (!w && prog->given)
		w = policy_list_find(&p->shells, base_name(prog->given));
	if (!w && prog->known_as)
		w = policy_list_find(&p->shells, prog->known_as);
	return w;
}

/* A file must be allowed where it lives: under an allow-dir, or the interpreter. */
static bool check_location(const struct policy *p, const char *path, bool interpreter,
                           struct decision *d)
{
	const struct rule_word *dir;
	if (procfs_deleted_len(path) && !interpreter)
		return verdict(d, V_DENY, &p->outside_rule, "%s: its file was deleted, so it lives "
		               "nowhere it could be allowed from", path);
	if (interpreter && p->allow_interpreter)
		return verdict(d, V_ALLOW, &p->interpreter_rule, "%s is the job's interpreter",
		               path);
	dir = under_dir(&p->allow_dirs, path);
	if (dir)
		return verdict(d, V_ALLOW, &dir->rule, "%s is under %s", path, dir->word);
	for (size_t i = 0; i < p->allow_programs.n; i++)
		if (fnmatch(p->allow_programs.v[i].word, path, 0) == 0)
			return verdict(d, V_ALLOW, &p->allow_programs.v[i].rule, "%s is allowed by name",
			               path);
	return verdict(d, V_DENY, &p->outside_rule, "%s is not an allowed program", path);
}

static bool program_at(const struct policy *p, const struct program *prog,
                       const struct job_view *v, pid_t caller, struct decision *d,
                       unsigned depth, const struct shell_ctx *in_cmd)
{
	const struct rule_word *w;
	const char *what = prog->resolved ? prog->resolved : prog->given;
	char name[64];
	if (depth > MAX_DEPTH)
		return verdict(d, V_DENY, NULL, "commands nested too deeply");
	int which;
	w = denied_name(p, prog, &which);
	if (w && which == 3)
		return verdict(d, V_DENY, &w->rule, "%s is a copy of %s, a denied program",
		               what, w->word);
	if (w && which == 2 && prog->resolved && strcmp(prog->resolved, prog->image) != 0)
		return verdict(d, V_DENY, &w->rule, "%s is a script for %s, a denied program",
		               what, w->word);
	if (w)
		return verdict(d, V_DENY, &w->rule, "%s is a denied program", w->word);
	w = denied_env_interpreter(p, prog, name, sizeof name);
	if (w)
		return verdict(d, V_DENY, &w->rule, "%s is a script for %s (#!%s %s), and %s is a "
		               "denied program", what, name, prog->image, prog->argv[1], w->word);
	if (prog->fresh)
		return verdict(d, V_DENY, NULL, "%s was created or changed during the job", what);
	if (!prog->resolved)
		return verdict(d, V_ALLOW, NULL,
		               "%s not found (checked again if it is ever run)", prog->given);
	if (prog->image && !check_location(p, prog->image, prog->interpreter, d))
		return false;
	if (!check_location(p, prog->resolved, prog->interpreter && !prog->image, d))
		return false;
	w = shell_name(p, prog);
	if (w && prog->argc > 0)
		return check_shell_program(p, prog, w, v, caller, d, depth, in_cmd);
	return true;
}

bool decide_program(const struct policy *p, const struct program *prog,
                    const struct job_view *v, pid_t caller, struct decision *d)
{
	/* the rule that asked (execve = check) stays the rule, unless a more
	 * specific one decides */
	if (!d->rule)
		d->rule = &builtin_rule;
	return program_at(p, prog, v, caller, d, 0, NULL);
}

bool decide_program_plain(const struct policy *p, const struct program *prog)
{
	return prog->resolved && !prog->fresh && !shell_name(p, prog);
}

/* --- shell commands ---------------------------------------------------- */

/* Shell words that are not programs: builtins and keywords that never exec. */
static bool is_builtin(const char *w)
{
	static const char *const b[] = {
		":", ".", "source", "cd", "echo", "printf", "true", "false", "test", "[",
		"export", "set", "unset", "read", "readonly", "local", "shift", "trap",
		"wait", "umask", "ulimit", "alias", "unalias", "type", "hash", "getopts",
		"exit", "return", "break", "continue", "times", "jobs", "fg", "bg", "pwd",
		NULL};
	for (size_t i = 0; b[i]; i++)
		if (strcmp(w, b[i]) == 0)
			return true;
	return false;
}

/* Wrappers run their operand as a program: returns the index of the operand
 * (the wrapped command), or 0 when w is not a wrapper, or -1 when it runs no
 * program.  Option parsing is deliberately simple: anything the wrapper runs is
 * checked again at its exec. */
static long unwrap(char **argv, size_t argc)
{
	const char *w = base_name(argv[0]);
	size_t i = 1;
	if (!strcmp(w, "exec") || !strcmp(w, "nohup") || !strcmp(w, "builtin")) {
		/* exec and builtin are the shell's own; nohup takes no options */
	} else if (!strcmp(w, "command")) {
		for (; i < argc && argv[i][0] == '-'; i++)
			if (strchr(argv[i], 'v') || strchr(argv[i], 'V'))
				return -1;
	} else if (!strcmp(w, "env")) {
		for (; i < argc; i++) {
			const char *a = argv[i];
			if (!strcmp(a, "-u") || !strcmp(a, "-C") || !strcmp(a, "--unset") ||
			    !strcmp(a, "--chdir"))
				i++;
			else if (!strcmp(a, "--")) {
				i++;
				break;
			} else if (a[0] != '-' && !strchr(a, '='))
				break;
		}
	} else if (!strcmp(w, "nice") || !strcmp(w, "time") || !strcmp(w, "setsid") ||
	           !strcmp(w, "stdbuf") || !strcmp(w, "ionice")) {
		for (; i < argc && argv[i][0] == '-'; i++)
			if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "-c") ||
			    ((!strcmp(argv[i], "-i") || !strcmp(argv[i], "-o") ||
			      !strcmp(argv[i], "-e")) && !strcmp(w, "stdbuf")))
				i++;
	} else if (!strcmp(w, "timeout")) {
		for (; i < argc && argv[i][0] == '-'; i++)
			if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "-k"))
				i++;
		i++;  /* the duration */
	} else
		return 0;
	return i < argc ? (long)i : -1;
}

static int shell_word_cb(void *vctx, const struct shsplit_cmd *cmd);

/* Whether the name after "/dev/" (up to k bytes) can be tcp or udp once the
 * shell has expanded it: its literal start is a start of "tcp" or "udp" and
 * an expansion ($, `, {) follows.  A glob cannot make it: /dev/tcp is no file. */
static bool may_expand_to_net(const char *c, size_t k)
{
	size_t lit = strcspn(c, "$`{");
	if (lit >= k)
		return false;
	return !strncmp(c, "tcp", lit < 3 ? lit : 3) || !strncmp(c, "udp", lit < 3 ? lit : 3);
}

/* bash opens a network connection itself for a redirection to
 * /dev/tcp/HOST/PORT or /dev/udp/HOST/PORT: no exec to judge it at.  Such a
 * path anywhere in a command, however quoted, is refused, and so is a /dev/
 * path whose next name an expansion may turn into one (/dev/$x/...).  A path
 * built wholly at run time is not seen here; it reaches no further than the
 * job's own sockets. */
static const char *net_path(const char *cmd, size_t len)
{
	char *s = malloc(len + 1);
	size_t n = 0;
	const char *why = NULL;
	if (!s)
		return "out of memory";
	for (size_t i = 0; i < len; i++)   /* quotes and backslashes hide nothing */
		if (cmd[i] != '\'' && cmd[i] != '"' && cmd[i] != '\\')
			s[n++] = cmd[i];
	s[n] = 0;
	for (const char *at = strstr(s, "/dev/"); at && !why; at = strstr(at + 1, "/dev/")) {
		const char *c = at + 5;
		size_t k = strcspn(c, "/ \t\n;&|<>()");
		if (!strncmp(c, "tcp", 3) || !strncmp(c, "udp", 3))
			why = "a /dev/tcp or /dev/udp path: bash would open a network connection";
		else if (may_expand_to_net(c, k))
			why = "a /dev/ path known only at run time (it could be /dev/tcp)";
	}
	free(s);
	return why;
}

static bool check_shell_cmd(const struct policy *p, const char *cmd, size_t len,
                            const struct job_view *v, pid_t caller, struct decision *d,
                            unsigned depth)
{
	struct shell_ctx ctx = {p, v, caller, d, depth, false, cmd, len};
	if (depth > MAX_DEPTH)
		return verdict(d, V_DENY, NULL, "commands nested too deeply");
	const char *net = net_path(cmd, len);
	if (net)
		return verdict(d, V_DENY, NULL, "the command holds %s", net);
	verdict(d, V_ALLOW, NULL, "every program the command runs is allowed");
	int rc = shsplit_run(cmd, len, shell_word_cb, &ctx);
	if (ctx.denied)
		return false;
	if (rc == -EINVAL)
		return verdict(d, V_DENY, NULL, "the shell would reject the command");
	if (rc < 0)
		return verdict(d, V_DENY, NULL, "command too complex to judge");
	return true;
}

/* eval's words are joined with spaces and read again as a command. */
static int check_eval(struct shell_ctx *s, char **argv, size_t argc)
{
	size_t len = 0;
	for (size_t i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *joined = malloc(len + 1);
	if (!joined) {
		s->denied = !verdict(s->d, V_DENY, NULL, "out of memory");
		return 1;
	}
	joined[0] = 0;
	for (size_t i = 0; i < argc; i++) {
		strcat(joined, argv[i]);
		strcat(joined, " ");
	}
	bool ok = check_shell_cmd(s->p, joined, strlen(joined), s->v, s->caller, s->d,
	                          s->depth + 1);
	free(joined);
	s->denied = !ok;
	return ok ? 0 : 1;
}

/* A program word known only when the shell runs is checked at its exec; but
 * it may expand to nothing and hand the program slot to the next word
 * ("$x bash"), so a denied name among the words is denied now. */
static int check_dynamic(struct shell_ctx *s, char **argv, const unsigned *flags, size_t argc)
{
	for (size_t i = 1; i < argc; i++) {
		const struct rule_word *w = flags[i] & SHSPLIT_DYNAMIC ? NULL
		                          : policy_list_find(&s->p->deny_programs, base_name(argv[i]));
		if (w) {
			s->denied = !verdict(s->d, V_DENY, &w->rule, "%s is a denied program", w->word);
			return 1;
		}
	}
	return 0;
}

/* bash's "enable -f FILE NAME" loads FILE as a builtin: native code in a
 * shell, with no exec to judge it at. */
static bool enable_f(char **argv, size_t argc)
{
	if (strcmp(argv[0], "enable") != 0)
		return false;
	for (size_t i = 1; i < argc && argv[i][0] == '-'; i++)
		if (strchr(argv[i], 'f'))
			return true;
	return false;
}

/* ". FILE" reads FILE as commands: judged as "sh FILE" is.  A device, pipe
 * or descriptor (". /dev/stdin") is the shell reading its input.  Unlike
 * "sh FILE" no exec follows to judge it again, so FILE must be a regular
 * file now, and the one the shell will read: not a word known only at run
 * time, not a name without a slash (the shell looks it up in a PATH the
 * command may set), nor a file the command names elsewhere too (it may
 * replace it first: "ln -sf /dev/stdin x; . ./x"). */
static int check_dot(struct shell_ctx *s, char **argv, const unsigned *flags, size_t argc)
{
	size_t f = argc > 2 && !strcmp(argv[1], "--") ? 2 : 1;
	if (argc <= f)
		return 0;  /* no file: the shell's own usage error */
	if (flags[f] & SHSPLIT_DYNAMIC)
		s->denied = !verdict(s->d, V_DENY, NULL, "%s %s: a file known only at run time "
		                     "may be the shell's input", argv[0], argv[f]);
	else if (!strchr(argv[f], '/'))
		s->denied = !verdict(s->d, V_DENY, NULL, "%s %s: the shell looks the name up in "
		                     "PATH, which the command may set (write ./%s)", argv[0],
		                     argv[f], argv[f]);
	else if (times_named(s, base_name(argv[f])) > 1)
		s->denied = !verdict(s->d, V_DENY, NULL, "%s %s: the command names the file "
		                     "elsewhere too, and may replace it first", argv[0], argv[f]);
	else if (!s->v->is_script(s->v->ctx, s->caller, argv[f]))
		s->denied = !verdict(s->d, V_DENY, NULL, "%s %s would read commands from what is "
		                     "not a regular file (now)", argv[0], argv[f]);
	else
		return 0;
	return 1;
}

/* "set -s" (or -o stdin) in a command has dash read its input once the
 * command string is done, as "sh -s" would; "set -i" makes it interactive.
 * A word known only at run time ($X, `...`, a glob such as -?) may become
 * any option while options are read. */
static int check_set(struct shell_ctx *s, char **argv, const unsigned *flags, size_t argc)
{
	struct program prog = {.argv = argv, .argc = argc};
	struct sh_mode m;
	for (size_t i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool dynamic = (flags[i] & SHSPLIT_DYNAMIC) || strpbrk(a, "$`*?[");
		if (!dynamic && (!strcmp(a, "--") || (a[0] != '-' && a[0] != '+')))
			break;
		memset(&m, 0, sizeof m);
		size_t took = dynamic ? 0 : sh_flags(&m, &prog, i);
		for (size_t k = 1; k <= took; k++)  /* -o $X: the option known at run time */
			dynamic = dynamic || (flags[i + k] & SHSPLIT_DYNAMIC) ||
			          strpbrk(argv[i + k], "$`*?[");
		i += took;
		if (m.stdin_ || m.interactive || dynamic) {
			s->denied = !verdict(s->d, V_DENY, NULL, "set %s would have the shell read "
			                     "commands from its input", a);
			return 1;
		}
	}
	return 0;
}

static int check_simple(struct shell_ctx *s, char **argv, const unsigned *flags, size_t argc)
{
	while (argc > 0) {
		if (flags[0] & SHSPLIT_DYNAMIC)
			return check_dynamic(s, argv, flags, argc);
		if (!strcmp(argv[0], "eval"))
			return check_eval(s, argv + 1, argc - 1);
		if (!strcmp(argv[0], "trap") && argc > 1 && argv[1][0] != '-')
			return check_eval(s, argv + 1, 1);  /* the action runs as a command */
		long next = unwrap(argv, argc);
		bool shell_own = !strcmp(argv[0], "exec") || !strcmp(argv[0], "command") ||
		                 !strcmp(argv[0], "builtin");
		if (enable_f(argv, argc)) {
			s->denied = !verdict(s->d, V_DENY, NULL, "enable -f would load a shared object "
			                     "into the shell");
			return 1;
		}
		if (next == 0 && (!strcmp(argv[0], ".") || !strcmp(argv[0], "source")))
			return check_dot(s, argv, flags, argc);
		if (next == 0 && !strcmp(argv[0], "set"))
			return check_set(s, argv, flags, argc);
		if (next == 0 && is_builtin(argv[0]))
			return 0;
		if (!shell_own) {
			struct program prog = {.given = argv[0], .argv = argv, .argc = argc};
			int rc = s->v->resolve(s->v->ctx, s->caller, argv[0], true, &prog);
			bool ok = rc == 0 || rc == -ENOENT
			        ? program_at(s->p, &prog, s->v, s->caller, s->d, s->depth, s)
			        : verdict(s->d, V_DENY, NULL, "cannot resolve %s", argv[0]);
			free(prog.resolved);
			if (!ok) {
				s->denied = true;
				return 1;
			}
		}
		if (next <= 0)
			return 0;
		argv += next;
		flags += next;
		argc -= (size_t)next;
	}
	return 0;
}

static int shell_word_cb(void *vctx, const struct shsplit_cmd *cmd)
{
	struct shell_ctx *s = vctx;
	return check_simple(s, cmd->argv, cmd->flags, cmd->argc);
}

/* --- signals and other targets ------------------------------------------ */

/* A target that is not there gets the kernel's own answer (ESRCH): nothing
 * outside the job is reached by a call that names no process. */
static bool missing(const struct job_view *v, pid_t pid, struct decision *d, const char *what,
                    pid_t shown)
{
	if (!v->exists || v->exists(v->ctx, pid))
		return false;
	verdict(d, V_DENY, NULL, "%s %d does not exist", what, (int)shown);
	d->err = ESRCH;
	return true;
}

static bool check_target(const struct job_view *v, pid_t pid, struct decision *d)
{
	if (pid > 0 && v->in_job(v->ctx, pid))
		return verdict(d, V_ALLOW, NULL, "process %d is in the job", (int)pid);
	if (pid > 0 && missing(v, pid, d, "process", pid))
		return false;
	return verdict(d, V_DENY, NULL, "process %d is outside the job", (int)pid);
}

static bool check_group(const struct job_view *v, pid_t caller, pid_t pgid,
                        struct decision *d)
{
	if (pgid == 0)
		pgid = v->pgrp_of(v->ctx, caller);
	if (pgid > 0 && v->pgrp_in_job(v->ctx, pgid))
		return verdict(d, V_ALLOW, NULL, "process group %d is the job's", (int)pgid);
	if (pgid > 0 && missing(v, -pgid, d, "process group", pgid))
		return false;
	return verdict(d, V_DENY, NULL, "process group %d reaches outside the job", (int)pgid);
}

static bool check_signal(const struct call *c, const struct job_view *v, struct decision *d)
{
	pid_t pid = (pid_t)c->a[0].num;
	if (!strcmp(funcs[c->func].name, "pidfd_open") && pid <= 0) {
		verdict(d, V_DENY, NULL, "pidfd_open(%d) names no process", (int)pid);
		d->err = EINVAL;
		return false;
	}
	if (strcmp(funcs[c->func].name, "kill") != 0)
		return check_target(v, pid, d);
	if (pid == -1)
		return verdict(d, V_DENY, NULL, "kill(-1) signals every process");
	/* -INT_MIN does not exist; the kernel refuses it (ESRCH) and so do we. */
	if (pid == INT_MIN) {
		verdict(d, V_DENY, NULL, "kill(%d) names no process group", (int)pid);
		d->err = ESRCH;
		return false;
	}
	if (pid <= 0)
		return check_group(v, c->pid, -pid, d);
	return check_target(v, pid, d);
}

/* pidfd_send_signal and pidfd_getfd: a descriptor that is no pidfd gets the
 * kernel's EBADF. */
static bool check_pidfd(const struct call *c, const struct job_view *v, struct decision *d)
{
	int fd = (int)c->a[0].num;
	pid_t pid = v->pidfd_pid(v->ctx, c->pid, fd);
	if (pid <= 0) {
		verdict(d, V_DENY, NULL, "descriptor %d is not a pidfd", fd);
		d->err = EBADF;
		return false;
	}
	return check_target(v, pid, d);
}

static const struct call_arg *arg_of(const struct call *c, char fmt)
{
	for (size_t i = 0; i < c->nargs; i++)
		if (c->a[i].fmt == fmt)
			return &c->a[i];
	return NULL;
}

static bool check_exec(const struct policy *p, const struct call *c, const struct job_view *v,
                       struct decision *d)
{
	const struct func *f = &funcs[c->func];
	if (f->prog_arg >= 0 && c->a[f->prog_arg].err)
		return read_error(d, &c->a[f->prog_arg], "program name");
	if (f->argv_arg >= 0 && c->a[f->argv_arg].err)
		return read_error(d, &c->a[f->argv_arg], "argument vector");
	if (!c->has_prog)
		return verdict(d, V_DENY, NULL, "program could not be identified");
	return decide_program(p, &c->prog, v, c->pid, d);
}

static bool overlaps(uint64_t a, uint64_t len, uint64_t lo, uint64_t hi)
{
	return a < hi && (a + len < a || a + len > lo);
}

/* The memory range a memory call changes, if any: [*a, *a + *len). */
static bool changed_range(const struct call *c, uint64_t *a, uint64_t *len)
{
	const char *n = funcs[c->func].name;
	*a = c->a[0].raw;
	*len = c->a[1].raw;
	if (!strcmp(n, "mmap"))
		return c->a[3].raw & MAP_FIXED;
	return true;
}

static bool check_codepage(const struct call *c, const struct job_view *v, struct decision *d)
{
	uint64_t lo, hi, a, len;
	if (!v->codepage(v->ctx, c->pid, &lo, &hi))
		return verdict(d, V_ALLOW, NULL, "no code page in this process");
	bool touch = changed_range(c, &a, &len) && overlaps(a, len, lo, hi);
	/* mremap(MREMAP_FIXED) also names where the mapping goes */
	if (!strcmp(funcs[c->func].name, "mremap") && (c->a[3].raw & MREMAP_FIXED))
		touch |= overlaps(c->a[4].raw, c->a[2].raw, lo, hi);
	if (touch)
		return verdict(d, V_DENY, NULL, "it would change pysbx's code page or argument stage");
	return verdict(d, V_ALLOW, NULL, "it leaves pysbx's code page and argument stage alone");
}

/* --- limits and scheduling of a process ----------------------------------- */

/* A process or thread id: 0 is the caller. */
static bool own_or_job(const struct job_view *v, pid_t pid, struct decision *d)
{
	if (pid == 0)
		return verdict(d, V_ALLOW, NULL, "the caller's own");
	if (pid < 0) {  /* no process: the kernel's own answer */
		verdict(d, V_DENY, NULL, "process %d names no process", (int)pid);
		d->err = EINVAL;
		return false;
	}
	return check_target(v, pid, d);
}

/* setpriority and ioprio_set: a process, a process group or a user (every
 * process of it, pysbx-trace's too when it runs as that user). */
static bool check_who(const struct call *c, const struct job_view *v, int proc, int pgrp,
                      struct decision *d)
{
	int which = (int)c->a[0].num;
	pid_t who = (pid_t)c->a[1].num;
	if (which == proc)
		return own_or_job(v, who, d);
	if (which == pgrp)
		return check_group(v, c->pid, who, d);
	return verdict(d, V_DENY, NULL, "it reaches every process of a user");
}

static bool check_limits_target(const struct call *c, const struct job_view *v,
                                struct decision *d)
{
	const char *name = funcs[c->func].name;
	if (!strcmp(name, "setpriority"))
		return check_who(c, v, PRIO_PROCESS, PRIO_PGRP, d);
	if (!strcmp(name, "ioprio_set"))
		return check_who(c, v, IOPRIO_WHO_PROCESS, IOPRIO_WHO_PGRP, d);
	return own_or_job(v, (pid_t)c->a[0].num, d);
}

/* --- other routes out of the job ------------------------------------------- */

/* A SIGIO owner: a process (pid > 0) or a process group (pid < 0) of the job;
 * 0 clears the owner. */
static bool check_owner(const struct call *c, const struct job_view *v, int type, pid_t pid,
                        struct decision *d)
{
	if (pid == 0)
		return verdict(d, V_ALLOW, NULL, "no SIGIO owner");
	if (type == F_OWNER_PGRP || pid < 0) {
		if (pid == INT_MIN)
			return verdict(d, V_DENY, NULL, "process group %d does not exist", (int)pid);
		return check_group(v, c->pid, pid < 0 ? -pid : pid, d);
	}
	return check_target(v, pid, d);
}

static bool check_fd_meta(const struct call *c, const struct job_view *v,
                          struct decision *d, const char *what);

/* F_SETSIG, F_NOTIFY and O_ASYNC (F_SETFL, FIOASYNC) have the kernel signal
 * the descriptor's owner, which an outside process may have made itself (a
 * descriptor the job inherited): the signal would leave the job, with the
 * number the job chose.  Allowed when the owner is none or the job's. */
static bool check_sigio_route(const struct call *c, const struct job_view *v,
                              struct decision *d, const char *what, bool fasync)
{
	int fd = (int)c->a[0].raw;
	int where = v->sigio_owner ? v->sigio_owner(v->ctx, c->pid, fd) : -ENOSYS;
	/* a terminal with no owner makes its foreground group the owner when
	 * O_ASYNC goes on (tty_fasync): that group must be the job's too */
	int tty = fasync && where == 0 && v->tty_target ? v->tty_target(v->ctx, c->pid, fd) : 0;
	if (tty > 0)
		return verdict(d, V_DENY, NULL, "%s: descriptor %d is a terminal whose foreground "
		               "group is outside the job", what, fd);
	if (tty < 0 && tty != -ENOTTY)
		return verdict(d, V_DENY, NULL, "%s: terminal %d cannot be told (%s)", what, fd,
		               strerror(-tty));
	if (where == 0)
		return verdict(d, V_ALLOW, NULL, "%s: descriptor %d's SIGIO owner is none or the "
		               "job's", what, fd);
	if (where == -EBADF) {
		verdict(d, V_DENY, NULL, "%s: descriptor %d is not open", what, fd);
		d->err = EBADF;
		return false;
	}
	if (where < 0)
		return verdict(d, V_DENY, NULL, "%s: descriptor %d's SIGIO owner cannot be read (%s)",
		               what, fd, strerror(-where));
	return verdict(d, V_DENY, NULL, "%s: descriptor %d's SIGIO owner is outside the job",
	               what, fd);
}

/* fcntl(fd, cmd, arg): the owner SIGIO and SIGURG go to, and what makes the
 * kernel signal it. */
static bool check_fowner(const struct call *c, const struct job_view *v, struct decision *d)
{
	unsigned cmd = (unsigned)c->a[1].raw;
	struct f_owner_ex ex;
	if (cmd == F_SETOWN)
		return check_owner(c, v, F_OWNER_PID, (pid_t)(int)c->a[2].raw, d);
	if (cmd == F_SETSIG)
		return check_sigio_route(c, v, d, "F_SETSIG", false);
	if (cmd == F_NOTIFY)
		return check_sigio_route(c, v, d, "F_NOTIFY", false);
	if (cmd == F_SETFL && (c->a[2].raw & O_ASYNC))
		return check_sigio_route(c, v, d, "O_ASYNC", true);
	/* a lease holds off every other opener of the file for up to
	 * lease-break-time (a root job owns every system file) */
	if (cmd == F_SETLEASE && (int)c->a[2].raw != F_UNLCK)
		return check_fd_meta(c, v, d, "F_SETLEASE");
	if (cmd != F_SETOWN_EX)
		return verdict(d, V_ALLOW, NULL, "fcntl command %u names no process", cmd);
	if (!v->read_mem || v->read_mem(v->ctx, c->tid, c->a[2].raw, &ex, sizeof ex) < 0)
		return verdict(d, V_DENY, NULL, "F_SETOWN_EX owner unreadable");
	if (ex.type != F_OWNER_TID && ex.type != F_OWNER_PID && ex.type != F_OWNER_PGRP)
		return verdict(d, V_DENY, NULL, "F_SETOWN_EX owner type %d", ex.type);
	return check_owner(c, v, ex.type, ex.pid, d);
}

/* A terminal signals its foreground group itself: SIGWINCH when resized,
 * any signal by TIOCSIG on its master.  Another session's terminal (the
 * user's shell, an editor on another pty: /dev/pts is in the write set)
 * would carry them out of the job. */
static bool check_tty_signal(const struct call *c, const struct job_view *v,
                             struct decision *d, const char *what)
{
	int fd = (int)c->a[0].raw;
	int where = v->tty_target ? v->tty_target(v->ctx, c->pid, fd) : -ENOSYS;
	if (where == 0)
		return verdict(d, V_ALLOW, NULL, "%s: terminal %d signals only the job", what, fd);
	if (where == -EBADF || where == -ENOTTY) {  /* the kernel's own answers */
		verdict(d, V_DENY, NULL, "%s: descriptor %d is %s", what, fd,
		        where == -EBADF ? "not open" : "no terminal");
		d->err = -where;
		return false;
	}
	if (where < 0)
		return verdict(d, V_DENY, NULL, "%s: terminal %d cannot be told (%s)", what, fd,
		               strerror(-where));
	return verdict(d, V_DENY, NULL, "%s: terminal %d is not the job's (its foreground group "
	               "may be outside)", what, fd);
}

/* Inode flags (append-only, no-dump, ...), project attributes and the inode
 * generation are a file's metadata too, and a lease reaches every other
 * opener of the file: of files in the write set only, as chmod is. */
static bool check_fd_meta(const struct call *c, const struct job_view *v,
                          struct decision *d, const char *what)
{
	int where = v->write_target ? v->write_target(v->ctx, c->pid, (int)c->a[0].raw, NULL, false)
	                            : -ENOSYS;
	if (where < 0) {
		d->err = where == -ENOSYS ? EPERM : -where;
		return verdict(d, V_DENY, NULL, "%s: the file cannot be found (%s)", what,
		               strerror(-where));
	}
	if (where > 0)
		return verdict(d, V_DENY, NULL, "%s: the file is outside the job's write set", what);
	return verdict(d, V_ALLOW, NULL, "%s: the file is in the job's write set", what);
}

/* The console's requests (KD*, PIO_*, VT_*) act on the machine's keyboard,
 * fonts and virtual terminals, whoever holds the terminal: only those that
 * read are allowed. */
static bool console_ioctl(unsigned req, struct decision *d)
{
	static const unsigned reads[] = {
		0x4b31, 0x4b33, 0x4b3b, 0x4b40, 0x4b44, 0x4b46, 0x4b48, 0x4b4a, 0x4b4c, 0x4b60,
		0x4b62, 0x4b64, 0x4b66, 0x4b69, 0x4b70, 0x4bfa, 0x5600, 0x5601, 0x5603, 0x560d};
	for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++)
		if (req == reads[i])
			return verdict(d, V_ALLOW, NULL, "console ioctl %#x only reads", req);
	return verdict(d, V_DENY, NULL, "console ioctl %#x changes the machine's console",
	               req);
}

/* The file systems' ioctl families (fs.h's 'f', the VFS's and XFS's 'X',
 * btrfs's 0x94, f2fs's 0xf5, vfat's 'r' 0x10-0x1f: FAT_IOCTL_SET_ATTRIBUTES
 * is a chmod) hold requests that change a file or a file system with no
 * more than a read-only descriptor and ownership, which Landlock does not
 * see (inode flags, a subvolume made read-only, a snapshot, extents
 * migrated).  A request that only reads says so in its direction (_IOR,
 * never stopped) or is a query listed here; any other is judged like chmod:
 * on files in the write set only. */
static bool fs_family(unsigned req)
{
	unsigned type = _IOC_TYPE(req);
	return type == 'f' || type == 'X' || type == BTRFS_IOCTL_MAGIC || type == 0xf5 /* f2fs */ ||
	       (type == 'r' && _IOC_NR(req) >= 0x10 && _IOC_NR(req) <= 0x1f);  /* vfat's */
}

static bool fs_query(unsigned req)
{
	/* by type and number: the size part differs between versions */
#define Q(type, nr) ((unsigned)(type) << 8 | (nr))
	static const unsigned queries[] = {
		Q('f', 11) /* FS_IOC_FIEMAP */, Q('f', 18) /* EXT4_IOC_PRECACHE_EXTENTS */,
		Q('f', 21) /* FS_IOC_GET_ENCRYPTION_POLICY */,
		Q('f', 22) /* FS_IOC_GET_ENCRYPTION_POLICY_EX */,
		Q('f', 26) /* FS_IOC_GET_ENCRYPTION_KEY_STATUS */, Q('f', 41) /* EXT4_IOC_GETSTATE */,
		Q('f', 42) /* EXT4_IOC_GET_ES_CACHE */, Q('f', 134) /* FS_IOC_MEASURE_VERITY */,
		Q('f', 135) /* FS_IOC_READ_VERITY_METADATA */,
		Q('X', 38) /* XFS_IOC_GETBMAP */, Q('X', 44) /* XFS_IOC_GETBMAPA */,
		Q('X', 56) /* XFS_IOC_GETBMAPX */, Q('X', 59) /* FS_IOC_GETFSMAP */,
		Q(0x94, 8) /* BTRFS_IOC_SYNC */, Q(0x94, 17) /* BTRFS_IOC_TREE_SEARCH(_V2) */,
		Q(0x94, 18) /* BTRFS_IOC_INO_LOOKUP */, Q(0x94, 20) /* BTRFS_IOC_SPACE_INFO */,
		Q(0x94, 30) /* BTRFS_IOC_DEV_INFO */, Q(0x94, 52) /* BTRFS_IOC_GET_DEV_STATS */,
		Q(0x94, 54) /* FIDEDUPERANGE: the data stays the same */,
		Q(0x94, 61) /* BTRFS_IOC_GET_SUBVOL_ROOTREF */,
		Q(0x94, 62) /* BTRFS_IOC_INO_LOOKUP_USER */};
#undef Q
	if (_IOC_DIR(req) == _IOC_READ)
		return true;
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
		if ((req & 0xffff) == queries[i])
			return true;
	return false;
}

static bool check_ioctl(const struct call *c, const struct job_view *v, struct decision *d)
{
	unsigned req = (unsigned)c->a[1].raw;
	int32_t who;
	char what[32];
	switch (req) {
	case TIOCSTI:
		return verdict(d, V_DENY, NULL, "TIOCSTI pushes input into a terminal");
	case TIOCLINUX:
		return verdict(d, V_DENY, NULL, "TIOCLINUX reaches the console");
	case TIOCCONS:
		return verdict(d, V_DENY, NULL, "TIOCCONS redirects the console");
	case TIOCSETD:
		return verdict(d, V_DENY, NULL, "TIOCSETD changes a terminal's line discipline");
	case FS_IOC_SETVERSION:              /* 'v', outside the families below */
	case FS_IOC32_SETVERSION:
	case FS_IOC_SET_ENCRYPTION_POLICY:   /* _IOR, yet an empty directory is encrypted for good */
		snprintf(what, sizeof what, "ioctl %#x", req);
		return check_fd_meta(c, v, d, what);
	case TIOCSWINSZ:
	case TIOCSIG:
		return check_tty_signal(c, v, d, req == TIOCSIG ? "TIOCSIG" : "TIOCSWINSZ");
	case FIOASYNC:
		if (!v->read_mem || v->read_mem(v->ctx, c->tid, c->a[2].raw, &who, sizeof who) < 0)
			return verdict(d, V_DENY, NULL, "FIOASYNC: flag unreadable");
		if (!who)
			return verdict(d, V_ALLOW, NULL, "FIOASYNC off");
		return check_sigio_route(c, v, d, "FIOASYNC", true);
	case FIOSETOWN:
	case SIOCSPGRP:
	case TIOCSPGRP:
		if (!v->read_mem || v->read_mem(v->ctx, c->tid, c->a[2].raw, &who, sizeof who) < 0)
			return verdict(d, V_DENY, NULL, "ioctl %#x: process unreadable", req);
		if (req == TIOCSPGRP)
			return check_group(v, c->pid, who, d);
		return check_owner(c, v, F_OWNER_PID, who, d);
	}
	if ((req & 0xffffff00u) == 0x4b00 || (req & 0xffffff00u) == 0x5600)
		return console_ioctl(req, d);
	if (fs_family(req) && !fs_query(req)) {
		snprintf(what, sizeof what, "ioctl %#x", req);
		return check_fd_meta(c, v, d, what);
	}
	return verdict(d, V_ALLOW, NULL, "ioctl %#x reaches no other process", req);
}

/* setpgid(pid, pgid): a new group named by the process's own id is the
 * job's; an existing group it joins must be the job's too.  The kernel keeps
 * groups within the session, where pysbx-trace's group and the shell's other
 * jobs are: a member reading the terminal from the background has the kernel
 * stop its whole group (SIGTTIN), and its terminal signals reach them all. */
static bool check_setpgid(const struct call *c, const struct job_view *v, struct decision *d)
{
	pid_t pid = (pid_t)c->a[0].num, pgid = (pid_t)c->a[1].num;
	if (pid == 0)
		pid = c->pid;
	if (pgid == 0 || pgid == pid)
		return verdict(d, V_ALLOW, NULL, "a process group of its own");
	if (pgid > 0 && v->pgrp_in_job(v->ctx, pgid))
		return verdict(d, V_ALLOW, NULL, "process group %d is the job's", (int)pgid);
	return verdict(d, V_DENY, NULL, "process group %d is not the job's", (int)pgid);
}

static bool check_seccomp(const struct call *c, struct decision *d)
{
	unsigned op = (unsigned)c->a[0].raw, flags = (unsigned)c->a[1].raw;
	if (op == SECCOMP_SET_MODE_FILTER && (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		return verdict(d, V_DENY, NULL, "a filter with a user-notification listener would "
		               "outrank pysbx's");
	return verdict(d, V_ALLOW, NULL, "a filter of the job's own can only refuse more");
}

static bool check_persona(const struct call *c, struct decision *d)
{
	unsigned persona = (unsigned)c->a[0].raw;
	if (persona == 0xffffffffu)
		return verdict(d, V_ALLOW, NULL, "only reads the personality");
	if (persona & (READ_IMPLIES_EXEC | MMAP_PAGE_ZERO))
		return verdict(d, V_DENY, NULL, "personality %#x makes memory executable or maps "
		               "page zero", persona);
	return verdict(d, V_ALLOW, NULL, "personality %#x", persona);
}

/* The socket families a job may use. */
static bool check_socket(const struct call *c, struct decision *d)
{
	int family = (int)(uint32_t)c->a[0].raw, proto = (int)(uint32_t)c->a[2].raw;
	if (family == AF_UNIX || family == AF_INET || family == AF_INET6)
		return verdict(d, V_ALLOW, NULL, "address family %d", family);
	/* netlink that reads the kernel's state (addresses and routes, socket
	 * lists, device events, generic families); not user sockets, which
	 * carry datagrams to any process, nor audit, connector and the rest */
	if (family == AF_NETLINK && (proto == NETLINK_ROUTE || proto == NETLINK_SOCK_DIAG ||
	                             proto == NETLINK_KOBJECT_UEVENT || proto == NETLINK_GENERIC))
		return verdict(d, V_ALLOW, NULL, "netlink protocol %d", proto);
	if (family == AF_NETLINK) {
		verdict(d, V_DENY, NULL, "netlink protocol %d is not one a job needs (route, "
		        "sock_diag, kobject_uevent, generic)", proto);
		d->err = EPROTONOSUPPORT;
		return false;
	}
	verdict(d, V_DENY, NULL, "address family %d is not one a job needs (unix, inet, inet6, "
	        "netlink)", family);
	d->err = EAFNOSUPPORT;
	return false;
}

/* A path that is a word of the list or under one; words are matched as
 * given and resolved (/var/run/x is /run/x). */
static const struct rule_word *listed_path(const struct rule_list *l, const char *path)
{
	const struct rule_word *w = under_dir(l, path);
	for (size_t i = 0; !w && i < l->n; i++) {
		char *real = realpath(l->v[i].word, NULL);
		const char *word = real ? real : l->v[i].word;
		size_t n = strlen(word);
		if (!strcmp(path, word) || (!strncmp(path, word, n) && path[n] == '/'))
			w = &l->v[i];
		free(real);
	}
	return w;
}

/* Where a socket call sends, as pinned (argpin.h): a named unix socket only
 * of the job's own (a process of the job is bound to it) or on [files]
 * connect.  Other families, and abstract unix names (Landlock's scope), are
 * not this check's.  Through syscall() the GOT layer lets it on to the
 * system call, where the destination is pinned and judged. */
static bool check_sockaddr(const struct policy *p, const struct call *c,
                           const struct job_view *v, struct decision *d)
{
	const struct call_arg *a = arg_of(c, 'D');
	const struct rule_word *via = NULL;
	if (c->layer != LAYER_SYSCALL)
		return verdict(d, V_ALLOW, NULL, "judged at its system call, where its destination "
		               "is pinned");
	if (!a)
		return verdict(d, V_DENY, &builtin_rule, "no destination argument");
	if (a->err)
		return read_error(d, a, "destination");
	for (size_t i = 0; i < a->n; i++) {
		const char *path = a->vec[i];
		int where = v->socket_target ? v->socket_target(v->ctx, c->pid, path) : 1;
		if (where < 0) {
			d->err = -where;
			return verdict(d, V_DENY, NULL, "no socket to reach at %s (%s)", path,
			               strerror(-where));
		}
		const struct rule_word *w = where ? listed_path(&p->connect_paths, path) : NULL;
		if (where && !w)
			return verdict(d, V_DENY, p->connect_paths.origin.line > 0 ?
			               &p->connect_paths.origin : &builtin_rule,
			               "%s is a unix socket outside the job, not in [files] connect", path);
		via = w ? w : via;
	}
	if (via)
		return verdict(d, V_ALLOW, &via->rule, "%s is in [files] connect", via->word);
	return verdict(d, V_ALLOW, NULL, a->n ? "a unix socket of the job's own"
	                                      : "no named unix socket");
}

static bool check_prctl(const struct call *c, struct decision *d)
{
	unsigned option = (unsigned)c->a[0].raw;
	if (option == PR_SET_DUMPABLE && (unsigned long)c->a[1].raw != 1)
		return verdict(d, V_DENY, NULL, "an undumpable job would lock pysbx out of its memory");
	if (option == PR_SET_PTRACER)
		return verdict(d, V_DENY, NULL, "PR_SET_PTRACER would open the job to another "
		               "process's ptrace");
	if (option == PR_SET_MM)
		return verdict(d, V_DENY, NULL, "PR_SET_MM rewrites what /proc says of the job");
	return verdict(d, V_ALLOW, NULL, "prctl option %u", option);
}

/* A mode with a set-ID bit, where it makes or changes a file's mode. */
static bool check_setid(const struct call *c, struct decision *d)
{
	const struct call_arg *mode = arg_of(c, 'm'), *flags = arg_of(c, 'o');
	if (!mode)
		return verdict(d, V_DENY, &builtin_rule, "no mode");
	if (flags && !(flags->raw & (O_CREAT | __O_TMPFILE)))
		return verdict(d, V_ALLOW, NULL, "opens without creating: no mode is set");
	if (mode->raw & (S_ISUID | S_ISGID))
		return verdict(d, V_DENY, NULL, "mode %#llo would make a set-user-ID or "
		               "set-group-ID file", (unsigned long long)(mode->raw & 07777));
	return verdict(d, V_ALLOW, NULL, "mode %#llo sets no set-ID bit",
	               (unsigned long long)(mode->raw & 07777));
}

/* Where each call names its file: the descriptor's argument (or -1), the
 * path's (or -1: the descriptor itself), the flags' (or -1), and whether a
 * symbolic link is the file (lchown and the l*xattr calls). */
struct meta_shape {
	const char *name;
	signed char fd, path, flags;
	bool nofollow;
};

static const struct meta_shape meta_shapes[] = {
	{"chmod", -1, 0, -1, false},      {"fchmod", 0, -1, -1, false},
	{"fchmodat", 0, 1, -1, false},    {"fchmodat2", 0, 1, 3, false},
	{"chown", -1, 0, -1, false},      {"lchown", -1, 0, -1, true},
	{"fchown", 0, -1, -1, false},     {"fchownat", 0, 1, 4, false},
	{"setxattr", -1, 0, -1, false},   {"lsetxattr", -1, 0, -1, true},
	{"fsetxattr", 0, -1, -1, false},  {"removexattr", -1, 0, -1, false},
	{"lremovexattr", -1, 0, -1, true}, {"fremovexattr", 0, -1, -1, false},
	{"utime", -1, 0, -1, false},      {"utimes", -1, 0, -1, false},
	{"futimesat", 0, 1, -1, false},   {"utimensat", 0, 1, 3, false},
};

size_t decide_owner_arg(int fid, uint64_t cmd)
{
	if (fid < 0)
		return 0;
	if (funcs[fid].check == CK_FOWNER)
		return (int)cmd == F_SETOWN_EX ? sizeof(struct f_owner_ex) : 0;
	if (funcs[fid].check != CK_IOCTL)
		return 0;
	switch ((unsigned)cmd) {
	case FIOASYNC:
	case FIOSETOWN:
	case SIOCSPGRP:
	case TIOCSPGRP:
		return sizeof(int32_t);
	}
	return 0;
}

int decide_meta_path(int fid)
{
	for (size_t i = 0; fid >= 0 && i < sizeof meta_shapes / sizeof meta_shapes[0]; i++)
		if (!strcmp(meta_shapes[i].name, funcs[fid].name))
			return meta_shapes[i].path;
	return -1;
}

/* A file's mode, owner, attributes or times: only a file of the write set
 * (the monitor resolves the call's file as the caller would and looks where
 * it is).  A file that cannot be resolved gets the kernel's own answer. */
static bool check_meta(const struct call *c, const struct job_view *v, struct decision *d)
{
	const struct meta_shape *sh = NULL;
	for (size_t i = 0; i < sizeof meta_shapes / sizeof meta_shapes[0]; i++)
		if (!strcmp(meta_shapes[i].name, funcs[c->func].name))
			sh = &meta_shapes[i];
	if (!sh)
		return verdict(d, V_DENY, &builtin_rule, "no file argument known");
	if (strchr(funcs[c->func].fmt, 'm') && !check_setid(c, d))
		return false;
	int dirfd = sh->fd >= 0 ? (int)c->a[(int)sh->fd].raw : AT_FDCWD;
	const char *path = NULL;
	if (sh->path >= 0 && !c->a[(int)sh->path].raw && sh->fd < 0) {
		d->err = EFAULT;  /* the kernel's answer to a NULL path */
		return verdict(d, V_DENY, NULL, "no path");
	}
	if (sh->path >= 0 && c->a[(int)sh->path].raw) {  /* utimensat(fd, NULL): the fd */
		if (c->a[(int)sh->path].err)
			return read_error(d, &c->a[(int)sh->path], "path");
		path = c->a[(int)sh->path].str;
	}
	unsigned long flags = sh->flags >= 0 ? (unsigned long)c->a[(int)sh->flags].raw : 0;
	bool nofollow = sh->nofollow || (flags & AT_SYMLINK_NOFOLLOW);
	if (path && !*path && !(flags & AT_EMPTY_PATH))
		path = "";  /* the kernel answers ENOENT, and so does the lookup */
	else if (path && !*path)
		path = NULL;
	if (!v->write_target)
		return verdict(d, V_DENY, NULL, "where the file is is not known");
	int where = v->write_target(v->ctx, c->pid, dirfd, path, nofollow);
	if (where < 0) {
		d->err = -where;
		return verdict(d, V_DENY, NULL, "the file cannot be found (%s)", strerror(-where));
	}
	if (where > 0)
		return verdict(d, V_DENY, NULL, "the file is outside the job's write set");
	return verdict(d, V_ALLOW, NULL, "the file is in the job's write set");
}

/* Namespaces made by clone are judged as unshare would be. */
static bool check_clone(const struct policy *p, const struct call *c, struct decision *d)
{
	const struct call_arg *a = arg_of(c, 'K');
	if (!a)
		a = arg_of(c, 'F');
	if (!a)
		return verdict(d, V_DENY, &builtin_rule, "clone flags not found");
	if (a->err)
		return read_error(d, a, "clone flags");
	uint64_t flags = (uint64_t)a->num;
	uint64_t ns = CLONE_NAMESPACES | (a->fmt == 'K' ? CLONE_NEWTIME : 0);
	if (flags & CLONE_UNTRACED)
		return verdict(d, V_DENY, NULL, "CLONE_UNTRACED would escape the monitor");
	/* a thread's descriptors and working directory are judged as its
	 * process's: one with a table or a directory of its own would have the
	 * monitor look at another file than the kernel uses */
	if ((flags & CLONE_THREAD) && (~flags & (CLONE_FILES | CLONE_FS)))
		return verdict(d, V_DENY, NULL, "a thread without CLONE_FILES and CLONE_FS would "
		               "have descriptors or a working directory of its own");
	if (flags & ns) {
		int us = funcs_by_name("unshare");
		if (us < 0 || p->fn[us].action != ACT_ALLOW)
			return verdict(d, V_DENY, us >= 0 ? &p->fn[us].rule : &builtin_rule,
			               "clone flags %#llx make new namespaces (as unshare would)",
			               (unsigned long long)(flags & ns));
	}
	return verdict(d, V_ALLOW, NULL, "the child is traced");
}

static bool check_args(const struct policy *p, const struct call *c, const struct job_view *v,
                       struct decision *d)
{
	const struct call_arg *a;
	switch (funcs[c->func].check) {
	case CK_SHELL:
		if (c->a[0].err)
			return read_error(d, &c->a[0], "command");
		return check_shell_cmd(p, c->a[0].str, strlen(c->a[0].str), v, c->pid, d, 0);
	case CK_EXEC:
	case CK_SPAWN:
		return check_exec(p, c, v, d);
	case CK_SIGNAL:
		return check_signal(c, v, d);
	case CK_PGRP:
		if ((pid_t)c->a[0].num < 0)
			return verdict(d, V_DENY, NULL, "negative process group");
		return check_group(v, c->pid, (pid_t)c->a[0].num, d);
	case CK_PIDFD:
		return check_pidfd(c, v, d);
	case CK_TIMEX:
		a = arg_of(c, 'T');
		if (!a || a->err)
			return read_error(d, a ? a : &c->a[0], "timex");
		if (a->num == 0)
			return verdict(d, V_ALLOW, NULL, "only reads the clock (modes 0)");
		return verdict(d, V_DENY, NULL, "changes the clock (modes %#llx)",
		               (unsigned long long)a->num);
	case CK_WORDEXP:
		if (c->a[2].num & WRDE_NOCMD)
			return verdict(d, V_ALLOW, NULL, "WRDE_NOCMD: no command substitution");
		return verdict(d, V_DENY, NULL, "command substitution without WRDE_NOCMD");
	case CK_CLONE:
		return check_clone(p, c, d);
	case CK_FOWNER:
		return check_fowner(c, v, d);
	case CK_IOCTL:
		return check_ioctl(c, v, d);
	case CK_SECCOMP:
		return check_seccomp(c, d);
	case CK_PERSONA:
		return check_persona(c, d);
	case CK_SETID:
		return check_setid(c, d);
	case CK_META:
		return check_meta(c, v, d);
	case CK_SOCKET:
		return check_socket(c, d);
	case CK_SOCKADDR:
		return check_sockaddr(p, c, v, d);
	case CK_PRCTL:
		return check_prctl(c, d);
	case CK_PGID:
		return check_setpgid(c, v, d);
	case CK_SYSCALL:
		return verdict(d, V_ALLOW, NULL, "system call %lld is not a dangerous one",
		               (long long)c->a[0].num);
	case CK_CODEPAGE:
		return check_codepage(c, v, d);
	case CK_TARGET:
		return check_limits_target(c, v, d);
	case CK_NONE:
		break;
	}
	return verdict(d, V_DENY, &builtin_rule, "no argument check for %s", funcs[c->func].name);
}

/* --- [module] rules and the objects a call is made for ---------------------
 *
 * The caller (the object of the GOT slot, or the one holding the instruction
 * pointer at a system-call stop) is held to its own rule: its [module] rule
 * may make the [functions] rule stricter for any object, looser only for a
 * trusted one.  Every untrusted object on the stack beyond it (walked by the
 * layers, backtrace_attribute) may only make it stricter: the strictest rule
 * wins, and the decision names that object.  Trusted objects on the stack are
 * conduits (libc's thread start, the interpreter's eval loop): their rules
 * bind the calls they make themselves, not the calls made through them. */

static const struct fn_rule *caller_rule(const struct policy *p, const struct call *c, int fid)
{
	const struct fn_rule *global = &p->fn[fid];
	struct module_subject o = {c->object, c->object_trusted, c->object_extension};
	/* no caller (an exec stop): nothing to match a section with */
	const struct fn_rule *mr = c->object ? policy_subject_rule(p, &o, fid, NULL) : NULL;
	if (!mr || (policy_looser(mr->action, global->action) && !c->object_trusted))
		return global;
	return mr;
}

static const struct fn_rule *stack_rule(const struct policy *p, const struct call *c, int fid,
                                        const char **by)
{
	const struct fn_rule *fr = caller_rule(p, c, fid);
	*by = NULL;
	for (size_t i = 0; i < c->n_stack && i < CALL_MAX_STACK_OBJECTS; i++) {
		struct module_subject o = {c->stack[i].path, false, c->stack[i].extension};
		const struct fn_rule *mr = policy_subject_rule(p, &o, fid, NULL);
		if (mr && policy_looser(fr->action, mr->action)) {
			fr = mr;
			*by = c->stack[i].path ? c->stack[i].path : "code in no loaded object";
		}
	}
	return fr;
}

bool decide_stack_matters(const struct policy *p, const struct call *c)
{
	const int fids[2] = {c->outer, c->func};
	if (!p->n_modules || c->func < 0 || (size_t)c->func >= funcs_count)
		return false;
	for (size_t i = 0; i < 2; i++)
		if (fids[i] >= 0 &&
		    policy_module_tightens(p, fids[i], caller_rule(p, c, fids[i])->action))
			return true;
	return false;
}

/* "self": the call may reach only the caller's own process (a signal to
 * itself, one of its own threads by the caller's id or the process's). */
static bool check_self(const struct call *c, const struct job_view *v, struct decision *d)
{
	const struct func *f = &funcs[c->func];
	pid_t target = (pid_t)c->a[0].num;
	if (f->check == CK_PIDFD)
		target = v->pidfd_pid(v->ctx, c->pid, (int)c->a[0].num);
	else if (f->check != CK_SIGNAL || c->a[0].err)
		return verdict(d, V_DENY, NULL, "it may reach other processes than the caller's own");
	if (target > 0 && (target == c->pid || target == c->tid))
		return verdict(d, V_ALLOW, NULL, "it reaches only the caller's own process");
	return verdict(d, V_DENY, NULL, "it would reach another process than the caller's own "
	               "(%d)", (int)target);
}

void decide_call(const struct policy *p, const struct call *c, const struct job_view *v,
                 struct decision *d)
{
	const struct fn_rule *fr;
	const char *by = NULL;
	d->why[0] = 0;
	d->on_behalf = NULL;
	d->err = 0;
	if (c->func < 0 || (size_t)c->func >= funcs_count) {
		verdict(d, V_DENY, &builtin_rule, "unknown function");
		return;
	}
	/* syscall(): the rule for syscall itself first, then the call it makes */
	fr = c->outer >= 0 ? stack_rule(p, c, c->outer, &by) : NULL;
	if (!fr || fr->action == ACT_CHECK)
		fr = stack_rule(p, c, c->func, &by);
	d->rule = &fr->rule;
	d->on_behalf = by;
	switch (fr->action) {
	case ACT_ALLOW:
		verdict(d, V_ALLOW, NULL, "allowed by policy");
		return;
	case ACT_DENY:
		verdict(d, V_DENY, NULL, "denied by policy");
		return;
	case ACT_KILL:
		verdict(d, V_KILL, NULL, "the policy ends the job");
		return;
	case ACT_SELF:
		check_self(c, v, d);
		return;
	case ACT_CHECK:
		if (!check_args(p, c, v, d))
			d->verdict = V_DENY;
		return;
	}
}

void decide_args(const struct policy *p, const struct call *c, const struct job_view *v,
                 struct decision *d)
{
	d->why[0] = 0;
	d->err = 0;
	d->rule = &builtin_rule;
	if (c->func >= 0 && (size_t)c->func < funcs_count && funcs[c->func].check != CK_NONE)
		check_args(p, c, v, d);
}

const char *verdict_name(enum verdict v)
{
	return v == V_ALLOW ? "allow" : v == V_DENY ? "deny" : "kill";
}
