/* args: bounded decoding of call arguments (see args.h). */
#include "monitor/args.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inject/mem.h"
#include "monitor/facts.h"
#include "monitor/funcs.h"
#include "monitor/procfs.h"
#include "monitor/world.h"

#define PAGE 4096u
#define VEC_CHUNK 64u   /* pointers read at once */

struct src {
	pid_t tid;
	const arch_regs *r;
	enum layer layer;
	unsigned shift;   /* syscall(): the system call's arguments start one later */
};

/* Argument i of the call: registers, then (function calls) the stack. */
static int fetch(const struct src *s, unsigned i, uint64_t *v)
{
	i += s->shift;
	if (s->layer == LAYER_SYSCALL) {
		if (i >= 6)
			return -EINVAL;
		*v = arch_syscall_arg(s->r, i);
		return 0;
	}
	if (i < 6) {
		*v = arch_call_arg(s->r, i);
		return 0;
	}
	return mem_read_word(s->tid, arch_call_stack_arg_addr(s->r, i), v);
}

/* Strings are read into one scratch buffer of the largest size allowed (the
 * monitor decides one call at a time) and copied out at their length: no
 * 128 KiB allocation per argument. */
static int read_string(pid_t tid, uint64_t addr, size_t cap, char **out)
{
	static char scratch[CALL_MAX_STR];
	if (cap > sizeof scratch)
		cap = sizeof scratch;
	ssize_t n = mem_read_str(tid, addr, scratch, cap);
	if (n < 0)
		return (int)n;
	*out = malloc((size_t)n + 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, scratch, (size_t)n + 1);
	return 0;
}

struct vec {
	char **v;
	size_t n, cap, bytes;
};

