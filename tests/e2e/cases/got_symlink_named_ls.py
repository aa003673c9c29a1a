# expect: blocked
# A link named like an allowed program still runs bash.
import os, subprocess
os.symlink("/bin/bash", "ls")
subprocess.run(["./ls", "-c", "touch " + os.environ["MARK"]])
