//! The worker pool's internal boundary (`js/worker/worker.js` only; not in js/types.d.ts):
//! one `PoolSession` per worker per pooled `segment` call, over `crate::pool::Session`.
//! A class, not functions: build-wasm.sh wraps and re-exports every exported *function* as
//! public API, and this is not public API.

use super::decode::{decode_input, decode_options, int_arg, text_or_bytes, TextOrBytes};
use super::errors::{to_js_error, JsResult};
use super::{segment_result_to_js_with, set, to_js};
use crate::ingest::csv::Span;
use crate::ingest::parts::{wire, PartRead};
use crate::job::{Output, Work};
use crate::pool::Session;
use crate::segmentation::{self, Progress, SegmentOptions, SegmentResult};
use crate::segments::Assignment;
use crate::SegError;
use js_sys::{Array, Float64Array, Function, Object, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct PoolSession {
    inner: Option<Session>,
    /// After `finish`: the result and what it was built from, freed with the session (`free()`),
    /// which the worker calls once the result is posted: at a million rows, freeing their
    /// strings is a noticeable wait the page need not sit through.
    spent: Option<(SegmentResult, segmentation::Spent)>,
    /// The first part of a CSV file read in parts, until `mergeParts`.
    first_part: Option<(PartRead, SegmentOptions)>,
}

fn progress_fn(on_progress: &Option<Function>) -> impl FnMut(&Progress) + '_ {
    move |p: &Progress| {
        if let (Some(f), Ok(v)) = (on_progress, to_js(p)) {
            let _ = f.call1(&JsValue::NULL, &v);
        }
    }
}

