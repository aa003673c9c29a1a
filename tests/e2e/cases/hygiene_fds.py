# expect: ok
# The job sees only the descriptors it inherited: none of pysbx-trace's.
import os
fds = sorted(int(f) for f in os.listdir("/proc/self/fd"))
targets = []
for f in fds:
    try:
        if f > 2:
            targets.append(os.readlink("/proc/self/fd/%d" % f))
    except FileNotFoundError:
        pass                                          # listdir's own, closed since
print("OK" if fds[:3] == [0, 1, 2] and not any("mem" in t or "pysbx" in t for t in targets) else targets)
