# expect: ok
# stdout-has: OK
# timeout: 120
# 100 MB written to stdout and stderr through the monitor: nothing lost
# (the runner counts the bytes).
import os, sys
chunk = b"x" * (1 << 20)
for _ in range(50):
    os.write(1, chunk)
    os.write(2, chunk)
os.write(1, b"\nOK\n")
