# expect: ok
# requires: numpy
# numpy on its BLAS threads (every thread traced), an allowed child from the
# process that loaded it, and a shell reading its input still refused.
import os
import subprocess
import numpy as np

rng = np.random.default_rng(3)
a = rng.standard_normal((400, 400))
inv = np.linalg.inv(a)
err = np.abs(a @ inv - np.eye(400)).max()
threads = len(os.listdir("/proc/self/task"))
subprocess.run(["true"], check=True)
rc = os.system(f"bash -c 'touch {os.environ['MARK']}'")
print("OK" if err < 1e-8 and rc != 0 else f"err {err} rc {rc}", "threads", threads)
