//! Stability: bootstrap re-clustering with a Jaccard score per segment (Hennig's clusterboot).
//!
//! For b = 1..B (seeded): draw m rows with replacement, run k-means (same k, `nRuns` restarts,
//! seed + b) on them, and for every reference segment take the best Jaccard similarity
//! |A ∩ B| / |A ∪ B| over the bootstrap clusters, both restricted to the distinct rows drawn.
//! A segment's stability is judged on the Jaccards over the resamples in which it had members:
//! their mean and their spread, as the 10th percentile (linear interpolation between order
//! statistics, numpy's default), since a good mean can hide resamples in which the segment
//! dissolves. Verdicts, first match wins:
//! - `tooSmall`: the segment has fewer rows than `minSegmentSize` (default 10): too few HCPs for
//!   any resampling verdict to mean something, never `stable`;
//! - `stable`: mean ≥ 0.75 **and** p10 ≥ 0.6: on average it is recovered well (Hennig's bar for
//!   a stable cluster), and in 9 resamples of 10 it stays clearly above Hennig's dissolution
//!   point (Jaccard 0.5);
//! - `unreliable`: mean < 0.6 **or** p10 < 0.4: poorly recovered on average, or clearly lost
//!   (Jaccard under 0.4) in more than 1 resample in 10 (or no resample had the segment's rows);
//! - `fuzzy`: everything in between.
//!
//! Cost: B × nRuns k-means fits of m rows, i.e. O(B · nRuns · iterations · m · k · d). Defaults
//! B = 20, nRuns = 10 and m = min(n, 20 000) cost about twenty 10-restart fits (20 `segment`
//! calls with a fixed k) of at most 20 000 rows however large the universe (m-out-of-n bootstrap
//! above 20 000 rows); halve B or m to halve the time. Fewer restarts are cheaper but judge the
//! optimiser's misses as instability (see `nRuns`).

use super::read_with_model;
use crate::clustering::kmeans::{fit_kmeans, nearest_centroids, KMeansParams};
use crate::error::{Result, SegError};
use crate::model::Model;
use crate::segmentation::Input;
use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// Mean Jaccard a `stable` segment reaches (Hennig's "highly stable" bar).
pub const STABLE: f64 = 0.75;
/// Mean Jaccard under which a segment is `unreliable`.
pub const FUZZY: f64 = 0.6;
/// 10th percentile of the Jaccards a `stable` segment reaches: in 9 resamples of 10 it stays
/// clearly above dissolution (Hennig: a cluster with Jaccard ≤ 0.5 in a resample is dissolved).
pub const STABLE_P10: f64 = 0.6;
/// 10th percentile under which a segment is `unreliable`: it dissolves in more than 1 resample of 10.
pub const UNRELIABLE_P10: f64 = 0.4;
/// Default minimum segment size (rows) for a verdict other than `tooSmall`.
pub const DEFAULT_MIN_SEGMENT_SIZE: u32 = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct StabilityOptions {
    /// Bootstrap resamples B. Default 20.
    pub resamples: u32,
    /// Rows per resample; default min(n, 20 000).
    pub sample_size: Option<u32>,
    /// k-means++ restarts per resample. Default 10, as `segment`'s `nRuns`: with 3, resamples
    /// often ended in a worse local optimum that merged two planted personas, and the spread
    /// (p10) then measured the optimiser rather than the segment.
    pub n_runs: u32,
    /// Default: the model's seed.
    pub seed: Option<u32>,
    pub exclude: Vec<String>,
    /// A segment with fewer rows is `tooSmall`, never `stable`. Default 10 (the segmentation's
    /// default `minSegmentSize`).
    pub min_segment_size: u32,
}

impl Default for StabilityOptions {
    fn default() -> Self {
        StabilityOptions { resamples: 20, sample_size: None, n_runs: 10, seed: None, exclude: Vec::new(), min_segment_size: DEFAULT_MIN_SEGMENT_SIZE }
    }
}

