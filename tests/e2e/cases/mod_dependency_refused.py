# expect: ok
# build: obj_ifunc.c libobjifunc.so
# build: obj_needs_ifunc.c obj_needs_ifunc.so -L. -lobjifunc -Wl,-rpath,$ORIGIN
# A refused object arriving as a dependency fails the whole load; nothing runs.
import ctypes
try:
    ctypes.CDLL("./obj_needs_ifunc.so")
    print("loaded")
except OSError as e:
    print("OK" if "refused by pysbx" in str(e) and "libobjifunc.so" in str(e) else e)
