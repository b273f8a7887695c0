//! The k sweep on a seeded sample of the rows (`sweepSample`), for k: "auto" on many rows:
//! every k of the range is fitted on the sample, each restart kept; the chosen k's best few
//! sample solutions are then refined by Lloyd on every row.

use super::kmeans::{best_of_restarts, finish_fit, lloyd_from_start};
use super::params::{check_fit, KMeansParams, Spread};
use super::restarts::{merge_restarts, KMeansFit, RestartBest};
use super::metrics::SampleDistances;
use super::sweep::{choose_k, rule_out_small, score_k, sweep_ks, KSweep, RULE};
use crate::error::{Result, SegError};
use ndarray::{Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// A sweep on a sample: the table and chosen k (`refined_starts` set), and the chosen k's
/// sample solutions to refine on every row ([`refine_on_all_rows`]).
pub struct SampledSweep {
    pub sweep: KSweep,
    pub starts: Vec<RestartBest>,
}

/// Fit every k of `k_min..=k_max` on the sample `xs` (of `all_rows` rows), each restart kept
/// (the pool keeps them too, one share per restart, so both refine the same starts); score
/// each k on `sample`, rule out the ks leaving a segment under `min_segment_size` HCPs (scaled
/// to the sample) and choose one by [`RULE`]. `on_fit(k, restart)` reports progress.
pub fn sweep_on_sample(
    xs: ArrayView2<f64>,
    all_rows: usize,
    k_min: u32,
    k_max: u32,
    base: &KMeansParams,
    sample: &SampleDistances,
    min_segment_size: u32,
    on_fit: &mut dyn FnMut(u32, u32),
) -> Result<SampledSweep> {
    let mut rows = Vec::new();
    let mut restarts_by_k = Vec::new();
    let spread = Spread::of(xs);
    for k in sweep_ks(xs, k_min, k_max, base)? {
        let params = KMeansParams { k, ..base.clone() };
        let mut restarts = Vec::new();
        for r in 0..params.n_runs {
            restarts.extend(best_of_restarts(xs, &params, spread, r..r + 1, &mut |r| on_fit(k, r))?);
        }
        let fit = finish_fit(xs, &params, merge_restarts(restarts.iter().cloned()), &mut Default::default())?;
        rows.push(score_k(xs, sample, &fit));
        restarts_by_k.push((k, restarts));
    }
    rule_out_small(&mut rows, min_segment_size, xs.nrows(), all_rows);
    let chosen_k = choose_k(&rows, min_segment_size, xs.nrows(), all_rows);
    let chosen = restarts_by_k.into_iter().find(|(k, _)| *k == chosen_k).map(|(_, r)| r).unwrap_or_default();
    let starts = refine_starts(chosen);
    let sweep = KSweep {
        rows,
        chosen_k,
        rule: RULE.to_string(),
        sample_size: xs.nrows() as u32,
        sampled: true,
        refined_starts: starts.len() as u32,
        min_segment_size,
    };
    Ok(SampledSweep { sweep, starts })
}

/// How many of the sample's best distinct solutions for the chosen k a sampled sweep refines
/// on every row, instead of running `nRuns` fresh k-means++ restarts there: those start close
/// to a fixed point, so a few Lloyd iterations on every row finish them, where a fresh restart
/// needs its seeding passes and tens of iterations over every row.
pub const REFINE_STARTS: usize = 3;

/// The solutions a sampled sweep refines on every row: the chosen k's restarts on the sample,
/// best first (lowest inertia, earliest restart on ties), one per distinct inertia (restarts
/// that reached the same solution are refined once), at most [`REFINE_STARTS`]. Depends only
/// on the set of restarts, not on their order or on how they were split over workers.
pub fn refine_starts(parts: impl IntoIterator<Item = RestartBest>) -> Vec<RestartBest> {
    let mut parts: Vec<RestartBest> = parts.into_iter().collect();
    crate::sort::sort_by(&mut parts, |a, b| a.inertia.total_cmp(&b.inertia).then(a.restart.cmp(&b.restart)));
    let mut picked: Vec<RestartBest> = Vec::new();
    for p in parts {
        if picked.len() == REFINE_STARTS {
            break;
        }
        // Same solution up to rounding: the summation order on the sample differs by run only
        // in the last bits.
        if picked.iter().any(|q| (q.inertia - p.inertia).abs() <= 1e-9 * q.inertia.abs().max(1e-300)) {
            continue;
        }
        picked.push(p);
    }
    picked
}

/// Refine each start (k × d centroids from the sample) by Lloyd on every row of `data`
/// ([`lloyd_from_start`]); the lowest inertia on every row wins, the earlier start on ties.
/// `on_start(i)` is called after start i. The fit is labelled and measured by a full scan, as
/// every fit is. The worker pool runs the same steps spread over its workers:
/// [`refine_start`] for each start wherever, then [`finish_refined`] in start order.
pub fn refine_on_all_rows(
    data: ArrayView2<f64>,
    params: &KMeansParams,
    starts: Vec<RestartBest>,
    on_start: &mut dyn FnMut(u32),
) -> Result<KMeansFit> {
    check_fit(data, params)?;
    let spread = Spread::of(data);
    let mut refined = Vec::with_capacity(starts.len());
    for (i, start) in starts.into_iter().enumerate() {
        refined.push(refine_start(data, params, spread, start)?);
        on_start(i as u32);
    }
    finish_refined(data, params, refined)
}

/// One sample solution refined on every row of `data` (`spread`: its [`Spread::of`]): its
/// centroids, inertia on every row, iterations and convergence, under the start's restart index.
pub fn refine_start(data: ArrayView2<f64>, params: &KMeansParams, spread: Spread, start: RestartBest) -> Result<RestartBest> {
    let (k, d) = (params.k as usize, data.ncols());
    if start.k != params.k || start.centroids.len() != k * d {
        return Err(SegError::Clustering {
            message: format!("a sample solution for k = {} with {} values does not fit k = {k}, {d} columns", start.k, start.centroids.len()),
        });
    }
    let (centroids, inertia, iterations, converged) = lloyd_from_start(data, params, spread, start.centroids);
    Ok(RestartBest { k: params.k, restart: start.restart, inertia, centroids, iterations, converged })
}

/// The refined starts (in start order) → the fit: the lowest inertia wins, the earlier start on
/// ties; labelled and measured by a full scan, as every fit is.
pub fn finish_refined(data: ArrayView2<f64>, params: &KMeansParams, refined: Vec<RestartBest>) -> Result<KMeansFit> {
    let mut best: Option<RestartBest> = None;
    for r in refined {
        if best.as_ref().map_or(true, |b| r.inertia < b.inertia) {
            best = Some(r);
        }
    }
    finish_fit(data, params, best, &mut Default::default())
}

/// `sweepSample`: how many rows the k sweep runs on when there are many ("all": every row).
/// Below [`SweepSample::MIN`] the sweep's scores get noisy; the sample is only drawn when there
/// are more than twice as many rows, since below that the saving is under a half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepSample {
    Rows(u32),
    All,
}

