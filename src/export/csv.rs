//! The one CSV writer: a [`Table`] of typed values → CSV text in the plain or the Excel dialect,
//! with every text cell neutralised against spreadsheet formula injection.
//!
//! **Dialects** ([`CsvDialect`]):
//! - *plain* (for machines): UTF-8 without BOM, `,` between fields, `.` decimals, `\n` line ends;
//! - *excel* (for people): UTF-8 with a BOM (Excel on Windows needs it to show accents), CRLF,
//!   and the separator and decimal mark Excel expects for the locale ([`super::locale`]):
//!   `;` and `,` for `de-DE`, `,` and `.` for `en-US`.
//!
//! Quoting follows RFC 4180 (the `csv` crate): a field is quoted when it holds the separator, a
//! quote, `\r` or `\n`; a quote inside is doubled.
//!
//! **Formula neutralisation** (OWASP "CSV injection"): a text cell that starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return is a formula to a spreadsheet, so it is written with a
//! leading `'`. Excepted: numbers written as numbers, and a text cell that is a plain decimal
//! number (`-3.5`, `+1e3`), which a spreadsheet reads as that number and nothing else. So that the
//! project's reader can undo it exactly ([`restore`]), a text cell that already starts with one
//! or more `'` followed by a trigger gets one more `'`. Headers are text cells too.

use crate::error::{Result, SegError};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One cell of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    /// Written with the shortest text that reads back as the same `f64` (`NaN`/`±∞`: empty).
    Number(f64),
    /// Written with exactly this many decimals (a rounded figure such as a score or an amount).
    Fixed(f64, u8),
    Integer(i64),
    Bool(bool),
}

impl Value {
    pub fn text(s: impl Into<String>) -> Self {
        Value::Text(s.into())
    }
    /// `None` → empty.
    pub fn number(v: Option<f64>) -> Self {
        v.map_or(Value::Empty, Value::Number)
    }
    /// `None` → empty.
    pub fn fixed(v: Option<f64>, decimals: u8) -> Self {
        v.map_or(Value::Empty, |v| Value::Fixed(v, decimals))
    }
    /// `None` → empty.
    pub fn flag(v: Option<bool>) -> Self {
        v.map_or(Value::Empty, Value::Bool)
    }
}

impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Integer(i64::from(v))
    }
}

/// An export before it is written: column names and rows of typed values (every row as wide as
/// the header).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        Table { headers: headers.into_iter().map(Into::into).collect(), rows: Vec::new() }
    }
    /// The index of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

/// `"plain"` (machines) or `"excel"` (people); see the module notes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CsvDialect {
    #[default]
    Plain,
    Excel,
}

/// The bytes-level choices of one written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvFormat {
    pub bom: bool,
    pub delimiter: u8,
    pub decimal_comma: bool,
    pub crlf: bool,
}

impl CsvFormat {
    pub const PLAIN: CsvFormat = CsvFormat { bom: false, delimiter: b',', decimal_comma: false, crlf: false };

    /// The format of `dialect`; `locale` (BCP 47, e.g. `de-DE`) only matters for Excel.
    pub fn of(dialect: CsvDialect, locale: Option<&str>) -> Result<CsvFormat> {
        match dialect {
            CsvDialect::Plain => Ok(CsvFormat::PLAIN),
            CsvDialect::Excel => {
                let marks = super::locale::excel_marks(locale.unwrap_or("en-US"))?;
                Ok(CsvFormat { bom: true, delimiter: marks.delimiter, decimal_comma: marks.decimal_comma, crlf: true })
            }
        }
    }
}

/// Bytes that make a spreadsheet read a cell as a formula.
fn is_trigger(b: u8) -> bool {
    matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
}

/// Does the text, after any leading `'`, start with a formula trigger?
fn quotes_then_trigger(s: &str) -> bool {
    s.trim_start_matches('\'').as_bytes().first().is_some_and(|&b| is_trigger(b))
}

/// `[+-]digits[.digits][e[+-]digits]` (or `.digits`): what a spreadsheet reads as a number only.
pub fn is_plain_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A text cell as it is written (see the module notes): `=1+1` → `'=1+1`, `'=x` → `''=x`,
/// `-3.5` and `Dr. A` unchanged.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if !quotes_then_trigger(s) || is_plain_number(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 1);
    out.push('\'');
    out.push_str(s);
    Cow::Owned(out)
}

/// The inverse of [`neutralise`], for the project's readers: a text that starts with `'`
/// followed (after any more `'`) by a trigger loses exactly one `'`. One byte compare for the
/// usual cell.
pub fn restore(s: &str) -> &str {
    match s.as_bytes().first() {
        Some(b'\'') if quotes_then_trigger(s) => &s[1..],
        _ => s,
    }
}

/// `v` with the shortest round-trip digits, or a fixed number of decimals.
fn format_number(v: f64, decimals: Option<u8>, decimal_comma: bool) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let v = if v == 0.0 { 0.0 } else { v }; // no `-0`
    let mut s = match decimals {
        Some(d) => format!("{v:.*}", usize::from(d)),
        None => format!("{v}"),
    };
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s.remove(0); // -0.0001 rounded to "-0.000"
    }
    if decimal_comma {
        s = s.replace('.', ",");
    }
    s
}

