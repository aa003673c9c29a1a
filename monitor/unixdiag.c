/* unixdiag: which unix sockets are bound to a socket file (see unixdiag.h). */
#include "monitor/unixdiag.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define RECV_BUF (64u * 1024u)

/* sock_diag reports the kernel's own dev_t (major << 20 | minor), not the
 * encoding stat(2) hands out. */
static dev_t user_dev(uint32_t kdev)
{
	return makedev(kdev >> 20, kdev & 0xfffff);
}

static int ask(int fd)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg;
	memset(&msg, 0, sizeof msg);
	msg.nlh.nlmsg_len = sizeof msg;
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nlh.nlmsg_seq = 1;
	msg.req.sdiag_family = AF_UNIX;
	msg.req.udiag_states = ~0u;
	msg.req.udiag_show = UDIAG_SHOW_VFS;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	ssize_t n = sendto(fd, &msg, sizeof msg, 0, (struct sockaddr *)&kernel, sizeof kernel);
	return n == (ssize_t)sizeof msg ? 0 : -(errno ? errno : EIO);
}

/* The bound file of one socket's record, if it has one. */
static bool vfs_of(const struct nlmsghdr *h, struct unix_diag_vfs *out)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof *m))
		return false;
	int left = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *m));
	const struct rtattr *a = (const struct rtattr *)(m + 1);
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left))
		if (a->rta_type == UNIX_DIAG_VFS && RTA_PAYLOAD(a) >= sizeof *out) {
			memcpy(out, RTA_DATA(a), sizeof *out);
			return true;
		}
	return false;
}

/* One buffer of records: 1 when the dump is over, 0 for more, -errno. */
static int take(const char *buf, ssize_t len, dev_t dev, ino_t ino, uint64_t *inos,
                size_t cap, long *found)
{
	int left = (int)len;
	for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; NLMSG_OK(h, left);
	     h = NLMSG_NEXT(h, left)) {
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);
			return h->nlmsg_len >= NLMSG_LENGTH(sizeof *e) && e->error ? e->error : -EIO;
		}
		struct unix_diag_vfs v;
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || !vfs_of(h, &v))
			continue;
		if (v.udiag_vfs_ino != ino || user_dev(v.udiag_vfs_dev) != dev)
			continue;
		const struct unix_diag_msg *m = NLMSG_DATA(h);
		if ((size_t)*found < cap)
			inos[*found] = m->udiag_ino;
		(*found)++;
	}
	return 0;
}

long unixdiag_bound(dev_t dev, ino_t ino, uint64_t *inos, size_t cap)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	char *buf = malloc(RECV_BUF);
	long found = 0;
	int rc = buf ? ask(fd) : -ENOMEM;
	while (rc == 0) {
		ssize_t n = recv(fd, buf, RECV_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			break;
		}
		rc = take(buf, n, dev, ino, inos, cap, &found);
	}
	free(buf);
	close(fd);
	return rc < 0 ? rc : found;
}

uint64_t unixdiag_link_inode(const char *link)
{
	static const char pre[] = "socket:[";
	if (strncmp(link, pre, sizeof pre - 1))
		return 0;
	char *end;
	unsigned long long v = strtoull(link + sizeof pre - 1, &end, 10);
	return *end == ']' && end[1] == 0 ? v : 0;
}
