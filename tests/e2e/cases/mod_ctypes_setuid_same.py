# expect: ok
# setuid through ctypes, to the uid the job already has: still denied.
import ctypes, os
libc = ctypes.CDLL("libc.so.6", use_errno=True)
rc = libc.setuid(os.getuid())
print("OK" if (rc, ctypes.get_errno()) == (-1, 1) else (rc, ctypes.get_errno()))
