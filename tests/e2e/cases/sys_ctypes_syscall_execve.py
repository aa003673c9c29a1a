# expect: blocked
# syscall(SYS_execve, ...) through ctypes is judged as the execve it is.
import ctypes, os
libc = ctypes.CDLL(None)
argv = (ctypes.c_char_p * 4)(b"bash", b"-c", b"touch " + os.environ["MARK"].encode(), None)
if os.fork() == 0:
    libc.syscall(59, b"/bin/bash", argv, None)
    os._exit(0)
os.wait()
