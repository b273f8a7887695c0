//! Guessing a CSV file's dialect: the delimiter (`,` `;` or tab, from the header line outside
//! quotes, checked against the first records), a quote that is never closed, and the decimal
//! mark (from the data cells, with `;` or tab as delimiter); the sizes the limits are checked on.

use super::{CellRef, TextCells};
use crate::error::{echo, Result, SegError};

const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];

/// How many data records are used to check that a delimiter candidate is consistent.
const SNIFF_RECORDS: usize = 50;

pub(super) fn parse_delimiter_option(value: &str) -> Result<u8> {
    match value {
        "," => Ok(b','),
        ";" => Ok(b';'),
        "\t" | "\\t" | "tab" | "TAB" | "Tab" => Ok(b'\t'),
        other => Err(SegError::option(
            "delimiter",
            format!(
                "`{}` is not supported; use \",\", \";\" or \"\\t\" (tab)",
                echo(other)
            ),
        )),
    }
}

fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "\",\"",
        b';' => "\";\"",
        _ => "\"\\t\"",
    }
}

/// The first non-blank physical record (quotes may span lines), as raw text.
fn header_text(text: &str) -> &str {
    let start = text
        .char_indices()
        .find(|(_, c)| !c.is_whitespace() || *c == '\t')
        .map(|(i, _)| i)
        .unwrap_or(0);
    // Move back to the start of that line so leading spaces stay part of the first name.
    let line_start = text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let rest = &text[line_start..];
    let bytes = rest.as_bytes();
    let mut in_quotes = false;
    let mut at_field_start = true;
    for (i, &b) in bytes.iter().enumerate() {
        if in_quotes {
            if b == b'"' {
                in_quotes = false; // a doubled `""` reopens on the next byte
                at_field_start = false;
            }
            continue;
        }
        match b {
            b'"' if at_field_start => in_quotes = true,
            b'\n' | b'\r' => return &rest[..i],
            b',' | b';' | b'\t' => at_field_start = true,
            _ => at_field_start = false,
        }
    }
    rest
}

/// Count each candidate delimiter in the header line, outside quotes.
fn count_outside_quotes(header: &str) -> [usize; 3] {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut at_field_start = true;
    for &b in header.as_bytes() {
        if in_quotes {
            if b == b'"' {
                in_quotes = false;
                at_field_start = false;
            }
            continue;
        }
        if b == b'"' && at_field_start {
            in_quotes = true;
            continue;
        }
        if let Some(k) = CANDIDATES.iter().position(|&c| c == b) {
            counts[k] += 1;
            at_field_start = true;
        } else {
            at_field_start = false;
        }
    }
    counts
}

/// Pick the delimiter from the header line. One candidate present: that one. Several: keep the
/// ones that split the first data records into as many fields as the header; exactly one left
/// wins, otherwise the caller has to say.
pub(super) fn detect_delimiter(text: &str) -> Result<u8> {
    let header = header_text(text);
    let counts = count_outside_quotes(header);
    let present: Vec<u8> = CANDIDATES
        .iter()
        .zip(counts.iter())
        .filter(|(_, &n)| n > 0)
        .map(|(&c, _)| c)
        .collect();
    match present.len() {
        0 => Ok(b','), // a single column; the role check will say what is missing
        1 => Ok(present[0]),
        _ => {
            let consistent: Vec<u8> = present
                .iter()
                .copied()
                .filter(|&d| consistent_with_data(text, d))
                .collect();
            if consistent.len() == 1 {
                return Ok(consistent[0]);
            }
            let listed: Vec<&str> = present.iter().map(|&d| delimiter_name(d)).collect();
            Err(SegError::option(
                "delimiter",
                format!(
                    "the header line contains {} outside quotes and the rows do not tell which one separates the columns; pass the delimiter explicitly (delimiter: {})",
                    listed.join(" and "),
                    listed.join(" or ")
                ),
            ))
        }
    }
}

