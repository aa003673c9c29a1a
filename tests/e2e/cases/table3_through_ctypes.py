# expect: ok
# Every Table 3 function reached through ctypes, with arguments that change
# nothing if the call runs (an invalid target, the value already in place, a
# path that does not exist): each must fail with EPERM from the monitor.
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
V = ctypes.c_void_p
uid, gid = os.getuid(), os.getgid()
groups = (ctypes.c_uint * 64)(*os.getgroups())
hostname = os.uname().nodename.encode()
timex = (ctypes.c_int * 64)(0x4000)           # modes = ADJ_TICK with tick 0: invalid
bad_clock = 999
calls = {
    "ptrace": lambda: libc.ptrace(2, 0, V(0), V(0)),             # PEEKDATA of pid 0
    "process_vm_readv": lambda: libc.process_vm_readv(0, V(0), 0, V(0), 0, 0),
    "process_vm_writev": lambda: libc.process_vm_writev(0, V(0), 0, V(0), 0, 0),
    "kill": lambda: libc.kill(1, 0),
    "settimeofday": lambda: libc.settimeofday(V(0), V(0)),
    "clock_settime": lambda: libc.clock_settime(bad_clock, V(0)),
    "clock_adjtime": lambda: libc.clock_adjtime(bad_clock, timex),
    "adjtimex": lambda: libc.adjtimex(timex),
    "setuid": lambda: libc.setuid(uid),
    "setgid": lambda: libc.setgid(gid),
    "setreuid": lambda: libc.setreuid(-1, -1),
    "setregid": lambda: libc.setregid(-1, -1),
    "setgroups": lambda: libc.setgroups(len(os.getgroups()), groups),
    "setresuid": lambda: libc.setresuid(-1, -1, -1),
    "setresgid": lambda: libc.setresgid(-1, -1, -1),
    "capset": lambda: libc.capset(V(0), V(0)),
    "iopl": lambda: libc.iopl(4),
    "ioperm": lambda: libc.ioperm(0x10000, 1, 1),
    "add_key": lambda: libc.syscall(248, b"", b"x", V(0), 0, -2),   # no libc wrapper
    "mount": lambda: libc.mount(V(0), b"/nonexistent-pysbx", V(0), 0, V(0)),
    "umount2": lambda: libc.umount2(b"/nonexistent-pysbx", 0),
    "umount": lambda: libc.umount(b"/nonexistent-pysbx"),
    "chroot": lambda: libc.chroot(b"/nonexistent-pysbx"),
    "unshare": lambda: libc.unshare(0),
    "setns": lambda: libc.setns(-1, 0),
    "acct": lambda: libc.acct(b"/nonexistent-pysbx"),
    "reboot": lambda: libc.reboot(0),
    "quotactl": lambda: libc.quotactl(0, V(0), 0, V(0)),
    "sethostname": lambda: libc.sethostname(hostname, len(hostname)),
    "setdomainname": lambda: libc.setdomainname(b"(none)", 6),
    "bpf": lambda: libc.syscall(321, 9999, V(0), 0),
}
wrong = []
for name, call in calls.items():
    ctypes.set_errno(0)
    rc = call()
    if rc != -1 or ctypes.get_errno() != 1:
        wrong.append((name, rc, ctypes.get_errno()))
# setfsuid reports the previous id, not an error: a denial returns -1
if libc.setfsuid(uid) != -1:
    wrong.append(("setfsuid", "ran"))
print("OK" if not wrong else wrong)
