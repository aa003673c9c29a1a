# expect: blocked
# os.posix_spawn goes through libc's posix_spawn.
import os
try:
    pid = os.posix_spawn("/bin/bash", ["bash", "-c", "touch " + os.environ["MARK"]], dict(os.environ))
    os.waitpid(pid, 0)
except PermissionError:
    print("refused")
