/* execstop: judging and hooking a new image (see execstop.h). */
#include "monitor/execstop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inject/arch.h"
#include "inject/mem.h"
#include "inject/remote.h"
#include "monitor/backstop.h"
#include "monitor/backtrace.h"
#include "monitor/funcs.h"
#include "monitor/initstack.h"
#include "monitor/loader.h"
#include "monitor/log.h"
#include "monitor/prefetch.h"
#include "monitor/procfs.h"
#include "monitor/runner.h"
#include "monitor/argpin.h"
#include "monitor/world.h"

#define MAX_CMDLINE (4u << 20)

/* A Python interpreter: it defines the CPython runtime or links libpython. */
static bool is_python(const struct elfscan_report *r)
{
	if (!r || r->error)
		return false;
	if (r->flags & ELFSCAN_PYTHON)
		return true;
	for (size_t i = 0; i < r->n_needed; i++)
		if (strncmp(r->needed[i], "libpython", 9) == 0)
			return true;
	return false;
}

static const struct elfscan_report *scan_exe(pid_t pid, struct stat *st)
{
	char path[64];
	const struct elfscan_report *r = NULL;
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	memset(st, 0, sizeof *st);  /* no identity: an interpreter nowhere */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/* the report's identity is the file's (one fstat, the cache's) */
	if (elfscan_cached_fd_opts(fd, path, 0, &r) == 0) {
		st->st_mode = S_IFREG;  /* an image the kernel loaded */
		st->st_dev = r->id.dev;
		st->st_ino = r->id.ino;
		st->st_size = r->id.size;
		st->st_mtim = r->id.mtime;
		st->st_ctim = r->id.ctime;
	} else if (fstat(fd, st) < 0)
		memset(st, 0, sizeof *st);
	close(fd);
	return r;
}

/* What the new image was given: its argument and environment strings (as
 * /proc/<pid>/cmdline and environ show them) and the name it was run by
 * (AT_EXECFN: a script for #!).  From its stack (initstack.h), or from /proc
 * when that cannot be used. */
struct given {
	const char *args, *env;
	size_t args_len, env_len;
	uint64_t env_addr;           /* where env is in memory; 0: ask /proc */
	bool env_read;               /* false: beyond MAX_CMDLINE, or unreadable */
	char execfn[CALL_MAX_PATH];  /* "" when unknown */
	char *own_args, *own_env;    /* the /proc reads */
};

static char stack_buf[INITSTACK_WINDOW];  /* one exec stop at a time */

static void given_from_proc(pid_t pid, struct given *g)
{
	uint64_t fn_addr;
	if (procfs_read(pid, "cmdline", &g->own_args, &g->args_len, MAX_CMDLINE) == 0)
		g->args = g->own_args;
	else
		g->args_len = 0;
	g->env_read = procfs_read(pid, "environ", &g->own_env, &g->env_len, MAX_CMDLINE) == 0;
	if (g->env_read)
		g->env = g->own_env;
	if (procfs_auxv(pid, AT_EXECFN, &fn_addr) < 0 ||
	    mem_read_str(pid, fn_addr, g->execfn, sizeof g->execfn) < 0)
		g->execfn[0] = 0;
}

static void given_read(pid_t pid, struct given *g)
{
	arch_regs r;
	struct initstack s;
	memset(g, 0, sizeof *g);
	g->args = g->env = "";
	if (arch_get_regs(pid, &r) < 0 || initstack_read(pid, arch_sp(&r), stack_buf, &s) < 0) {
		given_from_proc(pid, g);
		return;
	}
	g->args = s.args;
	g->args_len = s.args_len;
	g->env = s.env;
	g->env_len = s.env_len;
	g->env_addr = s.env_addr;
	g->env_read = true;
	if (s.execfn && strlen(s.execfn) < sizeof g->execfn)
		strcpy(g->execfn, s.execfn);
}

static void given_free(struct given *g)
{
	free(g->own_args);
	free(g->own_env);
}

/* The image's own path (the kernel's, readlink of /proc/<pid>/exe) when the
 * exec named exactly it: nothing to resolve. */
