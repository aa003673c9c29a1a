# expect: ok
# build: iso_mod.c evilmod.so -DMODNAME=evilmod -lpthread
# stderr-has: on behalf of
# An untrusted extension module may not run a command (the default's
# [module extensions]) by any route that keeps a frame of it on the native
# stack: libc directly, os.system through the Python C API, a Python callable
# it calls synchronously, a thread it starts with pthread_create (calling
# libc, or the C API).  The libc call is the interpreter's in three of them:
# the denial names the module it was made for.  The interpreter's own
# os.system in the same job still runs.
import os, evilmod
cmd = f"touch {os.environ['MARK']}"
got = {
    "direct": evilmod.system(cmd),
    "capi": evilmod.capi_system(cmd),
    "callback": evilmod.call(os.system, cmd),
    "thread": evilmod.thread_system(cmd, False),
    "thread-capi": evilmod.thread_system(cmd, True),
}
want = {"direct": (-1, 1), "capi": -1, "callback": -1, "thread": (-1, 1), "thread-capi": (-1, 0)}
own = os.system("true")
print("OK" if got == want and own == 0 else (got, own))
