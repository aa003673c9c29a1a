# expect: ok
# kill(-1, ...) would reach every process: denied (signal 0: harmless).
import os
try:
    os.kill(-1, 0)
    print("allowed")
except PermissionError:
    print("OK")