static bool names_image(const char *given, const char *exe)
{
	return given[0] == '/' && !strcmp(given, exe);
}

/* Whether path names the very file st describes now. */
static bool same_file(const char *path, const struct stat *st)
{
	struct stat now;
	return stat(path, &now) == 0 && now.st_dev == st->st_dev && now.st_ino == st->st_ino;
}

/* The kernel's name for an image whose file was unlinked (or a memfd): a
 * string anyone can create elsewhere, so never a place to be allowed from. */
static bool deleted_image(const char *exe)
{
	return procfs_deleted_len(exe) != 0;
}

/* What the exec ran: the file named to execve, and the image loaded (the
 * script's interpreter, or the same file; st is the image's, from
 * /proc/<pid>/exe).  Identity -- freshness, a copy of a denied program -- is
 * always the loaded image's, whatever the name says; the name's own file is
 * judged too when it is another one (a script). */
static int exec_program(struct monitor *m, struct proc *p, struct call *c, const struct stat *st,
                        const struct given *g)
{
	struct program *prog = &c->prog;
	char exe[64];
	bool fresh = false;
	const char *known = NULL;
	snprintf(exe, sizeof exe, "/proc/%d/exe", (int)p->tgid);
	c->has_prog = true;
	prog->given = strdup(g->execfn[0] ? g->execfn : p->exe);
	if (!prog->given)
		return -ENOMEM;
	prog->interpreter = monitor_is_interpreter(m, st->st_dev, st->st_ino);
	identity_of_stat(m, exe, st, &prog->fresh, &prog->known_as);
	bool deleted = deleted_image(p->exe) || !S_ISREG(st->st_mode);
	if (names_image(prog->given, p->exe) && !deleted && same_file(p->exe, st)) {
		prog->resolved = strdup(p->exe);
		return prog->resolved ? 0 : -ENOMEM;
	}
	prog->resolved = world_realpath(p->tgid, prog->given);
	if (!prog->resolved || deleted || !same_file(prog->resolved, st) ||
	    strcmp(prog->resolved, p->exe) != 0) {
		/* a script, a name that no longer resolves (/dev/fd/N closed on exec),
		 * or one that names another file now: the image is judged by where
		 * it lives too */
		prog->image = strdup(p->exe);
		if (!prog->image)
			return -ENOMEM;
	}
	if (!prog->resolved) {
		/* the name no longer resolves (fexecve's /dev/fd/N, closed on exec):
		 * the image is all there is, judged once as what it is -- the job's
		 * interpreter run through a descriptor is the interpreter */
		prog->resolved = prog->image;
		prog->image = NULL;
		return 0;
	}
	if (prog->image && strcmp(prog->resolved, prog->image) != 0) {
		identity_of(m, prog->resolved, &fresh, &known);
		prog->fresh |= fresh;
		if (!prog->known_as)
			prog->known_as = known;
	}
	return 0;
}

/* Fills a call as if execve(given, argv) had been trapped, from the new image. */
static int exec_call(struct monitor *m, struct proc *p, struct call *c, const struct stat *st,
                     const struct given *g)
{
	memset(c, 0, sizeof *c);
	c->layer = LAYER_EXEC;
	c->func = funcs_by_name("execve");
	c->outer = -1;
	c->pid = c->tid = p->tgid;
	int rc = exec_program(m, p, c, st, g);
	if (rc < 0)
		return rc;
	size_t argc;
	char **argv = procfs_split((char *)g->args, g->args_len, &argc);
	if (!argv)
		return -ENOMEM;
	c->nargs = 2;
	c->a[0] = (struct call_arg){.fmt = 'P', .str = strdup(c->prog.given)};
	c->a[1] = (struct call_arg){.fmt = 'v', .n = argc};
	c->a[1].vec = calloc(argc + 1, sizeof(char *));
	for (size_t i = 0; c->a[1].vec && i < argc; i++)
		c->a[1].vec[i] = strdup(argv[i]);
	free(argv);
	c->prog.argv = c->a[1].vec;
	c->prog.argc = argc;
	return c->a[0].str && c->a[1].vec ? 0 : -ENOMEM;
}

