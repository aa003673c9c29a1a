# expect: ok
# build: obj_vfork_fork.c vforkfork.so
# A vfork child that forks and clones before it exits (C, through ctypes):
# the grandchildren and the job itself keep the job's CPU set.
import ctypes, os
lib = ctypes.CDLL(os.path.abspath("vforkfork.so"))
bad = [r for r in (lib.vfork_then_fork() for _ in range(20)) if r]
print("OK" if not bad else bad)
