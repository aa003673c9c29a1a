# expect: ok
# build: obj_callsys.c
# dlclose and dlopen again: the new mapping is redirected like the first.
import ctypes, _ctypes
for _ in range(3):
    lib = ctypes.CDLL("./obj_callsys.so")
    lib.run.restype = ctypes.c_long
    rc = lib.run(b"bash -c 'touch \"$MARK\"'")
    _ctypes.dlclose(lib._handle)
    del lib
    if rc != -1:
        print(rc); break
else:
    print("OK")
