/* Unit tests for monitor/pystack.c and monitor/pystack_decode.c.
 *
 * The decoders are checked against real interpreters (what each CPython
 * 3.8-3.13 of the machine says of the location tables of a few stdlib
 * modules) and against hand-made input.  The stack reader is checked on live
 * jobs: each interpreter that exists here runs JOB_PY below, whose two
 * threads write the stack they see themselves (file, qualname, line per
 * frame) and then block in C code called from Python (time.sleep; os.system,
 * waiting for its child); the test stops both threads with PTRACE_SEIZE +
 * PTRACE_INTERRUPT, reads their stacks from outside, and compares with both
 * the self-report and the lines it knows.  That is also the check of the
 * layout table's rows (pystack_layouts.c) against the real interpreters; the
 * 3.13 row is compared with the interpreter's own _Py_DebugOffsets too.
 * Then the test scribbles on the job's interpreter state (a job can) and
 * expects errors, never a crash or a loop, and shows that a wrong or unknown
 * version gives no stack at all.
 *
 * Interpreters absent from the machine are skipped: Debian's
 * /usr/bin/python3.X, and pyenv's under $PYENV_ROOT (default ~/.pyenv).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <elf.h>

#include "elfscan/elfscan.h"
#include "inject/mem.h"
#include "monitor/pystack.h"
#include "monitor/pystack_decode.h"
#include "monitor/pystack_layout.h"

/* ---- the interpreters ---------------------------------------------------- */

/* One CPython to test: a path, or a pattern under the pyenv root. */
struct interp {
	const char *name;
	unsigned minor;
	const char *path;      /* absolute, or relative to $PYENV_ROOT/versions */
	char found[PATH_MAX];  /* filled by interp_path() */
};

static struct interp PY38 = {"3.8 (pyenv)", 8, "3.8.*/bin/python3.8", ""};
static struct interp PY39 = {"3.9 (pyenv)", 9, "3.9.*/bin/python3.9", ""};
static struct interp PY310 = {"3.10 (pyenv)", 10, "3.10.*/bin/python3.10", ""};
static struct interp PY311_DEBIAN = {"3.11 (Debian, static)", 11, "/usr/bin/python3.11", ""};
static struct interp PY311_PYENV = {"3.11 (pyenv, shared)", 11, "3.11.*/bin/python3.11", ""};
static struct interp PY312 = {"3.12 (pyenv)", 12, "3.12.*/bin/python3.12", ""};
static struct interp PY313 = {"3.13 (pyenv)", 13, "3.13.*/bin/python3.13", ""};
static struct interp PY37 = {"3.7 (pyenv)", 7, "3.7.*/bin/python3.7", ""};

/* The interpreter's path, or NULL when the machine does not have it. */
static const char *interp_path(struct interp *in)
{
	char pattern[PATH_MAX];
	glob_t g;

	if (in->found[0])
		return in->found;
	if (in->path[0] == '/') {
		if (access(in->path, X_OK) == 0)
			snprintf(in->found, sizeof in->found, "%s", in->path);
		return in->found[0] ? in->found : NULL;
	}
	const char *root = getenv("PYENV_ROOT"), *home = getenv("HOME");
	if (root && root[0])
		snprintf(pattern, sizeof pattern, "%s/versions/%s", root, in->path);
	else
		snprintf(pattern, sizeof pattern, "%s/.pyenv/versions/%s", home ? home : "/root", in->path);
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = g.gl_pathc; i-- > 0;)  /* the newest micro version */
			if (access(g.gl_pathv[i], X_OK) == 0) {
				snprintf(in->found, sizeof in->found, "%s", g.gl_pathv[i]);
				break;
			}
		globfree(&g);
	}
	return in->found[0] ? in->found : NULL;
}

/* The job: line numbers below are the index in this array plus one. */
static const char *const JOB_PY[] = {
	"import os, sys, threading, time",                                      /* 1 */
	"",                                                                     /* 2 */
	"def report(path):",                                                    /* 3 */
	"    f = sys._getframe(1)",                                             /* 4 */
	"    out = []",                                                         /* 5 */
	"    while f is not None:",                                             /* 6 */
	"        c = f.f_code",                                                 /* 7 */
	"        out.append('%s\\t%s\\t%d' % (c.co_filename, getattr(c, 'co_qualname', c.co_name), f.f_lineno))", /* 8 */
	"        f = f.f_back",                                                 /* 9 */
	"    with open(path + '.tmp', 'w', encoding='utf-8') as fp:",           /* 10 */
	"        fp.write('\\n'.join(out) + '\\n')",                            /* 11 */
	"    os.rename(path + '.tmp', path)",                                   /* 12 */
	"",                                                                     /* 13 */
	"class Worker:",                                                        /* 14 */
	"    def café(self):",                                                  /* 15 */
	"        report(sys.argv[1] + '.worker'); os.system('exec sleep 1000')", /* 16 */
	"",                                                                     /* 17 */
	"    def 函数(self):",                                                  /* 18 */
	"        self.café()",                                                  /* 19 */
	"",                                                                     /* 20 */
	"def leaf():",                                                          /* 21 */
	"    report(sys.argv[1] + '.main'); time.sleep(1000)",                  /* 22 */
	"",                                                                     /* 23 */
	"def gen():",                                                           /* 24 */
	"    yield leaf()",                                                     /* 25 */
	"",                                                                     /* 26 */
	"def deep𠀀(n):",                                                       /* 27 */
	"    if n == 0:",                                                       /* 28 */
	"        return next(gen())",                                           /* 29 */
	"    return deep𠀀(n - 1)",                                             /* 30 */
	"",                                                                     /* 31 */
	"def main():",                                                          /* 32 */
	"    threading.Thread(target=Worker().函数).start()",                   /* 33 */
	"    deep𠀀(5)",                                                        /* 34 */
	"",                                                                     /* 35 */
	"main()",                                                               /* 36 */
};

/* What the test knows of the job's script frames, innermost first; the frames
 * of threading.py that follow in the worker come from its self-report.  The
 * worker's functions are methods: before 3.11 a code object has no qualified
 * name, and the frame says "café" where 3.11 says "Worker.café". */
