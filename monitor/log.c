/* log: stderr lines and JSON Lines (see log.h). */
#include "monitor/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "elfscan/sha256.h"
#include "monitor/callfmt.h"
#include "monitor/facts.h"
#include "monitor/funcs.h"
#include "monitor/jsonw.h"

static struct {
	int fd;               /* JSON Lines, or -1 */
	bool audit;
	int verbose;
	bool write_failed;    /* reported once */
	struct jw j;
	char chain[65];       /* the digest of the last line written (log.h) */
	char *scratch;        /* chain || line, hashed */
	size_t scratch_cap;
	unsigned long would_deny;  /* audit runs: calls that would have been denied */
	/* A log at a path: pysbx's own copy of every line, and what identifies
	 * the file, to find and undo changes made by anyone else (log_fini). */
	int copy;             /* memfd, or -1 */
	int dir;              /* O_PATH of the log's directory, or -1 */
	char *dirpath;        /* its path when the run began, resolved */
	mode_t dirmode;       /* its mode then */
	mode_t *modes;        /* the modes of dirpath's directories then, from "/" down */
	size_t nmodes;
	char *base;           /* the log's name in it */
	dev_t dev;
	ino_t ino;
	bool regular;
} lg = {.fd = -1, .copy = -1, .dir = -1};

/* A descriptor given by the caller (--log-fd): moved out of the job's way
 * (close-on-exec, a number of our own) and checked for writing. */
