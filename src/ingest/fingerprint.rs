//! A data file's fingerprint: SHA-256 of the table as read (the header and every cell, with its
//! type), so a saved project can check that the file opened with it is the file it was made
//! from. It follows the content, not the bytes: the same file re-read with another detected
//! encoding would differ, but a copy with another name or date does not.

use super::{CellRef, RawTable};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fingerprint {
    /// Lowercase hex SHA-256 of the table (see the module notes for what goes in).
    pub sha256: String,
    /// Data rows and columns of the table, for a message that says how two files differ.
    pub rows: u32,
    pub columns: u32,
}

/// Fingerprint a table: every header and cell is hashed as a type tag, its length and its
/// text (numbers as their bits), so no two different tables feed the hash the same bytes.
pub fn fingerprint(table: &RawTable) -> Fingerprint {
    let mut h = Sha256::new();
    let mut text = |tag: u8, s: &[u8]| {
        h.update([tag]);
        h.update((s.len() as u64).to_le_bytes());
        h.update(s);
    };
    for header in &table.headers {
        text(b'h', header.as_bytes());
    }
    let width = table.headers.len();
    for row in 0..table.len() {
        for col in 0..width {
            match table.cell(row, col) {
                CellRef::Empty => text(b'e', &[]),
                CellRef::Text(t) => text(b't', t.as_bytes()),
                CellRef::Number(v) => text(b'n', &v.to_bits().to_le_bytes()),
                CellRef::Bool(b) => text(b'b', &[u8::from(b)]),
                CellRef::Error(e) => text(b'x', e.as_bytes()),
            }
        }
    }
    let digest = h.finalize();
    Fingerprint {
        sha256: crate::hex::hex(&digest),
        rows: table.len() as u32,
        columns: width as u32,
    }
}
