# expect: ok
# build: obj_ctor_system.c
# A constructor's system("bash ...") fails with EPERM at the object's own
# redirected slot: its GOT was redirected after relocation, before it ran.
import ctypes
ctypes.CDLL("./obj_ctor_system.so")
print("OK" if open("result").read() == "ctor-system rc=-1 errno=1\n" else open("result").read())
