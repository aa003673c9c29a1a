/* world: answers to the questions decisions ask about the job (see decide.h). */
#include "monitor/world.h"

#include "inject/mem.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "monitor/log.h"
#include "monitor/procfs.h"
#include "monitor/argpin.h"
#include "monitor/unixdiag.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A process of the job: traced now, or one that has exited and not yet been
 * reaped (a zombie still takes signals): a child of a traced process, or one
 * the monitor saw exit as the job's whose parent has gone (init reaps it).  A
 * zombie's id is not reused before it is reaped. */
static bool in_job(void *ctx, pid_t pid)
{
	struct monitor *m = ctx;
	char *buf, *rp;
	size_t len;
	if (pid <= 0)
		return false;
	if (tracee_thread(&m->t, pid) || tracee_proc(&m->t, pid))
		return true;
	if (procfs_read(pid, "stat", &buf, &len, 4096) < 0)
		return false;
	char state = 0;
	int ppid = 0;
	rp = strrchr(buf, ')');
	bool zombie_child = rp && sscanf(rp + 1, " %c %d", &state, &ppid) == 2 && state == 'Z' &&
	                    (tracee_proc(&m->t, ppid) || tracee_was_proc(&m->t, pid));
	free(buf);
	return zombie_child;
}

/* Every process in the group must be the job's: a group holding anything else
 * (pysbx-trace itself above all) is out of reach. */
static bool pgrp_in_job(void *ctx, pid_t pgid)
{
	struct monitor *m = ctx;
	if (pgid <= 0 || pgid == m->own_pgrp)
		return false;
	DIR *d = opendir("/proc");
	if (!d)
		return false;
	bool ok = true;
	struct dirent *e;
	while (ok && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)atoi(e->d_name);
		if (procfs_pgrp(pid) == pgid && !in_job(m, pid))
			ok = false;
	}
	closedir(d);
	return ok;
}

static pid_t pgrp_of(void *ctx, pid_t pid)
{
	(void)ctx;
	return procfs_pgrp(pid);
}

/* pidfd_send_signal also takes an open /proc/<pid> directory: the process
 * it names, when the descriptor is a directory of this /proc (not a
 * look-alike path elsewhere). */
static pid_t proc_dir_pid(pid_t caller, int fd)
{
	char what[48], link[64], path[64], *end;
	struct stat st, proc;
	snprintf(what, sizeof what, "fd/%d", fd);
	if (procfs_readlink(caller, what, link, sizeof link) < 0 || strncmp(link, "/proc/", 6))
		return -1;
	long pid = strtol(link + 6, &end, 10);
	if (*end || pid <= 0 || pid > INT_MAX)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)caller, fd);
	if (stat(path, &st) < 0 || stat("/proc", &proc) < 0 || st.st_dev != proc.st_dev ||
	    !S_ISDIR(st.st_mode))
		return -1;
	return (pid_t)pid;
}

static pid_t pidfd_pid(void *ctx, pid_t caller, int fd)
{
	char what[48], *buf, *line;
	size_t len;
	pid_t pid = -1;
	(void)ctx;
	if (fd < 0)
		return -1;
	snprintf(what, sizeof what, "fdinfo/%d", fd);
	if (procfs_read(caller, what, &buf, &len, 16384) < 0)
		return -1;
	line = strstr(buf, "\nPid:");
	if (line)
		pid = (pid_t)strtol(line + 5, NULL, 10);
	free(buf);
	return pid > 0 ? pid : proc_dir_pid(caller, fd);
}

/* /proc/self and /proc/thread-self name the process that looks: for paths the
 * job gave, that is the job's process, not pysbx-trace. */
static void map_self(char *p, size_t cap, pid_t pid)
{
	char tail[PATH_MAX];
	const char *rest = NULL;
	const char *self = "/proc/self", *tself = "/proc/thread-self";
	if (!strncmp(p, tself, strlen(tself)) && (!p[strlen(tself)] || p[strlen(tself)] == '/'))
		rest = p + strlen(tself);
	else if (!strncmp(p, self, strlen(self)) && (!p[strlen(self)] || p[strlen(self)] == '/'))
		rest = p + strlen(self);
	if (!rest)
		return;
	snprintf(tail, sizeof tail, "%s", rest);
	if (snprintf(p, cap, "/proc/%d%.*s", (int)pid, (int)(cap - 32), tail) >= (int)cap)
		p[cap - 1] = 0;
}

