//! One error type for the whole core. Every error a user can cause says where (line, column),
//! what was found and what was expected; the wasm boundary turns it into a JS `Error` with
//! `code`, `line` and `column` properties.

use thiserror::Error;

/// Longest excerpt of an offending value that is echoed back in a message.
pub const MAX_VALUE_ECHO: usize = 40;

/// Truncate a user value for an error message (char-safe).
pub fn echo(value: &str) -> String {
    let mut out: String = value.chars().take(MAX_VALUE_ECHO).collect();
    if value.chars().count() > MAX_VALUE_ECHO {
        out.push('…');
    }
    out
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum SegError {
    #[error("the input is empty: {what}")]
    EmptyInput { what: String },

    #[error("no `{expected}` column: every row needs a pseudonymous id. Columns found: {found}. Map one with columns: {{\"<name>\": \"id\"}}")]
    MissingIdColumn { expected: String, found: String },

    /// A file that comes back (previous assignments, …) lacks a column it must have.
    #[error("{what}: no `{expected}` column. Columns found: {found}. Rename the column, or map it with columns: {{\"<name>\": \"{expected}\"}}")]
    MissingColumn { what: String, expected: String, found: String },

    #[error("line {line}: column `{column}` is empty; every HCP needs an id")]
    MissingId { line: u32, column: String },

    #[error("line {line}: duplicate hcp_id `{id}` (first seen on line {first_line}); ids must be unique")]
    DuplicateId { line: u32, id: String, first_line: u32 },

    #[error("line {line}, column `{column}`: `{value}` is not {expected}")]
    InvalidValue { line: u32, column: String, value: String, expected: String },

    #[error("line {line}, column `{column}`: {value} is negative; engagement counts must be ≥ 0")]
    NegativeCount { line: u32, column: String, value: String },

    #[error("line {line}, column `{column}`: `{value}` is not a finite number (NaN/Infinity are not counts)")]
    NonFinite { line: u32, column: String, value: String },

    #[error("line {line}: {found} fields, expected {expected} (as many as the header)")]
    FieldCount { line: u32, expected: u32, found: u32 },

    #[error("line {line}: malformed CSV: {message}")]
    CsvSyntax { line: u32, message: String },

    #[error("line {line}: duplicate column name `{column}` in the header")]
    DuplicateColumn { line: u32, column: String },

    #[error("column mapping names `{column}`, which is not in the input. Columns found: {found}")]
    UnknownColumn { column: String, found: String },

    #[error("column mapping: `{role}` is not a column role (expected one of {expected})")]
    UnknownRole { role: String, expected: String },

    #[error("no engagement columns: expected at least one `ch_*` or `fmt_*` column (or a mapping to channel/format)")]
    NoFeatures,

    #[error("option `{option}`: {message}")]
    InvalidOption { option: String, message: String },

    #[error("k = {k} but only {rows} HCPs (after exclusions) to segment; k must be at most the number of rows")]
    TooFewRows { k: u32, rows: u32 },

    #[error("k = {k} but the data has only {distinct} distinct profiles; lower k")]
    TooFewDistinct { k: u32, distinct: u32 },

    /// `detail` says how much memory it would take and what to do (see `limits`).
    #[error("{what}: {found} exceeds the limit of {limit} ({detail})")]
    TooLarge { what: String, found: u64, limit: u64, detail: String },

    #[error("category column `{column}` has more than {limit} distinct values ({found} seen) — an id or free-text column, not a category ({detail}); map it to \"ignore\"")]
    TooManyLevels { column: String, found: u64, limit: u64, detail: String },

    #[error("model: {message}")]
    InvalidModel { message: String },

    #[error("model format version {found} is not supported (this build reads version {supported})")]
    ModelVersion { found: u32, supported: u32 },

    #[error("model expects column `{column}`, which the new input does not have")]
    ModelColumnMissing { column: String },

    #[error("data matrix: {message}")]
    InvalidMatrix { message: String },

    #[error("clustering failed: {message}")]
    Clustering { message: String },

    /// A workbook that cannot be read: a damaged zip, a zip or OLE file that holds no
    /// spreadsheet, content the reader does not support. `message` says what to do.
    #[error("{format} file: {message}")]
    InvalidWorkbook { format: String, message: String },

    #[error("{format} workbook: the file is password-protected; save it without a password (Excel: File › Info › Protect Workbook › Encrypt with Password, clear the password), then load it again")]
    WorkbookEncrypted { format: String },

    #[error("this file is a workbook ({format}); reading workbooks needs the tools module (initTools())")]
    WorkbookReaderMissing { format: String },

    /// A k-means engine that this build does not carry (the segmentation wasm module has no
    /// `engine: "linfa"`; the tools module has it). Raised before any work.
    #[error("engine \"{engine}\" is not in this module; it is in the tools module (initTools()), whose segment and kmeans run it")]
    EngineMissing { engine: String },

    #[error("the table bytes are damaged ({message}); read the file again")]
    InvalidTableBytes { message: String },

    /// An error about one cell of a worksheet: `cell` is its reference (`HCPs!D17`); the code,
    /// line (the sheet's row number) and column are the inner error's.
    #[error("{}", located_message(cell, inner, &inner.to_string()))]
    AtCell { cell: String, inner: Box<SegError> },

    /// An error about a whole worksheet (no id column, no engagement columns): names the sheet
    /// and the workbook's other sheets, which the `sheet` option can choose.
    #[error("sheet `{}`: {inner} (the workbook's sheets: {}; choose another with the `sheet` option)", echo(sheet), list_names(sheets))]
    InSheet { sheet: String, sheets: Vec<String>, inner: Box<SegError> },
}

/// `HCPs!D17 (row 17, column `ch_x`): <what>`: the inner error's text without its own
/// "line …, column …: " lead, which the cell reference replaces.
pub(crate) fn located_message(cell: &str, inner: &SegError, inner_text: &str) -> String {
    let Some(line) = inner.line() else { return format!("{cell}: {inner_text}") };
    let (lead, place) = match inner.column() {
        Some(c) => (format!("line {line}, column `{c}`: "), format!("row {line}, column `{c}`")),
        None => (format!("line {line}: "), format!("row {line}")),
    };
    format!("{cell} ({place}): {}", inner_text.strip_prefix(lead.as_str()).unwrap_or(inner_text))
}

/// `` `a`, `b` `` for a list of names in a message.
fn list_names(names: &[String]) -> String {
    let mut out = String::new();
    for (i, n) in names.iter().enumerate() {
        out.push_str(if i == 0 { "`" } else { ", `" });
        out.push_str(&echo(n));
        out.push('`');
    }
    out
}

impl SegError {
    /// Stable, machine-readable code (also the JS `error.code`).
    pub fn code(&self) -> &'static str {
        use SegError::*;
        match self {
            EmptyInput { .. } => "EMPTY_INPUT",
            MissingIdColumn { .. } => "MISSING_ID_COLUMN",
            MissingColumn { .. } => "MISSING_COLUMN",
            MissingId { .. } => "MISSING_ID",
            DuplicateId { .. } => "DUPLICATE_ID",
            InvalidValue { .. } => "INVALID_VALUE",
            NegativeCount { .. } => "NEGATIVE_COUNT",
            NonFinite { .. } => "NON_FINITE",
            FieldCount { .. } => "FIELD_COUNT",
            CsvSyntax { .. } => "CSV_SYNTAX",
            DuplicateColumn { .. } => "DUPLICATE_COLUMN",
            UnknownColumn { .. } => "UNKNOWN_COLUMN",
            UnknownRole { .. } => "UNKNOWN_ROLE",
            NoFeatures => "NO_FEATURES",
            InvalidOption { .. } => "INVALID_OPTION",
            TooFewRows { .. } => "TOO_FEW_ROWS",
            TooFewDistinct { .. } => "TOO_FEW_DISTINCT",
            TooLarge { .. } | TooManyLevels { .. } => "TOO_LARGE",
            InvalidModel { .. } => "INVALID_MODEL",
            ModelVersion { .. } => "MODEL_VERSION",
            ModelColumnMissing { .. } => "MODEL_COLUMN_MISSING",
            InvalidMatrix { .. } => "INVALID_MATRIX",
            Clustering { .. } => "CLUSTERING_FAILED",
            InvalidWorkbook { .. } => "INVALID_WORKBOOK",
            WorkbookEncrypted { .. } => "WORKBOOK_ENCRYPTED",
            WorkbookReaderMissing { .. } => "WORKBOOK_READER_MISSING",
            InvalidTableBytes { .. } => "INVALID_TABLE",
            EngineMissing { .. } => "ENGINE_MISSING",
            AtCell { inner, .. } | InSheet { inner, .. } => inner.code(),
        }
    }

    /// 1-based line of the input the error is about, where there is one.
    pub fn line(&self) -> Option<u32> {
        use SegError::*;
        match self {
            MissingId { line, .. }
            | DuplicateId { line, .. }
            | InvalidValue { line, .. }
            | NegativeCount { line, .. }
            | NonFinite { line, .. }
            | FieldCount { line, .. }
            | CsvSyntax { line, .. }
            | DuplicateColumn { line, .. } => Some(*line),
            AtCell { inner, .. } | InSheet { inner, .. } => inner.line(),
            _ => None,
        }
    }

    /// Column (header name) the error is about, where there is one.
    pub fn column(&self) -> Option<&str> {
        use SegError::*;
        match self {
            MissingId { column, .. }
            | InvalidValue { column, .. }
            | NegativeCount { column, .. }
            | NonFinite { column, .. }
            | DuplicateColumn { column, .. }
            | UnknownColumn { column, .. }
            | MissingColumn { expected: column, .. }
            | TooManyLevels { column, .. }
            | ModelColumnMissing { column, .. } => Some(column),
            AtCell { inner, .. } | InSheet { inner, .. } => inner.column(),
            _ => None,
        }
    }

    /// The worksheet cell the error is about (`HCPs!D17`), for errors in a workbook's cells.
    pub fn cell(&self) -> Option<&str> {
        match self {
            SegError::AtCell { cell, .. } => Some(cell),
            SegError::InSheet { inner, .. } => inner.cell(),
            _ => None,
        }
    }

    /// The error without its sheet or cell wrapping.
    pub fn innermost(&self) -> &SegError {
        match self {
            SegError::AtCell { inner, .. } | SegError::InSheet { inner, .. } => inner.innermost(),
            other => other,
        }
    }

    /// May lenient mode (`onError: "skip"`) skip the row this error is about? True for errors
    /// about one row's cells or shape; false for structural errors (header, options, quoting).
    pub fn is_row_error(&self) -> bool {
        use SegError::*;
        if let AtCell { inner, .. } | InSheet { inner, .. } = self {
            return inner.is_row_error();
        }
        matches!(self, MissingId { .. } | DuplicateId { .. } | InvalidValue { .. } | NegativeCount { .. } | NonFinite { .. } | FieldCount { .. })
    }

    pub(crate) fn option(option: &str, message: impl Into<String>) -> Self {
        SegError::InvalidOption { option: option.to_string(), message: message.into() }
    }
}

pub type Result<T> = std::result::Result<T, SegError>;
