# expect: blocked
# build: obj_ctor_mark.c preload.so
# LD_PRELOAD set for a child program, in a small environment (read from the
# new image's stack at its exec stop) and in one too large for that read
# (five 60 KB variables: read through /proc): the preloaded constructor never
# runs.  The children must run (check=True): a refused child proves nothing.
import os, subprocess
for pads in (0, 5):
    env = dict(os.environ, LD_PRELOAD=os.path.abspath("preload.so"))
    env.update({f"PAD{i}": "x" * (60 * 1024) for i in range(pads)})
    subprocess.run(["true"], env=env, check=True)
    subprocess.run(["env"], env=env, stdout=subprocess.DEVNULL, check=True)