struct known { const char *func; int line; };
static const struct known MAIN_KNOWN[] = {
	{"leaf", 22}, {"gen", 25}, {"deep𠀀", 29}, {"deep𠀀", 30}, {"deep𠀀", 30},
	{"deep𠀀", 30}, {"deep𠀀", 30}, {"deep𠀀", 30}, {"main", 34}, {"<module>", 36},
};
static const struct known WORKER_KNOWN[] = {
	{"Worker.café", 16}, {"Worker.函数", 19},
};
#define N_KNOWN(a) (sizeof(a) / sizeof((a)[0]))
#define N_MAIN 10

#define MAX_FRAMES 64

/* The objects mapped in a job, scanned, for its symbols. */
#define MAX_OBJS 64
struct symtab {
	struct {
		uint64_t bias;
		struct elfscan_report *r;
	} o[MAX_OBJS];
	size_t n;
	/* a symbol named here is looked up as another (or hidden: "") */
	const char *from[4], *to[4];
	uint64_t fixed[4];   /* or given this address */
	size_t n_over;
};

struct job {
	pid_t pid, worker;
	const struct interp *in;
	char dir[64];
	char script[128];
	char ready[128];      /* prefix of the self-report files */
	struct symtab syms;
	bool seized;          /* the worker is traced: reap it before the leader */
	int memfd;            /* /proc/<pid>/mem for writing, or -1 */
};

/* ---- helpers ------------------------------------------------------------ */

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void write_script(struct job *j)
{
	strcpy(j->dir, "/tmp/pystack-test-XXXXXX");
	assert_non_null(mkdtemp(j->dir));
	snprintf(j->script, sizeof j->script, "%s/jöb.py", j->dir);
	snprintf(j->ready, sizeof j->ready, "%s/ready", j->dir);
	FILE *f = fopen(j->script, "w");
	assert_non_null(f);
	for (size_t i = 0; i < sizeof JOB_PY / sizeof JOB_PY[0]; i++)
		fprintf(f, "%s\n", JOB_PY[i]);
	assert_int_equal(fclose(f), 0);
}

static pid_t spawn(const char *python, const char *script, const char *arg)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);  /* so that the job's own children end with it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		execl(python, python, "-I", "-S", "-X", "utf8", script, arg, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The system call a thread is blocked in, from /proc (-1 if running). */
static long blocked_in(pid_t pid, pid_t tid)
{
	char path[64], buf[64] = "";
	snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", pid, tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -2;
	if (!fgets(buf, sizeof buf, f))
		buf[0] = 0;
	fclose(f);
	return buf[0] >= '0' && buf[0] <= '9' ? strtol(buf, NULL, 10) : -1;
}

/* In time.sleep (main thread) or in system()'s wait for its child (worker). */
static bool sleeping(pid_t pid, pid_t tid)
{
	long nr = blocked_in(pid, tid);
	return nr == 230 /* clock_nanosleep */ || nr == 35 /* nanosleep */ ||
	       nr == 23 /* select */ || nr == 270 /* pselect6 */ || nr == 61 /* wait4 */;
}

static pid_t other_task(pid_t pid)
{
	char path[64];
	pid_t found = 0;
	snprintf(path, sizeof path, "/proc/%d/task", pid);
	DIR *d = opendir(path);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));) {
		pid_t t = (pid_t)atoi(e->d_name);
		if (t > 0 && t != pid)
			found = t;
	}
	closedir(d);
	return found;
}

static void stop_thread(pid_t tid)
{
	int st;
	assert_int_equal(ptrace(PTRACE_SEIZE, tid, 0, PTRACE_O_EXITKILL), 0);
	assert_int_equal(ptrace(PTRACE_INTERRUPT, tid, 0, 0), 0);
	assert_int_equal(waitpid(tid, &st, __WALL), tid);
	assert_true(WIFSTOPPED(st));
}

/* Scans every object mapped in pid (the executable, libpython, ...). */
static void load_symbols(struct symtab *s, pid_t pid)
{
	char path[64], line[512], last[PATH_MAX] = "";
	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	FILE *maps = fopen(path, "r");
	assert_non_null(maps);
	while (fgets(line, sizeof line, maps) && s->n < MAX_OBJS) {
		unsigned long start, end, off;
		char file[PATH_MAX] = "";
		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %4095s", &start, &end, &off, file) < 4)
			continue;
		if (off != 0 || file[0] != '/' || strcmp(file, last) == 0)
			continue;
		snprintf(last, sizeof last, "%s", file);
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct elfscan_report *r = NULL;
		if (elfscan_fd_opts(fd, file, 0, &r) == 0 && !r->error) {
			s->o[s->n].bias = r->e_type == ET_DYN ? start - (r->load_lo & ~0xfffull) : 0;
			s->o[s->n++].r = r;
		} else {
			elfscan_free(r);
		}
		close(fd);
	}
	fclose(maps);
}

static void free_symbols(struct symtab *s)
{
	for (size_t i = 0; i < s->n; i++)
		elfscan_free(s->o[i].r);
	s->n = 0;
}

/* pystack_lookup_fn over a scanned job, with the test's overrides. */
static uint64_t lookup(void *ctx, const char *name)
{
	struct symtab *s = ctx;
	for (size_t i = 0; i < s->n_over; i++)
		if (strcmp(name, s->from[i]) == 0) {
			if (s->fixed[i] || !s->to[i] || !s->to[i][0])
				return s->fixed[i];
			name = s->to[i];
		}
	for (size_t i = 0; i < s->n; i++) {
		const struct elfscan_symbol *sym = elfscan_find(s->o[i].r, name, NULL);
		if (sym)
			return s->o[i].bias + sym->value;
	}
	return 0;
}

static void override(struct symtab *s, const char *from, const char *to, uint64_t fixed)
{
	assert_true(s->n_over < 4);
	s->from[s->n_over] = from;
	s->to[s->n_over] = to;
	s->fixed[s->n_over++] = fixed;
}

