# multiprocessing Pool, Queue, Manager and shared_memory under all three start methods
import multiprocessing as mp
from multiprocessing import shared_memory

def sq(x):
    return x * x

def child(q):
    q.put("hello")

if __name__ == "__main__":
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        with ctx.Pool(2) as pool:
            assert pool.map(sq, range(20)) == [x * x for x in range(20)]
        q = ctx.Queue(); p = ctx.Process(target=child, args=(q,)); p.start()
        assert q.get(timeout=30) == "hello"; p.join()
        with ctx.Manager() as m:
            d = m.dict(); d["k"] = 1; assert d["k"] == 1
        print(method, "ok")
    shm = shared_memory.SharedMemory(create=True, size=4096); shm.buf[0] = 1; shm.close(); shm.unlink()
