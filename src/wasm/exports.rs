//! The files a user takes away, at the JS boundary: `exportCsv(what, value, options)` and
//! `targetList(result, input, options)`. Every CSV is written by `crate::export` (dialects,
//! formula neutralisation, templates), so the page, the CLI and the API write the same files.

use super::decode::{decode_input, decode_options, take_option};
use super::errors::{to_js_error, JsResult};
use super::targeting::decode_model;
use crate::export::tables::{self, TargetListOptions};
use crate::export::{self, summary, template, ColumnTemplate, CsvDialect, ExportOptions};
use crate::privacy::{segment_summary, Pseudonymize, SummaryOptions};
use crate::segments::{Assignment, Segment};
use crate::targeting::cells::TestCells;
use crate::SegError;
use js_sys::Reflect;
use serde::Deserialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// A template object, or the name of a preset ("generic", "salesforceCampaignMember", …).
#[derive(Deserialize)]
#[serde(untagged)]
enum TemplateChoice {
    Preset(String),
    Columns(ColumnTemplate),
}

/// How a CSV is written; `minCellSize` applies to the summary.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct CsvOptions {
    dialect: CsvDialect,
    locale: Option<String>,
    template: Option<TemplateChoice>,
    min_cell_size: Option<u32>,
}

impl CsvOptions {
    fn export(self) -> JsResult<ExportOptions> {
        let template = match self.template {
            Some(TemplateChoice::Preset(name)) => Some(template::preset(&name).map_err(to_js_error)?),
            Some(TemplateChoice::Columns(t)) => Some(t),
            None => None,
        };
        Ok(ExportOptions { dialect: self.dialect, locale: self.locale, template })
    }
}

fn field<T: serde::de::DeserializeOwned>(value: &JsValue, key: &str, what: &str) -> JsResult<T> {
    let v = if key.is_empty() { value.clone() } else { Reflect::get(value, &JsValue::from_str(key))? };
    serde_wasm_bindgen::from_value(v).map_err(|e| to_js_error(SegError::option(what, e.to_string())))
}

/// The segments of a result, or a segments array.
fn segments_of(value: &JsValue) -> JsResult<Vec<Segment>> {
    if js_sys::Array::is_array(value) {
        field(value, "", "segments")
    } else {
        field(value, "segments", "result")
    }
}

/// `exportCsv(what, value, options?)`: one of the exports as CSV text.
/// - `"assignments"`: a result of `segment`/`refresh`/`assign` (its `assignments` and `segments`);
/// - `"summary"`: a result or its segments, through `segmentSummary`'s suppression;
/// - `"testCells"`, `"lookalikes"`, `"plan"`: what `testCells`, `lookalikes`, `channelPlan` return.
///
/// Options: `dialect` ("plain" | "excel"), `locale` (BCP 47, e.g. "de-DE"), `template` (a
/// column template or a preset name), `minCellSize` (summary).
#[wasm_bindgen(js_name = exportCsv)]
pub fn export_csv_js(what: &str, value: JsValue, options: JsValue) -> JsResult<String> {
    let options: CsvOptions = decode_options(&options)?;
    let min_cell_size = options.min_cell_size;
    let table = match what {
        "assignments" => {
            let assignments: Vec<Assignment> = field(&value, "assignments", "result")?;
            let names = segment_names_of(&value)?;
            tables::assignments_table(&assignments, &names)
        }
        "summary" => {
            let segments = segments_of(&value)?;
            let summary_options = SummaryOptions { min_cell_size: min_cell_size.unwrap_or(SummaryOptions::default().min_cell_size) };
            summary::summary_table(&segment_summary(&segments, &summary_options))
        }
        "testCells" => tables::cells_table(&field::<TestCells>(&value, "", "testCells")?),
        "lookalikes" => tables::lookalikes_table(&field(&value, "", "lookalikes")?),
        "plan" => tables::plan_table(&field(&value, "", "plan")?),
        other => {
            return Err(to_js_error(SegError::option(
                "what",
                format!("`{}` is not an export (assignments, summary, testCells, lookalikes, plan)", crate::error::echo(other)),
            )))
        }
    };
    export::write(table, &options.export()?).map_err(to_js_error)
}

