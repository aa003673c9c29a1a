/* initstack: arguments and environment from a new image's stack (see initstack.h). */
#include "monitor/initstack.h"

#include "inject/mem.h"

#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#define PAGE 4096u

/* The word at index i, if read. */
static int word_at(const struct initstack *s, size_t i, uint64_t *w)
{
	if (i >= s->len / 8)
		return -E2BIG;
	memcpy(w, s->buf + i * 8, 8);
	return 0;
}

/* The NUL-terminated string at address addr; its length in *n. */
static const char *string_at(const struct initstack *s, uint64_t addr, size_t *n)
{
	if (addr < s->sp || addr - s->sp >= s->len)
		return NULL;
	const char *p = s->buf + (addr - s->sp);
	const char *nul = memchr(p, 0, s->len - (size_t)(addr - s->sp));
	if (!nul)
		return NULL;
	*n = (size_t)(nul - p);
	return p;
}

/* A NULL-terminated vector of string pointers from word index *i on: its
 * strings must follow one another (one run, as the kernel copies them).  The
 * run goes to *run / *run_len / *addr; *i ends past the NULL. */
static int vector_at(const struct initstack *s, size_t *i, const char **run, size_t *run_len,
                     uint64_t *addr)
{
	uint64_t w, next = 0;
	*run = "";
	*run_len = 0;
	*addr = 0;
	for (;; (*i)++) {
		int rc = word_at(s, *i, &w);
		if (rc < 0)
			return rc;
		if (!w)
			break;
		size_t n;
		const char *str = string_at(s, w, &n);
		if (!str)
			return -E2BIG;
		if (!*addr) {
			*addr = w;
			*run = str;
		} else if (w != next)
			return -EINVAL;  /* not one run: not what the kernel laid out */
		next = w + n + 1;
		*run_len = (size_t)(next - *addr);
	}
	(*i)++;
	return 0;
}

int initstack_parse(struct initstack *s)
{
	uint64_t argc, type, val;
	size_t i = 1, n;
	int rc = word_at(s, 0, &argc);
	if (rc < 0)
		return rc;
	if (argc > s->len / 8)
		return -E2BIG;
	if ((rc = vector_at(s, &i, &s->args, &s->args_len, &val)) < 0)
		return rc;
	if (i != argc + 2)
		return -EINVAL;  /* argc does not count the vector */
	if ((rc = vector_at(s, &i, &s->env, &s->env_len, &s->env_addr)) < 0)
		return rc;
	s->execfn = NULL;
	for (;; i += 2) {
		if ((rc = word_at(s, i, &type)) < 0 || (rc = word_at(s, i + 1, &val)) < 0)
			return rc;
		if (type == AT_NULL)
			return 0;
		if (type == AT_EXECFN && !(s->execfn = string_at(s, val, &n)))
			return -E2BIG;
	}
}

/* Reads [sp, sp + want) up to the end of the stack mapping; returns the bytes
 * read or a negative errno. */
static ssize_t read_from(pid_t pid, uint64_t sp, char *buf, size_t want)
{
	return mem_read_upto(pid, sp, buf, want);
}

int initstack_read(pid_t pid, uint64_t sp, char *buf, struct initstack *s)
{
	/* most stacks hold everything within a page or two of sp: read those
	 * first, the whole window only when something lies beyond */
	size_t first = PAGE - (size_t)(sp % PAGE) + PAGE;
	for (size_t want = first;; want = INITSTACK_WINDOW) {
		ssize_t got = read_from(pid, sp, buf, want);
		if (got <= 0)
			return got < 0 ? (int)got : -EIO;
		*s = (struct initstack){.buf = buf, .len = (size_t)got, .sp = sp};
		int rc = initstack_parse(s);
		if (rc != -E2BIG || (size_t)got < want || want == INITSTACK_WINDOW)
			return rc;
	}
}
