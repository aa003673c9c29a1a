# expect: ok
# trace-args: --profile notebook
# The notebook profile runs bash the way sh runs everywhere: -c CMD (IPython's
# !cmd, shell=True with executable=/bin/bash) and script files.
import subprocess
r = subprocess.run("echo $((40 + 2)) | tr 4 O", shell=True, executable="/bin/bash",
                   capture_output=True, text=True)
with open("s.bash", "w") as f:
    f.write("echo K\n")
r2 = subprocess.run(["bash", "s.bash"], capture_output=True, text=True)
print(r.stdout.strip()[0] + r2.stdout.strip() if r.returncode == 0 else r.stderr)
