/* landlock: the job's Landlock domain (see landlock.h). */
#include "monitor/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's interface, spelled out: Debian 12's headers stop at ABI 2. */
#define LL_CREATE_VERSION (1u << 0)
#define LL_RULE_PATH_BENEATH 1
#define FS_WRITE_FILE  (1ull << 1)
#define FS_REMOVE_DIR  (1ull << 4)
#define FS_REMOVE_FILE (1ull << 5)
#define FS_MAKE_CHAR   (1ull << 6)
#define FS_MAKE_DIR    (1ull << 7)
#define FS_MAKE_REG    (1ull << 8)
#define FS_MAKE_SOCK   (1ull << 9)
#define FS_MAKE_FIFO   (1ull << 10)
#define FS_MAKE_BLOCK  (1ull << 11)
#define FS_MAKE_SYM    (1ull << 12)
#define FS_REFER       (1ull << 13)  /* ABI 2 */
#define FS_TRUNCATE    (1ull << 14)  /* ABI 3 */
#define FS_IOCTL_DEV   (1ull << 15)  /* ABI 5 */
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ull << 0)  /* ABI 6 */
#define SCOPE_SIGNAL               (1ull << 1)  /* ABI 6 */

/* Rights that make sense on a file rather than a directory. */
#define FS_FILE_RIGHTS (FS_WRITE_FILE | FS_TRUNCATE | FS_IOCTL_DEV)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;  /* ABI 4 */
	uint64_t scoped;              /* ABI 6 */
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* The kernel's ABI, or 0 with *why: not built (ENOSYS), off at boot
 * (EOPNOTSUPP), or refused by a seccomp profile around pysbx-trace (EPERM). */
static int kernel_abi(int *why)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_VERSION);
	*why = abi < 0 ? errno : 0;
	return abi < 0 ? 0 : (int)abi;
}

/* Everything that writes, by ABI level.  Reading and executing are not
 * handled: the job may read and run what its user may (the exec stop judges
 * programs). */
static uint64_t write_rights(int abi)
{
	uint64_t r = FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_CHAR | FS_MAKE_DIR |
	             FS_MAKE_REG | FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_BLOCK | FS_MAKE_SYM;
	if (abi >= 2)
		r |= FS_REFER;
	if (abi >= 3)
		r |= FS_TRUNCATE;
	if (abi >= 5)
		r |= FS_IOCTL_DEV;
	return r;
}

