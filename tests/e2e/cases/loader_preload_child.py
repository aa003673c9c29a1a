# expect: blocked
# build: obj_ctor_system.c preload.so
# LD_PRELOAD set for a child program: its constructor cannot start a shell.
import os, subprocess
env = dict(os.environ, LD_PRELOAD=os.path.abspath("preload.so"))
subprocess.run(["true"], env=env)
subprocess.run(["python3", "-c", "pass"], env=env)
