//! Choosing k: fit every k in a range and judge each with inertia, silhouette,
//! Calinski-Harabasz and Davies-Bouldin side by side.

use super::kmeans::{check_fit, count_distinct_rows, fit_kmeans, KMeansFit, KMeansParams};
use super::metrics::{calinski_harabasz, davies_bouldin, silhouette_rows, SampleDistances};
use crate::error::{Result, SegError};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

/// How close to the best silhouette a smaller k may be and still win: fewer personas are
/// easier to act on, and silhouette differences this small are within sampling noise.
pub const SILHOUETTE_SLACK: f64 = 0.01;

pub const RULE: &str = "every segment at least minSegmentSize HCPs (smaller ks are ruled out; if every k is, those with \
the fewest segments under it stay in); then the highest mean silhouette, a smaller k within 0.01 of it winning (fewer \
segments are easier to use)";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KSweepRow {
    pub k: u32,
    pub inertia: f64,
    pub silhouette: f64,
    pub calinski_harabasz: f64,
    pub davies_bouldin: f64,
    /// HCPs per segment, largest first, on the rows the sweep ran on (the sample when sampled).
    #[serde(default)]
    pub segment_sizes: Vec<u32>,
    /// Why this k may not be chosen (a segment under the minimum segment size); None when it may.
    #[serde(default)]
    pub ruled_out: Option<String>,
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
    /// With a sampled sweep: how many of the chosen k's solutions on the sample (its best
    /// distinct restarts, at most [`super::sweep_sampled::REFINE_STARTS`]) were refined by
    /// Lloyd on every row, the lowest inertia on every row kept. 0 when the sweep ran on every row.
    pub refined_starts: u32,
    /// The minimum segment size (HCPs, on every row) a k had to meet to be chosen; 0: none.
    #[serde(default)]
    pub min_segment_size: u32,
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
    sweep_k_sized(data, k_min, k_max, base, sample, 0, on_fit)
}

/// [`sweep_k_with`] where a k that leaves a segment under `min_segment_size` rows is ruled out
/// (see [`rule_out_small`] and [`choose_k`]).
pub fn sweep_k_sized(
    data: ArrayView2<f64>,
    k_min: u32,
    k_max: u32,
    base: &KMeansParams,
    sample: &SampleDistances,
    min_segment_size: u32,
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
    rule_out_small(&mut table, min_segment_size, n, n);
    let chosen = choose_k(&table, min_segment_size, n, n);
    let fit_index = table.iter().position(|r| r.k == chosen).unwrap_or(0);
    let fit = fits.swap_remove(fit_index);
    let sweep = KSweep { rows: table, chosen_k: chosen, rule: RULE.to_string(), sample_size: n as u32, sampled: false, refined_starts: 0, min_segment_size };
    Ok((sweep, fit))
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
        segment_sizes: {
            let mut sizes = fit.sizes.clone();
            sizes.sort_unstable_by(|a, b| b.cmp(a));
            sizes
        },
        ruled_out: None,
    }
}

impl KSweepRow {
    /// HCPs in this k's smallest segment (on the rows the sweep ran on).
    pub fn smallest_segment(&self) -> u32 {
        self.segment_sizes.iter().copied().min().unwrap_or(0)
    }
}

/// The bar a segment's size on the sweep's rows must reach: `min_segment_size` when the sweep ran
/// on every row; on a sample of `sweep_rows` of `all_rows` rows, a segment's size on every row is
/// estimated as its size on the sample × all_rows ÷ sweep_rows (the sample is a uniform draw),
/// so the bar is ⌈min × sweep_rows ÷ all_rows⌉.
fn size_bar(min_segment_size: u32, sweep_rows: usize, all_rows: usize) -> u32 {
    if sweep_rows < all_rows {
        (min_segment_size as u64 * sweep_rows as u64).div_ceil(all_rows.max(1) as u64) as u32
    } else {
        min_segment_size
    }
}

/// Segments of the row under the bar.
fn segments_under(row: &KSweepRow, bar: u32) -> usize {
    row.segment_sizes.iter().filter(|&&s| s < bar).count()
}