/// The written text of one cell.
fn cell_text(value: &Value, format: &CsvFormat) -> Cow<'static, str> {
    match value {
        Value::Empty => Cow::Borrowed(""),
        Value::Text(t) => Cow::Owned(neutralise(t).into_owned()),
        Value::Number(v) => Cow::Owned(format_number(*v, None, format.decimal_comma)),
        Value::Fixed(v, d) => Cow::Owned(format_number(*v, Some(*d), format.decimal_comma)),
        Value::Integer(i) => Cow::Owned(i.to_string()),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
    }
}

/// Write `table` as CSV text in `format` (the BOM, if any, is the text's first char).
pub fn write_table(table: &Table, format: &CsvFormat) -> Result<String> {
    let width = table.headers.len();
    if let Some(i) = table.rows.iter().position(|r| r.len() != width) {
        // A bug in an export function, never the user's data: say which row.
        return Err(SegError::InvalidMatrix { message: format!("export row {} has {} cells for {width} columns", i + 1, table.rows[i].len()) });
    }
    let terminator = if format.crlf { ::csv::Terminator::CRLF } else { ::csv::Terminator::Any(b'\n') };
    let mut out = Vec::with_capacity(64 * (table.rows.len() + 1));
    if format.bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = ::csv::WriterBuilder::new().delimiter(format.delimiter).terminator(terminator).from_writer(out);
    let io = |e: ::csv::Error| SegError::InvalidMatrix { message: format!("writing CSV: {e}") };
    w.write_record(table.headers.iter().map(|h| neutralise(h).into_owned())).map_err(io)?;
    let mut record: Vec<Cow<'static, str>> = Vec::with_capacity(width);
    for row in &table.rows {
        record.clear();
        record.extend(row.iter().map(|v| cell_text(v, format)));
        w.write_record(record.iter().map(|c| c.as_bytes())).map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| SegError::InvalidMatrix { message: format!("writing CSV: {e}") })?;
    // Every piece written was a `&str`: the bytes are UTF-8.
    String::from_utf8(bytes).map_err(|e| SegError::InvalidMatrix { message: format!("writing CSV: {e}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_is_neutralised_and_restored() {
        for t in ["=1+1", "+49 30", "-x", "@SUM(A1)", "\tfoo", "\rbar", "=HYPERLINK(\"http://x\",\"y\")", "-", "+", "--3", "-3-2", "-1e"] {
            let n = neutralise(t);
            assert_eq!(n, format!("'{t}"));
            assert_eq!(restore(&n), t, "{t:?}");
        }
        // Already quoted triggers get one more quote, and lose exactly one on the way back.
        for t in ["'=1", "''=1", "'-3.5", "''\t"] {
            let n = neutralise(t);
            assert_eq!(n, format!("'{t}"));
            assert_eq!(restore(&n), t);
        }
        // Nothing to do: untouched both ways.
        for t in ["", "'", "''", "'abc", "a=b", " =1", "Dr. Zoë", "-3.5", "+7", ".5", "-0.25e-3", "3"] {
            assert_eq!(neutralise(t), t, "{t:?}");
            assert_eq!(restore(t), t, "{t:?}");
        }
    }

    #[test]
    fn plain_numbers() {
        for s in ["0", "-3.5", "+1", "1.", ".5", "-.5", "1e10", "1E-3", "+2.5e+7"] {
            assert!(is_plain_number(s), "{s}");
        }
        for s in ["", "-", "+", ".", "-.", "1e", "1e+", "--1", "-1-1", "1+1", "-3,5", "0x10", "-inf", "NaN", "1 ", "-1e5x"] {
            assert!(!is_plain_number(s), "{s}");
        }
    }

    #[test]
    fn numbers_are_never_neutralised() {
        let mut t = Table::new(["a", "b", "c"]);
        t.rows.push(vec![Value::Number(-3.5), Value::Integer(-2), Value::Fixed(-0.00001, 3)]);
        t.rows.push(vec![Value::Number(f64::NAN), Value::Number(-0.0), Value::Fixed(2.0, 2)]);
        assert_eq!(write_table(&t, &CsvFormat::PLAIN).unwrap(), "a,b,c\n-3.5,-2,0.000\n,0,2.00\n");
        let de = CsvFormat::of(CsvDialect::Excel, Some("de-DE")).unwrap();
        assert_eq!(write_table(&t, &de).unwrap(), "\u{feff}a;b;c\r\n-3,5;-2;0,000\r\n;0;2,00\r\n");
    }

    #[test]
    fn a_ragged_row_is_an_error_not_a_shifted_column() {
        let mut t = Table::new(["a", "b"]);
        t.rows.push(vec![Value::Empty]);
        assert_eq!(write_table(&t, &CsvFormat::PLAIN).unwrap_err().code(), "INVALID_MATRIX");
    }
}
