//! Incremental update: fold new profiles into a saved model without a full re-run, with
//! linfa-clustering's mini-batch k-means (`KMeansValidParams: FitWith`), and say when a full
//! refresh is due.
//!
//! - The new rows are transformed with the model's **saved** pipeline (its scaling is not
//!   re-learned: that is what a refresh is for).
//! - linfa's incremental step moves a centroid by (x − c) ÷ count for every row assigned to it,
//!   with count = the centroid's running weight. The model does not know its past members, so
//!   the update starts from the saved centroids with count = segment size × `priorWeight`
//!   (default 1: the original universe weighs as much as its size; smaller values let new data
//!   move centroids faster). The model is handed to linfa through its serde form (centroids,
//!   cluster counts), so the arithmetic is linfa's own.
//! - Rows are shuffled (seeded) and fed once in batches of `batchSize` (one pass: folding in, not
//!   re-fitting).
//! - Drift per segment: ‖c_new − c_old‖, and relative to √W (W = total squared feature weight,
//!   the typical distance of an HCP from the universe mean). Reassigned: new rows whose nearest
//!   centroid differs between the old and the updated centroids.
//! - A full refresh is due when any relative drift > `maxDrift` (default 0.2), the reassigned
//!   share > `maxReassigned` (default 0.05), or the new rows exceed `maxNewShare` (default 0.5)
//!   of the model's universe (the scaling was learned without them).

use super::{read_with_model, total_weight};
use crate::clustering::kmeans::{nearest_centroids, sq_dist};
use crate::error::{Result, SegError};
use crate::model::Model;
use crate::segmentation::Input;
use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_clustering::{IncrKMeansError, KMeans, KMeansInit};
use ndarray::Array2;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct UpdateOptions {
    pub batch_size: u32,
    /// Default: the model's seed.
    pub seed: Option<u32>,
    pub prior_weight: f64,
    pub max_drift: f64,
    pub max_reassigned: f64,
    pub max_new_share: f64,
    pub exclude: Vec<String>,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions { batch_size: 1024, seed: None, prior_weight: 1.0, max_drift: 0.2, max_reassigned: 0.05, max_new_share: 0.5, exclude: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentDrift {
    pub id: u32,
    pub name: String,
    /// New rows folded into this segment.
    pub added: u32,
    pub shift: f64,
    pub relative_shift: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateResult {
    pub model: Model,
    pub drift: Vec<SegmentDrift>,
    pub rows: u32,
    pub reassigned: u32,
    pub reassigned_share: f64,
    /// rows ÷ the model's universe size before the update.
    pub new_share: f64,
    pub refresh_due: bool,
    pub reasons: Vec<String>,
}

/// Fold `input` into `model` (see the module notes).
pub fn update_model(model: &Model, input: Input, options: &UpdateOptions) -> Result<UpdateResult> {
    if options.batch_size == 0 {
        return Err(SegError::option("batchSize", "must be at least 1"));
    }
    if !(options.prior_weight.is_finite() && options.prior_weight > 0.0) {
        return Err(SegError::option("priorWeight", format!("must be a number > 0, got {}", options.prior_weight)));
    }
    let (profiles, _) = read_with_model(model, input, options.exclude.clone())?;
    if profiles.is_empty() {
        return Err(SegError::EmptyInput { what: "no rows to fold in".into() });
    }
    let x = model.pipeline.transform(&profiles)?;
    let (n, d) = x.dim();
    let k = model.centroids.len();
    let old = model.centroid_matrix();
    let prior: Vec<f64> = model.segments.iter().map(|s| s.size.max(1) as f64 * options.prior_weight).collect();

    // linfa's KMeans with our centroids and running counts, through its serde form.
    let state = serde_json::json!({
        "centroids": { "v": 1, "dim": [k, d], "data": old.iter().copied().collect::<Vec<f64>>() },
        "cluster_count": { "v": 1, "dim": [k], "data": prior },
        "inertia": 0.0,
        "dist_fn": null,
    });
    let mut km: KMeans<f64, _> =
        serde_json::from_value(state).map_err(|e| SegError::Clustering { message: format!("could not build the linfa model: {e}") })?;
    let seed = options.seed.unwrap_or(model.params.seed);
    let params = KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(seed as u64))
        .init_method(KMeansInit::Precomputed(old.clone()))
        .tolerance(model.params.tolerance)
        .check()
        .map_err(|e| SegError::Clustering { message: e.to_string() })?;

    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut Xoshiro256Plus::seed_from_u64(seed as u64 ^ 0x1c4e_5a17));
    for chunk in order.chunks(options.batch_size as usize) {
        let mut batch = Array2::zeros((chunk.len(), d));
        for (r, &i) in chunk.iter().enumerate() {
            batch.row_mut(r).assign(&x.row(i));
        }
        let ds = DatasetBase::new(batch, ());
        km = match params.fit_with(Some(km), &ds) {
            Ok(m) | Err(IncrKMeansError::NotConverged(m)) => m,
            Err(e) => return Err(SegError::Clustering { message: e.to_string() }),
        };
    }
    let new = km.centroids().clone();
    let counts = km.cluster_count().clone();

    let (before, _) = nearest_centroids(x.view(), old.view());
    let (after, _) = nearest_centroids(x.view(), new.view());
    let reassigned = before.iter().zip(&after).filter(|(a, b)| a != b).count() as u32;
    let scale = total_weight(model).sqrt().max(f64::MIN_POSITIVE);
    let drift: Vec<SegmentDrift> = (0..k)
        .map(|c| {
            let shift = sq_dist(old.row(c).as_slice().unwrap_or(&[]), new.row(c).as_slice().unwrap_or(&[])).sqrt();
            SegmentDrift {
                id: c as u32,
                name: model.segments[c].name.clone(),
                added: (counts[c] - prior[c]).round().max(0.0) as u32,
                shift,
                relative_shift: shift / scale,
            }
        })
        .collect();
    let universe: u64 = model.segments.iter().map(|s| s.size as u64).sum();
    let new_share = n as f64 / universe.max(1) as f64;
    let reassigned_share = reassigned as f64 / n as f64;

    let mut reasons = Vec::new();
    if let Some(worst) = drift.iter().max_by(|a, b| a.relative_shift.total_cmp(&b.relative_shift)) {
        if worst.relative_shift > options.max_drift {
            reasons.push(format!("segment {} (`{}`) moved {:.2} (relative), more than maxDrift {}", worst.id, worst.name, worst.relative_shift, options.max_drift));
        }
    }
    if reassigned_share > options.max_reassigned {
        reasons.push(format!("{:.1} % of the new rows changed segment when folded in, more than maxReassigned {} %", reassigned_share * 100.0, options.max_reassigned * 100.0));
    }
    if new_share > options.max_new_share {
        reasons.push(format!("{n} new rows are {:.0} % of the model's universe, more than maxNewShare {} %: the feature scaling was learned without them", new_share * 100.0, options.max_new_share * 100.0));
    }

    let mut updated = model.clone();
    updated.centroids = new.outer_iter().map(|r| r.to_vec()).collect();
    for (s, dr) in updated.segments.iter_mut().zip(&drift) {
        s.size += dr.added;
    }
    if updated.centroids.iter().flatten().any(|v| !v.is_finite()) {
        return Err(SegError::Clustering { message: "the update produced a non-finite centroid".into() });
    }
    // New centroids and sizes: recompute the model's integrity checksum.
    let updated = updated.seal()?;
    Ok(UpdateResult { model: updated, drift, rows: n as u32, reassigned, reassigned_share, new_share, refresh_due: !reasons.is_empty(), reasons })
}
