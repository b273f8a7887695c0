//! Choosing k: fit every k in a range and judge each with inertia, silhouette,
//! Calinski-Harabasz and Davies-Bouldin side by side.

use super::kmeans::{check_fit, count_distinct_rows, fit_kmeans, KMeansFit, KMeansParams};
use super::metrics::{calinski_harabasz, davies_bouldin, silhouette_rows, SampleDistances};
use crate::error::{Result, SegError};
use ndarray::{Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// How close to the best silhouette a smaller k may be and still win: fewer personas are
/// easier to act on, and silhouette differences this small are within sampling noise.
pub const SILHOUETTE_SLACK: f64 = 0.01;

pub const RULE: &str = "highest mean silhouette; a smaller k within 0.01 of it wins (fewer segments are easier to use)";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KSweepRow {
    pub k: u32,
    pub inertia: f64,
    pub silhouette: f64,
    pub calinski_harabasz: f64,
    pub davies_bouldin: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KSweep {
    pub rows: Vec<KSweepRow>,
    pub chosen_k: u32,
    pub rule: String,
    /// Rows the sweep ran on: every row, or a seeded sample of `sweepSample` rows.
    pub sample_size: u32,
    /// True when the sweep ran on a sample; the chosen k was then fitted on every row.
    pub sampled: bool,
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

/// Fit k-means for every k in `k_min..=k_max`, score each, choose one by [`RULE`].
/// Returns the sweep and the chosen fit. `on_fit(k, restart)` reports progress.
pub fn sweep_k(
    data: ArrayView2<f64>,
    k_min: u32,
    k_max: u32,
    base: &KMeansParams,
    silhouette_sample: usize,
    on_fit: &mut dyn FnMut(u32, u32),
) -> Result<(KSweep, KMeansFit)> {
    check_range(data.nrows(), k_min, k_max)?;
    let rows = silhouette_rows(data.nrows(), silhouette_sample.max(2), base.seed);
    sweep_k_with(data, k_min, k_max, base, &SampleDistances::new(data, rows), on_fit)
}

/// [`sweep_k`] with the silhouette sample's pairwise distances already computed (the caller
/// can reuse them for the chosen fit).
pub fn sweep_k_with(
    data: ArrayView2<f64>,
    k_min: u32,
    k_max: u32,
    base: &KMeansParams,
    sample: &SampleDistances,
    on_fit: &mut dyn FnMut(u32, u32),
) -> Result<(KSweep, KMeansFit)> {
    check_range(data.nrows(), k_min, k_max)?;
    let n = data.nrows();
    // Ks beyond the rows are dropped rather than failing the whole sweep.
    let k_max = k_max.min(n as u32);

    let mut table = Vec::new();
    let mut fits = Vec::new();
    for k in k_min..=k_max {
        let params = KMeansParams { k, ..base.clone() };
        let fit = match fit_kmeans(data, &params, &mut |r| on_fit(k, r)) {
            Ok(f) => f,
            // Fewer distinct profiles than k: larger ks cannot work either.
            Err(SegError::TooFewDistinct { .. }) if !fits.is_empty() => break,
            Err(e) => return Err(e),
        };
        table.push(score_k(data, sample, &fit));
        fits.push(fit);
    }
    let chosen = choose_k(&table);
    let fit_index = table.iter().position(|r| r.k == chosen).unwrap_or(0);
    let fit = fits.swap_remove(fit_index);
    Ok((KSweep { rows: table, chosen_k: chosen, rule: RULE.to_string(), sample_size: n as u32, sampled: false }, fit))
}

/// One row of the sweep table: the fit's inertia and its silhouette (on the shared sample),
/// Calinski-Harabasz and Davies-Bouldin.
pub fn score_k(data: ArrayView2<f64>, sample: &SampleDistances, fit: &KMeansFit) -> KSweepRow {
    let k = fit.centroids.nrows();
    KSweepRow {
        k: k as u32,
        inertia: fit.inertia,
        silhouette: sample.silhouette(&fit.labels, k).mean,
        calinski_harabasz: calinski_harabasz(data, &fit.labels, k),
        davies_bouldin: davies_bouldin(data, &fit.labels, k),
    }
}

/// The ks [`sweep_k_with`] fits, with the errors it would return before fitting any: the range,
/// the matrix and the parameters checked for k_min, then every k up to k_max that the rows and
/// the distinct rows allow (the sweep stops at the first k with too few distinct rows).
/// For splitting a sweep over workers (`crate::pool`).
pub fn sweep_ks(data: ArrayView2<f64>, k_min: u32, k_max: u32, base: &KMeansParams) -> Result<Vec<u32>> {
    check_range(data.nrows(), k_min, k_max)?;
    let k_max = k_max.min(data.nrows() as u32);
    check_fit(data, &KMeansParams { k: k_min, ..base.clone() })?;
    let distinct = count_distinct_rows(data, k_max as usize) as u32;
    Ok((k_min..=k_max.min(distinct)).collect())
}

fn check_range(n: usize, k_min: u32, k_max: u32) -> Result<()> {
    if k_min < 2 || k_min > k_max {
        return Err(SegError::option("kRange", format!("must be [min, max] with 2 ≤ min ≤ max, got [{k_min}, {k_max}]")));
    }
    if k_max > super::kmeans::MAX_K {
        return Err(SegError::option("kRange", format!("max must be at most {}", super::kmeans::MAX_K)));
    }
    if (k_min as usize) > n {
        return Err(SegError::TooFewRows { k: k_min, rows: n as u32 });
    }
    Ok(())
}

/// Apply [`RULE`] to a sweep table (ordered by k ascending).
pub fn choose_k(rows: &[KSweepRow]) -> u32 {
    let best = rows.iter().map(|r| r.silhouette).fold(f64::NEG_INFINITY, f64::max);
    rows.iter()
        .find(|r| r.silhouette >= best - SILHOUETTE_SLACK)
        .map(|r| r.k)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(k: u32, s: f64) -> KSweepRow {
        KSweepRow { k, inertia: 0.0, silhouette: s, calinski_harabasz: 0.0, davies_bouldin: 0.0 }
    }

    #[test]
    fn rule_prefers_highest_silhouette_then_smaller_k() {
        assert_eq!(choose_k(&[row(3, 0.2), row(4, 0.5), row(5, 0.3)]), 4);
        assert_eq!(choose_k(&[row(3, 0.2), row(4, 0.495), row(5, 0.5)]), 4);
        assert_eq!(choose_k(&[row(3, 0.2), row(4, 0.48), row(5, 0.5)]), 5);
    }

    #[test]
    fn rejects_bad_ranges() {
        let d = ndarray::Array2::<f64>::zeros((10, 2));
        let p = KMeansParams::default();
        for (a, b) in [(1, 5), (5, 3), (0, 0)] {
            let e = sweep_k(d.view(), a, b, &p, 100, &mut |_, _| {}).unwrap_err();
            assert_eq!(e.code(), "INVALID_OPTION");
        }
    }
}
