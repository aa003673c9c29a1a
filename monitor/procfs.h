/* procfs: bounded readers of /proc/<pid>/... for the monitor. */
#ifndef PYSBX_PROCFS_H
#define PYSBX_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

/* readlink of /proc/<pid>/<what> (exe, cwd, root, fd/N), NUL-terminated. */
ssize_t procfs_readlink(pid_t pid, const char *what, char *buf, size_t cap);
/* The length of a /proc link's name without the kernel's " (deleted)" suffix
 * (an unlinked file, a memfd), or 0 when it has none. */
static inline size_t procfs_deleted_len(const char *link)
{
	static const char suffix[] = " (deleted)";
	size_t n = strlen(link), k = sizeof suffix - 1;
	return n >= k && !strcmp(link + n - k, suffix) ? n - k : 0;
}
/* Whole file /proc/<pid>/<what>, at most max bytes (-E2BIG beyond); caller frees. */
int procfs_read(pid_t pid, const char *what, char **buf, size_t *len, size_t max);
/* The start of /proc/<pid>/<what>, at most cap - 1 bytes, into buf (NUL
 * added), with one read and no allocation: for the monitor's per-event looks.
 * Its length, or -1. */
ssize_t procfs_peek(pid_t pid, const char *what, char *buf, size_t cap);
/* Value of auxiliary vector entry type (AT_BASE, AT_EXECFN ...), or -ENOENT. */
int procfs_auxv(pid_t pid, unsigned long type, uint64_t *val);
/* Where the process's environment strings are (/proc/<pid>/stat, fields 50
 * and 51): [*start, *end).  0 or a negative errno. */
int procfs_env_range(pid_t pid, uint64_t *start, uint64_t *end);
/* Process group of pid, or -1. */
pid_t procfs_pgrp(pid_t pid);
/* Splits a NUL-separated buffer (cmdline, environ) into a NULL-terminated vector
 * pointing into buf; caller frees the vector. */
char **procfs_split(char *buf, size_t len, size_t *n);

struct procfs_map {
	uint64_t start, end, offset;
	dev_t dev;
	ino_t ino;
	char *path;   /* points into the owning buffer; "" for anonymous */
};

struct procfs_maps {
	struct procfs_map *v;
	size_t n;
	char *text;
};

int procfs_maps_read(pid_t pid, struct procfs_maps *m);

/* The one mapping covering addr, through the PROCMAP_QUERY ioctl on an open
 * /proc/<pid>/maps (Linux 6.11+): no need to read and parse every mapping.
 * maps_fd: from procfs_maps_open.  path points into buf.  Returns 0,
 * -ENOENT (nothing mapped there), -ENOTTY (the kernel lacks the ioctl: use
 * procfs_maps_read), or another negative errno. */
int procfs_maps_open(pid_t pid);
int procfs_map_at(int maps_fd, uint64_t addr, struct procfs_map *out, char *buf, size_t cap);
const struct procfs_map *procfs_maps_find(const struct procfs_maps *m, uint64_t addr);
void procfs_maps_free(struct procfs_maps *m);

#endif
