# expect: ok
# "." of a regular file is a script like "sh FILE": allowed, in system() and
# in sh -c, with a relative and an absolute path.
import os, subprocess
with open("lib.sh", "w") as f:
    f.write("greet() { echo \"$1\" >> out.txt; }\n")
rc = os.system(". ./lib.sh; greet one")
out = subprocess.run(["sh", "-c", ". %s/lib.sh && greet two" % os.getcwd()]).returncode
words = open("out.txt").read().split()
print("OK" if (rc, out, words) == (0, 0, ["one", "two"]) else (rc, out, words))
