//! One `segment` call split over a pool of workers (`createSegmenter({ workers })` in
//! `js/worker/`), with the result identical to `segmentation::segment` bit for bit: the same
//! job (`crate::job`), its tasks run by whichever worker is free.
//!
//! 1. One worker parses and encodes once ([`Session::prepare`]); the encoded matrix is copied
//!    out and handed to the others ([`Session::from_matrix`]), never re-parsed.
//!    A long CSV file is first read in parts, one per worker ([`Session::read_part`], cut after
//!    line ends), and the worker with the first part merges them and encodes
//!    ([`Session::prepare_parts`]; `ingest::parts` says why the result is one read's). When the
//!    merge cannot be sure of that (an error, a limit, a duplicate id across parts), it says so,
//!    and the first worker reads the whole file as in 1.
//! 2. The preparing worker holds the job: it hands out its batches of tasks
//!    ([`Session::next_batch`]; the first one raises the errors `segment` would raise before
//!    clustering), any worker runs any task ([`Session::run`]), and the preparing worker
//!    finishes ([`Session::finish_job`]).
//!
//! The steps of the job are also methods of their own ([`Session::fit_restarts`],
//! [`Session::score`], [`Session::refine_plan`], [`Session::refine`], [`Session::finish`]), for
//! tests that play the pool with other splits.

use crate::clustering::kmeans::RestartBest;
use crate::clustering::{KSweep, KSweepRow};
use crate::error::{Result, SegError};
use crate::ingest::csv::Span;
use crate::ingest::parts::{self, PartRead};
use crate::job::{Batch, Job, Output, Runner, Work};
use crate::segmentation::{self, Encoded, Input, Progress, SegmentOptions, SegmentResult};
use ndarray::{Array2, ArrayView2};

pub use crate::job::Plan;

/// One worker's state for one pooled call.
pub struct Session {
    runner: Runner,
    /// Everything `segment` needs to finish (its matrix lent to the runner): only in the worker
    /// that parsed the input.
    encoded: Option<Encoded>,
    /// The job, in the worker that parsed, from its first [`Session::next_batch`].
    job: Option<Job>,
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
    fn from_encoded(mut encoded: Encoded, options: SegmentOptions) -> Session {
        let runner = Runner::new(std::mem::take(&mut encoded.x), options);
        Session { runner, encoded: Some(encoded), job: None }
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
        Ok(Session { runner: Runner::new(matrix, options), encoded: None, job: None })
    }

    /// The encoded matrix (n × features, row-major).
    pub fn matrix(&self) -> ArrayView2<'_, f64> {
        self.runner.matrix()
    }

    /// The matrix the k sweep runs on: the sampled rows, or every row.
    pub fn sweep_matrix(&self) -> ArrayView2<'_, f64> {
        self.runner.sweep_matrix()
    }

    /// The ks and restarts to run, after the checks `segment` makes before clustering.
    pub fn plan(&self) -> Result<Plan> {
        self.runner.plan()
    }

    /// The job's next batch of tasks, given the outputs of the one before (none at first: the
    /// job starts, with the errors `segment` raises before clustering); None when all are done.
    pub fn next_batch(&mut self, outputs: Vec<Output>) -> Result<Option<Batch>> {
        let job = match &mut self.job {
            Some(job) => job,
            None => self.job.insert(Job::new(self.runner.plan()?)),
        };
        job.next_batch(&self.runner, outputs)
    }

    /// One task of a batch, given the outputs of its `after` tasks.
    pub fn run(&mut self, work: Work, inputs: Vec<Output>) -> Result<Output> {
        self.runner.run(work, inputs)
    }

    /// The result, once [`Session::next_batch`] says every task is done.
    pub fn finish_job(mut self, progress: &mut dyn FnMut(&Progress)) -> Result<(SegmentResult, segmentation::Spent)> {
        let job = self.job.take().ok_or_else(|| SegError::Clustering { message: "the job has not started".into() })?;
        let (fit, sweep) = job.finish(&self.runner, progress)?;
        self.finish_fit(fit, sweep, progress)
    }

    /// Restarts `start..end` of k (on a matrix [`Session::plan`] accepted): the share's winner.
    /// `on_sweep`: on the sweep's matrix (the sample when sampled), else on every row.
    pub fn fit_restarts(&self, k: u32, start: u32, end: u32, on_sweep: bool) -> Result<RestartBest> {
        self.runner.fit_restarts(k, start, end, on_sweep)
    }

    /// The sweep row of one k, from the winners of all its shares (fitted on the sweep's matrix).
    pub fn score(&mut self, k: u32, parts: Vec<RestartBest>) -> Result<KSweepRow> {
        self.runner.score(k, parts)
    }

    /// The sweep table from the scored rows (every k of the plan, any order) and the k its rule
    /// chooses.
    pub fn choose(&self, rows: Vec<KSweepRow>) -> Result<KSweep> {
        self.runner.choose(rows)
    }

    /// With a sampled sweep: the chosen k and the sample solutions to refine on every row, in
    /// the order [`Session::finish`] weighs them; None when there is nothing to refine.
    pub fn refine_plan(&self, parts: Vec<RestartBest>, rows: Vec<KSweepRow>) -> Result<Option<(u32, Vec<RestartBest>)>> {
        self.runner.refine_plan(parts, rows)
    }

    /// One start of [`Session::refine_plan`] refined on every row (any worker).
    pub fn refine(&self, start: RestartBest) -> Result<RestartBest> {
        self.runner.refine(start)
    }

    /// The result from the outputs of every step: for k: "auto", k chosen from `rows`; the
    /// chosen k's shares merged (with a sampled sweep, `refined`: the starts refined in
    /// [`Session::refine_plan`]'s order, or None to refine them here); then profiles, quality,
    /// projection, model.
    pub fn finish(
        self,
        parts: Vec<RestartBest>,
        rows: Option<Vec<KSweepRow>>,
        refined: Option<Vec<RestartBest>>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(SegmentResult, segmentation::Spent)> {
        let (fit, sweep) = self.runner.fit_chosen(parts, rows, refined, progress)?;
        self.finish_fit(fit, sweep, progress)
    }

    fn finish_fit(
        self,
        fit: crate::clustering::KMeansFit,
        sweep: Option<KSweep>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<(SegmentResult, segmentation::Spent)> {
        let Session { runner, encoded, .. } = self;
        let mut encoded = encoded.ok_or_else(|| SegError::Clustering { message: "only the worker that parsed the input can finish the result".into() })?;
        let options = runner.options().clone();
        let (matrix, sample) = runner.into_parts(sweep.as_ref());
        encoded.x = matrix;
        segmentation::finish(&options, encoded, fit, sweep, sample.as_ref(), progress)
    }
}
