//! Segments: from cluster labels to what a marketer targets.
//!
//! - `profile`: size, share, channel/format index scores and mixes in original units (from the
//!   member rows, never from scaled centroids), composition by every category, consent reach;
//! - `catalog`: what each channel is (display name, kind, region, formats) and a segment's
//!   balance between open networks and walled gardens;
//! - `naming`: persona names from a segment's top drivers;
//! - `members`: per-HCP segment, distance to centroid and confidence;
//! - `continuity`: which segment of a new run continues which old one (names that survive).

pub mod catalog;
pub mod continuity;
pub mod members;
pub mod naming;
pub mod profile;
pub mod segment;

pub use catalog::{ChannelInfo, ChannelKind, DisplayNames, NetworkBalance};
pub use members::{assign_members, Assignment};
pub use profile::{order_by_size, profile_segments};
pub use segment::{CategoryLevel, Composition, IndexScore, Reach, Segment};
