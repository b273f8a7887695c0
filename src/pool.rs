//! One `segment` call split over a pool of workers (`createSegmenter({ workers })` in
//! `js/worker/`), with the result identical to `segmentation::segment` bit for bit.
//!
//! 1. One worker parses and encodes once ([`Session::prepare`]); the encoded matrix is copied
//!    out and handed to the others ([`Session::from_matrix`]), never re-parsed.
//!    A long CSV file is first read in parts, one per worker ([`Session::read_part`], cut after
//!    line ends), and the worker with the first part merges them and encodes
//!    ([`Session::prepare_parts`]; `ingest::parts` says why the result is one read's). When the
//!    merge cannot be sure of that (an error, a limit, a duplicate id across parts), it says so,
//!    and the first worker reads the whole file as in 1.
//! 2. [`Session::plan`] lists the ks to fit (one k, or the sweep's ks) with the errors
//!    `segment` would raise before clustering.
//! 3. Any worker runs any range of restarts of any k ([`Session::fit_restarts`]): each restart
//!    draws from its own RNG stream (`restart_rng(seed, restart)`) and shares nothing with the
//!    others, so where it runs does not matter. A share returns its winner (k × d centroids).
//! 4. For `k: "auto"`, any worker scores a k from all its shares ([`Session::score`]):
//!    merge (lowest inertia, earliest restart on ties: the sequential loop's rule), relabel,
//!    silhouette on the shared sample, Calinski-Harabasz, Davies-Bouldin.
//!    With a sampled sweep (`sweepSample`, many rows) the fits and scores of step 3–4 run on the
//!    sweep's rows (every worker draws the same rows from the seed).
//! 5. With a sampled sweep, the preparing worker lists the chosen k's best few sample restarts
//!    ([`Session::refine_plan`]) and any worker refines any of them on every row
//!    ([`Session::refine`]: every worker holds the whole matrix).
//! 6. The preparing worker finishes ([`Session::finish`]): chooses k from the scored rows by
//!    the sweep's rule, merges that k's shares (with a sampled sweep: the best of the refined
//!    starts, in start order as `sweep_sampled::refine_on_all_rows` takes them; or it refines them
//!    itself when none are given), and runs `segmentation::finish`.

use crate::clustering::kmeans::{check_fit, finish_fit, merge_restarts, RestartBest};
use crate::clustering::metrics::SampleDistances;
use crate::clustering::sweep::{choose_k, rule_out_small, score_k, sweep_ks, RULE};
use crate::clustering::sweep_sampled::{finish_refined, refine_on_all_rows, refine_start, refine_starts};
use crate::clustering::{KSweep, KSweepRow};
use crate::error::{Result, SegError};
use crate::ingest::csv::Span;
use crate::ingest::parts::{self, PartRead};
use crate::segmentation::{self, Encoded, Input, KChoice, Progress, SegmentOptions, SegmentResult};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// What the pool has to run: every restart `0..n_runs` of every k in `ks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub ks: Vec<u32>,
    pub n_runs: u32,
    /// "cluster" (one k) or "sweep" (k: "auto"): the progress stage, as `segment` reports it.
    pub stage: String,
    /// The progress total `segment` reports for the stage (for auto: every k of `kRange` × nRuns,
    /// even the ks the rows do not allow).
    pub total: u32,
    /// The sweep runs on a sample of `sweep_rows` rows; the chosen k is then fitted on all rows.
    pub sampled: bool,
    /// Rows the sweep runs on (all rows when not sampled; 0 for a fixed k).
    pub sweep_rows: u32,
}

/// One worker's state for one pooled call.
pub struct Session {
    options: SegmentOptions,
    /// Everything `segment` needs to finish: only in the worker that parsed the input.
    encoded: Option<Encoded>,
    /// The matrix of a worker that did not parse (from [`Session::from_matrix`]).
    matrix: Option<Array2<f64>>,
    /// The sweep's rows when it runs on a sample (k: "auto" on many rows).
    sweep: Option<Array2<f64>>,
    /// The silhouette sample's pairwise distances (of the sweep's matrix), built on first use.
    sample: Option<SampleDistances>,
}

