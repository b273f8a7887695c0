//! CSV text → [`RawTable`], using the `csv` crate for the parsing itself.
//!
//! What this layer adds on top of the crate:
//! - a UTF-8 BOM is stripped (and reported in the dialect);
//! - the delimiter (`,` `;` or tab) is detected from the header line, outside quotes, unless the
//!   caller forces it; when the header leaves it ambiguous the error says how to resolve it;
//! - with `;` or tab as delimiter, a decimal comma (`3,5`) is detected from the data cells;
//! - every row carries the 1-based physical line where its record starts (header = line 1 when
//!   the file starts with it), also after quoted fields that span several lines;
//! - a record with a different number of fields than the header is an error, not silently padded;
//! - a quoted field that is never closed is an error at the line where it opens;
//! - blank lines (and records whose cells are all empty, as spreadsheets export them) are skipped.

use super::{Dialect, IngestOptions, RawTable, TextCells};
use super::OnError;
use crate::error::{echo, Result, SegError};
use crate::limits;
use super::sniff::{decide_decimal_comma, decimal_evidence_of, detect_delimiter, header_width, line_count, parse_delimiter_option, unterminated_quote_line};

/// Read CSV text into a raw table (header + trimmed text cells with their source lines).
pub fn read_csv(text: &str, options: &IngestOptions) -> Result<RawTable> {
    read_part(text, Span::Whole, options).map(|(table, _)| table)
}

/// Where a text sits in its file: the whole file, or one part of a file cut at line ends so
/// that the parts can be read at the same time ([`super::parts`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Span<'a> {
    Whole,
    /// The first part: the header and the first rows; it ends with a line end.
    First,
    /// A later part (rows only), its line 1 right after the previous part's last line end.
    /// `head` is the file's first line: the header.
    Rest { head: &'a str },
}

/// What one part's read knows that the whole file's checks need ([`super::parts`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartFacts {
    /// UTF-8 bytes of the part (after a BOM).
    pub bytes: u64,
    /// `\n` bytes in the part: the line offset of the parts after it.
    pub newlines: u64,
    pub delimiter: u8,
    /// The decimal comma was detected (not forced, `;` or tab): the part's first lines with a
    /// `3,5` and with a `3.5` (lines of the part).
    pub decimal_evidence: Option<(Option<u32>, Option<u32>)>,
}

/// A CSV file, or a part of one, read as [`read_csv`] reads a file, with the facts the merge of
/// parts checks against the whole file. Lines are counted from the text's first line.
pub fn read_part(text: &str, span: Span, options: &IngestOptions) -> Result<(RawTable, PartFacts)> {
    let rest = matches!(span, Span::Rest { .. });
    // A BOM only ever starts the file: in a later part, U+FEFF would be a cell's first character.
    let (text, had_bom) = match text.strip_prefix('\u{feff}') {
        Some(stripped) if !rest => (stripped, true),
        _ => (text, false),
    };
    if !rest && text.trim().is_empty() {
        return Err(SegError::EmptyInput {
            what: "no header line and no rows".to_string(),
        });
    }
    if text.len() > limits::MAX_INPUT_BYTES {
        return Err(too_large_input(text.len() as u64, Some(text)));
    }
    // Classic Mac line ends (`\r` only): the csv crate splits on them but counts lines by `\n`,
    // so turn them into `\n` (same length: byte positions are unchanged). Not in a later part:
    // the file it comes from has `\n`s (it was cut after one).
    let converted;
    let text = if !rest && text.contains('\r') && !text.contains('\n') {
        converted = text.replace('\r', "\n");
        converted.as_str()
    } else {
        text
    };
    let head = match span {
        Span::Rest { head } => Some(head.strip_prefix('\u{feff}').unwrap_or(head)),
        _ => None,
    };

    if let Some(label) = &options.encoding {
        // Text is decoded already; a misspelt option is still an error.
        super::encoding::Encoding::from_option(label)?;
    }
    let delimiter = match options.delimiter.as_deref() {
        Some(forced) => parse_delimiter_option(forced)?,
        None => detect_delimiter(head.unwrap_or(text))?,
    };

    if let Some(line) = unterminated_quote_line(text, delimiter) {
        return Err(SegError::CsvSyntax {
            line,
            message: "a quoted field starts here and is never closed (missing `\"`)".to_string(),
        });
    }

    let header = match head {
        Some(head) => Some(parse_records(head, delimiter, options.on_error, None)?.0),
        None => None,
    };
    let (names, cells, skipped) = parse_records(text, delimiter, options.on_error, header)?;
    if !rest && cells.is_empty() && skipped.is_empty() {
        return Err(SegError::EmptyInput {
            what: "only a header line, no data rows".to_string(),
        });
    }

    let mut decimal_evidence = None;
    let decimal_comma = match options.decimal_comma {
        Some(forced) => forced,
        None if delimiter == b';' || delimiter == b'\t' => {
            let (comma, dot) = decimal_evidence_of(&cells);
            decimal_evidence = Some((comma, dot));
            decide_decimal_comma(comma, dot)?
        }
        None => false,
    };
    let facts = PartFacts {
        bytes: text.len() as u64,
        // Only parts need it (a pass over the text).
        newlines: if span == Span::Whole { 0 } else { line_count(text) - 1 },
        delimiter,
        decimal_evidence,
    };

    let table = RawTable {
        headers: names,
        rows: Vec::new(),
        cells: Some(cells),
        skipped,
        dialect: Dialect {
            source: "csv".to_string(),
            delimiter: Some((delimiter as char).to_string()),
            decimal_comma,
            had_bom,
            ..Dialect::default()
        },
        ..Default::default()
    };
    Ok((table, facts))
}

