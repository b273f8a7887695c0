//! Targeting: the steps after clustering, from segments to campaigns. Pure Rust; the
//! wasm boundary for it is `wasm/targeting.rs`.
//!
//! - [`events`]: event logs (one row per engagement) → profiles for a window, streaming
//! - [`refresh`]: re-segment a new period against a saved model; Hungarian matching keeps ids and
//!   names; migration matrix, new and lapsed HCPs
//! - [`stability`]: bootstrap re-clustering, Jaccard per segment, stable / fuzzy / unreliable
//! - [`lookalike`]: score HCPs outside the universe (partial profiles) against one segment
//! - [`cells`]: seeded, stratified A/B/n + holdout cells
//! - [`plan`]: channel and format priority with their base, consent reach, budget split
//! - [`beliefs`]: campaign results → Beta–Binomial beliefs per segment × channel
//! - [`money`]: currency, minor units, exact splits
//! - [`incremental`]: fold new profiles into a model with linfa's mini-batch k-means; drift

pub mod beliefs;
pub mod cells;
pub mod events;
mod event_columns;
mod event_time;
pub mod incremental;
pub mod lookalike;
pub mod money;
pub mod plan;
pub mod refresh;
pub mod stability;

use crate::error::Result;
use crate::ingest::{ingest_table, IngestOptions, ParseReport, Profiles};
use crate::model::Model;
use crate::segmentation::Input;

/// Read input rows with a saved model's column mapping (plus exclusions).
pub fn read_with_model(model: &Model, input: Input, exclude: Vec<String>) -> Result<(Profiles, ParseReport)> {
    let options = IngestOptions { columns: model.columns.clone(), exclude, ..Default::default() };
    let table = input.read(&options)?;
    ingest_table(table, &options)
}

/// Total squared weight of a model's features: the expected squared distance of a universe HCP
/// from the universe mean (every feature is z-scored, then multiplied by its weight).
pub(crate) fn total_weight(model: &Model) -> f64 {
    model.pipeline.features.iter().map(|f| f.weight * f.weight).sum()
}
