# expect: blocked
# sh reading commands from its input by forms other than a bare "sh": -s
# beside -c or set by the command (sh runs CMD, then reads its input), "."
# of /dev/stdin or of a descriptor, and a script operand that is a pipe
# behind /dev/fd/N for every N from 3 to 9 (N is judged as the job's
# descriptor, never the monitor's).
# Each shell gets a pipe whose text would append to the marker.
import os, subprocess
mark = os.environ["MARK"]
def run(argv, fd=0):
    r, w = os.pipe()
    os.write(w, ("echo %s >> %s\n" % (argv[-1].replace("/", "_"), mark)).encode())
    os.close(w)
    if fd == 0:
        subprocess.run(argv, stdin=r, stderr=subprocess.DEVNULL)
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
