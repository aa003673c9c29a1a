# expect: ok
# build: iso_mod.c isolib_t.so -DPLAIN -DNO_RAW -lpthread
# policy-append: [objects]\ntrust = */isolib_t.so\n[module */isolib_t.so]\nfork = deny\nsystem = deny\nkill = deny
# A [module] rule tightens [functions] for a trusted library too: allow (fork)
# and check (system, kill) to deny.  The interpreter keeps its own rules.
import ctypes, os, subprocess
lib = ctypes.CDLL(os.path.abspath("isolib_t.so"), use_errno=True)
for f in (lib.iso_system, lib.iso_fork, lib.iso_kill):
    f.restype = ctypes.c_long
def call(f, *a):
    ctypes.set_errno(0)
    return f(*a), ctypes.get_errno()
p = subprocess.Popen(["sleep", "30"])
try:
    got = [call(lib.iso_system, f"touch {os.environ['MARK']}".encode()),
           call(lib.iso_fork), call(lib.iso_kill, p.pid, 0)]
finally:
    p.kill()
    p.wait()
own = os.system("true")
print("OK" if got == [(-1, 1)] * 3 and own == 0 else (got, own))
