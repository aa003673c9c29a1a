# expect: ok
# "." of a regular file is a script like "sh FILE": allowed, in system() and
# in sh -c, with a relative and an absolute path, and a virtualenv's activate.
import os, subprocess
with open("lib.sh", "w") as f:
    f.write("greet() { echo \"$1\" >> out.txt; }\n")
rc = os.system(". ./lib.sh; greet one")
out = subprocess.run(["sh", "-c", ". %s/lib.sh && greet two" % os.getcwd()]).returncode
# a virtualenv's activate, and a function it defines whose name holds the
# file's name (no other naming of the file)
os.makedirs("venv/bin")
with open("venv/bin/activate", "w") as f:
    f.write("reactivate() { echo three >> out.txt; }\n")
venv = os.system(". venv/bin/activate && reactivate")
words = open("out.txt").read().split()
print("OK" if (rc, out, venv, words) == (0, 0, 0, ["one", "two", "three"])
      else (rc, out, venv, words))
