/* Unit tests for unixdiag: real sockets of this process, bound in a private
 * directory, found by their files through the kernel's sock_diag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "monitor/unixdiag.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/unixdiag.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int bound(int type, const char *name, struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, type, 0);
	assert_true(fd >= 0);
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof a->sun_path, "%s/%s", dir, name);
	assert_int_equal(bind(fd, (struct sockaddr *)a, sizeof *a), 0);
	return fd;
}

/* The socket inode of one of our descriptors, from /proc/self/fd. */
static uint64_t inode_of(int fd)
{
	char link[64], target[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof target - 1);
	assert_true(n > 0);
	target[n] = 0;
	uint64_t ino = unixdiag_link_inode(target);
	assert_true(ino != 0);
	return ino;
}

static bool has(const uint64_t *v, long n, uint64_t x)
{
	for (long i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static void listener_and_its_connections(void **state)
{
	(void)state;
	struct sockaddr_un a;
	struct stat st;
	uint64_t inos[8];
	int l = bound(SOCK_STREAM, "stream", &a);
	assert_int_equal(listen(l, 4), 0);
	assert_int_equal(stat(a.sun_path, &st), 0);
	long n = unixdiag_bound(st.st_dev, st.st_ino, inos, 8);
	assert_int_equal(n, 1);
	assert_true(inos[0] == inode_of(l));
	/* an accepted connection carries the listener's file; the client does not */
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof a), 0);
	int s = accept(l, NULL, NULL);
	assert_true(s >= 0);
	n = unixdiag_bound(st.st_dev, st.st_ino, inos, 8);
	assert_int_equal(n, 2);
	assert_true(has(inos, n, inode_of(l)) && has(inos, n, inode_of(s)));
	assert_false(has(inos, n, inode_of(c)));
	/* more than fit: counted, not stored */
	assert_int_equal(unixdiag_bound(st.st_dev, st.st_ino, inos, 1), 2);
	close(s);
	close(c);
	close(l);
	assert_int_equal(unixdiag_bound(st.st_dev, st.st_ino, inos, 8), 0);
}

static void datagram_and_other_files(void **state)
{
	(void)state;
	struct sockaddr_un a;
	struct stat st;
	uint64_t inos[4];
	int d = bound(SOCK_DGRAM, "dgram", &a);
	assert_int_equal(stat(a.sun_path, &st), 0);
	assert_int_equal(unixdiag_bound(st.st_dev, st.st_ino, inos, 4), 1);
	assert_true(inos[0] == inode_of(d));
	close(d);
	/* the file stays, nobody is bound to it */
	assert_int_equal(unixdiag_bound(st.st_dev, st.st_ino, inos, 4), 0);
	assert_int_equal(stat("/etc/hostname", &st), 0);
	assert_int_equal(unixdiag_bound(st.st_dev, st.st_ino, inos, 4), 0);
}

static void link_names(void **state)
{
	(void)state;
	assert_true(unixdiag_link_inode("socket:[12345]") == 12345);
	assert_true(unixdiag_link_inode("socket:[]") == 0);
	assert_true(unixdiag_link_inode("socket:[12x]") == 0);
	assert_true(unixdiag_link_inode("socket:[12]x") == 0);
	assert_true(unixdiag_link_inode("pipe:[12]") == 0);
	assert_true(unixdiag_link_inode("/tmp/socket:[1]") == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(listener_and_its_connections),
		cmocka_unit_test(datagram_and_other_files),
		cmocka_unit_test(link_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
