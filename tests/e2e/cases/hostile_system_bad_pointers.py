# expect: ok
# system() through ctypes with an unmapped pointer, a string running into the
# end of a mapping with no terminator, and a 128 KiB string: all denied, and
# the job (and the monitor) go on.
import ctypes, mmap, os
libc = ctypes.CDLL(None, use_errno=True)
libc.system.argtypes = [ctypes.c_void_p]
r = [libc.system(0x10)]                               # unmapped
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
p = libc.mmap(None, 8192, mmap.PROT_READ | mmap.PROT_WRITE, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, -1, 0)
libc.munmap(p + 4096, 4096)                           # the page after it is gone
ctypes.memset(p, ord("A"), 4096)                      # no NUL before the end
r.append(libc.system(p))
big = ctypes.create_string_buffer(b"true " + b"x" * (128 * 1024))
r.append(libc.system(ctypes.addressof(big)))
print("OK" if r == [-1, -1, -1] and os.system("true") == 0 else r)