/* Starts JOB_PY and returns once both threads sleep, stopped; skips the test
 * when the machine lacks the interpreter. */
static void job_start(struct job *j, struct interp *in)
{
	char main_ready[160], worker_ready[160];
	const char *python = interp_path(in);

	if (!python)
		skip();
	j->in = in;
	if (getenv("PYSTACK_TEST_VERBOSE"))
		fprintf(stderr, "  (%s: %s)\n", in->name, python);
	write_script(j);
	snprintf(main_ready, sizeof main_ready, "%s.main", j->ready);
	snprintf(worker_ready, sizeof worker_ready, "%s.worker", j->ready);
	j->pid = spawn(python, j->script, j->ready);
	for (int i = 0; i < 1000; i++) {  /* 20 s */
		if (access(main_ready, F_OK) == 0 && access(worker_ready, F_OK) == 0) {
			j->worker = other_task(j->pid);
			if (j->worker && sleeping(j->pid, j->pid) && sleeping(j->pid, j->worker))
				break;
		}
		int st;
		if (waitpid(j->pid, &st, WNOHANG) == j->pid)
			fail_msg("%s exited early (status %#x)", python, st);
		sleep_ms(20);
	}
	assert_true(j->worker > 0);
	assert_true(sleeping(j->pid, j->pid) && sleeping(j->pid, j->worker));
	stop_thread(j->pid);
	stop_thread(j->worker);
	j->seized = true;
	load_symbols(&j->syms, j->pid);
}

static void rm_rf_flat(const char *dir)
{
	DIR *d = opendir(dir);
	char path[PATH_MAX];
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Ends the job and everything it started (its process group), whatever
 * state a failed assertion left it in. */
static void job_end(struct job *j)
{
	int st;
	if (j->memfd >= 0)
		close(j->memfd);
	if (j->pid > 0) {
		kill(-j->pid, SIGKILL);
		/* a traced thread is reaped by its tracer before the leader is */
		if (j->seized)
			while (waitpid(j->worker, &st, __WALL) < 0 && errno == EINTR)
				;
		while (waitpid(j->pid, &st, __WALL) < 0 && errno == EINTR)
			;
	}
	free_symbols(&j->syms);
	if (j->dir[0])
		rm_rf_flat(j->dir);
}

/* cmocka's prestate is the interpreter; the state becomes the job. */
static int job_setup(void **state)
{
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return -1;
	j->memfd = -1;
	j->in = *state;
	*state = j;
	return 0;
}

static int job_teardown(void **state)
{
	job_end(*state);
	free(*state);
	return 0;
}

/* The self-report written by the job: "file\tqualname\tline" per frame. */
static size_t read_report(const char *path, struct pyframe *fr, size_t max)
{
	char line[1024];
	size_t n = 0;
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (n < max && fgets(line, sizeof line, f)) {
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		assert_non_null(t2);
		*t1 = *t2 = 0;
		pystack_copy_utf8(fr[n].file, sizeof fr[n].file, line);
		pystack_copy_utf8(fr[n].func, sizeof fr[n].func, t1 + 1);
		fr[n].line = atoi(t2 + 1);
		n++;
	}
	fclose(f);
	return n;
}

static void print_stack(const char *what, const struct pyframe *fr, int n)
{
	fprintf(stderr, "  %s:\n", what);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "    %s %s:%d\n", fr[i].func, fr[i].file, fr[i].line);
}

/* The function name a frame of this version gives a known frame. */
static const char *known_func(const struct job *j, const char *func)
{
	const char *dot = strchr(func, '.');
	return j->in->minor < 11 && dot ? dot + 1 : func;
}

/* Reads tid's stack and checks it against the self-report and the known frames. */
static void check_stack(const struct job *j, const struct pystack_info *info, pid_t tid,
                        const char *suffix, const struct known *known, size_t n_known)
{
	struct pyframe got[MAX_FRAMES], want[MAX_FRAMES];
	char path[160];

	snprintf(path, sizeof path, "%s.%s", j->ready, suffix);
	size_t n_want = read_report(path, want, MAX_FRAMES);
	int n = pystack_read(tid, info, got, MAX_FRAMES);
	if (n != (int)n_want) {
		print_stack("read", got, n > 0 ? n : 0);
		print_stack("self-report", want, (int)n_want);
	}
	assert_int_equal(n, (int)n_want);
	assert_true(n_want >= n_known);
	for (size_t i = 0; i < n_want; i++) {
		assert_string_equal(got[i].file, want[i].file);
		assert_string_equal(got[i].func, want[i].func);
		assert_int_equal(got[i].line, want[i].line);
	}
	for (size_t i = 0; i < n_known; i++) {
		assert_string_equal(got[i].file, j->script);
		assert_string_equal(got[i].func, known_func(j, known[i].func));
		assert_int_equal(got[i].line, known[i].line);
	}
	/* A short buffer gets the innermost frames. */
	assert_int_equal(pystack_read(tid, info, got, 1), 1);
	assert_string_equal(got[0].func, known_func(j, known[0].func));
	assert_int_equal(pystack_read(tid, info, got, 0), 0);
}

/* Probes the job's interpreter, which must be understood. */
static void probe_ok(struct job *j, struct pystack_info *info)
{
	int rc = pystack_probe(j->pid, lookup, &j->syms, info);
	if (rc != 0)
		fail_msg("%s: probe says %d (version %#x)", j->in->name, rc, info->version);
	assert_int_equal(info->layout, (int)j->in->minor);
	assert_int_equal(info->version >> 16, 0x0300 | j->in->minor);
}

/* ---- location tables and strings -------------------------------------- */

/* Prints, for the code objects of a few stdlib modules, co_firstlineno, the
 * location table in hex (co_lnotab before 3.10), the number of code units,
 * and the line of each unit by CPython's own decoder (co_lines(), or before
 * 3.10 dis.findlinestarts; -1: none, -2: not said). */
