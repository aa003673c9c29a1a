# expect: blocked
# Through a descriptor a program is still judged by what it is: a copy of sh
# the job made (created during the job) and a memfd holding bash (a copy of a
# denied program) are refused by fexecve as they are by path.
import os, shutil, sys
mark = os.environ["MARK"]
shutil.copy("/bin/sh", "mysh")
fd = os.open("mysh", os.O_RDONLY)
mem = os.memfd_create("x", 0)
with open("/bin/bash", "rb") as f:
    os.write(mem, f.read())
for fd_, argv in ((fd, ["sh", "-c", "touch " + mark]), (mem, ["bash", "-c", "touch " + mark])):
    pid = os.fork()
    if pid == 0:
        try:
            os.execve(fd_, argv, {})
        except OSError as e:
            print("refused:", e)
        os._exit(0)
    os.waitpid(pid, 0)