impl SweepSample {
    pub const MIN: u32 = 1000;
    pub const DEFAULT: u32 = 100_000;

    pub fn check(&self) -> Result<()> {
        match *self {
            SweepSample::Rows(r) if r < Self::MIN => Err(SegError::option(
                "sweepSample",
                format!("must be \"all\" or a whole number of rows ≥ {}, got {r}", Self::MIN),
            )),
            _ => Ok(()),
        }
    }

    /// The rows (ascending) the sweep runs on for `n` rows, or None for every row. Drawn from
    /// the seed alone (not from how the work is split), so every worker draws the same rows.
    pub fn rows(&self, n: usize, seed: u32) -> Option<Vec<usize>> {
        match *self {
            SweepSample::Rows(r) if n > 2 * r as usize => {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x5eeb_0000_0000 ^ seed as u64);
                let mut rows = rand::seq::index::sample(&mut rng, n, r as usize).into_vec();
                rows.sort_unstable();
                Some(rows)
            }
            _ => None,
        }
    }

    /// The sweep's matrix: the sampled rows of `data`, or None for every row.
    pub fn matrix(&self, data: ArrayView2<f64>, seed: u32) -> Option<Array2<f64>> {
        self.rows(data.nrows(), seed).map(|rows| data.select(Axis(0), &rows))
    }
}

