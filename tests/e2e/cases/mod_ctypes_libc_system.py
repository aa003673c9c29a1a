# expect: ok
# ctypes gets system() from dlsym, not from a GOT: the pointer it gets is a trap.
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
a = libc.system(b"bash -c 'touch \"$MARK\"'")
err = ctypes.get_errno()
b = libc.system(b"true")
print("OK" if (a, err, b) == (-1, 1, 0) else (a, err, b))
