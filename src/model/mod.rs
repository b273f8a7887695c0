//! The saved model: everything needed to put new HCPs into the same segments.
//!
//! JSON, versioned by `format` + `version`. Version policy: `version` changes whenever a field
//! changes meaning or a reader would compute different features; this build reads only
//! [`MODEL_VERSION`] and refuses others with `MODEL_VERSION` rather than guessing.

use crate::clustering::kmeans::KMeansParams;
use crate::error::{Result, SegError};
use crate::hex::hex;
use crate::features::{FeaturePipeline, Pca2};
use crate::ingest::{ingest_table, IngestOptions, OnError, ParseReport, RawTable};
use crate::privacy::Pseudonymize;
use crate::segments::{assign_members, Assignment};
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MODEL_FORMAT: &str = "hcp-segments-model";
pub const MODEL_VERSION: u32 = 1;
pub use crate::limits::MAX_MODEL_BYTES;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelSegment {
    pub id: u32,
    /// The persona name; hosts may edit it in the JSON.
    pub name: String,
    pub size: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Model {
    pub format: String,
    pub version: u32,
    /// hcp-segments version that wrote it.
    pub created_by: String,
    /// The column mapping used at fit time, re-applied to new input.
    pub columns: BTreeMap<String, String>,
    pub pipeline: FeaturePipeline,
    pub params: KMeansParams,
    /// k rows of feature-space centroids, in segment-id order.
    pub centroids: Vec<Vec<f64>>,
    pub segments: Vec<ModelSegment>,
    pub projection: Pca2,
    /// SHA-256 (lowercase hex) of the model's canonical JSON without this field and without the
    /// segment names (hosts may rename personas): see [`Model::compute_checksum`]. Checked on load.
    #[serde(default)]
    pub checksum: String,
}

/// `-0.0` → `0.0` everywhere in a JSON value.
fn normalise_zeros(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if n.as_f64() == Some(0.0) && n.is_f64() => {
            if let Some(zero) = serde_json::Number::from_f64(0.0) {
                *n = zero;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(normalise_zeros),
        serde_json::Value::Object(map) => map.values_mut().for_each(normalise_zeros),
        _ => {}
    }
}

/// Assignments of new HCPs plus the report on reading them.
/// Options of `assign` (JS: `AssignOptions`): the same names and meaning as in `SegmentOptions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AssignOptions {
    pub exclude: Vec<String>,
    pub on_error: OnError,
    pub pseudonymize: Option<Pseudonymize>,
    /// Force the encoding of a file given as bytes (see `IngestOptions::encoding`).
    pub encoding: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignResult {
    pub assignments: Vec<Assignment>,
    pub report: ParseReport,
}

impl Model {
    pub fn centroid_matrix(&self) -> Array2<f64> {
        let k = self.centroids.len();
        let d = self.centroids.first().map_or(0, |c| c.len());
        Array2::from_shape_vec((k, d), self.centroids.concat()).unwrap_or_else(|_| Array2::zeros((0, 0)))
    }

    /// Read and check a model. Anything inconsistent is `INVALID_MODEL`, a different version
    /// `MODEL_VERSION`.
    pub fn from_json(text: &str) -> Result<Model> {
        if text.len() > MAX_MODEL_BYTES {
            return Err(SegError::TooLarge { what: "model JSON bytes".into(), found: text.len() as u64, limit: MAX_MODEL_BYTES as u64, detail: "a model is a few KB: is this the right file?".into() });
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SegError::InvalidModel { message: format!("not JSON: {e}") })?;
        Self::from_value(value)
    }

    pub fn from_value(value: serde_json::Value) -> Result<Model> {
        let format = value.get("format").and_then(|v| v.as_str()).unwrap_or("");
        if format != MODEL_FORMAT {
            return Err(SegError::InvalidModel { message: format!("`format` is `{}`, expected `{MODEL_FORMAT}`", crate::error::echo(format)) });
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v == MODEL_VERSION as u64 => {}
            Some(v) => return Err(SegError::ModelVersion { found: v.min(u32::MAX as u64) as u32, supported: MODEL_VERSION }),
            None => return Err(SegError::InvalidModel { message: "`version` is missing or not a whole number".into() }),
        }
        let model: Model = serde_json::from_value(value).map_err(|e| SegError::InvalidModel { message: e.to_string() })?;
        if model.checksum.is_empty() {
            return Err(SegError::InvalidModel { message: "`checksum` is missing: save the model again with hcp-segments".into() });
        }
        if model.checksum != model.compute_checksum()? {
            return Err(SegError::InvalidModel { message: "the model was modified after it was saved (checksum mismatch)".into() });
        }
        model.validate()?;
        Ok(model)
    }

    /// The integrity checksum: SHA-256, lowercase hex, of the canonical JSON of the model
    /// without `checksum` and without the segments' `name`s. Canonical: serde_json with object
    /// keys sorted, no whitespace, numbers as this build writes them (shortest round-trip form),
    /// `-0` written as `0` (JavaScript's JSON.stringify loses the sign, so a model passed through
    /// JS must still verify). It detects edits and corruption, not forgery: anyone can recompute it.
    pub fn compute_checksum(&self) -> Result<String> {
        use sha2::{Digest, Sha256};
        let mut value = serde_json::to_value(self).map_err(|e| SegError::InvalidModel { message: format!("cannot serialise: {e}") })?;
        if let Some(obj) = value.as_object_mut() {
            obj.remove("checksum");
            if let Some(segments) = obj.get_mut("segments").and_then(|s| s.as_array_mut()) {
                for s in segments {
                    if let Some(s) = s.as_object_mut() {
                        s.remove("name");
                    }
                }
            }
        }
        normalise_zeros(&mut value);
        let canonical = serde_json::to_string(&value).map_err(|e| SegError::InvalidModel { message: format!("cannot serialise: {e}") })?;
        Ok(hex(&Sha256::digest(canonical.as_bytes())))
    }

    /// Set `checksum` from the current content (done by `segment` before a model is returned).
    pub fn seal(mut self) -> Result<Model> {
        self.checksum = self.compute_checksum()?;
        Ok(self)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(SegError::InvalidModel { message: m });
        self.pipeline.validate()?;
        let d = self.pipeline.n_features();
        let k = self.centroids.len();
        if k == 0 {
            return bad("no centroids".into());
        }
        if let Some((i, c)) = self.centroids.iter().enumerate().find(|(_, c)| c.len() != d) {
            return bad(format!("centroid {i} has {} values, the pipeline has {d} features", c.len()));
        }
        if self.centroids.iter().flatten().any(|v| !v.is_finite()) {
            return bad("a centroid value is not a finite number".into());
        }
        if self.segments.len() != k || self.segments.iter().enumerate().any(|(i, s)| s.id != i as u32) {
            return bad(format!("expected {k} segments with ids 0..{k}"));
        }
        if self.projection.mean.len() != d || self.projection.axes.len() != 2 * d {
            return bad("projection does not match the feature pipeline".into());
        }
        Ok(())
    }

    /// Put new HCP rows into the model's segments. Same rows as the fit → same answer.
    pub fn assign(&self, table: RawTable, exclude: Vec<String>) -> Result<AssignResult> {
        self.assign_with(table, &AssignOptions { exclude, ..Default::default() })
    }

    /// [`Model::assign`] with the lenient mode and pseudonymised ids.
    pub fn assign_with(&self, table: RawTable, options: &AssignOptions) -> Result<AssignResult> {
        if let Some(p) = &options.pseudonymize {
            p.validate()?;
        }
        let ingest = IngestOptions { columns: self.columns.clone(), exclude: options.exclude.clone(), on_error: options.on_error, ..Default::default() };
        let (profiles, report) = ingest_table(table, &ingest)?;
        let x = self.pipeline.transform(&profiles)?;
        let (mut assignments, _) = assign_members(profiles.ids, x.view(), self.centroid_matrix().view());
        if let Some(p) = &options.pseudonymize {
            p.apply(&mut assignments)?;
        }
        Ok(AssignResult { assignments, report })
    }
}
