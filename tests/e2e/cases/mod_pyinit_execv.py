# expect: ok
# build: obj_pyinit_exec.c pyinit_exec.so
# An extension module's PyInit execv("/bin/bash") fails with EPERM; the import succeeds.
import pyinit_exec
print("OK" if open("result").read() == "pyinit-execv rc=-1 errno=1\n" else open("result").read())
