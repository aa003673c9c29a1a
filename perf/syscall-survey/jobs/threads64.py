# 64 threads: locks, conditions, a queue, thread-local data, a ThreadPoolExecutor
import queue, threading
from concurrent.futures import ThreadPoolExecutor
q, lock, total, local = queue.Queue(), threading.Lock(), [0], threading.local()
barrier = threading.Barrier(64)
def work(i):
    local.x = i; barrier.wait()
    for _ in range(200):
        with lock: total[0] += 1
    q.put(i)
ts = [threading.Thread(target=work, args=(i,)) for i in range(64)]
for t in ts: t.start()
for t in ts: t.join()
assert total[0] == 64 * 200 and q.qsize() == 64
with ThreadPoolExecutor(8) as ex: assert sum(ex.map(abs, range(-100, 0))) == 5050
print("threads ok")
