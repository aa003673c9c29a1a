# expect: ok
# build: obj_ifunc.c obj_ifunc.so
# An untrusted object with IFUNC code is refused before any of its code runs
# (resolver and constructor would create the marker); the job goes on.
import ctypes
try:
    ctypes.CDLL("./obj_ifunc.so")
    print("loaded")
except OSError as e:
    print("OK" if "refused by pysbx" in str(e) and "IFUNC" in str(e) else e)
