//! The segmentation module's exports (`hcp_segments_bg.wasm`, the `wasm-segment` feature):
//! `segment` and `kmeans`. The worker pool's `PoolSession` (pool.rs) is in this module too.

use super::decode::{decode_input, decode_options, matrix_arg};
use super::errors::{to_js_error, JsResult};
use super::{segment_result_to_js, set, to_js};
use crate::clustering::kmeans::{fit_kmeans, KMeansParams};
use crate::segmentation::{self, SegmentOptions};
use js_sys::{Float64Array, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;

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
