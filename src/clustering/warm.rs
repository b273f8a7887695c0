//! Warm starts for a fixed-k fit (a refresh against a saved model): the label groups' means as
//! one extra Lloyd start next to the k-means++ restarts; the lower inertia wins.

use crate::clustering::kmeans::{cluster_sizes, nearest_centroids, KMeansParams};

/// Means of the label groups (row-major k × d); None when a label is out of range or a group is
/// empty (k-means++ alone then decides).
pub(crate) fn warm_centroids(x: ndarray::ArrayView2<f64>, labels: &[u32], k: usize) -> Option<Vec<f64>> {
    let d = x.ncols();
    if labels.len() != x.nrows() {
        return None;
    }
    let mut sums = vec![0.0; k * d];
    let mut counts = vec![0usize; k];
    for (row, &l) in x.outer_iter().zip(labels) {
        let l = l as usize;
        if l >= k {
            return None;
        }
        counts[l] += 1;
        for (acc, v) in sums[l * d..(l + 1) * d].iter_mut().zip(row.iter()) {
            *acc += v;
        }
    }
    if counts.contains(&0) {
        return None;
    }
    for (c, &n) in counts.iter().enumerate() {
        sums[c * d..(c + 1) * d].iter_mut().for_each(|v| *v /= n as f64);
    }
    Some(sums)
}

/// Lloyd from the warm-start centroids (the fast engine's Lloyd, whichever engine ran the
/// restarts: both converge to the same fixed points); keep it only if its inertia is lower
/// than the restarts' best. Both inertias are computed the same way, by a full scan.
pub(crate) fn warm_fit(
    x: ndarray::ArrayView2<f64>,
    init: Vec<f64>,
    params: &KMeansParams,
    best: crate::clustering::kmeans::KMeansFit,
) -> (crate::clustering::kmeans::KMeansFit, bool) {
    use crate::clustering::fast::{lloyd_from, Bounds, Rows};
    let owned = x.as_standard_layout();
    let Some(slice) = owned.as_slice() else { return (best, false) };
    let rows = Rows { data: slice, n: x.nrows(), d: x.ncols() };
    let (centroids, _, iterations, converged) = lloyd_from(rows, init, params, Bounds::Hamerly);
    let k = params.k as usize;
    let Ok(centroids) = ndarray::Array2::from_shape_vec((k, x.ncols()), centroids) else { return (best, false) };
    let (labels, dists) = nearest_centroids(x, centroids.view());
    let inertia: f64 = dists.iter().sum();
    let best_inertia: f64 = nearest_centroids(x, best.centroids.view()).1.iter().sum();
    if inertia < best_inertia {
        let sizes = cluster_sizes(&labels, k);
        (crate::clustering::kmeans::KMeansFit { labels, centroids, inertia, iterations, converged, sizes }, true)
    } else {
        (best, false)
    }
}