/* --- who asked for a vfork child's exec --------------------------------------
 *
 * A vfork child execs for its parent: posix_spawn, system and popen make one,
 * and the frames that asked are on the parent's stack.  The child's exec stop
 * comes too late to read them: exec releases the memory it shared before the
 * stop is reported, which wakes the parent, and the parent runs on.  So the
 * parent's stack is walked at its vfork stop (execstop_note_vfork) and the
 * untrusted objects on it are kept here, by child, for the child's exec stop.
 *
 *   parent: vfork stop -> walk, keep   child: ... exec -> (parent wakes) -> exec stop: take
 *
 * An entry is taken only by a child that still shared its parent's memory
 * (a vfork child) and has that parent; one left by a child that exited
 * without exec is replaced by the parent's next vfork of that id, or by
 * another entry in time. */
#define REQUESTERS 64

static struct requester {
	pid_t child, parent;   /* child 0: free */
	size_t n;
	struct stack_object stack[CALL_MAX_STACK_OBJECTS];  /* paths owned here */
} requesters[REQUESTERS];
static size_t next_requester;

static void requester_free(struct requester *q)
{
	for (size_t i = 0; i < q->n; i++)
		free((char *)q->stack[i].path);
	memset(q, 0, sizeof *q);
}

static struct requester *requester_of(pid_t child)
{
	for (size_t i = 0; i < REQUESTERS; i++)
		if (requesters[i].child == child)
			return &requesters[i];
	return NULL;
}

void execstop_note_vfork(struct monitor *m, struct thread *parent, pid_t child)
{
	struct requester *q = requester_of(child);
	struct call c;
	arch_regs r;
	if (q)
		requester_free(q);  /* an old child of that id */
	if (!m->policy->n_modules || !parent->proc || arch_get_regs(parent->tid, &r) < 0)
		return;
	/* the exec as its stop will see it: no caller, the stack's objects */
	memset(&c, 0, sizeof c);
	c.layer = LAYER_EXEC;
	c.func = funcs_by_name("execve");
	c.outer = -1;
	c.pid = c.tid = child;
	backtrace_attribute(parent, &r, false, m->policy, NULL, &c);
	if (!c.n_stack)
		return;
	q = &requesters[next_requester++ % REQUESTERS];
	requester_free(q);
	q->child = child;
	q->parent = parent->proc->tgid;
	for (size_t i = 0; i < c.n_stack; i++) {
		const char *path = c.stack[i].path;
		q->stack[q->n] = (struct stack_object){path ? strdup(path) : NULL, c.stack[i].extension};
		if (path && !q->stack[q->n].path)
			q->stack[q->n] = (struct stack_object){NULL, false};  /* unknown: the stricter */
		q->n++;
	}
}

/* The requester kept for process p's exec, moved into c: only for a vfork
 * child of the parent that kept it; any other entry of p's id is dropped. */
static void take_requester(const struct proc *p, bool vforked, struct call *c)
{
	struct requester *q = requester_of(p->tgid);
	if (!q)
		return;
	if (vforked && q->parent == p->parent) {
		c->n_stack = q->n;
		c->stack_walked = true;
		memcpy(c->stack, q->stack, q->n * sizeof *q->stack);
		q->n = 0;  /* the paths are the call's now: stack_free */
	}
	requester_free(q);
}

/* The paths take_requester gave the call (call_release leaves the stack: in
 * the other layers its paths are the address space's). */
static void stack_free(struct call *c)
{
	for (size_t i = 0; i < c->n_stack; i++)
		free((char *)c->stack[i].path);
	c->n_stack = 0;
}

/* Counts, logs and releases a decided exec; true when the program may run. */
static bool record(struct monitor *m, struct call *c, const struct decision *d)
{
	m->n_calls++;
	bool allowed = d->verdict == V_ALLOW || m->opt->audit;
	if (!allowed)
		m->n_denied++;
	log_call(c, d, !m->opt->audit);
	call_release(c);
	if (d->verdict == V_KILL && !m->opt->audit)
		monitor_end_job(m, "the policy ended the job");
	return allowed;
}

