# expect: ok
# Spawned workers run the interpreter again; they are hooked too.
import multiprocessing as mp, os
def probe(_):
    return os.system("bash -c true")
if __name__ == "__main__":
    with mp.get_context("spawn").Pool(2) as p:
        r = p.map(probe, range(4))
    print("OK" if r == [-1] * 4 else r)
