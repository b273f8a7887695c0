//! The job's vocabulary: what it has to run (`Plan`), one task's work and output, and a batch of
//! tasks with the progress it reports. Shared by the job, its runner and the worker pool.

use crate::clustering::kmeans::RestartBest;
use crate::clustering::KSweepRow;
use crate::options::Progress;
use serde::{Deserialize, Serialize};

/// What the job has to run: every restart `0..n_runs` of every k in `ks`.
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

/// One piece of work ([`Runner::run`]). Externally tagged (`{"fit": {k, restart}}`): an
/// internally tagged enum's deserializer buffers its input, much more code in the wasm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Work {
    /// Restart `restart` of k-means with `k` clusters, on the sweep's rows (every row for a
    /// fixed k): its solution.
    Fit { k: u32, restart: u32 },
    /// The sweep row of `k`, from its restarts' solutions (the task's inputs).
    Score { k: u32 },
    /// A sample solution refined on every row.
    Refine { start: RestartBest },
}

/// A task's output: a restart's solution, or a scored k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Output {
    Restart(RestartBest),
    Row(KSweepRow),
}

/// A task of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub work: Work,
    /// The tasks of the same batch (indices, all before this one) whose outputs are this task's
    /// inputs, in this order; it is ready to run when they are done.
    pub after: Vec<u32>,
    /// The progress step this task counts for when done; none for a score.
    pub step: Option<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub k: u32,
    pub run: u32,
}

/// Tasks to run, in the order to prefer among those ready; one progress stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    pub stage: &'static str,
    /// The k of the stage's first progress report.
    pub k: u32,
    /// How many steps the stage's progress counts to.
    pub total: u32,
    pub tasks: Vec<Task>,
}

impl Batch {
    /// Reported before the first task (progress bars, the bench's stage timings).
    pub fn started(&self) -> Progress {
        Progress { stage: self.stage, k: Some(self.k), run: None, done: 0, total: self.total }
    }

    /// Reported when a task with this step is done, the `done`-th of the batch's steps.
    pub fn step_done(&self, step: Step, done: u32) -> Progress {
        Progress { stage: self.stage, k: Some(step.k), run: Some(step.run), done, total: self.total }
    }
}
