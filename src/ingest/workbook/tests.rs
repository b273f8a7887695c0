use super::*;
use crate::ingest::{ingest_table, IngestOptions, OnError};

fn t(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// A sheet "HCPs" (second of two) whose table starts at B3: header row 3, an empty row 5, a
/// note in H6 right of the header, trailing empty cells.
fn offset_sheet() -> SheetBuilder {
    let mut b = SheetBuilder::default();
    let cells: Vec<(u32, u32, Cell)> = vec![
        (2, 1, t("hcp_id")),
        (2, 2, t("ch_email")),
        (2, 3, t("consent_email")),
        (3, 1, t("H1")),
        (3, 2, Cell::Number(3.0)),
        (3, 3, Cell::Bool(true)),
        (5, 1, t("H2")),
        (5, 2, Cell::Number(-3.0)),
        (5, 7, t("a note")),
        (6, 1, t("  H3 ")),
        (6, 3, Cell::Bool(false)),
        (8, 2, t("   ")),
    ];
    for (r, c, v) in cells {
        b.push(r, c, v).unwrap();
    }
    b
}

fn sheets() -> Vec<String> {
    vec!["Cover".to_string(), "HCPs".to_string()]
}

#[test]
fn the_table_starts_at_the_first_value_and_rows_keep_their_sheet_row_numbers() {
    let table = offset_sheet().finish(WorkbookFormat::Xlsx, "HCPs", &sheets()).unwrap();
    assert_eq!(table.headers, vec!["hcp_id", "ch_email", "consent_email"]);
    assert_eq!(table.len(), 3, "the empty row 5 and the blank-text row 9 are not data rows");
    assert_eq!((table.line(0), table.line(1), table.line(2)), (4, 6, 7));
    assert_eq!(table.cell(0, 1), CellRef::Number(3.0));
    assert_eq!(table.cell(0, 2), CellRef::Bool(true));
    assert_eq!(table.cell(2, 0), CellRef::Text("H3"), "text is trimmed as CSV cells are");
    assert_eq!(table.cell(2, 1), CellRef::Empty);
    assert_eq!(table.dialect.source, "xlsx");
    assert_eq!(table.dialect.sheet.as_deref(), Some("HCPs"));
    assert_eq!(table.dialect.sheets, Some(sheets()));
    assert_eq!(table.warnings.len(), 1);
    assert!(table.warnings[0].contains("1 value(s) outside the header's columns (B:D)") && table.warnings[0].contains("HCPs!H6"), "{}", table.warnings[0]);
}

use crate::ingest::CellRef;

/// The mechanism in `read_rows`: a bad cell's error names `Sheet!Cell`, row and column, and
/// keeps the code, line and column of the error inside.
#[test]
fn a_bad_cell_is_named_by_its_sheet_and_cell() {
    let table = offset_sheet().finish(WorkbookFormat::Xlsx, "HCPs", &sheets()).unwrap();
    let e = ingest_table(table, &IngestOptions::default()).unwrap_err();
    assert_eq!(e.code(), "NEGATIVE_COUNT");
    assert_eq!((e.line(), e.column(), e.cell()), (Some(6), Some("ch_email"), Some("HCPs!C6")));
    assert_eq!(e.to_string(), "HCPs!C6 (row 6, column `ch_email`): -3 is negative; engagement counts must be ≥ 0");
    assert!(e.is_row_error());
}

#[test]
fn skipped_rows_name_their_cell_too() {
    let table = offset_sheet().finish(WorkbookFormat::Xlsx, "HCPs", &sheets()).unwrap();
    let (p, report) = ingest_table(table, &IngestOptions { on_error: OnError::Skip, ..Default::default() }).unwrap();
    assert_eq!(p.ids, vec!["H1", "H3"]);
    assert_eq!(report.skipped.len(), 1);
    let s = &report.skipped[0];
    assert_eq!((s.line, s.column.as_deref(), s.cell.as_deref(), s.code.as_str()), (6, Some("ch_email"), Some("HCPs!C6"), "NEGATIVE_COUNT"));
    assert!(s.message.starts_with("HCPs!C6 (row 6, column `ch_email`): "), "{}", s.message);
    // The reader's warning comes first in the report.
    assert!(report.warnings[0].contains("outside the header's columns"));
}

/// A duplicate id is about the id cell, and its message does not echo the id in the listing.
#[test]
fn a_duplicate_id_names_the_id_cell() {
    let mut b = SheetBuilder::default();
    for (r, c, v) in [(0, 0, t("hcp_id")), (0, 1, t("ch_x")), (1, 0, t("secret")), (1, 1, Cell::Number(1.0)), (2, 0, t("secret")), (2, 1, Cell::Number(2.0))] {
        b.push(r, c, v).unwrap();
    }
    let names = vec!["Q1 data".to_string()];
    let table = b.finish(WorkbookFormat::Ods, "Q1 data", &names).unwrap();
    let e = ingest_table(table.clone(), &IngestOptions::default()).unwrap_err();
    assert_eq!((e.code(), e.cell()), ("DUPLICATE_ID", Some("'Q1 data'!A3")));
    let (_, report) = ingest_table(table, &IngestOptions { on_error: OnError::Skip, ..Default::default() }).unwrap();
    assert_eq!(report.skipped[0].cell.as_deref(), Some("'Q1 data'!A3"));
    assert!(!report.skipped[0].message.contains("secret"), "{}", report.skipped[0].message);
}

/// A spreadsheet error value is an error where a role reads it, and ignored elsewhere.
#[test]
fn spreadsheet_error_cells() {
    let build = |error_col: u32| {
        let mut b = SheetBuilder::default();
        for (r, c, v) in [(0, 0, t("hcp_id")), (0, 1, t("ch_x")), (0, 2, t("notes")), (0, 3, t("specialty")), (1, 0, t("H1")), (1, 1, Cell::Number(1.0)), (1, 3, t("onc"))] {
            b.push(r, c, v).unwrap();
        }
        b.push(1, error_col, Cell::Error("#DIV/0!".into())).unwrap();
        b.finish(WorkbookFormat::Xlsx, "S", &["S".to_string()]).unwrap()
    };
    for (col, cell) in [(1, "S!B2"), (3, "S!D2")] {
        let e = ingest_table(build(col), &IngestOptions::default()).unwrap_err();
        assert_eq!((e.code(), e.cell()), ("INVALID_VALUE", Some(cell)));
        assert!(e.to_string().contains("`#DIV/0!` is not a value: the cell holds a spreadsheet error"), "{e}");
    }
    let columns = [("notes".to_string(), "ignore".to_string())].into();
    assert!(ingest_table(build(2), &IngestOptions { columns, ..Default::default() }).is_ok());
}

#[test]
fn header_rules() {
    // A duplicate header name is at its cell.
    let mut b = SheetBuilder::default();
    for (r, c, v) in [(0, 2, t("hcp_id")), (0, 3, t("ch_x")), (0, 4, t("ch_x")), (1, 2, t("H1"))] {
        b.push(r, c, v).unwrap();
    }
    let e = b.finish(WorkbookFormat::Xlsx, "S", &[]).unwrap_err();
    assert_eq!((e.code(), e.cell(), e.line()), ("DUPLICATE_COLUMN", Some("S!E1"), Some(1)));
    // An empty header cell inside the table gets a name; numbers and booleans become text.
    let mut b = SheetBuilder::default();
    for (r, c, v) in [(0, 0, t("hcp_id")), (0, 2, Cell::Number(2024.0)), (0, 3, Cell::Bool(true)), (1, 0, t("H1"))] {
        b.push(r, c, v).unwrap();
    }
    let table = b.finish(WorkbookFormat::Xlsx, "S", &[]).unwrap();
    assert_eq!(table.headers, vec!["hcp_id", "column_2", "2024", "TRUE"]);
    // A sheet with only a header, or nothing.
    let mut b = SheetBuilder::default();
    b.push(4, 4, t("hcp_id")).unwrap();
    assert_eq!(b.finish(WorkbookFormat::Xlsx, "S", &[]).unwrap_err().code(), "EMPTY_INPUT");
    let b = SheetBuilder::default();
    assert!(b.is_empty());
    assert_eq!(b.finish(WorkbookFormat::Xlsx, "S", &[]).unwrap_err().code(), "EMPTY_INPUT");
}

/// Cells may arrive out of order (calamine yields them in file order).
#[test]
fn cells_out_of_order() {
    let mut b = SheetBuilder::default();
    for (r, c, v) in [(2, 1, Cell::Number(5.0)), (0, 1, t("ch_x")), (2, 0, t("H2")), (0, 0, t("hcp_id")), (1, 1, Cell::Number(4.0)), (1, 0, t("H1"))] {
        b.push(r, c, v).unwrap();
    }
    let table = b.finish(WorkbookFormat::Xls, "S", &[]).unwrap();
    assert_eq!((table.line(0), table.line(1)), (2, 3));
    assert_eq!((table.cell(0, 0), table.cell(1, 1)), (CellRef::Text("H1"), CellRef::Number(5.0)));
}

/// A whole-table error names the sheet and the other sheets, when there are others.
#[test]
fn a_sheet_without_an_id_column_lists_the_other_sheets() {
    let mut b = SheetBuilder::default();
    b.push(0, 0, t("Q1 HCP engagement export")).unwrap();
    b.push(2, 0, t("Prepared by the brand team")).unwrap();
    let table = b.finish(WorkbookFormat::Xlsx, "Cover", &sheets()).unwrap();
    let e = ingest_table(table, &IngestOptions::default()).unwrap_err();
    assert_eq!(e.code(), "MISSING_ID_COLUMN");
    assert!(e.to_string().starts_with("sheet `Cover`: no `hcp_id` column"), "{e}");
    assert!(e.to_string().contains("the workbook's sheets: `Cover`, `HCPs`; choose another with the `sheet` option"), "{e}");
}

#[test]
fn names_and_references() {
    let letters: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702, 16383].iter().map(|&c| column_letters(c)).collect();
    assert_eq!(letters, vec!["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]);
    // The largest column number does not overflow (value from an independent bijective base-26 count).
    assert_eq!(column_letters(u32::MAX), "MWLQKWV");
    assert_eq!(quoted_sheet_name("HCPs"), "HCPs");
    assert_eq!(quoted_sheet_name("Tabelle_1"), "Tabelle_1");
    assert_eq!(quoted_sheet_name("Q1 data"), "'Q1 data'");
    assert_eq!(quoted_sheet_name("Dr. O'Brien"), "'Dr. O''Brien'");
    assert_eq!(quoted_sheet_name("2024"), "'2024'");
    assert_eq!(quoted_sheet_name("Übersicht"), "Übersicht");
}

#[test]
fn the_sheet_option() {
    let names = vec!["Cover".to_string(), "HCPs".to_string()];
    assert_eq!(chosen_sheet(&names, None).unwrap(), None);
    assert_eq!(chosen_sheet(&names, Some(&SheetChoice::Index(1))).unwrap(), Some(1));
    assert_eq!(chosen_sheet(&names, Some(&SheetChoice::Name("HCPs".into()))).unwrap(), Some(1));
    assert_eq!(chosen_sheet(&names, Some(&SheetChoice::Name(" hcps".into()))).unwrap(), Some(1));
    for bad in [SheetChoice::Index(2), SheetChoice::Name("Data".into())] {
        let e = chosen_sheet(&names, Some(&bad)).unwrap_err();
        assert_eq!(e.code(), "INVALID_OPTION");
        assert!(e.to_string().contains("0: `Cover`, 1: `HCPs`"), "{e}");
    }
    // JS gives a number or a string.
    let o: IngestOptions = serde_json::from_str(r#"{"sheet": 1}"#).unwrap();
    assert_eq!(o.sheet, Some(SheetChoice::Index(1)));
    let o: IngestOptions = serde_json::from_str(r#"{"sheet": "HCPs"}"#).unwrap();
    assert_eq!(o.sheet, Some(SheetChoice::Name("HCPs".into())));
}

/// Components from calamine's serial-date conversion → ISO-8601 text.
#[test]
fn dates_and_times_as_iso_text() {
    assert_eq!(iso_datetime(45352.0, (2024, 3, 1, 0, 0, 0, 0)), "2024-03-01");
    assert_eq!(iso_datetime(45352.395833, (2024, 3, 1, 9, 30, 0, 0)), "2024-03-01T09:30:00");
    assert_eq!(iso_datetime(45352.395833, (2024, 3, 1, 9, 30, 0, 250)), "2024-03-01T09:30:00.250");
    assert_eq!(iso_datetime(0.5, (1899, 12, 31, 12, 0, 0, 0)), "12:00:00");
}

#[test]
fn sniffing() {
    assert_eq!(container_of(b"PK\x03\x04rest"), Some(Container::Zip));
    assert_eq!(container_of(b"PK\x05\x06"), Some(Container::Zip));
    assert_eq!(container_of(OLE_MAGIC), Some(Container::Ole));
    assert_eq!(container_of(b"hcp_id,ch_x\n"), None);
    assert_eq!(container_of(b"PK"), None);
    assert_eq!(format_of_zip_entries(["[Content_Types].xml", "xl/workbook.xml"]), Some(WorkbookFormat::Xlsx));
    assert_eq!(format_of_zip_entries(["mimetype", "content.xml"]), Some(WorkbookFormat::Ods));
    assert_eq!(format_of_zip_entries(["xl/workbook.bin"]), Some(WorkbookFormat::Xlsb));
    assert_eq!(format_of_zip_entries(["word/document.xml"]), None);
    // An OLE directory entry named EncryptionInfo/EncryptedPackage at a 128-byte boundary.
    let mut ole = vec![0u8; 512 + 4 * 128];
    ole[..8].copy_from_slice(OLE_MAGIC);
    for (slot, name) in [(0, "EncryptionInfo"), (2, "EncryptedPackage")] {
        let at = 512 + slot * 128;
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        ole[at..at + utf16.len()].copy_from_slice(&utf16);
        ole[at + 64..at + 66].copy_from_slice(&((utf16.len() + 2) as u16).to_le_bytes());
    }
    assert!(is_encrypted_ooxml(&ole));
    ole[512 + 64] = 0;
    assert!(!is_encrypted_ooxml(&ole), "the name length must match too");
}

#[test]
fn the_cell_limit_stops_the_reading() {
    let mut b = SheetBuilder::default();
    b.cells = limits::MAX_SHEET_CELLS - 1;
    b.push(0, 0, t("x")).unwrap();
    b.push(0, 1, Cell::Empty).unwrap();
    let e = b.push(0, 2, Cell::Number(1.0)).unwrap_err();
    assert_eq!(e.code(), "TOO_LARGE");
    assert!(e.to_string().contains("cells with a value in the sheet"), "{e}");
}

/// The segmentation module goes without the reader: a workbook is a typed error that says what
/// to load, a password-protected one still says so, and a table read elsewhere still decodes.
#[cfg(not(feature = "workbooks"))]
#[test]
fn without_the_reader_workbooks_are_a_typed_error() {
    use crate::ingest::source::read_bytes;
    let read = |bytes: &[u8]| read_bytes(bytes.to_vec(), &IngestOptions::default());
    for (bytes, format) in [
        (&include_bytes!("../../../tests/corpus/workbooks/basic.xlsx")[..], "xlsx"),
        (&include_bytes!("../../../tests/corpus/workbooks/basic.ods")[..], "ods"),
        (&include_bytes!("../../../tests/corpus/workbooks/basic.xls")[..], "xls"),
    ] {
        let e = read(bytes).unwrap_err();
        assert_eq!(e.code(), "WORKBOOK_READER_MISSING");
        assert_eq!(e.to_string(), format!("this file is a workbook ({format}); reading workbooks needs the tools module (initTools())"));
    }
    // The tools module says that it is password-protected.
    let e = read(include_bytes!("../../../tests/corpus/workbooks/encrypted.xlsx")).unwrap_err();
    assert_eq!(e.code(), "WORKBOOK_READER_MISSING");
    let table = offset_sheet().finish(WorkbookFormat::Xlsx, "HCPs", &sheets()).unwrap();
    let back = read(&crate::ingest::table_wire::encode_table(&table)).unwrap();
    assert_eq!(back.origin, table.origin);
}
