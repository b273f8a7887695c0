//! Workbooks made by real programs (tests/corpus/workbooks/, made by its make.py: LibreOffice,
//! openpyxl, msoffcrypto-tool), read from their bytes as every entry point gets them. The
//! expected outcomes are written here by hand: from the CSV each workbook was made from, or
//! from the values make.py put in the cells.
#![cfg(all(not(target_arch = "wasm32"), feature = "workbooks"))]

use hcp_segments::ingest::source::read_bytes;
use hcp_segments::ingest::table_wire::{decode_table, encode_table, MAGIC};
use hcp_segments::ingest::{ingest_csv, ingest_table, Cell, CellRef, IngestOptions, OnError, ParseReport, Profiles, SheetChoice};
use hcp_segments::{segment, Input, KChoice, SegError, SegmentOptions};
use proptest::prelude::*;
use std::path::PathBuf;

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path(&format!("workbooks/{name}"))).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ingest(name: &str, options: &IngestOptions) -> Result<(Profiles, ParseReport), SegError> {
    ingest_table(read_bytes(bytes(name), options)?, options)
}

fn ingest_ok(name: &str) -> (Profiles, ParseReport) {
    ingest(name, &IngestOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn error(name: &str, options: &IngestOptions) -> SegError {
    match ingest(name, options) {
        Ok(_) => panic!("{name}: expected an error"),
        Err(e) => e,
    }
}

fn csv_text(name: &str) -> String {
    std::fs::read_to_string(path(name)).unwrap()
}

fn sheet(choice: SheetChoice) -> IngestOptions {
    IngestOptions { sheet: Some(choice), ..Default::default() }
}

/// Each CSV and the workbooks LibreOffice made from it: (csv, workbook base name, sheet name).
const FROM_CSV: [(&str, &str); 3] = [("basic.csv", "basic"), ("german_excel.csv", "german_excel"), ("workbooks/sample_500.csv", "sample_500")];

/// The same profiles as the CSV (ids, lines, every count, category levels and codes, consents,
/// recency, frequency), and the report of the same rows and columns.
#[test]
fn a_workbook_made_from_a_csv_reads_like_the_csv() {
    for (csv, base) in FROM_CSV {
        let (want, want_report) = ingest_csv(&csv_text(csv), &IngestOptions::default()).unwrap();
        for ext in ["xlsx", "ods", "xls"] {
            let file = format!("{base}.{ext}");
            let (got, report) = ingest_ok(&file);
            assert_eq!(got, want, "{file}");
            assert_eq!((report.rows_used, report.rows_read), (want_report.rows_used, want_report.rows_read), "{file}");
            assert_eq!(report.columns, want_report.columns, "{file}");
            assert_eq!(report.dialect.source, ext, "{file}");
            // LibreOffice names the sheet of a converted CSV after the file.
            assert_eq!(report.dialect.sheet.as_deref(), Some(base), "{file}");
            assert_eq!(report.dialect.sheets, Some(vec![base.to_string()]), "{file}");
        }
    }
}

/// Written by hand from the CSV files: what each one holds.
#[test]
fn the_converted_workbooks_hold_the_csv_values() {
    let (p, _) = ingest_ok("german_excel.xlsx");
    assert_eq!(p.ids, vec!["DE-001", "DE-002"]);
    assert_eq!(p.lines, vec![2, 3], "the trailing row of empty fields is not a data row");
    assert_eq!(p.channels, vec!["esanum", "linkedin"]);
    assert_eq!(p.channel_counts, vec![3.5, 0.0, 0.0, 2.0], "decimal commas read as numbers by LibreOffice");
    assert_eq!(p.format_counts, vec![1.25, 0.0]);
    let (p, report) = ingest_ok("basic.ods");
    assert_eq!(p.ids, vec!["h1", "h2", "h3"]);
    assert_eq!(p.category("rx_decile").unwrap().levels, vec!["7"]);
    assert_eq!(p.category("country").unwrap().levels, vec!["DE", "AT", "CH"]);
    assert_eq!(report.rows_used, 3);
    let (p, _) = ingest_ok("sample_500.xls");
    assert_eq!(p.len(), 500);
    assert_eq!(p.consents.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["consent_email", "consent_tracking"]);
}

/// Segmenting the bytes of an .xlsx, .ods or .xls gives the CSV's segments: the same label for
/// every HCP, the same rows used, the same category levels.
#[test]
fn a_workbook_segments_exactly_like_its_csv() {
    let options = SegmentOptions { k: KChoice::Fixed(4), n_runs: 3, ..Default::default() };
    let csv = csv_text("workbooks/sample_500.csv");
    let want = segment(Input::Bytes(csv.into_bytes()), &options, &mut |_| {}).unwrap();
    for ext in ["xlsx", "ods", "xls"] {
        let got = segment(Input::Bytes(bytes(&format!("sample_500.{ext}"))), &options, &mut |_| {}).unwrap();
        let labels = |r: &hcp_segments::SegmentResult| r.assignments.iter().map(|a| (a.hcp_id.clone(), a.segment)).collect::<Vec<_>>();
        assert_eq!(labels(&got), labels(&want), "{ext}");
        assert_eq!(got.report.rows_used, want.report.rows_used);
        assert_eq!(got.report.categories, want.report.categories);
        assert_eq!(got.model.columns, want.model.columns);
        assert_eq!(serde_json::to_value(&got.segments).unwrap(), serde_json::to_value(&want.segments).unwrap(), "{ext}");
    }
}

/// typed.xlsx (openpyxl): each cell keeps the type it was written with; dates and date-times,
/// stored as serial numbers with a date format, come back as ISO-8601 text.
#[test]
fn typed_cells() {
    let table = read_bytes(bytes("typed.xlsx"), &IngestOptions::default()).unwrap();
    assert_eq!(table.headers, vec!["hcp_id", "specialty", "ch_email", "ch_rep", "consent_email", "first_contact", "last_visit", "rx_decile"]);
    let row = |i: usize| (0..8).map(|c| table.cell(i, c)).collect::<Vec<_>>();
    use CellRef::*;
    assert_eq!(row(0), vec![Text("H1"), Text("oncology"), Number(3.0), Number(2.5), Bool(true), Text("2024-03-01"), Text("2024-03-01T09:30:00"), Number(7.0)]);
    assert_eq!(row(1), vec![Text("H2"), Text("cardiology"), Number(0.0), Number(0.25), Bool(false), Text("1999-12-31"), Text("2023-11-05T17:45:10"), Number(10.0)]);
    assert_eq!(row(2), vec![Number(1001.0), Text("oncology"), Number(12.0), Number(0.0), Bool(true), Text("2024-02-29"), Text("2024-02-29T00:00:01"), Number(1.0)]);
    assert_eq!((table.line(0), table.line(2)), (2, 4));

    let (p, report) = ingest_table(table, &IngestOptions::default()).unwrap();
    assert_eq!(p.ids, vec!["H1", "H2", "1001"]);
    assert_eq!(p.channel_counts, vec![3.0, 2.5, 0.0, 0.25, 12.0, 0.0]);
    assert_eq!(p.consents[0].values, vec![Some(true), Some(false), Some(true)]);
    assert_eq!(p.category("rx_decile").unwrap().levels, vec!["7", "10", "1"]);
    assert_eq!(report.ignored, vec!["first_contact", "last_visit"]);
    // A date column mapped to a category keeps the ISO text as its levels.
    let columns = [("first_contact".to_string(), "category".to_string())].into();
    let (p, _) = ingest("typed.xlsx", &IngestOptions { columns, ..Default::default() }).unwrap();
    assert_eq!(p.category("first_contact").unwrap().levels, vec!["2024-03-01", "1999-12-31", "2024-02-29"]);
}

/// The rule for the sheet read: the first sheet with a value (a warning names it when it is not
/// the first); `sheet` by name or 0-based index; unknown sheets list the names.
#[test]
fn which_sheet_is_read() {
    let (p, report) = ingest_ok("second_sheet.xlsx");
    assert_eq!(p.ids, vec!["H1", "H2", "H3", "H4"]);
    assert_eq!(report.dialect.sheet.as_deref(), Some("HCPs"));
    assert_eq!(report.dialect.sheets, Some(vec!["Notes".to_string(), "HCPs".to_string()]));
    assert!(report.warnings[0].starts_with("read sheet `HCPs`: the sheet(s) before it (`Notes`) are empty"), "{:?}", report.warnings);

    // A cover sheet with text is the first sheet with a value: read, and refused with the sheets.
    let e = error("cover_sheet.xlsx", &IngestOptions::default());
    assert_eq!(e.code(), "MISSING_ID_COLUMN");
    assert!(e.to_string().starts_with("sheet `Cover`: no `hcp_id` column"), "{e}");
    assert!(e.to_string().contains("the workbook's sheets: `Cover`, `HCPs`; choose another with the `sheet` option"), "{e}");
    for choice in [SheetChoice::Name("HCPs".into()), SheetChoice::Index(1)] {
        let (p, report) = ingest("cover_sheet.xlsx", &sheet(choice.clone())).unwrap();
        assert_eq!((p.len(), report.dialect.sheet.as_deref()), (4, Some("HCPs")), "{choice:?}");
        assert!(report.warnings.is_empty(), "a chosen sheet needs no warning: {:?}", report.warnings);
    }
    for choice in [SheetChoice::Name("Data".into()), SheetChoice::Index(2)] {
        let e = error("cover_sheet.xlsx", &sheet(choice));
        assert_eq!(e.code(), "INVALID_OPTION");
        assert!(e.to_string().contains("the workbook's sheets are 0: `Cover`, 1: `HCPs`"), "{e}");
    }
    // The empty sheet chosen explicitly is empty.
    assert_eq!(error("second_sheet.xlsx", &sheet(SheetChoice::Index(0))).code(), "EMPTY_INPUT");
}

/// empty_first_row.xlsx: the table starts at B2. Rows keep the sheet's numbers and errors the
/// sheet's cells.
#[test]
fn a_table_below_an_empty_row_and_right_of_an_empty_column() {
    let (p, _) = ingest_ok("empty_first_row.xlsx");
    assert_eq!(p.ids, vec!["H1", "H2", "H3", "H4"]);
    assert_eq!(p.lines, vec![3, 4, 5, 6]);
    let columns = [("specialty".to_string(), "channel".to_string())].into();
    let e = error("empty_first_row.xlsx", &IngestOptions { columns, ..Default::default() });
    assert_eq!((e.code(), e.cell(), e.line(), e.column()), ("INVALID_VALUE", Some("HCPs!C3"), Some(3), Some("specialty")));
}

#[test]
fn errors_name_the_sheet_and_cell() {
    let e = error("bad_value.xlsx", &IngestOptions::default());
    assert_eq!((e.code(), e.cell(), e.line(), e.column()), ("NEGATIVE_COUNT", Some("HCPs!D17"), Some(17), Some("ch_x")));
    assert_eq!(e.to_string(), "HCPs!D17 (row 17, column `ch_x`): -3 is negative; engagement counts must be ≥ 0");
}

/// formulas.xlsx: openpyxl wrote the formulas, LibreOffice computed them; their cached values
/// are read (ch_total = ch_email + ch_rep, fmt_webinar = 1 when ch_email > 2).
#[test]
fn formulas_give_their_cached_values() {
    let (p, _) = ingest_ok("formulas.xlsx");
    assert_eq!(p.channels, vec!["email", "rep", "total"]);
    assert_eq!(p.channel_counts, vec![1.0, 2.0, 3.0, 4.0, 0.0, 4.0, 0.0, 7.0, 7.0]);
    assert_eq!(p.format_counts, vec![0.0, 1.0, 0.0]);
}

/// error_cell.xlsx: =1/0 in HCPs!B3 (ch_email) and =NA() in the notes column, which no role reads.
#[test]
fn a_spreadsheet_error_is_an_error_at_its_cell() {
    let e = error("error_cell.xlsx", &IngestOptions::default());
    assert_eq!((e.code(), e.cell(), e.line(), e.column()), ("INVALID_VALUE", Some("HCPs!B3"), Some(3), Some("ch_email")));
    assert!(e.to_string().starts_with("HCPs!B3 (row 3, column `ch_email`): `#DIV/0!` is not a value"), "{e}");
    let (p, report) = ingest("error_cell.xlsx", &IngestOptions { on_error: OnError::Skip, ..Default::default() }).unwrap();
    assert_eq!(p.ids, vec!["H1", "H3"]);
    assert_eq!(report.skipped[0].cell.as_deref(), Some("HCPs!B3"));
    let table = read_bytes(bytes("error_cell.xlsx"), &IngestOptions::default()).unwrap();
    assert_eq!(table.cell(1, 2), CellRef::Error("#N/A"));
}

/// Every broken file gives its typed error, and reading goes on working after each.
#[test]
fn broken_workbooks_give_typed_errors() {
    let cases: [(&str, &str, &[&str]); 7] = [
        ("truncated.xlsx", "INVALID_WORKBOOK", &["xlsx file: the zip archive is damaged", "download or export it again"]),
        ("encrypted.xlsx", "WORKBOOK_ENCRYPTED", &["password-protected", "save it without a password"]),
        ("zip_bomb_declared.xlsx", "TOO_LARGE", &["declared unpacked size in bytes of the workbook's parts: 3000", "exceeds the limit of 2147483648", "2862 MB unpacked from a 5 KB file", "zip bomb"]),
        ("zip_bomb_inflating.xlsx", "INVALID_WORKBOOK", &["sheet `HCPs` cannot be read", "declared"]),
        ("over_cell_limit.xlsx", "TOO_LARGE", &["used range A1:Z1000000: 26000000 exceeds the limit of 20000000", "delete the rows and columns that are not used"]),
        // 1,000,004 rows × 30 columns: the repeated row below basic.ods's table, expanded.
        ("ods_repeat_bomb.ods", "TOO_LARGE", &["cells in the ranges of the workbook's sheets (an .ods is read whole): 30000120 exceeds the limit of 20000000"]),
        ("not_a_workbook.zip", "INVALID_WORKBOOK", &["zip file: the file is a zip archive but no workbook"]),
    ];
    for (file, code, words) in cases {
        let e = error(file, &IngestOptions::default());
        assert_eq!(e.code(), code, "{file}: {e}");
        for w in words {
            assert!(e.to_string().contains(w), "{file}: `{w}` not in: {e}");
        }
        assert_eq!(ingest_ok("basic.xlsx").0.len(), 3, "after {file}");
    }
}

/// The table crosses between the wasm modules as bytes: the same profiles, and errors still
/// name their cells.
#[test]
fn a_workbook_table_survives_encoding() {
    for file in ["sample_500.xlsx", "typed.xlsx", "german_excel.ods", "basic.xls"] {
        let table = read_bytes(bytes(file), &IngestOptions::default()).unwrap();
        let encoded = encode_table(&table);
        assert!(encoded.starts_with(MAGIC));
        let via_bytes = read_bytes(encoded, &IngestOptions::default()).unwrap();
        assert_eq!(via_bytes.dialect, table.dialect, "{file}");
        assert_eq!(ingest_table(via_bytes, &IngestOptions::default()).unwrap(), ingest_table(table, &IngestOptions::default()).unwrap(), "{file}");
    }
    let table = read_bytes(bytes("bad_value.xlsx"), &IngestOptions::default()).unwrap();
    let e = ingest_table(decode_table(&encode_table(&table)).unwrap(), &IngestOptions::default()).unwrap_err();
    assert_eq!(e.cell(), Some("HCPs!D17"));
    // A CSV table, too.
    let csv = hcp_segments::ingest::csv::read_csv(&csv_text("basic.csv"), &IngestOptions::default()).unwrap();
    let back = decode_table(&encode_table(&csv)).unwrap();
    assert_eq!(ingest_table(back, &IngestOptions::default()).unwrap().0, ingest_csv(&csv_text("basic.csv"), &IngestOptions::default()).unwrap().0);
}

/// Cells of every kind, for the round trip property.
fn any_cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        Just(Cell::Empty),
        "[a-zA-Z0-9 äß#!/]{1,12}".prop_map(Cell::Text),
        any::<f64>().prop_map(Cell::Number),
        any::<bool>().prop_map(Cell::Bool),
        prop::sample::select(vec!["#DIV/0!", "#N/A", "#REF!"]).prop_map(|s| Cell::Error(s.to_string())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Random bytes, with and without the magic: an error or a table, never a panic.
    #[test]
    fn decoding_never_panics(tail in prop::collection::vec(any::<u8>(), 0..400), magic in any::<bool>()) {
        let mut b = if magic { MAGIC.to_vec() } else { Vec::new() };
        b.extend_from_slice(&tail);
        if let Err(e) = decode_table(&b) {
            prop_assert_eq!(e.code(), "INVALID_TABLE");
        }
    }

    /// Any table of typed rows round-trips cell for cell (NaN by its bits).
    #[test]
    fn tables_round_trip(rows in prop::collection::vec((1u32..1_000_000, prop::collection::vec(any_cell(), 0..4)), 0..20)) {
        let table = hcp_segments::ingest::RawTable {
            headers: vec!["hcp_id".into(), "a".into(), "b".into(), "c".into()],
            rows: rows.iter().map(|(line, cells)| hcp_segments::ingest::RawRow { line: *line, cells: cells.clone() }).collect(),
            ..Default::default()
        };
        let back = decode_table(&encode_table(&table)).unwrap();
        prop_assert_eq!(back.len(), table.len());
        for i in 0..table.len() {
            prop_assert_eq!(back.line(i), table.line(i));
            for c in 0..4 {
                match (back.cell(i, c), table.cell(i, c)) {
                    (CellRef::Number(a), CellRef::Number(b)) => prop_assert_eq!(a.to_bits(), b.to_bits()),
                    (a, b) => prop_assert_eq!(a, b),
                }
            }
        }
    }

    /// A valid encoding with one byte changed or cut short: an error or a table, never a panic.
    #[test]
    fn altered_encodings_never_panic(at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<bool>()) {
        let table = read_bytes(bytes("typed.xlsx"), &IngestOptions::default()).unwrap();
        let mut b = encode_table(&table);
        let i = at.index(b.len());
        if cut { b.truncate(i) } else { b[i] = byte }
        let _ = decode_table(&b);
    }
}

/// `segment` takes the sheet with its options (JS: `{ sheet: "HCPs" }`).
#[test]
fn segment_options_choose_the_sheet() {
    let options: SegmentOptions = serde_json::from_str(r#"{"k": 2, "sheet": "HCPs"}"#).unwrap();
    let result = segment(Input::Bytes(bytes("cover_sheet.xlsx")), &options, &mut |_| {}).unwrap();
    assert_eq!((result.report.rows_used, result.report.dialect.sheet.as_deref()), (4, Some("HCPs")));
    let options: SegmentOptions = serde_json::from_str(r#"{"k": 2, "sheet": 1}"#).unwrap();
    assert!(segment(Input::Bytes(bytes("cover_sheet.xlsx")), &options, &mut |_| {}).is_ok());
    assert!(serde_json::from_str::<SegmentOptions>(r#"{"sheet": -1}"#).is_err());
    assert!(serde_json::from_str::<SegmentOptions>(r#"{"sheet": true}"#).is_err());
}
