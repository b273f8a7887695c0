//! Ingest: CSV text or JS-style records → a raw table → typed HCP [`Profiles`] plus a
//! [`ParseReport`] that says what was read, used and ignored.
//!
//! Two steps keep the formats apart from the meaning of columns:
//! - `csv` / `records` / `workbook` (a sheet of an .xlsx, .xlsb, .ods or .xls) turn their input
//!   into a [`RawTable`] (header + cells, with source lines), and `table_wire` carries one between
//!   the wasm modules; `source` decides from a file's bytes which reader applies;
//! - `roles` decides what each column is (id, channel, format, category, …) from the naming
//!   conventions in the domain notes or an explicit mapping;
//! - `profiles` checks every cell against its role and builds [`Profiles`], whose engagement
//!   counts are [`Counts`] (the narrowest exact store: a byte each for small whole numbers).
//!
//! `fingerprint` recognises the same table later (a saved project's data file).
//! `returns` reads the files that come back (previous assignments) through the same reader.

mod counts;
pub mod csv;
pub mod encoding;
pub mod fingerprint;
pub mod inspect;
pub mod language;
pub mod parts;
pub mod profiles;
pub mod records;
pub mod returns;
pub mod roles;
mod sniff;
pub mod source;
pub mod table_wire;
pub(crate) mod values;
mod wire;
pub mod workbook;

use serde::{Deserialize, Serialize};
use crate::error::SegError;
use std::collections::BTreeMap;

pub use counts::Counts;

/// What to do with a row that has a bad cell (or the wrong number of fields).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Stop at the first bad row with its typed error (the default: nothing is silently dropped).
    #[default]
    Fail,
    /// Skip bad rows, and list each in `ParseReport.skipped`. Structural problems (no id column,
    /// no engagement columns, empty input, malformed quoting, bad options) still fail.
    Skip,
}

/// One row left out in lenient mode. The message never contains an hcp_id.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SkippedRow {
    pub line: u32,
    /// Header name of the offending cell; None when the row as a whole is wrong.
    pub column: Option<String>,
    pub code: String,
    pub message: String,
    /// The worksheet cell (`HCPs!D17`) when the input was a workbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl SkippedRow {
    pub fn from_error(e: &SegError) -> Self {
        fn message_of(e: &SegError) -> String {
            match e {
                // Ids are opaque tokens and may be pseudonymised in the outputs: do not echo them.
                SegError::DuplicateId { first_line, .. } => format!("duplicate hcp_id (first seen on line {first_line}); ids must be unique"),
                SegError::AtCell { cell, inner } => crate::error::located_message(cell, inner, &message_of(inner)),
                other => other.to_string(),
            }
        }
        SkippedRow {
            line: e.line().unwrap_or(0),
            column: e.column().map(str::to_string),
            code: e.code().to_string(),
            message: message_of(e),
            cell: e.cell().map(str::to_string),
        }
    }
}
pub use profiles::build_profiles;
pub use workbook::{SheetChoice, SheetOrigin};
pub use roles::{ColumnRole, RoleMap};

/// One cell as it arrived: CSV gives text, JS records and workbooks can give numbers and
/// booleans, workbooks also a spreadsheet error (`#DIV/0!`), which is an error wherever a
/// column's role reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A spreadsheet error value, as the spreadsheet shows it (`#DIV/0!`, `#N/A`).
    Error(String),
}

/// A cell borrowed from a [`RawTable`] (text cells point into the table's storage).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    Bool(bool),
    Error(&'a str),
}

impl Cell {
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Empty => CellRef::Empty,
            Cell::Text(t) => CellRef::Text(t),
            Cell::Number(v) => CellRef::Number(*v),
            Cell::Bool(b) => CellRef::Bool(*b),
            Cell::Error(e) => CellRef::Error(e),
        }
    }
}

/// CSV cells without one allocation per cell: every row has the header's width, the trimmed
/// texts of all cells are concatenated in `text`, and cell `c` (row-major) is
/// `text[ends[c]..ends[c + 1]]` (empty = an empty cell). For 1M rows × 31 columns this is about
/// the size of the input, where one `String` per cell took over a gigabyte.
#[derive(Debug, Clone, Default)]
pub struct TextCells {
    pub width: usize,
    pub lines: Vec<u32>,
    pub text: String,
    /// n·width + 1 offsets into `text`, starting with 0 (u32: input is capped at 512 MiB).
    pub ends: Vec<u32>,
}

