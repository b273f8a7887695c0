//! A file's bytes → a [`RawTable`]: the engine, not its callers, decides what the bytes are.
//!
//! Every entry point that takes a user's file (the API, the worker, the CLI, the page) passes
//! the bytes as they are, so one set of rules decides how they are read.

use super::{csv, table_wire, workbook, IngestOptions, RawTable};
use crate::error::Result;

/// Read a file's bytes: a table already read by the tools module ([`table_wire`]), a workbook
/// (.xlsx, .xlsb, .ods, .xls: [`workbook`]), else CSV text.
pub fn read_bytes(bytes: Vec<u8>, options: &IngestOptions) -> Result<RawTable> {
    if bytes.starts_with(table_wire::MAGIC) {
        return table_wire::decode_table(&bytes);
    }
    if workbook::container_of(&bytes).is_some() {
        return workbook::read_workbook(&bytes, options);
    }
    let text = csv::text_from_utf8(bytes)?;
    csv::read_csv(&text, options)
}