/// Segment id → name from a result's segments (empty when it has none, e.g. `assign`'s).
fn segment_names_of(value: &JsValue) -> JsResult<BTreeMap<u32, String>> {
    let segments = Reflect::get(value, &JsValue::from_str("segments"))?;
    if segments.is_undefined() || segments.is_null() {
        return Ok(BTreeMap::new());
    }
    Ok(tables::segment_names(&field::<Vec<Segment>>(&segments, "", "segments")?))
}

/// The target list's options: which HCPs and columns, how the file is written, the test cells.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct TargetListCall {
    dialect: CsvDialect,
    locale: Option<String>,
    template: Option<TemplateChoice>,
    categories: Option<Vec<String>>,
    segments: Option<Vec<u32>>,
    filter: BTreeMap<String, Vec<String>>,
    require_consent: Vec<String>,
    pseudonymize: Option<Pseudonymize>,
    exclude: Vec<String>,
    /// "csv" (default): the file's text; "table": `{headers, rows}` with typed values, for a
    /// page that shows or filters the list (no CSV to parse back).
    output: TargetOutput,
}

#[derive(Deserialize, Default, PartialEq)]
#[serde(rename_all = "lowercase")]
enum TargetOutput {
    #[default]
    Csv,
    Table,
}

/// `targetList(result, input, options?)`: the CSV a person checks before loading a CRM — id,
/// segment and name, confidence, test cell, specialty, country and every consent flag — for the
/// HCPs of `input` (the file the result was made from; read again with the model's columns).
/// `options.cells` is a `testCells` result whose cells fill the `cell` column.
#[wasm_bindgen(js_name = targetList)]
pub fn target_list_js(result: JsValue, input: JsValue, options: JsValue) -> JsResult<JsValue> {
    let (options, cells) = take_option(&options, "cells")?;
    let cells: Option<TestCells> = cells.map(|c| field(&c, "", "cells")).transpose()?;
    let call: TargetListCall = decode_options(&options)?;
    let model = decode_model(&Reflect::get(&result, &JsValue::from_str("model"))?)?;
    let assignments: Vec<Assignment> = field(&result, "assignments", "result")?;
    let names = segment_names_of(&result)?;
    let (profiles, _) = crate::targeting::read_with_model(&model, decode_input(&input)?, call.exclude).map_err(to_js_error)?;
    let defaults = TargetListOptions::default();
    let list_options = TargetListOptions {
        categories: call.categories.unwrap_or(defaults.categories),
        segments: call.segments,
        filter: call.filter,
        require_consent: call.require_consent,
        pseudonymize: call.pseudonymize,
    };
    let table = tables::target_list_table(&assignments, &names, &profiles, cells.as_ref(), &list_options).map_err(to_js_error)?;
    let export = CsvOptions { dialect: call.dialect, locale: call.locale, template: call.template, min_cell_size: None }.export()?;
    if call.output == TargetOutput::Table {
        let table = match &export.template {
            Some(t) => template::apply(table, t).map_err(to_js_error)?,
            None => table,
        };
        return Ok(table_to_js(&table));
    }
    export::write(table, &export).map(JsValue::from).map_err(to_js_error)
}

/// `{headers, rows}`: strings, numbers, booleans, `null` for an empty cell.
fn table_to_js(table: &export::Table) -> JsValue {
    use crate::export::Value;
    let out = js_sys::Object::new();
    let headers: js_sys::Array = table.headers.iter().map(|h| JsValue::from_str(h)).collect();
    let rows: js_sys::Array = table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| match v {
                    Value::Empty => JsValue::NULL,
                    Value::Text(t) => JsValue::from_str(t),
                    Value::Number(x) | Value::Fixed(x, _) => JsValue::from_f64(*x),
                    Value::Integer(i) => JsValue::from_f64(*i as f64),
                    Value::Bool(b) => JsValue::from_bool(*b),
                })
                .collect::<js_sys::Array>()
        })
        .collect();
    let _ = Reflect::set(&out, &JsValue::from_str("headers"), &headers);
    let _ = Reflect::set(&out, &JsValue::from_str("rows"), &rows);
    out.into()
}
