/* Unit tests for monitor/pystack.c and monitor/pystack_decode.c.
 *
 * The decoders are checked against a real interpreter (its co_lines() for the
 * location tables of a few stdlib modules) and against hand-made input.  The
 * stack reader is checked on live jobs: each CPython 3.11 that exists here
 * runs JOB_PY below, whose two threads write the stack they see themselves
 * (file, qualname, line per frame) and then block in C code called from
 * Python (time.sleep; os.system, waiting for its child); the test stops both
 * threads with PTRACE_SEIZE + PTRACE_INTERRUPT, reads their stacks from
 * outside, and compares with both the self-report and the lines it knows.
 * Then it scribbles on the job's interpreter state (a job can) and expects
 * errors, never a crash or a loop.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <elf.h>

#include "elfscan/elfscan.h"
#include "inject/mem.h"
#include "monitor/pystack.h"
#include "monitor/pystack_decode.h"
#include "monitor/pystack_layout311.h"

#define PY311_DEBIAN "/usr/bin/python3.11"
#define PY311_PYENV  "/root/.pyenv/versions/3.11.7/bin/python3.11"
#define PY312_PYENV  "/root/.pyenv/versions/3.12.1/bin/python3.12"

/* The job: line numbers below are the index in this array plus one. */
static const char *const JOB_PY[] = {
	"import os, sys, threading, time",                                      /* 1 */
	"",                                                                     /* 2 */
	"def report(path):",                                                    /* 3 */
	"    f = sys._getframe(1)",                                             /* 4 */
	"    out = []",                                                         /* 5 */
	"    while f is not None:",                                             /* 6 */
	"        c = f.f_code",                                                 /* 7 */
	"        out.append('%s\\t%s\\t%d' % (c.co_filename, c.co_qualname, f.f_lineno))", /* 8 */
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
 * of threading.py that follow in the worker come from its self-report. */
struct known { const char *func; int line; };
static const struct known MAIN_KNOWN[] = {
	{"leaf", 22}, {"gen", 25}, {"deep𠀀", 29}, {"deep𠀀", 30}, {"deep𠀀", 30},
	{"deep𠀀", 30}, {"deep𠀀", 30}, {"deep𠀀", 30}, {"main", 34}, {"<module>", 36},
};
static const struct known WORKER_KNOWN[] = {
	{"Worker.café", 16}, {"Worker.函数", 19},
};
#define N_KNOWN(a) (sizeof(a) / sizeof((a)[0]))

#define MAX_FRAMES 64

struct job {
	pid_t pid, worker;
	char dir[64];
	char script[128];
	char ready[128];      /* prefix of the self-report files */
	uint64_t runtime, version;  /* &_PyRuntime, &Py_Version in the job */
	bool seized;          /* the worker is traced: reap it before the leader */
	int memfd;            /* /proc/<pid>/mem for writing, or -1 */
};

/* ---- helpers ------------------------------------------------------------ */

static bool exists(const char *path)
{
	return access(path, X_OK) == 0;
}

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
	       nr == 23 /* select */ || nr == 61 /* wait4 */;
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

/* &_PyRuntime and &Py_Version from the dynamic symbols of the objects mapped
 * in pid (the executable, or libpython), plus each object's load bias. */
static void find_symbols(pid_t pid, uint64_t *runtime, uint64_t *version)
{
	char path[64], line[512];
	*runtime = *version = 0;
	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	FILE *maps = fopen(path, "r");
	assert_non_null(maps);
	while (fgets(line, sizeof line, maps) && !(*runtime && *version)) {
		unsigned long start, end, off;
		char file[PATH_MAX] = "";
		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %4095s", &start, &end, &off, file) < 3)
			continue;
		if (off != 0 || file[0] != '/')
			continue;
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct elfscan_report *r = NULL;
		if (elfscan_fd_opts(fd, file, 0, &r) == 0 && !r->error) {
			uint64_t bias = r->e_type == ET_DYN ? start - (r->load_lo & ~0xfffull) : 0;
			const struct elfscan_symbol *rt = elfscan_find(r, "_PyRuntime", NULL);
			const struct elfscan_symbol *ver = elfscan_find(r, "Py_Version", NULL);
			if (rt)
				*runtime = bias + rt->value;
			if (ver)
				*version = bias + ver->value;
		}
		elfscan_free(r);
		close(fd);
	}
	fclose(maps);
	assert_true(*runtime != 0);
	assert_true(*version != 0);
}

/* Starts JOB_PY under python and returns once both threads sleep, stopped. */
static void job_start(struct job *j, const char *python)
{
	char main_ready[160], worker_ready[160];

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
	find_symbols(j->pid, &j->runtime, &j->version);
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
	if (j->dir[0])
		rm_rf_flat(j->dir);
}

static int job_setup(void **state)
{
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return -1;
	j->memfd = -1;
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
		assert_string_equal(got[i].func, known[i].func);
		assert_int_equal(got[i].line, known[i].line);
	}
	/* A short buffer gets the innermost frames. */
	assert_int_equal(pystack_read(tid, info, got, 1), 1);
	assert_string_equal(got[0].func, known[0].func);
	assert_int_equal(pystack_read(tid, info, got, 0), 0);
}

