//! Clustering: k-means on a numeric matrix (linfa-clustering), the quality metrics used to judge
//! a clustering, and the sweep that chooses k.

pub mod fast;
pub mod kernel;
pub mod kmeans;
pub mod metrics;
pub mod sweep;
pub mod sweep_sampled;
pub(crate) mod warm;

pub use kmeans::{fit_kmeans, Engine, KMeansFit, KMeansParams};
pub use sweep::{sweep_k, KSweep, KSweepRow};
pub use sweep_sampled::SweepSample;
