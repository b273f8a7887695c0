//! k-means: parameters, checks, and the two engines behind them.
//!
//! - `Engine::Fast` (the default): our own greedy k-means++ and Hamerly-accelerated Lloyd on a
//!   contiguous buffer, in `fast.rs` (distance kernel in `kernel.rs`).
//! - `Engine::Linfa`: linfa-clustering's KMeans, stepped one iteration at a time (below). It is
//!   the reference the fast engine is tested against (`tests/engines.rs`).
//!
//! ## The linfa engine
//!
//! linfa's `KMeans` does not report how many iterations it ran or whether it converged, and its
//! `inertia()` is the *mean* squared distance measured *before* the last centroid update. We
//! need all three as scikit-learn defines them, so each restart runs linfa's own k-means++
//! initialisation and then linfa's own update step (`max_n_iterations(1)` from precomputed
//! centroids), checking linfa's stopping rule (centroid shift < tolerance) ourselves. The
//! arithmetic is linfa's; only the loop is ours. `tests/clustering_oracle.rs` checks that the
//! result equals a plain linfa fit.

use super::fast;
use crate::error::{Result, SegError};
use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{Array2, ArrayView2};
use std::borrow::Cow;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};

/// Which implementation runs the fit. Both return scikit-learn's definitions (see `KMeansFit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Greedy k-means++ + Hamerly-accelerated Lloyd (`fast.rs`).
    #[default]
    Fast,
    /// linfa-clustering's KMeans (k-means++ + m_k-means updates), the reference.
    Linfa,
}

/// Parameters of one k-means fit. Mirrors linfa's builder, with JS-safe integer types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct KMeansParams {
    pub k: u32,
    /// k-means++ restarts; the one with the lowest final inertia wins.
    pub n_runs: u32,
    pub max_iterations: u32,
    /// Stop when the L2 norm of the centroid shift falls below this (linfa's rule).
    pub tolerance: f64,
    pub seed: u32,
    pub engine: Engine,
}

impl Default for KMeansParams {
    fn default() -> Self {
        KMeansParams { k: 6, n_runs: 10, max_iterations: 300, tolerance: 1e-4, seed: 42, engine: Engine::Fast }
    }
}

/// Hard caps that keep a typo from turning into an hour-long run or an out-of-memory trap.
pub const MAX_K: u32 = 256;
pub const MAX_RUNS: u32 = 1000;
pub const MAX_ITERATIONS: u32 = 100_000;

impl KMeansParams {
    /// Check the parameters on their own and against the data they will run on.
    pub fn check(&self, n_rows: usize) -> Result<()> {
        if self.k == 0 || self.k > MAX_K {
            return Err(SegError::option("k", format!("must be between 1 and {MAX_K}, got {}", self.k)));
        }
        if self.n_runs == 0 || self.n_runs > MAX_RUNS {
            return Err(SegError::option("nRuns", format!("must be between 1 and {MAX_RUNS}, got {}", self.n_runs)));
        }
        if self.max_iterations == 0 || self.max_iterations > MAX_ITERATIONS {
            return Err(SegError::option(
                "maxIterations",
                format!("must be between 1 and {MAX_ITERATIONS}, got {}", self.max_iterations),
            ));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(SegError::option("tolerance", format!("must be a positive number, got {}", self.tolerance)));
        }
        if self.k as usize > n_rows {
            return Err(SegError::TooFewRows { k: self.k, rows: n_rows as u32 });
        }
        Ok(())
    }
}

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

/// Largest magnitude accepted in a k-means matrix. Beyond about 1e154 squared distances
/// overflow to infinity, and linfa's k-means++ then panics inside rand (non-finite weights).
pub const MAX_ABS_VALUE: f64 = 1e150;

/// Reject empty, ragged, non-finite or overflow-prone matrices with the row and column at fault.
pub fn check_matrix(data: ArrayView2<f64>) -> Result<()> {
    if data.nrows() == 0 {
        return Err(SegError::EmptyInput { what: "the data matrix has no rows".into() });
    }
    if data.ncols() == 0 {
        return Err(SegError::InvalidMatrix { message: "the data matrix has no columns".into() });
    }
    for (i, row) in data.outer_iter().enumerate() {
        if let Some(j) = row.iter().position(|v| !v.is_finite()) {
            return Err(SegError::InvalidMatrix {
                message: format!("row {i}, column {j}: {} is not a finite number", row[j]),
            });
        }
        if let Some(j) = row.iter().position(|v| v.abs() > MAX_ABS_VALUE) {
            return Err(SegError::InvalidMatrix {
                message: format!("row {i}, column {j}: {:e} is too large (|value| must be ≤ 1e150; rescale the data)", row[j]),
            });
        }
    }
    Ok(())
}

/// Number of distinct rows, stopping early once `enough` is reached (k-means needs k of them).
pub fn count_distinct_rows(data: ArrayView2<f64>, enough: usize) -> usize {
    let mut seen = std::collections::HashSet::new();
    for row in data.outer_iter() {
        // +0.0 and -0.0 are the same point: normalise before hashing the bits.
        let key: Vec<u64> = row.iter().map(|v| (v + 0.0).to_bits()).collect();
        seen.insert(key);
        if seen.len() >= enough {
            break;
        }
    }
    seen.len()
}