/// Does `d` split the header and the first data records into the same number of fields (> 1)?
fn consistent_with_data(text: &str, d: u8) -> bool {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(d)
        .from_reader(text.as_bytes());
    let mut width: Option<usize> = None;
    let mut seen = 0usize;
    for rec in rdr.records() {
        let Ok(rec) = rec else { return false };
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match width {
            None => {
                if rec.len() < 2 {
                    return false;
                }
                width = Some(rec.len());
            }
            Some(w) if w != rec.len() => return false,
            Some(_) => {}
        }
        seen += 1;
        if seen > SNIFF_RECORDS {
            break;
        }
    }
    width.is_some()
}

/// The line where a quoted field opens and is never closed, following the `csv` crate's rules
/// (a quote only opens a field at its start; `""` inside quotes is an escaped quote).
pub(super) fn unterminated_quote_line(text: &str, delimiter: u8) -> Option<u32> {
    let bytes = text.as_bytes();
    if !bytes.contains(&b'"') {
        return None; // the usual export: no quotes, nothing to walk byte by byte
    }
    let mut line: u32 = 1;
    let mut open_line: u32 = 0;
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                    at_field_start = false;
                }
            } else if b == b'\n' {
                line = line.saturating_add(1);
            }
        } else if b == b'"' && at_field_start {
            in_quotes = true;
            open_line = line;
        } else if b == b'\n' {
            line = line.saturating_add(1);
            at_field_start = true;
        } else {
            at_field_start = b == delimiter || b == b'\r';
        }
        i += 1;
    }
    in_quotes.then_some(open_line)
}

/// Physical lines in the text (an upper bound on the number of records).
pub(super) fn line_count(text: &str) -> u64 {
    text.bytes().filter(|&b| b == b'\n').count() as u64 + 1
}

/// Columns in the header line by the widest candidate delimiter (for messages only).
pub(super) fn header_width(text: &str) -> u64 {
    count_outside_quotes(header_text(text)).iter().max().copied().unwrap_or(0) as u64 + 1
}

/// Parse all records: the header's trimmed, unique names, then the data rows (trimmed text
/// cells, with the physical line each starts on). Blank and all-empty records are dropped.
/// A record with the wrong number of fields fails, or in skip mode goes into the skipped list.
/// The column, memory and row limits are checked here, before the rows are stored.
/// One record buffer is reused and the cells are appended to one text buffer ([`TextCells`]):
/// no allocation per cell or per row.
/// `header`: the names when the header is not in `text` (a later part of a file).
fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `3,5` / `-0,25`: digits, one comma, digits.
fn looks_comma_decimal(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    match s.split_once(',') {
        Some((a, b)) => is_digits(a) && is_digits(b),
        None => false,
    }
}

/// `3.5` / `-0.25`: digits, one dot, digits.
fn looks_dot_decimal(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    match s.split_once('.') {
        Some((a, b)) => is_digits(a) && is_digits(b),
        None => false,
    }
}

/// The first lines whose cells look like a decimal comma (`3,5`) and a decimal point (`3.5`).
pub(super) fn decimal_evidence_of(rows: &TextCells) -> (Option<u32>, Option<u32>) {
    let mut comma_line: Option<u32> = None;
    let mut dot_line: Option<u32> = None;
    for (i, &line) in rows.lines.iter().enumerate() {
        for col in 0..rows.width {
            if let CellRef::Text(t) = rows.cell(i, col) {
                if comma_line.is_none() && looks_comma_decimal(t) {
                    comma_line = Some(line);
                }
                if dot_line.is_none() && looks_dot_decimal(t) {
                    dot_line = Some(line);
                }
            }
        }
        if comma_line.is_some() && dot_line.is_some() {
            break;
        }
    }
    (comma_line, dot_line)
}

/// Decimal comma when numeric-looking cells use `3,5` and none uses `3.5`; both styles in one
/// file is ambiguous and must be resolved by the caller.
pub(crate) fn decide_decimal_comma(comma_line: Option<u32>, dot_line: Option<u32>) -> Result<bool> {
    match (comma_line, dot_line) {
        (Some(c), Some(d)) => Err(SegError::option(
            "decimalComma",
            format!(
                "numbers are written both with a decimal comma (`3,5`, line {c}) and a decimal point (`3.5`, line {d}); pass decimalComma: true or false"
            ),
        )),
        (Some(_), None) => Ok(true),
        _ => Ok(false),
    }
}
