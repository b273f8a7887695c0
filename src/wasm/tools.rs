//! The tools module's exports (`hcp_segments_tools_bg.wasm`, the `wasm-tools` feature) besides
//! the targeting functions (targeting.rs): `assign`, `segmentSummary`, `matchSegments`, `inspect`,
//! `generateSample`, and the
//! SQL generators `eventsSql` / `modelSql`.

use super::decode::{decode_input, decode_options, int_arg};
use super::errors::{to_js_error, JsResult};
use super::targeting::decode_model;
use super::to_js;
use crate::segmentation::{self, Input};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

/// `assign(model, input, options?)`: put new rows into a saved model's segments.
/// Options (`AssignOptions`): `exclude`, `onError`, `pseudonymize`, as in `segment`.
#[wasm_bindgen(js_name = assign)]
pub fn assign_js(model: JsValue, input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let options: crate::model::AssignOptions = decode_options(&options)?;
    let model = decode_model(&model)?;
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

/// `inspect(input, options?)`: what the engine makes of a file before a run — dialect,
/// encoding, sheets, row count, every column's role and why, the first rows, whether it is an
/// event log, and the role choices a mapping may use. The page's load step is this call.
#[wasm_bindgen(js_name = inspect)]
pub fn inspect_js(input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let options: crate::ingest::inspect::InspectOptions = decode_options(&options)?;
    let input: Input = decode_input(&input)?;
    to_js(&crate::ingest::inspect::inspect(input, &options).map_err(to_js_error)?)
}

/// `generateSample(n, seed)`: CSV text of the seeded sample universe.
#[wasm_bindgen(js_name = generateSample)]
pub fn generate_sample_js(n: JsValue, seed: JsValue) -> JsResult<String> {
    let n = int_arg(&n, "n", 1, crate::sample::MAX_ROWS as u64)? as u32;
    let seed = int_arg(&seed, "seed", 0, u32::MAX as u64)? as u32;
    Ok(crate::sample::generate_csv(n, seed))
}

/// `matchSegments(previous, next, options?)`: which segment of a new run on the same HCPs
/// continues which old one, by the members they share, so names survive a re-run.
/// `previous`/`next`: `{segments: [{id, name?}], assignments: [{hcpId, segment}]}` (a `segment()`
/// result qualifies). Options: `minOverlap` (default 0.5). See `segments::continuity`.
#[wasm_bindgen(js_name = matchSegments)]
pub fn match_segments_js(previous: JsValue, next: JsValue, options: JsValue) -> JsResult<JsValue> {
    use crate::segments::continuity::{match_by_members, Labelled, MatchOptions};
    let options: MatchOptions = decode_options(&options)?;
    let read = |value: &JsValue, which: &str| -> JsResult<Labelled> {
        serde_wasm_bindgen::from_value(value.clone()).map_err(|e| {
            to_js_error(crate::SegError::option(which, format!("expected a segment() result or {{segments: [{{id, name}}], assignments: [{{hcpId, segment}}]}}: {e}")))
        })
    };
    let (previous, next) = (read(&previous, "previous")?, read(&next, "next")?);
    to_js(&match_by_members(&previous, &next, &options).map_err(to_js_error)?)
}

/// `eventsSql(options)`: SQL text that turns an event table into the profile table
/// `aggregateEvents` makes (`EventsSqlOptions`: dialect, table, columns, window, actions,
/// channels, formats, carried). See `warehouse`.
#[wasm_bindgen(js_name = eventsSql)]
pub fn events_sql_js(options: JsValue) -> JsResult<String> {
    let options: crate::warehouse::EventsSqlOptions = decode_options(&options)?;
    crate::warehouse::events_sql(&options).map_err(to_js_error)
}

/// `modelSql(model, options?)`: SQL text that scores a profile table with a saved model as
/// `assign` does (`ModelSqlOptions`: dialect, table, idColumn). See `warehouse`.
#[wasm_bindgen(js_name = modelSql)]
pub fn model_sql_js(model: JsValue, options: JsValue) -> JsResult<String> {
    let options: crate::warehouse::ModelSqlOptions = decode_options(&options)?;
    let model = decode_model(&model)?;
    crate::warehouse::model_sql(&model, &options).map_err(to_js_error)
}
