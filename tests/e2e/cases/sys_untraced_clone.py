# expect: ok
# clone(CLONE_UNTRACED) would make a child the monitor cannot follow.
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
CLONE_UNTRACED, SIGCHLD = 0x00800000, 17
rc = libc.syscall(56, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0)   # raw clone: like fork
if rc == 0:
    os._exit(0)                                               # the child, if any
print("OK" if rc == -1 and ctypes.get_errno() == 1 else rc)
