# numpy matmul on OpenBLAS threads (OPENBLAS_NUM_THREADS is left to the default: one per core)
import numpy as np
a = np.random.default_rng(1).random((800, 800))
for _ in range(5):
    b = a @ a
print("numpy", np.__version__, float(b.sum()) > 0)
