//! What a file is, before a run: how it was read, what each column will be and why, the first
//! rows. For a page's load step (its role table) and the CLI.
//!
//! The file is read as a run reads it ([`Input::read`]: bytes, text or records; workbooks too),
//! with the same role rules ([`roles::column_roles`]). A problem that a run would refuse but
//! that the user fixes with a mapping or in a few rows (no id column, a row with too many
//! fields) is a warning here, not an error: the point is to show what is there. What makes
//! the input unreadable (empty, malformed quoting, a wrong option or mapping) is an error.

use super::roles::{self, AssignedRole, ColumnRole, CATEGORY_COLUMNS};
use super::{CellRef, Dialect, IngestOptions, OnError, RawTable};
use crate::error::{echo, Result};
use crate::segmentation::Input;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Options of `inspect` (JS: `InspectOptions`): how to read, as for `segment`, and how many rows
/// to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct InspectOptions {
    pub columns: BTreeMap<String, String>,
    pub delimiter: Option<String>,
    pub decimal_comma: Option<bool>,
    pub encoding: Option<String>,
    /// A workbook's sheet: its name, or its 0-based index (default: the first with data).
    pub sheet: Option<super::SheetChoice>,
    /// Rows in `preview` (default 5, at most [`MAX_PREVIEW_ROWS`]).
    pub preview_rows: u32,
}

/// The most rows `preview` shows, whatever `previewRows` asks.
pub const MAX_PREVIEW_ROWS: u32 = 1000;

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions { columns: BTreeMap::new(), delimiter: None, decimal_comma: None, encoding: None, sheet: None, preview_rows: 5 }
    }
}

/// One column of the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnInfo {
    /// The header as it is in the file.
    pub name: String,
    /// id | channel | format | category | recency | frequency | consent | ignore
    pub role: String,
    /// The name the engine uses for it (`specialty` for `Fachrichtung`, `linkedin` for
    /// `ch_LinkedIn`); null when ignored.
    pub name_used: Option<String>,
    /// "convention", "synonym" or "mapping".
    pub source: String,
    /// Why, in a sentence.
    pub reason: String,
    /// The first non-empty value in the column; null when every cell is empty.
    pub example: Option<String>,
}

/// What `inspect` says about a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub dialect: Dialect,
    /// Data rows (blank lines not counted; rows with the wrong number of fields counted).
    pub rows: u32,
    pub columns: Vec<ColumnInfo>,
    /// The first rows, every cell as text, in header order.
    pub preview: Vec<Vec<String>>,
    /// One row per engagement (aggregate it first) rather than one row per HCP.
    pub event_log: bool,
    pub event_log_reason: String,
    /// Every role a column can be given (`columns` option values), for a drop-down.
    pub role_choices: Vec<String>,
    pub warnings: Vec<String>,
    /// The table's fingerprint, to recognise the same data later (a saved project).
    pub fingerprint: super::fingerprint::Fingerprint,
}

/// How many rows with the wrong number of fields the warnings list one by one.
const LISTED_BAD_ROWS: usize = 5;

/// Inspect an input (see the module notes).
pub fn inspect(input: Input, options: &InspectOptions) -> Result<Inspection> {
    let ingest = IngestOptions {
        columns: options.columns.clone(),
        delimiter: options.delimiter.clone(),
        decimal_comma: options.decimal_comma,
        encoding: options.encoding.clone(),
        sheet: options.sheet.clone(),
        // A row with the wrong number of fields is shown as a warning, not a stop.
        on_error: OnError::Skip,
        ..IngestOptions::default()
    };
    let table = input.read(&ingest)?;
    let roles = roles::column_roles(&table.headers, &options.columns)?;
    let mut warnings = table.warnings.clone();
    if let Err(e) = roles::check_roles(&roles, &table.headers) {
        warnings.push(e.to_string());
    }
    for e in table.skipped.iter().take(LISTED_BAD_ROWS) {
        warnings.push(e.to_string());
    }
    if table.skipped.len() > LISTED_BAD_ROWS {
        warnings.push(format!("… and {} more rows with the wrong number of fields", table.skipped.len() - LISTED_BAD_ROWS));
    }
    let (event_log, event_log_reason) = crate::targeting::events::event_log_header(&table.headers);
    let columns = roles
        .columns
        .iter()
        .enumerate()
        .map(|(c, col)| ColumnInfo {
            name: col.header.clone(),
            role: col.role.kind().to_string(),
            name_used: (col.role != ColumnRole::Ignore).then(|| col.name.clone()),
            source: col.source.to_string(),
            reason: reason(col, &roles.columns),
            example: example(&table, c),
        })
        .collect();
    let shown = options.preview_rows.min(MAX_PREVIEW_ROWS) as usize;
    let preview = (0..table.len().min(shown))
        .map(|i| (0..table.headers.len()).map(|c| cell_text(table.cell(i, c))).collect())
        .collect();
    let rows = u32::try_from(table.len() + table.skipped.len()).unwrap_or(u32::MAX);
    let fingerprint = super::fingerprint::fingerprint(&table);
    Ok(Inspection { dialect: table.dialect, rows, columns, preview, event_log, event_log_reason, role_choices: role_choices(), warnings, fingerprint })
}

