//! The segment job's clustering stages, described once: read → encode (`segmentation::prepare`)
//! → sweep or fit → refine → score → profile → project (`segmentation::finish`). Between
//! encoding and the result, a [`Job`] hands out [`Batch`]es of tasks, each a piece of work any
//! [`Runner`] can do (one k-means++ restart, the score of one k, one sample solution refined
//! on every row), and collects their outputs:
//!
//! 1. the restarts of every k of the plan (bigger k first: the longest tasks do not come last);
//!    for k: "auto", each k's score, right after its own restarts;
//! 2. with a sampled sweep (`sweepSample`, many rows), the chosen k's best sample solutions,
//!    each refined on every row;
//! 3. the fit: the chosen k's winner ([`Job::finish`]).
//!
//! The sequential `segment` runs each task in place, in order ([`run_here`]); the worker pool
//! (`crate::pool`, js/worker/) runs each on whichever worker is free. The result is the same bit
//! for bit: each restart draws from its own RNG stream, and the merges keep the sequential
//! tie-breaks (lowest inertia, earliest restart), whatever order the outputs came in.

mod runner;
mod tasks;

pub use runner::Runner;
pub use tasks::{Batch, Output, Plan, Step, Task, Work};

use crate::clustering::kmeans::{KMeansFit, RestartBest};
use crate::clustering::{KSweep, KSweepRow};
use crate::error::{Result, SegError};
use crate::options::Progress;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Next {
    Fits,
    Refines,
    Done,
}

/// The job's progress between encoding and the fit: what was handed out, what came back.
pub struct Job {
    plan: Plan,
    next: Next,
    /// The batch handed out last, whose outputs [`Job::next_batch`] takes.
    handed: Option<Batch>,
    restarts: Vec<RestartBest>,
    rows: Vec<KSweepRow>,
    refined: Option<Vec<RestartBest>>,
}

fn bad_outputs(message: &str) -> SegError {
    SegError::Clustering { message: format!("the job's outputs do not match its tasks: {message}") }
}