pub const DEFAULT_MAX_SAMPLE: u32 = 20_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentStability {
    pub id: u32,
    pub mean_jaccard: f64,
    pub min_jaccard: f64,
    /// 10th percentile of the Jaccards over the resamples in which the segment had members.
    pub p10_jaccard: f64,
    /// Rows of the reference segment.
    pub size: u32,
    /// stable | fuzzy | unreliable | tooSmall (see the module notes for the rule)
    pub verdict: String,
    /// Resamples in which the segment had members.
    pub resamples: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StabilityReport {
    pub segments: Vec<SegmentStability>,
    pub resamples: u32,
    pub sample_size: u32,
    /// Resamples whose k-means failed (e.g. fewer distinct rows than k); not counted.
    pub failed_resamples: u32,
}

/// The verdict on a segment of `size` rows whose Jaccards have this mean and 10th percentile
/// (see the module notes). `resamples`: how many Jaccards there were.
pub fn verdict(mean: f64, p10: f64, size: u32, resamples: u32, min_segment_size: u32) -> &'static str {
    if size < min_segment_size {
        "tooSmall"
    } else if resamples == 0 || mean < FUZZY || p10 < UNRELIABLE_P10 {
        "unreliable"
    } else if mean >= STABLE && p10 >= STABLE_P10 {
        "stable"
    } else {
        "fuzzy"
    }
}

/// The 10th percentile of `values` (linear interpolation between order statistics); 0 when empty.
pub fn p10(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    crate::features::pipeline::quantile(&mut v, 0.1)
}

