//! The workbook module's export (`hcp_segments_workbooks_bg.wasm`, the `wasm-workbooks`
//! feature): `readTable`. The segmentation and tools modules have no workbook reader (calamine
//! would more than double their downloads); the JS entry points hand a workbook to this module
//! and pass the table it returns on to the function that was called.

use super::decode::{decode_options, file_bytes};
use super::errors::{to_js_error, JsResult};
use crate::ingest::{table_wire, workbook, IngestOptions};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

/// `readTable(bytes, options?)`: a workbook's sheet (`options.sheet`: a name or a 0-based index)
/// as the engine's table bytes, which every function that reads a file accepts; `null` when the
/// bytes are not a workbook (they are read as they are).
#[wasm_bindgen(js_name = readTable)]
pub fn read_table_js(input: JsValue, options: JsValue) -> JsResult<Option<Uint8Array>> {
    let Some(bytes) = file_bytes(&input)? else { return Ok(None) };
    if workbook::container_of(&bytes).is_none() {
        return Ok(None);
    }
    let options: IngestOptions = decode_options(&sheet_only(&options)?)?;
    let table = workbook::read_workbook(&bytes, &options).map_err(to_js_error)?;
    Ok(Some(Uint8Array::from(table_wire::encode_table(&table).as_slice())))
}

/// Only `sheet` of the caller's options (a `segment` call's options carry much else).
fn sheet_only(options: &JsValue) -> JsResult<JsValue> {
    let out = js_sys::Object::new();
    if options.is_object() {
        let sheet = js_sys::Reflect::get(options, &JsValue::from_str("sheet"))?;
        if !sheet.is_undefined() {
            js_sys::Reflect::set(&out, &JsValue::from_str("sheet"), &sheet)?;
        }
    }
    Ok(out.into())
}