impl Session {
    /// Parse and encode (the `parse` and `encode` stages of `segment`).
    pub fn prepare(input: Input, options: SegmentOptions, progress: &mut dyn FnMut(&Progress)) -> Result<Session> {
        let encoded = segmentation::prepare(input, &options, progress)?;
        Ok(Session::from_encoded(encoded, options))
    }

    /// One part of a CSV file cut after line ends (`span`: the first part, or a later one with the
    /// file's header line), read as `segment` reads a file: the `parse` stage, in parts. None
    /// when the part cannot be read (any error) or the options do not allow a read in parts:
    /// the whole file must then be read by [`Session::prepare`], which gives the error.
    pub fn read_part(text: &str, span: Span, options: &SegmentOptions) -> Option<PartRead> {
        options.check().ok()?;
        parts::read_part(text, span, &options.ingest_options()).ok()
    }

    /// [`Session::read_part`] of a part given as bytes (`head`: the file's first line, for a
    /// later part): strictly UTF-8, see `ingest::parts::read_part_bytes`.
    pub fn read_part_bytes(bytes: Vec<u8>, head: Option<Vec<u8>>, options: &SegmentOptions) -> Option<PartRead> {
        options.check().ok()?;
        parts::read_part_bytes(bytes, head, &options.ingest_options()).ok()
    }

    /// The parts of a file ([`Session::read_part`], in file order) merged and encoded: the session
    /// [`Session::prepare`] makes of the whole file, or None when only a read of the whole file
    /// can tell (`ingest::parts::merge`).
    pub fn prepare_parts(parts: Vec<PartRead>, options: SegmentOptions, progress: &mut dyn FnMut(&Progress)) -> Result<Option<Session>> {
        let Some((profiles, report)) = parts::merge(parts, &options.ingest_options()) else {
            return Ok(None);
        };
        let encoded = segmentation::encode(profiles, report, &options, progress)?;
        Ok(Some(Session::from_encoded(encoded, options)))
    }

    /// The session of the worker that parsed: it can finish the result.
    fn from_encoded(encoded: Encoded, options: SegmentOptions) -> Session {
        let sweep = options.sweep_matrix(encoded.x.view());
        Session { options, encoded: Some(encoded), matrix: None, sweep, sample: None }
    }

    /// A worker that only fits and scores: the encoded matrix (row-major, `n_cols` columns).
    pub fn from_matrix(data: Vec<f64>, n_cols: usize, options: SegmentOptions) -> Result<Session> {
        options.check()?;
        if n_cols == 0 || data.len() % n_cols != 0 {
            return Err(SegError::InvalidMatrix {
                message: format!("{} values do not make rows of {n_cols} columns", data.len()),
            });
        }
        let matrix = Array2::from_shape_vec((data.len() / n_cols, n_cols), data)
            .map_err(|e| SegError::InvalidMatrix { message: e.to_string() })?;
        let sweep = options.sweep_matrix(matrix.view());
        Ok(Session { options, encoded: None, matrix: Some(matrix), sweep, sample: None })
    }