static int adopt_fd(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -EBADF;
	if ((fl & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (own < 0)
		return -errno;
	if (fd > 2)
		close(fd);  /* the job does not inherit it; 0-2 are the job's own streams */
	return own;
}

/* The mode of each directory on the log's path, from "/" down: the job may
 * change those in its write set (chmod 0 on one keeps the check out). */
static void remember_modes(void)
{
	char *prefix = lg.dirpath ? strdup(lg.dirpath) : NULL;
	size_t n = 0;
	for (const char *p = prefix; p && *p; p++)
		n += *p == '/' && p[1] && p[1] != '/';
	lg.modes = prefix && n ? calloc(n, sizeof *lg.modes) : NULL;
	for (size_t i = 0, at = 1; lg.modes && i < n; i++) {
		struct stat st;
		char *end = strchr(prefix + at, '/'), keep = end ? *end : 0;
		if (end)
			*end = 0;
		lg.modes[i] = lstat(prefix, &st) == 0 ? st.st_mode & 07777 : 0;
		if (end)
			*end = keep;
		at = end ? (size_t)(end - prefix) + 1 : strlen(prefix);
	}
	lg.nmodes = lg.modes ? n : 0;
	free(prefix);
}

static void remember_file(const char *path)
{
	struct stat st;
	char *dup = strdup(path), *slash;
	if (!dup || fstat(lg.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		free(dup);
		return;
	}
	slash = strrchr(dup, '/');
	lg.base = strdup(slash ? slash + 1 : dup);
	if (slash)
		slash[slash == dup] = 0;  /* "/x" -> "/" */
	lg.dir = open(slash ? dup : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	lg.dirpath = realpath(slash ? dup : ".", NULL);
	free(dup);
	struct stat dst;
	lg.dirmode = lg.dir >= 0 && fstat(lg.dir, &dst) == 0 ? dst.st_mode & 07777 : 0;
	remember_modes();
	lg.copy = memfd_create("pysbx-log", MFD_CLOEXEC);
	lg.dev = st.st_dev;
	lg.ino = st.st_ino;
	lg.regular = lg.base && lg.dir >= 0 && lg.copy >= 0;
}

int log_init(const struct log_opts *o)
{
	lg.audit = o->audit;
	lg.verbose = o->verbose;
	jw_init(&lg.j);
	memset(lg.chain, '0', 64);
	lg.chain[64] = 0;
	if (o->json_fd >= 0) {
		lg.fd = adopt_fd(o->json_fd);
		return lg.fd < 0 ? lg.fd : 0;
	}
	if (!o->json_path)
		return 0;
	lg.fd = open(o->json_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (lg.fd < 0)
		return -errno;
	remember_file(o->json_path);
	return 0;
}

bool log_enabled(void)
{
	return lg.fd >= 0;
}

static void close_all(void)
{
	if (lg.fd >= 0)
		close(lg.fd);
	if (lg.copy >= 0)
		close(lg.copy);
	if (lg.dir >= 0)
		close(lg.dir);
	lg.fd = lg.copy = lg.dir = -1;
	free(lg.base);
	free(lg.scratch);
	free(lg.dirpath);
	free(lg.modes);
	lg.base = lg.scratch = lg.dirpath = NULL;
	lg.modes = NULL;
	lg.nmodes = 0;
	jw_free(&lg.j);
}

/* Whether the file at the log's path is still ours with exactly our lines. */
static bool file_intact(off_t size)
{
	struct stat st;
	int fd = openat(lg.dir, lg.base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	bool same = fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == lg.dev && st.st_ino == lg.ino &&
	            st.st_size == size;
	char a[65536], b[65536];
	for (off_t at = 0; same && at < size;) {
		size_t n = size - at < (off_t)sizeof a ? (size_t)(size - at) : sizeof a;
		same = pread(fd, a, n, at) == (ssize_t)n && pread(lg.copy, b, n, at) == (ssize_t)n &&
		       !memcmp(a, b, n);
		at += (off_t)n;
	}
	if (fd >= 0)
		close(fd);
	return same;
}

/* Writes pysbx's copy to a new file and renames it over the log's name: the
 * name may now be anything the job left there (a symlink, another file). */
static int restore_file(void)
{
	char tmp[64];
	int fd = -1;
	/* a name the job cannot have taken ahead: random, and never reused */
	for (int tries = 0; fd < 0 && tries < 16; tries++) {
		uint64_t r = 0;
		if (getrandom(&r, sizeof r, 0) != sizeof r)
			r = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull + (uint64_t)tries;
		snprintf(tmp, sizeof tmp, ".pysbx-log.%016llx", (unsigned long long)r);
		fd = openat(lg.dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return -errno;
	char buf[65536];
	ssize_t n;
	off_t at = 0;
	int rc = 0;
	while (rc == 0 && (n = pread(lg.copy, buf, sizeof buf, at)) > 0) {
		if (write(fd, buf, (size_t)n) != n)
			rc = -EIO;
		at += n;
	}
	if (fsync(fd) < 0 && rc == 0)
		rc = -errno;
	close(fd);
	if (rc == 0 && renameat(lg.dir, tmp, lg.dir, lg.base) < 0)
		rc = -errno;
	if (rc < 0)
		unlinkat(lg.dir, tmp, 0);
	return rc;
}

void log_fini(void)
{
	close_all();
}

/* Notes name paths and variables the job chose: escaped as callfmt escapes
 * a call's strings, so no byte of theirs reaches the terminal as it is. */
/* --- stderr ----------------------------------------------------------------
 * On a terminal the job can stop output (tcflow TCOOFF, IXON and ^S): a
 * blocking write would hang pysbx-trace, and the job with it at its next
 * stopped call, past SIGTERM (writes restart).  Once the job runs, a terminal
 * stderr is reopened as a description of pysbx-trace's own, non-blocking;
 * a line waits at most STDERR_WAIT_MS for room, then is dropped (the event
 * log has every line).  A pipe is reopened too, blocking: the job's flags on
 * the description it shares no longer reach pysbx-trace's writes. */
#define STDERR_WAIT_MS 2000

void log_stderr_guard(void)
{
	struct stat st;
	bool tty = isatty(STDERR_FILENO);
	if (!tty && (fstat(STDERR_FILENO, &st) < 0 || !S_ISFIFO(st.st_mode)))
		return;  /* a file: the job's flags do not hold writes back */
	int fd = open("/proc/self/fd/2", O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	/* a pipe: a description of pysbx-trace's own, blocking, so that the job
	 * setting O_NONBLOCK on the one it shares cannot have lines dropped */
	if (!tty)
		fcntl(fd, F_SETFL, 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static void say(const char *buf, size_t len)
{
	static bool stalled;  /* a wait ran out: no more waiting until output moves */
	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, buf, len);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			stalled = false;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		struct pollfd p = {.fd = STDERR_FILENO, .events = POLLOUT};
		bool full = n < 0 && errno == EAGAIN;
		if (!full || stalled || poll(&p, 1, STDERR_WAIT_MS) <= 0) {
			stalled = stalled || full;
			return;  /* gone, or stopped longer than we wait */
		}
	}
}

void log_note(const char *fmt, ...)
{
	char buf[1024];
	struct jw h;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	jw_init(&h);
	jw_raw(&h, "pysbx: ", 7);
	callfmt_text(&h, buf, strlen(buf));
	jw_raw(&h, "\n", 1);
	if (!h.failed)
		say(h.buf, h.len);
	jw_free(&h);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts an event object with the fields every event has. */
static struct jw *begin(const char *event, pid_t pid)
{
	if (lg.fd < 0)
		return NULL;
	jw_reset(&lg.j);
	jw_obj_begin(&lg.j);
	jw_key(&lg.j, "v");
	jw_int(&lg.j, LOG_SCHEMA);
	jw_key(&lg.j, "time");
	jw_double(&lg.j, now());
	jw_key(&lg.j, "event");
	jw_str(&lg.j, event);
	jw_key(&lg.j, "pid");
	jw_int(&lg.j, pid);
	return &lg.j;
}

/* The line's digest: chain = sha256(previous chain, as hex, || the line up
 * to its chain member), so a line changed, removed or added by anyone else
 * breaks every digest pysbx writes after it (log.h). */
static bool chain_line(struct jw *j)
{
	size_t need = 64 + j->len;
	if (need > lg.scratch_cap) {
		char *s = realloc(lg.scratch, need);
		if (!s)
			return false;
		lg.scratch = s;
		lg.scratch_cap = need;
	}
	memcpy(lg.scratch, lg.chain, 64);
	memcpy(lg.scratch + 64, j->buf, j->len);
	uint8_t h[32];
	sha256(lg.scratch, need, h);
	for (int i = 0; i < 32; i++)
		snprintf(lg.chain + 2 * i, 3, "%02x", h[i]);
	jw_key(j, "chain");
	jw_str(j, lg.chain);
	return true;
}

/* One write per line: the event is either all in the file or not at all. */
static void finish(struct jw *j)
{
	if (!j)
		return;
	if (!j->failed && !chain_line(j))
		j->failed = true;
	jw_obj_end(j);
	if (!j->failed) {
		j->buf[j->len++] = '\n';
		ssize_t n = write(lg.fd, j->buf, j->len);
		if (lg.copy >= 0 && write(lg.copy, j->buf, j->len) != (ssize_t)j->len) {
			close(lg.copy);  /* no copy: the end cannot restore, only report */
			lg.copy = -1;
			lg.regular = false;
		}
		j->len--;
		if (n == (ssize_t)(j->len + 1))
			return;
	}
	if (!lg.write_failed)
		log_note("cannot write the event log: %s", j->failed ? "out of memory"
		                                                    : strerror(errno));
	lg.write_failed = true;
}

static void json_vec(struct jw *j, char *const v[], size_t n)
{
	jw_arr_begin(j);
	for (size_t i = 0; v && i < n && v[i]; i++)
		jw_str(j, v[i]);
	jw_arr_end(j);
}

void log_start(pid_t pid, char *const argv[], const char *policy_file,
               const struct log_guarantees *g)
{
	struct jw *j = begin("start", pid);
	if (!j)
		return;
	size_t n = 0;
	while (argv[n])
		n++;
	jw_key(j, "argv");
	json_vec(j, argv, n);
	jw_key(j, "policy");
	jw_str(j, policy_file);
	jw_key(j, "audit");
	jw_bool(j, lg.audit);
	jw_key(j, "landlock_abi");
	jw_int(j, g->landlock_abi);
	jw_key(j, "signals_scoped");
	jw_bool(j, g->signals_scoped);
	jw_key(j, "write_set");
	json_vec(j, (char **)g->write_set, g->n_write);
	jw_key(j, "memory");
	jw_str(j, g->memory);
	jw_key(j, "weaker");
	jw_str(j, g->weaker);
	finish(j);
}

void log_exec(pid_t pid, const char *path, char *const argv[], size_t argc, bool judged,
              bool python)
{
	struct jw *j = begin("exec", pid);
	if (!j)
		return;
	jw_key(j, "program");
	jw_str(j, path);
	jw_key(j, "argv");
	json_vec(j, argv, argc);
	jw_key(j, "judged");
	jw_bool(j, judged);
	jw_key(j, "python");
	jw_bool(j, python);
	finish(j);
}

void log_fork(pid_t parent, pid_t child, bool thread)
{
	struct jw *j = begin(thread ? "thread" : "fork", child);
	if (!j)
		return;
	jw_key(j, "parent");
	jw_int(j, parent);
	finish(j);
}

void log_exit(pid_t pid, int st)
{
	struct jw *j = begin("exit", pid);
	if (!j)
		return;
	if (WIFEXITED(st)) {
		jw_key(j, "status");
		jw_int(j, WEXITSTATUS(st));
	} else if (WIFSIGNALED(st)) {
		jw_key(j, "signal");
		jw_int(j, WTERMSIG(st));
	}
	finish(j);
}

static void json_rule(struct jw *j, const struct rule *r)
{
	jw_key(j, "rule");
	if (r && r->line) {
		char where[512];
		snprintf(where, sizeof where, "%s:%d", r->file, r->line);
		jw_str(j, where);
	} else
		jw_str(j, r ? r->file : NULL);
	jw_key(j, "rule_text");
	jw_str(j, r ? r->text : NULL);
}

/* The distinct numbers of the raw system calls (-1: unknown; 32-bit ones as
 * "int80"), so a log can be judged again without the file. */
static void json_syscall_numbers(struct jw *j, const struct elfscan_report *r)
{
	jw_key(j, "syscall_numbers");
	jw_arr_begin(j);
	for (size_t i = 0; i < r->n_syscalls && i < 4096; i++) {
		const struct elfscan_syscall_site *s = &r->syscalls[i];
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = r->syscalls[k].nr == s->nr && r->syscalls[k].insn == s->insn;
		if (seen)
			continue;
		if (s->insn != ELFSCAN_SYSCALL)
			jw_str(j, "int80");
		else
			jw_int(j, s->nr);
	}
	jw_arr_end(j);
}

static void json_scan(struct jw *j, const struct elfscan_report *r)
{
	static const struct { unsigned flag; const char *name; } names[] = {
		{ELFSCAN_TEXTREL, "textrel"}, {ELFSCAN_EXECSTACK, "execstack"}, {ELFSCAN_WX, "wx"},
		{ELFSCAN_IFUNC, "ifunc"}, {ELFSCAN_BIND_NOW, "bind_now"}, {ELFSCAN_PYTHON, "python"},
		{ELFSCAN_PYEXT, "python_extension"},
	};
	jw_key(j, "scan");
	jw_obj_begin(j);
	if (!r || r->error) {
		jw_key(j, "error");
		jw_str(j, r ? r->error_msg : "cannot be opened");
		jw_obj_end(j);
		return;
	}
	jw_key(j, "flags");
	jw_arr_begin(j);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (r->flags & names[i].flag)
			jw_str(j, names[i].name);
	jw_arr_end(j);
	jw_key(j, "needed");
	jw_arr_begin(j);
	for (size_t i = 0; i < r->n_needed; i++)
		jw_str(j, r->needed[i]);
	jw_arr_end(j);
	jw_key(j, "slots");
	jw_uint(j, r->n_slots);
	if (r->syscalls_scanned) {
		jw_key(j, "syscall_sites");
		jw_uint(j, r->n_syscalls);
		json_syscall_numbers(j, r);
	}
	jw_key(j, "ifunc");
	jw_uint(j, r->n_ifunc);
	jw_key(j, "irelative");
	jw_uint(j, r->n_irelative);
	if (r->has_sha256) {
		char h[65];
		for (int i = 0; i < 32; i++)
			snprintf(h + 2 * i, 3, "%02x", r->sha256[i]);
		jw_key(j, "sha256");
		jw_str(j, h);
	}
	jw_obj_end(j);
}

void log_object(pid_t pid, const char *path, const char *verdict, const char *why,
                const struct rule *rule, const struct elfscan_report *scan)
{
	struct jw *j = begin("object", pid);
	if (!j)
		return;
	jw_key(j, "path");
	jw_str(j, path);
	jw_key(j, "verdict");
	jw_str(j, verdict);
	jw_key(j, "reason");
	jw_str(j, why);
	json_rule(j, rule);
	json_scan(j, scan);
	finish(j);
}

void log_redirect(pid_t pid, const char *path, size_t n_slots)
{
	struct jw *j = begin("redirect", pid);
	if (!j)
		return;
	jw_key(j, "path");
	jw_str(j, path);
	jw_key(j, "slots");
	jw_uint(j, n_slots);
	finish(j);
}

static const char *layer_name(enum layer l)
{
	return l == LAYER_GOT ? "got" : l == LAYER_SYSCALL ? "syscall" : "exec";
}

static void json_arg(struct jw *j, const struct call_arg *a)
{
	if (a->err) {
		jw_obj_begin(j);
		jw_key(j, "error");
		jw_str(j, strerror(-a->err));
		jw_key(j, "raw");
		jw_hex(j, a->raw);
		jw_obj_end(j);
		return;
	}
	switch (a->fmt) {
	case 'c': case 'P': case 's':
		jw_str(j, a->str);
		break;
	case 'v': case 'l':
		json_vec(j, a->vec, a->n);
		break;
	case 'D':  /* the named unix sockets it sends to, as pinned */
		json_vec(j, a->vec, a->n);
		break;
	case 'i': case 'f': case 'n':
		jw_int(j, a->num);
		break;
	case 'u':
		jw_uint(j, (unsigned long long)a->num);
		break;
	case 'F': case 'K':
		jw_hex(j, (unsigned long long)a->num);
		break;
	case 'T':
		jw_obj_begin(j);
		jw_key(j, "modes");
		jw_uint(j, (unsigned long long)a->num);
		jw_obj_end(j);
		break;
	default:
		jw_hex(j, a->raw);
	}
}

static void json_where(struct jw *j, const struct call *c)
{
	jw_key(j, "backtrace");
	jw_arr_begin(j);
	for (size_t i = 0; i < c->n_bt; i++) {
		const struct btframe *f = &c->bt[i];
		jw_obj_begin(j);
		jw_key(j, "pc");
		jw_hex(j, f->pc);
		jw_key(j, "object");
		jw_str(j, f->object);
		jw_key(j, "symbol");
		jw_str(j, f->symbol[0] ? f->symbol : NULL);
		jw_key(j, "offset");
		jw_uint(j, f->offset);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_key(j, "python_stack");
	if (c->n_py < 0) {
		jw_str(j, "unavailable");
		return;
	}
	jw_arr_begin(j);
	for (int i = 0; i < c->n_py; i++) {
		jw_obj_begin(j);
		jw_key(j, "file");
		jw_str(j, c->py[i].file);
		jw_key(j, "line");
		jw_int(j, c->py[i].line);
		jw_key(j, "function");
		jw_str(j, c->py[i].func);
		jw_obj_end(j);
	}
	jw_arr_end(j);
}

static void json_program(struct jw *j, const struct program *p)
{
	jw_key(j, "program");
	jw_obj_begin(j);
	jw_key(j, "given");
	jw_str(j, p->given);
	jw_key(j, "resolved");
	jw_str(j, p->resolved);
	if (p->image) {
		jw_key(j, "image");
		jw_str(j, p->image);
	}
	jw_key(j, "interpreter");
	jw_bool(j, p->interpreter);
	jw_key(j, "fresh");
	jw_bool(j, p->fresh);
	jw_key(j, "known_as");
	jw_str(j, p->known_as);
	jw_obj_end(j);
}

static void json_call(const struct call *c, const struct decision *d, bool enforced,
                      unsigned long attempt)
{
	struct jw *j = begin("call", c->pid);
	if (!j)
		return;
	jw_key(j, "tid");
	jw_int(j, c->tid);
	if (attempt) {
		jw_key(j, "attempt");
		jw_uint(j, attempt);
	}
	jw_key(j, "layer");
	jw_str(j, layer_name(c->layer));
	jw_key(j, "function");
	jw_str(j, funcs[c->func].name);
	if (c->outer >= 0 || c->handed_out) {
		jw_key(j, "via");
		jw_str(j, c->outer >= 0 ? funcs[c->outer].name : "dlsym");
	}
	jw_key(j, "args");
	jw_arr_begin(j);
	for (size_t i = 0; i < c->nargs; i++)
		json_arg(j, &c->a[i]);
	jw_arr_end(j);
	if (c->has_prog)
		json_program(j, &c->prog);
	jw_key(j, "object");
	jw_str(j, c->object);
	jw_key(j, "object_trusted");
	jw_bool(j, c->object_trusted);
	jw_key(j, "on_behalf");
	jw_str(j, d->on_behalf);
	jw_key(j, "decision");
	jw_str(j, verdict_name(d->verdict));
	jw_key(j, "enforced");
	jw_bool(j, enforced);
	json_rule(j, d->rule);
	jw_key(j, "reason");
	jw_str(j, d->why);
	if (d->verdict == V_DENY) {
		jw_key(j, "errno");
		jw_str(j, strerrorname_np(decision_errno(d)));
	}
	if (c->facts) {
		jw_key(j, "facts");
		facts_to_json(c->facts, j);
	}
	if (c->traced)
		json_where(j, c);
	finish(j);
}

/* The stderr line is callfmt's rendering, the one every log tool shows too;
 * it escapes whatever a hostile argument holds.  Every line names its rule:
 * FILE:LINE of the policy, or what pysbx itself holds ("self-protection
 * (built in)") where no line of a policy decided. */
static void human_call(const struct call *c, const struct decision *d, bool enforced)
{
	struct jw h;
	char rule[512] = "built in";
	struct callfmt_outcome o = {.what = callfmt_what(verdict_name(d->verdict), enforced),
	                            .why = d->why, .rule = rule, .on_behalf = d->on_behalf};
	if (d->rule && d->rule->line)
		snprintf(rule, sizeof rule, "%s:%d", d->rule->file, d->rule->line);
	else if (d->rule && d->rule->text[0])
		snprintf(rule, sizeof rule, "%s", d->rule->text);
	if (c->traced && c->n_py > 0) {
		o.py_file = c->py[0].file;
		o.py_line = c->py[0].line;
		o.py_func = c->py[0].func;
	}
	jw_init(&h);
	jw_raw(&h, "pysbx: ", 7);
	callfmt_line(&h, c, &o);
	jw_raw(&h, "\n", 1);
	if (!h.failed)
		say(h.buf, h.len);
	jw_free(&h);
}

/* Audit mode lets a call through, and it goes on: a GOT call to its system
 * call (the filter stops it again), a command or an exec to the execs it
 * leads to (system("bash") to sh -c bash, then bash).  Those stops decide the
 * same thing again; the stderr line says it once (the event log has every
 * decision).  The last would-deny said: */
static struct {
	bool set;
	pid_t tid;
	int func;
	enum layer layer;
	const struct rule *rule;
	char why[sizeof ((struct decision *)0)->why];
} said;

static bool said_already(const struct call *c, const struct decision *d)
{
	if (!said.set)
		return false;
	if (c->layer == LAYER_SYSCALL && said.layer == LAYER_GOT)
		return c->tid == said.tid && c->func == said.func;
	if (c->layer == LAYER_EXEC)
		return d->rule == said.rule && !strcmp(d->why, said.why);
	return false;
}

static void remember_said(const struct call *c, const struct decision *d)
{
	said.set = true;
	said.tid = c->tid;
	said.func = c->func;
	said.layer = c->layer;
	said.rule = d->rule;
	snprintf(said.why, sizeof said.why, "%s", d->why);
}

/* One attempt, one line.  A PATH search (execvp, posix_spawnp,
 * _posixsubprocess trying execv in each directory) is denied once per
 * directory that holds the program: the same process, function, argument
 * vector and program name.  Such denials in a row are one attempt: stderr
 * says it once, and every call event of it carries the attempt's number. */
static uint64_t mix(uint64_t h, const char *s)
{
	while (s && *s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull;
}

static unsigned long attempt_of(const struct call *c, const struct decision *d)
{
	static struct {
		pid_t pid;
		uint64_t key;
		unsigned long id, next;
	} last;
	const struct func *f = &funcs[c->func];
	if (d->verdict == V_ALLOW || f->prog_arg < 0 || f->argv_arg < 0 ||
	    (size_t)f->argv_arg >= c->nargs || (size_t)f->prog_arg >= c->nargs) {
		last.pid = 0;
		return 0;
	}
	const char *prog = c->a[f->prog_arg].str, *slash = prog ? strrchr(prog, '/') : NULL;
	uint64_t key = mix(14695981039346656037ull, f->name);
	key = mix(key, slash ? slash + 1 : prog);
	for (size_t i = 0; c->a[f->argv_arg].vec && i < c->a[f->argv_arg].n; i++)
		key = mix(key, c->a[f->argv_arg].vec[i]);
	if (last.pid == c->pid && last.key == key)
		return last.id | 1ul << 63;  /* the high bit: a repeat */
	last.pid = c->pid;
	last.key = key;
	last.id = ++last.next;
	return last.id;
}

void log_call(const struct call *c, const struct decision *d, bool enforced)
{
	unsigned long attempt = attempt_of(c, d);
	bool repeat = attempt >> 63;
	attempt &= ~(1ul << 63);
	if (d->verdict != V_ALLOW && !enforced)
		lg.would_deny++;
	json_call(c, d, enforced, attempt);
	/* the kernel's own answer (a process that does not exist, a descriptor
	 * that is no pidfd) reaches nothing: logged, not said on stderr */
	bool kernels = d->verdict == V_DENY && d->err && d->err != EPERM;
	bool say = ((d->verdict != V_ALLOW && !kernels) || lg.verbose) && !repeat;
	if (d->verdict != V_ALLOW && !kernels && !enforced) {
		if (said_already(c, d))
			say = say && lg.verbose;
		remember_said(c, d);
	}
	if (say)
		human_call(c, d, enforced);
}

void log_syscall(pid_t pid, long nr, const char *name, bool enforced)
{
	if (!enforced)
		lg.would_deny++;
	struct jw *j = begin("syscall", pid);
	if (!j)
		return;
	jw_key(j, "nr");
	jw_int(j, nr);
	jw_key(j, "name");
	jw_str(j, name);
	jw_key(j, "decision");
	jw_str(j, "deny");
	jw_key(j, "enforced");
	jw_bool(j, enforced);
	jw_key(j, "why");
	jw_str(j, "not on pysbx's allow-list");
	finish(j);
}

/* Before the summary: was the file changed by someone else?  Then it is
 * restored from pysbx's copy and the change is recorded.  The job is gone
 * by now, so nothing races the restore. */
/* One directory on the log's path, name in cur, as it was at the start:
 * what the job left in its place (a link, a file) is removed and the
 * directory made again, as it is when gone, and its mode from the start set
 * back.  *changed tells whether any of that was needed.  Returns an O_PATH
 * descriptor of it, or -errno. */
static int path_step(int cur, const char *name, mode_t mode, bool *changed)
{
	struct stat st;
	char self[64];
	int fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)) {
		if (fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode) &&
		    unlinkat(cur, name, 0) < 0)
			return -errno;
		if (mkdirat(cur, name, mode ? mode : 0755) < 0 && errno != EEXIST)
			return -errno;
		*changed = true;
		fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	if (mode && fstat(fd, &st) == 0 && (st.st_mode & 07777) != mode) {
		if (chmod(self, mode) < 0) {
			int e = -errno;
			close(fd);
			return e;
		}
		*changed = true;
	}
	return fd;
}

/* The directory the log's path names now, walked from "/" one name at a
 * time with no link followed (the path was resolved at the start: a link on
 * it now is someone else's), each directory on it set back as it was. */
static int dir_by_path(bool *changed)
{
	char *copy = strdup(lg.dirpath), *save = NULL;
	int cur = copy ? open("/", O_PATH | O_DIRECTORY | O_CLOEXEC) : -ENOMEM;
	if (cur < 0 && copy)
		cur = -errno;
	size_t i = 0;
	for (char *name = copy ? strtok_r(copy, "/", &save) : NULL; name && cur >= 0;
	     name = strtok_r(NULL, "/", &save), i++) {
		int fd = path_step(cur, name, i < lg.nmodes ? lg.modes[i] : 0, changed);
		close(cur);
		cur = fd;
	}
	free(copy);
	return cur;
}

/* The log's directory may have been moved away (renamed, replaced by
 * another) while pysbx held it open: the log belongs at the path the user
 * named, so that is where it is checked and restored. */
static int follow_path(void)
{
	struct stat held, now;
	bool changed = false;
	int fd = lg.dirpath ? dir_by_path(&changed) : -ENOENT;
	if (changed)
		log_note("the event log's path %s was changed during the run (a directory on it "
		         "moved, replaced or closed): set back", lg.dirpath);
	if (fd < 0)
		return fd;
	if (fstat(fd, &now) == 0 && fstat(lg.dir, &held) == 0 &&
	    (now.st_dev != held.st_dev || now.st_ino != held.st_ino)) {
		close(lg.dir);
		lg.dir = fd;
		return 1;
	}
	close(fd);
	return 0;
}

/* The job may change the mode of what is in its write set, the log's
 * directory too (chmod 0: the restore could not get in): it gets its mode
 * from the start back. */
static void dir_mode_back(void)
{
	struct stat st;
	char self[64];
	if (!lg.dirmode || fstat(lg.dir, &st) < 0 || (st.st_mode & 07777) == lg.dirmode)
		return;
	snprintf(self, sizeof self, "/proc/self/fd/%d", lg.dir);
	if (chmod(self, lg.dirmode) == 0)
		log_note("the event log's directory had its mode changed during the run: set back "
		         "to %04o", (unsigned)lg.dirmode);
}

static void check_tamper(void)
{
	if (!lg.regular)
		return;
	int moved = follow_path();
	dir_mode_back();
	if (moved < 0) {
		/* the user's path may show a log that is not pysbx's: said, and recorded */
		log_note("the event log's directory %s cannot be found as it was: %s (the log is "
		         "checked where pysbx-trace opened it; what is at that path now may not "
		         "be pysbx's log)", lg.dirpath ? lg.dirpath : "?", strerror(-moved));
		struct jw *j = begin("tamper", 0);
		if (j) {
			jw_key(j, "what");
			jw_str(j, "the log's directory could not be found at its path: what is there "
			       "now may not be pysbx's log");
			jw_key(j, "restored");
			jw_bool(j, false);
			finish(j);
		}
	}
	off_t size = lseek(lg.copy, 0, SEEK_END);
	if (size < 0 || file_intact(size))
		return;
	int rc = restore_file();
	if (rc < 0)
		log_note("the event log was changed during the run and cannot be restored: %s",
		         strerror(-rc));
	else
		log_note("the event log was changed during the run: restored from pysbx's copy");
	/* from now on the lines go to the restored file */
	int fd = rc == 0 ? openat(lg.dir, lg.base, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (fd >= 0) {
		close(lg.fd);
		lg.fd = fd;
	}
	struct jw *j = begin("tamper", 0);
	if (!j)
		return;
	jw_key(j, "what");
	jw_str(j, "the log file was changed during the run by someone other than pysbx");
	jw_key(j, "restored");
	jw_bool(j, rc == 0 && fd >= 0);
	finish(j);
}

void log_summary(int exit_code, unsigned long calls, unsigned long denied)
{
	check_tamper();
	struct jw *j = begin("summary", 0);
	if (!j)
		return;
	jw_key(j, "exit_code");
	jw_int(j, exit_code);
	jw_key(j, "calls");
	jw_uint(j, calls);
	jw_key(j, "denied");
	jw_uint(j, denied);
	jw_key(j, "would_deny");
	jw_uint(j, lg.would_deny);
	finish(j);
	if (lg.fd >= 0)
		fsync(lg.fd);
}
