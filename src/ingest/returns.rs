//! Readers for files that come back: what the engine wrote earlier, or a CRM's export of it.
//!
//! **Previous assignments** (for `refresh`): a table with an `hcp_id` column and a `segment`
//! column (the assignments or target-list export; `segment_name`, `confidence` and any other
//! column are ignored). Read through the engine's one reader ([`Input::read`]), so any
//! delimiter, encoding or format it reads works here, and neutralised cells (`'=x`) come back as
//! they were. Headers match after [`normalise`] (`HCP ID`, `Segment`), or by a mapping
//! `columns: {"<header>": "id" | "segment"}`. A segment is a whole number ≥ 0; every error names
//! the line and the column.

use super::roles::normalise;
use super::{CellRef, IngestOptions, RawTable};
use crate::error::{echo, Result, SegError};
use crate::segmentation::Input;
use crate::targeting::refresh::PreviousAssignment;
use rustc_hash::FxHashMap;

/// Header names (after [`normalise`]) taken as the segment column.
pub const SEGMENT_HEADERS: &[&str] = &["segment", "segment_id"];

/// The column of `role` ("id" or "segment"): mapped, else by name.
fn find_column(table: &RawTable, options: &IngestOptions, role: &str, names: &[&str]) -> Option<usize> {
    let mapped = options.columns.iter().find(|(_, r)| r.as_str() == role).map(|(h, _)| h);
    match mapped {
        Some(h) => table.headers.iter().position(|x| x == h),
        None => table.headers.iter().position(|x| names.contains(&normalise(x).as_str())),
    }
}

fn missing(table: &RawTable, expected: &str) -> SegError {
    let found = table.headers.iter().map(|h| format!("`{}`", echo(h))).collect::<Vec<_>>().join(", ");
    SegError::MissingColumn { what: "previous assignments".into(), expected: expected.into(), found }
}

/// A cell as a segment id, or the error for its line and column.
fn segment_of(cell: CellRef, line: u32, column: &str) -> Result<u32> {
    let bad = |value: String| SegError::InvalidValue {
        line,
        column: echo(column),
        value: echo(&value),
        expected: "a segment id (a whole number ≥ 0, the `segment` column of an assignments export)".into(),
    };
    match cell {
        CellRef::Text(t) => t.parse::<u32>().map_err(|_| bad(t.to_string())),
        CellRef::Number(v) if v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) => Ok(v as u32),
        CellRef::Number(v) => Err(bad(v.to_string())),
        CellRef::Bool(b) => Err(bad(b.to_string())),
        CellRef::Error(e) => Err(bad(e.to_string())),
        CellRef::Empty => Err(bad(String::new())),
    }
}

/// Previous assignments from a file (see the module notes). `options` are those of the input
/// reader (delimiter, mapping, …); a decimal comma is irrelevant here and never an error.
pub fn read_previous_assignments(input: Input, options: &IngestOptions) -> Result<Vec<PreviousAssignment>> {
    let mut options = options.clone();
    // Only ids and whole numbers are read: do not let a `3.5`-looking id make the decimal mark ambiguous.
    options.decimal_comma.get_or_insert(false);
    let table = input.read(&options)?;
    if let Some(e) = table.skipped.first() {
        return Err(e.clone());
    }
    let id_col = find_column(&table, &options, "id", &["hcp_id"]).ok_or_else(|| missing(&table, "hcp_id"))?;
    let seg_col = find_column(&table, &options, "segment", SEGMENT_HEADERS).ok_or_else(|| missing(&table, "segment"))?;
    let (id_name, seg_name) = (&table.headers[id_col], &table.headers[seg_col]);
    let mut first_line: FxHashMap<String, u32> = FxHashMap::default();
    let mut out = Vec::with_capacity(table.len());
    for i in 0..table.len() {
        let line = table.line(i);
        let hcp_id = match table.cell(i, id_col) {
            CellRef::Text(t) => t.to_string(),
            CellRef::Number(v) => v.to_string(),
            CellRef::Bool(b) => b.to_string(),
            CellRef::Error(e) => return Err(SegError::InvalidValue { line, column: echo(id_name), value: echo(e), expected: "an id (the cell holds a spreadsheet error)".into() }),
            CellRef::Empty => return Err(SegError::MissingId { line, column: echo(id_name) }),
        };
        let segment = segment_of(table.cell(i, seg_col), line, seg_name)?;
        if let Some(&first) = first_line.get(&hcp_id) {
            return Err(SegError::DuplicateId { line, id: echo(&hcp_id), first_line: first });
        }
        first_line.insert(hcp_id.clone(), line);
        out.push(PreviousAssignment { hcp_id, segment });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(csv: &str) -> Result<Vec<PreviousAssignment>> {
        read_previous_assignments(Input::Csv(csv.into()), &IngestOptions::default())
    }

    fn pa(id: &str, segment: u32) -> PreviousAssignment {
        PreviousAssignment { hcp_id: id.into(), segment }
    }

    #[test]
    fn any_delimiter_header_case_and_extra_columns() {
        let want = vec![pa("a", 0), pa("=b", 2)];
        assert_eq!(read("hcp_id,segment,segment_name,confidence\na,0,CME fans,0.5\n'=b,2,x,0.1\n").unwrap(), want);
        assert_eq!(read("\u{feff}HCP ID;Segment;confidence\r\na;0;0,5\r\n'=b;2;0,1\r\n").unwrap(), want);
        assert_eq!(read("note\tsegment_id\thcp_id\nx\t0\ta\ny\t2\t'=b\n").unwrap(), want);
        let mapped = IngestOptions { columns: [("Kunde".to_string(), "id".to_string()), ("Gruppe".to_string(), "segment".to_string())].into(), ..Default::default() };
        assert_eq!(read_previous_assignments(Input::Csv("Kunde;Gruppe\na;0\n'=b;2\n".into()), &mapped).unwrap(), want);
        // A dotted id next to decimal-comma numbers is not ambiguous here.
        assert_eq!(read("hcp_id;segment;confidence\n1.5;1;0,5\n").unwrap(), vec![pa("1.5", 1)]);
    }

    #[test]
    fn errors_say_where() {
        let e = read("hcp_id,segment\na,0\nb,x\n").unwrap_err();
        assert_eq!((e.code(), e.line(), e.column()), ("INVALID_VALUE", Some(3), Some("segment")));
        let e = read("hcp_id,segment\na,0\nb,-1\n").unwrap_err();
        assert_eq!((e.code(), e.line()), ("INVALID_VALUE", Some(3)));
        let e = read("hcp_id,segment\na,0\n,1\n").unwrap_err();
        assert_eq!((e.code(), e.line(), e.column()), ("MISSING_ID", Some(3), Some("hcp_id")));
        let e = read("hcp_id,segment\na,0\nb,1\na,2\n").unwrap_err();
        assert_eq!(e, SegError::DuplicateId { line: 4, id: "a".into(), first_line: 2 });
        let e = read("hcp_id,cluster\na,0\n").unwrap_err();
        assert_eq!((e.code(), e.column()), ("MISSING_COLUMN", Some("segment")));
        assert!(e.to_string().contains("`cluster`"), "{e}");
        let e = read("id,segment\na,0\n").unwrap_err();
        assert_eq!(e.code(), "MISSING_COLUMN");
        let e = read("hcp_id,segment\na,0\nb\n").unwrap_err();
        assert_eq!((e.code(), e.line()), ("FIELD_COUNT", Some(3)));
    }
}
