//! The options of a segmentation run and its progress reports: what `segment`, the job
//! (`crate::job`) and the worker pool read, kept apart from the stages that use them.

use crate::clustering::kmeans::{Engine, KMeansParams};
use crate::clustering::metrics::{silhouette_rows, SampleDistances};
use crate::clustering::params::k_too_large;
use crate::clustering::sweep_sampled::SweepSample;
use crate::error::Result;
use crate::features::BlockWeights;
use crate::ingest::{IngestOptions, OnError, SheetChoice};
use crate::limits;
use crate::privacy::Pseudonymize;
use crate::segments::DisplayNames;
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `k`: a number, or "auto" for the sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KChoice {
    Fixed(u32),
    Auto(AutoK),
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AutoK {
    Auto,
}

/// Options of `segment` (JS: `SegmentOptions`). Unknown fields are an error: a misspelt option
/// silently ignored would change results without anyone noticing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SegmentOptions {
    pub k: KChoice,
    pub k_range: [u32; 2],
    pub seed: u32,
    pub n_runs: u32,
    pub max_iterations: u32,
    pub tolerance: f64,
    /// k-means implementation: "fast" (default) or "linfa" (the reference).
    pub engine: Engine,
    pub columns: BTreeMap<String, String>,
    pub weights: BlockWeights,
    pub exclude: Vec<String>,
    pub cap_quantile: Option<f64>,
    pub silhouette_sample: u32,
    /// k: "auto" on many rows: the sweep runs on a seeded sample of this many rows, then the
    /// chosen k's best few solutions on the sample are refined by Lloyd on every row ("all":
    /// the sweep runs on every row).
    pub sweep_sample: SweepSample,
    pub min_cell_size: u32,
    /// Fewest HCPs a segment may have (default: `minCellSize`). `k: "auto"` rules out a k that
    /// leaves a smaller segment; with a fixed k such a segment is flagged `tooSmall` and warned
    /// about in `report.warnings` (see `guardrails`).
    pub min_segment_size: Option<u32>,
    pub delimiter: Option<String>,
    pub decimal_comma: Option<bool>,
    /// Force the encoding of a file given as bytes: "utf-8", "utf-16le", "utf-16be" or
    /// "windows-1252"; detected when absent (`ingest::encoding`).
    pub encoding: Option<String>,
    /// "fail" (default): the first bad row is an error; "skip": bad rows are skipped and listed
    /// in `report.skipped`.
    pub on_error: OnError,
    /// Replace every hcp_id in the outputs with a salted SHA-256 pseudonym (see `privacy`).
    pub pseudonymize: Option<Pseudonymize>,
    /// Channel → the name shown for it (persona names, cards, the plan); others are named by
    /// the channel catalog (`segments::catalog`).
    pub display_names: BTreeMap<String, String>,
    /// The worksheet of a workbook input: a name or a 0-based index (default: the first that
    /// is not empty).
    pub sheet: Option<SheetChoice>,
}

impl Default for SegmentOptions {
    fn default() -> Self {
        let km = KMeansParams::default();
        SegmentOptions {
            k: KChoice::Auto(AutoK::Auto),
            k_range: [3, 8],
            seed: km.seed,
            n_runs: km.n_runs,
            max_iterations: km.max_iterations,
            tolerance: km.tolerance,
            engine: km.engine,
            columns: BTreeMap::new(),
            weights: BlockWeights::default(),
            exclude: Vec::new(),
            cap_quantile: Some(0.99),
            silhouette_sample: 3000,
            sweep_sample: SweepSample::default(),
            min_cell_size: 10,
            min_segment_size: None,
            delimiter: None,
            decimal_comma: None,
            encoding: None,
            on_error: OnError::Fail,
            pseudonymize: None,
            display_names: BTreeMap::new(),
            sheet: None,
        }
    }
}

impl SegmentOptions {
    pub fn ingest_options(&self) -> IngestOptions {
        IngestOptions {
            columns: self.columns.clone(),
            exclude: self.exclude.clone(),
            delimiter: self.delimiter.clone(),
            decimal_comma: self.decimal_comma,
            on_error: self.on_error,
            encoding: self.encoding.clone(),
            sheet: self.sheet.clone(),
        }
    }

    /// Checks that need no data: an engine this build carries, k within [`limits::MAX_K`], a
    /// usable salt.
    pub fn check(&self) -> Result<()> {
        self.engine.check_available()?;
        let too_many = |found: u32| k_too_large("k (segments)", found);
        match self.k {
            KChoice::Fixed(k) if k > limits::MAX_K => return Err(too_many(k)),
            KChoice::Auto(_) if self.k_range[1] > limits::MAX_K => return Err(too_many(self.k_range[1])),
            _ => {}
        }
        if let Some(p) = &self.pseudonymize {
            p.validate()?;
        }
        DisplayNames::new(&self.display_names)?;
        self.sweep_sample.check()
    }

    /// The k sweep's matrix when it runs on a sample of `x`'s rows (k: "auto" only), else None.
    pub fn sweep_matrix(&self, x: ArrayView2<f64>) -> Option<Array2<f64>> {
        match self.k {
            KChoice::Auto(_) => self.sweep_sample.matrix(x, self.seed),
            KChoice::Fixed(_) => None,
        }
    }

    /// `minSegmentSize`, or `minCellSize` when it is not set.
    pub fn min_segment_size(&self) -> u32 {
        self.min_segment_size.unwrap_or(self.min_cell_size)
    }

    pub fn kmeans_params(&self, k: u32) -> KMeansParams {
        KMeansParams { k, n_runs: self.n_runs, max_iterations: self.max_iterations, tolerance: self.tolerance, seed: self.seed, engine: self.engine }
    }

    /// The rows whose silhouette is measured (seeded sample of `silhouette_sample` rows).
    pub fn silhouette_rows(&self, n: usize) -> Vec<usize> {
        silhouette_rows(n, self.silhouette_sample.max(2) as usize, self.seed)
    }

    /// Pairwise distances of the silhouette sample, shared by every k of the sweep.
    pub fn sample_distances(&self, x: ArrayView2<f64>) -> SampleDistances {
        SampleDistances::new(x, self.silhouette_rows(x.nrows()))
    }
}

/// Where a run is, for progress bars.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// parse | encode | sweep | cluster | profile | project
    pub stage: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<u32>,
    pub done: u32,
    pub total: u32,
}

impl Progress {
    pub fn stage(stage: &'static str) -> Self {
        Progress { stage, k: None, run: None, done: 0, total: 1 }
    }
}