/// The `TOO_LARGE` error for an input over `limits::MAX_INPUT_BYTES`; with its text, the memory
/// estimate for its lines and columns (bytes are refused before they are read).
pub fn too_large_input(bytes: u64, text: Option<&str>) -> SegError {
    let detail = match text {
        Some(text) => limits::memory_hint(line_count(text), header_width(text), bytes),
        None => format!("split the input into files under {} MB", limits::megabytes(limits::MAX_INPUT_BYTES as u64)),
    };
    SegError::TooLarge { what: "input size in bytes".to_string(), found: bytes, limit: limits::MAX_INPUT_BYTES as u64, detail }
}

/// Bytes that must be UTF-8 (a BOM is fine: `read_csv` strips it) → text: anything else is a
/// `CSV_SYNTAX` error at the line and byte where the first invalid sequence starts, so nothing
/// is silently replaced. The parts of a file read in parts are read so; a whole file's bytes
/// go through [`super::source::read_bytes`], which also reads other encodings.
pub fn text_from_utf8(bytes: Vec<u8>) -> Result<String> {
    super::encoding::utf8(bytes)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn parse_records(text: &str, delimiter: u8, on_error: OnError, header: Option<Vec<String>>) -> Result<(Vec<String>, TextCells, Vec<SegError>)> {
    let bytes = text.as_bytes();
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut cells = header.as_ref().map_or_else(TextCells::default, |h| cells_for(text, h.len()));
    let mut names: Option<Vec<String>> = header;
    let mut skipped: Vec<SegError> = Vec::new();
    let mut record = ::csv::StringRecord::new();
    loop {
        let more = rdr.read_record(&mut record).map_err(|e| csv_error(&e))?;
        if !more {
            break;
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue; // blank line, or an all-empty spreadsheet row such as `;;;`
        }
        let line = match record.position() {
            Some(pos) => record_start_line(bytes, pos),
            None => 0,
        };
        let Some(header) = names.as_ref() else {
            let header = header_names(&record, line, text)?;
            cells = cells_for(text, header.len());
            names = Some(header);
            continue;
        };
        if cells.len() + skipped.len() >= limits::MAX_ROWS {
            let found = line_count(text).saturating_sub(1).max(limits::MAX_ROWS as u64 + 1);
            return Err(SegError::TooLarge {
                what: "data rows (counting lines)".to_string(),
                found,
                limit: limits::MAX_ROWS as u64,
                detail: limits::memory_hint(found, header.len() as u64, text.len() as u64),
            });
        }
        if record.len() != header.len() {
            let e = SegError::FieldCount {
                line,
                expected: to_u32(header.len()),
                found: to_u32(record.len()),
            };
            match on_error {
                OnError::Fail => return Err(e),
                OnError::Skip => {
                    skipped.push(e);
                    continue;
                }
            }
        }
        for f in record.iter() {
            // The fast trim (same result as str::trim): most cells have nothing to trim. Then
            // undo the exports' formula neutralisation (`'=x` → `=x`; one byte compare).
            cells.text.push_str(crate::export::restore(super::values::trim(f)));
            // Fits: the text is at most limits::MAX_INPUT_BYTES (checked before parsing).
            cells.ends.push(cells.text.len() as u32);
        }
        cells.lines.push(line);
    }
    match names {
        Some(names) => Ok((names, cells, skipped)),
        None => Err(SegError::EmptyInput {
            what: "no header line and no rows".to_string(),
        }),
    }
}

/// Empty cells for the rows of `text`, `width` wide. Capacity up front (the trimmed cells are
/// never longer than the text; at most one row per line) so the buffers are not copied while
/// growing.
fn cells_for(text: &str, width: usize) -> TextCells {
    let lines = line_count(text) as usize;
    let mut cells = TextCells {
        width,
        lines: Vec::with_capacity(lines),
        text: String::with_capacity(text.len()),
        // A row of w fields takes at least w bytes (w - 1 delimiters and a line end).
        ends: Vec::with_capacity(lines.saturating_mul(width).min(text.len() + width) + 1),
    };
    cells.ends.push(0);
    cells
}

/// Header fields → trimmed, unique names; checks the column limit and the memory estimate.
fn header_names(record: &::csv::StringRecord, header_line: u32, text: &str) -> Result<Vec<String>> {
    let lines = line_count(text);
    if record.len() > limits::MAX_COLUMNS {
        return Err(SegError::TooLarge {
            what: "columns in the header".to_string(),
            found: record.len() as u64,
            limit: limits::MAX_COLUMNS as u64,
            detail: limits::memory_hint(lines, record.len() as u64, text.len() as u64),
        });
    }
    let needed = limits::estimate_bytes(lines, record.len() as u64, text.len() as u64);
    if needed > limits::MAX_ESTIMATED_BYTES {
        return Err(SegError::TooLarge {
            what: format!("estimated working memory in MB for {lines} lines × {} columns", record.len()),
            found: limits::megabytes(needed),
            limit: limits::megabytes(limits::MAX_ESTIMATED_BYTES),
            detail: format!("about {} MB needed; split the input, or drop columns that are not used", limits::megabytes(needed)),
        });
    }
    let mut names: Vec<String> = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        let mut name = crate::export::restore(raw.trim()).to_string();
        if name.is_empty() {
            // Spreadsheets often add a trailing delimiter: give the column a name so it can be
            // reported (it is ignored unless mapped).
            name = format!("column_{}", i + 1);
        }
        if names.contains(&name) {
            return Err(SegError::DuplicateColumn {
                line: header_line,
                column: echo(&name),
            });
        }
        names.push(name);
    }
    Ok(names)
}