/* Returns true when the program may run.  vforked: p shared its parent's
 * memory until this exec (its requester may be known). */
static bool judge(struct monitor *m, struct proc *p, const struct stat *st,
                  const struct given *g, bool vforked)
{
	struct call c;
	struct decision d = {0};
	int rc = exec_call(m, p, &c, st, g);
	take_requester(p, vforked, &c);
	if (rc < 0) {
		d.verdict = V_DENY;
		strcpy(d.why, "out of memory reading the program");
	} else
		monitor_decide(m, &c, &d);
	bool ok = record(m, &c, &d);
	stack_free(&c);
	return ok;
}

/* Whether the runner will open the same file the monitor judges: an absolute
 * name, with no directory on the way, and none its symlinks lead through, in
 * the job's write set. */
static bool stable_name(const struct monitor *m, const char *given, const char *resolved)
{
	const char *paths[2] = {given, resolved};
	if (given[0] != '/' || !resolved)
		return false;
	for (size_t i = 0; i < 2; i++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s", paths[i]);
		for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
			*slash = 0;
			if (landlock_may_write(m->landlock, *dir ? dir : "/"))
				return false;
		}
	}
	return true;
}

/* Whether a file is an ELF image.  A runner given a #! script (valgrind
 * does this) loads the script's interpreter itself, with no exec to stop. */
static bool is_elf(const char *path)
{
	char magic[4] = {0};
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : -1;
	bool yes = fd >= 0 && read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
	           !memcmp(magic, "\177ELF", 4);
	if (fd >= 0)
		close(fd);
	return yes;
}

/* The program a runner loads, as a call: execve(PROGRAM, argv from PROGRAM
 * on, argv[0] as the runner sets it). */
static int runner_call(struct monitor *m, struct proc *p, char **argv, size_t argc,
                       const struct runner_target *t, struct call *c)
{
	struct program *prog = &c->prog;
	struct stat st;
	size_t n = argc - t->prog;
	c->has_prog = true;
	c->nargs = 2;
	c->a[0] = (struct call_arg){.fmt = 'P', .str = strdup(argv[t->prog])};
	c->a[1] = (struct call_arg){.fmt = 'v', .n = n, .vec = calloc(n + 1, sizeof(char *))};
	for (size_t i = 0; c->a[1].vec && i < n; i++)
		c->a[1].vec[i] = strdup(i == 0 && t->argv0 ? t->argv0 : argv[t->prog + i]);
	prog->given = strdup(argv[t->prog]);
	if (!c->a[0].str || !c->a[1].vec || !prog->given)
		return -ENOMEM;
	prog->argv = c->a[1].vec;
	prog->argc = n;
	prog->resolved = world_realpath(p->tgid, prog->given);
	if (prog->resolved && stat(prog->resolved, &st) == 0) {
		prog->interpreter = monitor_is_interpreter(m, st.st_dev, st.st_ino);
		identity_of_stat(m, prog->resolved, &st, &prog->fresh, &prog->known_as);
	}
	return 0;
}

/* Whether the dynamic loader, run as a program, loads a Python interpreter. */
static bool loads_python(struct proc *p, const struct given *g)
{
	struct runner_target t;
	const struct elfscan_report *r = NULL;
	size_t argc = 0;
	char **argv = procfs_split((char *)g->args, g->args_len, &argc), *path = NULL;
	if (argv && runner_parse(RUNNER_LDSO, argv, argc, &t) == 0)
		path = world_realpath(p->tgid, argv[t.prog]);
	bool yes = path && elfscan_cached_opts(path, 0, &r) == 0 && is_python(r);
	free(path);
	free(argv);
	return yes;
}

/* A runner's program, judged as if exec'd.  Returns true when it may run;
 * *python: it is a Python interpreter (the process gets the GOT layer). */