/// Bootstrap stability of the reference clustering `labels` (k clusters) of `x`.
pub fn bootstrap_stability(x: ArrayView2<f64>, labels: &[u32], k: usize, params: &KMeansParams, options: &StabilityOptions) -> Result<StabilityReport> {
    let n = x.nrows();
    if labels.len() != n {
        return Err(SegError::InvalidMatrix { message: format!("{} labels for {n} rows", labels.len()) });
    }
    if options.resamples == 0 || options.resamples > 1000 {
        return Err(SegError::option("resamples", format!("must be between 1 and 1000, got {}", options.resamples)));
    }
    let m = options.sample_size.unwrap_or(DEFAULT_MAX_SAMPLE.min(n as u32)) as usize;
    if m < k || m == 0 {
        return Err(SegError::option("sampleSize", format!("must be at least k = {k}, got {m}")));
    }
    let seed = options.seed.unwrap_or(params.seed);
    let d = x.ncols();
    let mut jaccards: Vec<Vec<f64>> = vec![Vec::new(); k];
    let mut failed = 0;
    let mut drawn = vec![false; n];
    for b in 0..options.resamples {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(((seed as u64) << 32) ^ (0x5eed_0000 + b as u64));
        let idx: Vec<usize> = (0..m).map(|_| rng.gen_range(0..n)).collect();
        let mut sample = Array2::zeros((m, d));
        for (r, &i) in idx.iter().enumerate() {
            sample.row_mut(r).assign(&x.row(i));
        }
        let p = KMeansParams { k: k as u32, n_runs: options.n_runs, seed: seed.wrapping_add(b + 1), ..params.clone() };
        let fit = match fit_kmeans(sample.view(), &p, &mut |_| {}) {
            Ok(f) => f,
            Err(SegError::TooFewDistinct { .. }) | Err(SegError::Clustering { .. }) => {
                failed += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        let (boot, _) = nearest_centroids(sample.view(), fit.centroids.view());
        // Contingency table over the distinct rows drawn.
        let mut table = vec![vec![0u32; k]; k];
        drawn.iter_mut().for_each(|v| *v = false);
        for (r, &i) in idx.iter().enumerate() {
            if !std::mem::replace(&mut drawn[i], true) {
                table[labels[i] as usize][boot[r] as usize] += 1;
            }
        }
        let col: Vec<u32> = (0..k).map(|j| table.iter().map(|row| row[j]).sum()).collect();
        for c in 0..k {
            let a: u32 = table[c].iter().sum();
            if a == 0 {
                continue;
            }
            let best = (0..k)
                .map(|j| table[c][j] as f64 / (a + col[j] - table[c][j]) as f64)
                .fold(0.0, f64::max);
            jaccards[c].push(best);
        }
    }
    let mut sizes = vec![0u32; k];
    for &l in labels {
        if let Some(s) = sizes.get_mut(l as usize) {
            *s += 1;
        }
    }
    let segments = jaccards
        .iter()
        .zip(&sizes)
        .enumerate()
        .map(|(c, (js, &size))| {
            let seen = js.len() as u32;
            let mean = if seen > 0 { js.iter().sum::<f64>() / seen as f64 } else { 0.0 };
            let p10 = p10(js);
            SegmentStability {
                id: c as u32,
                mean_jaccard: mean,
                min_jaccard: js.iter().copied().reduce(f64::min).unwrap_or(0.0),
                p10_jaccard: p10,
                size,
                verdict: verdict(mean, p10, size, seen, options.min_segment_size).to_string(),
                resamples: seen,
            }
        })
        .collect();
    Ok(StabilityReport { segments, resamples: options.resamples, sample_size: m as u32, failed_resamples: failed })
}

/// Stability of a saved model's segments on `input` (reference = nearest centroid per row).
pub fn stability(model: &Model, input: Input, options: &StabilityOptions) -> Result<StabilityReport> {
    let (profiles, _) = read_with_model(model, input, options.exclude.clone())?;
    let x = model.pipeline.transform(&profiles)?;
    let (labels, _) = nearest_centroids(x.view(), model.centroid_matrix().view());
    bootstrap_stability(x.view(), &labels, model.centroids.len(), &model.params, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// numpy's np.percentile(…, 10), as Python's statistics.quantiles(…, n=10,
    /// method="inclusive")[0] gives it: [0.9, 0.1, 0.8, 0.7, 0.95] → 0.34 (position 0.4 between 0.1
    /// and 0.7); 0.05, 0.10, …, 1.00 → 0.145.
    #[test]
    fn p10_interpolates_like_numpy() {
        assert!((p10(&[0.9, 0.1, 0.8, 0.7, 0.95]) - 0.34).abs() < 1e-12);
        let v: Vec<f64> = (1..=20).map(|i| i as f64 / 20.0).collect();
        assert!((p10(&v) - 0.145).abs() < 1e-12);
        assert_eq!(p10(&[0.5]), 0.5);
        assert_eq!(p10(&[]), 0.0);
    }

    #[test]
    fn verdict_judges_mean_spread_and_size() {
        // A good mean with a bad tail is not stable: the segment with a minimum of 0.14.
        assert_eq!(verdict(0.81, 0.35, 50, 20, 10), "unreliable");
        assert_eq!(verdict(0.81, 0.55, 50, 20, 10), "fuzzy");
        assert_eq!(verdict(0.81, 0.60, 50, 20, 10), "stable");
        assert_eq!(verdict(0.75, 0.75, 50, 20, 10), "stable");
        assert_eq!(verdict(0.74, 0.70, 50, 20, 10), "fuzzy");
        assert_eq!(verdict(0.60, 0.40, 50, 20, 10), "fuzzy");
        assert_eq!(verdict(0.59, 0.59, 50, 20, 10), "unreliable");
        // Under the minimum size: tooSmall whatever the Jaccards (a 1-HCP segment scores 1.0).
        assert_eq!(verdict(1.0, 1.0, 9, 20, 10), "tooSmall");
        assert_eq!(verdict(1.0, 1.0, 1, 20, 10), "tooSmall");
        assert_eq!(verdict(1.0, 1.0, 10, 20, 10), "stable");
        assert_eq!(verdict(0.0, 0.0, 50, 0, 10), "unreliable");
    }
}