static const char LT_DUMP_PY[] =
	"import types, importlib, dis, sys\n"
	"def walk(co):\n"
	"    yield co\n"
	"    for c in co.co_consts:\n"
	"        if isinstance(c, types.CodeType): yield from walk(c)\n"
	"srcs = []\n"
	"for m in ('threading', 'json.decoder', 'argparse', 'enum', 'dataclasses'):\n"
	"    f = importlib.import_module(m).__file__\n"
	"    srcs.append((open(f, encoding='utf-8').read(), f))\n"
	"srcs.append(('x = 1\\n' + '\\n' * 100000 + 'y = (1,\\n 2)\\n' + 'z = [[[\\n\\n\\n]]]\\n', 'gaps'))\n"
	"srcs.append(('def f(a):\\n  return (a +\\n  a)\\n' * 3, 'negative'))\n"
	"for src, name in srcs:\n"
	"    for co in walk(compile(src, name, 'exec')):\n"
	"        n = len(co.co_code) // 2\n"
	"        line = {}\n"
	"        if hasattr(co, 'co_lines'):\n"
	"            tab = co.co_linetable\n"
	"            for s, e, l in co.co_lines():\n"
	"                for a in range(s, e, 2): line[a] = -1 if l is None else l\n"
	"        else:\n"
	"            tab = co.co_lnotab\n"
	"            starts, cur = dict(dis.findlinestarts(co)), -2\n"
	"            for a in range(0, 2 * n, 2):\n"
	"                cur = starts.get(a, cur); line[a] = cur\n"
	"        print(co.co_firstlineno, tab.hex() or '-', n,\n"
	"              ' '.join(str(line.get(2 * i, -2)) for i in range(n)))\n";

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	for (; s[0] && s[1]; s += 2) {
		unsigned v;
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static void test_lines_match_cpython(void **state)
{
	struct interp *in = *state;
	const char *py = interp_path(in);
	unsigned kind = pystack_layout_for(in->minor)->lines;
	char cmd[PATH_MAX + 128];
	if (!py)
		skip();
	/* the program goes in the environment: no file to clean up */
	assert_int_equal(setenv("PYSTACK_LT_DUMP", LT_DUMP_PY, 1), 0);
	snprintf(cmd, sizeof cmd, "%s -I -S -c \"import os; exec(os.environ['PYSTACK_LT_DUMP'])\"", py);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);

	char *line = NULL;
	size_t cap = 0, n_codes = 0, n_checked = 0;
	while (getline(&line, &cap, p) > 0) {
		char *save, *first = strtok_r(line, " \n", &save);
		char *hex = strtok_r(NULL, " \n", &save);
		char *units = strtok_r(NULL, " \n", &save);
		assert_non_null(units);
		uint8_t *tab = malloc(strlen(hex) / 2 + 1);
		size_t len = unhex(hex, tab);
		int firstlineno = atoi(first);
		long n = atol(units);
		long step = n > 400 ? n / 400 : 1;  /* each lookup decodes from the start */
		for (long i = 0; i < n; i++) {
			char *tok = strtok_r(NULL, " \n", &save);
			assert_non_null(tok);
			int want = atoi(tok), got = -3, part = -3;
			if (want == -2 || i % step)
				continue;
			assert_int_equal(pystack_line_of(kind, tab, len, true, firstlineno,
			                                 2 * (uint64_t)i, &got), 0);
			if (got != want)
				fail_msg("%s: unit %ld of a table at line %d: %d, CPython says %d",
				         in->name, i, firstlineno, got, want);
			/* half a table answers the same, or asks for more */
			int rc = pystack_line_of(kind, tab, len / 2, false, firstlineno,
			                         2 * (uint64_t)i, &part);
			assert_true(rc == -EAGAIN || (rc == 0 && part == want));
			n_checked++;
		}
		free(tab);
		n_codes++;
	}
	free(line);
	assert_int_equal(pclose(p), 0);
	unsetenv("PYSTACK_LT_DUMP");
	assert_true(n_codes > 400);
	assert_true(n_checked > 10000);
}

static void test_linetable_forms(void **state)
{
	(void)state;
	int line;
	/* short form (code 3, 2 units), one-line +2, no-columns -3, no location,
	 * long form +300: lines 10 10 12 9 - 309 */
	const uint8_t tab[] = {
		0x80 | 3 << 3 | 1, 0x12,
		0x80 | 12 << 3 | 0, 0x01, 0x05,
		0x80 | 13 << 3 | 0, 0x07,             /* svarint 7: -3 */
		0x80 | 15 << 3 | 0,
		0x80 | 14 << 3 | 0, 0x58, 0x09, 0x00, 0x01, 0x02,  /* svarint 600: +300 */
	};
	const int want[] = {10, 10, 12, 9, -1, 309};
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(pystack_linetable_line(tab, sizeof tab, true, 10, 2 * i, &line), 0);
		assert_int_equal(line, want[i]);
	}
	/* past the end, odd offsets, truncated entries, bytes out of place */
	assert_int_equal(pystack_linetable_line(tab, sizeof tab, true, 10, 12, &line), -EINVAL);
	assert_int_equal(pystack_linetable_line(tab, sizeof tab, false, 10, 12, &line), -EAGAIN);
	assert_int_equal(pystack_linetable_line(tab, sizeof tab, true, 10, 3, &line), -EINVAL);
	assert_int_equal(pystack_linetable_line(tab, 3, true, 10, 4, &line), -EINVAL);
	assert_int_equal(pystack_linetable_line(tab, 3, false, 10, 4, &line), -EAGAIN);
	const uint8_t stray[] = {0x12, 0x80};
	assert_int_equal(pystack_linetable_line(stray, sizeof stray, true, 1, 0, &line), -EINVAL);
	const uint8_t two_firsts[] = {0x80, 0x80};
	assert_int_equal(pystack_linetable_line(two_firsts, sizeof two_firsts, true, 1, 0, &line), -EINVAL);
	/* a varint that never ends, and one line past INT_MAX */
	uint8_t endless[64] = {0x80 | 13 << 3};
	memset(endless + 1, 0x7f, sizeof endless - 1);
	assert_int_equal(pystack_linetable_line(endless, sizeof endless, true, 1, 0, &line), -EINVAL);
	const uint8_t huge[] = {0x80 | 13 << 3, 0x40, 0x40, 0x40, 0x40, 0x40, 0x02};  /* +2^30 */
	assert_int_equal(pystack_linetable_line(huge, sizeof huge, true, INT_MAX - 5, 0, &line), -EINVAL);
	assert_int_equal(pystack_linetable_line(huge, sizeof huge, true, 1, 0, &line), 0);
	assert_int_equal(line, 1 + (1 << 30));
	assert_int_equal(pystack_linetable_line(NULL, 0, true, 1, 0, &line), -EINVAL);
}

