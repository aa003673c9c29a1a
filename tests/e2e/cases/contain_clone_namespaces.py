# expect: blocked
# Namespaces without unshare(): clone() and clone3() with CLONE_NEWUSER and
# CLONE_NEWUTS straight through syscall().  A child that finds itself in a new
# namespace leaves the marker; nothing is changed outside it.
import ctypes, os, struct
libc = ctypes.CDLL(None, use_errno=True)
SIGCHLD, NEWUSER, NEWUTS = 17, 0x10000000, 0x04000000
before = os.readlink("/proc/self/ns/uts")
def child_reports(pid):
    if pid == 0:
        if os.readlink("/proc/self/ns/uts") != before:
            open(os.environ["MARK"], "a").write("child in a new UTS namespace\n")
        os._exit(0)
    if pid > 0:
        os.waitpid(pid, 0)
child_reports(libc.syscall(56, NEWUSER | NEWUTS | SIGCHLD, 0, 0, 0, 0))     # clone
args = ctypes.create_string_buffer(struct.pack("QQQQQQQQ", NEWUSER | NEWUTS, 0, 0, 0, SIGCHLD, 0, 0, 0))
child_reports(libc.syscall(435, args, 64))                                  # clone3
print("clone errno", ctypes.get_errno())
