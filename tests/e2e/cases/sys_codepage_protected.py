# expect: ok
# The job cannot unmap or make writable pysbx's code page.
import ctypes, re
libc = ctypes.CDLL(None, use_errno=True)
libc.mprotect.argtypes = libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int][:3]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
pages = [l for l in open("/proc/self/maps") if l.split()[1] == "r-xp" and l.split()[4] == "0"
         and len(l.split()) == 5]
ok = True
for l in pages:
    lo, hi = (int(x, 16) for x in l.split()[0].split("-"))
    if hi - lo != 65536:
        continue
    if libc.mprotect(lo, 4096, 7) == 0 or libc.munmap(lo, hi - lo) == 0:
        ok = False
print("OK" if ok and pages else ("no code page seen" if not pages else "changed"))
