# expect: ok
# build: obj_callsys.c
# build: obj_dlopener.c
# A library dlopen()s another from its own code: the inner one is redirected too.
import ctypes
outer = ctypes.CDLL("./obj_dlopener.so")
outer.run_inner.restype = ctypes.c_long
rc = outer.run_inner(b"./obj_callsys.so", b"bash -c 'touch \"$MARK\"'")
print("OK" if rc == -1 else rc)
