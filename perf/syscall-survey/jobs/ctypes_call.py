# ctypes: libc calls, a Python callback (libffi closure), libm
import ctypes, ctypes.util
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libm = ctypes.CDLL(ctypes.util.find_library("m"))
libm.cos.restype = ctypes.c_double; libm.cos.argtypes = [ctypes.c_double]
assert libm.cos(0.0) == 1.0
assert libc.getpid() > 0
arr = (ctypes.c_int * 5)(5, 1, 4, 2, 3)
CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
libc.qsort(arr, 5, ctypes.sizeof(ctypes.c_int), CMP(lambda a, b: a[0] - b[0]))
assert list(arr) == [1, 2, 3, 4, 5]
buf = ctypes.create_string_buffer(64); libc.snprintf(buf, 64, b"%d", 42); assert buf.value == b"42"
print("ctypes ok")