impl Job {
    /// The job of a plan [`Runner::plan`] made.
    pub fn new(plan: Plan) -> Job {
        Job { plan, next: Next::Fits, handed: None, restarts: Vec::new(), rows: Vec::new(), refined: None }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The outputs of the batch handed out last (in its task order; none before the first),
    /// then the next batch, or None when every task is done ([`Job::finish`]).
    pub fn next_batch(&mut self, runner: &Runner, outputs: Vec<Output>) -> Result<Option<Batch>> {
        match self.handed.take() {
            Some(batch) => self.take_outputs(&batch, outputs)?,
            None if !outputs.is_empty() => return Err(bad_outputs("outputs before any task")),
            None => {}
        }
        let batch = match self.next {
            Next::Fits => {
                self.next = if self.plan.sampled { Next::Refines } else { Next::Done };
                self.fits()
            }
            Next::Refines => {
                self.next = Next::Done;
                self.refines(runner)?
            }
            Next::Done => return Ok(None),
        };
        self.handed = Some(batch.clone());
        Ok(Some(batch))
    }

    fn take_outputs(&mut self, batch: &Batch, outputs: Vec<Output>) -> Result<()> {
        if outputs.len() != batch.tasks.len() {
            return Err(bad_outputs(&format!("{} outputs for {} tasks", outputs.len(), batch.tasks.len())));
        }
        // `next` has moved past the batch: after the refines, there is nothing left.
        let refining = self.plan.sampled && self.next == Next::Done;
        let mut refined = Vec::new();
        for (task, output) in batch.tasks.iter().zip(outputs) {
            match (&task.work, output) {
                (Work::Fit { .. }, Output::Restart(r)) => self.restarts.push(r),
                (Work::Score { .. }, Output::Row(row)) => self.rows.push(row),
                (Work::Refine { .. }, Output::Restart(r)) => refined.push(r),
                (work, _) => return Err(bad_outputs(&format!("a wrong kind of output for {work:?}"))),
            }
        }
        if refining {
            self.refined = Some(refined);
        }
        Ok(())
    }

    /// Every restart of every k, bigger k first; for k: "auto", each k's score after its restarts.
    fn fits(&self) -> Batch {
        let plan = &self.plan;
        let auto = plan.stage == "sweep";
        let mut tasks = Vec::new();
        for &k in plan.ks.iter().rev() {
            let first = tasks.len() as u32;
            for restart in 0..plan.n_runs {
                tasks.push(Task { work: Work::Fit { k, restart }, after: Vec::new(), step: Some(Step { k, run: restart }) });
            }
            if auto {
                let after = (first..first + plan.n_runs).collect();
                tasks.push(Task { work: Work::Score { k }, after, step: None });
            }
        }
        let stage = if auto { "sweep" } else { "cluster" };
        Batch { stage, k: plan.ks.first().copied().unwrap_or(0), total: plan.total, tasks }
    }

    /// A sampled sweep's chosen k's best sample solutions, each to refine on every row.
    fn refines(&self, runner: &Runner) -> Result<Batch> {
        let (k, starts) = runner
            .refine_plan(self.restarts.clone(), self.rows.clone())?
            .ok_or_else(|| SegError::Clustering { message: "a sampled sweep with nothing to refine".into() })?;
        let tasks: Vec<Task> = starts
            .into_iter()
            .enumerate()
            .map(|(i, start)| Task { work: Work::Refine { start }, after: Vec::new(), step: Some(Step { k, run: i as u32 }) })
            .collect();
        Ok(Batch { stage: "cluster", k, total: tasks.len() as u32, tasks })
    }

    /// The fit of the result and the sweep table, once every batch is done.
    pub fn finish(self, runner: &Runner, progress: &mut dyn FnMut(&Progress)) -> Result<(KMeansFit, Option<KSweep>)> {
        if self.next != Next::Done || self.handed.is_some() {
            return Err(SegError::Clustering { message: "the job's tasks are not all done".into() });
        }
        let rows = (self.plan.stage == "sweep").then_some(self.rows);
        runner.fit_chosen(self.restarts, rows, self.refined, progress)
    }
}

/// The job run here, each task in place, in order: the sequential `segment`.
pub fn run_here(runner: &mut Runner, progress: &mut dyn FnMut(&Progress)) -> Result<(KMeansFit, Option<KSweep>)> {
    let mut job = Job::new(runner.plan()?);
    let mut outputs = Vec::new();
    while let Some(batch) = job.next_batch(runner, outputs)? {
        progress(&batch.started());
        outputs = Vec::with_capacity(batch.tasks.len());
        let mut done = 0;
        for task in &batch.tasks {
            let inputs = task.after.iter().map(|&i| outputs.get(i as usize).cloned().ok_or_else(|| bad_outputs("a task before its inputs"))).collect::<Result<Vec<_>>>()?;
            outputs.push(runner.run(task.work.clone(), inputs)?);
            if let Some(step) = task.step {
                done += 1;
                progress(&batch.step_done(step, done));
            }
        }
    }
    job.finish(runner, progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segmentation::{AutoK, KChoice, SegmentOptions};
    use ndarray::Array2;

    /// Three well-apart groups of 20 rows in 2 columns, a little spread inside each.
    fn runner(options: SegmentOptions) -> Runner {
        let rows: Vec<f64> = (0..60).flat_map(|i| [(i / 20) as f64 * 10.0 + (i % 5) as f64 * 0.1, (i % 7) as f64 * 0.1]).collect();
        Runner::new(Array2::from_shape_vec((60, 2), rows).unwrap(), options)
    }

    fn fit(k: u32, restart: u32) -> Task {
        Task { work: Work::Fit { k, restart }, after: vec![], step: Some(Step { k, run: restart }) }
    }

    #[test]
    fn a_fixed_k_is_one_batch_of_its_restarts() {
        let r = runner(SegmentOptions { k: KChoice::Fixed(3), n_runs: 3, ..Default::default() });
        let mut job = Job::new(r.plan().unwrap());
        let batch = job.next_batch(&r, vec![]).unwrap().unwrap();
        assert_eq!(batch, Batch { stage: "cluster", k: 3, total: 3, tasks: vec![fit(3, 0), fit(3, 1), fit(3, 2)] });
        let outputs = batch.tasks.iter().map(|t| r.fit_restarts(3, t.step.unwrap().run, t.step.unwrap().run + 1, true).map(Output::Restart)).collect::<Result<Vec<_>>>().unwrap();
        assert_eq!(job.next_batch(&r, outputs).unwrap(), None);
    }

    #[test]
    fn each_k_is_scored_right_after_its_own_restarts_bigger_k_first() {
        let r = runner(SegmentOptions { k: KChoice::Auto(AutoK::Auto), k_range: [3, 4], n_runs: 2, ..Default::default() });
        let mut job = Job::new(r.plan().unwrap());
        let batch = job.next_batch(&r, vec![]).unwrap().unwrap();
        let score = |k, after: Vec<u32>| Task { work: Work::Score { k }, after, step: None };
        let tasks = vec![fit(4, 0), fit(4, 1), score(4, vec![0, 1]), fit(3, 0), fit(3, 1), score(3, vec![3, 4])];
        assert_eq!(batch, Batch { stage: "sweep", k: 3, total: 4, tasks });
    }

    #[test]
    fn outputs_that_do_not_match_the_tasks_are_an_error() {
        let r = runner(SegmentOptions { k: KChoice::Fixed(2), n_runs: 2, ..Default::default() });
        let restart = Output::Restart(r.fit_restarts(2, 0, 1, true).unwrap());
        let row = Output::Row(KSweepRow { k: 2, inertia: 0.0, silhouette: 0.0, calinski_harabasz: 0.0, davies_bouldin: 0.0, segment_sizes: vec![], ruled_out: None });
        let handed = || {
            let mut job = Job::new(r.plan().unwrap());
            job.next_batch(&r, vec![]).unwrap().unwrap();
            job
        };
        let cases = [
            ("before any task", Job::new(r.plan().unwrap()), vec![restart.clone()]),
            ("too few", handed(), vec![restart.clone()]),
            ("a row for a restart", handed(), vec![restart.clone(), row]),
        ];
        for (what, mut job, outputs) in cases {
            assert_eq!(job.next_batch(&r, outputs).unwrap_err().code(), "CLUSTERING_FAILED", "{what}");
        }
        assert_eq!(handed().next_batch(&r, vec![restart.clone(), restart]).unwrap(), None);
    }

    /// Progress as `segment` reports it: the stage's start (done 0), then each restart once,
    /// done counting up to the total.
    #[test]
    fn run_here_reports_every_restart_once_counting_up() {
        let mut r = runner(SegmentOptions { k: KChoice::Auto(AutoK::Auto), k_range: [2, 4], n_runs: 2, ..Default::default() });
        let mut seen = Vec::new();
        let (fit, sweep) = run_here(&mut r, &mut |p| seen.push((p.stage, p.k, p.run, p.done, p.total))).unwrap();
        let expected = vec![
            ("sweep", Some(2), None, 0, 6),
            ("sweep", Some(4), Some(0), 1, 6),
            ("sweep", Some(4), Some(1), 2, 6),
            ("sweep", Some(3), Some(0), 3, 6),
            ("sweep", Some(3), Some(1), 4, 6),
            ("sweep", Some(2), Some(0), 5, 6),
            ("sweep", Some(2), Some(1), 6, 6),
        ];
        assert_eq!(seen, expected);
        let sweep = sweep.unwrap();
        assert_eq!(sweep.rows.iter().map(|r| r.k).collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(sweep.chosen_k, 3, "three groups far apart: {sweep:?}");
        assert_eq!(fit.sizes, vec![20, 20, 20]);
    }
}
