//! The calamine side of [`super::read_workbook`]: open the workbook, check the declared sizes,
//! choose the sheet, stream its cells into a [`SheetBuilder`].
//!
//! .xlsx and .xlsb sheets are read cell by cell (nothing but the table is kept, and the cell
//! limit stops the reading as soon as it is passed); .ods and .xls are read whole by calamine
//! (an .xls is at most 65,536 × 256 cells; an .ods's size is bounded by its declared sizes).

use super::{chosen_sheet, iso_datetime, not_a_workbook, too_many_cells, SheetBuilder, WorkbookFormat};
use crate::error::{echo, Result, SegError};
use crate::ingest::{Cell, IngestOptions, RawTable};
use crate::limits;
use calamine::{Data, DataRef, Dimensions, ExcelDateTime, Ods, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};
use std::io::Cursor;

type Bytes<'a> = Cursor<&'a [u8]>;

/// An open workbook of any of the formats.
enum Book<'a> {
    Xlsx(Xlsx<Bytes<'a>>),
    Xlsb(Xlsb<Bytes<'a>>),
    Ods(Ods<Bytes<'a>>),
    Xls(Xls<Bytes<'a>>),
}

pub(super) fn read_workbook(bytes: &[u8], options: &IngestOptions) -> Result<RawTable> {
    let format = match super::container_of(bytes) {
        Some(super::Container::Zip) => check_zip(bytes)?,
        Some(super::Container::Ole) => WorkbookFormat::Xls,
        None => return Err(not_a_workbook("unknown", "the file is neither a zip archive (.xlsx, .ods) nor an OLE file (.xls)")),
    };
    if format == WorkbookFormat::Ods {
        super::ods_scan::check_ods_cells(bytes)?;
    }
    let mut book = open(format, bytes)?;
    let sheets: Vec<calamine::Sheet> = match &book {
        Book::Xlsx(b) => b.sheets_metadata().to_vec(),
        Book::Xlsb(b) => b.sheets_metadata().to_vec(),
        Book::Ods(b) => b.sheets_metadata().to_vec(),
        Book::Xls(b) => b.sheets_metadata().to_vec(),
    };
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    if let Some(i) = chosen_sheet(&names, options.sheet.as_ref())? {
        if sheets[i].typ != SheetType::WorkSheet {
            return Err(SegError::InvalidWorkbook {
                format: format.name().to_string(),
                message: format!("sheet `{}` is not a worksheet (a chart or macro sheet); choose a sheet with the table", echo(&names[i])),
            });
        }
        return read_sheet(&mut book, format, &names[i])?.finish(format, &names[i], &names);
    }
    // The default: the first visible worksheet with a value.
    let candidates = sheets.iter().enumerate().filter(|(_, s)| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible);
    for (i, sheet) in candidates {
        let cells = read_sheet(&mut book, format, &sheet.name)?;
        if cells.is_empty() {
            continue;
        }
        let mut table = cells.finish(format, &sheet.name, &names)?;
        if i > 0 {
            let skipped = names[..i].iter().map(|n| format!("`{}`", echo(n))).collect::<Vec<_>>().join(", ");
            table.warnings.insert(
                0,
                format!("read sheet `{}`: the sheet(s) before it ({skipped}) are empty, hidden or not worksheets; choose another with the `sheet` option", echo(&sheet.name)),
            );
        }
        return Ok(table);
    }
    Err(SegError::EmptyInput { what: format!("no visible worksheet of the {} workbook has a value", format.name()) })
}

/// The workbook format a zip holds, after checking its declared sizes against the limits.
fn check_zip(bytes: &[u8]) -> Result<WorkbookFormat> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(bytes, &e.to_string()))?;
    let metadata = archive.metadata();
    let mut names = Vec::with_capacity(metadata.len());
    let mut total: u64 = 0;
    for i in 0..metadata.len() {
        let entry = metadata.entry(i).map_err(|e| damaged(bytes, &e.to_string()))?;
        let name = entry.name().map_err(|e| damaged(bytes, &e.to_string()))?.into_owned();
        let size = entry.size();
        total = total.saturating_add(size);
        let is_sheet = name.starts_with("xl/worksheets/") || name == "content.xml";
        if !is_sheet && size > limits::MAX_WORKBOOK_PART_BYTES {
            return Err(too_large_part(&name, size, limits::MAX_WORKBOOK_PART_BYTES));
        }
        names.push(name);
    }
    if total > limits::MAX_WORKBOOK_UNPACKED_BYTES {
        return Err(SegError::TooLarge {
            what: "declared unpacked size in bytes of the workbook's parts".to_string(),
            found: total,
            limit: limits::MAX_WORKBOOK_UNPACKED_BYTES,
            detail: format!(
                "{} MB unpacked from a {} KB file: it would not fit in memory (or it is a zip bomb); split the workbook, or save the sheet as CSV",
                limits::megabytes(total),
                (bytes.len() as u64).div_ceil(1024)
            ),
        });
    }
    super::format_of_zip_entries(names.iter().map(String::as_str)).ok_or_else(|| {
        not_a_workbook("zip", "the file is a zip archive but no workbook (no xl/workbook.xml, xl/workbook.bin or content.xml); save the spreadsheet as .xlsx or CSV")
    })
}

fn too_large_part(name: &str, size: u64, limit: u64) -> SegError {
    SegError::TooLarge {
        what: format!("declared unpacked size in bytes of the workbook part {}", echo(name)),
        found: size,
        limit,
        detail: "the part is read whole into memory; split the workbook, or save the sheet as CSV".to_string(),
    }
}

/// A damaged zip (a truncated download, a file cut while saving).
fn damaged(bytes: &[u8], detail: &str) -> SegError {
    not_a_workbook(super::likely_format_name(bytes), &format!("the zip archive is damaged ({detail}), perhaps truncated; download or export it again, or open it in the spreadsheet program and save it again"))
}

fn open(format: WorkbookFormat, bytes: &[u8]) -> Result<Book<'_>> {
    let cursor = Cursor::new(bytes);
    let err = |e: &dyn std::fmt::Display, password: bool| reader_error(format, &e.to_string(), password);
    Ok(match format {
        WorkbookFormat::Xlsx => Book::Xlsx(Xlsx::new(cursor).map_err(|e| err(&e, matches!(e, calamine::XlsxError::Password)))?),
        WorkbookFormat::Xlsb => Book::Xlsb(Xlsb::new(cursor).map_err(|e| err(&e, matches!(e, calamine::XlsbError::Password)))?),
        WorkbookFormat::Ods => Book::Ods(Ods::new(cursor).map_err(|e| err(&e, matches!(e, calamine::OdsError::Password)))?),
        WorkbookFormat::Xls => Book::Xls(Xls::new(cursor).map_err(|e| err(&e, matches!(e, calamine::XlsError::Password)))?),
    })
}

