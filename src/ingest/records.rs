//! JS-style records (an array of objects, key order preserved by the caller) → [`RawTable`].
//!
//! Line numbers: records have no lines, so record `i` (0-based) is given line `i + 2`, as if the
//! records were the rows of a CSV file whose header is line 1. Record 0 is "line 2" in every
//! message; the JS side can turn a line back into an index with `line - 2`.

use super::{Cell, Dialect, RawRow, RawTable};
use crate::error::{echo, Result, SegError};
use crate::limits;
use std::collections::HashMap;

/// Read records into a raw table. The header is the union of all keys in first-seen order;
/// a key missing from a record is an empty cell. Keys are trimmed; a record that names the same
/// key twice is an error. Records whose cells are all empty are skipped (like blank CSV lines).
pub fn read_records(records: Vec<Vec<(String, Cell)>>) -> Result<RawTable> {
    if records.is_empty() {
        return Err(SegError::EmptyInput {
            what: "the records array has no elements".to_string(),
        });
    }
    check_row_limit(records.len())?;
    let n_records = records.len() as u64;

    let mut headers: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    // First pass: the header, and per record the (column, cell) pairs.
    let mut placed: Vec<(u32, Vec<(usize, Cell)>)> = Vec::with_capacity(records.len());
    for (i, record) in records.into_iter().enumerate() {
        let line = u32::try_from(i).unwrap_or(u32::MAX - 2).saturating_add(2);
        let mut cells: Vec<(usize, Cell)> = Vec::with_capacity(record.len());
        for (key, cell) in record {
            let name = key.trim().to_string();
            let col = match index.get(&name) {
                Some(&c) => c,
                None => {
                    let c = headers.len();
                    if c >= limits::MAX_COLUMNS {
                        return Err(SegError::TooLarge {
                            what: "distinct keys (columns) in the records".to_string(),
                            found: c as u64 + 1,
                            limit: limits::MAX_COLUMNS as u64,
                            detail: limits::memory_hint(n_records, c as u64 + 1, 0),
                        });
                    }
                    headers.push(name.clone());
                    index.insert(name.clone(), c);
                    c
                }
            };
            if cells.iter().any(|(c, _)| *c == col) {
                return Err(SegError::DuplicateColumn {
                    line,
                    column: echo(&name),
                });
            }
            cells.push((col, normalise(cell)));
        }
        placed.push((line, cells));
    }
    if headers.is_empty() {
        return Err(SegError::EmptyInput {
            what: "the records have no keys".to_string(),
        });
    }

    let width = headers.len();
    let mut rows = Vec::with_capacity(placed.len());
    for (line, cells) in placed {
        if cells.iter().all(|(_, c)| *c == Cell::Empty) {
            continue;
        }
        let mut row = vec![Cell::Empty; width];
        for (col, cell) in cells {
            if let Some(slot) = row.get_mut(col) {
                *slot = cell;
            }
        }
        rows.push(RawRow { line, cells: row });
    }
    if rows.is_empty() {
        return Err(SegError::EmptyInput {
            what: "every record is empty".to_string(),
        });
    }

    Ok(RawTable {
        headers,
        rows,
        cells: None,
        skipped: Vec::new(),
        dialect: Dialect {
            source: "records".to_string(),
            delimiter: None,
            decimal_comma: false,
            had_bom: false,
            ..Dialect::default()
        },
        ..Default::default()
    })
}

/// Records beyond [`limits::MAX_ROWS`] are refused before any is read.
pub fn check_row_limit(n: usize) -> Result<()> {
    if n > limits::MAX_ROWS {
        return Err(SegError::TooLarge {
            what: "records (rows)".to_string(),
            found: n as u64,
            limit: limits::MAX_ROWS as u64,
            detail: limits::memory_hint(n as u64, 30, 0),
        });
    }
    Ok(())
}

/// Text is trimmed; empty or whitespace-only text is an empty cell.
fn normalise(cell: Cell) -> Cell {
    match cell {
        Cell::Text(t) => {
            let trimmed = t.trim();
            if trimmed.is_empty() {
                Cell::Empty
            } else if trimmed.len() == t.len() {
                Cell::Text(t)
            } else {
                Cell::Text(trimmed.to_string())
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(pairs: &[(&str, Cell)]) -> Vec<(String, Cell)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn union_of_keys_in_first_seen_order() {
        let t = read_records(vec![
            rec(&[
                ("hcp_id", Cell::Text("a".into())),
                ("ch_x", Cell::Number(1.0)),
            ]),
            rec(&[
                ("fmt_y", Cell::Number(2.0)),
                ("hcp_id", Cell::Text(" b ".into())),
            ]),
        ])
        .unwrap();
        assert_eq!(t.headers, vec!["hcp_id", "ch_x", "fmt_y"]);
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[1].line, 3);
        assert_eq!(t.rows[0].cells[2], Cell::Empty);
        assert_eq!(
            t.rows[1].cells,
            vec![Cell::Text("b".into()), Cell::Empty, Cell::Number(2.0)]
        );
        assert_eq!(t.dialect.source, "records");
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(read_records(vec![]).unwrap_err().code(), "EMPTY_INPUT");
        assert_eq!(
            read_records(vec![vec![], vec![]]).unwrap_err().code(),
            "EMPTY_INPUT"
        );
        let only_blank = vec![rec(&[("hcp_id", Cell::Text("  ".into()))])];
        assert_eq!(read_records(only_blank).unwrap_err().code(), "EMPTY_INPUT");
    }

    #[test]
    fn blank_records_are_skipped_but_keep_numbering() {
        let t = read_records(vec![
            rec(&[("hcp_id", Cell::Empty)]),
            rec(&[("hcp_id", Cell::Text("b".into()))]),
        ])
        .unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].line, 3);
    }

    #[test]
    fn duplicate_key_in_one_record() {
        let e = read_records(vec![
            rec(&[("hcp_id", Cell::Text("a".into()))]),
            rec(&[
                ("hcp_id", Cell::Text("b".into())),
                (" hcp_id", Cell::Text("c".into())),
            ]),
        ])
        .unwrap_err();
        assert_eq!(e.code(), "DUPLICATE_COLUMN");
        assert_eq!(e.line(), Some(3));
        assert_eq!(e.column(), Some("hcp_id"));
    }
}
