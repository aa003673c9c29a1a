# expect: blocked
# policy-append: [programs]\nallow-dir = /tmp
# Identity by path string: an unlinked copy of bash exec'd through
# /proc/self/fd/N, with a directory made at the name the kernel gives a
# deleted file ("... (deleted)") as a decoy for anything that stats the path.
# The policy allows programs under /tmp (where the job works), so only the
# copy's identity can refuse it.
import ctypes, mmap, os, shutil

def raw_execv(path, argv):
    """execve as a raw system call of the job's own: no GOT slot, the exec stop judges."""
    code = bytes([0x48, 0xc7, 0xc0, 59, 0, 0, 0, 0x0f, 0x05, 0xc3])  # mov rax, 59; syscall; ret
    page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    page.write(code)
    fn = ctypes.CFUNCTYPE(ctypes.c_long, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p)(
        ctypes.addressof(ctypes.c_char.from_buffer(page)))
    args = (ctypes.c_char_p * (len(argv) + 1))(*[a.encode() for a in argv], None)
    env = (ctypes.c_char_p * 1)(None)
    fn(path.encode(), ctypes.cast(args, ctypes.c_void_p), ctypes.cast(env, ctypes.c_void_p))
work = os.getcwd()
copy = os.path.join(work, "tool")
shutil.copy("/bin/bash", copy)
fd = os.open(copy, os.O_RDONLY)
os.set_inheritable(fd, True)  # /proc/self/fd/N still names it after the exec
os.unlink(copy)
os.mkdir(copy + " (deleted)")
for execv in (os.execv, raw_execv):
    pid = os.fork()
    if pid == 0:
        try:
            execv("/proc/self/fd/%d" % fd, ["tool", "-c", "echo %s >> %s" % (execv.__name__, os.environ["MARK"])])
        finally:
            os._exit(9)
    os.waitpid(pid, 0)
# the same through a memfd
mfd = os.memfd_create("tool", 0)
os.write(mfd, open("/bin/bash", "rb").read())
pid = os.fork()
if pid == 0:
    try:
        os.execv("/proc/self/fd/%d" % mfd, ["tool", "-c", "echo memfd >> " + os.environ["MARK"]])
    finally:
        os._exit(9)
os.waitpid(pid, 0)
