# expect: ok
# The forkserver start method works under the monitor.
import multiprocessing as mp
def sq(x): return x * x
if __name__ == "__main__":
    with mp.get_context("forkserver").Pool(2) as p:
        print("OK" if p.map(sq, range(50)) == [x * x for x in range(50)] else "wrong")
