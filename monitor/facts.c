/* facts: recording and replaying a decision's questions (see facts.h). */
#include "monitor/facts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"in_job", "pgrp_in_job", "pgrp_of", "pidfd",
                                          "resolve", "script", "codepage", "exists",
                                          "write_target", "socket_target", "sigio_owner",
                                          "tty_target"};

static struct fact *add(struct facts *f, enum fact_kind k, long a, long b)
{
	if (f->n == FACTS_MAX)
		return NULL;  /* enough to decide; more would only repeat */
	struct fact *x = &f->v[f->n++];
	memset(x, 0, sizeof *x);
	x->kind = k;
	x->a = a;
	x->b = b;
	return x;
}

static const struct fact *find(struct facts *f, enum fact_kind k, long a, long b,
                               const char *word, bool search)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct fact *x = &f->v[i];
		if (x->kind == k && x->a == a && x->b == b && x->search == search &&
		    (!word || (x->word && !strcmp(x->word, word))))
			return x;
	}
	f->missing = true;
	return NULL;
}

/* --- recording ----------------------------------------------------------- */

static bool rec_in_job(void *ctx, pid_t pid)
{
	struct facts *f = ctx;
	bool r = f->inner->in_job(f->inner->ctx, pid);
	struct fact *x = add(f, FACT_IN_JOB, pid, 0);
	if (x)
		x->answer = r;
	return r;
}

static bool rec_pgrp_in_job(void *ctx, pid_t pgid)
{
	struct facts *f = ctx;
	bool r = f->inner->pgrp_in_job(f->inner->ctx, pgid);
	struct fact *x = add(f, FACT_PGRP_IN_JOB, pgid, 0);
	if (x)
		x->answer = r;
	return r;
}

static pid_t rec_pgrp_of(void *ctx, pid_t pid)
{
	struct facts *f = ctx;
	pid_t r = f->inner->pgrp_of(f->inner->ctx, pid);
	struct fact *x = add(f, FACT_PGRP_OF, pid, 0);
	if (x)
		x->answer = r;
	return r;
}

static pid_t rec_pidfd(void *ctx, pid_t caller, int fd)
{
	struct facts *f = ctx;
	pid_t r = f->inner->pidfd_pid(f->inner->ctx, caller, fd);
	struct fact *x = add(f, FACT_PIDFD, caller, fd);
	if (x)
		x->answer = r;
	return r;
}

static int rec_resolve(void *ctx, pid_t caller, const char *word, bool search,
                       struct program *prog)
{
	struct facts *f = ctx;
	int r = f->inner->resolve(f->inner->ctx, caller, word, search, prog);
	struct fact *x = add(f, FACT_RESOLVE, caller, 0);
	if (x) {
		x->word = strdup(word);
		x->search = search;
		x->answer = r;
		x->resolved = prog->resolved ? strdup(prog->resolved) : NULL;
		x->interpreter = prog->interpreter;
		x->fresh = prog->fresh;
		x->known_as = prog->known_as ? strdup(prog->known_as) : NULL;
	}
	return r;
}

static bool rec_script(void *ctx, pid_t caller, const char *path)
{
	struct facts *f = ctx;
	bool r = f->inner->is_script(f->inner->ctx, caller, path);
	struct fact *x = add(f, FACT_SCRIPT, caller, 0);
	if (x) {
		x->word = strdup(path);
		x->answer = r;
	}
	return r;
}

static bool rec_codepage(void *ctx, pid_t caller, uint64_t *lo, uint64_t *hi)
{
	struct facts *f = ctx;
	bool r = f->inner->codepage(f->inner->ctx, caller, lo, hi);
	struct fact *x = add(f, FACT_CODEPAGE, caller, 0);
	if (x) {
		x->answer = r;
		x->lo = r ? *lo : 0;
		x->hi = r ? *hi : 0;
	}
	return r;
}

static bool rec_exists(void *ctx, pid_t pid)
{
	struct facts *f = ctx;
	bool r = f->inner->exists ? f->inner->exists(f->inner->ctx, pid) : true;
	struct fact *x = add(f, FACT_EXISTS, pid, 0);
	if (x)
		x->answer = r;
	return r;
}

/* b: the descriptor and whether a link is the file; word: the path, if any */
static long target_key(int dirfd, bool nofollow)
{
	return (long)dirfd * 2 + (nofollow ? 1 : 0);
}

