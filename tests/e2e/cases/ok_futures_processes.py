# expect: ok
# concurrent.futures: threads starting processes, and a process pool.
import concurrent.futures as cf, subprocess
def run(i):
    return subprocess.run(["echo", str(i)], capture_output=True, text=True).stdout.strip()
def sq(x): return x * x
if __name__ == "__main__":
    with cf.ThreadPoolExecutor(4) as ex:
        a = sorted(ex.map(run, range(8)), key=int)
    with cf.ProcessPoolExecutor(2) as ex:
        b = list(ex.map(sq, range(20)))
    print("OK" if a == [str(i) for i in range(8)] and b == [x * x for x in range(20)] else (a, b))
