# expect: ok
# The job's own process group is the job's.
import os
os.killpg(os.getpgid(0), 0)
print("OK")
