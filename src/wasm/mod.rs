//! The wasm boundary: decode JS values, call the core, encode the result. Nothing else.
//!
//! - Bulk numbers cross as typed arrays (`kmeans` data in, labels/centroids/projection out);
//!   small option and result objects go through serde-wasm-bindgen.
//! - Every error is a JS `Error` with `code`, and `line` / `column` where they apply
//!   (see `errors.rs`). Nothing from the user reaches an `unwrap`.
//! - Integers from JS arrive as `f64` and are range-checked here: wasm-bindgen would silently
//!   wrap -1 into 4294967295 for a `u32` parameter.

mod decode;
mod errors;
mod pool;
mod targeting;

use crate::clustering::kmeans::{fit_kmeans, KMeansParams};
use crate::model::Model;
use crate::segmentation::{self, Input, SegmentOptions, SegmentResult};
use decode::{decode_input, decode_options, int_arg, matrix_arg};
use errors::{to_js_error, JsResult};
use js_sys::{Float32Array, Float64Array, Object, Reflect, Uint32Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
fn start() {
    errors::install_panic_hook();
}

/// Result objects: plain JS objects (not Maps), `None` as `null`.
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true);
    value.serialize(&serializer).map_err(|e| JsError::new(&format!("could not encode the result: {e}")).into())
}

fn set(target: &Object, key: &str, value: &JsValue) -> JsResult<()> {
    Reflect::set(target, &JsValue::from_str(key), value).map(|_| ())
}

fn segment_result_to_js(r: &SegmentResult) -> JsResult<JsValue> {
    segment_result_to_js_with(r, &to_js(&r.assignments)?)
}

/// The result object with `assignments` already encoded (as objects, or as the worker's
/// packed columns: `pool::packed_assignments`).
fn segment_result_to_js_with(r: &SegmentResult, assignments: &JsValue) -> JsResult<JsValue> {
    let out = Object::new();
    set(&out, "segments", &to_js(&r.segments)?)?;
    set(&out, "assignments", assignments)?;
    set(&out, "quality", &to_js(&r.quality)?)?;
    set(&out, "kSweep", &to_js(&r.k_sweep)?)?;
    set(&out, "report", &to_js(&r.report)?)?;
    set(&out, "model", &to_js(&r.model)?)?;
    let projection = Object::new();
    set(&projection, "points", &Float32Array::from(r.projection.points.as_slice()).into())?;
    set(&projection, "centroids", &Float32Array::from(r.projection.centroids.as_slice()).into())?;
    set(&projection, "explainedVariance", &to_js(&r.projection.explained_variance)?)?;
    set(&out, "projection", &projection.into())?;
    Ok(out.into())
}

/// `segment(input, options?, onProgress?)`: CSV text or an array of records → segments.
#[wasm_bindgen(js_name = segment)]
pub fn segment_js(input: JsValue, options: JsValue, on_progress: Option<js_sys::Function>) -> JsResult<JsValue> {
    let options: SegmentOptions = decode_options(&options)?;
    let input = decode_input(&input)?;
    let mut report = |p: &segmentation::Progress| {
        if let (Some(f), Ok(v)) = (&on_progress, to_js(p)) {
            // A throwing progress callback must not abort the run half-way; it is ignored.
            let _ = f.call1(&JsValue::NULL, &v);
        }
    };
    let result = segmentation::segment(input, &options, &mut report).map_err(to_js_error)?;
    segment_result_to_js(&result)
}

/// `assign(model, input, options?)`: put new rows into a saved model's segments.
/// Options (`AssignOptions`): `exclude`, `onError`, `pseudonymize`, as in `segment`.
#[wasm_bindgen(js_name = assign)]
pub fn assign_js(model: JsValue, input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let options: crate::model::AssignOptions = decode_options(&options)?;
    let text = if let Some(s) = model.as_string() {
        s
    } else if model.is_object() {
        js_sys::JSON::stringify(&model)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| to_js_error(crate::SegError::InvalidModel { message: "the model object cannot be turned into JSON".into() }))?
    } else {
        return Err(to_js_error(crate::SegError::InvalidModel { message: "expected the model object or its JSON text".into() }));
    };
    let model = Model::from_json(&text).map_err(to_js_error)?;
    let input: Input = decode_input(&input)?;
    let result = segmentation::assign_with(&model, input, &options).map_err(to_js_error)?;
    to_js(&result)
}

/// `segmentSummary(resultOrSegments, {minCellSize?})`: the segments for sharing, small cells
/// suppressed (count/share/index → null, `suppressed: true`), no member list. See `privacy`.
#[wasm_bindgen(js_name = segmentSummary)]
pub fn segment_summary_js(result: JsValue, options: JsValue) -> JsResult<JsValue> {
    let options: crate::privacy::SummaryOptions = decode_options(&options)?;
    let segments = if js_sys::Array::is_array(&result) {
        result
    } else if result.is_object() {
        Reflect::get(&result, &JsValue::from_str("segments"))?
    } else {
        JsValue::UNDEFINED
    };
    let segments: Vec<crate::segments::Segment> = serde_wasm_bindgen::from_value(segments)
        .map_err(|e| to_js_error(crate::SegError::option("result", format!("expected the result of segment() or its segments array: {e}"))))?;
    to_js(&crate::privacy::segment_summary(&segments, &options))
}

/// `kmeans(data, nCols, {k, nRuns?, maxIterations?, tolerance?, seed?})` on a row-major matrix.
#[wasm_bindgen(js_name = kmeans)]
pub fn kmeans_js(data: JsValue, n_cols: JsValue, options: JsValue) -> JsResult<JsValue> {
    let matrix = matrix_arg(&data, &n_cols)?;
    if !options.is_object() || Reflect::get(&options, &JsValue::from_str("k")).map(|v| v.is_undefined()).unwrap_or(true) {
        return Err(to_js_error(crate::SegError::option("k", "is required: kmeans(data, nCols, { k: 6 })")));
    }
    let params: KMeansParams = decode_options(&options)?;
    let fit = fit_kmeans(matrix.view(), &params, &mut |_| {}).map_err(to_js_error)?;
    let out = Object::new();
    set(&out, "labels", &Uint32Array::from(fit.labels.as_slice()).into())?;
    let centroids: Vec<f64> = fit.centroids.iter().copied().collect();
    set(&out, "centroids", &Float64Array::from(centroids.as_slice()).into())?;
    set(&out, "inertia", &fit.inertia.into())?;
    set(&out, "iterations", &fit.iterations.into())?;
    set(&out, "converged", &fit.converged.into())?;
    Ok(out.into())
}

/// `generateSample(n, seed)`: CSV text of the seeded sample universe.
#[wasm_bindgen(js_name = generateSample)]
pub fn generate_sample_js(n: JsValue, seed: JsValue) -> JsResult<String> {
    let n = int_arg(&n, "n", 1, crate::sample::MAX_ROWS as u64)? as u32;
    let seed = int_arg(&seed, "seed", 0, u32::MAX as u64)? as u32;
    Ok(crate::sample::generate_csv(n, seed))
}

/// The crate version, e.g. "0.1.0".
#[wasm_bindgen(js_name = version)]
pub fn version_js() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Bytes of wasm linear memory now (it only grows). A debug export for the memory-growth test
/// (`tests/js/memory.test.mjs`); not part of the typed API.
#[wasm_bindgen(js_name = debugMemoryBytes)]
pub fn debug_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) as f64) * 65536.0
}
