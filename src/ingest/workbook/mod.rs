//! Workbooks (.xlsx, .xlsb, .ods, .xls) → a [`RawTable`], with every error naming its sheet
//! and cell.
//!
//! What the bytes are is decided from the bytes ([`container_of`]): a zip archive (.xlsx,
//! .xlsb, .ods) or an OLE compound file (.xls, or an .xlsx saved with a password, which Office
//! wraps in an OLE file with an `EncryptionInfo` stream). The reading itself (calamine) is in
//! `read`, behind the `workbooks` feature: the segmentation wasm module goes without it and gets
//! a workbook's table from the tools module as [`super::table_wire`] bytes.
//!
//! The table of a sheet ([`SheetBuilder`]):
//! - the header is the first row with a value; the table's columns run from its first to its
//!   last non-empty cell (data may start below empty rows and right of empty columns);
//! - every later row with a value in those columns is a data row, its `line` the sheet's 1-based
//!   row number; empty rows (in the middle or at the end) are not data rows;
//! - values outside the header's columns are not read (a warning counts them);
//! - cells keep their types: numbers, booleans, text; dates as ISO-8601 text; formulas as their
//!   cached values; spreadsheet errors (`#DIV/0!`) as [`Cell::Error`], an error wherever a
//!   column's role reads them.
//!
//! The sheet read: `sheet` (name or 0-based index), or else the first sheet with a value (a
//! warning names it when the first sheet is empty). A cover sheet with text is not skipped: if
//! it has no id column, the error names the sheet and lists the others.

#[cfg(feature = "workbooks")]
mod ods_scan;
#[cfg(feature = "workbooks")]
mod read;

use super::{Cell, Dialect, IngestOptions, RawRow, RawTable};
use serde::{Deserialize, Serialize};
use crate::error::{echo, Result, SegError};
use crate::limits;
use std::collections::BTreeMap;

/// The container a file's first bytes announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// A zip archive: .xlsx, .xlsb, .ods (or any other zip).
    Zip,
    /// An OLE compound file: .xls, or a password-protected .xlsx.
    Ole,
}

const ZIP_MAGICS: [&[u8]; 2] = [b"PK\x03\x04", b"PK\x05\x06"];
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What the bytes are, when they are a zip or OLE file (CSV text never starts like these).
pub fn container_of(bytes: &[u8]) -> Option<Container> {
    if ZIP_MAGICS.iter().any(|m| bytes.starts_with(m)) {
        Some(Container::Zip)
    } else if bytes.starts_with(OLE_MAGIC) {
        Some(Container::Ole)
    } else {
        None
    }
}

#[cfg_attr(not(feature = "workbooks"), allow(dead_code))]
/// Is this OLE file an encrypted OOXML package (a password-protected .xlsx)? Office stores one
/// as an OLE file with the streams `EncryptionInfo` and `EncryptedPackage`. The directory is
/// not walked: its 128-byte entries start on 128-byte boundaries (sectors are 512 or 4096
/// bytes), and each holds its UTF-16LE name with the name's byte length (with the NUL) at +64.
pub fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    fn has_entry(bytes: &[u8], name: &str) -> bool {
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let length_field = ((utf16.len() + 2) as u16).to_le_bytes();
        bytes.chunks_exact(128).skip(4).any(|entry| entry.starts_with(&utf16) && entry[64..66] == length_field)
    }
    container_of(bytes) == Some(Container::Ole) && has_entry(bytes, "EncryptionInfo") && has_entry(bytes, "EncryptedPackage")
}

/// The workbook formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookFormat {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
}

impl WorkbookFormat {
    /// The name in `report.dialect.source` and in messages.
    pub fn name(self) -> &'static str {
        match self {
            WorkbookFormat::Xlsx => "xlsx",
            WorkbookFormat::Xlsb => "xlsb",
            WorkbookFormat::Ods => "ods",
            WorkbookFormat::Xls => "xls",
        }
    }
}

/// The format a zip's entry names announce, from its file names (calamine's own test: the
/// workbook part of each format).
pub fn format_of_zip_entries<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<WorkbookFormat> {
    let mut found = None;
    for name in names {
        match name {
            "xl/workbook.xml" => return Some(WorkbookFormat::Xlsx),
            "xl/workbook.bin" => return Some(WorkbookFormat::Xlsb),
            "content.xml" => found = Some(WorkbookFormat::Ods),
            _ => {}
        }
    }
    found
}

