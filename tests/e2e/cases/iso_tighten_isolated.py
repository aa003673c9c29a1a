# expect: ok
# build: iso_mod.c isolib_a.so -DPLAIN -DNO_RAW -lpthread
# policy-append: [module */isolib_a.so]\nfork = deny\nsystem = deny\nkill = deny
# A [module] rule tightens [functions] for an isolated library (loaded with
# ctypes, so no extension: only this section binds it): allow (fork) and
# check (system, kill) to deny.  Before the action order was fixed, deny
# counted as looser than check and was ignored: system and kill ran.  The
# interpreter keeps its own rules in the same job.
import ctypes, os, subprocess
lib = ctypes.CDLL(os.path.abspath("isolib_a.so"), use_errno=True)
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
