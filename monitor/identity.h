/* identity: recognising a program by what it is, not what it is called.
 *
 * A copy, a hard link, a rename or a memfd of a denied program has the same
 * bytes: the denied programs (and the shells with rules of their own) found in
 * the allowed directories are hashed once, and a file of the same size is
 * hashed and compared.  A file created or changed after the job started (its
 * ctime, which no one can set back) was made by the job or during it, and is
 * not run: that covers copies into system directories too.
 */
#ifndef PYSBX_IDENTITY_H
#define PYSBX_IDENTITY_H

#include <stdbool.h>
#include <sys/stat.h>
#include <limits.h>
#include <sys/types.h>
#include <time.h>

struct monitor;

struct known_prog {
	dev_t dev;
	ino_t ino;
	off_t size;
	bool hashed;       /* sha256 is computed only when a file of its size shows up */
	unsigned char sha256[32];
	char path[PATH_MAX];
	char name[64];     /* the deny-list or shell name it is known by */
};

/* A file already compared, by identity: no file is hashed twice.  ctime
 * changes with any change to the file and cannot be set back. */
struct seen_file {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	int known;         /* index into known, or -1 */
};

#define IDENTITY_SEEN 256

struct identity {
	struct timespec job_start;
	bool built;
	struct known_prog *known;
	size_t n_known;
	struct seen_file seen[IDENTITY_SEEN];  /* a ring: the newest overwrite the oldest */
	size_t n_seen;
};

void identity_init(struct identity *id);
void identity_free(struct identity *id);

/* For the file at path (already absolute and resolved): whether it changed
 * after the job started, and the name of the known program it is a copy of
 * (NULL when none).  An unreadable file is neither. */
void identity_of(struct monitor *m, const char *path, bool *fresh, const char **known_as);
/* The same for a file stat'ed already (st); path opens that very file when it
 * must be hashed (a file found there that is not st is taken as fresh). */
void identity_of_stat(struct monitor *m, const char *path, const struct stat *st, bool *fresh,
                      const char **known_as);

#endif
