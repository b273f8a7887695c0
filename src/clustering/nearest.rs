//! Nearest centroids for the whole crate: squared distances through the engine's kernel
//! (`kernel.rs`), labels, cluster sizes, so every inertia and metric is summed as the fast
//! engine sums it.

use super::kernel::CentroidTable;
use ndarray::ArrayView2;
use std::borrow::Cow;

/// Squared Euclidean distance between two equally long slices (the fast engine's kernel, so
/// every inertia and metric is summed in the order the fast engine sums it).
#[inline]
pub fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    super::kernel::sq_dist(a, b)
}

/// `data` as one row-major slice: borrowed when it already is (the feature pipeline's output is),
/// copied otherwise.
pub fn row_major(data: ArrayView2<'_, f64>) -> Cow<'_, [f64]> {
    match data.to_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(data.iter().copied().collect()),
    }
}

/// Calls `f(row, nearest, squared distance, second squared distance)` for every row of `data`,
/// through the one nearest-centroid routine (`kernel::CentroidTable`).
pub fn for_each_nearest(data: ArrayView2<f64>, centroids: ArrayView2<f64>, mut f: impl FnMut(usize, u32, f64, f64)) {
    let (k, d) = centroids.dim();
    let width = data.ncols(); // = d whenever the data went through the centroids' pipeline
    let (rows, cents) = (row_major(data), row_major(centroids));
    let table = CentroidTable::new(&cents, k, d);
    let mut scratch = vec![0.0; k];
    table.for_each_nearest(&rows, data.nrows(), width, &mut scratch, &mut |i, (best, d1, d2)| f(i, best, d1, d2));
}

/// Nearest centroid (lowest index on ties, as linfa) and its squared distance, per row.
pub fn nearest_centroids(data: ArrayView2<f64>, centroids: ArrayView2<f64>) -> (Vec<u32>, Vec<f64>) {
    let mut labels = Vec::with_capacity(data.nrows());
    let mut dists = Vec::with_capacity(data.nrows());
    for_each_nearest(data, centroids, |_, best, best_d, _| {
        labels.push(best);
        dists.push(best_d);
    });
    (labels, dists)
}

/// Rows per cluster, from the labels (linfa's `cluster_count()` is wrong when n_runs > 1).
pub fn cluster_sizes(labels: &[u32], k: usize) -> Vec<u32> {
    let mut sizes = vec![0u32; k];
    for &l in labels {
        if let Some(s) = sizes.get_mut(l as usize) {
            *s += 1;
        }
    }
    sizes
}
