//! A [`RawTable`] as compact bytes, to cross between the wasm modules: the workbook module reads
//! a workbook and hands its table to the segmentation and tools modules (which have no reader),
//! and [`super::source::read_bytes`] recognises the bytes by their magic.
//!
//! Layout (the engine's byte format, [`super::wire`]: little-endian; `str` = u64 byte length +
//! UTF-8; `strs` = u64 count + strs; lengths and counts below are u64 too):
//! `HCPSTBL1`, headers (strs), dialect (source str, delimiter opt-str, decimal comma u8, BOM u8,
//! sheet opt-str, sheets opt-strs), origin (u8 present; sheet str, sheets strs, sheet reference
//! str, column letters strs), warnings (strs), rows read but rejected (u32 count; each line u32, expected
//! u32, found u32), rows (u32 count; each line u32, u32 cell count, cells: tag u8 — 0 empty,
//! 1 text str, 2 number f64, 3 bool u8, 4 spreadsheet error str).
//!
//! Decoding is strict and never panics: every length is checked against the bytes left before
//! anything is allocated, and anything malformed (or trailing) is `INVALID_TABLE`.

use super::wire::{In, Out};
use super::{Cell, CellRef, RawRow, RawTable, SheetOrigin};
use crate::error::{Result, SegError};
use crate::limits;

/// The first bytes of an encoded table.
pub const MAGIC: &[u8; 8] = b"HCPSTBL1";

/// The table as bytes ([`decode_table`] reads them back). CSV tables are written as rows.
pub fn encode_table(table: &RawTable) -> Vec<u8> {
    let mut o = Out(Vec::with_capacity(64 + table.len() * (8 + table.headers.len() * 9)));
    o.0.extend_from_slice(MAGIC);
    o.strs(&table.headers);
    let d = &table.dialect;
    o.str(&d.source);
    o.opt_str(d.delimiter.as_deref());
    o.u8(u8::from(d.decimal_comma));
    o.u8(u8::from(d.had_bom));
    o.opt_str(d.sheet.as_deref());
    o.u8(u8::from(d.sheets.is_some()));
    if let Some(sheets) = &d.sheets {
        o.strs(sheets);
    }
    o.u8(u8::from(table.origin.is_some()));
    if let Some(origin) = &table.origin {
        o.str(&origin.sheet);
        o.strs(&origin.sheets);
        o.str(&origin.sheet_ref);
        o.strs(&origin.columns);
    }
    o.strs(&table.warnings);
    o.len(table.skipped.len());
    for e in &table.skipped {
        let (expected, found) = match e {
            SegError::FieldCount { expected, found, .. } => (*expected, *found),
            _ => (0, 0),
        };
        o.u32(e.line().unwrap_or(0));
        o.u32(expected);
        o.u32(found);
    }
    o.len(table.len());
    for i in 0..table.len() {
        o.u32(table.line(i));
        // Trailing empty cells are not written (a row may be shorter than the header).
        let width = (0..table.headers.len()).rev().find(|&c| table.cell(i, c) != CellRef::Empty).map_or(0, |c| c + 1);
        o.len(width);
        for c in 0..width {
            match table.cell(i, c) {
                CellRef::Empty => o.u8(0),
                CellRef::Text(t) => {
                    o.u8(1);
                    o.str(t);
                }
                CellRef::Number(v) => {
                    o.u8(2);
                    o.0.extend_from_slice(&v.to_bits().to_le_bytes());
                }
                CellRef::Bool(b) => {
                    o.u8(3);
                    o.u8(u8::from(b));
                }
                CellRef::Error(e) => {
                    o.u8(4);
                    o.str(e);
                }
            }
        }
    }
    o.0
}

/// [`encode_table`]'s bytes back to the table; `INVALID_TABLE` for anything else.
pub fn decode_table(bytes: &[u8]) -> Result<RawTable> {
    let mut i = In(bytes);
    match decode(&mut i) {
        Some(table) if i.0.is_empty() => Ok(table),
        // The offset where reading stopped (for a bug report); the message says what to do.
        _ => Err(SegError::InvalidTableBytes { message: format!("at byte {} of {}", bytes.len() - i.0.len(), bytes.len()) }),
    }
}