impl TextCells {
    pub fn len(&self) -> usize {
        self.lines.len()
    }
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
    pub fn cell(&self, row: usize, col: usize) -> CellRef<'_> {
        let c = row * self.width + col;
        let (a, b) = (self.ends[c] as usize, self.ends[c + 1] as usize);
        if a == b {
            CellRef::Empty
        } else {
            CellRef::Text(&self.text[a..b])
        }
    }
}

/// A rectangular table before any column has a meaning.
#[derive(Debug, Clone, Default)]
pub struct RawTable {
    pub headers: Vec<String>,
    /// Rows from JS records or the event aggregation (CSV text uses `cells` instead).
    pub rows: Vec<RawRow>,
    /// Rows read from CSV text, when `rows` is empty.
    pub cells: Option<TextCells>,
    /// Rows rejected while reading (lenient mode only: a wrong number of fields), in line order.
    pub skipped: Vec<SegError>,
    /// How the text was read (delimiter, decimal comma, BOM …), for the report.
    pub dialect: Dialect,
    /// Where the rows sit in a worksheet, so errors name the cell (None for CSV and records).
    pub origin: Option<SheetOrigin>,
    /// Warnings from reading (an encoding that was guessed, which sheet was read, cells outside
    /// the table), for the report.
    pub warnings: Vec<String>,
}


