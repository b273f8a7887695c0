//! A segment as the result shows it (its profile, composition, reach), and the rules for
//! naming a category level that the persona names and the privacy check share.

use super::catalog::NetworkBalance;
use serde::{Deserialize, Serialize};

/// A category level names the segment when it is at least this share of it (and
/// over-represented: `naming`); the privacy check asks the same of a level a name discloses.
pub(crate) const MIN_LEVEL_SHARE: f64 = 0.5;

/// The countries a "DACH" region label stands for.
pub(crate) const DACH: [&str; 3] = ["DE", "AT", "CH"];

/// One channel's or format's standing in a segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexScore {
    pub name: String,
    /// The name shown to people (channels: the catalog's or the user's; formats: a label).
    #[serde(default)]
    pub display_name: String,
    /// Mean engagements per member (original units).
    pub mean: f64,
    /// Mean engagements per HCP in the universe.
    pub universe_mean: f64,
    /// mean ÷ universe mean × 100; None when the universe mean is 0.
    pub index: Option<f64>,
    /// Share of the segment's own engagements (its mix).
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryLevel {
    pub value: String,
    pub count: u32,
    pub share: f64,
    pub index: Option<f64>,
    /// Fewer than the minimum cell size: hide when showing or sharing (re-identification).
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Composition {
    pub column: String,
    pub levels: Vec<CategoryLevel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reach {
    pub consent: String,
    pub share: f64,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Segment {
    pub id: u32,
    pub name: String,
    pub drivers: Vec<String>,
    pub size: u32,
    pub share: f64,
    pub channels: Vec<IndexScore>,
    pub formats: Vec<IndexScore>,
    pub mean_engagements: f64,
    pub composition: Vec<Composition>,
    pub reach: Vec<Reach>,
    pub silhouette: Option<f64>,
    pub cohesion: f64,
    /// Open networks versus walled gardens, from the members' channel engagements.
    #[serde(default)]
    pub network_balance: NetworkBalance,
    /// Fewer HCPs than the minimum segment size (`minSegmentSize`): see `guardrails`.
    #[serde(default)]
    pub too_small: bool,
}
