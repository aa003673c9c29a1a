# expect: blocked
# What a root job's remaining capabilities would reach beyond it: credentials
# in another user's name (SCM_CREDENTIALS, as the journal trusts them; needs
# CAP_SETUID) and memory locked beyond its limit (CAP_IPC_LOCK).  The kernel
# answers both; as a user it refuses them anyway.
import ctypes, mmap, os, resource, socket, struct
reached = []
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
other = 65534 if os.getuid() != 65534 else 65533
try:
    a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS,
                        struct.pack("iII", os.getpid(), other, other))])
    reached.append("credentials sent as uid %d" % other)
except OSError as e:
    print("credentials refused:", e)
soft, hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)
resource.setrlimit(resource.RLIMIT_MEMLOCK, (1 << 20, hard))
libc = ctypes.CDLL(None, use_errno=True)
m = mmap.mmap(-1, 8 << 20)
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
if libc.mlock(ctypes.c_void_p(addr), ctypes.c_size_t(8 << 20)) == 0:
    reached.append("8 MiB locked past a 1 MiB limit")
    libc.munlock(ctypes.c_void_p(addr), ctypes.c_size_t(8 << 20))
else:
    print("mlock refused:", os.strerror(ctypes.get_errno()))
if reached:
    open(os.environ["MARK"], "w").write("%s\n" % reached)
