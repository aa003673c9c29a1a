# expect: blocked
# Program runners: the dynamic loader run as the program loads a denied shell
# itself (bash is never the file exec'd), here under another argv[0]; and
# valgrind, when installed, does the same.
import glob, os, shutil
ldso = sorted(glob.glob("/lib64/ld-linux-x86-64.so.2") + glob.glob("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"))[0]
cmd = "echo runner >> " + os.environ["MARK"]
runs = [[ldso, "--argv0", "sh", "/usr/bin/bash", "--norc", "-c", cmd],
        [ldso, "--inhibit-cache", "/bin/bash", "-c", cmd]]
if shutil.which("valgrind"):
    runs.append([shutil.which("valgrind"), "-q", "--tool=none", "/usr/bin/bash", "-c", cmd])
for argv in runs:
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(9)
    os.waitpid(pid, 0)
