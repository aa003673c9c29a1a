# expect: blocked
# sh reading commands from its input by forms other than a bare "sh": -s
# beside -c or set by the command (sh runs CMD, then reads its input), "."
# of /dev/stdin or of a descriptor, and a script operand that is a pipe
# behind /dev/fd/N for every N from 3 to 9 (N is judged as the job's
# descriptor, never the monitor's); dash's short options spelled like
# bash's long ones (-posix is -p -o vi -s -i), "." of a file known only at
# run time or made by the command, "set" of a run-time word, and a login
# shell by its name ("-sh" runs $HOME/.profile); a link named rbash to dash
# (read as dash), "set -o" of a run-time or glob word, "." of a file the
# command replaces first, and "." of a bare name (PATH is searched).
# Each shell gets a pipe whose text would append to the marker.
import os, re, subprocess
mark = os.environ["MARK"]
def run(argv, fd=0):
    r, w = os.pipe()
    tag = re.sub(r"[^A-Za-z0-9.=-]", "_", argv[-1])   # which form read its input
    os.write(w, ("echo %s >> %s\n" % (tag, mark)).encode())
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
os.makedirs("lnk", exist_ok=True)                  # dash by bash's name: still dash
os.symlink("/bin/dash", "lnk/rbash")
run([os.path.abspath("lnk/rbash"), "-posix", "vi"])
open("stdin", "w").close()                          # what std?n globs to
run(["/bin/sh", "-c", "X=stdin; set -o $X"])
run(["/bin/sh", "-c", "set -o std?n"])
open("y", "w").close()                              # a regular file when judged
run(["/bin/sh", "-c", "ln -sf /dev/stdin y; . ./y"])
os.makedirs("p", exist_ok=True)                     # "." looks a bare name up in PATH
os.symlink("/dev/stdin", "p/x")
run(["/bin/sh", "-c", "PATH=%s; . x" % os.path.abspath("p")])
os.makedirs("home", exist_ok=True)
with open("home/.profile", "w") as f:
    f.write("echo login-profile >> %s\n" % mark)
pid = os.fork()
if pid == 0:
    os.execve("/bin/sh", ["-sh", "-c", "true"], dict(os.environ, HOME=os.path.abspath("home")))
os.waitpid(pid, 0)
