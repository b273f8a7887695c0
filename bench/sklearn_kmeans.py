"""scikit-learn's KMeans on one thread, on a matrix file bench/run.mjs wrote (see bench/README.md).

    python bench/sklearn_kmeans.py <matrix.bin> <k> <n_init> <seed> <reps>

Matrix: "HCPM", u32 n, u32 d (little-endian), then n*d f64 little-endian, row-major.
Prints one JSON line: {"engine", "version", "ms": [per rep], "inertia", "iterations"}.
Only fit() is timed; inertia is the sum of squared distances to the final centroids, computed
here the same way for every engine.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits


def read_matrix(path):
    raw = open(path, "rb").read()
    if raw[:4] != b"HCPM":
        sys.exit(f"{path}: not an HCPM matrix file")
    n, d = np.frombuffer(raw, dtype="<u4", count=2, offset=4)
    return np.frombuffer(raw, dtype="<f8", count=int(n) * int(d), offset=12).reshape(int(n), int(d)).copy()


def main():
    path, k, n_init, seed, reps = sys.argv[1], *map(int, sys.argv[2:6])
    x = read_matrix(path)
    ms, model = [], None
    # One thread for OpenMP (sklearn's Lloyd) and BLAS alike.
    with threadpool_limits(limits=1):
        for _ in range(reps):
            t = time.perf_counter()
            model = KMeans(n_clusters=k, n_init=n_init, algorithm="lloyd", random_state=seed).fit(x)
            ms.append((time.perf_counter() - t) * 1e3)
    c = model.cluster_centers_
    d2 = (x * x).sum(1)[:, None] - 2 * x @ c.T + (c * c).sum(1)[None, :]
    nearest = d2.argmin(1)
    inertia = float(((x - c[nearest]) ** 2).sum())
    print(json.dumps({"engine": "sklearn", "version": sklearn.__version__, "ms": ms, "inertia": inertia,
                      "iterations": int(model.n_iter_)}))


main()
