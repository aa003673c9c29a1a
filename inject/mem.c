/* mem: bounded reads with process_vm_readv, writes through /proc/<pid>/mem. */
#include "inject/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096u

/* ESRCH means the tracee is gone; anything else about the address is EFAULT. */
static int read_errno(void)
{
	return errno == ESRCH ? -ESRCH : -EFAULT;
}

int mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};
	if (len == 0)
		return 0;
	if (addr + len < addr)
		return -EFAULT;
	ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n < 0)
		return read_errno();
	return (size_t)n == len ? 0 : -EFAULT;
}

int mem_read_word(pid_t tid, uint64_t addr, uint64_t *word)
{
	return mem_read(tid, addr, word, sizeof *word);
}

/* Reads page by page so a short string near the end of a mapping is readable;
 * the first read is small because most strings are. */
ssize_t mem_read_str(pid_t tid, uint64_t addr, char *buf, size_t cap)
{
	size_t got = 0;
	if (cap == 0)
		return -ENAMETOOLONG;
	while (got < cap) {
		uint64_t at = addr + got;
		size_t chunk = PAGE - (size_t)(at % PAGE);
		if (got == 0 && chunk > 256)
			chunk = 256;
		if (chunk > cap - got)
			chunk = cap - got;
		int rc = mem_read(tid, at, buf + got, chunk);
		if (rc < 0)
			return rc;
		char *nul = memchr(buf + got, 0, chunk);
		if (nul)
			return nul - buf;
		got += chunk;
	}
	buf[cap - 1] = 0;
	return -ENAMETOOLONG;
}

int mem_open(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int mem_write(int memfd, uint64_t addr, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = pwrite(memfd, p, len, (off_t)addr);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == ESRCH ? -ESRCH : -EFAULT;
		}
		if (n == 0)
			return -EFAULT;
		p += n;
		addr += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int mem_write_word(int memfd, uint64_t addr, uint64_t word)
{
	return mem_write(memfd, addr, &word, sizeof word);
}
