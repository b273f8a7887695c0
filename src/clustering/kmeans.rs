//! k-means: the one entry to the engines. Every fit, share of restarts and refinement goes
//! through here and is dispatched to the engine its parameters name.
//!
//! - `Engine::Fast` (the default): k-means++ seeding with linfa's draws and Hamerly-accelerated Lloyd on a
//!   contiguous buffer, in `fast.rs` (distance kernel in `kernel.rs`).
//! - `Engine::Linfa`: linfa-clustering's KMeans, stepped one iteration at a time
//!   (`linfa_engine.rs`). It is the reference the fast engine is tested against
//!   (`tests/engines.rs`); builds without the `linfa-engine` feature (the segmentation wasm
//!   module) answer it with `ENGINE_MISSING` before any work.
//!
use super::fast;
use super::nearest::row_major;
use crate::error::{Result, SegError};
use ndarray::ArrayView2;

// The names callers outside `clustering` use, from where they are defined.
pub use super::nearest::{cluster_sizes, for_each_nearest, nearest_centroids, sq_dist};
pub use super::params::{check_fit, check_matrix, count_distinct_rows, Engine, KMeansParams, Spread, MAX_ABS_VALUE};
pub use super::restarts::{merge_restarts, restart_rng, KMeansFit, RestartBest};

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
    let best = best_of_restarts_counted(data, params, Spread::of(data), 0..params.n_runs, on_restart, work)?;
    finish_fit(data, params, best, work)
}

/// Run restarts `restarts` only, on a matrix that passed `check_fit` (`spread`: its
/// [`Spread::of`], measured once for all the shares): the lowest inertia, the earliest restart on
/// ties (`None` for an empty range). [`merge_restarts`] of the shares then [`finish_fit`] equals
/// `fit_kmeans` over every restart, bit for bit.
pub fn best_of_restarts(
    data: ArrayView2<f64>,
    params: &KMeansParams,
    spread: Spread,
    restarts: std::ops::Range<u32>,
    on_restart: &mut dyn FnMut(u32),
) -> Result<Option<RestartBest>> {
    best_of_restarts_counted(data, params, spread, restarts, on_restart, &mut fast::Work::default())
}

fn best_of_restarts_counted(
    data: ArrayView2<f64>,
    params: &KMeansParams,
    spread: Spread,
    restarts: std::ops::Range<u32>,
    on_restart: &mut dyn FnMut(u32),
    work: &mut fast::Work,
) -> Result<Option<RestartBest>> {
    if params.engine == Engine::Fast {
        let slice = row_major(data);
        let rows = fast::Rows { data: &slice, n: data.nrows(), d: data.ncols() };
        return Ok(fast::best_run(rows, params, spread, restarts, on_restart, work));
    }
    linfa_best_run(data, params, spread, restarts, on_restart)
}

#[cfg(feature = "linfa-engine")]
fn linfa_best_run(
    data: ArrayView2<f64>,
    params: &KMeansParams,
    spread: Spread,
    restarts: std::ops::Range<u32>,
    on_restart: &mut dyn FnMut(u32),
) -> Result<Option<RestartBest>> {
    super::linfa_engine::best_run(data, params, spread, restarts, on_restart)
}

#[cfg(not(feature = "linfa-engine"))]
fn linfa_best_run(_: ArrayView2<f64>, _: &KMeansParams, _: Spread, _: std::ops::Range<u32>, _: &mut dyn FnMut(u32)) -> Result<Option<RestartBest>> {
    Err(SegError::EngineMissing { engine: "linfa".into() })
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
/// that passed [`check_fit`] (`spread`: its [`Spread::of`]): the final centroids, their
/// inertia, the iterations run and whether the tolerance was reached. Both engines' updates converge to the same fixed points,
/// so the fast engine's Lloyd (Hamerly bounds) finishes a start for either engine.
pub fn lloyd_from_start(data: ArrayView2<f64>, params: &KMeansParams, spread: Spread, start: Vec<f64>) -> (Vec<f64>, f64, u32, bool) {
    let slice = row_major(data);
    let rows = fast::Rows { data: &slice, n: data.nrows(), d: data.ncols() };
    fast::lloyd_from(rows, start, params, spread, fast::Bounds::Hamerly)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
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

    /// The reference engine is in builds with the `linfa-engine` feature only; the others
    /// (the segmentation wasm module) answer it with ENGINE_MISSING before any work.
    #[test]
    fn the_linfa_engine_is_there_only_with_its_feature() {
        let p = KMeansParams { k: 2, engine: Engine::Linfa, ..Default::default() };
        let fit = fit_kmeans(two_blobs().view(), &p, &mut |_| {});
        if cfg!(feature = "linfa-engine") {
            assert!(fit.is_ok(), "{fit:?}");
        } else {
            let err = fit.unwrap_err();
            assert_eq!(err.code(), "ENGINE_MISSING");
            assert!(err.to_string().contains("tools module"), "{err}");
        }
        // segment() says so before it reads anything.
        let options = crate::segmentation::SegmentOptions { engine: Engine::Linfa, ..Default::default() };
        assert_eq!(options.check().err().map(|e| e.code()), (!cfg!(feature = "linfa-engine")).then_some("ENGINE_MISSING"));
        assert!(Engine::Fast.check_available().is_ok());
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