impl Default for SweepSample {
    fn default() -> Self {
        SweepSample::Rows(Self::DEFAULT)
    }
}

impl Serialize for SweepSample {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            SweepSample::Rows(r) => s.serialize_u32(*r),
            SweepSample::All => s.serialize_str("all"),
        }
    }
}

// By hand, for an error that names the option (an untagged enum only says "did not match").
impl<'de> Deserialize<'de> for SweepSample {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let bad = || serde::de::Error::custom(format!("sweepSample must be \"all\" or a whole number of rows ≥ {}, got {v}", Self::MIN));
        match &v {
            serde_json::Value::String(s) if s == "all" => Ok(SweepSample::All),
            serde_json::Value::Number(n) => {
                let f = n.as_f64().ok_or_else(bad)?;
                if f.fract() != 0.0 || f < Self::MIN as f64 || f > u32::MAX as f64 {
                    return Err(bad());
                }
                Ok(SweepSample::Rows(f as u32))
            }
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(restart: u32, inertia: f64) -> RestartBest {
        RestartBest { k: 2, restart, inertia, centroids: vec![restart as f64; 2], iterations: 1, converged: true }
    }

    #[test]
    fn refine_starts_are_the_best_distinct_solutions_in_any_order() {
        let parts = vec![part(0, 5.0), part(1, 3.0), part(2, 3.0 * (1.0 + 1e-12)), part(3, 4.0), part(4, 3.0), part(5, 2.5), part(6, 9.0)];
        let picked: Vec<u32> = refine_starts(parts.clone()).iter().map(|p| p.restart).collect();
        // 2.5 (restart 5), then 3.0: restarts 1, 2 and 4 reached it, the earliest is kept; then 4.0.
        assert_eq!(picked, vec![5, 1, 3]);
        let mut reversed = parts;
        reversed.reverse();
        assert_eq!(refine_starts(reversed).iter().map(|p| p.restart).collect::<Vec<_>>(), picked);
        assert_eq!(refine_starts(vec![part(3, 1.0), part(2, 1.0)]).iter().map(|p| p.restart).collect::<Vec<_>>(), vec![2]);
        assert!(refine_starts(Vec::new()).is_empty());
    }

    /// Refining from a solution already at a fixed point on every row keeps it; the lower of
    /// two starts' inertias wins, whichever comes first.
    #[test]
    fn refine_keeps_the_lowest_inertia_on_every_row() {
        // Two tight groups on a line; k = 2.
        let mut v = Vec::new();
        for i in 0..50 {
            v.extend([i as f64 * 0.01, 0.0]);
            v.extend([10.0 + i as f64 * 0.01, 0.0]);
        }
        let x = Array2::from_shape_vec((100, 2), v).unwrap();
        let params = KMeansParams { k: 2, ..Default::default() };
        let good = RestartBest { k: 2, restart: 7, inertia: 0.0, centroids: vec![0.245, 0.0, 10.245, 0.0], iterations: 1, converged: true };
        // Both centroids left of the groups: Lloyd from here ends with one centroid per group
        // too, but a start with both in one group ends worse.
        let bad = RestartBest { k: 2, restart: 1, inertia: 0.0, centroids: vec![-100.0, 0.0, 5.0, 0.0], iterations: 1, converged: true };
        for starts in [vec![good.clone(), bad.clone()], vec![bad.clone(), good.clone()]] {
            let fit = refine_on_all_rows(x.view(), &params, starts, &mut |_| {}).unwrap();
            let expected = 2.0 * (0..50).map(|i| (i as f64 * 0.01 - 0.245).powi(2)).sum::<f64>();
            assert!((fit.inertia - expected).abs() < 1e-9, "{}", fit.inertia);
            assert_eq!(fit.sizes, vec![50, 50]);
        }
        let lone = refine_on_all_rows(x.view(), &params, vec![bad], &mut |_| {}).unwrap();
        assert!(lone.inertia > 100.0, "{}", lone.inertia);
        let wrong = RestartBest { k: 3, ..good };
        assert_eq!(refine_on_all_rows(x.view(), &params, vec![wrong], &mut |_| {}).unwrap_err().code(), "CLUSTERING_FAILED");
    }
}
