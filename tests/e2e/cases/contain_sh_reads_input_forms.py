# expect: blocked
# sh reading commands from its input by forms other than a bare "sh": -s
# beside -c or set by the command (sh runs CMD, then reads its input), "."
# of /dev/stdin or of a descriptor, and a script operand that is a pipe
# behind /dev/fd/N for every N from 3 to 9 (N is judged as the job's
# descriptor, never the monitor's); dash's short options spelled like
# bash's long ones (-posix is -p -o vi -s -i), "." of a file known only at
# run time or made by the command, "set" of a run-time word, and a login
# shell by its name ("-sh" runs $HOME/.profile).
# Each shell gets a pipe whose text would append to the marker.
import os, subprocess
mark = os.environ["MARK"]
def run(argv, fd=0):
    r, w = os.pipe()
    os.write(w, ("echo %s >> %s\n" % (argv[-1].replace("/", "_"), mark)).encode())
    os.close(w)
    if fd == 0:
        try:
            subprocess.run(argv, stdin=r, stderr=subprocess.DEVNULL)
        except PermissionError:
            pass                                   # refused: on to the next form
    else:
        pid = os.fork()
        if pid == 0:
            os.dup2(r, fd)
            os.execv(argv[0], argv)
        os.waitpid(pid, 0)
    os.close(r)
run(["/bin/sh", "-sc", "true"])
run(["/bin/sh", "-s", "-c", ":"])
run(["/bin/sh", "-c", ". /dev/stdin"])
run(["/bin/sh", "-c", "source /proc/self/fd/0"])
run(["/bin/sh", "-c", "trap '. /dev/fd/0' EXIT"])
run(["/bin/sh", "-c", "set -s\n"])                # -s set by the command itself
run(["/bin/sh", "-c", "set -o stdin\n:"])
os.system("sh -sc true < /dev/null; echo 'echo system >> %s' | sh -s -c :" % mark)
for n in range(3, 10):
    run(["/bin/sh", "/dev/fd/%d" % n], fd=n)
open("vi", "w").close()                             # a regular file named vi
run(["/bin/sh", "-posix", "vi"])
run(["/bin/sh", "-c", ". -- /dev/stdin #--"])
run(["/bin/sh", "-c", "ln -sf /dev/stdin x; . ./x"])
run(["/bin/sh", "-c", "X=-s; set $X"])
run(["/bin/sh", "-c", "f=/dev/stdin; . $f"])
os.makedirs("home", exist_ok=True)
with open("home/.profile", "w") as f:
    f.write("echo login-profile >> %s\n" % mark)
pid = os.fork()
if pid == 0:
    os.execve("/bin/sh", ["-sh", "-c", "true"], dict(os.environ, HOME=os.path.abspath("home")))
os.waitpid(pid, 0)
