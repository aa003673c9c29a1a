/* argpin: memory arguments pinned in the stage (see argpin.h). */
#include "monitor/argpin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "inject/mem.h"
#include "monitor/funcs.h"
#include "monitor/world.h"

#define SLOT_NAME 64u  /* a socket address's place in a slot, after the header */

/* The user's struct msghdr, as the kernel reads it (x86-64). */
struct umsghdr {
	uint64_t name;
	int32_t namelen;
	uint32_t pad0;
	uint64_t iov, iovlen, control, controllen;
	int32_t flags;
	uint32_t pad1;
};
_Static_assert(sizeof(struct umsghdr) == 56, "struct msghdr is 56 bytes on x86-64");
#define MMSG_LEN_OFF 56u  /* struct mmsghdr: the header, then msg_len */

/* A destination as read from the job, and as it will be pinned. */
struct dest {
	struct sockaddr_storage a;
	uint32_t len;
	char *path;  /* a named unix socket: the path pinned, else NULL */
};

/* The thread's slot in its address space's stage, taken on first use. */
static uint64_t slot_of(struct thread *th)
{
	struct aspace *as = th->proc ? th->proc->as : NULL;
	if (!as || !as->stage)
		return 0;
	if (!th->stage_slot1)
		for (unsigned i = 0; i < ASPACE_STAGE_SLOTS; i++)
			if (!(as->stage_used[i / 32] & (1u << (i % 32)))) {
				as->stage_used[i / 32] |= 1u << (i % 32);
				th->stage_slot1 = (uint16_t)(i + 1);
				break;
			}
	return th->stage_slot1 ? as->stage + (uint64_t)(th->stage_slot1 - 1) * ARGPIN_SLOT : 0;
}

/* Why a thread has no slot: all are taken (its process has more threads in
 * such calls than the stage has slots), or its process has no stage. */
static int no_slot(const struct thread *th)
{
	return th->proc && th->proc->as && th->proc->as->stage ? -EAGAIN : -EPERM;
}

void argpin_release(struct thread *th)
{
	struct aspace *as = th->proc ? th->proc->as : NULL;
	unsigned i = th->stage_slot1 ? th->stage_slot1 - 1u : 0;
	if (as && th->stage_slot1)
		as->stage_used[i / 32] &= ~(1u << (i % 32));
	if (as && th->pin_mapping && as->stage_mappers)
		as->stage_mappers--;
	th->stage_slot1 = 0;
	th->pin_active = th->pin_mapping = false;
}

int argpin_stage(struct thread *th, arch_regs *r, uint64_t base)
{
	struct aspace *as = th->proc ? th->proc->as : NULL;
	if (!as || as->stage || as->stage_failed)
		return 0;
	th->pin_saved = *r;
	th->pin_mmsg_len = 0;
	th->pin_mapping = true;
	as->stage_mappers++;
	/* not MAP_FIXED: the rules stop that; NOREPLACE fails where something is
	 * mapped already (the job's own, or another thread's stage) */
	const uint64_t a[6] = {base, ARGPIN_SIZE, PROT_READ,
	                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, (uint64_t)-1, 0};
	arch_set_syscall_nr(r, SYS_mmap);
	for (unsigned i = 0; i < 6; i++)
		arch_set_syscall_arg(r, i, a[i]);
	return 1;
}

/* The stage's mmap is done: the stage is there, another thread's mapping is
 * still to be seen (it runs again and finds out), or the process cannot
 * have one.  Then the call is made again. */
static void staged(struct thread *th, const arch_regs *now)
{
	struct aspace *as = th->proc ? th->proc->as : NULL;
	int64_t ret = (int64_t)arch_retval(now);
	uint64_t at = arch_syscall_arg(now, 0);
	th->pin_mapping = false;
	if (!as)
		return;
	if (as->stage_mappers)
		as->stage_mappers--;
	if ((uint64_t)ret == at)
		as->stage = at;
	else if (!as->stage && !(ret == -EEXIST && as->stage_mappers))
		as->stage_failed = true;  /* taken by something else, or refused */
}

/* A named unix path becomes its absolute, symlink-free form (resolved as the
 * caller would: its cwd, its /proc/self) when that fits in sun_path; a path
 * that does not resolve stays as given, and the check answers for it. */
