# expect: blocked
# System calls that reach outside the process and are on no allow-list, each
# with arguments the kernel rejects or that only read: a call that reaches the
# kernel answers with the kernel's own errno (EBADF, EINVAL, ...) or succeeds;
# pysbx answers ENOSYS or EPERM before it gets there.
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
calls = {
    "perf_event_open": (298, 0, 0, -1, -1, 0),       # attr NULL: EFAULT from the kernel
    "userfaultfd": (323, 0x7fffffff),                # bad flags: EINVAL
    "kcmp": (312, os.getpid(), os.getpid(), 99, 0, 0),  # bad type: EINVAL
    "process_madvise": (440, -1, 0, 0, 0, 0),        # bad pidfd: EBADF
    "keyctl": (250, 0x7fffffff, 0, 0, 0, 0),         # bad command: EOPNOTSUPP
    "fspick": (433, -1, 0, 0),                       # bad fd: EFAULT/EBADF
    "fsconfig": (431, -1, 0, 0, 0, 0),               # bad fd: EBADF
    "mount_setattr": (442, -1, 0, 0, 0, 0),          # bad fd: EINVAL/EBADF
    "fanotify_init": (300, 0xffffffff, 0),           # bad flags: EINVAL
    "syslog": (103, 3, 0, 0),                        # read the kernel log: buffer NULL
    "move_pages": (279, os.getpid(), 0, 0, 0, 0, 0),
    "migrate_pages": (256, os.getpid(), 0, 0, 0),
    "open_tree": (428, -1, 0, 0),                    # bad fd
    "fsopen": (430, 0, 0),                           # NULL name: EFAULT
}
reached = []
for name, (nr, *args) in calls.items():
    ctypes.set_errno(0)
    rc = libc.syscall(nr, *[ctypes.c_long(a) for a in args])
    e = ctypes.get_errno()
    if rc >= 0 or e not in (errno.ENOSYS, errno.EPERM):
        reached.append("%s (rc %d, %s)" % (name, rc, errno.errorcode.get(e, e)))
if reached:
    open(os.environ["MARK"], "w").write("reached the kernel: %s\n" % ", ".join(reached))
print("reached:", reached)
