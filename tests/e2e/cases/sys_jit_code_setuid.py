# expect: ok
# Hand-written machine code in an executable mapping makes the system call itself.
import ctypes, mmap, os
code = bytes([0x48, 0xc7, 0xc0, 105, 0, 0, 0,   # mov rax, SYS_setuid (uid in rdi)
              0x0f, 0x05,                      # syscall
              0xc3])                           # ret
buf = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
buf.write(code)
fn = ctypes.CFUNCTYPE(ctypes.c_long, ctypes.c_long)(ctypes.addressof(ctypes.c_char.from_buffer(buf)))
rc = fn(os.getuid())
print("OK" if rc == -1 else rc)   # -EPERM
