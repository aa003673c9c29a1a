# expect: blocked
# build: obj_rawexec.c obj_rawexec.so
# A raw execve from an isolated object: the exec stop refuses bash.
import ctypes, os
if os.fork() == 0:
    ctypes.CDLL("./obj_rawexec.so").raw_exec()
    os._exit(0)
os.wait()
