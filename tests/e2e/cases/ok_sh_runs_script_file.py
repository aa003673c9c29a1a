# expect: ok
# sh running a script file is allowed; its children are checked at their exec.
import subprocess
with open("s.sh", "w") as f:
    f.write("echo OK\n")
print(subprocess.run(["sh", "s.sh"], capture_output=True, text=True).stdout, end="")
