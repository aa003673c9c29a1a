# expect: blocked
# Program runners: the dynamic loader run as the program loads a denied shell
# itself (bash is never the file exec'd), here under another argv[0]; and
# valgrind, when installed, does the same, and also runs a #! script's
# interpreter itself (Debian's ldd is a bash script in /usr/bin; BASH_ENV
# makes that bash run the job's commands), or runs the loader, which runs bash.
import glob, os, shutil
ldso = sorted(glob.glob("/lib64/ld-linux-x86-64.so.2") + glob.glob("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"))[0]
cmd = "echo runner >> " + os.environ["MARK"]
runs = [[ldso, "--argv0", "sh", "/usr/bin/bash", "--norc", "-c", cmd],
        [ldso, "--inhibit-cache", "/bin/bash", "-c", cmd]]
if shutil.which("valgrind"):
    runs.append([shutil.which("valgrind"), "-q", "--tool=none", "/usr/bin/bash", "-c", cmd])
    # valgrind running the dynamic loader, which runs bash
    runs.append([shutil.which("valgrind"), "-q", "--tool=none", ldso, "/usr/bin/bash", "-c", cmd])
    for script in ("/usr/bin/ldd", "/usr/bin/tzselect"):
        if os.path.exists(script) and open(script, "rb").read(2) == b"#!":
            runs.append([shutil.which("valgrind"), "-q", "--tool=none", script, "/bin/true"])
with open("env.sh", "w") as f:
    f.write(cmd + "\n")
env = dict(os.environ, BASH_ENV=os.path.abspath("env.sh"))
for argv in runs:
    pid = os.fork()
    if pid == 0:
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(9)
    os.waitpid(pid, 0)