static void test_utf8(void **state)
{
	(void)state;
	char out[16];
	const uint8_t latin1[] = {'c', 'a', 'f', 0xe9, 0x0a, 0x85};
	assert_int_equal(pystack_utf8(latin1, 6, 1, out, sizeof out), 7);
	assert_string_equal(out, "café??");
	const uint16_t ucs2[] = {0x51fd, 0x6570, 0xdc80, 'x'};
	pystack_utf8(ucs2, 4, 2, out, sizeof out);
	assert_string_equal(out, "函数?x");
	const uint32_t ucs4[] = {0x20000, 'd', 0x110000, 0x7f};
	pystack_utf8(ucs4, 4, 4, out, sizeof out);
	assert_string_equal(out, "𠀀d??");
	/* truncation never cuts a character */
	assert_int_equal(pystack_utf8(ucs2, 2, 2, out, 6), 3);
	assert_string_equal(out, "函");
	assert_int_equal(pystack_utf8(ucs4, 1, 4, out, 4), 0);
	assert_string_equal(out, "");
	pystack_copy_utf8(out, 5, "ab函数");
	assert_string_equal(out, "ab");
	pystack_copy_utf8(out, 6, "ab函数");
	assert_string_equal(out, "ab函");
	pystack_copy_utf8(out, 1, "ab");
	assert_string_equal(out, "");
}

static void test_linetable310_forms(void **state)
{
	(void)state;
	int line;
	/* 4 bytes +1, 2 bytes no line, a 0-byte pair +100 then 2 bytes +27,
	 * 2 bytes -5: lines of bytes 0..9 are 11 11 11 11 - - 138 138 133 133 */
	const uint8_t tab[] = {4, 1, 2, 0x80, 0, 100, 2, 27, 2, (uint8_t)-5};
	const int want[] = {11, 11, 11, 11, -1, -1, 138, 138, 133, 133};
	for (unsigned a = 0; a < 10; a++) {
		assert_int_equal(pystack_linetable310_line(tab, sizeof tab, true, 10, a, &line), 0);
		assert_int_equal(line, want[a]);
	}
	/* past the end, a cut table, an odd length */
	assert_int_equal(pystack_linetable310_line(tab, sizeof tab, true, 10, 10, &line), -EINVAL);
	assert_int_equal(pystack_linetable310_line(tab, 4, false, 10, 7, &line), -EAGAIN);
	assert_int_equal(pystack_linetable310_line(tab, 4, false, 10, 5, &line), 0);
	assert_int_equal(line, -1);
	assert_int_equal(pystack_linetable310_line(tab, 3, true, 10, 5, &line), -EINVAL);
	assert_int_equal(pystack_linetable310_line(NULL, 0, true, 1, 0, &line), -EINVAL);
	/* a line past INT_MAX */
	const uint8_t up[] = {0, 127, 2, 127};
	assert_int_equal(pystack_linetable310_line(up, sizeof up, true, INT_MAX - 200, 0, &line), -EINVAL);
}

static void test_lnotab_forms(void **state)
{
	(void)state;
	int line;
	/* line 10 for bytes 0-5, +2 from 6, -1 from 6 too (0-byte pair), +300
	 * from 10 (two pairs of +127, one of +46): 10 10 10 10 10 10 11 11 11 11 311 */
	const uint8_t tab[] = {6, 2, 0, (uint8_t)-1, 4, 127, 0, 127, 0, 46};
	const int want[] = {10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 311, 311};
	for (unsigned a = 0; a < 12; a++) {
		assert_int_equal(pystack_lnotab_line(tab, sizeof tab, true, 10, a, &line), 0);
		assert_int_equal(line, want[a]);
	}
	/* an empty table: the first line throughout; a cut one asks for more */
	assert_int_equal(pystack_lnotab_line(NULL, 0, true, 7, 40, &line), 0);
	assert_int_equal(line, 7);
	assert_int_equal(pystack_lnotab_line(tab, 4, false, 10, 8, &line), -EAGAIN);
	assert_int_equal(pystack_lnotab_line(tab, 4, false, 10, 5, &line), 0);
	assert_int_equal(line, 10);
	assert_int_equal(pystack_lnotab_line(tab, 3, true, 10, 8, &line), -EINVAL);
	assert_int_equal(pystack_line_of(99, tab, sizeof tab, true, 10, 0, &line), -EINVAL);
}

/* ---- live jobs ----------------------------------------------------------- */

static void test_stack(void **state)
{
	struct job *j = *state;
	struct pystack_info info, info2;

	job_start(j, (struct interp *)j->in);
	probe_ok(j, &info);
	/* probing from the worker reads the same address space */
	assert_int_equal(pystack_probe(j->worker, lookup, &j->syms, &info2), 0);
	check_stack(j, &info, j->pid, "main", MAIN_KNOWN, N_KNOWN(MAIN_KNOWN));
	check_stack(j, &info, j->worker, "worker", WORKER_KNOWN, N_KNOWN(WORKER_KNOWN));
}

