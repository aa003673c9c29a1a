# expect: ok
# ptrace and process_vm_readv of the monitor are denied.
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
a = libc.ptrace(16, os.getppid(), 0, 0)          # PTRACE_ATTACH
e1 = ctypes.get_errno()
b = libc.process_vm_readv(os.getppid(), None, 0, None, 0, 0)
e2 = ctypes.get_errno()
print("OK" if (a, e1, b, e2) == (-1, 1, -1, 1) else (a, e1, b, e2))
