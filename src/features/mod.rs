//! Features: typed profiles → the numeric matrix k-means sees.
//!
//! The pipeline is *recorded*: `FeaturePipeline::fit` learns caps, medians, means, scales and
//! category levels from the universe, and `transform` replays exactly those on any profiles
//! (the original run, or new HCPs assigned to a saved model). It is serialised into the model.
//!
//! Blocks (each with a user weight; see `BlockWeights`):
//! - channel mix: share of the HCP's own channel total per channel ("which mix", not "how much");
//! - format mix: the same for formats;
//! - intensity: log1p of the channel total and of the format total ("how much");
//! - recency: days_since_last and active_weeks, when present (medians fill empty cells);
//! - optional one-hot category blocks (specialty, country, …).
//!
//! Every feature is z-scored, then scaled by sqrt(block weight / features in block), so a
//! block's share of the squared distance is its weight whatever its width: a 30-level specialty
//! block weighs what the user says, not 30 times more.

pub mod pipeline;
pub mod projection;

pub use pipeline::{BlockWeights, FeatureKind, FeaturePipeline, FeatureSpec};
pub use projection::Pca2;