/* Appends "/comp" to out; false when it does not fit. */
static bool push(char *out, size_t cap, const char *comp, size_t n)
{
	size_t len = strlen(out);
	if (len + 1 + n + 1 > cap)
		return false;
	out[len] = '/';
	memcpy(out + len + 1, comp, n);
	out[len + 1 + n] = 0;
	return true;
}

/* The file a path names for process pid, walked component by component so
 * that every symlink, /proc/self among them, is read as pid would read it.
 * NULL with errno ENOENT when it does not exist (a memfd, a deleted file). */
char *world_realpath(pid_t pid, const char *path)
{
	char out[PATH_MAX] = "", rest[PATH_MAX], link[PATH_MAX];
	int hops = 0;
	if (path[0] != '/' && procfs_readlink(pid, "cwd", out, sizeof out) < 0)
		return NULL;
	if (!strcmp(out, "/"))
		out[0] = 0;
	snprintf(rest, sizeof rest, "%s", path);
	char *at = rest;
	while (*at) {
		while (*at == '/')
			at++;
		size_t n = strcspn(at, "/");
		if (n == 0)
			break;
		if (n == 1 && at[0] == '.') {
			at += n;
			continue;
		}
		if (n == 2 && at[0] == '.' && at[1] == '.') {
			char *slash = strrchr(out, '/');
			if (slash)
				*slash = 0;
			at += n;
			continue;
		}
		char cand[PATH_MAX];
		struct stat st;
		snprintf(cand, sizeof cand, "%s", out);
		if (!push(cand, sizeof cand, at, n)) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		map_self(cand, sizeof cand, pid);
		if (lstat(cand, &st) < 0)
			return NULL;
		at += n;
		if (!S_ISLNK(st.st_mode)) {
			snprintf(out, sizeof out, "%s", cand);
			continue;
		}
		ssize_t len = readlink(cand, link, sizeof link - 1);
		if (len < 0 || ++hops > 40) {
			errno = len < 0 ? errno : ELOOP;
			return NULL;
		}
		link[len] = 0;
		char next[PATH_MAX];
		if (snprintf(next, sizeof next, "%s%s", link, at) >= (int)sizeof next) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		snprintf(rest, sizeof rest, "%s", next);
		at = rest;
		if (link[0] == '/')
			out[0] = 0;
	}
	return strdup(out[0] ? out : "/");
}

static char *env_path(pid_t pid)
{
	char *buf, **v, *out = NULL;
	size_t len, n;
	if (procfs_read(pid, "environ", &buf, &len, 4u << 20) < 0)
		return strdup(DEFAULT_PATH);
	v = procfs_split(buf, len, &n);
	for (size_t i = 0; v && i < n; i++)
		if (strncmp(v[i], "PATH=", 5) == 0) {
			out = strdup(v[i] + 5);
			break;
		}
	free(v);
	free(buf);
	return out ? out : strdup(DEFAULT_PATH);
}

static bool is_exec_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* The first PATH entry holding an executable file of that name, as execvp does. */
static char *search_path(pid_t pid, const char *word)
{
	char *path = env_path(pid), *found = NULL;
	if (!path)
		return NULL;
	char *save = NULL, *p = path;
	for (char *dir = p; dir && !found; dir = save) {
		save = strchr(dir, ':');
		if (save)
			*save++ = 0;
		char *cand;
		if (asprintf(&cand, "%s/%s", *dir ? dir : ".", word) < 0)
			break;
		char *real = world_realpath(pid, cand);
		free(cand);
		if (real && is_exec_file(real))
			found = real;
		else
			free(real);
	}
	free(path);
	return found;
}

