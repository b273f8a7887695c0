//! A file's bytes → a [`RawTable`]: the engine, not its callers, decides what the bytes are.
//!
//! Every entry point that takes a user's file (the API, the worker, the CLI, the page) passes
//! the bytes as they are, so one set of rules decides how they are read.

use super::{csv, IngestOptions, RawTable};
use crate::error::Result;

/// Read a file's bytes as CSV text.
pub fn read_bytes(bytes: Vec<u8>, options: &IngestOptions) -> Result<RawTable> {
    let text = csv::text_from_utf8(bytes)?;
    csv::read_csv(&text, options)
}
