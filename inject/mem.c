/* mem: bounded reads (process_vm_readv or /proc/<tid>/mem), writes through
 * /proc/<pid>/mem. */
#include "inject/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096u

/* How reads reach the tracee.  process_vm_readv is one system call and no
 * descriptor; where it is refused (Docker's default seccomp profile allows it
 * only with CAP_SYS_PTRACE) reads go through /proc/<tid>/mem, which a tracer
 * may always open, with a few descriptors kept open. */
static enum { VIA_UNKNOWN, VIA_PVR, VIA_PROC } via;

#define MEMFD_CACHE 8
static struct {
	pid_t tid;
	int fd;
} cache[MEMFD_CACHE];
static unsigned next_slot;

const char *mem_probe(void)
{
	char a = 1, b = 0;
	struct iovec local = {&b, 1}, remote = {&a, 1};
	if (via == VIA_UNKNOWN)
		via = process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == 1 ? VIA_PVR : VIA_PROC;
	return via == VIA_PVR ? "process_vm_readv" : "/proc/PID/mem";
}

void mem_forget(pid_t tid)
{
	for (size_t i = 0; i < MEMFD_CACHE; i++)
		if (cache[i].tid == tid && cache[i].fd > 0) {
			close(cache[i].fd);
			cache[i].fd = 0;
			cache[i].tid = 0;
		}
}

/* A read descriptor for tid's memory: bound to the address space it was
 * opened on, so mem_forget drops it at the thread's exec or exit. */
static int proc_fd(pid_t tid)
{
	for (size_t i = 0; i < MEMFD_CACHE; i++)
		if (cache[i].tid == tid && cache[i].fd > 0)
			return cache[i].fd;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/mem", (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	unsigned s = next_slot++ % MEMFD_CACHE;
	if (cache[s].fd > 0)
		close(cache[s].fd);
	cache[s].tid = tid;
	cache[s].fd = fd;
	return fd;
}

/* ESRCH means the tracee is gone; anything else about the address is EFAULT. */
static int read_errno(void)
{
	return errno == ESRCH ? -ESRCH : -EFAULT;
}

static int proc_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	int fd = proc_fd(tid);
	if (fd < 0)
		return fd;
	ssize_t n = pread(fd, buf, len, (off_t)addr);
	if (n < 0)
		return errno == ESRCH ? -ESRCH : -EFAULT;
	return (size_t)n == len ? 0 : -EFAULT;
}

int mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};
	if (len == 0)
		return 0;
	if (addr + len < addr || addr > (uint64_t)INT64_MAX - len)
		return -EFAULT;
	if (via == VIA_UNKNOWN)
		mem_probe();
	if (via == VIA_PROC)
		return proc_read(tid, addr, buf, len);
	ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n < 0)
		return read_errno();
	return (size_t)n == len ? 0 : -EFAULT;
}

#define UPTO_PAGES 32

ssize_t mem_read_upto(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {buf, len}, remote[UPTO_PAGES];
	size_t n = 0, got = 0;
	if (via == VIA_UNKNOWN)
		mem_probe();
	/* one iovec a page: process_vm_readv stops at the first page it cannot read */
	for (uint64_t at = addr; via == VIA_PVR && got < len && n < UPTO_PAGES; n++) {
		size_t chunk = PAGE - (size_t)(at % PAGE);
		if (chunk > len - got)
			chunk = len - got;
		remote[n] = (struct iovec){(void *)(uintptr_t)at, chunk};
		at += chunk;
		got += chunk;
	}
	if (via == VIA_PVR && got == len) {
		ssize_t r = process_vm_readv(tid, &local, 1, remote, n, 0);
		return r > 0 ? r : r == 0 ? -EFAULT : read_errno();
	}
	for (got = 0; got < len;) {
		size_t chunk = PAGE - (size_t)((addr + got) % PAGE);
		if (chunk > len - got)
			chunk = len - got;
		int rc = mem_read(tid, addr + got, (char *)buf + got, chunk);
		if (rc == -ESRCH)
			return rc;
		if (rc < 0)
			break;
		got += chunk;
	}
	return got ? (ssize_t)got : -EFAULT;
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
