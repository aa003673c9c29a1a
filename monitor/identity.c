/* identity: known programs by content, fresh files by ctime (see identity.h). */
#include "monitor/identity.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfscan/sha256.h"
#include "monitor/monitor.h"

#define HASH_MAX (256u << 20)  /* larger files cannot be copies of a shell */

void identity_init(struct identity *id)
{
	memset(id, 0, sizeof *id);
	clock_gettime(CLOCK_REALTIME, &id->job_start);
}

void identity_free(struct identity *id)
{
	free(id->known);
	id->known = NULL;
	id->n_known = 0;
}

static int hash_file(int fd, off_t size, unsigned char out[32])
{
	if (size < 0 || (uint64_t)size > HASH_MAX)
		return -EFBIG;
	unsigned char *buf = malloc(size ? (size_t)size : 1);
	if (!buf)
		return -ENOMEM;
	ssize_t n = pread(fd, buf, (size_t)size, 0);
	int rc = n == size ? 0 : -EIO;
	if (rc == 0)
		sha256(buf, (size_t)size, out);
	free(buf);
	return rc;
}

/* Known programs are only stat'ed here; hashed on demand (known_hash). */
static void add_known(struct identity *id, const char *path, const char *name)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	for (size_t i = 0; i < id->n_known; i++)
		if (id->known[i].dev == st.st_dev && id->known[i].ino == st.st_ino)
			return;  /* a link we met already */
	struct known_prog *v = realloc(id->known, (id->n_known + 1) * sizeof *v);
	if (!v)
		return;
	struct known_prog *k = &v[id->n_known++];
	memset(k, 0, sizeof *k);
	k->dev = st.st_dev;
	k->ino = st.st_ino;
	k->size = st.st_size;
	snprintf(k->path, sizeof k->path, "%s", path);
	snprintf(k->name, sizeof k->name, "%s", name);
	id->known = v;
}

static bool known_hash(struct known_prog *k)
{
	if (k->hashed)
		return true;
	int fd = open(k->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	k->hashed = hash_file(fd, k->size, k->sha256) == 0;
	close(fd);
	return k->hashed;
}

/* Every deny-listed or shell name found in the allowed directories. */
static void build(struct monitor *m)
{
	const struct policy *p = m->policy;
	const struct rule_list *lists[] = {&p->deny_programs, &p->shells};
	m->id.built = true;
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			for (size_t d = 0; d < p->allow_dirs.n; d++) {
				char path[PATH_MAX];
				snprintf(path, sizeof path, "%s/%s", p->allow_dirs.v[d].word,
				         lists[l]->v[i].word);
				add_known(&m->id, path, lists[l]->v[i].word);
			}
}

static bool after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static const struct seen_file *seen_before(const struct identity *id, const struct stat *st)
{
	size_t n = id->n_seen < IDENTITY_SEEN ? id->n_seen : IDENTITY_SEEN;
	for (size_t i = 0; i < n; i++) {
		const struct seen_file *f = &id->seen[i];
		if (f->dev == st->st_dev && f->ino == st->st_ino && f->size == st->st_size &&
		    same_time(&f->mtime, &st->st_mtim) && same_time(&f->ctime, &st->st_ctim))
			return f;
	}
	return NULL;
}

static void remember(struct identity *id, const struct stat *st, int known)
{
	id->seen[id->n_seen++ % IDENTITY_SEEN] = (struct seen_file){
		st->st_dev, st->st_ino, st->st_size, st->st_mtim, st->st_ctim, known};
}

/* Opens path for hashing, making sure it is still the file stat'ed: a file
 * swapped in between is not the one judged.  -1 when it is not. */
static int open_same(const char *path, const struct stat *st)
{
	struct stat now;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0 && (fstat(fd, &now) < 0 || now.st_dev != st->st_dev || now.st_ino != st->st_ino ||
	                now.st_size != st->st_size)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Which known program the file is a copy of (-1: none, -2: it changed while
 * being looked at), hashing it only when its size matches one and it was not
 * compared before. */
static int known_index(struct identity *id, const char *path, const struct stat *st)
{
	const struct seen_file *f = seen_before(id, st);
	if (f)
		return f->known;
	int found = -1, fd = -1;
	bool hashed = false;
	unsigned char h[32];
	for (size_t i = 0; i < id->n_known && found < 0; i++) {
		struct known_prog *k = &id->known[i];
		if (k->dev == st->st_dev && k->ino == st->st_ino) {
			found = (int)i;  /* the known program itself */
			break;
		}
		if (k->size != st->st_size || !known_hash(k))
			continue;  /* the cheap test first: a copy has the same size */
		if (!hashed) {
			if (fd < 0 && (fd = open_same(path, st)) < 0)
				return -2;
			if (hash_file(fd, st->st_size, h) < 0) {
				close(fd);
				return -1;  /* unreadable now: not remembered, tried again next time */
			}
			hashed = true;
		}
		if (!memcmp(k->sha256, h, 32))
			found = (int)i;
	}
	if (fd >= 0)
		close(fd);
	remember(id, st, found);
	return found;
}

void identity_of_stat(struct monitor *m, const char *path, const struct stat *st, bool *fresh,
                      const char **known_as)
{
	*fresh = false;
	*known_as = NULL;
	if (!S_ISREG(st->st_mode))
		return;
	*fresh = after(&st->st_ctim, &m->id.job_start);
	if (!m->id.built)
		build(m);
	int k = known_index(&m->id, path, st);
	if (k == -2)
		*fresh = true;  /* changed under our eyes: as good as made by the job */
	else if (k >= 0)
		*known_as = m->id.known[k].name;
}

void identity_of(struct monitor *m, const char *path, bool *fresh, const char **known_as)
{
	struct stat st;
	*fresh = false;
	*known_as = NULL;
	if (stat(path, &st) == 0)
		identity_of_stat(m, path, &st, fresh, known_as);
}
