//! Core errors → JS `Error` objects with `code`, `line`, `column`.

use crate::SegError;
use js_sys::{Error, Reflect};
use wasm_bindgen::prelude::*;

pub type JsResult<T> = Result<T, JsValue>;

pub fn to_js_error(e: SegError) -> JsValue {
    let err = Error::new(&e.to_string());
    err.set_name("HcpSegmentsError");
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&err, &JsValue::from_str(k), &v);
    };
    set("code", JsValue::from_str(e.code()));
    if let Some(line) = e.line() {
        set("line", JsValue::from(line));
    }
    if let Some(column) = e.column() {
        set("column", JsValue::from_str(column));
    }
    if let Some(cell) = e.cell() {
        set("cell", JsValue::from_str(cell));
    }
    err.into()
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// A panic is a bug (every user error is a `SegError`), but if one happens the console should
/// say where, not just "RuntimeError: unreachable".
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("hcp-segments internal error (please report): {info}"));
    }));
}
