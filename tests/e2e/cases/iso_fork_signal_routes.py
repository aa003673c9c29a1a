# expect: ok
# build: iso_mod.c evilmod.so -DMODNAME=evilmod -lpthread
# The default's [module extensions]: an untrusted extension module may not
# fork, nor signal any process but its own, itself or through the
# interpreter (os.fork, os.kill called back from the module); signal 0 only,
# so nothing is delivered whatever happens.  The interpreter's own fork and
# kill in the same job work.
import errno, os, subprocess, evilmod
def py(f, *a):
    try:
        r = f(*a)
        if r == 0 and f is os.fork:
            os._exit(0)
        return r if f is not os.fork else "forked"
    except OSError as e:
        return e.errno
p = subprocess.Popen(["sleep", "30"])
try:
    got = [evilmod.fork(), evilmod.call(py, os.fork),
           evilmod.kill(p.pid, 0), evilmod.call(py, os.kill, p.pid, 0),
           evilmod.kill(os.getpid(), 0), evilmod.call(py, os.kill, os.getpid(), 0)]
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    own = [os.waitpid(pid, 0)[1], py(os.kill, p.pid, 0)]
finally:
    p.kill()
    p.wait()
want = [(-1, 1), errno.EPERM, (-1, 1), errno.EPERM, (0, 0), None]
print("OK" if got == want and own == [0, None] else (got, own))
