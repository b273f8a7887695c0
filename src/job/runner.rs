//! What runs the job's tasks: the encoded matrix, the sweep's rows (a sample of them with a
//! sampled sweep) and the silhouette sample's distances. The sequential `segment` has one; in
//! the worker pool every worker has one (a copy of the matrix), so any of them runs any task.

use super::tasks::{Output, Plan, Work};
use crate::clustering::kmeans::{best_of_restarts, check_fit, finish_fit, merge_restarts, KMeansFit, RestartBest, Spread};
use crate::clustering::metrics::SampleDistances;
use crate::clustering::sweep::{choose_k, rule_out_small, score_k, sweep_ks, RULE};
use crate::clustering::sweep_sampled::{finish_refined, refine_on_all_rows, refine_start, refine_starts};
use crate::clustering::{KSweep, KSweepRow};
use crate::error::{Result, SegError};
use crate::options::{KChoice, Progress, SegmentOptions};
use ndarray::{Array2, ArrayView2};
use std::cell::OnceCell;

pub struct Runner {
    options: SegmentOptions,
    /// The encoded matrix (n × features, row-major).
    matrix: Array2<f64>,
    /// The sweep's rows when it runs on a sample (k: "auto" on many rows).
    sweep: Option<Array2<f64>>,
    /// The silhouette sample's pairwise distances (of the sweep's matrix), built on first use.
    sample: Option<SampleDistances>,
    /// The spreads of the matrix and of the sweep's (what the fits' stop is scaled by),
    /// measured on first use: once per worker, not once per task.
    spread: OnceCell<Spread>,
    sweep_spread: OnceCell<Spread>,
}

impl Runner {
    pub fn new(matrix: Array2<f64>, options: SegmentOptions) -> Runner {
        let sweep = options.sweep_matrix(matrix.view());
        Runner { options, matrix, sweep, sample: None, spread: OnceCell::new(), sweep_spread: OnceCell::new() }
    }

    pub fn options(&self) -> &SegmentOptions {
        &self.options
    }

