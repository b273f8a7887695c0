//! The reference engine: linfa-clustering's KMeans (`engine: "linfa"`), stepped one iteration
//! at a time. Only in builds with the `linfa-engine` feature (native, the tools wasm module).
//!
//! linfa's `KMeans` does not report how many iterations it ran or whether it converged, and its
//! `inertia()` is the *mean* squared distance measured *before* the last centroid update. We
//! need all three as scikit-learn defines them, so each restart runs linfa's own k-means++
//! initialisation and then linfa's own update step (`max_n_iterations(1)` from precomputed
//! centroids), checking the stopping rule both engines share ([`Spread::stop_shift`])
//! ourselves. The arithmetic is linfa's; only the loop is ours. `tests/clustering_oracle.rs` checks that the
//! result equals a plain linfa fit.

use super::nearest::{cluster_sizes, nearest_centroids};
use super::params::{KMeansParams, Spread};
use super::restarts::{restart_rng, KMeansFit, RestartBest};
use crate::error::{Result, SegError};
use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{Array2, ArrayView2};

/// Restarts `restarts` on a matrix that passed `check_fit`: the lowest inertia, the earliest
/// restart on ties (`None` for an empty range). `on_restart(r)` after restart r.
pub fn best_run(
    data: ArrayView2<f64>,
    params: &KMeansParams,
    spread: Spread,
    restarts: std::ops::Range<u32>,
    on_restart: &mut dyn FnMut(u32),
) -> Result<Option<RestartBest>> {
    let mut best: Option<RestartBest> = None;
    // linfa's own rule is a strict `shift < tolerance` with a positive tolerance.
    let stop = spread.stop_shift(params.tolerance).max(f64::MIN_POSITIVE);
    for restart in restarts {
        let run = single_run(data, params, stop, restart)?;
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

/// One restart: linfa's k-means++ init + first update, then linfa update steps until converged.
fn single_run(data: ArrayView2<f64>, params: &KMeansParams, stop: f64, restart: u32) -> Result<KMeansFit> {
    let dataset = DatasetBase::new(data, ());
    let rng = restart_rng(params.seed, restart);
    let step = |init: KMeansInit<f64>| -> Result<Array2<f64>> {
        KMeans::params_with_rng(params.k as usize, rng.clone())
            .n_runs(1)
            .max_n_iterations(1)
            .tolerance(stop)
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
        if shift < stop {
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

