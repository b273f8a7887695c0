//! Where files are written: every file a user takes away (target list, assignments, test cells,
//! channel plan, look-alikes, segment summary, event profiles) is built here as a [`Table`] of
//! typed values and written by the one writer, [`csv::write_table`].
//!
//! - [`csv`]: the writer, its two dialects and formula neutralisation (and [`restore`], which the
//!   project's CSV reader applies so that an export reads back exactly);
//! - [`locale`]: the separator and decimal mark Excel expects for a locale;
//! - [`template`]: CRM column templates (select, order, rename);
//! - [`tables`], [`summary`]: the exports as tables.
//!
//! User documentation: `docs/exports.md`.

pub mod csv;
pub mod locale;
pub mod summary;
pub mod tables;
pub mod template;

pub use self::csv::{neutralise, restore, CsvDialect, CsvFormat, Table, Value};
pub use self::template::{ColumnTemplate, TemplateColumn};

use crate::error::Result;
use serde::{Deserialize, Serialize};

/// How an export is written (JS: `{dialect: "plain" | "excel", locale: "de-DE", template}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ExportOptions {
    /// "plain" (default) or "excel".
    pub dialect: CsvDialect,
    /// BCP 47 tag; decides Excel's separator and decimal mark. Default "en-US". Not used by
    /// the plain dialect.
    pub locale: Option<String>,
    /// Select, order and rename the columns.
    pub template: Option<ColumnTemplate>,
}

/// Write an export: template first, then the dialect.
pub fn write(table: Table, options: &ExportOptions) -> Result<String> {
    let format = CsvFormat::of(options.dialect, options.locale.as_deref())?;
    let table = match &options.template {
        Some(t) => template::apply(table, t)?,
        None => table,
    };
    csv::write_table(&table, &format)
}