static int rec_write_target(void *ctx, pid_t caller, int dirfd, const char *path, bool nofollow)
{
	struct facts *f = ctx;
	int r = f->inner->write_target ? f->inner->write_target(f->inner->ctx, caller, dirfd, path,
	                                                         nofollow)
	                               : 1;
	struct fact *x = add(f, FACT_WRITE_TARGET, caller, target_key(dirfd, nofollow));
	if (x) {
		x->word = path ? strdup(path) : NULL;
		x->answer = r;
	}
	return r;
}

static int rec_socket_target(void *ctx, pid_t caller, const char *path)
{
	struct facts *f = ctx;
	int r = f->inner->socket_target ? f->inner->socket_target(f->inner->ctx, caller, path) : 1;
	struct fact *x = add(f, FACT_SOCKET_TARGET, caller, 0);
	if (x) {
		x->word = path ? strdup(path) : NULL;
		x->answer = r;
	}
	return r;
}

static int rec_sigio_owner(void *ctx, pid_t caller, int fd)
{
	struct facts *f = ctx;
	int r = f->inner->sigio_owner ? f->inner->sigio_owner(f->inner->ctx, caller, fd) : -ENOSYS;
	struct fact *x = add(f, FACT_SIGIO_OWNER, caller, fd);
	if (x)
		x->answer = r;
	return r;
}

static int rec_tty_target(void *ctx, pid_t caller, int fd)
{
	struct facts *f = ctx;
	int r = f->inner->tty_target ? f->inner->tty_target(f->inner->ctx, caller, fd) : -ENOSYS;
	struct fact *x = add(f, FACT_TTY_TARGET, caller, fd);
	if (x)
		x->answer = r;
	return r;
}

/* Memory the check reads is not a fact of the world: it is passed through
 * and not recorded (a replay of such a call denies). */
static int rec_read_mem(void *ctx, pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct facts *f = ctx;
	return f->inner->read_mem ? f->inner->read_mem(f->inner->ctx, tid, addr, buf, len) : -EFAULT;
}

struct job_view facts_recorder(struct facts *f, const struct job_view *inner)
{
	memset(f, 0, sizeof *f);
	f->inner = inner;
	return (struct job_view){f, rec_in_job, rec_pgrp_in_job, rec_pgrp_of, rec_pidfd,
	                         rec_resolve, rec_script, rec_codepage, rec_read_mem, rec_exists,
	                         rec_write_target, rec_socket_target, rec_sigio_owner,
	                         rec_tty_target};
}

/* --- replaying ------------------------------------------------------------
 * Unrecorded questions get the cautious answer: not the job's, not found,
 * not a script, no code page. */

static bool rep_in_job(void *ctx, pid_t pid)
{
	const struct fact *x = find(ctx, FACT_IN_JOB, pid, 0, NULL, false);
	return x && x->answer;
}

static bool rep_pgrp_in_job(void *ctx, pid_t pgid)
{
	const struct fact *x = find(ctx, FACT_PGRP_IN_JOB, pgid, 0, NULL, false);
	return x && x->answer;
}

static pid_t rep_pgrp_of(void *ctx, pid_t pid)
{
	const struct fact *x = find(ctx, FACT_PGRP_OF, pid, 0, NULL, false);
	return x ? (pid_t)x->answer : -1;
}

static pid_t rep_pidfd(void *ctx, pid_t caller, int fd)
{
	const struct fact *x = find(ctx, FACT_PIDFD, caller, fd, NULL, false);
	return x ? (pid_t)x->answer : -1;
}

static int rep_resolve(void *ctx, pid_t caller, const char *word, bool search,
                       struct program *prog)
{
	const struct fact *x = find(ctx, FACT_RESOLVE, caller, 0, word, search);
	prog->resolved = NULL;
	if (!x)
		return -ENOENT;
	prog->resolved = x->resolved ? strdup(x->resolved) : NULL;
	prog->interpreter = x->interpreter;
	prog->fresh = x->fresh;
	prog->known_as = x->known_as;
	return (int)x->answer;
}

static bool rep_script(void *ctx, pid_t caller, const char *path)
{
	const struct fact *x = find(ctx, FACT_SCRIPT, caller, 0, path, false);
	return x && x->answer;
}

static bool rep_codepage(void *ctx, pid_t caller, uint64_t *lo, uint64_t *hi)
{
	const struct fact *x = find(ctx, FACT_CODEPAGE, caller, 0, NULL, false);
	if (!x || !x->answer)
		return false;
	*lo = x->lo;
	*hi = x->hi;
	return true;
}

/* Unrecorded: it exists (the cautious answer, EPERM rather than ESRCH). */
static bool rep_exists(void *ctx, pid_t pid)
{
	const struct fact *x = find(ctx, FACT_EXISTS, pid, 0, NULL, false);
	return !x || x->answer;
}