static bool judge_runner(struct monitor *m, struct proc *p, const struct given *g,
                         enum runner_kind k, bool vforked, bool *python)
{
	struct call c;
	struct decision d = {0};
	struct runner_target t;
	size_t argc = 0;
	char **argv = procfs_split((char *)g->args, g->args_len, &argc);
	memset(&c, 0, sizeof c);
	c.layer = LAYER_EXEC;
	c.func = funcs_by_name("execve");
	c.outer = -1;
	c.pid = c.tid = p->tgid;
	*python = false;
	take_requester(p, vforked, &c);
	if (!argv || runner_parse(k, argv, argc, &t) < 0) {
		d.verdict = V_DENY;
		snprintf(d.why, sizeof d.why, "%s runs a program pysbx cannot tell from its command "
		         "line (%s)", runner_name(k), argv ? t.why : "out of memory");
	} else if (runner_call(m, p, argv, argc, &t, &c) < 0) {
		d.verdict = V_DENY;
		strcpy(d.why, "out of memory reading the program");
	} else if (!stable_name(m, c.prog.given, c.prog.resolved)) {
		d.verdict = V_DENY;
		snprintf(d.why, sizeof d.why, "%s would open %s by a name the job can change "
		         "meanwhile (an absolute path outside the job's write set is needed)",
		         runner_name(k), c.prog.given);
	} else if (!is_elf(c.prog.resolved)) {
		d.verdict = V_DENY;
		snprintf(d.why, sizeof d.why, "%s would run %s, which is no ELF program: it would "
		         "load the script's interpreter itself, with no exec to judge",
		         runner_name(k), c.prog.given);
	} else {
		const struct elfscan_report *r = NULL;
		monitor_decide(m, &c, &d);
		bool scanned = elfscan_cached_opts(c.prog.resolved, 0, &r) == 0;
		if (scanned)
			*python = is_python(r);
		/* a runner's program that is a runner itself (valgrind running
		 * ld.so) would load a third program unseen */
		if (d.verdict == V_ALLOW && (!scanned || runner_kind(r, c.prog.resolved) != RUNNER_NONE)) {
			d.verdict = V_DENY;
			snprintf(d.why, sizeof d.why, "%s would run %s, %s", runner_name(k),
			         c.prog.given, scanned ? "a program runner itself: what that loads is "
			         "never exec'd" : "which cannot be read");
		}
		if (d.verdict == V_ALLOW && t.loads_code && !*python) {
			d.verdict = V_DENY;
			snprintf(d.why, sizeof d.why, "%s would load libraries ahead of %s, which no "
			         "one watches (as LD_PRELOAD)", runner_name(k), c.prog.given);
		}
	}
	if (d.verdict != V_ALLOW || m->opt->verbose) {
		size_t n = strlen(d.why);
		snprintf(d.why + n, sizeof d.why - n, " (loaded by %s)", runner_name(k));
	}
	free(argv);
	bool ok = record(m, &c, &d);
	stack_free(&c);
	return ok;
}

/* The interpreter's installation: /usr for /usr/bin/python3.11, a pyenv
 * version's directory for its bin/python3.11. */
static char *install_prefix(const char *exe)
{
	char *pre = strdup(exe), *slash;
	for (int i = 0; pre && i < 2; i++)
		if ((slash = strrchr(pre, '/')))
			*slash = 0;
	return pre;
}

static void note_interpreter(struct monitor *m, const struct stat *st, const char *exe)
{
	if (monitor_is_interpreter(m, st->st_dev, st->st_ino) || m->n_interp >= MAX_INTERPRETERS)
		return;
	m->interp_prefix[m->n_interp] = install_prefix(exe);
	m->interp[m->n_interp++] = (struct file_id){st->st_dev, st->st_ino};
}

/* Loader variables the job set for its children.  In a Python image the
 * libraries LD_PRELOAD and LD_LIBRARY_PATH bring are scanned and redirected
 * like any other object before they run; LD_AUDIT libraries run before that,
 * and in other programs nothing watches the loader: there the variables are
 * renamed (LD_PRELOAD= becomes XD_PRELOAD=) before the loader reads them. */