static size_t attr_size(int abi)
{
	return abi >= 6 ? sizeof(struct ll_ruleset_attr)
	     : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

bool landlock_home_or_system(const char *dir, const struct landlock_who *who)
{
	static const char *const sys[] = {
		"/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot",
		"/dev", "/proc", "/sys", "/opt", "/srv", "/run", "/snap", "/root", "/var",
	};
	const char *homes[2] = {who ? who->home : NULL, getenv("HOME")};
	if (!dir || dir[0] != '/' || !strcmp(dir, "/") || !strcmp(dir, "/home"))
		return true;
	if (under(dir, "/var/tmp"))
		return false;
	for (size_t i = 0; i < sizeof sys / sizeof sys[0]; i++)
		if (under(dir, sys[i]))
			return true;
	for (size_t i = 0; i < 2; i++) {
		const char *h = homes[i];
		if (!h || h[0] != '/' || !strcmp(h, "/"))
			continue;
		/* the home itself, or a directory holding it: its start-up files */
		if (under(h, dir))
			return true;
	}
	return false;
}

static void note(struct landlock_plan *plan, const char *fmt, const char *arg)
{
	size_t len = strlen(plan->notes);
	if (len + 2 >= sizeof plan->notes)
		return;
	if (len)
		plan->notes[len++] = ';', plan->notes[len++] = ' ';
	snprintf(plan->notes + len, sizeof plan->notes - len, fmt, arg);
}

static int keep_path(struct landlock_plan *plan, const char *resolved)
{
	for (size_t i = 0; i < plan->n_write; i++)
		if (!strcmp(plan->write[i], resolved))
			return 0;
	char **v = realloc(plan->write, (plan->n_write + 1) * sizeof *v);
	if (!v)
		return -ENOMEM;
	plan->write = v;
	if (!(v[plan->n_write] = strdup(resolved)))
		return -ENOMEM;
	plan->n_write++;
	return 0;
}

/* One path of the write set: a rule for it (when there is a ruleset) and
 * its resolved name.  A path that does not exist is left out. */
static int add_path(struct landlock_plan *plan, const char *path, uint64_t rights)
{
	char real[PATH_MAX];
	struct stat st;
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -errno;
	int rc = 0;
	if (fstat(fd, &st) < 0 || !realpath(path, real)) {
		close(fd);
		return 0;
	}
	if (plan->ruleset >= 0) {
		struct ll_path_beneath pb = {
			.allowed_access = S_ISDIR(st.st_mode) ? rights : rights & FS_FILE_RIGHTS,
			.parent_fd = fd,
		};
		if (syscall(SYS_landlock_add_rule, plan->ruleset, LL_RULE_PATH_BENEATH, &pb, 0) < 0)
			rc = -errno;
	}
	close(fd);
	return rc == 0 ? keep_path(plan, real) : rc;
}

static int add_terminal(struct landlock_plan *plan, uint64_t rights)
{
	for (int fd = 0; fd < 3; fd++) {
		char *name = isatty(fd) ? ttyname(fd) : NULL;
		int rc = name ? add_path(plan, name, rights) : 0;
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A directory the policy names by role (cwd, tmpdir): left out, with a note,
 * when it is a home or system directory. */
static int add_role_dir(struct landlock_plan *plan, const char *role, const char *dir,
                        const struct landlock_who *who, uint64_t rights)
{
	char real[PATH_MAX];
	if (!dir || !realpath(dir, real))
		return 0;
	if (landlock_home_or_system(real, who)) {
		char what[PATH_MAX + 64];
		snprintf(what, sizeof what, "%s %s is a home or system directory: not writable", role,
		         real);
		note(plan, "%s", what);
		return 0;
	}
	return add_path(plan, real, rights);
}

static int add_words(struct landlock_plan *plan, const struct policy *p,
                     const struct landlock_who *who, uint64_t rights)
{
	static const char *const defaults[] = {
		"cwd", "tmpdir", "/tmp", "/var/tmp", "/dev/shm", "/dev/null", "/dev/zero",
		"/dev/full", "/dev/tty", "/dev/ptmx", "/dev/pts", "terminal",
	};
	size_t n = p->files_set ? p->write_paths.n : sizeof defaults / sizeof defaults[0];
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *w = p->files_set ? p->write_paths.v[i].word : defaults[i];
		char cwd[PATH_MAX];
		if (!strcmp(w, "cwd"))
			rc = add_role_dir(plan, "the working directory",
			                  getcwd(cwd, sizeof cwd) ? cwd : NULL, who, rights);
		else if (!strcmp(w, "tmpdir"))
			rc = add_role_dir(plan, "TMPDIR", getenv("TMPDIR"), who, rights);
		else if (!strcmp(w, "terminal"))
			rc = add_terminal(plan, rights);
		else
			rc = add_path(plan, w, rights);
	}
	return rc;
}

int landlock_prepare(const struct policy *p, const struct landlock_who *who,
                     struct landlock_plan *plan, char *err, size_t errlen)
{
	memset(plan, 0, sizeof *plan);
	plan->ruleset = -1;
	int why = 0;
	plan->abi = kernel_abi(&why);
	uint64_t rights = write_rights(plan->abi);
	if (plan->abi > 0) {
		struct ll_ruleset_attr attr = {.handled_access_fs = rights};
		if (plan->abi >= 6)
			attr.scoped = SCOPE_SIGNAL | SCOPE_ABSTRACT_UNIX_SOCKET;
		long fd = syscall(SYS_landlock_create_ruleset, &attr, attr_size(plan->abi), 0);
		if (fd < 0) {
			snprintf(err, errlen, "cannot create a Landlock ruleset: %s", strerror(errno));
			return -errno;
		}
		plan->ruleset = (int)fd;
		fcntl(plan->ruleset, F_SETFD, FD_CLOEXEC);
		plan->scoped_signals = plan->abi >= 6;
	}
	int rc = add_words(plan, p, who, rights);
	if (rc < 0) {
		snprintf(err, errlen, "cannot build the file-system write set: %s", strerror(-rc));
		landlock_free(plan);
		return rc;
	}
	if (plan->abi == 0)
		note(plan, "%s", why == EPERM || why == EACCES
		     ? "a seccomp profile around pysbx-trace refuses Landlock (allow "
		       "landlock_create_ruleset, landlock_add_rule, landlock_restrict_self): the write "
		       "set, ptrace and signal scopes are not enforced by the kernel"
		     : why == EOPNOTSUPP
		     ? "Landlock is off in this kernel (add landlock to the lsm= boot parameter): the "
		       "write set, ptrace and signal scopes are not enforced by the kernel"
		     : "the kernel has no Landlock: the write set, ptrace and signal scopes are not "
		       "enforced by the kernel (the filter still judges signals and ptrace)");
	else if (plan->abi < 3)
		note(plan, "%s", "Landlock ABI below 3: truncate(2) outside the write set is not "
		     "refused");
	if (plan->abi > 0 && plan->abi < 6)
		note(plan, "%s", "Landlock ABI below 6: signals and abstract unix sockets are not "
		     "scoped by the kernel (the filter judges signals)");
	return 0;
}

int landlock_enforce(const struct landlock_plan *plan)
{
	if (plan->ruleset < 0)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_landlock_restrict_self, plan->ruleset, 0) < 0)
		return -errno;
	return 0;
}

bool landlock_may_write(const struct landlock_plan *plan, const char *path)
{
	if (plan->ruleset < 0)
		return true;  /* nothing holds the job back */
	for (size_t i = 0; i < plan->n_write; i++)
		if (under(path, plan->write[i]))
			return true;
	return false;
}

void landlock_free(struct landlock_plan *plan)
{
	if (plan->ruleset >= 0)
		close(plan->ruleset);
	plan->ruleset = -1;
	for (size_t i = 0; i < plan->n_write; i++)
		free(plan->write[i]);
	free(plan->write);
	plan->write = NULL;
	plan->n_write = 0;
}
