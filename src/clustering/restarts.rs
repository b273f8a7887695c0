//! The outcome of a fit and of a range of restarts, each restart's RNG stream, and merging
//! restarts run in shares (by the worker pool) into what one sequential loop keeps.

use ndarray::Array2;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};

/// The outcome of a k-means fit, with scikit-learn's definitions.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansFit {
    /// Nearest final centroid per row.
    pub labels: Vec<u32>,
    /// k × d final centroids.
    pub centroids: Array2<f64>,
    /// Sum over rows of the squared distance to the nearest final centroid.
    pub inertia: f64,
    /// Lloyd iterations run by the winning restart.
    pub iterations: u32,
    /// Whether the winning restart stopped on tolerance (not on max_iterations).
    pub converged: bool,
    /// Rows per cluster, counted from `labels`.
    pub sizes: Vec<u32>,
}

/// The RNG for one restart: linfa's default generator, a distinct stream per (seed, restart).
pub fn restart_rng(seed: u32, restart: u32) -> Xoshiro256Plus {
    Xoshiro256Plus::seed_from_u64(((seed as u64) << 32) | restart as u64)
}

/// The winning run of a range of restarts, before relabelling: what a worker of the pool
/// (`js/worker/`) computes for its share of the restarts and sends back (k × d centroids).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestartBest {
    pub k: u32,
    /// Index of the winning restart (its RNG stream is `restart_rng(seed, restart)`).
    pub restart: u32,
    /// The inertia restarts are compared by (the engine's own measure of the run).
    pub inertia: f64,
    /// Row-major k × d.
    pub centroids: Vec<f64>,
    pub iterations: u32,
    pub converged: bool,
}

/// Merge the winners of disjoint restart ranges exactly as one sequential loop over every
/// restart would: in restart order, a later run wins only with a strictly lower inertia.
pub fn merge_restarts(parts: impl IntoIterator<Item = RestartBest>) -> Option<RestartBest> {
    let mut parts: Vec<RestartBest> = parts.into_iter().collect();
    crate::sort::sort_by_key(&mut parts, |p| p.restart);
    let mut best: Option<RestartBest> = None;
    for p in parts {
        if best.as_ref().map_or(true, |b| p.inertia < b.inertia) {
            best = Some(p);
        }
    }
    best
}
