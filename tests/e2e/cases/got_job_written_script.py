# expect: blocked
# A script the job wrote, outside the system directories, is not run.
import os, subprocess
with open("run.sh", "w") as f:
    f.write("#!/bin/sh\ntouch \"$MARK\"\n")
os.chmod("run.sh", 0o755)
try:
    subprocess.run(["./run.sh"])
except PermissionError:
    pass