/// calamine's error → ours: a password, or a workbook that cannot be read (with what to do).
fn reader_error(format: WorkbookFormat, detail: &str, password: bool) -> SegError {
    if password {
        return SegError::WorkbookEncrypted { format: format.name().to_string() };
    }
    let what_to_do = match format {
        WorkbookFormat::Xls => "if it is a Word or PowerPoint file, export the table from a spreadsheet; otherwise open it in the spreadsheet program and save it as .xlsx",
        _ => "open it in the spreadsheet program and save it again (as .xlsx), or download it again",
    };
    SegError::InvalidWorkbook { format: format.name().to_string(), message: format!("cannot be read ({}); {what_to_do}", echo_long(detail)) }
}

/// A reader's message, cut to a readable length.
fn echo_long(s: &str) -> String {
    let mut out: String = s.chars().take(200).collect();
    if s.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// The cells of sheet `name`, limits checked.
fn read_sheet(book: &mut Book, format: WorkbookFormat, name: &str) -> Result<SheetBuilder> {
    let err = |e: &dyn std::fmt::Display| SegError::InvalidWorkbook {
        format: format.name().to_string(),
        message: format!("sheet `{}` cannot be read ({}); open the file in the spreadsheet program and save it again", echo(name), echo_long(&e.to_string())),
    };
    let mut cells = SheetBuilder::default();
    match book {
        Book::Xlsx(b) => {
            let mut reader = b.worksheet_cells_reader(name).map_err(|e| err(&e))?;
            check_used_range(reader.dimensions())?;
            while let Some(c) = reader.next_cell().map_err(|e| err(&e))? {
                let (row, col) = c.get_position();
                cells.push(row, col, cell_of_ref(c.get_value()))?;
            }
        }
        Book::Xlsb(b) => {
            let mut reader = b.worksheet_cells_reader(name).map_err(|e| err(&e))?;
            check_used_range(reader.dimensions())?;
            while let Some(c) = reader.next_cell().map_err(|e| err(&e))? {
                let (row, col) = c.get_position();
                cells.push(row, col, cell_of_ref(c.get_value()))?;
            }
        }
        Book::Ods(b) => push_range(&mut cells, b.worksheet_range(name).map_err(|e| err(&e))?)?,
        Book::Xls(b) => push_range(&mut cells, b.worksheet_range(name).map_err(|e| err(&e))?)?,
    }
    Ok(cells)
}

fn push_range(cells: &mut SheetBuilder, range: calamine::Range<Data>) -> Result<()> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    if let Some(end) = range.end() {
        check_used_range(Dimensions::new((r0, c0), end))?;
    }
    for (r, c, value) in range.used_cells() {
        cells.push(r0 + r as u32, c0 + c as u32, cell_of_data(value))?;
    }
    Ok(())
}

/// The used range a sheet declares, against the cell limit, before its cells are read.
fn check_used_range(d: Dimensions) -> Result<()> {
    // Computed here: a malformed dimension (end before start) must not overflow.
    let span = |a: u32, b: u32| u64::from(b.saturating_sub(a)) + 1;
    let cells = span(d.start.0, d.end.0).saturating_mul(span(d.start.1, d.end.1));
    if cells > limits::MAX_SHEET_CELLS {
        let range = format!("{}{}:{}{}", super::column_letters(d.start.1), d.start.0 + 1, super::column_letters(d.end.1), d.end.0 + 1);
        return Err(too_many_cells(cells, format!("cells in the sheet's used range {range}")));
    }
    Ok(())
}

fn date_cell(d: &ExcelDateTime) -> Cell {
    if d.is_datetime() {
        Cell::Text(iso_datetime(d.as_f64(), d.to_ymd_hms_milli()))
    } else {
        // A duration (`[h]:mm`): its length in days, as the spreadsheet stores it.
        Cell::Number(d.as_f64())
    }
}

fn cell_of_ref(v: &DataRef) -> Cell {
    match v {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(d) => date_cell(d),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

fn cell_of_data(v: &Data) -> Cell {
    match v {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => date_cell(d),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}
