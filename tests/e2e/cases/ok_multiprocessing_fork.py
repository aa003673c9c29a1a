# expect: ok
# Forked workers are followed and keep working.
import multiprocessing as mp
def sq(x): return x * x
if __name__ == "__main__":
    with mp.get_context("fork").Pool(3) as p:
        print("OK" if p.map(sq, range(100)) == [x * x for x in range(100)] else "wrong")
