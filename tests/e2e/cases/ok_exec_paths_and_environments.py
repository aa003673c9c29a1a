# expect: ok
# Allowed programs keep working whatever the path and environment: more paths
# than the code page remembers, a path too long to be remembered, the same
# program under several names, an environment too large for the exec stop's
# read of the new stack (read through /proc then), an empty argument, and the
# arguments and environment arrive intact.
import os, subprocess
long_path = "/usr/bin/" + "./" * 80 + "true"
for _ in range(2):  # 40 names of one program: more than the code page remembers
    for k in range(40):
        subprocess.run(["/usr/bin/" + "./" * k + "true"], check=True)
for _ in range(3):
    subprocess.run([long_path], check=True)
    subprocess.run(["/usr/bin/true"], check=True)
    subprocess.run(["true"], check=True)
big = {f"BIG{i}": str(i) * (60 * 1024) for i in range(4)}  # 240 KB in all
out = subprocess.run(["sh", "-c", 'printf "%s %s" "${#BIG3}" "$1"', "sh", "arg one"],
                     env=dict(os.environ, **big), capture_output=True, text=True,
                     check=True).stdout
assert out == f"{60 * 1024} arg one", out
out = subprocess.run(["printenv", "SMALL"], env={"SMALL": "v=1"}, capture_output=True,
                     text=True, check=True).stdout
assert out == "v=1\n", out
out = subprocess.run(["echo", "a", "", "b c"], capture_output=True, text=True,
                     check=True).stdout
assert out == "a  b c\n", out
print("OK")
