//! The wasm boundary: decode JS values, call the core, encode the result. Nothing else.
//!
//! - Bulk numbers cross as typed arrays (`kmeans` data in, labels/centroids/projection out);
//!   small option and result objects go through serde-wasm-bindgen.
//! - Every error is a JS `Error` with `code`, and `line` / `column` where they apply
//!   (see `errors.rs`). Nothing from the user reaches an `unwrap`.
//! - Integers from JS arrive as `f64` and are range-checked here: wasm-bindgen would silently
//!   wrap -1 into 4294967295 for a `u32` parameter.
//!
//! The crate is bound as three wasm modules, so that a page's first download is only the
//! segmentation; scripts/build-wasm.sh builds each with one feature:
//! - `wasm-segment` → `hcp_segments_bg.wasm`: `segment`, `kmeans`, the worker pool's session;
//! - `wasm-tools` → `hcp_segments_tools_bg.wasm`: `assign`, `inspect`, `segmentSummary`,
//!   `generateSample`, the writers and the targeting functions, loaded on demand (`initTools()`);
//!   also `segment`, `kmeans` and the pool's session with the reference engine
//!   (`engine: "linfa"`), which the segmentation module leaves out: it answers ENGINE_MISSING;
//! - `wasm-workbooks` → `hcp_segments_workbooks_bg.wasm`: `readTable`, loaded when a workbook
//!   arrives (`initWorkbooks()`): the other two answer a workbook with `WORKBOOK_READER_MISSING`
//!   and read the table it makes instead.
//!
//! All carry `version` and `debugMemoryBytes`. Native builds and tests have every feature.

// A module built with one feature leaves some shared helpers unused.
#![cfg_attr(not(all(feature = "wasm-segment", feature = "wasm-tools")), allow(dead_code, unused_imports))]

mod decode;
mod errors;
#[cfg(feature = "wasm-tools")]
mod exports;
// The tools module carries `segment`, `kmeans` and the pool's session too: it runs them for
// `engine: "linfa"`, which the segmentation module answers with ENGINE_MISSING.
#[cfg(any(feature = "wasm-segment", feature = "wasm-tools"))]
mod pool;
#[cfg(any(feature = "wasm-segment", feature = "wasm-tools"))]
mod segment;
#[cfg(feature = "wasm-tools")]
mod targeting;
#[cfg(feature = "wasm-tools")]
mod tools;
#[cfg(feature = "wasm-workbooks")]
mod workbooks;

use crate::segmentation::SegmentResult;
use errors::JsResult;
use js_sys::{Float32Array, Object, Reflect};
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
