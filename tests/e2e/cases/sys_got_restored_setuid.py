# expect: ok
# build: obj_got_restore.c obj_got_restore.so
# The restored slot reaches libc's setuid: the system call is denied.
import ctypes
lib = ctypes.CDLL("./obj_got_restore.so", use_errno=True)
lib.restored_setuid.restype = ctypes.c_long
rc = lib.restored_setuid()
print("OK" if (rc, ctypes.get_errno()) == (-1, 1) else (rc, ctypes.get_errno()))
