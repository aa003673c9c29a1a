# expect: ok
# build: obj_callsys.c
# A function of a dlopen'ed library calling system(): denied or allowed by its argument.
import ctypes
lib = ctypes.CDLL("./obj_callsys.so")
lib.run.restype = ctypes.c_long
a = lib.run(b"bash -c 'touch \"$MARK\"'")
b = lib.run(b"true")
print("OK" if (a, b) == (-1, 0) else (a, b))