/// Mark the rows that leave a segment under `min_segment_size` HCPs as ruled out, saying why
/// (the bar on a sample: [`size_bar`]).
pub fn rule_out_small(rows: &mut [KSweepRow], min_segment_size: u32, sweep_rows: usize, all_rows: usize) {
    let sampled = sweep_rows < all_rows;
    let bar = size_bar(min_segment_size, sweep_rows, all_rows);
    for r in rows.iter_mut() {
        let under = segments_under(r, bar);
        let smallest = r.smallest_segment();
        r.ruled_out = (under > 0).then(|| {
            let of = if under == 1 { "1 segment".to_string() } else { format!("{under} segments") };
            if sampled {
                let estimate = (smallest as f64 * all_rows as f64 / sweep_rows.max(1) as f64).round();
                format!(
                    "{of} under the minimum segment size of {min_segment_size} HCPs; the smallest would have about {estimate} ({smallest} of the {sweep_rows} sampled)"
                )
            } else {
                format!("{of} under the minimum segment size of {min_segment_size} HCPs; the smallest has {smallest}")
            }
        });
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

/// Apply [`RULE`] to a sweep table (ordered by k ascending): among the ks not ruled out by
/// [`rule_out_small`] with the same `min_segment_size`, `sweep_rows` and `all_rows` (or when
/// every k is, among those with the fewest segments under the minimum: the least bad), the
/// highest silhouette, a smaller k within [`SILHOUETTE_SLACK`] of it winning.
pub fn choose_k(rows: &[KSweepRow], min_segment_size: u32, sweep_rows: usize, all_rows: usize) -> u32 {
    let bar = size_bar(min_segment_size, sweep_rows, all_rows);
    let fewest_under = rows.iter().map(|r| segments_under(r, bar)).min().unwrap_or(0);
    let candidates = || rows.iter().filter(move |r| segments_under(r, bar) == fewest_under);
    let best = candidates().map(|r| r.silhouette).fold(f64::NEG_INFINITY, f64::max);
    candidates().find(|r| r.silhouette >= best - SILHOUETTE_SLACK).map(|r| r.k).unwrap_or(0)
}

/// True when the sweep had to choose among ks that all leave a segment under the minimum.
pub fn every_k_ruled_out(sweep: &KSweep) -> bool {
    !sweep.rows.is_empty() && sweep.rows.iter().all(|r| r.ruled_out.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(k: u32, s: f64) -> KSweepRow {
        KSweepRow { k, inertia: 0.0, silhouette: s, calinski_harabasz: 0.0, davies_bouldin: 0.0, segment_sizes: Vec::new(), ruled_out: None }
    }

    fn sized(k: u32, s: f64, sizes: &[u32]) -> KSweepRow {
        KSweepRow { segment_sizes: sizes.to_vec(), ..row(k, s) }
    }

    /// A k leaving a segment under the minimum is never chosen while another k is allowed, even
    /// with the best silhouette; when every k is ruled out, the fewest small segments win.
    #[test]
    fn small_segments_rule_a_k_out() {
        let mut rows = vec![
            sized(3, 0.30, &[20, 20, 12]),
            sized(4, 0.40, &[16, 14, 12, 10]),
            sized(5, 0.60, &[20, 10, 10, 9, 3]),
            sized(6, 0.70, &[20, 10, 10, 8, 2, 2]),
        ];
        rule_out_small(&mut rows, 10, 52, 52);
        assert_eq!(rows.iter().map(|r| r.ruled_out.is_some()).collect::<Vec<_>>(), vec![false, false, true, true]);
        assert_eq!(rows[2].ruled_out.as_deref(), Some("2 segments under the minimum segment size of 10 HCPs; the smallest has 3"));
        assert_eq!(choose_k(&rows, 10, 52, 52), 4);
        // Every k ruled out (34 HCPs): k = 3 and 4 leave one segment under 10 each, 4's
        // silhouette is higher; k = 6 has the best silhouette but six small segments.
        let mut rows = vec![
            sized(3, 0.30, &[15, 15, 4]),
            sized(4, 0.40, &[10, 10, 10, 4]),
            sized(5, 0.60, &[10, 10, 6, 4, 4]),
            sized(6, 0.70, &[7, 7, 5, 5, 5, 5]),
        ];
        rule_out_small(&mut rows, 10, 34, 34);
        assert!(rows.iter().all(|r| r.ruled_out.is_some()));
        assert_eq!(choose_k(&rows, 10, 34, 34), 4);
        // Minimum 0 rules nothing out: the plain silhouette rule.
        assert_eq!(choose_k(&rows, 0, 34, 34), 6);
    }

    /// On a sample of 1,000 of 100,000 rows, a minimum of 10 HCPs is ⌈10 × 1000 ÷ 100000⌉ = 1
    /// row of the sample; of 2,000 of 3,000 rows, ⌈10 × 2000 ÷ 3000⌉ = 7 rows.
    #[test]
    fn sampled_sweep_scales_the_minimum_to_the_sample() {
        let mut rows = vec![sized(3, 0.3, &[600, 399, 1]), sized(4, 0.4, &[600, 300, 100, 0])];
        rule_out_small(&mut rows, 10, 1000, 100_000);
        assert!(rows[0].ruled_out.is_none());
        assert!(rows[1].ruled_out.as_deref().unwrap().ends_with("about 0 (0 of the 1000 sampled)"));
        let mut rows = vec![sized(3, 0.3, &[1000, 993, 7]), sized(4, 0.5, &[1000, 900, 94, 6])];
        rule_out_small(&mut rows, 10, 2000, 3000);
        assert_eq!(rows.iter().map(|r| r.ruled_out.is_some()).collect::<Vec<_>>(), vec![false, true]);
        assert!(rows[1].ruled_out.as_deref().unwrap().ends_with("about 9 (6 of the 2000 sampled)"));
        assert_eq!(choose_k(&rows, 10, 2000, 3000), 3);
    }

    #[test]
    fn rule_prefers_highest_silhouette_then_smaller_k() {
        let choose = |rows: &[KSweepRow]| choose_k(rows, 0, 100, 100);
        assert_eq!(choose(&[row(3, 0.2), row(4, 0.5), row(5, 0.3)]), 4);
        assert_eq!(choose(&[row(3, 0.2), row(4, 0.495), row(5, 0.5)]), 4);
        assert_eq!(choose(&[row(3, 0.2), row(4, 0.48), row(5, 0.5)]), 5);
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
