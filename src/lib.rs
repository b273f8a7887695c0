//! hcp-segments: HCP engagement profiles in, targetable segments out.
//!
//! The core (everything but `wasm`) is plain Rust with no JavaScript in it:
//! - [`ingest`]: CSV text / records → typed profiles + a parse report
//! - [`features`]: profiles → the recorded, serialisable feature pipeline → a numeric matrix
//! - [`clustering`]: k-means on that matrix (linfa-clustering), the k sweep and its quality metrics
//! - [`segments`]: clusters → what a marketer targets (index scores, composition, persona names)
//! - [`guardrails`]: minimum segment size, too few HCPs for k: flags and warnings on small data
//! - [`model`]: the versioned JSON model; assigning new HCPs to saved segments
//! - [`sample`]: the seeded sample universe with planted personas
//! - [`export`]: every file a user takes away, as typed tables written by one CSV writer
//! - [`targeting`]: event logs, refreshes, stability, look-alikes, test cells, channel plans, updates
//! - `wasm` (wasm32 only): the thin boundary that decodes JS values, calls the core, encodes results

pub mod clustering;
pub mod error;
pub mod export;
pub mod features;
pub mod guardrails;
pub mod ingest;
pub mod job;
pub mod limits;
pub mod model;
pub mod options;
pub mod pool;
pub mod privacy;
pub mod sample;
pub mod segmentation;
pub mod segments;
mod hex;
mod sort;
pub mod targeting;
pub mod warehouse;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Result, SegError};
pub use model::Model;
pub use segmentation::{assign, segment, segment_csv, Input, KChoice, SegmentOptions, SegmentResult};
