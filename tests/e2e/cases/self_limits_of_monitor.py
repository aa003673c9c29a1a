# expect: ok
# The job cannot change pysbx-trace's resource limits or scheduling, which a
# process of the same user may do without any capability (a lowered
# RLIMIT_NOFILE or RLIMIT_CPU, a nice of 19, SCHED_IDLE...).  Every attempt
# names pysbx-trace (the parent of the launched process) and sets what is
# already set, or what the kernel rejects: harmless if the monitor fails.
# Its own limits and scheduling, and its child's, remain the job's to change.
import ctypes, errno, os, resource, sys

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
SYS_ioprio_set, SYS_ioprio_get, SYS_sched_setattr = 251, 252, 314
IOPRIO_WHO_PROCESS, IOPRIO_WHO_USER = 1, 3
mon = os.getppid()
fails = []


def refused(what, fn):
    try:
        fn()
    except PermissionError:
        return
    except OSError as e:
        fails.append("%s: %s" % (what, e))
        return
    fails.append("%s: reached pysbx-trace" % what)


def raw_refused(what, nr, *args):
    ctypes.set_errno(0)
    rc = libc.syscall(nr, *args)
    if rc != -1 or ctypes.get_errno() != errno.EPERM:
        fails.append("%s: rc %d errno %d" % (what, rc, ctypes.get_errno()))


nofile = resource.prlimit(mon, resource.RLIMIT_NOFILE)
refused("prlimit", lambda: resource.prlimit(mon, resource.RLIMIT_NOFILE, nofile))
nice = os.getpriority(os.PRIO_PROCESS, mon)
refused("setpriority", lambda: os.setpriority(os.PRIO_PROCESS, mon, nice))
# a whole user (pysbx-trace's too when it is the job's): a user id with no
# process, so that nothing changes without the monitor either
nobody = 2147483632
refused("setpriority user", lambda: os.setpriority(os.PRIO_USER, nobody, 0))
refused("sched_setaffinity", lambda: os.sched_setaffinity(mon, os.sched_getaffinity(mon)))
refused("sched_setparam", lambda: os.sched_setparam(mon, os.sched_getparam(mon)))
refused("sched_setscheduler",
        lambda: os.sched_setscheduler(mon, os.sched_getscheduler(mon), os.sched_getparam(mon)))
io = libc.syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, mon)
raw_refused("ioprio_set", SYS_ioprio_set, IOPRIO_WHO_PROCESS, mon, io)
raw_refused("ioprio_set user", SYS_ioprio_set, IOPRIO_WHO_USER, nobody, io)
attr = ctypes.create_string_buffer(64)  # size 1: the kernel would say E2BIG
attr[0] = 1
raw_refused("sched_setattr", SYS_sched_setattr, mon, attr, 0)

# its own (by 0 and by its id) and its child's: allowed
me = os.getpid()
resource.prlimit(0, resource.RLIMIT_NOFILE, resource.prlimit(0, resource.RLIMIT_NOFILE))
resource.prlimit(me, resource.RLIMIT_NOFILE, resource.prlimit(me, resource.RLIMIT_NOFILE))
os.setpriority(os.PRIO_PROCESS, me, os.getpriority(os.PRIO_PROCESS, me))
os.sched_setaffinity(me, os.sched_getaffinity(me))
r, w = os.pipe()
child = os.fork()
if child == 0:
    os.read(r, 1)
    os._exit(0)
os.setpriority(os.PRIO_PROCESS, child, 5)
os.sched_setaffinity(child, os.sched_getaffinity(me))
resource.prlimit(child, resource.RLIMIT_CORE, (0, 0))
ok_child = os.getpriority(os.PRIO_PROCESS, child) == 5
os.write(w, b"x")
os.waitpid(child, 0)
if not ok_child:
    fails.append("the child's nice was not set")
print(fails or "OK")