static int vec_push(struct vec *v, char *s)
{
	if (v->n + 1 >= v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		char **nv = realloc(v->v, cap * sizeof *nv);
		if (!nv)
			return -ENOMEM;
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = s;
	v->v[v->n] = NULL;
	v->bytes += strlen(s) + 1;
	return v->bytes > CALL_MAX_VEC_BYTES ? -E2BIG : 0;
}

static void vec_free(struct vec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	memset(v, 0, sizeof *v);
}

/* Adds the string at ptr; returns 1 at the terminating NULL. */
static int vec_add(struct vec *v, pid_t tid, uint64_t ptr)
{
	char *s = NULL;
	if (!ptr)
		return 1;
	if (v->n >= CALL_MAX_VEC)
		return -E2BIG;
	int rc = read_string(tid, ptr, CALL_MAX_STR, &s);
	if (rc < 0)
		return rc;
	rc = vec_push(v, s);
	if (rc == -ENOMEM)
		free(s);
	return rc;
}

/* A NULL-terminated array of string pointers in the tracee.  Pointers are read
 * a chunk at a time but never across a page the array may not reach. */
static int read_vector(pid_t tid, uint64_t addr, struct vec *v)
{
	for (;;) {
		uint64_t ptrs[VEC_CHUNK];
		size_t room = (PAGE - addr % PAGE) / 8;
		size_t k = room ? (room < VEC_CHUNK ? room : VEC_CHUNK) : 1;
		int rc = mem_read(tid, addr, ptrs, k * 8);
		if (rc < 0)
			return rc;
		for (size_t i = 0; i < k; i++) {
			rc = vec_add(v, tid, ptrs[i]);
			if (rc)
				return rc < 0 ? rc : 0;
		}
		addr += k * 8;
	}
}

/* execl(path, arg0, ..., NULL): the list continues through the registers and
 * then the stack. */
static int read_list(const struct src *s, unsigned first, struct vec *v)
{
	for (unsigned i = first; i < first + CALL_MAX_VEC; i++) {
		uint64_t ptr;
		int rc = fetch(s, i, &ptr);
		if (rc < 0)
			return rc;
		rc = vec_add(v, s->tid, ptr);
		if (rc)
			return rc < 0 ? rc : 0;
	}
	return -E2BIG;
}

static int read_u32(pid_t tid, uint64_t addr, int64_t *out)
{
	uint32_t w;
	int rc = mem_read(tid, addr, &w, sizeof w);
	if (rc == 0)
		*out = w;
	return rc;
}

static int decode_one(const struct src *s, unsigned i, struct call_arg *a)
{
	struct vec v = {0};
	int rc = fetch(s, i, &a->raw);
	if (rc < 0)
		return rc;
	switch (a->fmt) {
	case 'c':
		return read_string(s->tid, a->raw, CALL_MAX_STR, &a->str);
	case 'P': case 's':
		return read_string(s->tid, a->raw, CALL_MAX_PATH, &a->str);
	case 'v': case 'l':
		rc = a->fmt == 'v' ? read_vector(s->tid, a->raw, &v) : read_list(s, i, &v);
		if (rc < 0) {
			vec_free(&v);
			return rc;
		}
		if (!v.v)
			v.v = calloc(1, sizeof *v.v);
		a->vec = v.v;
		a->n = v.n;
		return a->vec ? 0 : -ENOMEM;
	case 'i': case 'f':
		a->num = (int32_t)a->raw;
		return 0;
	case 'T':
		return read_u32(s->tid, a->raw, &a->num);
	case 'K':
		return mem_read_word(s->tid, a->raw, (uint64_t *)&a->num);
	default:
		a->num = (int64_t)a->raw;
		return 0;
	}
}

static int decode_fmt(struct call *c, const struct src *s)
{
	/* a system call, or syscall(): the kernel's argument order */
	bool raw = s->layer == LAYER_SYSCALL || c->outer >= 0;
	const char *fmt = raw && funcs[c->func].sysfmt ? funcs[c->func].sysfmt : funcs[c->func].fmt;
	c->nargs = 0;
	for (unsigned i = 0; fmt[i] && i < CALL_MAX_ARGS; i++) {
		struct call_arg *a = &c->a[c->nargs++];
		memset(a, 0, sizeof *a);
		a->fmt = fmt[i];
		a->err = decode_one(s, i, a);
		if (a->err == -ENOMEM)
			return -ENOMEM;
		if (a->fmt == 'l')
			break;  /* the list takes every remaining argument */
	}
	return 0;
}

int args_decode(struct call *c, pid_t tid, const arch_regs *r)
{
	struct src s = {tid, r, c->layer, 0};
	int rc = decode_fmt(c, &s);
	if (rc < 0 || funcs[c->func].check != CK_SYSCALL || c->a[0].err)
		return rc;
	/* syscall(nr, ...) is judged as system call nr when that one is dangerous */
	int inner = funcs_by_sysnr((long)c->a[0].raw);
	if (inner < 0)
		return 0;
	call_release(c);
	c->outer = c->func;
	c->func = inner;
	s.shift = 1;
	return decode_fmt(c, &s);
}

/* --- the program of an exec-like call --------------------------------------- */

static char *fd_target(pid_t pid, int fd)
{
	char what[32], buf[PATH_MAX];
	snprintf(what, sizeof what, "fd/%d", fd);
	if (fd < 0 || procfs_readlink(pid, what, buf, sizeof buf) < 0)
		return NULL;
	return strdup(buf);
}

/* The program an exec through a descriptor runs (fexecve, execveat with
 * AT_EMPTY_PATH) is the descriptor's file: judged like the same file named by
 * path -- the job's interpreter is the interpreter, a fresh file is fresh --
 * by the identity of the file the descriptor holds, not of a name. */
static void fd_program(struct monitor *m, pid_t pid, int fd, struct program *p)
{
	char what[64];
	struct stat st;
	p->resolved = fd_target(pid, fd);
	snprintf(what, sizeof what, "/proc/%d/fd/%d", (int)pid, fd);
	if (!p->resolved || fd < 0 || stat(what, &st) < 0)
		return;
	for (size_t i = 0; i < m->n_interp; i++)  /* the job's interpreters (monitor.h) */
		p->interpreter |= m->interp[i].dev == st.st_dev && m->interp[i].ino == st.st_ino;
	identity_of_stat(m, what, &st, &p->fresh, &p->known_as);
}

/* execveat(dirfd, path, argv, envp, flags) */
static int at_program(struct monitor *m, struct call *c, struct program *p)
{
	int dirfd = (int)c->a[0].num;
	const char *path = c->a[1].str;
	if (!*path && (c->a[4].raw & AT_EMPTY_PATH)) {
		fd_program(m, c->pid, dirfd, p);
		return 0;
	}
	if (path[0] == '/' || dirfd == AT_FDCWD)
		return m->view.resolve(m, c->pid, path, false, p);
	char *dir = fd_target(c->pid, dirfd), *full;
	if (!dir)
		return -ENOENT;
	int n = asprintf(&full, "%s/%s", dir, path);
	free(dir);
	if (n < 0)
		return -ENOMEM;
	int rc = m->view.resolve(m, c->pid, full, false, p);
	free(full);
	return rc;
}

int args_program(struct monitor *m, struct call *c)
{
	const struct func *f = &funcs[c->func];
	struct program *p = &c->prog;
	int rc = 0;
	if (f->prog_arg < 0 || c->a[f->prog_arg].err || (f->argv_arg >= 0 && c->a[f->argv_arg].err))
		return 0;  /* decide_call denies on the read error */
	memset(p, 0, sizeof *p);
	if (f->argv_arg >= 0) {
		p->argv = c->a[f->argv_arg].vec;
		p->argc = c->a[f->argv_arg].n;
	}
	if (f->how == EX_FD) {
		char given[32];
		snprintf(given, sizeof given, "/dev/fd/%d", (int)c->a[f->prog_arg].num);
		p->given = strdup(given);
		fd_program(m, c->pid, (int)c->a[f->prog_arg].num, p);
	} else {
		p->given = strdup(c->a[f->prog_arg].str);
		rc = f->how == EX_AT ? at_program(m, c, p)
		                     : m->view.resolve(m, c->pid, p->given, f->how == EX_FILE, p);
	}
	if (!p->given)
		return -ENOMEM;
	c->has_prog = true;
	return rc == -ENOMEM ? rc : 0;
}

void call_release(struct call *c)
{
	for (size_t i = 0; i < c->nargs; i++) {
		free(c->a[i].str);
		for (size_t k = 0; c->a[i].vec && k < c->a[i].n; k++)
			free(c->a[i].vec[k]);
		free(c->a[i].vec);
		memset(&c->a[i], 0, sizeof c->a[i]);
	}
	c->nargs = 0;
	if (c->facts)
		facts_free(c->facts);
	free(c->facts);
	c->facts = NULL;
	free(c->bt);
	free(c->py);
	c->bt = NULL;
	c->py = NULL;
	c->n_bt = 0;
	if (c->has_prog) {
		free(c->prog.given);
		free(c->prog.resolved);
		free(c->prog.image);
		memset(&c->prog, 0, sizeof c->prog);
		c->has_prog = false;
	}
}
