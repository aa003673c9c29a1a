# expect: ok
# timeout: 120
# min-python: 3.9
# 200 processes forked in a burst, all traced and reaped.
import os
pids = []
for i in range(200):
    pid = os.fork()
    if pid == 0:
        os._exit(i % 7)
    pids.append((pid, i % 7))
bad = [p for p, want in pids if os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) != want]
print("OK" if not bad else bad[:5])
