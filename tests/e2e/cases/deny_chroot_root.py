# expect: ok
# chroot("/") changes nothing if it runs; it must not run.
import os
try:
    os.chroot("/")
    print("allowed")
except PermissionError:
    print("OK")