/// The csv crate positions a record where reading began, which is before any blank lines it
/// skipped; move past those so the line is where the record's first byte is.
fn record_start_line(bytes: &[u8], pos: &::csv::Position) -> u32 {
    let mut line = pos.line();
    let start = usize::try_from(pos.byte()).unwrap_or(usize::MAX);
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\n' => line += 1,
            b'\r' => {}
            _ => break,
        }
        i += 1;
    }
    u32::try_from(line).unwrap_or(u32::MAX)
}

fn csv_error(e: &::csv::Error) -> SegError {
    let line = e
        .position()
        .map(|p| u32::try_from(p.line()).unwrap_or(u32::MAX))
        .unwrap_or(0);
    SegError::CsvSyntax {
        line,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Cell, CellRef};

    fn read(text: &str) -> Result<RawTable> {
        read_csv(text, &IngestOptions::default())
    }

    fn text(t: &RawTable, row: usize, col: usize) -> Cell {
        match t.cell(row, col) {
            CellRef::Empty => Cell::Empty,
            CellRef::Text(s) => Cell::Text(s.to_string()),
            other => panic!("CSV gave {other:?}"),
        }
    }

    #[test]
    fn basic_comma() {
        let t = read("hcp_id,ch_x\na, 3 \nb,\n").unwrap();
        assert_eq!(t.headers, vec!["hcp_id", "ch_x"]);
        assert_eq!(t.len(), 2);
        assert_eq!(t.line(0), 2);
        assert_eq!(t.line(1), 3);
        assert_eq!(text(&t, 0, 1), Cell::Text("3".into()));
        assert_eq!(text(&t, 1, 1), Cell::Empty);
        assert_eq!(t.dialect.delimiter.as_deref(), Some(","));
        assert!(!t.dialect.decimal_comma);
        assert!(!t.dialect.had_bom);
        assert_eq!(t.dialect.source, "csv");
    }

    #[test]
    fn bom_crlf_semicolon_decimal_comma() {
        let t = read("\u{feff}hcp_id;ch_x\r\na;3,5\r\nb;1\r\n").unwrap();
        assert!(t.dialect.had_bom);
        assert_eq!(t.headers[0], "hcp_id");
        assert_eq!(t.dialect.delimiter.as_deref(), Some(";"));
        assert!(t.dialect.decimal_comma);
        assert_eq!(t.line(1), 3);
    }

    #[test]
    fn classic_mac_line_ends() {
        let t = read("hcp_id,ch_x\ra,1\rb,x\r").unwrap();
        assert_eq!(
            (0..t.len()).map(|i| t.line(i)).collect::<Vec<_>>(),
            vec![2, 3]
        );
        let e = read("hcp_id,ch_x\ra,1\rb\r").unwrap_err();
        assert_eq!(
            e,
            SegError::FieldCount {
                line: 3,
                expected: 2,
                found: 1
            }
        );
    }

    #[test]
    fn tab_delimited() {
        let t = read("hcp_id\tch_x\na\t1\n").unwrap();
        assert_eq!(t.dialect.delimiter.as_deref(), Some("\t"));
    }

    #[test]
    fn multiline_quoted_field_keeps_physical_lines() {
        let t = read("hcp_id,note,ch_x\na,\"two\nlines\",1\nb,x,2\n").unwrap();
        assert_eq!(t.line(0), 2);
        assert_eq!(t.line(1), 4);
        assert_eq!(text(&t, 0, 1), Cell::Text("two\nlines".into()));
    }

    #[test]
    fn all_empty_spreadsheet_rows_skipped() {
        let t = read("hcp_id,ch_x\n\na,1\n   \n,\n\nb,2\n").unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.line(0), 3);
        assert_eq!(t.line(1), 7);
    }

    #[test]
    fn field_count_errors() {
        let e = read("hcp_id,ch_x\na,1\nb\n").unwrap_err();
        assert_eq!(
            e,
            SegError::FieldCount {
                line: 3,
                expected: 2,
                found: 1
            }
        );
        let e = read("hcp_id,ch_x\na,1,2\n").unwrap_err();
        assert_eq!(e.code(), "FIELD_COUNT");
        assert_eq!(e.line(), Some(2));
    }

    #[test]
    fn empty_and_header_only() {
        assert_eq!(read("").unwrap_err().code(), "EMPTY_INPUT");
        assert_eq!(read("\u{feff}  \n\n").unwrap_err().code(), "EMPTY_INPUT");
        assert_eq!(read("hcp_id,ch_x\n\n").unwrap_err().code(), "EMPTY_INPUT");
    }

    #[test]
    fn duplicate_header() {
        let e = read("hcp_id, ch_x ,ch_x\na,1,2\n").unwrap_err();
        assert_eq!(e.code(), "DUPLICATE_COLUMN");
        assert_eq!(e.line(), Some(1));
        assert_eq!(e.column(), Some("ch_x"));
    }

    #[test]
    fn ambiguous_delimiter_is_an_error_with_advice() {
        let e = read("hcp_id,ch_x;ch_y\n").unwrap_err();
        assert_eq!(e.code(), "INVALID_OPTION"); // header only: nothing to tell them apart
        let e = read("hcp_id,ch_x;ch_y\na,1;2\n").unwrap_err();
        assert_eq!(e.code(), "INVALID_OPTION");
        assert!(e.to_string().contains("delimiter"), "{e}");
    }

    #[test]
    fn delimiter_resolved_by_data() {
        // `,` inside a name, `;` separates: only `;` gives consistent rows.
        let t = read("hcp_id;ch_x;notes, misc\na;1;x\nb;2;y\n").unwrap();
        assert_eq!(t.dialect.delimiter.as_deref(), Some(";"));
        assert_eq!(t.headers.len(), 3);
    }

    #[test]
    fn forced_delimiter_and_bad_option() {
        let opts = IngestOptions {
            delimiter: Some(";".into()),
            ..Default::default()
        };
        let t = read_csv("hcp_id;ch_x,y\na;1\n", &opts).unwrap();
        assert_eq!(t.headers, vec!["hcp_id", "ch_x,y"]);
        let opts = IngestOptions {
            delimiter: Some("|".into()),
            ..Default::default()
        };
        assert_eq!(
            read_csv("a|b\n1|2\n", &opts).unwrap_err().code(),
            "INVALID_OPTION"
        );
    }

    #[test]
    fn mixed_decimal_styles_are_ambiguous() {
        let e = read("hcp_id;ch_x;ch_y\na;3,5;1.5\n").unwrap_err();
        assert_eq!(e.code(), "INVALID_OPTION");
        let opts = IngestOptions {
            decimal_comma: Some(true),
            ..Default::default()
        };
        assert!(
            read_csv("hcp_id;ch_x;ch_y\na;3,5;1.5\n", &opts)
                .unwrap()
                .dialect
                .decimal_comma
        );
    }

    #[test]
    fn unterminated_quote() {
        let e = read("hcp_id,ch_x\na,1\nb,\"2\nc,3\n").unwrap_err();
        assert_eq!(e.code(), "CSV_SYNTAX");
        assert_eq!(e.line(), Some(3));
    }

    #[test]
    fn escaped_quotes_are_fine() {
        let t = read("hcp_id,note,ch_x\na,\"say \"\"hi\"\"\",1\n").unwrap();
        assert_eq!(text(&t, 0, 1), Cell::Text("say \"hi\"".into()));
    }

    #[test]
    fn empty_header_name_gets_a_name() {
        let t = read("hcp_id;ch_x;\na;1;\n").unwrap();
        assert_eq!(t.headers, vec!["hcp_id", "ch_x", "column_3"]);
    }

    #[test]
    fn utf8_bytes_become_the_same_text() {
        let csv = "\u{feff}hcp_id,name,ch_x\nÄ1,Dr. Zoë 🩺,3\n";
        assert_eq!(text_from_utf8(csv.as_bytes().to_vec()).unwrap(), csv);
        let t = read(&text_from_utf8(csv.as_bytes().to_vec()).unwrap()).unwrap();
        assert!(t.dialect.had_bom);
        assert_eq!(text(&t, 0, 1), Cell::Text("Dr. Zoë 🩺".into()));
    }

    #[test]
    fn invalid_utf8_names_the_line_and_byte() {
        // Windows-1252 "Müller" (0xFC) on line 3, the 4th byte of that line.
        let mut bytes = b"hcp_id,name\na,ok\nb,M".to_vec();
        bytes.extend([0xFC, b'l', b'l', b'e', b'r', b'\n']);
        let e = text_from_utf8(bytes).unwrap_err();
        assert_eq!(e.code(), "CSV_SYNTAX");
        assert_eq!(e.line(), Some(3));
        let msg = e.to_string();
        assert!(msg.contains("0xFC") && msg.contains("byte 4 of the line") && msg.contains("UTF-8"), "{msg}");
        // A sequence cut short at the very end: the line of its first byte.
        let e = text_from_utf8(vec![b'a', b'\n', 0xE2, 0x82]).unwrap_err();
        assert_eq!(e.line(), Some(2));
        assert!(e.to_string().contains("0xE2, at byte 1 of the line"), "{e}");
    }
}