/* ---- location tables and strings -------------------------------------- */

/* Prints, for the code objects of a few stdlib modules, co_firstlineno, the
 * table in hex, and the line of each code unit by co_lines() (-1: none). */
static const char LT_DUMP_PY[] =
	"import types, importlib\n"
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
	"        line = {}\n"
	"        for s, e, l in co.co_lines():\n"
	"            for a in range(s, e, 2): line[a] = -1 if l is None else l\n"
	"        n = len(co.co_code) // 2\n"
	"        print(co.co_firstlineno, co.co_linetable.hex() or '-', n,\n"
	"              ' '.join(str(line.get(2 * i, -2)) for i in range(n)))\n";

static const char *python311(void)
{
	if (exists(PY311_DEBIAN))
		return PY311_DEBIAN;
	if (exists(PY311_PYENV))
		return PY311_PYENV;
	return NULL;
}

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

static void test_linetable_matches_cpython(void **state)
{
	(void)state;
	const char *py = python311();
	char cmd[256];
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
			assert_int_equal(pystack_linetable_line(tab, len, true, firstlineno,
			                                        2 * (uint64_t)i, &got), 0);
			if (got != want)
				fail_msg("unit %ld of a table at line %d: %d, CPython says %d", i,
				         firstlineno, got, want);
			/* half a table answers the same, or asks for more */
			int rc = pystack_linetable_line(tab, len / 2, false, firstlineno,
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
	assert_true(n_codes > 500);
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

/* ---- live jobs ----------------------------------------------------------- */

static void check_job(struct job *j, const char *python)
{
	struct pystack_info info;

	if (!exists(python))
		skip();
	job_start(j, python);
	assert_int_equal(pystack_probe(j->pid, j->runtime, j->version, &info), 0);
	assert_int_equal(info.version >> 16, 0x030b);
	/* probing from the worker reads the same address space */
	struct pystack_info info2;
	assert_int_equal(pystack_probe(j->worker, j->runtime, j->version, &info2), 0);
	check_stack(j, &info, j->pid, "main", MAIN_KNOWN, N_KNOWN(MAIN_KNOWN));
	check_stack(j, &info, j->worker, "worker", WORKER_KNOWN, N_KNOWN(WORKER_KNOWN));
}

static void test_stack_debian(void **state)
{
	check_job(*state, PY311_DEBIAN);
}

static void test_stack_pyenv(void **state)
{
	check_job(*state, PY311_PYENV);
}

/* Another Python: its Py_Version says so, and nothing else is read. */
static void test_probe_other_version(void **state)
{
	struct job *j = *state;
	struct pystack_info info;

	if (!exists(PY312_PYENV))
		skip();
	write_script(j);  /* only its directory and names are used */
	FILE *f = fopen(j->script, "w");
	assert_non_null(f);
	fputs("import sys, time\nopen(sys.argv[1], 'w').close()\ntime.sleep(1000)\n", f);
	fclose(f);
	j->pid = spawn(PY312_PYENV, j->script, j->ready);
	for (int i = 0; i < 1000 && access(j->ready, F_OK) != 0; i++)
		sleep_ms(20);
	assert_int_equal(access(j->ready, F_OK), 0);
	stop_thread(j->pid);
	find_symbols(j->pid, &j->runtime, &j->version);
	assert_int_equal(pystack_probe(j->pid, j->runtime, j->version, &info), -ENOTSUP);
	assert_int_equal(info.layout, -1);
	assert_int_equal(info.version >> 16, 0x030c);
	struct pyframe fr[4];
	assert_int_equal(pystack_read(j->pid, &info, fr, 4), -ENOTSUP);
}

/* Wrong addresses: errors, never a crash. */
static void test_bogus_addresses(void **state)
{
	struct job *j = *state;
	struct pystack_info info, bad;
	struct pyframe fr[MAX_FRAMES];
	const char *py = python311();

	if (!py)
		skip();
	job_start(j, py);
	assert_int_equal(pystack_probe(j->pid, 0x1000, j->version, &info), -EFAULT);
	assert_int_equal(pystack_probe(j->pid, j->runtime, 0x1000, &info), -EFAULT);
	assert_int_equal(pystack_probe(j->pid, 0, 0, &info), -EINVAL);
	int rc = pystack_probe(j->pid, j->version, j->version, &info);  /* not a runtime */
	assert_true(rc == -ENOTSUP || rc == -EFAULT);
	assert_int_equal(pystack_probe(j->pid, j->runtime + 8, j->version, &info), -ENOTSUP);
	assert_int_equal(pystack_probe(j->pid, j->runtime, j->runtime, &info), -ENOTSUP);
	assert_int_equal(pystack_read(j->pid, NULL, fr, MAX_FRAMES), -ENOTSUP);

	/* A probed info pointed elsewhere: every 8 bytes of the first 64 KiB
	 * around _PyRuntime, then a stride through the rest of it.  No
	 * interpreter points back at such a runtime, so no frame comes out. */
	assert_int_equal(pystack_probe(j->pid, j->runtime, j->version, &info), 0);
	for (int64_t d = -32768; d < (int64_t)PY311_RUNTIME_SIZE; d += d < 32768 ? 8 : 88) {
		if (d == 0)
			continue;
		bad = info;
		bad.runtime = j->runtime + (uint64_t)d;
		rc = pystack_read(j->pid, &bad, fr, MAX_FRAMES);
		assert_true(rc <= 0 && rc >= -4095);
	}
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), 10);
}