static int name_unix(pid_t tid, struct dest *d)
{
	struct sockaddr_un *u = (struct sockaddr_un *)&d->a;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (d->len <= off || u->sun_family != AF_UNIX || u->sun_path[0] == 0)
		return 0;  /* unnamed, abstract (Landlock's scope), or another family */
	if (d->len > sizeof *u)
		return 0;  /* longer than a unix address: the kernel refuses it (EINVAL) */
	char given[sizeof u->sun_path + 1];
	size_t n = strnlen(u->sun_path, d->len - off);
	memcpy(given, u->sun_path, n);
	given[n] = 0;
	char *real = world_realpath(tid, given);
	if (real && strlen(real) < sizeof u->sun_path) {
		memset(u->sun_path, 0, sizeof u->sun_path);
		memcpy(u->sun_path, real, strlen(real));
		d->len = (uint32_t)(off + strlen(real) + 1);
		d->path = real;
		return 0;
	}
	free(real);
	d->path = strdup(given);
	return d->path ? 0 : -ENOMEM;
}

/* len bytes at addr, as the kernel's move_addr_to_kernel takes them. */
static int read_dest(pid_t tid, uint64_t addr, int64_t len, struct dest *d)
{
	memset(d, 0, sizeof *d);
	if (len < 0 || len > (int64_t)sizeof d->a)
		return -EINVAL;
	d->len = (uint32_t)len;
	if (len && mem_read(tid, addr, &d->a, (size_t)len) < 0)
		return -EFAULT;
	return name_unix(tid, d);
}

/* A message header's destination, as the kernel's copy_msghdr_from_user
 * takes it (no name: length 0; longer than an address: cut to one). */
static int read_msg(pid_t tid, uint64_t at, struct umsghdr *h, struct dest *d)
{
	memset(d, 0, sizeof *d);
	if (mem_read(tid, at, h, sizeof *h) < 0)
		return -EFAULT;
	if (!h->name)
		h->namelen = 0;
	if (h->namelen < 0)
		return -EINVAL;
	if (h->namelen > (int32_t)sizeof d->a)
		h->namelen = sizeof d->a;
	return h->namelen ? read_dest(tid, h->name, h->namelen, d) : 0;
}

/* Which argument holds what, by call. */
enum shape { SH_CONNECT, SH_SENDTO, SH_SENDMSG, SH_SENDMMSG, SH_NONE };

static enum shape shape_of(int fid)
{
	const char *n = funcs[fid].name;
	return !strcmp(n, "connect") ? SH_CONNECT : !strcmp(n, "sendto") ? SH_SENDTO
	     : !strcmp(n, "sendmsg") ? SH_SENDMSG : !strcmp(n, "sendmmsg") ? SH_SENDMMSG : SH_NONE;
}

/* Writes the slot (header at +0 when there is one, the address at +64) and
 * points r's arguments at it. */
static int stage(struct thread *th, uint64_t slot, arch_regs *r, enum shape sh,
                 struct umsghdr *h, const struct dest *d)
{
	int memfd = aspace_memfd(th->proc->as, th->tid);
	if (memfd < 0)
		return memfd;
	if (d->len && mem_write(memfd, slot + SLOT_NAME, &d->a, d->len) < 0)
		return -EIO;
	if (sh == SH_CONNECT || sh == SH_SENDTO) {
		unsigned at = sh == SH_CONNECT ? 1 : 4;
		arch_set_syscall_arg(r, at, slot + SLOT_NAME);
		arch_set_syscall_arg(r, at + 1, d->len);
		return 0;
	}
	if (h->namelen) {
		h->name = slot + SLOT_NAME;
		h->namelen = (int32_t)d->len;
	}
	if (mem_write(memfd, slot, h, sizeof *h) < 0)
		return -EIO;
	if (sh == SH_SENDMMSG) {  /* sendmsg(fd, first header, flags) */
		arch_set_syscall_arg(r, 2, arch_syscall_arg(r, 3));
		arch_set_syscall_nr(r, SYS_sendmsg);
	}
	arch_set_syscall_arg(r, 1, slot);
	return 0;
}

static int give_dests(struct dest *d, char ***dests, size_t *n)
{
	*n = 0;
	*dests = calloc(2, sizeof **dests);
	if (!*dests) {
		free(d->path);
		return -ENOMEM;
	}
	if (d->path)
		(*dests)[(*n)++] = d->path;
	d->path = NULL;
	return 0;
}

