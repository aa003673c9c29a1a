/* unixdiag: which unix sockets are bound to a socket file, asked of the kernel.
 *
 * A named unix socket is reached through its file, but the file says nothing
 * about who listens on it: the job's own multiprocessing manager and an
 * outside tmux server or docker daemon look alike, and both may sit in
 * directories the job may write.  The kernel knows: sock_diag (NETLINK_SOCK_DIAG,
 * the interface of `ss -x`) lists every unix socket of the network namespace
 * with the file it is bound to (UDIAG_SHOW_VFS: device and inode).  Accepted
 * connections carry their listener's file too, so the list may hold the
 * server's accepted sockets besides the listener; whoever holds any of them
 * is whoever answers on that file.
 *
 * Needs no privilege (any user may ask, as `ss -x` does).
 */
#ifndef PYSBX_UNIXDIAG_H
#define PYSBX_UNIXDIAG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Fills inos with the inode numbers (as in "socket:[N]") of the unix sockets
 * bound to the file (dev, ino), as stat(2) gives them.  Returns how many were
 * found (at most cap are stored), or a negative errno. */
long unixdiag_bound(dev_t dev, ino_t ino, uint64_t *inos, size_t cap);

/* The socket inode of "socket:[N]" (a /proc/<pid>/fd link), or 0. */
uint64_t unixdiag_link_inode(const char *link);

#endif
