# expect: blocked
# os.execv straight to bash; the job goes on after the refusal.
import os
try:
    os.execv("/bin/bash", ["bash", "-c", "touch " + os.environ["MARK"]])
except PermissionError:
    print("refused")
