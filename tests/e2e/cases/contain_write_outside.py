# expect: blocked
# The job leaves nothing that runs outside it: no file in its user's home (the
# start-up files, a user site-packages .pth), none in system directories, no
# write to /proc/sys (the same value written back: harmless).  Each attempt
# creates an empty file it removes at once, or writes back what is there.
import os, site, sys
made = []
def try_create(path):
    try:
        if not os.path.isdir(os.path.dirname(path)):
            return
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        os.unlink(path)
        made.append(path)
    except OSError as e:
        print("refused:", path, e.strerror)
home = os.path.expanduser("~")
tag = "pysbx-e2e-%d" % os.getpid()
try_create(os.path.join(home, "." + tag))
try_create(os.path.join(site.getusersitepackages(), tag + ".pth"))
for d in ("/usr/local/lib", "/etc", "/usr/local/bin", site.getsitepackages()[0]):
    try_create(os.path.join(d, tag))
try:
    cur = open("/proc/sys/kernel/core_pattern").read()
    with open("/proc/sys/kernel/core_pattern", "w") as f:
        f.write(cur)
    made.append("/proc/sys/kernel/core_pattern")
except OSError as e:
    print("refused: core_pattern", e.strerror)
if made:
    open(os.environ["MARK"], "w").write("wrote outside the job: %s\n" % made)
