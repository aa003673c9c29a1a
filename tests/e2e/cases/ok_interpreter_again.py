# expect: ok
# The job may start its own interpreter again (multiprocessing spawn does).
import subprocess, sys
print(subprocess.run([sys.executable, "-c", "print('OK')"], capture_output=True, text=True).stdout, end="")
