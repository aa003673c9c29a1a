# expect: ok
# The job's own interpreter run again through a descriptor (os.execve(fd),
# which is fexecve; execveat(fd, "", AT_EMPTY_PATH) through syscall()) is
# judged like the same file run by path: allowed by `interpreter = yes` wherever
# the interpreter lives (a pyenv build is outside allow-dir).  CPython's
# test_posix.test_fexecve does this.
import ctypes, os, sys

def run(how):
    pid = os.fork()
    if pid == 0:
        try:
            fd = os.open(sys.executable, os.O_RDONLY)
            argv = [sys.executable, "-c", "pass"]
            if how == "fexecve":
                os.execve(fd, argv, dict(os.environ))
            libc = ctypes.CDLL(None, use_errno=True)
            cargv = (ctypes.c_char_p * 4)(*[a.encode() for a in argv], None)
            cenv = (ctypes.c_char_p * 1)(None)
            libc.syscall(322, fd, b"", cargv, cenv, 0x1000)   # execveat, AT_EMPTY_PATH
            print(how, "failed:", os.strerror(ctypes.get_errno()))
        finally:
            os._exit(3)
    return os.waitpid(pid, 0)[1] >> 8

codes = [run("fexecve"), run("execveat")]
print("OK" if codes == [0, 0] else "exit statuses %s" % codes)