static bool loader_var(const char *entry, bool python)
{
	static const char *const always[] = {"LD_AUDIT="};
	/* and what a shell runs at start, out of any command's sight: bash's
	 * start-up file and options, exported functions, a traced shell's
	 * prompt (it may hold a command substitution), an interactive sh's file */
	static const char *const plain[] = {"LD_PRELOAD=", "LD_LIBRARY_PATH=", "GCONV_PATH=",
	                                    "BASH_ENV=", "ENV=", "SHELLOPTS=", "BASHOPTS=",
	                                    "PS4=", "BASH_FUNC_"};
	bool hit = !strncmp(entry, always[0], strlen(always[0]));
	for (size_t i = 0; !python && !hit && i < sizeof plain / sizeof plain[0]; i++)
		hit = !strncmp(entry, plain[i], strlen(plain[i]));
	return hit;
}

/* Renames the variables in the process's memory.  g->env is what the exec
 * stop read; the strings are written only where memory still holds exactly
 * that (nothing has run since the exec).  Returns -1 when one could not be
 * renamed: the program must not run then. */
static int rename_loader_vars(struct thread *th, const struct given *g, bool python)
{
	uint64_t start = g->env_addr, end = start + g->env_len;
	const char *env = g->env;
	size_t len = g->env_len;
	char *now;
	int rc = -1;
	if ((!start && procfs_env_range(th->tid, &start, &end) < 0) || end - start != len ||
	    !(now = malloc(len)))
		return -1;
	int memfd = aspace_memfd(th->proc->as, th->tid);
	if (memfd >= 0 && mem_read(th->tid, start, now, len) == 0 && !memcmp(now, env, len)) {
		rc = 0;
		for (size_t at = 0; at < len && rc == 0; at += strnlen(env + at, len - at) + 1) {
			if (!loader_var(env + at, python))
				continue;
			rc = mem_write(memfd, start + at, "X", 1) == 0 ? 0 : -1;
			if (rc == 0)
				log_note("pid %d: %.*s renamed X%.*s: it is not read at start",
				         (int)th->tid, (int)strcspn(env + at, "="), env + at,
				         (int)strcspn(env + at + 1, "="), env + at + 1);
		}
	}
	free(now);
	return rc;
}

/* Loader variables the job set for its children.  In a Python image the
 * libraries LD_PRELOAD and LD_LIBRARY_PATH bring are scanned and redirected
 * like any other object before they run; LD_AUDIT libraries run before that,
 * and in other programs nothing watches the loader: there the variables are
 * renamed (LD_PRELOAD= becomes XD_PRELOAD=) before the loader reads them.
 * Memory is opened only when one is there.  An environment that could not be
 * read (beyond MAX_CMDLINE with a raised stack limit) or a variable that
 * cannot be renamed is refused: returns -1. */
static int disarm_loader_vars(struct thread *th, const struct given *g, bool python)
{
	if (!g->env_read)
		return -1;
	bool any = false;
	for (size_t at = 0; at < g->env_len && !any; at += strnlen(g->env + at, g->env_len - at) + 1)
		any = loader_var(g->env + at, python);
	return any ? rename_loader_vars(th, g, python) : 0;
}

/* The new image has run nothing: make it exit before its first instruction. */
static int refuse(struct thread *th, int *wait_status)
{
	struct remote_result res;
	const uint64_t args[6] = {EXECSTOP_DENIED_STATUS};
	int memfd = aspace_memfd(th->proc->as, th->tid);
	int rc = memfd < 0 ? memfd
	       : remote_syscall_at_pc(th->tid, th->proc->tgid, memfd, arch_nr_exit_group, args, &res);
	if (rc == 0 && res.died) {
		*wait_status = res.wait_status;
		return 1;
	}
	kill(th->proc->tgid, SIGKILL);
	return 1;
}

/* The first Python process of a lineage gets the seccomp filters; its
 * descendants inherit them.  Without them the process does not run. */
static int filter(struct monitor *m, struct thread *th, int *wait_status)
{
	struct remote_result res;
	if (th->proc->filtered)
		return 0;
	int rc = backstop_install(m, th, &res);
	if (res.died) {
		*wait_status = res.wait_status;
		return 1;
	}
	if (rc < 0) {
		log_note("pid %d: cannot install the system-call filter (%s); not running it",
		         (int)th->tid, strerror(-rc));
		return refuse(th, wait_status);
	}
	th->proc->filtered = true;
	return 0;
}

