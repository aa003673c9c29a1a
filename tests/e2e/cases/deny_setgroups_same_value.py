# expect: ok
# setgroups to the groups the job already has: still denied.
import os
try:
    os.setgroups(os.getgroups())
    print("allowed")
except PermissionError:
    print("OK")
