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

static void add_known(struct identity *id, const char *path, const char *name)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	struct known_prog k = {0};
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && hash_file(fd, st.st_size, k.sha256) == 0) {
		for (size_t i = 0; i < id->n_known; i++)
			if (!memcmp(id->known[i].sha256, k.sha256, 32))
				goto out;  /* a link we met already */
		struct known_prog *v = realloc(id->known, (id->n_known + 1) * sizeof *v);
		if (v) {
			k.size = st.st_size;
			snprintf(k.name, sizeof k.name, "%s", name);
			v[id->n_known++] = k;
			id->known = v;
		}
	}
out:
	close(fd);
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

void identity_of(struct monitor *m, const char *path, bool *fresh, const char **known_as)
{
	struct stat st;
	*fresh = false;
	*known_as = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	*fresh = after(&st.st_ctim, &m->id.job_start);
	if (!m->id.built)
		build(m);
	for (size_t i = 0; i < m->id.n_known; i++) {
		unsigned char h[32];
		if (m->id.known[i].size != st.st_size)
			continue;  /* the cheap test first: a copy has the same size */
		if (hash_file(fd, st.st_size, h) < 0)
			break;
		for (size_t k = i; k < m->id.n_known; k++)
			if (m->id.known[k].size == st.st_size && !memcmp(m->id.known[k].sha256, h, 32)) {
				*known_as = m->id.known[k].name;
				break;
			}
		break;
	}
out:
	close(fd);
}
