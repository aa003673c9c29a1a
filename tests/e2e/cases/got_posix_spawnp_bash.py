# expect: blocked
# os.posix_spawnp searches PATH itself inside libc.
import os
try:
    pid = os.posix_spawnp("bash", ["bash", "-c", "touch " + os.environ["MARK"]], dict(os.environ))
    os.waitpid(pid, 0)
except PermissionError:
    print("refused")
