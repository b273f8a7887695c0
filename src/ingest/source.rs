//! A file's bytes → a [`RawTable`]: the engine, not its callers, decides what the bytes are.
//!
//! Every entry point that takes a user's file (the API, the worker, the CLI, the page) passes
//! the bytes as they are, so one set of rules decides how they are read: sniff what the bytes
//! are, decode them to text ([`encoding`]), read the text.

use super::{csv, encoding, table_wire, workbook, IngestOptions, RawTable};
use crate::error::Result;

/// Read a file's bytes: a table already read by the workbook module ([`table_wire`]), a
/// workbook (.xlsx, .xlsb, .ods, .xls: [`workbook`]), else CSV text in the encoding the bytes
/// are in ([`encoding`]).
pub fn read_bytes(bytes: Vec<u8>, options: &IngestOptions) -> Result<RawTable> {
    if bytes.starts_with(table_wire::MAGIC) {
        return table_wire::decode_table(&bytes);
    }
    if workbook::container_of(&bytes).is_some() {
        return workbook::read_workbook(&bytes, options);
    }
    let decoded = encoding::decode(bytes, options.encoding.as_deref())?;
    let mut table = csv::read_csv(&decoded.text, options)?;
    table.dialect.encoding = Some(decoded.encoding.label().to_string());
    table.warnings.extend(decoded.warning);
    Ok(table)
}
