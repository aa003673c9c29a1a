# expect: blocked
# The stage where call arguments are pinned (a read-only mapping just below
# the code page, made at a process's first pinned call) stays as pysbx made it:
# the job cannot make it writable, unmap it, zero it, map over it or write it
# through /proc/self/mem; a forked child and an exec'd program have it too.
# Each change that succeeds leaves the marker (harmless: nothing is sent).
import ctypes, mmap, os, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
for f in (libc.mprotect, libc.munmap, libc.madvise):
    f.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int][:3 if f is not libc.munmap else 2]
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                      ctypes.c_long]
libc.mmap.restype = ctypes.c_void_p
MARK = os.environ["MARK"]

def first_pinned_call():
    """A connect to a socket that is not there: its address is pinned."""
    import socket
    try:
        socket.socket(socket.AF_UNIX).connect("/nonexistent/pysbx-stage-test")
    except OSError:
        pass

def stage(maps):
    """The read-only anonymous mapping low in the address space, below 4 MiB
    (where the code page is), or right below the code page."""
    rows = [l.split() for l in maps.splitlines()]
    spans = [(int(r[0].split("-")[0], 16), int(r[0].split("-")[1], 16), r[1], len(r)) for r in rows]
    for lo, hi, perm, cols in spans:
        if perm == "r--p" and cols == 5 and (hi <= 0x400000 or any(
                p == "r-xp" and l == hi for l, _, p, _ in spans)):
            return lo, hi
    return None

def attempts(lo, hi):
    reached = []
    if libc.mprotect(lo, 4096, mmap.PROT_READ | mmap.PROT_WRITE) == 0:
        reached.append("mprotect")
    if libc.madvise(lo, 4096, 4) == 0:  # MADV_DONTNEED
        reached.append("madvise")
    r = libc.mmap(lo, 4096, mmap.PROT_READ | mmap.PROT_WRITE, 0x32, -1, 0)  # PRIVATE|ANON|FIXED
    if r == lo:
        reached.append("mmap fixed")
    try:
        with open("/proc/self/mem", "r+b", buffering=0) as m:
            m.seek(lo); m.write(b"\0")
            reached.append("/proc/self/mem")
    except OSError:
        pass
    if libc.munmap(lo, hi - lo) == 0:
        reached.append("munmap")
    return reached

if len(sys.argv) > 1:  # an exec'd copy: it gets a stage of its own
    first_pinned_call()
    s = stage(open("/proc/self/maps").read())
    print("exec'd: stage", "seen" if s else "missing")
    got = attempts(*s) if s else ["no stage"]
    if got:
        open(MARK, "a").write("exec'd: %s\n" % got)
    sys.exit(0)
first_pinned_call()
s = stage(open("/proc/self/maps").read())
print("stage", "seen" if s else "missing")
if not s:
    open(MARK, "a").write("no stage: socket destinations are not pinned\n")
else:
    pid = os.fork()
    if pid == 0:
        got = attempts(*s)
        if got:
            open(MARK, "a").write("child: %s\n" % got)
        os._exit(0)
    os.waitpid(pid, 0)
    got = attempts(*s)
    if got:
        open(MARK, "a").write("parent: %s\n" % got)
subprocess.run([sys.executable, __file__, "again"])
