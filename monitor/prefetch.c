/* prefetch: scans made while the job runs (see prefetch.h). */
#include "monitor/prefetch.h"

#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/verdict.h"

/* A start-up maps a handful of objects (python3.11: five); numpy's import
 * brings dozens, but those come by dlopen, one stop each, and are not guessed. */
#define MAX_OBJECTS 32

/* Where ld.so looks after RPATH/RUNPATH (ld.so.cache lists these on Debian). */
static const char *const system_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
	"/lib", "/usr/lib", "/usr/local/lib",
};

/* Into the cache; the report is the cache's. */
static const struct elfscan_report *scan(const char *path, unsigned opts)
{
	const struct elfscan_report *r;
	return elfscan_cached_opts(path, opts, &r) < 0 ? NULL : r;
}

/* The first PATH entry holding an executable file named name (execvp's
 * lookup, with its default PATH). */
static bool in_path(const char *name, char *out, size_t cap)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/bin:/usr/bin";
	for (const char *p = path;; p++) {
		size_t n = strcspn(p, ":");
		int len = snprintf(out, cap, "%.*s%s%s", (int)n, p, n ? "/" : "", name);
		if (len > 0 && (size_t)len < cap && access(out, X_OK) == 0)
			return true;
		p += n;
		if (!*p)
			return false;
	}
}

void prefetch_program(const char *argv0)
{
	char path[PATH_MAX];
	if (strchr(argv0, '/'))
		snprintf(path, sizeof path, "%s", argv0);
	else if (!in_path(argv0, path, sizeof path))
		return;
	const struct elfscan_report *r = scan(path, 0);
	if (r && !r->error && r->interp)
		scan(r->interp, 0);
}

/* A search directory with $ORIGIN (or ${ORIGIN}) replaced by origin; false
 * for other substitutions ($LIB, $PLATFORM), which are not guessed. */
static bool expand(const char *dir, size_t n, const char *origin, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		const char *word = NULL;
		size_t skip = 0;
		if (dir[i] == '$' && n - i >= 7 && !strncmp(dir + i, "$ORIGIN", 7))
			word = origin, skip = 7;
		else if (dir[i] == '$' && n - i >= 9 && !strncmp(dir + i, "${ORIGIN}", 9))
			word = origin, skip = 9;
		else if (dir[i] == '$')
			return false;
		size_t wl = word ? strlen(word) : 1;
		if (o + wl >= cap)
			return false;
		memcpy(out + o, word ? word : dir + i, wl);
		o += wl;
		if (skip)
			i += skip - 1;
	}
	out[o] = 0;
	return true;
}

struct found {
	const struct elfscan_report *r;
	char origin[PATH_MAX];  /* its directory, for $ORIGIN */
};

struct search {
	struct found objs[MAX_OBJECTS];
	size_t n;
	const char *exe_rpath;  /* applies to every object without a RUNPATH */
	unsigned opts;
};

static void set_origin(struct found *o, const char *path)
{
	char real[PATH_MAX];
	const char *p = realpath(path, real) ? real : path;
	const char *slash = strrchr(p, '/');
	snprintf(o->origin, sizeof o->origin, "%.*s", slash ? (int)(slash - p) : 1,
	         slash ? p : ".");
}

static bool known(const struct search *s, const struct elfscan_report *r)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->objs[i].r == r)
			return true;
	return false;
}

/* Scans path; adds it to the search when it is an x86-64 object not seen. */
static bool try_path(struct search *s, const char *path)
{
	const struct elfscan_report *r = scan(path, s->opts);
	if (!r || r->error || r->e_machine != EM_X86_64)
		return false;  /* ld.so too goes on to the next directory */
	if (!known(s, r) && s->n < MAX_OBJECTS) {
		s->objs[s->n].r = r;
		set_origin(&s->objs[s->n++], path);
	}
	return true;
}

static bool try_dir(struct search *s, const char *dir, size_t n, const char *origin,
                    const char *name)
{
	char d[PATH_MAX], path[PATH_MAX];
	if (!expand(dir, n, origin, d, sizeof d))
		return false;
	int len = snprintf(path, sizeof path, "%s/%s", d, name);
	return len > 0 && (size_t)len < sizeof path && try_path(s, path);
}

static bool try_list(struct search *s, const char *list, const char *origin, const char *name)
{
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ":");
		if (n && try_dir(s, p, n, origin, name))
			return true;
		p += n;
		p += *p == ':';
	}
	return false;
}

static void find_needed(struct search *s, size_t i, const char *name)
{
	const struct elfscan_report *r = s->objs[i].r;
	const char *origin = s->objs[i].origin;
	if (strchr(name, '/')) {
		try_path(s, name);  /* as given, like ld.so */
		return;
	}
	if (r->runpath ? try_list(s, r->runpath, origin, name)
	               : try_list(s, r->rpath, origin, name) ||
	                 try_list(s, s->exe_rpath, s->objs[0].origin, name))
		return;
	for (size_t d = 0; d < sizeof system_dirs / sizeof system_dirs[0]; d++)
		if (try_dir(s, system_dirs[d], strlen(system_dirs[d]), origin, name))
			return;
}

void prefetch_libraries(const struct monitor *m, const struct elfscan_report *exe,
                        const char *exe_path)
{
	static struct search s;  /* 32 paths: not on the stack */
	if (!exe || exe->error || !exe_path)
		return;
	s.n = 1;
	s.objs[0].r = exe;
	set_origin(&s.objs[0], exe_path);
	s.exe_rpath = exe->runpath ? NULL : exe->rpath;
	s.opts = verdict_scan_opts(m->policy, true);
	/* breadth first, the loader's order */
	for (size_t i = 0; i < s.n; i++)
		for (size_t k = 0; k < s.objs[i].r->n_needed; k++)
			find_needed(&s, i, s.objs[i].r->needed[k]);
}