    /// The encoded matrix (n × features, row-major).
    pub fn matrix(&self) -> ArrayView2<'_, f64> {
        match (&self.encoded, &self.matrix) {
            (Some(e), _) => e.x.view(),
            (None, Some(m)) => m.view(),
            (None, None) => ArrayView2::from(&[] as &[[f64; 0]]), // nothing loaded yet: 0 × 0
        }
    }

    /// The matrix the k sweep runs on: the sampled rows, or every row.
    pub fn sweep_matrix(&self) -> ArrayView2<'_, f64> {
        match &self.sweep {
            Some(s) => s.view(),
            None => self.matrix(),
        }
    }

    /// The ks and restarts to run, after the checks `segment` makes before clustering.
    pub fn plan(&self) -> Result<Plan> {
        let x = self.matrix();
        let o = &self.options;
        match o.k {
            KChoice::Fixed(k) => {
                check_fit(x, &o.kmeans_params(k))?;
                Ok(Plan { ks: vec![k], n_runs: o.n_runs, stage: "cluster".into(), total: o.n_runs, sampled: false, sweep_rows: 0 })
            }
            KChoice::Auto(_) => {
                let [lo, hi] = o.k_range;
                let xs = self.sweep_matrix();
                let ks = sweep_ks(xs, lo, hi, &o.kmeans_params(lo.max(1)))?;
                let total = (hi.saturating_sub(lo) + 1) * o.n_runs;
                let (sampled, sweep_rows) = (self.sweep.is_some(), xs.nrows() as u32);
                Ok(Plan { ks, n_runs: o.n_runs, stage: "sweep".into(), total, sampled, sweep_rows })
            }
        }
    }

    /// Restarts `start..end` of k (on a matrix [`Session::plan`] accepted): the share's winner.
    /// `on_sweep`: on the sweep's matrix (the sample when sampled), else on every row.
    pub fn fit_restarts(&self, k: u32, start: u32, end: u32, on_sweep: bool) -> Result<RestartBest> {
        let params = self.options.kmeans_params(k);
        if start >= end || end > params.n_runs {
            return Err(SegError::option("restarts", format!("{start}..{end} is not a range within 0..{}", params.n_runs)));
        }
        let x = if on_sweep { self.sweep_matrix() } else { self.matrix() };
        crate::clustering::kmeans::best_of_restarts(x, &params, start..end, &mut |_| {})?
            .ok_or_else(|| SegError::Clustering { message: "no restart produced a result".into() })
    }

    /// The sweep row of one k, from the winners of all its shares (fitted on the sweep's matrix).
    pub fn score(&mut self, k: u32, parts: Vec<RestartBest>) -> Result<KSweepRow> {
        let params = self.options.kmeans_params(k);
        let fit = finish_fit(self.sweep_matrix(), &params, merge_restarts(parts), &mut Default::default())?;
        self.build_sample();
        let sample = self.sample.as_ref().ok_or_else(|| SegError::Clustering { message: "no silhouette sample".into() })?;
        Ok(score_k(self.sweep_matrix(), sample, &fit))
    }

    fn build_sample(&mut self) {
        if self.sample.is_none() {
            self.sample = Some(self.options.sample_distances(self.sweep_matrix()));
        }
    }

    /// The sweep table from the scored rows (every k of the plan, any order) and the k its rule
    /// chooses.
    pub fn choose(&self, mut rows: Vec<KSweepRow>) -> Result<KSweep> {
        if rows.is_empty() {
            return Err(SegError::Clustering { message: "k: \"auto\" needs the scored sweep rows".into() });
        }
        crate::sort::sort_by_key(&mut rows, |r| r.k);
        let min_segment_size = self.options.min_segment_size();
        let (sweep_rows, all_rows) = (self.sweep_matrix().nrows(), self.matrix().nrows());
        rule_out_small(&mut rows, min_segment_size, sweep_rows, all_rows);
        let chosen = choose_k(&rows, min_segment_size, sweep_rows, all_rows);
        let sample_size = self.sweep_matrix().nrows() as u32;
        Ok(KSweep { rows, chosen_k: chosen, rule: RULE.to_string(), sample_size, sampled: self.sweep.is_some(), refined_starts: 0, min_segment_size })
    }

    /// With a sampled sweep (k: "auto" on many rows): the chosen k and the sample solutions to
    /// refine on every row, in the order [`Session::finish`] weighs them; None when the sweep
    /// ran on every row (or k is fixed): nothing to refine.
    pub fn refine_plan(&self, parts: Vec<RestartBest>, rows: Vec<KSweepRow>) -> Result<Option<(u32, Vec<RestartBest>)>> {
        if self.sweep.is_none() || !matches!(self.options.k, KChoice::Auto(_)) {
            return Ok(None);
        }
        let k = self.choose(rows)?.chosen_k;
        Ok(Some((k, refine_starts(parts.into_iter().filter(|p| p.k == k)))))
    }

    /// One start of [`Session::refine_plan`] refined on every row (any worker: each holds the
    /// whole matrix), on a matrix [`Session::plan`] accepted, as [`Session::fit_restarts`]: no
    /// second scan of a million rows for what the plan already checked.
    pub fn refine(&self, start: RestartBest) -> Result<RestartBest> {
        refine_start(self.matrix(), &self.options.kmeans_params(start.k), start)
    }

    /// The result: for k: "auto", k chosen from `rows` (every k of the plan, any order) by the
    /// sweep's rule; the chosen k's shares merged; then profiles, quality, projection, model.
    /// With a sampled sweep, `parts` are the sweep's restarts on the sample (at least the
    /// chosen k's); the best few of the chosen k's are refined on every row: `refined` holds
    /// them already refined ([`Session::refine`], in [`Session::refine_plan`]'s order), or, when
    /// None, they are refined here.
    pub fn finish(
        mut self,
        parts: Vec<RestartBest>,
        rows: Option<Vec<KSweepRow>>,
        refined: Option<Vec<RestartBest>>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(SegmentResult, segmentation::Spent)> {
        let (k, sweep) = match (self.options.k, rows) {
            (KChoice::Fixed(k), _) => (k, None),
            (KChoice::Auto(_), Some(rows)) if !rows.is_empty() => {
                let sweep = self.choose(rows)?;
                (sweep.chosen_k, Some(sweep))
            }
            (KChoice::Auto(_), _) => {
                return Err(SegError::Clustering { message: "k: \"auto\" needs the scored sweep rows".into() })
            }
        };
        let params = self.options.kmeans_params(k);
        let parts = parts.into_iter().filter(|p| p.k == k);
        let (fit, sweep) = match sweep {
            // A sampled sweep: `parts` are the chosen k's restarts on the sample; the best few
            // are refined on every row (as `segment` does).
            Some(mut sweep) if sweep.sampled => {
                let starts = refine_starts(parts);
                sweep.refined_starts = starts.len() as u32;
                let total = sweep.refined_starts;
                let fit = match refined {
                    // Refined by the pool: the same starts, in the same order, or it is a bug.
                    Some(refined) => {
                        let same = refined.len() == starts.len() && refined.iter().zip(&starts).all(|(r, s)| r.k == s.k && r.restart == s.restart);
                        if !same {
                            return Err(SegError::Clustering { message: "the refined solutions are not the chosen k's sample solutions".into() });
                        }
                        finish_refined(self.matrix(), &params, refined)?
                    }
                    None => {
                        progress(&Progress { stage: "cluster", k: Some(k), run: None, done: 0, total });
                        refine_on_all_rows(self.matrix(), &params, starts, &mut |i| {
                            progress(&Progress { stage: "cluster", k: Some(k), run: Some(i), done: i + 1, total })
                        })?
                    }
                };
                (fit, Some(sweep))
            }
            sweep => (finish_fit(self.matrix(), &params, merge_restarts(parts), &mut Default::default())?, sweep),
        };
        // The sweep's silhouette sample is reused for the result only when the sweep ran on
        // every row (as `segment` does); a sampled sweep's rows are not the result's rows.
        let reuse = sweep.as_ref().is_some_and(|s| !s.sampled);
        if reuse {
            self.build_sample();
        }
        let encoded = self.encoded.take().ok_or_else(|| SegError::Clustering {
            message: "only the worker that parsed the input can finish the result".into(),
        })?;
        let sample = if reuse { self.sample.as_ref() } else { None };
        segmentation::finish(&self.options, encoded, fit, sweep, sample, progress)
    }
}
