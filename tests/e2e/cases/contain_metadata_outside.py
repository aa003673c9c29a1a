# expect: blocked
# A file's mode, owner, attributes and times change only inside the job's
# write set: Landlock does not cover them, and a job owns files outside it
# (root every system file; a user its home).  For each such file the job
# owns, it sets the mode, owner, times and inode flags to what they are and removes an
# extended attribute that is not there (ENODATA when the call reached the
# file): harmless either way.  A call that reaches the file leaves the marker.
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
reached = []
def owned(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st if st.st_uid == os.geteuid() else None
def attempt(what, path, fn, ok_errnos=()):
    try:
        fn()
        reached.append((what, path))
    except OSError as e:
        if e.errno in ok_errnos:
            reached.append((what, path))
        else:
            print("refused:", what, path, e.strerror)
targets = [os.path.expanduser("~"), "/etc/hostname", os.path.realpath(sys.executable),
           os.path.dirname(os.__file__)]
for p in targets:
    st = owned(p)
    if st is None:
        continue
    attempt("chmod", p, lambda: os.chmod(p, st.st_mode & 0o7777))
    attempt("chown", p, lambda: os.chown(p, st.st_uid, st.st_gid))
    attempt("utime", p, lambda: os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns)))
    attempt("removexattr", p, lambda: os.removexattr(p, "user.pysbx-e2e-absent"),
            (errno.ENODATA, errno.ENOTSUP))
    # native code: the raw system calls, past every libc wrapper
    def raw(nr, *args):
        def call():
            if libc.syscall(nr, *args) != 0:
                e = ctypes.get_errno()
                raise OSError(e, os.strerror(e))
        return call
    mode = ctypes.c_uint(st.st_mode & 0o7777)
    attempt("raw chmod", p, raw(90, p.encode(), mode))
    attempt("raw fchmodat2", p, raw(452, ctypes.c_int(-100), p.encode(), mode, 0),
            (errno.ENOSYS,) if False else ())
    fd = os.open(p, os.O_RDONLY)
    attempt("fchmod", p, lambda: os.fchmod(fd, st.st_mode & 0o7777))
    # inode flags (chattr) by ioctl: set to what they are (ENOTTY/EOPNOTSUPP:
    # a file system without them, so nothing to reach)
    import fcntl, struct
    try:
        flags = fcntl.ioctl(fd, 0x80086601, bytes(8))       # FS_IOC_GETFLAGS
        attempt("FS_IOC_SETFLAGS", p, lambda: fcntl.ioctl(fd, 0x40086602, flags))
    except OSError as e:
        print("no inode flags:", p, e.strerror)
    # the rest of the file systems' ioctl families: ext4's
    # EXT4_IOC_ALLOC_DA_BLKS needs only ownership and a read-only descriptor
    # (and only writes out what is pending: harmless); ENOTTY where not ext4
    attempt("EXT4_IOC_ALLOC_DA_BLKS", p, lambda: fcntl.ioctl(fd, 0x660c), ())
    os.close(fd)
if reached:
    open(os.environ["MARK"], "w").write("changed outside the job: %s\n" % reached)