/* 3.13 publishes its layout: it is the one the table has for 3.13. */
static void test_debug_offsets_match_table(void **state)
{
	struct job *j = *state;
	struct pystack_info info;

	job_start(j, (struct interp *)j->in);
	probe_ok(j, &info);
	assert_true(info.debug_offsets);
	assert_true(info.table_agrees);
	/* and an interpreter whose published offsets are not its version's
	 * (a job can write there): no layout */
	uint64_t runtime = lookup(&j->syms, "_PyRuntime"), v;
	j->memfd = mem_open(j->pid);
	assert_true(j->memfd >= 0);
	assert_int_equal(mem_read_word(j->pid, runtime + 8, &v), 0);
	assert_int_equal(mem_write_word(j->memfd, runtime + 8, v + 1), 0);
	assert_int_equal(pystack_probe(j->pid, lookup, &j->syms, &info), -ENOTSUP);
	assert_int_equal(mem_write_word(j->memfd, runtime + 8, v), 0);
	assert_int_equal(pystack_probe(j->pid, lookup, &j->syms, &info), 0);
}

/* A version pystack does not know: it says which, and reads nothing. */
static void test_probe_unknown_version(void **state)
{
	struct job *j = *state;
	struct pystack_info info;
	const char *py = interp_path(&PY37);

	if (!py)
		skip();
	write_script(j);  /* only its directory and names are used */
	FILE *f = fopen(j->script, "w");
	assert_non_null(f);
	fputs("import sys, time\nopen(sys.argv[1], 'w').close()\ntime.sleep(1000)\n", f);
	fclose(f);
	j->pid = spawn(py, j->script, j->ready);
	for (int i = 0; i < 1000 && access(j->ready, F_OK) != 0; i++)
		sleep_ms(20);
	assert_int_equal(access(j->ready, F_OK), 0);
	stop_thread(j->pid);
	load_symbols(&j->syms, j->pid);
	assert_int_equal(pystack_probe(j->pid, lookup, &j->syms, &info), -ENOTSUP);
	assert_int_equal(info.layout, -1);
	struct pyframe fr[4];
	assert_int_equal(pystack_read(j->pid, &info, fr, 4), -ENOTSUP);
}

/* The wrong version, the wrong types, no interpreter yet: no layout, never
 * a stack read with a layout that is not the interpreter's. */
static void test_probe_wrong_layout(void **state)
{
	struct job *j = *state;
	struct pystack_info info;
	struct pyframe fr[MAX_FRAMES];

	job_start(j, (struct interp *)j->in);
	struct symtab *s = &j->syms;
	/* without Py_Version a 3.11 looks like a 3.10 by its API: the 3.10
	 * layout does not fit its code objects */
	if (j->in->minor >= 11) {
		override(s, "Py_Version", "", 0);
		assert_int_equal(pystack_probe(j->pid, lookup, s, &info), -ENOTSUP);
		assert_int_equal(info.version, 0x030a0000u);
		s->n_over = 0;
	}
	/* a newer version's layout claimed for an older interpreter */
	if (j->in->minor < 11) {
		override(s, "Py_Version", "Py_Version", 0x1000);
		assert_int_equal(pystack_probe(j->pid, lookup, s, &info), -EFAULT);
		s->n_over = 0;
	}
	/* the types of other objects */
	override(s, "PyUnicode_Type", "PyBytes_Type", 0);
	assert_int_equal(pystack_probe(j->pid, lookup, s, &info), -ENOTSUP);
	s->n_over = 0;
	override(s, "PyCode_Type", "PyFrame_Type", 0);
	assert_int_equal(pystack_probe(j->pid, lookup, s, &info), -ENOTSUP);
	s->n_over = 0;
	override(s, "PyBytes_Type", "", 0);
	assert_int_equal(pystack_probe(j->pid, lookup, s, &info), -ENOTSUP);
	s->n_over = 0;
	override(s, "PyCode_Type", NULL, lookup(s, "PyCode_Type") + 8);
	assert_int_equal(pystack_probe(j->pid, lookup, s, &info), -ENOTSUP);
	s->n_over = 0;
	override(s, "PyCode_Type", NULL, 0x1000);
	assert_int_equal(pystack_probe(j->pid, lookup, s, &info), -EFAULT);
	s->n_over = 0;
	/* no interpreter yet: ask again later */
	override(s, "_PyRuntime", "", 0);
	assert_int_equal(pystack_probe(j->pid, lookup, s, &info), -EAGAIN);
	s->n_over = 0;
	/* a refused probe leaves nothing to read with */
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	assert_int_equal(pystack_read(j->pid, NULL, fr, MAX_FRAMES), -ENOTSUP);
	assert_int_equal(pystack_probe(j->pid, NULL, s, &info), -EINVAL);
	probe_ok(j, &info);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), N_MAIN);
}

/* A probed info pointed at the wrong runtime: every 8 bytes of the first
 * 64 KiB around _PyRuntime, then a stride through 1 MiB.  No interpreter
 * points back at such a runtime, so no frame comes out. */
static void test_bogus_runtime(void **state)
{
	struct job *j = *state;
	struct pystack_info info, bad;
	struct pyframe fr[MAX_FRAMES];

	job_start(j, (struct interp *)j->in);
	probe_ok(j, &info);
	for (int64_t d = -32768; d < (1 << 20); d += d < 32768 ? 8 : 88) {
		if (d == 0)
			continue;
		bad = info;
		bad.runtime = info.runtime + (uint64_t)d;
		/* (before 3.9 an interpreter does not point back at its
		 * runtime: a word that points at the interpreter anyway,
		 * interpreters.main, finds the right stack) */
		int rc = pystack_read(j->pid, &bad, fr, MAX_FRAMES);
		assert_true((rc <= 0 && rc >= -4095) ||
		            (rc == N_MAIN && info.lay.is_runtime == PYOFF_NONE &&
		             strcmp(fr[0].func, "leaf") == 0 && fr[0].line == 22));
	}
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), N_MAIN);
}

/* ---- a job that scribbles on its own interpreter ------------------------- */

struct scribble {
	int memfd;
	pid_t pid;
	uint64_t addr, saved;
};

static uint64_t word(pid_t pid, uint64_t addr)
{
	uint64_t w = 0;
	assert_int_equal(mem_read_word(pid, addr, &w), 0);
	return w;
}

static void poke(struct scribble *s, uint64_t addr, uint64_t value)
{
	s->addr = addr;
	assert_int_equal(mem_read_word(s->pid, addr, &s->saved), 0);
	assert_int_equal(mem_write_word(s->memfd, addr, value), 0);
}

