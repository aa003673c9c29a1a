/* Threads (CLONE_THREAD) without CLONE_FILES or without CLONE_FS: the first
 * has a descriptor table of its own, the second a working directory of its
 * own.  The monitor judges descriptors and relative paths as the process's:
 * such a thread would have it judge another file than the kernel uses.
 * Each function returns 0 when the thread's call reached its file, -errno
 * when the call failed, or -1000 - errno when the thread was not made. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

static char stack[256 * 1024] __attribute__((aligned(16)));
static int a_fd, b_fd;
static const char *dir, *name;
static unsigned mode;
static volatile int done, result, err;

static int fd_thread(void *arg)
{
	(void)arg;
	result = dup2(a_fd, b_fd) < 0 ? -1 : fchmod(b_fd, mode);
	err = errno;
	done = 1;
	return 0;
}

static int cwd_thread(void *arg)
{
	(void)arg;
	result = chdir(dir) < 0 ? -1 : chmod(name, mode);
	err = errno;
	done = 1;
	return 0;
}

static int run(int (*fn)(void *), int flags)
{
	done = 0;
	if (clone(fn, stack + sizeof stack, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD |
	          CLONE_SYSVSEM | flags, NULL) < 0)
		return -1000 - errno;
	while (!done)
		usleep(1000);
	usleep(10000);  /* the thread's exit */
	return result == 0 ? 0 : -err;
}

/* fchmod(inside_fd) in a thread whose table has outside_fd at that number */
int own_table_fchmod(int outside_fd, int inside_fd, unsigned m)
{
	a_fd = outside_fd;
	b_fd = inside_fd;
	mode = m;
	return run(fd_thread, CLONE_FS);
}

/* chmod(rel) in a thread that has changed to directory d alone */
int own_cwd_chmod(const char *d, const char *rel, unsigned m)
{
	dir = d;
	name = rel;
	mode = m;
	return run(cwd_thread, CLONE_FILES);
}
