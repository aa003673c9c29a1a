# expect: ok
# build: iso_mod.c evilmod.so -DMODNAME=evilmod -lpthread
# stderr-has: system call on behalf of
# The system-call layer knows its caller: a kill (signal 0) of a sibling
# process by the module's own system call instruction (the object holding the
# instruction pointer at the stop) and by libc's syscall() reached with no
# GOT slot (trusted code at the stop: the walk above libc's wrapper finds the
# module) is the module's, which may signal only its own process.
import os, subprocess, evilmod
p = subprocess.Popen(["sleep", "30"])
try:
    got = [evilmod.raw_kill(p.pid, 0), evilmod.hidden_syscall_kill(p.pid, 0),
           evilmod.raw_kill(os.getpid(), 0), evilmod.hidden_syscall_kill(os.getpid(), 0)]
finally:
    p.kill()
    p.wait()
print("OK" if got == [-1, -1, 0, 0] else got)
