/* codepage: mapping and layout of the job's code page (see codepage.h). */
#include "inject/codepage.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "inject/arch.h"
#include "inject/mem.h"

static int fill(int memfd, uint64_t base)
{
	const struct arch_stub *s = arch_stub();
	unsigned char *img = malloc(CODEPAGE_SIZE);
	if (!img)
		return -ENOMEM;
	memset(img, ARCH_TRAP_BYTE, CODEPAGE_SIZE);
	memcpy(img, s->code, s->len);
	memset(img + CODEPAGE_CACHE0, 0, CODEPAGE_CACHE_N * CODEPAGE_CACHE_LEN);  /* "": no path */
	int rc = mem_write(memfd, base, img, CODEPAGE_SIZE);
	free(img);
	return rc;
}

int codepage_create(pid_t tid, pid_t tgid, int memfd, uint64_t hint, struct codepage *cp,
                    struct remote_result *res)
{
	uint64_t args[6] = {hint, CODEPAGE_SIZE, PROT_READ | PROT_EXEC,
	                    MAP_PRIVATE | MAP_ANONYMOUS | (hint ? MAP_FIXED_NOREPLACE : 0),
	                    (uint64_t)-1, 0};
	int rc = remote_syscall_at_pc(tid, tgid, memfd, arch_nr_mmap, args, res);
	if (rc == 0 && !res->died && hint && res->ret < 0 && res->ret > -4096) {
		args[0] = 0;  /* taken: anywhere will do, unprotected by the filter */
		args[3] = MAP_PRIVATE | MAP_ANONYMOUS;
		rc = remote_syscall_at_pc(tid, tgid, memfd, arch_nr_mmap, args, res);
	}
	if (rc < 0 || res->died)
		return rc;
	if (res->ret < 0 && res->ret > -4096)
		return (int)res->ret;
	cp->base = (uint64_t)res->ret;
	cp->n_used = 0;
	cp->n_fast = 0;
	cp->n_cached = 0;
	return fill(memfd, cp->base);
}

int codepage_set_errno_fn(int memfd, const struct codepage *cp, uint64_t fn)
{
	return mem_write_word(memfd, cp->base + arch_stub()->off_errno_fn, fn);
}

uint64_t codepage_gadget(const struct codepage *cp)
{
	return cp->base + arch_stub()->off_gadget;
}

uint64_t codepage_deny(const struct codepage *cp)
{
	return cp->base + arch_stub()->off_deny;
}

uint64_t codepage_ret_trap(const struct codepage *cp)
{
	return cp->base + arch_stub()->off_ret_trap;
}

uint64_t codepage_add_fast(int memfd, struct codepage *cp, uint32_t trap, uint64_t target)
{
	unsigned char code[CODEPAGE_FAST_LEN];
	if (CODEPAGE_FAST0 + (cp->n_fast + 1) * CODEPAGE_FAST_LEN > CODEPAGE_SIZE)
		return 0;
	uint64_t at = cp->base + CODEPAGE_FAST0 + cp->n_fast * CODEPAGE_FAST_LEN;
	size_t len = arch_fast_entry(at, codepage_trap_addr(cp, trap), target,
	                             cp->base + arch_stub()->off_exec_fast, code);
	if (mem_write(memfd, at, code, len) < 0)
		return 0;
	cp->n_fast++;
	return at;
}

/* A thread of the job may be comparing against the entry meanwhile.  An
 * entry is written once: its first byte (0 until then: it matches no path)
 * last, and x86 stores are seen in order, so a reader sees the whole path
 * or none of it. */
int codepage_cache_exec(int memfd, struct codepage *cp, const char *path)
{
	size_t len = strlen(path);
	if (!len || len >= CODEPAGE_CACHE_LEN)
		return -ENAMETOOLONG;
	if (cp->n_cached >= CODEPAGE_CACHE_N)
		return -ENOSPC;
	uint64_t at = cp->base + CODEPAGE_CACHE0 + (uint64_t)cp->n_cached * CODEPAGE_CACHE_LEN;
	int rc = mem_write(memfd, at + 1, path + 1, len);  /* the rest and its NUL */
	if (rc == 0)
		rc = mem_write(memfd, at, path, 1);
	if (rc == 0)
		cp->n_cached++;
	return rc;
}

long codepage_alloc_trap(struct codepage *cp)
{
	if (CODEPAGE_STUBS0 + cp->n_used >= CODEPAGE_CACHE0)
		return -ENOSPC;
	return cp->n_used++;
}

uint64_t codepage_trap_addr(const struct codepage *cp, uint32_t index)
{
	return cp->base + CODEPAGE_STUBS0 + index;
}

long codepage_trap_index(const struct codepage *cp, uint64_t pc)
{
	if (!cp->base)
		return -1;
	uint64_t at = pc - ARCH_TRAP_LEN;
	if (at < cp->base + CODEPAGE_STUBS0 || at >= cp->base + CODEPAGE_STUBS0 + cp->n_used)
		return -1;
	return (long)(at - cp->base - CODEPAGE_STUBS0);
}
