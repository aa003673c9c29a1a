/* procfs: bounded readers of /proc (see procfs.h). */
#include "monitor/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

ssize_t procfs_readlink(pid_t pid, const char *what, char *buf, size_t cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, what);
	ssize_t n = readlink(path, buf, cap - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= cap - 1)
		return -ENAMETOOLONG;
	buf[n] = 0;
	return n;
}

int procfs_read(pid_t pid, const char *what, char **out, size_t *len, size_t max)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, what);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	int rc = 0;
	while (buf) {
		if (n == cap) {
			if (cap >= max) {
				rc = -E2BIG;
				break;
			}
			cap = cap * 2 > max ? max : cap * 2;
			char *b = realloc(buf, cap + 1);
			if (!b)
				break;
			buf = b;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!buf)
		return -ENOMEM;
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

int procfs_auxv(pid_t pid, unsigned long type, uint64_t *val)
{
	char *buf;
	size_t len;
	int rc = procfs_read(pid, "auxv", &buf, &len, 64 * 1024);
	if (rc < 0)
		return rc;
	rc = -ENOENT;
	for (size_t i = 0; i + 16 <= len; i += 16) {
		uint64_t t, v;
		memcpy(&t, buf + i, 8);
		memcpy(&v, buf + i + 8, 8);
		if (t == type) {
			*val = v;
			rc = 0;
			break;
		}
	}
	free(buf);
	return rc;
}

ssize_t procfs_peek(pid_t pid, const char *what, char *buf, size_t cap)
{
	char path[64];
	if (cap == 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, what);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

/* /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces
 * and parentheses, so parse from the last ')'. */
pid_t procfs_pgrp(pid_t pid)
{
	char *buf;
	size_t len;
	if (procfs_read(pid, "stat", &buf, &len, 4096) < 0)
		return -1;
	pid_t pgrp = -1;
	char *rp = strrchr(buf, ')');
	int ppid, pg;
	char state;
	if (rp && sscanf(rp + 1, " %c %d %d", &state, &ppid, &pg) == 3)
		pgrp = pg;
	free(buf);
	return pgrp;
}

int procfs_env_range(pid_t pid, uint64_t *start, uint64_t *end)
{
	char *buf, *save = NULL;
	size_t len;
	int rc = procfs_read(pid, "stat", &buf, &len, 4096);
	if (rc < 0)
		return rc;
	char *rp = strrchr(buf, ')');
	int field = 2;  /* the fields after ")" start at 3 */
	rc = -EINVAL;
	for (char *t = rp ? strtok_r(rp + 1, " ", &save) : NULL; t; t = strtok_r(NULL, " ", &save)) {
		if (++field == 50)
			*start = strtoull(t, NULL, 10);
		else if (field == 51) {
			*end = strtoull(t, NULL, 10);
			rc = *end > *start ? 0 : -EINVAL;
			break;
		}
	}
	free(buf);
	return rc;
}

char **procfs_split(char *buf, size_t len, size_t *n)
{
	size_t count = 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == 0)
			count++;
	if (len && buf[len - 1] != 0)
		count++;  /* the last string lacks its terminator: buf[len] is 0 */
	char **v = calloc(count + 1, sizeof *v);
	if (!v)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < len && k < count; k++) {
		v[k] = buf + i;
		i += strlen(buf + i) + 1;
	}
	*n = k;
	return v;
}

static int parse_map_line(char *line, struct procfs_map *m)
{
	unsigned long long start, end, off, ino;
	unsigned maj, min;
	int pos = 0;
	if (sscanf(line, "%llx-%llx %*s %llx %x:%x %llu %n", &start, &end, &off, &maj, &min,
	           &ino, &pos) < 6)
		return -1;
	m->start = start;
	m->end = end;
	m->offset = off;
	m->dev = makedev(maj, min);
	m->ino = (ino_t)ino;
	m->path = line + pos;
	return 0;
}

int procfs_maps_read(pid_t pid, struct procfs_maps *m)
{
	size_t len;
	memset(m, 0, sizeof *m);
	int rc = procfs_read(pid, "maps", &m->text, &len, 64u << 20);
	if (rc < 0)
		return rc;
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += m->text[i] == '\n';
	m->v = calloc(lines + 1, sizeof *m->v);
	if (!m->v) {
		procfs_maps_free(m);
		return -ENOMEM;
	}
	char *save = NULL;
	for (char *l = strtok_r(m->text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (m->n <= lines && parse_map_line(l, &m->v[m->n]) == 0)
			m->n++;
	return 0;
}

const struct procfs_map *procfs_maps_find(const struct procfs_maps *m, uint64_t addr)
{
	for (size_t i = 0; i < m->n; i++)
		if (addr >= m->v[i].start && addr < m->v[i].end)
			return &m->v[i];
	return NULL;
}

void procfs_maps_free(struct procfs_maps *m)
{
	free(m->v);
	free(m->text);
	memset(m, 0, sizeof *m);
}

/* struct procmap_query and PROCMAP_QUERY from <linux/fs.h> (Linux 6.11),
 * spelled out for older headers; the kernel checks the size field. */
struct procmap_query {
	uint64_t size, query_flags, query_addr;
	uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
#define PROCMAP_QUERY _IOWR('f', 17, struct procmap_query)

int procfs_maps_open(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int procfs_map_at(int maps_fd, uint64_t addr, struct procfs_map *out, char *buf, size_t cap)
{
	struct procmap_query q = {.size = sizeof q, .query_addr = addr,
	                          .vma_name_size = (uint32_t)cap,
	                          .vma_name_addr = (uint64_t)(uintptr_t)buf};
	memset(buf, 0, cap);  /* tools that do not know the ioctl see the name as written */
	if (ioctl(maps_fd, PROCMAP_QUERY, &q) < 0)
		return errno == EINVAL || errno == ENOTTY ? -ENOTTY : -errno;
	buf[cap - 1] = 0;
	out->start = q.vma_start;
	out->end = q.vma_end;
	out->offset = q.vma_offset;
	out->dev = makedev(q.dev_major, q.dev_minor);
	out->ino = (ino_t)q.inode;
	out->path = q.inode ? buf : (char *)"";  /* anonymous and special mappings */
	return 0;
}