int argpin_socket(struct thread *th, arch_regs *r, int fid, bool pin, char ***dests, size_t *n)
{
	enum shape sh = shape_of(fid);
	struct umsghdr h;
	struct dest d;
	int rc;
	*dests = NULL;
	*n = 0;
	memset(&h, 0, sizeof h);
	memset(&d, 0, sizeof d);
	if (sh == SH_NONE || (sh == SH_SENDTO && !arch_syscall_arg(r, 4)) ||
	    (sh == SH_SENDMMSG && (uint32_t)arch_syscall_arg(r, 2) == 0))
		return 0;  /* no destination the kernel will read */
	uint64_t slot = pin ? slot_of(th) : 0;
	if (pin && !slot)
		return no_slot(th);
	if (sh == SH_CONNECT || sh == SH_SENDTO) {
		unsigned at = sh == SH_CONNECT ? 1 : 4;
		rc = read_dest(th->tid, arch_syscall_arg(r, at), (int32_t)arch_syscall_arg(r, at + 1), &d);
	} else
		rc = read_msg(th->tid, arch_syscall_arg(r, 1), &h, &d);
	th->pin_saved = *r;
	th->pin_mmsg_len = sh == SH_SENDMMSG ? arch_syscall_arg(r, 1) + MMSG_LEN_OFF : 0;
	if (rc == 0 && pin)
		rc = stage(th, slot, r, sh, &h, &d);
	if (rc == 0)
		rc = give_dests(&d, dests, n);
	else
		free(d.path);
	return rc < 0 ? rc : pin;
}

int argpin_path(struct thread *th, arch_regs *r, unsigned i, bool pin, char **path)
{
	static char buf[ARGPIN_SLOT];
	uint64_t at = arch_syscall_arg(r, i);
	*path = NULL;
	if (!at)
		return 0;  /* no path: the descriptor is the file, or the kernel's EFAULT */
	ssize_t n = mem_read_str(th->tid, at, buf, sizeof buf);
	if (n < 0)
		return n == -ENAMETOOLONG ? -ENAMETOOLONG : -EFAULT;
	*path = strdup(buf);
	if (!*path)
		return -ENOMEM;
	if (!pin)
		return 0;
	uint64_t slot = slot_of(th);
	int memfd = slot ? aspace_memfd(th->proc->as, th->tid) : no_slot(th);
	int rc = memfd < 0 ? memfd : mem_write(memfd, slot, buf, (size_t)n + 1) < 0 ? -EIO : 0;
	if (rc < 0) {
		free(*path);
		*path = NULL;
		return rc;
	}
	th->pin_saved = *r;
	th->pin_mmsg_len = 0;
	arch_set_syscall_arg(r, i, slot);
	return 1;
}

int argpin_value(struct thread *th, arch_regs *r, unsigned i, size_t size, bool pin,
                 uint64_t *at)
{
	unsigned char buf[64];
	*at = arch_syscall_arg(r, i);
	if (size > sizeof buf || size > ARGPIN_SLOT)
		return -EINVAL;
	if (!pin)
		return 0;  /* audit: the decision reads the job's memory */
	if (mem_read(th->tid, *at, buf, size) < 0)
		return -EFAULT;
	uint64_t slot = slot_of(th);
	int memfd = slot ? aspace_memfd(th->proc->as, th->tid) : no_slot(th);
	int rc = memfd < 0 ? memfd : mem_write(memfd, slot, buf, size) < 0 ? -EIO : 0;
	if (rc < 0)
		return rc;
	th->pin_saved = *r;
	th->pin_mmsg_len = 0;
	arch_set_syscall_arg(r, i, slot);
	*at = slot;
	return 1;
}

/* The syscall-exit stop of a pinned call; a call the kernel will restart
 * (interrupted by a signal) gets the job's registers whole, so it runs again
 * as the job made it and stops again. */
void argpin_exit(struct thread *th)
{
	arch_regs now, out = th->pin_saved;
	th->pin_active = false;
	if (arch_get_regs(th->tid, &now) < 0)
		return;  /* gone */
	if (th->pin_mapping) {
		staged(th, &now);
		arch_restart_syscall(&out);
		(void)arch_set_regs(th->tid, &out);
		return;
	}
	int64_t ret = (int64_t)arch_retval(&now);
	if (th->pin_mmsg_len && ret >= 0) {
		uint32_t sent = (uint32_t)ret;
		int memfd = th->proc ? aspace_memfd(th->proc->as, th->tid) : -1;
		if (memfd >= 0)
			(void)mem_write(memfd, th->pin_mmsg_len, &sent, sizeof sent);
		ret = 1;  /* one message sent */
	}
	th->pin_mmsg_len = 0;
	arch_set_retval(&out, (uint64_t)ret);
	(void)arch_set_regs(th->tid, &out);
}
