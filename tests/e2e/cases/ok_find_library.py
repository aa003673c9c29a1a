# expect: ok
# ctypes.util.find_library runs ldconfig and friends.
import ctypes.util
print("OK" if (ctypes.util.find_library("c") or "").startswith("libc.so") else ctypes.util.find_library("c"))
