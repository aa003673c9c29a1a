# expect: blocked
# A filter of the job's own outranks pysbx's: a user-notification listener the
# job answers "continue" would let a raw setuid system call (machine code of
# the job's own: no GOT slot) run unseen (setuid to the uid the process has
# already: harmless).  The listener must be refused.
import ctypes, mmap, os, struct, threading
libc = ctypes.CDLL(None, use_errno=True)
SYS_seccomp, SYS_setuid = 317, 105
SECCOMP_SET_MODE_FILTER, NEW_LISTENER = 1, 1 << 3
RET_USER_NOTIF, RET_ALLOW = 0x7fc00000, 0x7fff0000
def insn(code, jt, jf, k): return struct.pack("HBBI", code, jt, jf, k)
prog = (insn(0x20, 0, 0, 0) +                   # ld [nr]
        insn(0x15, 0, 1, SYS_setuid) +          # jeq setuid
        insn(0x06, 0, 0, RET_USER_NOTIF) +
        insn(0x06, 0, 0, RET_ALLOW))
buf = ctypes.create_string_buffer(prog)
fprog = struct.pack("HxxxxxxQ", 4, ctypes.addressof(buf))
fbuf = ctypes.create_string_buffer(fprog)
fd = libc.syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, NEW_LISTENER, fbuf)
if fd < 0:
    print("listener refused: errno", ctypes.get_errno())
    raise SystemExit(0)
def answer():
    # struct seccomp_notif: id u64, pid u32, flags u32, data (80 bytes)
    notif = ctypes.create_string_buffer(80)
    if libc.ioctl(fd, 0xc0502100, notif) == 0:       # SECCOMP_IOCTL_NOTIF_RECV
        nid = struct.unpack_from("Q", notif.raw)[0]
        resp = ctypes.create_string_buffer(struct.pack("QqiI", nid, 0, 0, 1))  # FLAG_CONTINUE
        libc.ioctl(fd, 0xc0182101, resp)                # SECCOMP_IOCTL_NOTIF_SEND
threading.Thread(target=answer, daemon=True).start()
code = bytes([0x48, 0xc7, 0xc0, SYS_setuid, 0, 0, 0, 0x0f, 0x05, 0xc3])  # mov rax, nr; syscall; ret
page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
page.write(code)
raw = ctypes.CFUNCTYPE(ctypes.c_long, ctypes.c_long)(ctypes.addressof(ctypes.c_char.from_buffer(page)))
if raw(os.getuid()) == 0:
    open(os.environ["MARK"], "w").write("setuid ran past pysbx's filter\n")