static void mark_identity(struct monitor *m, struct program *prog)
{
	struct stat st;
	prog->interpreter = prog->resolved && stat(prog->resolved, &st) == 0 &&
	                    monitor_is_interpreter(m, st.st_dev, st.st_ino);
	if (prog->resolved)
		identity_of(m, prog->resolved, &prog->fresh, &prog->known_as);
}

static int resolve(void *ctx, pid_t caller, const char *word, bool path_search,
                   struct program *prog)
{
	struct monitor *m = ctx;
	prog->resolved = NULL;
	if (!*word)
		return -ENOENT;
	if (path_search && !strchr(word, '/'))
		prog->resolved = search_path(caller, word);
	else
		prog->resolved = world_realpath(caller, word);
	if (!prog->resolved)
		return errno == ENOMEM ? -ENOMEM : -ENOENT;
	mark_identity(m, prog);
	return 0;
}

/* Resolved as the caller would (its cwd, its /proc/self, /dev/fd and
 * /dev/stdin): the monitor's own descriptors are not the job's.  A pipe or
 * socket behind a descriptor link resolves to nothing: not a script. */
static bool is_script(void *ctx, pid_t caller, const char *path)
{
	struct stat st;
	(void)ctx;
	char *real = world_realpath(caller, path);
	bool ok = real && stat(real, &st) == 0 && S_ISREG(st.st_mode);
	free(real);
	return ok;
}

static bool codepage(void *ctx, pid_t caller, uint64_t *lo, uint64_t *hi)
{
	struct monitor *m = ctx;
	struct thread *th = tracee_thread(&m->t, caller);
	const struct aspace *as = th && th->proc ? th->proc->as : NULL;
	if (!as || (!as->cp.base && !as->stage))
		return false;
	/* the stage and the code page above it, one range (when the code page
	 * went elsewhere, everything between: more is kept, never less) */
	uint64_t cp_lo = as->cp.base ? as->cp.base : as->stage + ARGPIN_SIZE;
	uint64_t cp_hi = as->cp.base ? as->cp.base + CODEPAGE_SIZE : cp_lo;
	*lo = as->stage && as->stage < cp_lo ? as->stage : cp_lo;
	*hi = as->stage && as->stage + ARGPIN_SIZE > cp_hi ? as->stage + ARGPIN_SIZE : cp_hi;
	return true;
}

static int read_mem(void *ctx, pid_t tid, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	return mem_read(tid, addr, buf, len);
}

static bool exists(void *ctx, pid_t pid)
{
	(void)ctx;
	return kill(pid, 0) == 0 || errno == EPERM;
}

/* Where a descriptor of the caller points: a path, or "" when it is no file
 * with a name (a pipe, a socket, a memfd, a file deleted everywhere). */
static int fd_target(pid_t caller, int fd, char *out, size_t cap)
{
	char what[32], proc[64];
	struct stat st;
	snprintf(what, sizeof what, "fd/%d", fd);
	if (fd < 0 || procfs_readlink(caller, what, out, cap) < 0)
		return -EBADF;
	size_t name = procfs_deleted_len(out);
	if (out[0] != '/')
		out[0] = 0;  /* pipe:[N], socket:[N], anon_inode:... */
	else if (name) {
		snprintf(proc, sizeof proc, "/proc/%d/fd/%d", (int)caller, fd);
		if (stat(proc, &st) < 0)
			return -EBADF;
		if (st.st_nlink == 0)
			out[0] = 0;  /* no name anywhere: nobody else can reach it */
		else
			out[name] = 0;
	}
	return 0;
}

/* No write set holds the job (no Landlock, or audit): every file and socket
 * counts as the job's, as nothing else is enforced either. */
static bool write_set_holds(const struct monitor *m)
{
	return m->landlock && m->landlock->ruleset >= 0;
}

