//! Stability: bootstrap re-clustering with a Jaccard score per segment (Hennig's clusterboot).
//!
//! For b = 1..B (seeded): draw m rows with replacement, run k-means (same k, `nRuns` restarts,
//! seed + b) on them, and for every reference segment take the best Jaccard similarity
//! |A ∩ B| / |A ∪ B| over the bootstrap clusters, both restricted to the distinct rows drawn.
//! A segment's stability is its mean Jaccard over the resamples in which it had members.
//! Verdicts: `stable` ≥ 0.75, `fuzzy` 0.6–0.75, `unreliable` < 0.6.
//!
//! Cost: B × nRuns k-means fits of m rows, i.e. O(B · nRuns · iterations · m · k · d). Defaults
//! B = 20, nRuns = 3 and m = min(n, 20 000) keep it at about six 10-restart fits of at most
//! 20 000 rows however large the universe (m-out-of-n bootstrap above 20 000 rows); halve B or
//! m to halve the time.

use super::read_with_model;
use crate::clustering::kmeans::{fit_kmeans, nearest_centroids, KMeansParams};
use crate::error::{Result, SegError};
use crate::model::Model;
use crate::segmentation::Input;
use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

pub const STABLE: f64 = 0.75;
pub const FUZZY: f64 = 0.6;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct StabilityOptions {
    /// Bootstrap resamples B. Default 20.
    pub resamples: u32,
    /// Rows per resample; default min(n, 20 000).
    pub sample_size: Option<u32>,
    /// k-means++ restarts per resample. Default 3.
    pub n_runs: u32,
    /// Default: the model's seed.
    pub seed: Option<u32>,
    pub exclude: Vec<String>,
}

impl Default for StabilityOptions {
    fn default() -> Self {
        StabilityOptions { resamples: 20, sample_size: None, n_runs: 3, seed: None, exclude: Vec::new() }
    }
}

pub const DEFAULT_MAX_SAMPLE: u32 = 20_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentStability {
    pub id: u32,
    pub mean_jaccard: f64,
    pub min_jaccard: f64,
    /// stable | fuzzy | unreliable
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

pub fn verdict(j: f64) -> &'static str {
    if j >= STABLE {
        "stable"
    } else if j >= FUZZY {
        "fuzzy"
    } else {
        "unreliable"
    }
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
    let mut sums = vec![0.0; k];
    let mut mins = vec![1.0f64; k];
    let mut seen = vec![0u32; k];
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
            sums[c] += best;
            mins[c] = mins[c].min(best);
            seen[c] += 1;
        }
    }
    let segments = (0..k)
        .map(|c| {
            let mean = if seen[c] > 0 { sums[c] / seen[c] as f64 } else { 0.0 };
            SegmentStability {
                id: c as u32,
                mean_jaccard: mean,
                min_jaccard: if seen[c] > 0 { mins[c] } else { 0.0 },
                verdict: verdict(mean).to_string(),
                resamples: seen[c],
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