/// A short name for the workbook the bytes look like, for messages where the reader is not at
/// hand: the first zip entry's name (an .ods starts with `mimetype`), or the OLE container.
fn likely_format_name(bytes: &[u8]) -> &'static str {
    match container_of(bytes) {
        Some(Container::Ole) => "xls",
        Some(Container::Zip) => {
            // Local file header: name length at 26, name at 30.
            let len = bytes.get(26..28).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]) as usize);
            match bytes.get(30..30 + len) {
                Some(b"mimetype") => "ods",
                _ => "xlsx",
            }
        }
        None => "unknown",
    }
}

/// Read the table of one sheet of a workbook (see the module notes for which sheet and how).
/// Without the `workbooks` feature (the segmentation wasm module), `WORKBOOK_READER_MISSING`.
pub fn read_workbook(bytes: &[u8], options: &IngestOptions) -> Result<RawTable> {
    #[cfg(feature = "workbooks")]
    {
        if bytes.len() > limits::MAX_INPUT_BYTES {
            return Err(super::csv::too_large_input(bytes.len() as u64, None));
        }
        if is_encrypted_ooxml(bytes) {
            return Err(SegError::WorkbookEncrypted { format: "xlsx".to_string() });
        }
        read::read_workbook(bytes, options)
    }
    #[cfg(not(feature = "workbooks"))]
    {
        // Kept small: this module's download is the first. The tools module says the rest.
        let _ = options;
        Err(SegError::WorkbookReaderMissing { format: likely_format_name(bytes).to_string() })
    }
}

/// The error for a file that cannot be read as a workbook; `format`: what it looked like.
#[cfg_attr(not(feature = "workbooks"), allow(dead_code))]
pub(crate) fn not_a_workbook(format: &str, detail: &str) -> SegError {
    SegError::InvalidWorkbook { format: format.to_string(), message: detail.to_string() }
}

/// `A`, `B`, … `Z`, `AA`, … for a 0-based column.
pub fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A sheet name as a cell reference writes it: quoted (`'Q1 data'!A1`, `'` doubled) unless it
/// is letters (of any script), digits and `_`, not starting with a digit.
pub fn quoted_sheet_name(name: &str) -> String {
    let plain = name.bytes().next().is_some_and(|b| !b.is_ascii_digit())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80);
    if plain {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len() + 2);
    out.push('\'');
    for c in name.chars() {
        out.push(c);
        if c == '\'' {
            out.push('\'');
        }
    }
    out.push('\'');
    out
}

/// `options.sheet` → the sheet's index; None: the default rule. Unknown → `INVALID_OPTION`
/// with the sheet names.
pub fn chosen_sheet(names: &[String], choice: Option<&SheetChoice>) -> Result<Option<usize>> {
    let listing = || names.iter().enumerate().map(|(i, n)| format!("{i}: `{}`", echo(n))).collect::<Vec<_>>().join(", ");
    match choice {
        None => Ok(None),
        Some(SheetChoice::Index(i)) => match names.get(*i as usize) {
            Some(_) => Ok(Some(*i as usize)),
            None => Err(SegError::option("sheet", format!("there is no sheet {i} (counting from 0); the workbook's sheets are {}", listing()))),
        },
        Some(SheetChoice::Name(name)) => {
            // An exact match first, then ignoring case and surrounding spaces (as Excel does).
            let wanted = name.trim().to_lowercase();
            match names.iter().position(|n| n == name).or_else(|| names.iter().position(|n| n.trim().to_lowercase() == wanted)) {
                Some(i) => Ok(Some(i)),
                None => Err(SegError::option("sheet", format!("there is no sheet `{}`; the workbook's sheets are {}", echo(name), listing()))),
            }
        }
    }
}

/// ISO-8601 text of a spreadsheet date/time: `2024-03-01` (no time of day), `09:30:00` (no
/// date: a serial below 1), else `2024-03-01T09:30:00` (with `.250` when there are milliseconds).
pub fn iso_datetime(serial: f64, (y, mo, d, h, mi, s, ms): (u16, u8, u8, u8, u8, u8, u16)) -> String {
    let time = if ms > 0 { format!("{h:02}:{mi:02}:{s:02}.{ms:03}") } else { format!("{h:02}:{mi:02}:{s:02}") };
    if (0.0..1.0).contains(&serial) {
        time
    } else if (h, mi, s, ms) == (0, 0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{time}")
    }
}

/// A worksheet by name or by 0-based position (JS: `sheet: "HCPs"` or `sheet: 1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum SheetChoice {
    Index(u32),
    Name(String),
}

