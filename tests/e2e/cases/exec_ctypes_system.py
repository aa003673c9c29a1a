# expect: blocked
# ctypes reaches libc's system without the interpreter's GOT: the shell it
# starts is still checked at its exec.
import ctypes
ctypes.CDLL(None).system(b"bash -c 'touch \"$MARK\"'")
