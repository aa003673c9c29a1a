# expect: blocked
# timeout: 240
# interpreters: first
# Another process flips an execve path in shared memory between /bin/true and
# /bin/bash while the job execs it over and over: the exec stop decides.
import ctypes, mmap, os, signal
libc = ctypes.CDLL(None)
shm = mmap.mmap(-1, 4096, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
shm[:10] = b"/bin/true\0"
addr = ctypes.addressof(ctypes.c_char.from_buffer(shm))
argv = (ctypes.c_char_p * 4)(b"x", b"-c", b"touch " + os.environ["MARK"].encode(), None)
flipper = os.fork()
if flipper == 0:
    while True:
        shm[5:9] = b"bash"
        shm[5:9] = b"true"
for _ in range(1000):
    pid = os.fork()
    if pid == 0:
        libc.execv(ctypes.c_void_p(addr), argv)
        os._exit(0)
    os.waitpid(pid, 0)
os.kill(flipper, signal.SIGKILL)
os.waitpid(flipper, 0)
