# expect: ok
# Signals to the job's own children work.
import signal, subprocess, os
p = subprocess.Popen(["sleep", "10"])
os.kill(p.pid, signal.SIGTERM)
print("OK" if p.wait() == -signal.SIGTERM else "wrong")
