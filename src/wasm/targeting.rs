//! The targeting functions at the JS boundary: decode → call `crate::targeting` → encode.

use super::decode::{decode_input, decode_options};
use super::errors::{to_js_error, JsResult};
use super::{set, to_js};
use crate::model::Model;
use crate::targeting::{cells, events, incremental, lookalike, plan, refresh, stability};
use crate::SegError;
use js_sys::Object;
use wasm_bindgen::prelude::*;

/// A model object or its JSON text.
pub(super) fn decode_model(model: &JsValue) -> JsResult<Model> {
    let text = if let Some(s) = model.as_string() {
        s
    } else if model.is_object() {
        js_sys::JSON::stringify(model)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| to_js_error(SegError::InvalidModel { message: "the model object cannot be turned into JSON".into() }))?
    } else {
        return Err(to_js_error(SegError::InvalidModel { message: "expected the model object or its JSON text".into() }));
    };
    Model::from_json(&text).map_err(to_js_error)
}

fn decode_value<T: serde::de::DeserializeOwned>(value: &JsValue, what: &str) -> JsResult<T> {
    serde_wasm_bindgen::from_value(value.clone()).map_err(|e| to_js_error(SegError::option(what, e.to_string())))
}

/// `aggregateEvents(text, options?)` → `{ csv, report }`.
#[wasm_bindgen(js_name = aggregateEvents)]
pub fn aggregate_events_js(text: JsValue, options: JsValue) -> JsResult<JsValue> {
    let input = super::decode::text_or_bytes(&text)?
        .ok_or_else(|| to_js_error(SegError::option("input", "expected the event log as CSV text (a string, or the file's bytes as a Uint8Array or ArrayBuffer)")))?;
    let options: events::EventOptions = decode_options(&options)?;
    let agg = match input {
        super::decode::TextOrBytes::Text(text) => events::aggregate_events(&text, &options),
        super::decode::TextOrBytes::Bytes(bytes) => events::aggregate_event_bytes(bytes, &options),
    }
    .map_err(to_js_error)?;
    let out = Object::new();
    set(&out, "csv", &JsValue::from_str(&agg.to_csv()))?;
    set(&out, "report", &to_js(&agg.report)?)?;
    Ok(out.into())
}

/// `refresh(model, input, previous?, options?)` → `{ ...SegmentResult, refresh }`.
#[wasm_bindgen(js_name = refresh)]
pub fn refresh_js(model: JsValue, input: JsValue, previous: JsValue, options: JsValue) -> JsResult<JsValue> {
    let model = decode_model(&model)?;
    let input = decode_input(&input)?;
    let previous = decode_previous(&previous)?;
    let options: refresh::RefreshOptions = decode_options(&options)?;
    let r = refresh::refresh(&model, input, &previous, &options).map_err(to_js_error)?;
    let out = super::segment_result_to_js(&r.result)?;
    set(&Object::from(out.clone()), "refresh", &to_js(&r.refresh)?)?;
    Ok(out)
}

/// Previous assignments: an array of `{hcpId, segment}`, or a file (CSV text, bytes, a
/// workbook) with `hcp_id` and `segment` columns — an assignments or target-list export —
/// read by the engine's reader.
fn decode_previous(previous: &JsValue) -> JsResult<Vec<refresh::PreviousAssignment>> {
    if previous.is_undefined() || previous.is_null() {
        return Ok(Vec::new());
    }
    if js_sys::Array::is_array(previous) {
        return decode_value(previous, "previous");
    }
    let input = decode_input(previous)?;
    crate::ingest::returns::read_previous_assignments(input, &Default::default()).map_err(to_js_error)
}

/// `readAssignments(input, options?)` → `[{hcpId, segment}]`: a file of assignments (an
/// assignments or target-list export, any dialect, encoding or workbook) read by the engine, as
/// `refresh` reads its `previous`. Options: `columns` (`{"<header>": "id" | "segment"}`),
/// `encoding`, `sheet`, `delimiter`.
#[wasm_bindgen(js_name = readAssignments)]
pub fn read_assignments_js(input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let options: crate::ingest::IngestOptions = decode_options(&options)?;
    let input = decode_input(&input)?;
    to_js(&crate::ingest::returns::read_previous_assignments(input, &options).map_err(to_js_error)?)
}

/// `stability(model, input, options?)` → StabilityReport.
#[wasm_bindgen(js_name = stability)]
pub fn stability_js(model: JsValue, input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let model = decode_model(&model)?;
    let input = decode_input(&input)?;
    let options: stability::StabilityOptions = decode_options(&options)?;
    to_js(&stability::stability(&model, input, &options).map_err(to_js_error)?)
}

/// `lookalikes(model, input, options)` → `{ ...LookalikeResult, csv }`.
#[wasm_bindgen(js_name = lookalikes)]
pub fn lookalikes_js(model: JsValue, input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let model = decode_model(&model)?;
    let input = decode_input(&input)?;
    let options: lookalike::LookalikeOptions = decode_options(&options)?;
    let r = lookalike::lookalikes(&model, input, &options).map_err(to_js_error)?;
    let out = to_js(&r)?;
    set(&Object::from(out.clone()), "csv", &JsValue::from_str(&crate::export::tables::lookalikes_csv(&r)))?;
    Ok(out)
}

/// `testCells(model, input, options?)` → `{ ...TestCells, csv }`.
#[wasm_bindgen(js_name = testCells)]
pub fn test_cells_js(model: JsValue, input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let model = decode_model(&model)?;
    let input = decode_input(&input)?;
    let options: cells::CellOptions = decode_options(&options)?;
    let r = cells::test_cells(&model, input, &options).map_err(to_js_error)?;
    let out = to_js(&r)?;
    set(&Object::from(out.clone()), "csv", &JsValue::from_str(&crate::export::tables::cells_csv(&r)))?;
    Ok(out)
}

/// `channelPlan(segments, options)` → ChannelPlan (segments: the `segments` of a result).
/// `options.results` (campaign results) may be CSV text, a file's bytes or records: it is read
/// by the engine's reader, like every file.
#[wasm_bindgen(js_name = channelPlan)]
pub fn channel_plan_js(segments: JsValue, options: JsValue) -> JsResult<JsValue> {
    let segments: Vec<crate::segments::Segment> = decode_value(&segments, "segments")?;
    let (options, results) = super::decode::take_option(&options, "results")?;
    let results = results.map(|r| decode_input(&r)).transpose()?;
    let options: plan::PlanOptions = decode_options(&options)?;
    to_js(&plan::channel_plan_with(&segments, &options, results).map_err(to_js_error)?)
}

/// `updateModel(model, input, options?)` → UpdateResult.
#[wasm_bindgen(js_name = updateModel)]
pub fn update_model_js(model: JsValue, input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let model = decode_model(&model)?;
    let input = decode_input(&input)?;
    let options: incremental::UpdateOptions = decode_options(&options)?;
    to_js(&incremental::update_model(&model, input, &options).map_err(to_js_error)?)
}
