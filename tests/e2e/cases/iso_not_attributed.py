# expect: ok
# build: iso_mod.c evilmod.so -DMODNAME=evilmod -lpthread
# trace-args: -v
# stdout-has: DEFERRED-RAN
# stderr-has: allowed system("echo DEFERRED-RAN") from /
# What attribution cannot follow (pysbx-policy(5), "What is not attributed"):
# code a module leaves for the interpreter to run later has no frame of the
# module on the stack.  A thread the module starts from Python code
# (threading.Thread through the C API) and a callable it registers for later
# (atexit) run as the interpreter's, and the interpreter may run them; the
# log says so (allowed, no "on behalf of").  Said here so nobody believes
# more than holds.
import os, evilmod
evilmod.pythread_system("touch pythread-ran").join()
if os.path.exists("pythread-ran"):
    evilmod.defer_system("echo DEFERRED-RAN")
print("registered" if os.path.exists("pythread-ran") else "the Python thread was denied")
