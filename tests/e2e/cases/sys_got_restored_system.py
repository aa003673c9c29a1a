# expect: blocked
# build: obj_got_restore.c obj_got_restore.so
# The job restores its GOT slot for system() through /proc/self/mem: the call
# escapes the GOT layer, and the shell's bash still ends at the exec stop.
import ctypes
ctypes.CDLL("./obj_got_restore.so").restored_system()