/* Writes the low 32 bits of value over the int at addr. */
static void poke32(struct scribble *s, uint64_t addr, uint32_t value)
{
	uint64_t w = word(s->pid, addr);
	poke(s, addr, (w & ~0xffffffffull) | value);
}

static void unpoke(struct scribble *s)
{
	assert_int_equal(mem_write_word(s->memfd, s->addr, s->saved), 0);
}

static uint64_t fs_base(pid_t tid)
{
	struct user_regs_struct r;
	assert_int_equal(ptrace(PTRACE_GETREGS, tid, NULL, &r), 0);
	return r.fs_base;
}

static void test_scribbled_state(void **state)
{
	struct job *j = *state;
	struct pystack_info info;
	struct pyframe fr[MAX_FRAMES];
	int rc;

	job_start(j, (struct interp *)j->in);
	probe_ok(j, &info);
	const struct pystack_layout *L = &info.lay;
	bool interp_frames = L->frames == PYFRAMES_INTERP;
	j->memfd = mem_open(j->pid);
	assert_true(j->memfd >= 0);
	struct scribble s = {j->memfd, j->pid, 0, 0}, s2 = s;

	/* Walk to the structures as pystack does, with the same offsets. */
	uint32_t id_off = L->ts_native_thread_id != PYOFF_NONE ? L->ts_native_thread_id : L->ts_thread_id;
	uint64_t main_id = L->ts_native_thread_id != PYOFF_NONE ? (uint64_t)j->pid : fs_base(j->pid);
	uint64_t interp = word(j->pid, info.runtime + L->rt_interp_head);
	uint64_t head = word(j->pid, interp + L->is_threads_head);  /* newest: the worker */
	uint64_t second = word(j->pid, head + L->ts_next);
	assert_int_equal(word(j->pid, second + id_off), main_id);
	uint64_t frame_at = second + L->ts_frame;  /* the word that leads to the frame */
	if (L->cf_current_frame != PYOFF_NONE)
		frame_at = word(j->pid, frame_at) + L->cf_current_frame;
	uint64_t frame = word(j->pid, frame_at);
	uint64_t code = word(j->pid, frame + L->fr_code);
	uint64_t file = word(j->pid, code + L->co_filename);
	uint64_t outer = word(j->pid, frame + L->fr_previous);
	int n_good = pystack_read(j->pid, &info, fr, MAX_FRAMES);
	assert_int_equal(n_good, N_MAIN);

	/* a thread the interpreter does not know runs no Python code; with the
	 * interpreter list in a loop, the search for it stops */
	poke(&s2, second + id_off, 1);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), 0);
	poke(&s, interp + L->is_next, interp);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	unpoke(&s2);
	/* a thread state just made by the main thread for a new thread carries
	 * the main thread's id and no frame until that thread starts: skipped */
	poke(&s, head + id_off, main_id);
	poke(&s2, head + L->ts_frame, 0);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), N_MAIN);
	assert_string_equal(fr[0].func, "leaf");
	unpoke(&s2);
	unpoke(&s);
	/* thread list into a loop */
	poke(&s, head + L->ts_next, head);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	/* a thread state of another interpreter; the wrong runtime */
	poke(&s, second + L->ts_interp, interp + 8);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	if (L->is_runtime != PYOFF_NONE) {
		poke(&s, interp + L->is_runtime, info.runtime + 8);
		assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
		unpoke(&s);
	}
	/* a frame loop, short and long: found, not walked to the bound */
	poke(&s, outer + L->fr_previous, frame);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	poke(&s, frame + L->fr_previous, frame);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	/* the code pointer at something that is not code; unmapped; odd */
	poke(&s, frame + L->fr_code, file);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	poke(&s, frame + L->fr_code, 0x1000);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -EFAULT);
	unpoke(&s);
	poke(&s, frame + L->fr_code, code + 1);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	/* co_filename: a bytes object, a negative length, a bad kind */
	poke(&s, code + L->co_filename, word(j->pid, code + L->co_linetable));
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	poke(&s, file + L->str_length, (uint64_t)-1);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	uint64_t st = word(j->pid, file + L->str_state);
	unsigned shift = (unsigned)__builtin_ctz(L->state_kind);
	poke(&s, file + L->str_state, (st & ~(uint64_t)L->state_kind) | 3u << shift);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	/* a huge length reads only what fits */
	poke(&s, file + L->str_length, (uint64_t)1 << 40);
	rc = pystack_read(j->pid, &info, fr, MAX_FRAMES);
	assert_true(rc == N_MAIN || rc == -EFAULT);
	unpoke(&s);
	/* an unreadable or wrong location table, a wild instruction index:
	 * the line is lost, not the frame */
	poke(&s, code + L->co_linetable, 0x1000);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), N_MAIN);
	assert_int_equal(fr[0].line, -1);
	assert_string_equal(fr[0].func, "leaf");
	assert_int_equal(fr[1].line, 25);
	unpoke(&s);
	poke(&s, code + L->co_linetable, file);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), N_MAIN);
	assert_int_equal(fr[0].line, -1);
	unpoke(&s);
	if (interp_frames) {
		uint64_t units = word(j->pid, code + L->ob_size);
		uint64_t start = code + L->co_code_adaptive;
		poke(&s, frame + L->fr_instr, start + 2 * units);
		assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), N_MAIN);
		assert_int_equal(fr[0].line, -1);
		unpoke(&s);
		poke(&s, frame + L->fr_instr, start + 2 * units - 1);
		assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), N_MAIN);
		assert_int_equal(fr[0].line, -1);
		unpoke(&s);
		/* before the first instruction: an incomplete frame, skipped */
		poke(&s, frame + L->fr_instr, start - 2);
		assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), N_MAIN - 1);
		assert_string_equal(fr[0].func, "gen");
		unpoke(&s);
		/* an owner no frame has */
		poke(&s, frame + (L->fr_owner & ~7u), word(j->pid, frame + (L->fr_owner & ~7u)) |
		     (uint64_t)0x7f << 8 * (L->fr_owner & 7));
		assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
		unpoke(&s);
	} else {
		/* f_lasti -1: not started, at its first line */
		poke32(&s, frame + L->fr_instr, UINT32_MAX);
		assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), N_MAIN);
		assert_int_equal(fr[0].line, 21);
		unpoke(&s);
		poke32(&s, frame + L->fr_instr, INT32_MAX);
		assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), N_MAIN);
		unpoke(&s);
		/* a frame that is not a frame object */
		poke(&s, frame + L->ob_type, info.code_type);
		assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
		unpoke(&s);
	}
	/* the way to the thread's frame unmapped */
	poke(&s, second + L->ts_frame, 0x1000);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -EFAULT);
	unpoke(&s);

	/* Random words written over every object of the main thread's stack
	 * (a fixed seed, so a failure repeats): any result but a crash, a loop
	 * or a count past max will do. */
	uint64_t objs[64];
	size_t n_objs = 0;
	objs[n_objs++] = interp;
	objs[n_objs++] = second;
	objs[n_objs++] = frame_at & ~7ull;
	for (uint64_t f = frame; f && n_objs + 5 <= 64; f = word(j->pid, f + L->fr_previous)) {
		uint64_t c = word(j->pid, f + L->fr_code);
		if (interp_frames && L->owned_by_cstack != PYOFF_NONE &&
		    (word(j->pid, f + (L->fr_owner & ~7u)) >> 8 * (L->fr_owner & 7) & 0xff) ==
		    L->owned_by_cstack)
			continue;   /* a shim frame: no code object */
		objs[n_objs++] = f;
		objs[n_objs++] = c;
		objs[n_objs++] = word(j->pid, c + L->co_filename);
		objs[n_objs++] = word(j->pid, c + L->co_name);
		objs[n_objs++] = word(j->pid, c + L->co_linetable);
	}
	unsigned seed = 1;
	for (int i = 0; i < 1000; i++) {
		uint64_t at = objs[rand_r(&seed) % n_objs] + 8 * (uint64_t)(rand_r(&seed) % 32);
		uint64_t old = word(j->pid, at), v;
		switch (rand_r(&seed) % 5) {
		case 0: v = (uint64_t)rand_r(&seed) << 32 | (uint64_t)rand_r(&seed); break;
		case 1: v = old ^ (1ull << (rand_r(&seed) % 64)); break;
		case 2: v = objs[rand_r(&seed) % n_objs] + 8 * (uint64_t)(rand_r(&seed) % 8); break;
		case 3: v = 0; break;
		default: v = old + 8 * (uint64_t)(rand_r(&seed) % 16) - 64; break;
		}
		poke(&s, at, v);
		rc = pystack_read(j->pid, &info, fr, MAX_FRAMES);
		assert_true(rc >= -4095 && rc <= MAX_FRAMES);
		unpoke(&s);
	}

	/* everything restored */
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), n_good);
	assert_int_equal(fr[0].line, 22);
}