    /// The encoded matrix (n × features, row-major).
    pub fn matrix(&self) -> ArrayView2<'_, f64> {
        self.matrix.view()
    }

    /// The matrix the k sweep runs on: the sampled rows, or every row.
    pub fn sweep_matrix(&self) -> ArrayView2<'_, f64> {
        match &self.sweep {
            Some(s) => s.view(),
            None => self.matrix(),
        }
    }

    /// The spread of the sweep's matrix (`on_sweep`) or of every row, measured on first use;
    /// one measurement when the sweep runs on every row.
    fn spread(&self, on_sweep: bool) -> Spread {
        match &self.sweep {
            Some(sample) if on_sweep => *self.sweep_spread.get_or_init(|| Spread::of(sample.view())),
            _ => *self.spread.get_or_init(|| Spread::of(self.matrix())),
        }
    }

    /// The matrix back, with the silhouette sample's distances when the result may reuse them:
    /// when the sweep ran on every row (a sampled sweep's rows are not the result's rows).
    pub fn into_parts(mut self, k_sweep: Option<&KSweep>) -> (Array2<f64>, Option<SampleDistances>) {
        let reuse = k_sweep.is_some_and(|s| !s.sampled);
        if reuse {
            self.build_sample();
        }
        (self.matrix, if reuse { self.sample } else { None })
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

    /// One task: `inputs` are the outputs of its `after` tasks, in that order.
    pub fn run(&mut self, work: Work, inputs: Vec<Output>) -> Result<Output> {
        match work {
            Work::Fit { k, restart } => self.fit_restarts(k, restart, restart + 1, true).map(Output::Restart),
            Work::Score { k } => {
                let restarts = inputs
                    .into_iter()
                    .map(|o| match o {
                        Output::Restart(r) => Ok(r),
                        Output::Row(_) => Err(SegError::Clustering { message: "a score task's inputs are restarts".into() }),
                    })
                    .collect::<Result<Vec<_>>>()?;
                self.score(k, restarts).map(Output::Row)
            }
            Work::Refine { start } => self.refine(start).map(Output::Restart),
        }
    }

    /// Restarts `start..end` of k (on a matrix [`Runner::plan`] accepted): the share's winner.
    /// `on_sweep`: on the sweep's matrix (the sample when sampled), else on every row.
    pub fn fit_restarts(&self, k: u32, start: u32, end: u32, on_sweep: bool) -> Result<RestartBest> {
        let params = self.options.kmeans_params(k);
        if start >= end || end > params.n_runs {
            return Err(SegError::option("restarts", format!("{start}..{end} is not a range within 0..{}", params.n_runs)));
        }
        let x = if on_sweep { self.sweep_matrix() } else { self.matrix() };
        best_of_restarts(x, &params, self.spread(on_sweep), start..end, &mut |_| {})?.ok_or_else(|| SegError::Clustering { message: "no restart produced a result".into() })
    }

    /// The sweep row of one k, from the winners of all its shares (fitted on the sweep's matrix).
    pub fn score(&mut self, k: u32, restarts: Vec<RestartBest>) -> Result<KSweepRow> {
        let params = self.options.kmeans_params(k);
        let fit = finish_fit(self.sweep_matrix(), &params, merge_restarts(restarts), &mut Default::default())?;
        self.build_sample();
        let sample = self.sample.as_ref().ok_or_else(|| SegError::Clustering { message: "no silhouette sample".into() })?;
        Ok(score_k(self.sweep_matrix(), sample, &fit))
    }

    fn build_sample(&mut self) {
        if self.sample.is_none() {
            self.sample = Some(self.options.sample_distances(self.sweep_matrix()));
        }
    }

    /// One sample solution refined on every row, on a matrix [`Runner::plan`] accepted: no second
    /// scan of a million rows for what the plan already checked.
    pub fn refine(&self, start: RestartBest) -> Result<RestartBest> {
        refine_start(self.matrix(), &self.options.kmeans_params(start.k), self.spread(false), start)
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
        let sampled = self.sweep.is_some();
        Ok(KSweep { rows, chosen_k: chosen, rule: RULE.to_string(), sample_size: sweep_rows as u32, sampled, refined_starts: 0, min_segment_size })
    }

    /// With a sampled sweep (k: "auto" on many rows): the chosen k and the sample solutions to
    /// refine on every row, in the order [`Runner::fit_chosen`] weighs them; None when the sweep
    /// ran on every row (or k is fixed): nothing to refine.
    pub fn refine_plan(&self, restarts: Vec<RestartBest>, rows: Vec<KSweepRow>) -> Result<Option<(u32, Vec<RestartBest>)>> {
        if self.sweep.is_none() || !matches!(self.options.k, KChoice::Auto(_)) {
            return Ok(None);
        }
        let k = self.choose(rows)?.chosen_k;
        Ok(Some((k, refine_starts(restarts.into_iter().filter(|p| p.k == k)))))
    }

    /// The fit of the result and the sweep table: for k: "auto", k chosen from `rows` (every k
    /// of the plan, any order) by the sweep's rule; the chosen k's restarts merged. With a
    /// sampled sweep, `restarts` are the sweep's on the sample (at least the chosen k's); the
    /// best few of the chosen k's are refined on every row: `refined` holds them already refined
    /// ([`Runner::refine`], in [`Runner::refine_plan`]'s order), or, when None, they are refined
    /// here.
    pub fn fit_chosen(
        &self,
        restarts: Vec<RestartBest>,
        rows: Option<Vec<KSweepRow>>,
        refined: Option<Vec<RestartBest>>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(KMeansFit, Option<KSweep>)> {
        let (k, sweep) = match (self.options.k, rows) {
            (KChoice::Fixed(k), _) => (k, None),
            (KChoice::Auto(_), Some(rows)) if !rows.is_empty() => {
                let sweep = self.choose(rows)?;
                (sweep.chosen_k, Some(sweep))
            }
            (KChoice::Auto(_), _) => return Err(SegError::Clustering { message: "k: \"auto\" needs the scored sweep rows".into() }),
        };
        let params = self.options.kmeans_params(k);
        let restarts = restarts.into_iter().filter(|p| p.k == k);
        match sweep {
            Some(mut sweep) if sweep.sampled => {
                let starts = refine_starts(restarts);
                sweep.refined_starts = starts.len() as u32;
                let total = sweep.refined_starts;
                let fit = match refined {
                    // Refined elsewhere: the same starts, in the same order, or it is a bug.
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
                Ok((fit, Some(sweep)))
            }
            sweep => Ok((finish_fit(self.matrix(), &params, merge_restarts(restarts), &mut Default::default())?, sweep)),
        }
    }
}
