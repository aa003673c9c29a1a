# expect: ok
# setuid is denied with EPERM even when it would change nothing.
import os
try:
    os.setuid(os.getuid())
    print("allowed")
except PermissionError:
    print("OK")