/* A Python image: its GOT layer, then its filter.  A Python whose GOT layer
 * cannot be installed does not run (fail closed); one without a dynamic
 * loader (statically linked) has no GOT to redirect and runs under the
 * filter alone, which is said. */
static int hook_python(struct monitor *m, struct thread *th, int *wait_status)
{
	struct remote_result res;
	int rc = loader_hook(m, th, &res);
	if (res.died) {
		*wait_status = res.wait_status;
		return 1;
	}
	if (rc == -ENOEXEC)
		log_note("pid %d: statically linked Python: no GOT layer, the system-call filter "
		         "alone holds it", (int)th->tid);
	else if (rc < 0) {
		log_note("pid %d: cannot install the GOT layer in %s (%s); not running it",
		         (int)th->tid, th->proc->exe ? th->proc->exe : "a Python image", strerror(-rc));
		return refuse(th, wait_status);
	}
	return filter(m, th, wait_status);
}

void execstop_prefetch(struct monitor *m, struct thread *th)
{
	struct proc *p = th->proc;
	if (!p || !p->as || !p->as->prefetch_exe || !p->exe)
		return;
	prefetch_libraries(m, p->as->prefetch_exe, p->exe);
	p->as->prefetch_exe = NULL;
}

int execstop_handle(struct monitor *m, struct thread *th, int *wait_status)
{
	struct proc *p = th->proc;
	char exe[PATH_MAX];
	struct given g;
	struct stat st;
	mem_forget(th->tid);  /* its descriptors read the old image */
	const struct proc *parent = tracee_proc(&m->t, p->parent);
	bool vforked = parent && parent->as == p->as;  /* before the memory is let go */
	argpin_release(th);
	aspace_put(p->as);
	p->as = aspace_new();
	if (!p->as)
		return -ENOMEM;
	if (!p->filtered && pin_is_realtime(p->tgid))
		pin_job_realtime();  /* set where no filter sees it (pin.h) */
	/* the image first: the first look at a new /proc/<pid> is the costly one */
	const struct elfscan_report *img = scan_exe(p->tgid, &st);
	free(p->exe);
	p->exe = procfs_readlink(p->tgid, "exe", exe, sizeof exe) > 0 ? strdup(exe) : NULL;
	if (!p->exe)
		return -ENOMEM;
	bool python = is_python(img);
	given_read(p->tgid, &g);
	size_t argc = 0;
	char **argv = procfs_split((char *)g.args, g.args_len, &argc);
	log_exec(p->tgid, p->exe, argv, argc, p->judged, python);
	free(argv);
	*wait_status = 0;
	bool refused = p->judged && !judge(m, p, &st, &g, vforked);
	enum runner_kind runner = refused ? RUNNER_NONE : runner_kind(img, p->exe);
	bool target_python = false;
	if (runner != RUNNER_NONE && p->judged)
		refused = !judge_runner(m, p, &g, runner, vforked, &target_python);
	else if (runner == RUNNER_LDSO)
		target_python = loads_python(p, &g);  /* the launch chain's: not judged */
	python = python || (runner == RUNNER_LDSO && target_python);
	/* audit mode changes nothing the job can see: the variables stay */
	if (!refused && p->judged && !m->opt->audit && disarm_loader_vars(th, &g, python) < 0) {
		log_note("pid %d: loader variables could not be checked or renamed; not running %s",
		         (int)p->tgid, p->exe);
		refused = true;
	}
	given_free(&g);
	if (refused)
		return refuse(th, wait_status);
	if (python && !p->judged) {
		p->judged = true;  /* the first Python interpreter: the job starts here */
		note_interpreter(m, &st, p->exe);
	}
	int rc = python ? hook_python(m, th, wait_status) : 0;
	if (rc == 0 && p->as->python)
		p->as->prefetch_exe = img;  /* scanned ahead at its RT_ADD */
	else if (p->main)
		pin_release(&m->pin, th->tid);  /* no loader events to wait for */
	return rc;
}
