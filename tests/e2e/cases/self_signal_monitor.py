# expect: ok
# No signal from the job reaches pysbx-trace (signal 0: harmless).
import os, signal
ppid = os.getppid()
try:
    os.kill(ppid, 0)
    print("reached")
except PermissionError:
    print("OK")
