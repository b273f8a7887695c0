//! Choosing k: fit every k in a range and judge each with inertia, silhouette,
//! Calinski-Harabasz and Davies-Bouldin side by side.

use super::kmeans::{check_fit, count_distinct_rows, finish_fit, fit_kmeans, row_major, KMeansFit, KMeansParams, RestartBest};
use super::metrics::{calinski_harabasz, davies_bouldin, silhouette_rows, SampleDistances};
use crate::error::{Result, SegError};
use ndarray::{Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
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
    /// distinct restarts, at most [`REFINE_STARTS`]) were refined by Lloyd on every row, the
    /// lowest inertia on every row kept. 0 when the sweep ran on every row.
    pub refined_starts: u32,
    /// The minimum segment size (HCPs, on every row) a k had to meet to be chosen; 0: none.
    #[serde(default)]
    pub min_segment_size: u32,
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

/// Refine each start (k × d centroids from the sample) by Lloyd on every row of `data` (the
/// fast engine's Lloyd with Hamerly bounds, whichever engine ran the sweep: both converge to
/// the same fixed points); the lowest inertia on every row wins, the earlier start on ties.
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
    let mut refined = Vec::with_capacity(starts.len());
    for (i, start) in starts.into_iter().enumerate() {
        refined.push(refine_start(data, params, start)?);
        on_start(i as u32);
    }
    finish_refined(data, params, refined)
}

/// One sample solution refined on every row of `data`: its centroids, inertia on every row,
/// iterations and convergence, under the start's restart index.
pub fn refine_start(data: ArrayView2<f64>, params: &KMeansParams, start: RestartBest) -> Result<RestartBest> {
    let (k, d) = (params.k as usize, data.ncols());
    if start.k != params.k || start.centroids.len() != k * d {
        return Err(SegError::Clustering {
            message: format!("a sample solution for k = {} with {} values does not fit k = {k}, {d} columns", start.k, start.centroids.len()),
        });
    }
    let slice = row_major(data);
    let rows = super::fast::Rows { data: &slice, n: data.nrows(), d };
    let (centroids, inertia, iterations, converged) = super::fast::lloyd_from(rows, start.centroids, params, super::fast::Bounds::Hamerly);
    Ok(RestartBest { k: params.k, restart: start.restart, inertia, centroids, iterations, converged })
}

/// The refined starts (in start order) → the fit: the lowest inertia wins, the earlier start on
/// ties; labelled and measured by the fast engine's full scan, whichever engine ran the sweep.
pub fn finish_refined(data: ArrayView2<f64>, params: &KMeansParams, refined: Vec<RestartBest>) -> Result<KMeansFit> {
    let mut best: Option<RestartBest> = None;
    for r in refined {
        if best.as_ref().map_or(true, |b| r.inertia < b.inertia) {
            best = Some(r);
        }
    }
    let fast = KMeansParams { engine: super::kmeans::Engine::Fast, ..params.clone() };
    finish_fit(data, &fast, best, &mut Default::default())
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
