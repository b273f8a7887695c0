//! Warm starts for a fixed-k fit (a refresh against a saved model): the label groups' means as
//! one extra Lloyd start next to the k-means++ restarts; the lower inertia wins.

use super::kmeans::lloyd_from_start;
use super::nearest::{cluster_sizes, nearest_centroids};
use super::params::{KMeansParams, Spread};
use super::restarts::KMeansFit;
use ndarray::{Array2, ArrayView2};

/// Means of the label groups (row-major k × d); None when a label is out of range or a group is
/// empty (k-means++ alone then decides).
fn warm_centroids(x: ArrayView2<f64>, labels: &[u32], k: usize) -> Option<Vec<f64>> {
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

/// The fixed-k fit `best` (the restarts' winner), or Lloyd from the label groups' means when
/// that ends with a lower inertia; also says whether the warm start won. `labels` is a label
/// per row (0..k−1), e.g. the nearest centroid of a previous model; it is not used when a label
/// is out of range or a group is empty.
pub(crate) fn fit_with_warm_start(x: ArrayView2<f64>, labels: &[u32], params: &KMeansParams, best: KMeansFit) -> (KMeansFit, bool) {
    match warm_centroids(x, labels, params.k as usize) {
        Some(init) => warm_fit(x, init, params, best),
        None => (best, false),
    }
}

/// Lloyd from the warm-start centroids ([`lloyd_from_start`]); keep it only if its inertia is
/// lower than the restarts' best. Both inertias are computed the same way, by a full scan.
fn warm_fit(x: ArrayView2<f64>, init: Vec<f64>, params: &KMeansParams, best: KMeansFit) -> (KMeansFit, bool) {
    let (centroids, _, iterations, converged) = lloyd_from_start(x, params, Spread::of(x), init);
    let k = params.k as usize;
    let Ok(centroids) = Array2::from_shape_vec((k, x.ncols()), centroids) else { return (best, false) };
    let (labels, dists) = nearest_centroids(x, centroids.view());
    let inertia: f64 = dists.iter().sum();
    let best_inertia: f64 = nearest_centroids(x, best.centroids.view()).1.iter().sum();
    if inertia < best_inertia {
        let sizes = cluster_sizes(&labels, k);
        (KMeansFit { labels, centroids, inertia, iterations, converged, sizes }, true)
    } else {
        (best, false)
    }
}
