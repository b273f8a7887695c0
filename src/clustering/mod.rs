//! Clustering: k-means on a numeric matrix, the quality metrics that judge a clustering, and
//! the sweep that chooses k. By responsibility:
//!
//! - `params`: the parameters of a fit and their checks (typed errors, before any work);
//! - `kmeans`: the one entry to the engines (fit, shares of restarts, refinement), dispatching
//!   to `fast` (ours: k-means++ with linfa's draws, Hamerly-accelerated Lloyd) or `linfa_engine`
//!   (linfa-clustering's KMeans, the reference; only with the `linfa-engine` feature);
//! - `restarts`: a fit's and a share of restarts' outcome, each restart's RNG, merging shares;
//! - `kernel` and `nearest`: squared distances, nearest centroids, labels and sizes;
//! - `sweep` (every k on every row) and `sweep_sampled` (on a sample, then refined on every
//!   row): choosing k; `warm`: a warm start from a previous model's labels;
//! - `metrics`: silhouette, Calinski-Harabasz, Davies-Bouldin, adjusted Rand index.

pub mod fast;
pub mod kernel;
pub mod kmeans;
#[cfg(feature = "linfa-engine")]
mod linfa_engine;
pub mod metrics;
pub mod nearest;
pub mod params;
pub mod restarts;
pub mod sweep;
pub mod sweep_sampled;
pub(crate) mod warm;

pub use kmeans::fit_kmeans;
pub use params::{Engine, KMeansParams};
pub use restarts::KMeansFit;
pub use sweep::{sweep_k, KSweep, KSweepRow};
pub use sweep_sampled::SweepSample;