fn finished() -> JsValue {
    to_js_error(SegError::Clustering { message: "the pool session is finished".into() })
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> JsResult<T> {
    serde_wasm_bindgen::from_value(value).map_err(|e| to_js_error(SegError::option(what, e.to_string())))
}

#[wasm_bindgen]
impl PoolSession {
    /// Parse and encode `input` as `segment(input, options)` would.
    pub fn prepare(input: JsValue, options: JsValue, on_progress: Option<Function>) -> JsResult<PoolSession> {
        let options: SegmentOptions = decode_options(&options)?;
        let input = decode_input(&input)?;
        let session = Session::prepare(input, options, &mut progress_fn(&on_progress)).map_err(to_js_error)?;
        Ok(PoolSession { inner: Some(session), spent: None, first_part: None })
    }

    /// The first part of a CSV file cut after line ends (text or UTF-8 bytes), read and kept for
    /// `mergeParts`; starts the `parse` stage. Never throws: when the part cannot be read, or
    /// the options not decoded, `mergeParts` answers false and the whole file is read by
    /// `prepare`, which throws the error one read gives.
    #[wasm_bindgen(js_name = readFirstPart)]
    pub fn read_first_part(text: JsValue, options: JsValue, on_progress: Option<Function>) -> PoolSession {
        progress_fn(&on_progress)(&Progress::stage("parse"));
        let first_part = (|| {
            let options: SegmentOptions = decode_options(&options).ok()?;
            let part = match text_or_bytes(&text).ok()?? {
                TextOrBytes::Text(text) => Session::read_part(&text, Span::First, &options)?,
                TextOrBytes::Bytes(bytes) => Session::read_part_bytes(bytes, None, &options)?,
            };
            Some((part, options))
        })();
        PoolSession { inner: None, spent: None, first_part }
    }

    /// A later part of the file (`head`: the file's first line), read for the worker with the
    /// first part: its bytes for `mergeParts`, or undefined when it cannot be read.
    #[wasm_bindgen(js_name = readPart)]
    pub fn read_part(text: JsValue, head: JsValue, options: JsValue) -> Option<Vec<u8>> {
        let options: SegmentOptions = decode_options(&options).ok()?;
        // Parts are strictly UTF-8 (no per-part guessing): bytes in another encoding make the
        // read fail, and the whole file is read in one piece.
        let part = match (text_or_bytes(&text).ok()??, text_or_bytes(&head).ok()??) {
            (TextOrBytes::Text(text), TextOrBytes::Text(head)) => Session::read_part(&text, Span::Rest { head: &head }, &options)?,
            (TextOrBytes::Bytes(bytes), TextOrBytes::Bytes(head)) => Session::read_part_bytes(bytes, Some(head), &options)?,
            _ => return None,
        };
        Some(wire::encode(&part))
    }

    /// The later parts' bytes (`readPart`, in file order) merged with the first part, and
    /// encoded (the `encode` stage): true when this session is now what `prepare` makes of the
    /// whole file, false when the whole file has to be read with `prepare` instead.
    #[wasm_bindgen(js_name = mergeParts)]
    pub fn merge_parts(&mut self, parts: Array, on_progress: Option<Function>) -> JsResult<bool> {
        let Some((first, options)) = self.first_part.take() else { return Ok(false) };
        let mut all = vec![first];
        for bytes in parts.iter() {
            let Some(bytes) = bytes.dyn_ref::<Uint8Array>() else { return Ok(false) };
            match wire::decode(&bytes.to_vec()) {
                Some(part) => all.push(part),
                None => return Ok(false),
            }
        }
        match Session::prepare_parts(all, options, &mut progress_fn(&on_progress)).map_err(to_js_error)? {
            Some(session) => {
                self.inner = Some(session);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// A fitting-only session on the matrix another worker encoded.
    #[wasm_bindgen(js_name = fromMatrix)]
    pub fn from_matrix(data: &Float64Array, n_cols: JsValue, options: JsValue) -> JsResult<PoolSession> {
        let options: SegmentOptions = decode_options(&options)?;
        let n_cols = int_arg(&n_cols, "nCols", 1, u32::MAX as u64)? as usize;
        let session = Session::from_matrix(data.to_vec(), n_cols, options).map_err(to_js_error)?;
        Ok(PoolSession { inner: Some(session), spent: None, first_part: None })
    }

    fn session(&self) -> JsResult<&Session> {
        self.inner.as_ref().ok_or_else(finished)
    }

    fn session_mut(&mut self) -> JsResult<&mut Session> {
        self.inner.as_mut().ok_or_else(finished)
    }

    /// A copy of the encoded matrix (row-major), to hand to another worker.
    pub fn matrix(&self) -> JsResult<Float64Array> {
        let x = self.session()?.matrix();
        Ok(match x.as_slice() {
            Some(s) => Float64Array::from(s),
            None => Float64Array::from(x.iter().copied().collect::<Vec<_>>().as_slice()),
        })
    }

    #[wasm_bindgen(js_name = nCols)]
    pub fn n_cols(&self) -> JsResult<u32> {
        Ok(self.session()?.matrix().ncols() as u32)
    }

    /// The job's next batch of tasks (`crate::job::Batch`: `{stage, k, total, tasks: [{work,
    /// after, step}]}`) given the outputs of the batch before (in its task order; `[]` at first),
    /// or null when every task is done (then `finish`). Only in the session that parsed.
    #[wasm_bindgen(js_name = nextBatch)]
    pub fn next_batch(&mut self, outputs: JsValue) -> JsResult<JsValue> {
        let outputs: Vec<Output> = from_js(outputs, "outputs")?;
        match self.session_mut()?.next_batch(outputs).map_err(to_js_error)? {
            Some(batch) => to_js(&batch),
            None => Ok(JsValue::NULL),
        }
    }

    /// One task's work (a batch task's `work`) given the outputs of its `after` tasks: its output.
    pub fn run(&mut self, work: JsValue, inputs: JsValue) -> JsResult<JsValue> {
        let work: Work = from_js(work, "work")?;
        let inputs: Vec<Output> = from_js(inputs, "inputs")?;
        to_js(&self.session_mut()?.run(work, inputs).map_err(to_js_error)?)
    }

    /// The `segment` result once every batch is done (only in the session that parsed). Ends
    /// the session.
    pub fn finish(&mut self, on_progress: Option<Function>) -> JsResult<JsValue> {
        let session = self.inner.take().ok_or_else(finished)?;
        let (result, spent) = session.finish_job(&mut progress_fn(&on_progress)).map_err(to_js_error)?;
        let js = packed_result(&result);
        self.spent = Some((result, spent));
        js
    }

    /// `segment(input, options, onProgress)` for the worker: the same result, with
    /// `assignments` packed as [`packed_assignments`] does (a static method, not a public
    /// export: see the module comment).
    #[wasm_bindgen(js_name = segmentPacked)]
    pub fn segment_packed(input: JsValue, options: JsValue, on_progress: Option<Function>) -> JsResult<JsValue> {
        let options: SegmentOptions = decode_options(&options)?;
        let input = decode_input(&input)?;
        let result = segmentation::segment(input, &options, &mut progress_fn(&on_progress)).map_err(to_js_error)?;
        packed_result(&result)
    }
}

/// Below this many rows `assignments` stay objects (js/worker/worker.js's PACK_MIN_ROWS).
const PACK_MIN_ROWS: usize = 20_000;

/// Rows per block copied into a JS typed array (512 KiB of f64).
const COPY_BLOCK: usize = 1 << 16;

fn packed_result(r: &SegmentResult) -> JsResult<JsValue> {
    let assignments = if r.assignments.len() >= PACK_MIN_ROWS { packed_assignments(&r.assignments)? } else { to_js(&r.assignments)? };
    segment_result_to_js_with(r, &assignments)
}

/// `assignments` as the columns js/worker/worker.js's `packRows` makes of the objects and
/// index.js's `unpackRows` rebuilds them from — `{__packedRows: n, cols: [{k, t: "s", text,
/// ends} | {k, t: "n", values}]}`, keys in the objects' order (hcpId, segment, distance,
/// confidence) — built here directly, without first making n JS objects. `ends` count UTF-16
/// code units (JS string offsets); numbers are the same f64s the objects would hold.
fn packed_assignments(rows: &[Assignment]) -> JsResult<JsValue> {
    let n = rows.len();
    let mut text = String::with_capacity(rows.iter().map(|a| a.hcp_id.len()).sum());
    let mut ends = Vec::with_capacity(n);
    let mut at: u32 = 0;
    for a in rows {
        text.push_str(&a.hcp_id);
        at += if a.hcp_id.is_ascii() { a.hcp_id.len() as u32 } else { a.hcp_id.encode_utf16().count() as u32 };
        ends.push(at);
    }
    let id_col = Object::new();
    set(&id_col, "k", &"hcpId".into())?;
    set(&id_col, "t", &"s".into())?;
    set(&id_col, "text", &JsValue::from_str(&text))?;
    set(&id_col, "ends", &Uint32Array::from(ends.as_slice()).into())?;
    let cols = Array::new();
    cols.push(&id_col);
    // Written into the JS array a block at a time: a million rows never need a second copy of
    // the column in wasm memory, whose peak is what a worker is held to.
    let number_col = |key: &str, value: fn(&Assignment) -> f64| -> JsResult<JsValue> {
        let values = Float64Array::new_with_length(n as u32);
        let mut block = Vec::with_capacity(COPY_BLOCK.min(n));
        for (b, chunk) in rows.chunks(COPY_BLOCK).enumerate() {
            block.clear();
            block.extend(chunk.iter().map(value));
            let at = (b * COPY_BLOCK) as u32;
            values.subarray(at, at + chunk.len() as u32).copy_from(&block);
        }
        let col = Object::new();
        set(&col, "k", &key.into())?;
        set(&col, "t", &"n".into())?;
        set(&col, "values", &values.into())?;
        Ok(col.into())
    };
    cols.push(&number_col("segment", |a| a.segment as f64)?);
    cols.push(&number_col("distance", |a| a.distance)?);
    cols.push(&number_col("confidence", |a| a.confidence)?);
    let out = Object::new();
    set(&out, "__packedRows", &JsValue::from_f64(n as f64))?;
    set(&out, "cols", &cols)?;
    Ok(out.into())
}
