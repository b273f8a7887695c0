//! JS values → core inputs, with the same typed errors as the core.

use super::errors::{to_js_error, JsResult};
use crate::ingest::Cell;
use crate::segmentation::Input;
use crate::SegError;
use js_sys::{Array, ArrayBuffer, Float32Array, Float64Array, Object, Uint8Array};
use ndarray::Array2;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

/// Options object → typed options; `undefined`/`null` → defaults. Unknown or mistyped fields
/// are `INVALID_OPTION` with serde's message (which names the field).
pub fn decode_options<T: DeserializeOwned + Default>(value: &JsValue) -> JsResult<T> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    if !value.is_object() {
        return Err(to_js_error(SegError::option("options", "expected an object")));
    }
    // Through serde_json, not straight from the JS object: serde-wasm-bindgen reads only the
    // fields a struct declares, so `deny_unknown_fields` would never see a misspelt option (and a
    // misspelt `pseudonymize` would silently output raw ids). Own keys whose value is
    // `undefined` count as absent, as they do in JS.
    let object = Object::from(value.clone());
    let mut map = serde_json::Map::new();
    for key in Object::keys(&object).iter() {
        let Some(name) = key.as_string() else { continue };
        let v = js_sys::Reflect::get(&object, &key).unwrap_or(JsValue::UNDEFINED);
        if v.is_undefined() {
            continue;
        }
        let v: serde_json::Value =
            serde_wasm_bindgen::from_value(v).map_err(|e| to_js_error(SegError::option(&name, e.to_string())))?;
        map.insert(name, v);
    }
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| to_js_error(SegError::option("options", e.to_string())))
}

/// A file's bytes from a `Uint8Array` (a Node `Buffer` is one) or an `ArrayBuffer`; None for
/// anything else. Refused before the copy into wasm memory when over the input limit.
pub fn file_bytes(value: &JsValue) -> JsResult<Option<Vec<u8>>> {
    let view = if let Some(view) = value.dyn_ref::<Uint8Array>() {
        view.clone()
    } else if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        Uint8Array::new(buffer)
    } else {
        return Ok(None);
    };
    let len = view.length() as usize;
    if len > crate::limits::MAX_INPUT_BYTES {
        return Err(to_js_error(crate::ingest::csv::too_large_input(len as u64, None)));
    }
    Ok(Some(view.to_vec()))
}

/// Text as a string, or a file's bytes as they came (decoded by the engine's rules:
/// `ingest::encoding`).
pub enum TextOrBytes {
    Text(String),
    Bytes(Vec<u8>),
}

/// A string or a file's bytes; None for anything else.
pub fn text_or_bytes(value: &JsValue) -> JsResult<Option<TextOrBytes>> {
    if let Some(text) = value.as_string() {
        return Ok(Some(TextOrBytes::Text(text)));
    }
    Ok(file_bytes(value)?.map(TextOrBytes::Bytes))
}

/// CSV text or bytes ([`text_or_bytes`]), or an array of plain objects (one per HCP; key order is
/// column order).
pub fn decode_input(value: &JsValue) -> JsResult<Input> {
    if let Some(text) = value.as_string() {
        return Ok(Input::Csv(text));
    }
    if let Some(bytes) = file_bytes(value)? {
        return Ok(Input::Bytes(bytes));
    }
    if !Array::is_array(value) {
        return Err(to_js_error(SegError::option("input", "expected CSV text (a string, or a file's bytes as a Uint8Array or ArrayBuffer) or an array of records")));
    }
    let rows = Array::from(value);
    crate::ingest::records::check_row_limit(rows.length() as usize).map_err(to_js_error)?;
    let mut records = Vec::with_capacity(rows.length() as usize);
    for (i, row) in rows.iter().enumerate() {
        // Records count like CSV lines after a header: record 0 is line 2.
        let line = i as u32 + 2;
        if !row.is_object() || Array::is_array(&row) {
            return Err(to_js_error(SegError::InvalidValue {
                line,
                column: String::new(),
                value: crate::error::echo(&format!("{row:?}")),
                expected: "a record (a plain object of column → value)".into(),
            }));
        }
        let entries = Object::entries(&Object::from(row));
        let mut cells = Vec::with_capacity(entries.length() as usize);
        for entry in entries.iter() {
            let pair = Array::from(&entry);
            let key = pair.get(0).as_string().unwrap_or_default();
            let v = pair.get(1);
            let cell = if v.is_undefined() || v.is_null() {
                Cell::Empty
            } else if let Some(s) = v.as_string() {
                Cell::Text(s)
            } else if let Some(n) = v.as_f64() {
                Cell::Number(n)
            } else if let Some(b) = v.as_bool() {
                Cell::Bool(b)
            } else {
                return Err(to_js_error(SegError::InvalidValue {
                    line,
                    column: key,
                    value: crate::error::echo(&format!("{v:?}")),
                    expected: "a string, number, boolean or null".into(),
                }));
            };
            cells.push((key, cell));
        }
        records.push(cells);
    }
    Ok(Input::Records(records))
}

/// A whole number in `[min, max]` from a JS number.
pub fn int_arg(value: &JsValue, name: &str, min: u64, max: u64) -> JsResult<u64> {
    match value.as_f64() {
        Some(v) if v.fract() == 0.0 && v >= min as f64 && v <= max as f64 => Ok(v as u64),
        _ => Err(to_js_error(SegError::option(name, format!("must be a whole number from {min} to {max}, got {value:?}")))),
    }
}

/// Float64Array / Float32Array + column count → an n × d matrix (copied once into wasm memory).
pub fn matrix_arg(data: &JsValue, n_cols: &JsValue) -> JsResult<Array2<f64>> {
    let values: Vec<f64> = if let Some(a) = data.dyn_ref::<Float64Array>() {
        a.to_vec()
    } else if let Some(a) = data.dyn_ref::<Float32Array>() {
        a.to_vec().into_iter().map(f64::from).collect()
    } else {
        return Err(to_js_error(SegError::option("data", "expected a Float64Array or Float32Array (row-major)")));
    };
    let d = int_arg(n_cols, "nCols", 1, u32::MAX as u64)? as usize;
    if values.len() % d != 0 {
        return Err(to_js_error(SegError::option("nCols", format!("{} values do not split into rows of {d}", values.len()))));
    }
    Array2::from_shape_vec((values.len() / d, d), values).map_err(|e| to_js_error(SegError::option("data", e.to_string())))
}

/// An option that is not a plain setting (a file, another call's result), taken out of a copy of
/// the options object so that the rest decodes as usual: `(rest, value)`, the value `None` when
/// absent, null or empty text.
pub fn take_option(options: &JsValue, key: &str) -> JsResult<(JsValue, Option<JsValue>)> {
    if !options.is_object() {
        return Ok((options.clone(), None));
    }
    let value = js_sys::Reflect::get(options, &JsValue::from_str(key))?;
    if value.is_undefined() || value.is_null() || value.as_string().is_some_and(|t| t.trim().is_empty()) {
        return Ok((options.clone(), None));
    }
    let rest = Object::assign(&Object::new(), &Object::from(options.clone()));
    js_sys::Reflect::delete_property(&rest, &JsValue::from_str(key))?;
    Ok((rest.into(), Some(value)))
}