/* Unrecorded: outside the write set (the cautious answer). */
static int rep_write_target(void *ctx, pid_t caller, int dirfd, const char *path, bool nofollow)
{
	const struct fact *x = find(ctx, FACT_WRITE_TARGET, caller, target_key(dirfd, nofollow),
	                            path, false);
	return x ? (int)x->answer : 1;
}

/* Unrecorded: a socket outside the job (the cautious answer). */
static int rep_socket_target(void *ctx, pid_t caller, const char *path)
{
	const struct fact *x = find(ctx, FACT_SOCKET_TARGET, caller, 0, path, false);
	return x ? (int)x->answer : 1;
}

/* Unrecorded: an owner outside the job (the cautious answer). */
static int rep_sigio_owner(void *ctx, pid_t caller, int fd)
{
	const struct fact *x = find(ctx, FACT_SIGIO_OWNER, caller, fd, NULL, false);
	return x ? (int)x->answer : 1;
}

/* Unrecorded: a terminal outside the job's (the cautious answer). */
static int rep_tty_target(void *ctx, pid_t caller, int fd)
{
	const struct fact *x = find(ctx, FACT_TTY_TARGET, caller, fd, NULL, false);
	return x ? (int)x->answer : 1;
}

struct job_view facts_replayer(struct facts *f)
{
	f->missing = false;
	return (struct job_view){f, rep_in_job, rep_pgrp_in_job, rep_pgrp_of, rep_pidfd,
	                         rep_resolve, rep_script, rep_codepage, NULL, rep_exists,
	                         rep_write_target, rep_socket_target, rep_sigio_owner,
	                         rep_tty_target};
}

/* --- the log's form --------------------------------------------------------- */

void facts_to_json(const struct facts *f, struct jw *j)
{
	jw_arr_begin(j);
	for (size_t i = 0; i < f->n; i++) {
		const struct fact *x = &f->v[i];
		jw_obj_begin(j);
		jw_key(j, "q");
		jw_str(j, kind_names[x->kind]);
		jw_key(j, "a");
		jw_int(j, x->a);
		if (x->b) {
			jw_key(j, "b");
			jw_int(j, x->b);
		}
		if (x->word) {
			jw_key(j, "word");
			jw_str(j, x->word);
		}
		if (x->kind == FACT_RESOLVE) {
			jw_key(j, "search");
			jw_bool(j, x->search);
			jw_key(j, "resolved");
			jw_str(j, x->resolved);
			jw_key(j, "interpreter");
			jw_bool(j, x->interpreter);
			jw_key(j, "fresh");
			jw_bool(j, x->fresh);
			jw_key(j, "known_as");
			jw_str(j, x->known_as);
		}
		if (x->kind == FACT_CODEPAGE) {
			jw_key(j, "lo");
			jw_uint(j, x->lo);
			jw_key(j, "hi");
			jw_uint(j, x->hi);
		}
		jw_key(j, "answer");
		jw_int(j, x->answer);
		jw_obj_end(j);
	}
	jw_arr_end(j);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int facts_from_json(struct facts *f, const struct jval *arr)
{
	memset(f, 0, sizeof *f);
	for (size_t i = 0; arr && arr->type == J_ARR && i < arr->len && f->n < FACTS_MAX; i++) {
		const struct jval *o = &arr->items[i];
		const char *q = jsonr_str(o, "q");
		size_t k;
		for (k = 0; q && k < sizeof kind_names / sizeof kind_names[0]; k++)
			if (!strcmp(q, kind_names[k]))
				break;
		if (!q || k == sizeof kind_names / sizeof kind_names[0])
			continue;
		struct fact *x = add(f, (enum fact_kind)k, (long)jsonr_num(o, "a", 0),
		                     (long)jsonr_num(o, "b", 0));
		x->word = dup_or_null(jsonr_str(o, "word"));
		x->search = jsonr_bool(o, "search", false);
		x->answer = (long)jsonr_num(o, "answer", 0);
		x->resolved = dup_or_null(jsonr_str(o, "resolved"));
		x->interpreter = jsonr_bool(o, "interpreter", false);
		x->fresh = jsonr_bool(o, "fresh", false);
		x->known_as = dup_or_null(jsonr_str(o, "known_as"));
		x->lo = (uint64_t)jsonr_num(o, "lo", 0);
		x->hi = (uint64_t)jsonr_num(o, "hi", 0);
	}
	return 0;
}

void facts_free(struct facts *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].word);
		free(f->v[i].resolved);
		free(f->v[i].known_as);
	}
	f->n = 0;
	free(f->known_as);
	f->known_as = NULL;
}