static int write_target(void *ctx, pid_t caller, int dirfd, const char *path, bool nofollow)
{
	struct monitor *m = ctx;
	char base[PATH_MAX], joined[PATH_MAX], *real = NULL;
	int rc;
	if (!write_set_holds(m))
		return 0;  /* no write set holds the job */
	if (!path || (path[0] != '/' && dirfd != AT_FDCWD)) {
		if ((rc = fd_target(caller, dirfd, base, sizeof base)) < 0)
			return rc;
		if (!base[0])
			return path ? -ENOTDIR : 0;
		if (!path)
			return landlock_may_write(m->landlock, base) ? 0 : 1;
		if (snprintf(joined, sizeof joined, "%s/%s", base, path) >= (int)sizeof joined)
			return -ENAMETOOLONG;
		path = joined;
	}
	if (!*path)
		return -ENOENT;
	if (nofollow) {
		/* the link itself: its directory resolved, its own name kept */
		char dir[PATH_MAX];
		const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
		snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
		if (!dir[0])
			snprintf(dir, sizeof dir, "/");
		real = world_realpath(caller, dir);
		if (real && *name && strcmp(name, ".") && strcmp(name, "..")) {
			char *full;
			if (asprintf(&full, "%s/%s", strcmp(real, "/") ? real : "", name) < 0)
				full = NULL;
			free(real);
			real = full;
		}
	} else
		real = world_realpath(caller, path);
	if (!real)
		return -(errno ? errno : ENOENT);
	rc = landlock_may_write(m->landlock, real) ? 0 : 1;
	free(real);
	return rc;
}

/* The sockets bound to one socket file, and whether a process of the job
 * holds one of them (its descriptors, read from /proc/<pid>/fd). */
struct bound {
	uint64_t *inos;
	size_t n;
	bool held;
};

static void holds(void *ctx, struct proc *p)
{
	struct bound *b = ctx;
	char dir[64], link[96], target[64];
	if (b->held)
		return;
	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)p->tgid);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && !b->held && (e = readdir(d));) {
		snprintf(link, sizeof link, "%s/%.16s", dir, e->d_name);
		ssize_t len = readlink(link, target, sizeof target - 1);
		if (len <= 0)
			continue;
		target[len] = 0;
		uint64_t ino = unixdiag_link_inode(target);
		for (size_t i = 0; ino && i < b->n && !b->held; i++)
			b->held = b->inos[i] == ino;
	}
	if (d)
		closedir(d);
}

/* The sockets bound to a file, all of them (a server's accepted connections
 * carry its file too: the listener may be anywhere in the list). */
static long bound_to(const struct stat *st, uint64_t **inos)
{
	size_t cap = 256;
	long n = 0;
	for (int round = 0; round < 3; round++) {
		free(*inos);
		*inos = malloc(cap * sizeof **inos);
		if (!*inos)
			return -ENOMEM;
		n = unixdiag_bound(st->st_dev, st->st_ino, *inos, cap);
		if (n < 0 || (size_t)n <= cap)
			return n;
		cap = (size_t)n + 64;  /* more were bound meanwhile: ask again */
	}
	return -EAGAIN;
}

/* Who answers on a socket file: a process of the job (0) or not (1). */
static int job_bound(struct monitor *m, const struct stat *st)
{
	static bool said;
	struct bound b = {.inos = NULL, .n = 0, .held = false};
	long n = bound_to(st, &b.inos);
	if (n < 0 && !said) {
		said = true;
		log_note("cannot ask the kernel which sockets are bound to a unix socket file (%s): "
		         "the job's own named sockets are refused as outside ones", strerror((int)-n));
	}
	b.n = n < 0 ? 0 : (size_t)n;
	if (b.n)
		tracee_each_proc(&m->t, holds, &b);
	free(b.inos);
	return b.held ? 0 : 1;
}

static int socket_target(void *ctx, pid_t caller, const char *path)
{
	struct monitor *m = ctx;
	struct stat st;
	if (!write_set_holds(m))
		return 0;  /* no write set holds the job */
	char *real = world_realpath(caller, path);
	if (!real)
		return -(errno ? errno : ENOENT);
	int rc = stat(real, &st) < 0 ? -errno : !S_ISSOCK(st.st_mode) ? -ECONNREFUSED
	                                                                : job_bound(m, &st);
	free(real);
	return rc;
}