impl RawTable {
    /// Data rows (from `cells` for CSV, `rows` otherwise).
    pub fn len(&self) -> usize {
        match &self.cells {
            Some(c) => c.len(),
            None => self.rows.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Source line of data row `i`.
    pub fn line(&self, i: usize) -> u32 {
        match &self.cells {
            Some(c) => c.lines[i],
            None => self.rows[i].line,
        }
    }
    /// Cell `col` of data row `i` (Empty beyond the row's end).
    pub fn cell(&self, i: usize, col: usize) -> CellRef<'_> {
        match &self.cells {
            Some(c) if col < c.width => c.cell(i, col),
            Some(_) => CellRef::Empty,
            None => self.rows[i].cells.get(col).map_or(CellRef::Empty, Cell::as_ref),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RawRow {
    /// 1-based line in the source where this row starts (record index + 1 for records, counting the header as line 1).
    pub line: u32,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Dialect {
    /// "csv" or "records".
    pub source: String,
    pub delimiter: Option<String>,
    pub decimal_comma: bool,
    pub had_bom: bool,
    /// The encoding the engine decoded the file's bytes with ("utf-8", "utf-16le", "utf-16be",
    /// "windows-1252"); null when it was given text (a string) or records.
    #[serde(default)]
    pub encoding: Option<String>,
    /// The worksheet read, for a workbook ("xlsx", "xls", "ods", "xlsb").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Every sheet of the workbook, in workbook order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheets: Option<Vec<String>>,
}

/// Options for reading input.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngestOptions {
    /// Column name → role; overrides the `hcp_id` / `ch_*` / `fmt_*` conventions.
    pub columns: BTreeMap<String, String>,
    /// hcp_ids to leave out before anything else (GDPR Art. 21 objections).
    pub exclude: Vec<String>,
    /// Force a delimiter (",", ";", "\t"); detected when absent.
    pub delimiter: Option<String>,
    /// Force decimal comma on/off; detected when absent.
    pub decimal_comma: Option<bool>,
    /// "fail" (default) or "skip" bad rows.
    pub on_error: OnError,
    /// Force the encoding of a file given as bytes ("utf-8", "utf-16le", "utf-16be",
    /// "windows-1252"; see [`encoding`]); detected when absent. Text given as a string is
    /// already decoded: the option does not apply to it.
    pub encoding: Option<String>,
    /// Which worksheet of a workbook to read: its name, or its 0-based index. Default: the
    /// first sheet that is not empty. Not used for CSV.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<SheetChoice>,
}


/// A categorical column (specialty, country, region, funnel stage, rx decile …), kept as one
/// code per HCP into the column's distinct values: a `String` per cell was millions of
/// allocations to make, compare and free for a national universe.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CategoryColumn {
    pub name: String,
    /// The distinct values, in the order they first appear.
    pub levels: Vec<String>,
    /// One entry per HCP: an index into `levels`, or [`CategoryColumn::MISSING`] where the
    /// cell was empty.
    pub codes: Vec<u32>,
}

impl CategoryColumn {
    /// The code of an empty cell.
    pub const MISSING: u32 = u32::MAX;

    /// The column of these values, one per HCP (`None` = empty), levels in first-seen order.
    pub fn from_values(name: &str, values: &[Option<&str>]) -> Self {
        let mut col = CategoryColumn { name: name.to_string(), ..Default::default() };
        let mut index = LevelIndex::default();
        for v in values {
            let code = v.map_or(Self::MISSING, |v| index.code(&mut col.levels, v));
            col.codes.push(code);
        }
        col
    }

    /// HCP i's value; `None` where the cell was empty (or i is out of range).
    pub fn get(&self, i: usize) -> Option<&str> {
        let code = *self.codes.get(i)?;
        self.levels.get(code as usize).map(String::as_str)
    }

    /// Every HCP's value, in row order.
    pub fn values(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.codes.len()).map(|i| self.get(i))
    }

    /// The code of `value` in this column, if it occurs.
    pub fn code_of(&self, value: &str) -> Option<u32> {
        self.levels.iter().position(|l| l == value).map(|c| c as u32)
    }
}

/// Value → code for one column being built.
#[derive(Debug, Default)]
pub(crate) struct LevelIndex {
    index: rustc_hash::FxHashMap<String, u32>,
    last: Option<u32>,
}

impl LevelIndex {
    /// The index of a column's existing levels (to add more rows to it).
    pub(crate) fn seeded(levels: &[String]) -> Self {
        let index = levels.iter().enumerate().map(|(c, l)| (l.clone(), c as u32)).collect();
        LevelIndex { index, last: None }
    }

    /// The code of `value`, appending it to `levels` if it is new.
    pub(crate) fn code(&mut self, levels: &mut Vec<String>, value: &str) -> u32 {
        // Runs of one value (exports sorted by specialty or country) skip the hash.
        if let Some(c) = self.last {
            if levels[c as usize] == value {
                return c;
            }
        }
        let c = match self.index.get(value) {
            Some(&c) => c,
            None => {
                let c = levels.len() as u32;
                levels.push(value.to_string());
                self.index.insert(value.to_string(), c);
                c
            }
        };
        self.last = Some(c);
        c
    }
}

/// A boolean column (consent_email, consent_tracking …).
#[derive(Debug, Clone, PartialEq)]
pub struct FlagColumn {
    pub name: String,
    pub values: Vec<Option<bool>>,
}

/// Typed HCP profiles, one entry per HCP kept after exclusions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profiles {
    pub ids: Vec<String>,
    /// Source line of each row, for messages about it later.
    pub lines: Vec<u32>,
    /// Channel names without the `ch_` prefix, in column order.
    pub channels: Vec<String>,
    /// Format names without the `fmt_` prefix, in column order.
    pub formats: Vec<String>,
    /// Row-major n × channels.len() engagement counts (≥ 0, finite), in the narrowest exact
    /// store ([`Counts`]): 1 byte each when they are whole numbers up to 255.
    pub channel_counts: Counts,
    /// Row-major n × formats.len() engagement counts (≥ 0, finite), as `channel_counts`.
    pub format_counts: Counts,
    pub categories: Vec<CategoryColumn>,
    /// days_since_last (0-365), per HCP; None when empty.
    pub recency: Option<Vec<Option<f64>>>,
    /// active_weeks (0-12), per HCP; None when empty.
    pub frequency: Option<Vec<Option<f64>>>,
    pub consents: Vec<FlagColumn>,
}

impl Profiles {
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    /// HCP i's channel counts. Allocates: loops over many rows use [`Self::channel_row_into`].
    pub fn channel_row(&self, i: usize) -> Vec<f64> {
        let mut row = Vec::with_capacity(self.channels.len());
        self.channel_row_into(i, &mut row);
        row
    }
    /// HCP i's format counts. Allocates: loops over many rows use [`Self::format_row_into`].
    pub fn format_row(&self, i: usize) -> Vec<f64> {
        let mut row = Vec::with_capacity(self.formats.len());
        self.format_row_into(i, &mut row);
        row
    }
    /// HCP i's channel counts into `row` (cleared first), reusing its allocation.
    pub fn channel_row_into(&self, i: usize, row: &mut Vec<f64>) {
        let c = self.channels.len();
        row.clear();
        self.channel_counts.append_to(i * c..(i + 1) * c, row);
    }
    /// HCP i's format counts into `row` (cleared first), reusing its allocation.
    pub fn format_row_into(&self, i: usize, row: &mut Vec<f64>) {
        let f = self.formats.len();
        row.clear();
        self.format_counts.append_to(i * f..(i + 1) * f, row);
    }
    pub fn category(&self, name: &str) -> Option<&CategoryColumn> {
        self.categories.iter().find(|c| c.name == name)
    }
}

/// What happened to each column.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ColumnUse {
    pub name: String,
    /// id | channel | format | category | recency | frequency | consent | ignore
    pub role: String,
    /// How the role was decided: "convention" or "mapping".
    pub source: String,
}

