# expect: blocked
# Hand-written machine code execve("/bin/bash", ...) in a forked child.
import ctypes, mmap, os, struct
mark = os.environ["MARK"].encode()
strings = [b"/bin/bash\0", b"bash\0", b"-c\0", b"touch " + mark + b"\0"]
data = ctypes.create_string_buffer(b"".join(strings))
base = ctypes.addressof(data)
offs, o = [], 0
for s in strings:
    offs.append(base + o); o += len(s)
argv = (ctypes.c_void_p * 4)(offs[1], offs[2], offs[3], None)
code = (b"\x48\xbf" + struct.pack("<Q", offs[0]) +                       # mov rdi, path
        b"\x48\xbe" + struct.pack("<Q", ctypes.addressof(argv)) +        # mov rsi, argv
        b"\x48\x31\xd2" + b"\x48\xc7\xc0\x3b\x00\x00\x00" + b"\x0f\x05\xc3")  # rdx=0; rax=59; syscall
buf = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
buf.write(code)
fn = ctypes.CFUNCTYPE(ctypes.c_long)(ctypes.addressof(ctypes.c_char.from_buffer(buf)))
if os.fork() == 0:
    fn()
    os._exit(0)
os.wait()
