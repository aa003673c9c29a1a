# expect: blocked
# A copy of bash under another name, outside the system directories.
import os, shutil, subprocess
shutil.copy("/bin/bash", "mytool")
os.chmod("mytool", 0o755)
subprocess.run(["./mytool", "-c", "touch " + os.environ["MARK"]])
