# expect: ok
# trace-args: -b
# interpreters: first
# stderr-has: _execute_child
# An exec denied in a vfork child (subprocess, on 3.10 and later) gets the
# Python line of the parent thread waiting in the same call: the child runs
# in the parent's memory but is no Python thread of its own.
import subprocess
def payload():
    try:
        subprocess.run(["bash", "-c", "true"])
        print("ran")
    except PermissionError:
        print("OK")
payload()