/// The parse report handed back with every result.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ParseReport {
    /// Data rows in the input (blank lines not counted). Always
    /// `rowsRead = rowsUsed + rowsExcluded + rowsSkipped`.
    pub rows_read: u32,
    pub rows_excluded: u32,
    pub rows_used: u32,
    /// Rows left out by `onError: "skip"` (0 in the default "fail" mode).
    #[serde(default)]
    pub rows_skipped: u32,
    /// The first 1,000 skipped rows (`limits::MAX_SKIPPED_LISTED`), in line order.
    #[serde(default)]
    pub skipped: Vec<SkippedRow>,
    /// ids on the exclusion list that were not in the input (count only: no ids echoed).
    pub exclusions_not_found: u32,
    pub columns: Vec<ColumnUse>,
    pub channels: Vec<String>,
    pub formats: Vec<String>,
    pub categories: Vec<String>,
    pub ignored: Vec<String>,
    pub dialect: Dialect,
    pub warnings: Vec<String>,
}

/// Read CSV text or records, assign roles, type-check every cell, apply exclusions.
/// For a worksheet, errors about the whole table name the sheet (and errors about a cell, the
/// cell: see [`profiles::read_rows`]); the reader's warnings come first in the report.
pub fn ingest_table(mut table: RawTable, options: &IngestOptions) -> crate::Result<(Profiles, ParseReport)> {
    let mut warnings = std::mem::take(&mut table.warnings);
    let sheets = table.origin.as_ref().map(|o| (o.sheet.clone(), o.sheets.clone()));
    let result = roles::assign_roles(&table.headers, &options.columns)
        .and_then(|roles| profiles::build_profiles_with(table, &roles, &options.exclude, options.on_error));
    match (result, sheets) {
        (Ok((profiles, mut report)), _) => {
            warnings.append(&mut report.warnings);
            report.warnings = warnings;
            Ok((profiles, report))
        }
        // Another sheet may hold the table: say which sheet was read and which others there are.
        (Err(e @ (SegError::MissingIdColumn { .. } | SegError::NoFeatures)), Some((sheet, sheets))) if sheets.len() > 1 => {
            Err(SegError::InSheet { sheet, sheets, inner: Box::new(e) })
        }
        (Err(e), _) => Err(e),
    }
}

/// Convenience: CSV text all the way to profiles.
pub fn ingest_csv(text: &str, options: &IngestOptions) -> crate::Result<(Profiles, ParseReport)> {
    let table = csv::read_csv(text, options)?;
    ingest_table(table, options)
}

/// Convenience: JS-style records (key order preserved) all the way to profiles. Text cells that
/// hold numbers are read with a decimal point unless `options.decimal_comma` is `Some(true)`;
/// `options.delimiter` does not apply to records.
pub fn ingest_records(
    records: Vec<Vec<(String, Cell)>>,
    options: &IngestOptions,
) -> crate::Result<(Profiles, ParseReport)> {
    let mut table = records::read_records(records)?;
    table.dialect.decimal_comma = options.decimal_comma.unwrap_or(false);
    ingest_table(table, options)
}

#[cfg(test)]
mod category_tests {
    use super::CategoryColumn;

    /// Levels in first-seen order, one code per row (runs, repeats after other values, empty
    /// cells), and every row's value read back as it went in.
    #[test]
    fn a_category_column_keeps_every_value_as_a_code() {
        let values = [Some("onc"), Some("onc"), None, Some("gp"), Some("onc"), Some("card"), Some("gp"), None, Some("gp")];
        let col = CategoryColumn::from_values("specialty", &values);
        assert_eq!(col.levels, vec!["onc", "gp", "card"]);
        let m = CategoryColumn::MISSING;
        assert_eq!(col.codes, vec![0, 0, m, 1, 0, 2, 1, m, 1]);
        assert_eq!(col.values().collect::<Vec<_>>(), values.to_vec());
        assert_eq!((col.get(5), col.get(2), col.get(99)), (Some("card"), None, None));
        assert_eq!((col.code_of("gp"), col.code_of("derm")), (Some(1), None));
    }
}
