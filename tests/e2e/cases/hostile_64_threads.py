# expect: ok
# stdin: touch "$MARK"\n
# timeout: 120
# 64 threads mixing allowed and denied dangerous calls.
import os, threading
ok = []
lock = threading.Lock()
def work():
    n = 0
    for _ in range(20):
        os.kill(os.getpid(), 0)
        n += os.system("bash") == -1
        try:
            os.setuid(os.getuid())
        except PermissionError:
            n += 1
    with lock:
        ok.append(n)
ts = [threading.Thread(target=work) for _ in range(64)]
for t in ts: t.start()
for t in ts: t.join()
print("OK" if ok == [40] * 64 else sorted(set(ok)))