/* ---- cost ---------------------------------------------------------------- */

/* Not a timed test (nothing is asserted about time): prints what one read of
 * the job's 10-frame main stack costs, for the record. */
static void test_cost(void **state)
{
	struct job *j = *state;
	struct pystack_info info;
	struct pyframe fr[MAX_FRAMES];
	struct timespec t0, t1;
	enum { N = 2000 };

	job_start(j, (struct interp *)j->in);
	probe_ok(j, &info);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < N; i++)
		assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), N_MAIN);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3 / N;
	fprintf(stderr, "  pystack_read, 10 frames (%s): %.1f us per read\n", j->in->name, us);
}

/* Every row of the table is a layout the reader accepts, one per version. */
static void test_table(void **state)
{
	(void)state;
	assert_int_equal(pystack_n_layouts, 6);
	for (unsigned minor = 8; minor <= 13; minor++) {
		const struct pystack_layout *L = pystack_layout_for(minor);
		assert_non_null(L);
		assert_int_equal(L->minor, minor);
		assert_int_equal(L->frames, minor >= 11 ? PYFRAMES_INTERP : PYFRAMES_OBJECT);
	}
	assert_null(pystack_layout_for(7));
	assert_null(pystack_layout_for(14));
}

#define EACH_INTERP(test, setup, teardown)                                          \
	cmocka_unit_test_prestate_setup_teardown(test, setup, teardown, &PY38),         \
	cmocka_unit_test_prestate_setup_teardown(test, setup, teardown, &PY39),         \
	cmocka_unit_test_prestate_setup_teardown(test, setup, teardown, &PY310),        \
	cmocka_unit_test_prestate_setup_teardown(test, setup, teardown, &PY311_DEBIAN), \
	cmocka_unit_test_prestate_setup_teardown(test, setup, teardown, &PY311_PYENV),  \
	cmocka_unit_test_prestate_setup_teardown(test, setup, teardown, &PY312),        \
	cmocka_unit_test_prestate_setup_teardown(test, setup, teardown, &PY313)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_linetable_forms),
		cmocka_unit_test(test_linetable310_forms),
		cmocka_unit_test(test_lnotab_forms),
		cmocka_unit_test(test_utf8),
		EACH_INTERP(test_lines_match_cpython, NULL, NULL),
		EACH_INTERP(test_stack, job_setup, job_teardown),
		cmocka_unit_test_prestate_setup_teardown(test_debug_offsets_match_table, job_setup,
		                                         job_teardown, &PY313),
		cmocka_unit_test_prestate_setup_teardown(test_probe_unknown_version, job_setup,
		                                         job_teardown, &PY37),
		EACH_INTERP(test_probe_wrong_layout, job_setup, job_teardown),
		cmocka_unit_test_prestate_setup_teardown(test_bogus_runtime, job_setup, job_teardown,
		                                         &PY38),
		cmocka_unit_test_prestate_setup_teardown(test_bogus_runtime, job_setup, job_teardown,
		                                         &PY311_DEBIAN),
		EACH_INTERP(test_scribbled_state, job_setup, job_teardown),
		EACH_INTERP(test_cost, job_setup, job_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