/// By hand rather than `untagged`: a visitor is a fraction of the size of serde's buffering
/// of untagged values, in the segmentation module's download.
impl<'de> Deserialize<'de> for SheetChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Choice;
        impl serde::de::Visitor<'_> for Choice {
            type Value = SheetChoice;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sheet name or a 0-based sheet index")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<SheetChoice, E> {
                u32::try_from(v).map(SheetChoice::Index).map_err(|_| E::custom("sheet index too large"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<SheetChoice, E> {
                u64::try_from(v).map_err(|_| E::custom("a sheet index counts from 0")).and_then(|v| self.visit_u64(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<SheetChoice, E> {
                Ok(SheetChoice::Name(v.to_string()))
            }
        }
        d.deserialize_any(Choice)
    }
}

/// A table read from a worksheet: its sheet and where each table column sits in it (the line
/// of a row is already the sheet's 1-based row number). The references are written out by the
/// reader, so that naming a cell takes no code in the segmentation module.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetOrigin {
    pub sheet: String,
    /// Every sheet of the workbook, in workbook order.
    pub sheets: Vec<String>,
    /// The sheet as a cell reference starts (`HCPs!`, `'Q1 data'!`).
    pub sheet_ref: String,
    /// The sheet column letters (`D`) of each header column.
    pub columns: Vec<String>,
}

impl SheetOrigin {
    /// The origin of a table whose header columns are the 0-based sheet `columns`.
    pub fn new(sheet: &str, sheets: &[String], columns: impl IntoIterator<Item = u32>) -> Self {
        SheetOrigin {
            sheet: sheet.to_string(),
            sheets: sheets.to_vec(),
            sheet_ref: format!("{}!", quoted_sheet_name(sheet)),
            columns: columns.into_iter().map(column_letters).collect(),
        }
    }

    /// The cell reference (`HCPs!D17`, `'Q1 data'!D17`) of table column `col` on sheet row `line`.
    pub fn cell_ref(&self, col: usize, line: u32) -> Option<String> {
        Some(format!("{}{}{line}", self.sheet_ref, self.columns.get(col)?))
    }

    /// `error` with the cell it is about, when it names a row and a column of this table
    /// (`fallback` = the column of errors that name none, e.g. the id column of a duplicate).
    pub fn locate(&self, error: SegError, headers: &[String], fallback: Option<usize>) -> SegError {
        let Some(line) = error.line() else { return error };
        if error.cell().is_some() {
            return error;
        }
        let col = match error.column() {
            // Messages echo at most MAX_VALUE_ECHO chars of a name; headers are unique.
            Some(name) => headers.iter().position(|h| h == name || echo(h) == name),
            None => fallback,
        };
        match col.and_then(|c| self.cell_ref(c, line)) {
            Some(cell) => SegError::AtCell { cell, inner: Box::new(error) },
            None => error,
        }
    }
}

/// One sheet's cells as they are read (in any order), kept by row; then the table.
#[derive(Debug, Default)]
pub struct SheetBuilder {
    rows: BTreeMap<u32, Vec<(u32, Cell)>>,
    /// The row being filled (cells arrive row by row): spares a map lookup per cell.
    current: Option<(u32, Vec<(u32, Cell)>)>,
    cells: u64,
}

impl SheetBuilder {
    /// Add the cell at 0-based (`row`, `col`); empty cells are dropped. Errors past
    /// [`limits::MAX_SHEET_CELLS`] values.
    pub fn push(&mut self, row: u32, col: u32, cell: Cell) -> Result<()> {
        let cell = match cell {
            Cell::Text(t) if t.trim().is_empty() => return Ok(()),
            Cell::Text(t) if t.trim().len() != t.len() => Cell::Text(t.trim().to_string()),
            Cell::Empty => return Ok(()),
            other => other,
        };
        self.cells += 1;
        if self.cells > limits::MAX_SHEET_CELLS {
            return Err(too_many_cells(self.cells, "cells with a value in the sheet".to_string()));
        }
        match &mut self.current {
            Some((r, cells)) if *r == row => cells.push((col, cell)),
            _ => {
                // Rows are about as wide as the one before: one allocation per row.
                let width = self.current.as_ref().map_or(0, |(_, cells)| cells.len());
                self.flush();
                let mut cells = self.rows.remove(&row).unwrap_or_default();
                cells.reserve(width);
                self.current = Some((row, cells));
                if let Some((_, cells)) = &mut self.current {
                    cells.push((col, cell));
                }
            }
        }
        Ok(())
    }

    fn flush(&mut self) {
        if let Some((row, cells)) = self.current.take() {
            self.rows.insert(row, cells);
        }
    }

    /// No value in any cell.
    pub fn is_empty(&self) -> bool {
        self.cells == 0
    }

    /// The table (see the module notes). `sheet`: the sheet's name; `sheets`: every sheet.
    pub fn finish(mut self, format: WorkbookFormat, sheet: &str, sheets: &[String]) -> Result<RawTable> {
        self.flush();
        let mut rows = std::mem::take(&mut self.rows).into_iter();
        let Some((header_row, mut header_cells)) = rows.next() else {
            return Err(SegError::EmptyInput { what: format!("sheet `{}` has no values", echo(sheet)) });
        };
        crate::sort::sort_by_key(&mut header_cells, |&(c, _)| c);
        let first = header_cells.first().map_or(0, |&(c, _)| c);
        let last = header_cells.last().map_or(0, |&(c, _)| c);
        let width = (last - first) as usize + 1;
        let header_line = header_row + 1;
        if width > limits::MAX_COLUMNS {
            return Err(SegError::TooLarge {
                what: format!("columns in the header (sheet `{}`, row {header_line})", echo(sheet)),
                found: width as u64,
                limit: limits::MAX_COLUMNS as u64,
                detail: "delete the columns that are not used, or move notes below the table".to_string(),
            });
        }
        let origin = SheetOrigin::new(sheet, sheets, first..=last);
        let mut headers: Vec<String> = (0..width).map(|i| format!("column_{}", i + 1)).collect();
        for (col, cell) in header_cells {
            let name = header_text(cell);
            let i = (col - first) as usize;
            if headers.iter().enumerate().any(|(j, h)| j != i && *h == name) {
                let e = SegError::DuplicateColumn { line: header_line, column: echo(&name) };
                return Err(SegError::AtCell { cell: origin.cell_ref(i, header_line).unwrap_or_default(), inner: Box::new(e) });
            }
            headers[i] = name;
        }

        let mut table_rows: Vec<RawRow> = Vec::new();
        let mut outside = 0u64;
        let mut first_outside: Option<(u32, u32)> = None;
        for (row, mut cells) in rows {
            if !cells.windows(2).all(|w| w[0].0 < w[1].0) {
                crate::sort::sort_by_key(&mut cells, |&(c, _)| c);
            }
            let mut values: Vec<Cell> = Vec::new();
            for (col, cell) in cells {
                if col < first || col > last {
                    outside += 1;
                    first_outside.get_or_insert((row, col));
                    continue;
                }
                let i = (col - first) as usize;
                if values.len() <= i {
                    values.resize(i + 1, Cell::Empty);
                }
                values[i] = cell;
            }
            if !values.is_empty() {
                if table_rows.len() >= limits::MAX_ROWS {
                    return Err(SegError::TooLarge {
                        what: "data rows".to_string(),
                        found: table_rows.len() as u64 + 1,
                        limit: limits::MAX_ROWS as u64,
                        detail: "split the sheet into several files".to_string(),
                    });
                }
                table_rows.push(RawRow { line: row + 1, cells: values });
            }
        }
        if table_rows.is_empty() {
            return Err(SegError::EmptyInput { what: format!("sheet `{}` has only a header row (row {header_line}), no data rows", echo(sheet)) });
        }
        let mut warnings = Vec::new();
        if let Some((row, col)) = first_outside {
            warnings.push(format!(
                "sheet `{}`: {outside} value(s) outside the header's columns ({}:{}) were not read, the first at {}!{}{}",
                echo(sheet),
                column_letters(first),
                column_letters(last),
                quoted_sheet_name(sheet),
                column_letters(col),
                row + 1
            ));
        }
        Ok(RawTable {
            headers,
            rows: table_rows,
            cells: None,
            skipped: Vec::new(),
            dialect: Dialect {
                source: format.name().to_string(),
                sheet: Some(sheet.to_string()),
                sheets: Some(sheets.to_vec()),
                ..Default::default()
            },
            origin: Some(origin),
            warnings,
        })
    }
}

/// A header cell as a column name (numbers as written, `TRUE`/`FALSE` as Excel shows them).
fn header_text(cell: Cell) -> String {
    match cell {
        Cell::Text(t) => t,
        Cell::Number(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", v as i64),
        Cell::Number(v) => format!("{v}"),
        Cell::Bool(b) => (if b { "TRUE" } else { "FALSE" }).to_string(),
        Cell::Error(e) => e,
        Cell::Empty => String::new(),
    }
}

/// `TOO_LARGE` for more cells than [`limits::MAX_SHEET_CELLS`]; `what`: what was counted.
pub(crate) fn too_many_cells(found: u64, what: String) -> SegError {
    SegError::TooLarge {
        what,
        found,
        limit: limits::MAX_SHEET_CELLS,
        detail: "delete the rows and columns that are not used (the used range counts formatted empty cells too), or split the sheet".to_string(),
    }
}

#[cfg(test)]
mod tests;
