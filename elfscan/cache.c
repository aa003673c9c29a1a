/* Scan cache keyed by file identity (device, inode, size, mtime, ctime).  A
 * file rewritten in place changes its ctime (even when the writer puts size
 * and mtime back) and so gets a new entry; the old
 * report stays valid for whoever holds it until elfscan_cache_clear(). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfscan/internal.h"

struct entry {
	struct entry *next;
	struct elfscan_report *r;
};

static struct entry **table;
static size_t n_buckets, n_entries;

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static size_t bucket_of(const struct elfscan_id *id, size_t nb)
{
	uint64_t h = 0;

	h = mix(h, (uint64_t)id->dev);
	h = mix(h, (uint64_t)id->ino);
	h = mix(h, (uint64_t)id->size);
	h = mix(h, (uint64_t)id->mtime.tv_sec);
	h = mix(h, (uint64_t)id->mtime.tv_nsec);
	h = mix(h, (uint64_t)id->ctime.tv_sec);
	h = mix(h, (uint64_t)id->ctime.tv_nsec);
	return (size_t)(h % nb);
}

static bool same_id(const struct elfscan_id *a, const struct elfscan_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static bool has(const struct elfscan_report *r, unsigned opts)
{
	return r->error || ((!(opts & ELFSCAN_SYSCALLS) || r->syscalls_scanned) &&
	                    (!(opts & ELFSCAN_SHA256) || r->has_sha256));
}

/* Fuller scans are inserted in front, so the first match is the fullest. */
static struct elfscan_report *lookup(const struct elfscan_id *id, unsigned opts)
{
	if (!table)
		return NULL;
	for (struct entry *e = table[bucket_of(id, n_buckets)]; e; e = e->next)
		if (same_id(&e->r->id, id))
			return has(e->r, opts) ? e->r : NULL;
	return NULL;
}

/* Doubles the table when it averages more than one entry per bucket. */
static int grow(void)
{
	size_t nb = n_buckets ? n_buckets * 2 : 64;
	struct entry **t = calloc(nb, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < n_buckets; i++) {
		struct entry *e = table[i], *next;
		for (; e; e = next) {
			size_t b = bucket_of(&e->r->id, nb);
			next = e->next;
			e->next = t[b];
			t[b] = e;
		}
	}
	free(table);
	table = t;
	n_buckets = nb;
	return 0;
}

static int insert(struct elfscan_report *r)
{
	struct entry *e;
	size_t b;
	int rc;

	if (n_entries >= n_buckets && (rc = grow()))
		return rc;
	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	b = bucket_of(&r->id, n_buckets);
	e->r = r;
	e->next = table[b];
	table[b] = e;
	n_entries++;
	return 0;
}

int elfscan_cached_fd(int fd, const char *path, const struct elfscan_report **out)
{
	return elfscan_cached_fd_opts(fd, path, ELFSCAN_ALL, out);
}

int elfscan_cached_fd_opts(int fd, const char *path, unsigned opts,
                           const struct elfscan_report **out)
{
	struct elfscan_report *r;
	struct elfscan_id id;
	struct stat st;
	int rc;

	*out = NULL;
	if (fstat(fd, &st) < 0)
		return -errno;
	id = (struct elfscan_id){ st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim };
	r = lookup(&id, opts);
	if (r) {
		*out = r;
		return 0;
	}
	rc = elfscan_fd_opts(fd, path, opts, &r);
	if (rc)
		return rc;
	/* The scan's own fstat is the identity it is valid for; the file may
	 * have changed since ours into one that is cached already. */
	*out = lookup(&r->id, opts);
	if (*out) {
		elfscan_free(r);
		return 0;
	}
	rc = insert(r);
	if (rc) {
		elfscan_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int elfscan_cached(const char *path, const struct elfscan_report **out)
{
	return elfscan_cached_opts(path, ELFSCAN_ALL, out);
}

int elfscan_cached_opts(const char *path, unsigned opts, const struct elfscan_report **out)
{
	int fd, rc;

	*out = NULL;
	if ((fd = elfscan_open(path)) < 0)
		return fd;
	rc = elfscan_cached_fd_opts(fd, path, opts, out);
	close(fd);
	return rc;
}

void elfscan_cache_clear(void)
{
	for (size_t i = 0; i < n_buckets; i++) {
		struct entry *e = table[i], *next;
		for (; e; e = next) {
			next = e->next;
			elfscan_free(e->r);
			free(e);
		}
	}
	free(table);
	table = NULL;
	n_buckets = n_entries = 0;
}
