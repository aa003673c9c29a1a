"""numpy_matmul: dense float64 matrix products on BLAS threads.

numpy's matmul calls the system BLAS (OpenBLAS with pthreads when installed),
which runs on one thread per core: the monitor must trace those threads without
slowing them. The runner skips this workload when numpy is not installed.
"""
import os
import sys

import numpy as np
import worktime

SIZE = 1200
ROUNDS = 8


def blas_library():
    """The BLAS shared object this process mapped, for the record."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "blas" in os.path.basename(path):
                return path
    return None


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    rng = np.random.default_rng(5)
    a = rng.standard_normal((SIZE, SIZE))
    b = rng.standard_normal((SIZE, SIZE))
    c = a
    for _ in range(rounds):
        c = (c @ b) / SIZE
    if not np.isfinite(c).all():
        sys.exit("numpy_matmul: result is not finite")
    return {"blas": blas_library(), "threads": len(os.listdir("/proc/self/task"))}


if __name__ == "__main__":
    worktime.run(main)
