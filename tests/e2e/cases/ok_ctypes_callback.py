# expect: ok
# ctypes callbacks: libc's qsort calls back into Python.
import ctypes
libc = ctypes.CDLL(None)
arr = (ctypes.c_int * 5)(5, 1, 4, 2, 3)
CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
libc.qsort(arr, 5, ctypes.sizeof(ctypes.c_int), CMP(lambda a, b: a[0] - b[0]))
print("OK" if list(arr) == [1, 2, 3, 4, 5] else list(arr))
