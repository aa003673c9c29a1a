# expect: ok
# subprocess with an argument list.
import subprocess
out = subprocess.run(["ls", "-a"], capture_output=True, text=True, check=True).stdout
print("OK" if "job.py" in out else out)
