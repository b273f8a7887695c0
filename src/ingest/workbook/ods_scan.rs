//! The cell limit for an .ods, before calamine reads it. calamine reads every sheet of an .ods
//! at once, and each sheet into a dense range spanning its cells with a value; ODS compresses
//! runs of equal cells into one element (`table:number-columns-repeated`,
//! `table:number-rows-repeated`), so a file of a few KB can ask for a range of 100,000,000
//! cells (calamine's own cap), gigabytes of memory. This pass streams `content.xml` and adds up
//! what each sheet's range would span, repeats included, without keeping any cell.

use super::too_many_cells;
use crate::error::{Result, SegError};
use crate::limits;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Cursor};

/// Where the valued cells of one sheet lie (0-based rows and columns, repeats counted).
#[derive(Default)]
struct Extent {
    rows: Option<(u64, u64)>,
    last_col: Option<u64>,
}

impl Extent {
    fn cells(&self) -> u64 {
        match (self.rows, self.last_col) {
            (Some((first, last)), Some(col)) => (last - first + 1).saturating_mul(col + 1),
            _ => 0,
        }
    }
}

/// A repeat count attribute (`table:number-rows-repeated="1048576"`); 1 when absent or unreadable.
fn repeat(e: &BytesStart, name: &str) -> u64 {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.value.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

/// Does this cell hold a value? (Every ODS cell with a value has an `office:value-type`.)
fn has_value(e: &BytesStart) -> bool {
    e.attributes().with_checks(false).flatten().any(|a| a.key.local_name().as_ref() == "value-type")
}

/// Refuse an .ods whose sheets' ranges span more than [`limits::MAX_SHEET_CELLS`] cells in all.
pub(super) fn check_ods_cells(bytes: &[u8]) -> Result<()> {
    let damaged = |e: &dyn std::fmt::Display| SegError::InvalidWorkbook {
        format: "ods".to_string(),
        message: format!("content.xml cannot be read ({e}); open the file in the spreadsheet program and save it again"),
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let content = archive.by_name("content.xml").map_err(|e| damaged(&e))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let (mut total, mut sheet) = (0u64, Extent::default());
    let (mut row, mut row_repeat, mut col) = (0u64, 1u64, 0u64);
    let mut row_last_valued: Option<u64> = None;
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| damaged(&e))?;
        let (start, is_empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        let name = match &event {
            Event::Start(e) | Event::Empty(e) => e.local_name().as_ref().to_string(),
            Event::End(e) => e.local_name().as_ref().to_string(),
            Event::Eof => break,
            _ => continue,
        };
        let ends_row = match (name.as_str(), start) {
            ("table", Some(_)) => {
                (sheet, row) = (Extent::default(), 0);
                false
            }
            ("table-row", Some(e)) => {
                (row_repeat, col, row_last_valued) = (repeat(e, "number-rows-repeated"), 0, None);
                is_empty
            }
            ("table-cell" | "covered-table-cell", Some(e)) => {
                let n = repeat(e, "number-columns-repeated");
                if has_value(e) {
                    row_last_valued = Some(col.saturating_add(n - 1));
                }
                col = col.saturating_add(n);
                false
            }
            ("table-row", None) => true,
            ("table", None) => {
                total = total.saturating_add(sheet.cells());
                false
            }
            _ => false,
        };
        if ends_row {
            if let Some(last) = row_last_valued {
                let last_row = row.saturating_add(row_repeat - 1);
                sheet.rows = Some((sheet.rows.map_or(row, |(first, _)| first), last_row));
                sheet.last_col = Some(sheet.last_col.map_or(last, |c| c.max(last)));
            }
            row = row.saturating_add(row_repeat);
            if total.saturating_add(sheet.cells()) > limits::MAX_SHEET_CELLS {
                return Err(too_many_cells(total.saturating_add(sheet.cells()), "cells in the ranges of the workbook's sheets (an .ods is read whole)".to_string()));
            }
        }
    }
    Ok(())
}
