# expect: blocked
# After the exec stop approves a program, another process of the job could
# rewrite its argv (sh -c CMD into sh -s) through /proc/<pid>/mem.  Here the
# parent opens its child's memory for writing and writes back the byte that
# is already there (harmless); succeeding is the escape.
import os, time
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    os.write(w, b"x")
    time.sleep(2)
    os._exit(0)
os.close(w)
os.read(r, 1)
done = []
for target in (pid, os.getpid()):
    try:
        with open("/proc/%d/mem" % target, "r+b", buffering=0) as mem:
            addr = int(open("/proc/%d/maps" % target).readline().split("-")[0], 16)
            mem.seek(addr)
            b = mem.read(1)
            mem.seek(addr)
            mem.write(b)
            done.append(target)
    except OSError as e:
        print("refused:", e)
os.kill(pid, 9)
os.waitpid(pid, 0)
if done:
    open(os.environ["MARK"], "w").write("wrote /proc/<pid>/mem of %s\n" % done)
