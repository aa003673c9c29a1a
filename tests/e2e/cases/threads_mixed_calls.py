# expect: ok
# stdin: touch "$MARK"\n
# 8 threads making allowed and denied calls at the same time.
import os, threading
results = []
lock = threading.Lock()
def work():
    ok = 0
    for _ in range(40):
        os.kill(os.getpid(), 0)                 # allowed
        if os.system("bash") == -1:             # denied
            ok += 1
        try:
            os.setuid(os.getuid())              # denied
        except PermissionError:
            ok += 1
    with lock:
        results.append(ok)
ts = [threading.Thread(target=work) for _ in range(8)]
for t in ts: t.start()
for t in ts: t.join()
print("OK" if results == [80] * 8 else results)