/// Every value of the `columns` option a drop-down offers: the roles, and each named category.
pub fn role_choices() -> Vec<String> {
    let mut choices: Vec<String> = ["id", "channel", "format", "category"].iter().map(|s| s.to_string()).collect();
    choices.extend(CATEGORY_COLUMNS.iter().map(|c| format!("category:{c}")));
    choices.extend(["recency", "frequency", "consent", "ignore"].iter().map(|s| s.to_string()));
    choices
}

fn cell_text(cell: CellRef) -> String {
    match cell {
        CellRef::Empty => String::new(),
        CellRef::Text(t) => t.to_string(),
        CellRef::Number(v) => format!("{v}"),
        CellRef::Bool(b) => b.to_string(),
        CellRef::Error(e) => e.to_string(),
    }
}

/// The first non-empty cell of column `c`.
fn example(table: &RawTable, c: usize) -> Option<String> {
    (0..table.len()).map(|i| table.cell(i, c)).find(|cell| !matches!(cell, CellRef::Empty | CellRef::Text(""))).map(cell_text)
}

/// Why a column has its role, in a sentence.
fn reason(col: &AssignedRole, all: &[AssignedRole]) -> String {
    let header = echo(&col.header);
    if col.source == "mapping" {
        return match &col.role {
            ColumnRole::Ignore => "ignored: the `columns` option says so".to_string(),
            role => format!("{}: the `columns` option maps it", what(role, &col.name)),
        };
    }
    if let Some(s) = col.synonym {
        let languages = super::language::synonym_languages(s.canonical, s.word).join(" or ");
        let said = format!("{languages} for {} ({header})", s.canonical.replace('_', " "));
        return match col.role {
            ColumnRole::Ignore => match all.iter().find(|o| o.role != ColumnRole::Ignore && taken_by(o, s.canonical)) {
                Some(other) => format!("{said}, but `{}` is the {}: ignored", echo(&other.header), s.canonical.replace('_', " ")),
                None => format!("{said}, but another column has that role: ignored"),
            },
            _ => said,
        };
    }
    let n = roles::normalise(&col.header);
    match &col.role {
        ColumnRole::Id => "`hcp_id`: the HCP's pseudonymous id".to_string(),
        ColumnRole::Channel(x) => format!("`ch_` prefix: a channel ({})", echo(x)),
        ColumnRole::Format(x) => format!("`fmt_` prefix: a content format ({})", echo(x)),
        ColumnRole::Category => format!("`{}`: a category", echo(&n)),
        ColumnRole::Recency => "`days_since_last`: recency (days since the last engagement)".to_string(),
        ColumnRole::Frequency => "`active_weeks`: frequency (active weeks of the last 12)".to_string(),
        ColumnRole::Consent => "`consent_` prefix: a consent flag".to_string(),
        ColumnRole::Ignore if matches!(n.as_str(), "hcp_id" | "days_since_last" | "active_weeks") => {
            format!("`{}` by its name, but the `columns` option maps another column to that role: ignored", echo(&n))
        }
        ColumnRole::Ignore => "not a known column: ignored — data minimisation".to_string(),
    }
}

/// `other` holds the role the synonym `canonical` would give.
fn taken_by(other: &AssignedRole, canonical: &str) -> bool {
    match other.role {
        ColumnRole::Id => canonical == "hcp_id",
        ColumnRole::Category => other.name == canonical,
        _ => false,
    }
}

fn what(role: &ColumnRole, name: &str) -> String {
    match role {
        ColumnRole::Id => "the id".to_string(),
        ColumnRole::Channel(x) => format!("a channel ({})", echo(x)),
        ColumnRole::Format(x) => format!("a content format ({})", echo(x)),
        ColumnRole::Category => format!("a category ({})", echo(name)),
        ColumnRole::Recency => "recency".to_string(),
        ColumnRole::Frequency => "frequency".to_string(),
        ColumnRole::Consent => format!("a consent flag ({})", echo(name)),
        ColumnRole::Ignore => "ignored".to_string(),
    }
}