/// The RNG for one restart: linfa's default generator, a distinct stream per (seed, restart).
pub fn restart_rng(seed: u32, restart: u32) -> Xoshiro256Plus {
    Xoshiro256Plus::seed_from_u64(((seed as u64) << 32) | restart as u64)
}

/// Run k-means: `n_runs` k-means++ restarts, keep the lowest final inertia (earliest on ties).
/// `on_restart(r)` is called after restart r finishes (for progress reporting).
pub fn fit_kmeans(
    data: ArrayView2<f64>,
    params: &KMeansParams,
    on_restart: &mut dyn FnMut(u32),
) -> Result<KMeansFit> {
    fit_kmeans_counted(data, params, on_restart, &mut fast::Work::default())
}

/// `fit_kmeans`, also counting the distance evaluations of the fast engine (for benchmarks;
/// the linfa engine leaves `work` untouched).
pub fn fit_kmeans_counted(
    data: ArrayView2<f64>,
    params: &KMeansParams,
    on_restart: &mut dyn FnMut(u32),
    work: &mut fast::Work,
) -> Result<KMeansFit> {
    check_fit(data, params)?;
    let best = best_of_restarts_counted(data, params, 0..params.n_runs, on_restart, work)?;
    finish_fit(data, params, best, work)
}

/// The checks `fit_kmeans` makes before it runs: the matrix, the parameters against it, and
/// at least k distinct rows.
pub fn check_fit(data: ArrayView2<f64>, params: &KMeansParams) -> Result<()> {
    check_matrix(data)?;
    params.check(data.nrows())?;
    let distinct = count_distinct_rows(data, params.k as usize);
    if distinct < params.k as usize {
        return Err(SegError::TooFewDistinct { k: params.k, distinct: distinct as u32 });
    }
    Ok(())
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

/// Run restarts `restarts` only, on a matrix that passed [`check_fit`]: the lowest inertia,
/// the earliest restart on ties (`None` for an empty range). [`merge_restarts`] of the shares
/// then [`finish_fit`] equals `fit_kmeans` over every restart, bit for bit.
pub fn best_of_restarts(
    data: ArrayView2<f64>,
    params: &KMeansParams,
    restarts: std::ops::Range<u32>,
    on_restart: &mut dyn FnMut(u32),
) -> Result<Option<RestartBest>> {
    best_of_restarts_counted(data, params, restarts, on_restart, &mut fast::Work::default())
}

fn best_of_restarts_counted(
    data: ArrayView2<f64>,
    params: &KMeansParams,
    restarts: std::ops::Range<u32>,
    on_restart: &mut dyn FnMut(u32),
    work: &mut fast::Work,
) -> Result<Option<RestartBest>> {
    if params.engine == Engine::Fast {
        let slice = row_major(data);
        let rows = fast::Rows { data: &slice, n: data.nrows(), d: data.ncols() };
        return Ok(fast::best_run(rows, params, restarts, on_restart, work));
    }
    let mut best: Option<RestartBest> = None;
    for restart in restarts {
        let run = single_run(data, params, restart)?;
        if best.as_ref().map_or(true, |b| run.inertia < b.inertia) {
            best = Some(RestartBest {
                k: params.k,
                restart,
                inertia: run.inertia,
                centroids: run.centroids.iter().copied().collect(),
                iterations: run.iterations,
                converged: run.converged,
            });
        }
        on_restart(restart);
    }
    Ok(best)
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

/// The fit from the winning run: labels by a full scan (lowest index on ties) and the inertia
/// summed in row order against its centroids.
pub fn finish_fit(
    data: ArrayView2<f64>,
    params: &KMeansParams,
    best: Option<RestartBest>,
    work: &mut fast::Work,
) -> Result<KMeansFit> {
    let best = best.ok_or_else(|| SegError::Clustering { message: "no restart produced a result".into() })?;
    let (k, d) = (params.k as usize, data.ncols());
    if best.k != params.k || best.centroids.len() != k * d {
        return Err(SegError::Clustering {
            message: format!("a restart result for k = {} with {} values does not fit k = {k}, {d} columns", best.k, best.centroids.len()),
        });
    }
    // Both engines' runs are labelled and measured by the same full scan.
    let slice = row_major(data);
    let rows = fast::Rows { data: &slice, n: data.nrows(), d };
    Ok(fast::finish(rows, k, Some(best), work))
}

/// Lloyd from given centroids (row-major k × d, from a sample or a previous model) on a matrix
/// that passed [`check_fit`]: the final centroids, their inertia, the iterations run and
/// whether the tolerance was reached. Both engines' updates converge to the same fixed points,
/// so the fast engine's Lloyd (Hamerly bounds) finishes a start for either engine.
pub fn lloyd_from_start(data: ArrayView2<f64>, params: &KMeansParams, start: Vec<f64>) -> (Vec<f64>, f64, u32, bool) {
    let slice = row_major(data);
    let rows = fast::Rows { data: &slice, n: data.nrows(), d: data.ncols() };
    fast::lloyd_from(rows, start, params, fast::Bounds::Hamerly)
}

/// One restart: linfa's k-means++ init + first update, then linfa update steps until converged.
fn single_run(data: ArrayView2<f64>, params: &KMeansParams, restart: u32) -> Result<KMeansFit> {
    let dataset = DatasetBase::new(data, ());
    let rng = restart_rng(params.seed, restart);
    let step = |init: KMeansInit<f64>| -> Result<Array2<f64>> {
        KMeans::params_with_rng(params.k as usize, rng.clone())
            .n_runs(1)
            .max_n_iterations(1)
            .tolerance(params.tolerance)
            .init_method(init)
            .fit(&dataset)
            .map(|m| m.centroids().clone())
            .map_err(|e| SegError::Clustering { message: e.to_string() })
    };

    // Iteration 1: k-means++ seeding and the first Lloyd update, exactly as linfa's fit does it.
    let mut centroids = step(KMeansInit::KMeansPlusPlus)?;
    let mut iterations = 1;
    let mut converged = false;
    while iterations < params.max_iterations {
        let next = step(KMeansInit::Precomputed(centroids.clone()))?;
        let shift = frobenius_distance(&centroids, &next);
        centroids = next;
        iterations += 1;
        if shift < params.tolerance {
            converged = true;
            break;
        }
    }

    let (labels, sq_dists) = nearest_centroids(data, centroids.view());
    let inertia = sq_dists.iter().sum();
    let sizes = cluster_sizes(&labels, params.k as usize);
    Ok(KMeansFit { labels, centroids, inertia, iterations, converged, sizes })
}

fn frobenius_distance(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt()
}

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
    let table = super::kernel::CentroidTable::new(&cents, k, d);
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn two_blobs() -> Array2<f64> {
        array![[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [5.0, 5.0], [5.1, 5.0], [5.0, 5.1]]
    }

    #[test]
    fn separates_two_blobs_and_reports_sum_inertia() {
        let data = two_blobs();
        let fit = fit_kmeans(data.view(), &KMeansParams { k: 2, ..Default::default() }, &mut |_| {}).unwrap();
        assert_eq!(fit.labels[0], fit.labels[1]);
        assert_eq!(fit.labels[0], fit.labels[2]);
        assert_eq!(fit.labels[3], fit.labels[4]);
        assert_ne!(fit.labels[0], fit.labels[3]);
        // Each blob: centroid (1/30, 1/30); squared distances 2/900 + 5/900 + 5/900 = 12/900.
        assert!((fit.inertia - 2.0 * 12.0 / 900.0).abs() < 1e-9, "inertia {}", fit.inertia);
        assert!(fit.converged);
        assert_eq!(fit.sizes, vec![3, 3]);
    }

    #[test]
    fn same_seed_same_labels() {
        let data = two_blobs();
        let p = KMeansParams { k: 3, seed: 7, ..Default::default() };
        let a = fit_kmeans(data.view(), &p, &mut |_| {}).unwrap();
        let b = fit_kmeans(data.view(), &p, &mut |_| {}).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn rejects_each_bad_parameter() {
        let data = two_blobs();
        let bad = [
            (KMeansParams { k: 0, ..Default::default() }, "INVALID_OPTION"),
            (KMeansParams { k: 7, ..Default::default() }, "TOO_FEW_ROWS"),
            (KMeansParams { k: 2, n_runs: 0, ..Default::default() }, "INVALID_OPTION"),
            (KMeansParams { k: 2, max_iterations: 0, ..Default::default() }, "INVALID_OPTION"),
            (KMeansParams { k: 2, tolerance: 0.0, ..Default::default() }, "INVALID_OPTION"),
            (KMeansParams { k: 2, tolerance: f64::NAN, ..Default::default() }, "INVALID_OPTION"),
        ];
        for (p, code) in bad {
            let err = fit_kmeans(data.view(), &p, &mut |_| {}).unwrap_err();
            assert_eq!(err.code(), code, "{p:?}");
        }
    }

    #[test]
    fn rejects_non_finite_and_too_few_distinct() {
        let mut data = two_blobs();
        data[[4, 1]] = f64::NAN;
        let err = fit_kmeans(data.view(), &KMeansParams { k: 2, ..Default::default() }, &mut |_| {}).unwrap_err();
        assert_eq!(err.code(), "INVALID_MATRIX");
        assert!(err.to_string().contains("row 4, column 1"), "{err}");

        let same = Array2::from_elem((5, 3), 1.0);
        let err = fit_kmeans(same.view(), &KMeansParams { k: 2, ..Default::default() }, &mut |_| {}).unwrap_err();
        assert_eq!(err, SegError::TooFewDistinct { k: 2, distinct: 1 });
    }

    #[test]
    fn max_iterations_one_is_not_converged() {
        let data = two_blobs();
        let p = KMeansParams { k: 2, max_iterations: 1, ..Default::default() };
        let fit = fit_kmeans(data.view(), &p, &mut |_| {}).unwrap();
        assert_eq!(fit.iterations, 1);
        assert!(!fit.converged);
    }
}