/* The descriptor's SIGIO owner, read on a duplicate of the job's open file
 * taken with pidfd_getfd (the tracer may; a container without
 * CAP_SYS_PTRACE may refuse it: the check then denies).  Closing the
 * duplicate drops only the monitor's reference. */
static int dup_of(pid_t caller, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, caller, 0);
	if (pidfd < 0)
		return -errno;
	int dup = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	int err = errno;
	close(pidfd);
	return dup < 0 ? -err : dup;
}

static int sigio_owner(void *ctx, pid_t caller, int fd)
{
	struct f_owner_ex ex = {0};
	int dup = dup_of(caller, fd);
	if (dup < 0)
		return dup;
	int rc = fcntl(dup, F_GETOWN_EX, &ex);
	int err = errno;
	close(dup);
	if (rc < 0)
		return -err;
	if (ex.pid == 0)
		return 0;
	if (ex.type == F_OWNER_PGRP)
		return pgrp_in_job(ctx, ex.pid) ? 0 : 1;
	return in_job(ctx, ex.pid) ? 0 : 1;
}

/* --- terminals -------------------------------------------------------------
 * A terminal signals its foreground group itself (SIGWINCH on a resize, any
 * signal by TIOCSIG on its master).  That group is read from a job process
 * the terminal controls (/proc/<pid>/stat: tty_nr and tpgid); the pty number
 * of a master is in its fdinfo (tty-index). */

struct tty_scan {
	unsigned tty_nr;    /* the terminal, encoded as in /proc/<pid>/stat */
	long index;         /* its pty number, or -1 */
	int tpgid;          /* its foreground group (-1: none); 0: no job process it controls */
	bool held;          /* a job process holds its master */
};

static long fdinfo_tty_index(pid_t pid, const char *fd)
{
	char what[64], *buf, *at;
	size_t len;
	long idx = -1;
	snprintf(what, sizeof what, "fdinfo/%.16s", fd);
	if (procfs_read(pid, what, &buf, &len, 4096) < 0)
		return -1;
	if ((at = strstr(buf, "tty-index:")))
		idx = strtol(at + 10, NULL, 10);
	free(buf);
	return idx;
}

static bool holds_master(pid_t pid, long index)
{
	char dir[64], link[96], target[32];
	bool held = false;
	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && !held && (e = readdir(d));) {
		snprintf(link, sizeof link, "%s/%.16s", dir, e->d_name);
		ssize_t len = readlink(link, target, sizeof target - 1);
		if (len <= 0)
			continue;
		target[len] = 0;
		if (!strcmp(target, "/dev/ptmx") || !strcmp(target, "/dev/pts/ptmx"))
			held = fdinfo_tty_index(pid, e->d_name) == index;
	}
	if (d)
		closedir(d);
	return held;
}

/* Whether process pid's controlling terminal is s's: then s->tpgid gets
 * its foreground group (-1: none). */
static void tty_of(struct tty_scan *s, pid_t pid)
{
	char *buf, *rp;
	size_t len;
	unsigned nr;
	int tpgid;
	if (s->tpgid || procfs_read(pid, "stat", &buf, &len, 4096) < 0)
		return;
	rp = strrchr(buf, ')');
	if (rp && sscanf(rp + 1, " %*c %*d %*d %*d %u %d", &nr, &tpgid) == 2 && nr == s->tty_nr)
		s->tpgid = tpgid > 0 ? tpgid : -1;
	free(buf);
}

static void scan_tty(void *ctx, struct proc *p)
{
	struct tty_scan *s = ctx;
	tty_of(s, p->tgid);
	if (s->index >= 0 && !s->held)
		s->held = holds_master(p->tgid, s->index);
}

/* A terminal no job process controls may still be another session's (a
 * master the job inherited or was passed): every process pysbx can see is
 * looked at.  One it cannot see (another pid namespace, hidepid) is not. */
static void scan_all_tty(struct tty_scan *s)
{
	DIR *d = opendir("/proc");
	for (struct dirent *e; d && !s->tpgid && (e = readdir(d));) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (pid > 0 && pid <= INT_MAX && !*end)
			tty_of(s, (pid_t)pid);
	}
	if (d)
		closedir(d);
}