/* ---- a job that scribbles on its own interpreter ------------------------- */

struct scribble {
	int memfd;
	pid_t pid;
	uint64_t addr, saved;
};

static void poke(struct scribble *s, uint64_t addr, uint64_t value)
{
	s->addr = addr;
	assert_int_equal(mem_read_word(s->pid, addr, &s->saved), 0);
	assert_int_equal(mem_write_word(s->memfd, addr, value), 0);
}

static void unpoke(struct scribble *s)
{
	assert_int_equal(mem_write_word(s->memfd, s->addr, s->saved), 0);
}

static uint64_t word(pid_t pid, uint64_t addr)
{
	uint64_t w = 0;
	assert_int_equal(mem_read_word(pid, addr, &w), 0);
	return w;
}

static void test_scribbled_state(void **state)
{
	struct job *j = *state;
	struct pystack_info info;
	struct pyframe fr[MAX_FRAMES];
	const char *py = python311();
	int rc;

	if (!py)
		skip();
	job_start(j, py);
	assert_int_equal(pystack_probe(j->pid, j->runtime, j->version, &info), 0);
	j->memfd = mem_open(j->pid);
	assert_true(j->memfd >= 0);
	struct scribble s = {j->memfd, j->pid, 0, 0};

	/* Walk to the structures as pystack does, with the same offsets. */
	uint64_t interp = word(j->pid, j->runtime + PY311_RT_INTERP_HEAD);
	uint64_t head = word(j->pid, interp + PY311_IS_THREADS_HEAD);  /* newest: the worker */
	uint64_t second = word(j->pid, head + PY311_TS_NEXT);
	assert_int_equal(word(j->pid, second + PY311_TS_NATIVE_THREAD_ID), (uint64_t)j->pid);
	uint64_t cframe = word(j->pid, second + PY311_TS_CFRAME);
	uint64_t frame = word(j->pid, cframe + PY311_CF_CURRENT_FRAME);
	uint64_t code = word(j->pid, frame + PY311_IF_CODE);
	uint64_t file = word(j->pid, code + PY311_CO_FILENAME);
	uint64_t outer = word(j->pid, frame + PY311_IF_PREVIOUS);
	int n_good = pystack_read(j->pid, &info, fr, MAX_FRAMES);
	assert_int_equal(n_good, 10);

	/* a thread the interpreter does not know runs no Python code; with the
	 * interpreter list in a loop, the search for it stops */
	struct scribble s2 = {s.memfd, j->pid, 0, 0};
	poke(&s2, second + PY311_TS_NATIVE_THREAD_ID, 1);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), 0);
	poke(&s, interp + PY311_IS_NEXT, interp);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	unpoke(&s2);
	/* a thread state just made by the main thread for a new thread carries
	 * the main thread's id and no frame until that thread starts: skipped */
	poke(&s, head + PY311_TS_NATIVE_THREAD_ID, (uint64_t)j->pid);
	poke(&s2, head + PY311_TS_CFRAME, 0);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), 10);
	assert_string_equal(fr[0].func, "leaf");
	unpoke(&s2);
	unpoke(&s);
	/* thread list into a loop */
	poke(&s, head + PY311_TS_NEXT, head);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	/* a thread state of another interpreter; the wrong runtime */
	poke(&s, second + PY311_TS_INTERP, interp + 8);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	poke(&s, interp + PY311_IS_RUNTIME, j->runtime + 8);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	/* a frame loop, short and long: found, not walked to the bound */
	poke(&s, outer + PY311_IF_PREVIOUS, frame);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	poke(&s, frame + PY311_IF_PREVIOUS, frame);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	/* f_code pointing at something that is not code; unmapped; odd */
	poke(&s, frame + PY311_IF_CODE, file);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	poke(&s, frame + PY311_IF_CODE, 0x1000);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -EFAULT);
	unpoke(&s);
	poke(&s, frame + PY311_IF_CODE, code + 1);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	/* co_filename: a bytes object, a negative length, a bad kind */
	poke(&s, code + PY311_CO_FILENAME, word(j->pid, code + PY311_CO_LINETABLE));
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	poke(&s, file + PY311_STR_LENGTH, (uint64_t)-1);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	uint64_t st = word(j->pid, file + PY311_STR_STATE);
	poke(&s, file + PY311_STR_STATE, (st & ~(uint64_t)PY311_STATE_KIND_MASK) | 3u << PY311_STATE_KIND_SHIFT);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -ENOTSUP);
	unpoke(&s);
	/* a huge length reads only what fits */
	poke(&s, file + PY311_STR_LENGTH, (uint64_t)1 << 40);
	rc = pystack_read(j->pid, &info, fr, MAX_FRAMES);
	assert_true(rc == 10 || rc == -EFAULT);
	unpoke(&s);
	/* an unreadable or wrong location table, a wild instruction pointer:
	 * the line is lost, not the frame */
	poke(&s, code + PY311_CO_LINETABLE, 0x1000);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), 10);
	assert_int_equal(fr[0].line, -1);
	assert_string_equal(fr[0].func, "leaf");
	assert_int_equal(fr[1].line, 25);
	unpoke(&s);
	poke(&s, code + PY311_CO_LINETABLE, file);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), 10);
	assert_int_equal(fr[0].line, -1);
	unpoke(&s);
	uint64_t units = word(j->pid, code + PY311_OB_SIZE);
	poke(&s, frame + PY311_IF_PREV_INSTR, code + PY311_CO_CODE_ADAPTIVE + 2 * units);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), 10);
	assert_int_equal(fr[0].line, -1);
	unpoke(&s);
	poke(&s, frame + PY311_IF_PREV_INSTR, code + PY311_CO_CODE_ADAPTIVE + 2 * units - 1);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), 10);
	assert_int_equal(fr[0].line, -1);
	unpoke(&s);
	/* before the first instruction: an incomplete frame, skipped */
	poke(&s, frame + PY311_IF_PREV_INSTR, code + PY311_CO_CODE_ADAPTIVE - 2);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), 9);
	assert_string_equal(fr[0].func, "gen");
	unpoke(&s);
	/* the thread's cframe unmapped */
	poke(&s, second + PY311_TS_CFRAME, 0x1000);
	assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), -EFAULT);
	unpoke(&s);

	/* Random words written over every object of the main thread's stack
	 * (a fixed seed, so a failure repeats): any result but a crash, a loop
	 * or a count past max will do. */
	uint64_t objs[64];
	size_t n_objs = 0;
	objs[n_objs++] = interp;
	objs[n_objs++] = second;
	objs[n_objs++] = cframe;
	for (uint64_t f = frame; f && n_objs + 5 <= 64; f = word(j->pid, f + PY311_IF_PREVIOUS)) {
		uint64_t c = word(j->pid, f + PY311_IF_CODE);
		objs[n_objs++] = f;
		objs[n_objs++] = c;
		objs[n_objs++] = word(j->pid, c + PY311_CO_FILENAME);
		objs[n_objs++] = word(j->pid, c + PY311_CO_QUALNAME);
		objs[n_objs++] = word(j->pid, c + PY311_CO_LINETABLE);
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
	const char *py = python311();
	enum { N = 2000 };

	if (!py)
		skip();
	job_start(j, py);
	assert_int_equal(pystack_probe(j->pid, j->runtime, j->version, &info), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < N; i++)
		assert_int_equal(pystack_read(j->pid, &info, fr, MAX_FRAMES), 10);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3 / N;
	fprintf(stderr, "  pystack_read, 10 frames (%s): %.1f us per read\n", py, us);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linetable_forms),
		cmocka_unit_test(test_linetable_matches_cpython),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test_setup_teardown(test_stack_debian, job_setup, job_teardown),
		cmocka_unit_test_setup_teardown(test_stack_pyenv, job_setup, job_teardown),
		cmocka_unit_test_setup_teardown(test_probe_other_version, job_setup, job_teardown),
		cmocka_unit_test_setup_teardown(test_bogus_addresses, job_setup, job_teardown),
		cmocka_unit_test_setup_teardown(test_scribbled_state, job_setup, job_teardown),
		cmocka_unit_test_setup_teardown(test_cost, job_setup, job_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