/// Fills one table in place, so that every early return drops the same value (one drop
/// path, not one per field: this runs in the size-bound segmentation module).
fn decode(i: &mut In) -> Option<RawTable> {
    if i.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let mut t = RawTable { headers: i.strs()?, ..Default::default() };
    if t.headers.is_empty() || t.headers.len() > limits::MAX_COLUMNS {
        return None;
    }
    let d = &mut t.dialect;
    d.source = i.str()?;
    d.delimiter = i.opt_str()?;
    d.decimal_comma = i.bool()?;
    d.had_bom = i.bool()?;
    d.sheet = i.opt_str()?;
    if i.bool()? {
        d.sheets = Some(i.strs()?);
    }
    if i.bool()? {
        let o = t.origin.insert(SheetOrigin::default());
        o.sheet = i.str()?;
        o.sheets = i.strs()?;
        o.sheet_ref = i.str()?;
        o.columns = i.strs()?;
        if o.columns.len() != t.headers.len() {
            return None;
        }
    }
    t.warnings = i.strs()?;
    for _ in 0..i.len(12)? {
        t.skipped.push(SegError::FieldCount { line: i.u32()?, expected: i.u32()?, found: i.u32()? });
    }
    let n = i.len(8)?;
    if n > limits::MAX_ROWS {
        return None;
    }
    t.rows.reserve_exact(n);
    for _ in 0..n {
        let line = i.u32()?;
        let width = i.len(1)?;
        if width > t.headers.len() {
            return None;
        }
        let mut row = RawRow { line, cells: Vec::with_capacity(width) };
        for _ in 0..width {
            match i.cell() {
                Some(cell) => row.cells.push(cell),
                None => return None,
            }
        }
        t.rows.push(row);
    }
    Some(t)
}

// The table's cells on top of the shared primitives.
impl In<'_> {
    fn cell(&mut self) -> Option<Cell> {
        Some(match self.u8()? {
            0 => Cell::Empty,
            1 => Cell::Text(self.str()?),
            2 => {
                let b = self.take(8)?;
                Cell::Number(f64::from_bits(u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])))
            }
            3 => Cell::Bool(self.bool()?),
            4 => Cell::Error(self.str()?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{csv::read_csv, Dialect, IngestOptions, OnError};

    fn sheet_table() -> RawTable {
        RawTable {
            headers: vec!["hcp_id".into(), "ch_email".into(), "consent_email".into(), "first_seen".into()],
            rows: vec![
                RawRow { line: 4, cells: vec![Cell::Text("H1".into()), Cell::Number(2.5), Cell::Bool(true), Cell::Text("2024-03-01".into())] },
                RawRow { line: 6, cells: vec![Cell::Text("H2".into()), Cell::Error("#DIV/0!".into())] },
                RawRow { line: 7, cells: vec![Cell::Text("Ärztin ✓".into()), Cell::Empty, Cell::Bool(false)] },
            ],
            dialect: Dialect { source: "xlsx".into(), sheet: Some("HCPs".into()), sheets: Some(vec!["Cover".into(), "HCPs".into()]), ..Default::default() },
            origin: Some(SheetOrigin::new("HCPs", &["Cover".into(), "HCPs".into()], [1, 2, 3, 4])),
            warnings: vec!["read sheet `HCPs`".into()],
            ..Default::default()
        }
    }

    /// Every cell read back with its type, line, dialect, origin and warnings.
    #[test]
    fn a_sheet_table_round_trips() {
        let t = sheet_table();
        let back = decode_table(&encode_table(&t)).unwrap();
        assert_eq!(back.headers, t.headers);
        assert_eq!(back.dialect, t.dialect);
        assert_eq!(back.origin, t.origin);
        assert_eq!(back.warnings, t.warnings);
        assert_eq!(back.len(), 3);
        for (a, b) in back.rows.iter().zip(&t.rows) {
            assert_eq!(a.line, b.line);
            assert_eq!(a.cells, b.cells);
        }
        assert_eq!(back.origin.unwrap().cell_ref(1, 6).as_deref(), Some("HCPs!C6"));
    }

    /// A CSV table (text cells, a row rejected in skip mode) comes back as rows with the same cells.
    #[test]
    fn a_csv_table_round_trips_as_rows() {
        let text = "hcp_id;ch_email;region\nH1;3;north\nH2;4\n\nH3;;south\n";
        let t = read_csv(text, &IngestOptions { on_error: OnError::Skip, ..Default::default() }).unwrap();
        let back = decode_table(&encode_table(&t)).unwrap();
        assert_eq!(back.dialect, t.dialect);
        assert_eq!(back.skipped, t.skipped);
        assert_eq!(back.len(), t.len());
        for r in 0..t.len() {
            assert_eq!(back.line(r), t.line(r));
            for c in 0..3 {
                assert_eq!(back.cell(r, c), t.cell(r, c));
            }
        }
    }

    /// Every prefix of a valid encoding, and every single-byte change of its framing, is an
    /// error (or, for a changed value byte, a table), never a panic.
    #[test]
    fn truncated_and_altered_bytes_are_errors() {
        let bytes = encode_table(&sheet_table());
        for n in 0..bytes.len() {
            assert_eq!(decode_table(&bytes[..n]).unwrap_err().code(), "INVALID_TABLE", "prefix {n}");
        }
        for at in 0..bytes.len() {
            let mut b = bytes.clone();
            b[at] ^= 0xFF;
            let _ = decode_table(&b);
        }
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(decode_table(&trailing).unwrap_err().code(), "INVALID_TABLE");
        // A count claiming more than the bytes left is refused before anything is allocated.
        let mut huge = MAGIC.to_vec();
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode_table(&huge).unwrap_err().code(), "INVALID_TABLE");
    }
}