/* Whether device maj:min is a terminal: in a range of /proc/tty/drivers
 * (a table that cannot be read counts every device as one: the terminal
 * checks then judge it). */
static bool tty_device(unsigned maj, unsigned min)
{
	FILE *f = fopen("/proc/tty/drivers", "re");
	char line[256], range[32];
	bool yes = !f;
	while (f && !yes && fgets(line, sizeof line, f)) {
		unsigned dmaj, lo, hi;
		int n;
		if (sscanf(line, "%*s %*s %u %31s", &dmaj, range) != 2 ||
		    (n = sscanf(range, "%u-%u", &lo, &hi)) < 1)
			continue;
		yes = dmaj == maj && min >= lo && min <= (n == 2 ? hi : lo);
	}
	if (f)
		fclose(f);
	return yes;
}

/* /dev/tty and /dev/console stand for another terminal, fixed when the
 * descriptor was opened (not the caller's terminal now: it may have made a
 * session of its own since): asked of the descriptor itself (TIOCGDEV on a
 * duplicate; where that is refused, the check denies). */
static int real_tty(pid_t caller, int fd, unsigned *maj, unsigned *min)
{
	unsigned dev;
	int dup = dup_of(caller, fd);
	if (dup < 0)
		return dup;
	int rc = ioctl(dup, TIOCGDEV, &dev), err = errno;
	close(dup);
	if (rc < 0)
		return err == ENOTTY || err == EIO ? -ENXIO : -err;
	*maj = (dev >> 8) & 0xfff;  /* new_encode_dev: minor in bits 0-7 and 20-31 */
	*min = (dev & 0xff) | ((dev >> 12) & 0xfff00);
	return 0;
}

static int tty_target(void *ctx, pid_t caller, int fd)
{
	struct monitor *m = ctx;
	char path[64], name[16];
	struct stat st;
	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)caller, fd);
	if (fd < 0 || stat(path, &st) < 0)
		return fd < 0 || errno == ENOENT ? -EBADF : -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	unsigned maj = major(st.st_rdev), min = minor(st.st_rdev);
	if (!tty_device(maj, min))
		return -ENOTTY;
	if (maj == 5 && (min == 0 || min == 1)) {  /* /dev/tty, /dev/console */
		int rc = real_tty(caller, fd, &maj, &min);
		if (rc < 0)
			return rc;
	}
	struct tty_scan s = {.index = maj >= 136 && maj <= 143 ? (long)(maj - 136) * 256 + min : -1};
	if (maj == 5 && min == 2) {  /* a pty master: its slave is the terminal */
		snprintf(name, sizeof name, "%d", fd);
		s.index = fdinfo_tty_index(caller, name);
		if (s.index < 0)
			return -EIO;  /* a master whose terminal cannot be told: denied */
		maj = 136;  /* devpts: MKDEV(136, index), a 20-bit minor */
		min = (unsigned)s.index;
		s.held = true;
	}
	s.tty_nr = (min & 0xff) | (maj << 8) | ((min & ~0xffu) << 12);
	tracee_each_proc(&m->t, scan_tty, &s);
	if (!s.tpgid)
		scan_all_tty(&s);
	if (s.tpgid > 0)
		return pgrp_in_job(m, s.tpgid) ? 0 : 1;
	return s.tpgid < 0 || s.held ? 0 : 1;
}

void world_init(struct monitor *m)
{
	m->view = (struct job_view){
		.ctx = m,
		.in_job = in_job,
		.pgrp_in_job = pgrp_in_job,
		.pgrp_of = pgrp_of,
		.pidfd_pid = pidfd_pid,
		.resolve = resolve,
		.is_script = is_script,
		.codepage = codepage,
		.read_mem = read_mem,
		.exists = exists,
		.write_target = write_target,
		.socket_target = socket_target,
		.sigio_owner = sigio_owner,
		.tty_target = tty_target,
	};
}
