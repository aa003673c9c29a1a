# expect: ok
# The monitor's memory is out of the job's reach, even for a root job.
import os
try:
    with open("/proc/%d/mem" % os.getppid(), "rb") as f:
        f.read(1)
    print("readable")
except OSError:
    print("OK")
