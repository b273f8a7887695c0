"""Regenerate the scikit-learn oracle fixtures used by tests/clustering_oracle.rs.

Run: python3 tests/data/make_sklearn_fixtures.py   (needs scikit-learn; not needed by CI,
which only reads the committed outputs). The values are scikit-learn's, not ours.
"""
import json, pathlib
import numpy as np
import sklearn
from sklearn.datasets import load_iris
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score, silhouette_samples, calinski_harabasz_score, davies_bouldin_score

here = pathlib.Path(__file__).parent
X = load_iris().data
with open(here / "iris.csv", "w") as f:
    f.write("sepal_length,sepal_width,petal_length,petal_width\n")
    for row in X:
        f.write(",".join(repr(float(v)) for v in row) + "\n")

km = KMeans(n_clusters=3, n_init=10, random_state=0, algorithm="lloyd").fit(X)
labels = km.labels_
s = silhouette_samples(X, labels)
out = {
    "sklearn_version": sklearn.__version__,
    "iris_k3_best_inertia": float(km.inertia_),
    "iris_k3_labels": [int(v) for v in labels],
    "iris_k3_silhouette": float(silhouette_score(X, labels)),
    "iris_k3_silhouette_per_cluster": [float(s[labels == c].mean()) for c in range(3)],
    "iris_k3_calinski_harabasz": float(calinski_harabasz_score(X, labels)),
    "iris_k3_davies_bouldin": float(davies_bouldin_score(X, labels)),
}
for k in (2, 4, 5):
    l = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X).labels_
    out[f"iris_k{k}"] = {
        "labels": [int(v) for v in l],
        "silhouette": float(silhouette_score(X, l)),
        "calinski_harabasz": float(calinski_harabasz_score(X, l)),
        "davies_bouldin": float(davies_bouldin_score(X, l)),
    }
(here / "sklearn_iris.json").write_text(json.dumps(out) + "\n")
print(out["iris_k3_best_inertia"], out["iris_k3_silhouette"], out["sklearn_version"])
