# expect: ok
# exit: 143
# stdout-has: going
# A job killed by signal N gives 128+N.
import os, signal
print("going", flush=True)
os.kill(os.getpid(), signal.SIGTERM)
