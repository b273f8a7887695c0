//! A row's cells read by their columns' roles: counts, bounded integers (recency, frequency,
//! decile), flags and ids, each checked strictly, with the error a bad cell gets (its line,
//! column, value and what was expected); a row is checked in full before any value is kept.

use super::roles::AssignedRole;
use super::CellRef;
use crate::error::{echo, Result, SegError};
use std::borrow::Cow;

pub(super) const EXPECT_COUNT: &str = "a number ≥ 0";
pub(super) const EXPECT_COUNT_COMMA: &str = "a number ≥ 0 (`,` is ambiguous here: thousands separator or decimal comma? Remove it, or pass decimalComma: true)";
pub(super) const EXPECT_COUNT_DOT: &str = "a number ≥ 0 written with a decimal comma, like the rest of the file (`3,5`; `.` is not accepted, not even as a thousands separator)";
pub(super) const EXPECT_RECENCY: &str = "an integer from 0 to 365 (days since the last engagement) or empty";
pub(super) const EXPECT_FREQUENCY: &str = "an integer from 0 to 12 (active weeks out of the last 12) or empty";
pub(super) const EXPECT_DECILE: &str = "an integer from 1 to 10 (prescribing decile) or empty";
pub(super) const EXPECT_BOOL: &str = "true/false, yes/no or 1/0 (or Excel's TRUE/FALSE and yes/no in the markets' languages: WAHR/FALSCH, ja/nein, vrai/faux, oui/non, sí/no …, any case; the list is in docs/input.md)";
pub(super) const EXPECT_ID: &str = "a pseudonymous id (text)";
pub(super) const EXPECT_NO_SPREADSHEET_ERROR: &str = "a value: the cell holds a spreadsheet error; fix its formula or clear the cell";

/// Outcome of reading one numeric cell.
pub(super) enum Num {
    Empty,
    Value(f64),
    NonFinite(String),
    Invalid(String, &'static str),
}

/// `s.trim()`, returning at once when the ends are not whitespace, which is every cell read from
/// CSV text or records (both trim already): std's trim decodes a char at each end, and this runs
/// for every cell of every row. Same result as `str::trim` for every input.
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let kept = |b: u8| b.is_ascii() && !matches!(b, b' ' | 0x09..=0x0d);
    match (s.as_bytes().first(), s.as_bytes().last()) {
        // An ASCII byte is a whole char; `char::is_whitespace` is true for exactly these ASCII ones.
        (Some(&a), Some(&b)) if kept(a) && kept(b) => s,
        _ => s.trim(),
    }
}

/// Parse a number cell (see the module notes for the rules).
pub(super) fn parse_number(cell: CellRef, decimal_comma: bool) -> Num {
    match cell {
        CellRef::Empty => Num::Empty,
        CellRef::Number(v) if v.is_finite() => Num::Value(v),
        CellRef::Number(v) => Num::NonFinite(format!("{v}")),
        CellRef::Bool(b) => Num::Invalid(b.to_string(), EXPECT_COUNT),
        CellRef::Error(e) => Num::Invalid(e.to_string(), EXPECT_NO_SPREADSHEET_ERROR),
        CellRef::Text(raw) => parse_number_text(trim(raw), decimal_comma),
    }
}

pub(super) fn parse_number_text(t: &str, decimal_comma: bool) -> Num {
    if t.is_empty() {
        return Num::Empty;
    }
    // Plain digits (counts, days, weeks, deciles): up to 15 digits are below 2^53, so summing
    // them as an integer gives exactly the f64 that `parse` returns, without the float parser.
    if t.len() <= 15 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Num::Value(t.bytes().fold(0u64, |v, b| v * 10 + u64::from(b - b'0')) as f64);
    }
    // Fast path for the usual cell (`12`, `3.5`, `1e3`): nothing to lower-case or rewrite. It
    // takes exactly the cells the general path below would parse unchanged (no `,`, and no `.`
    // with a decimal comma), so the outcome is the same, without allocating.
    if t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'e' | b'E') || (b == b'.' && !decimal_comma)) {
        return match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Num::Value(v),
            Ok(_) => Num::NonFinite(t.to_string()),
            Err(_) => Num::Invalid(t.to_string(), EXPECT_COUNT),
        };
    }
    let lower = t.to_lowercase();
    let body = lower.strip_prefix(['+', '-']).unwrap_or(&lower);
    if matches!(body, "nan" | "inf" | "infinity" | "∞") {
        return Num::NonFinite(t.to_string());
    }
    let normalised = if decimal_comma {
        if t.contains('.') {
            return Num::Invalid(t.to_string(), EXPECT_COUNT_DOT);
        }
        t.replace(',', ".")
    } else {
        if t.contains(',') {
            return Num::Invalid(t.to_string(), EXPECT_COUNT_COMMA);
        }
        t.to_string()
    };
    if !normalised
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'+' | b'-' | b'e' | b'E'))
    {
        return Num::Invalid(t.to_string(), EXPECT_COUNT);
    }
    match normalised.parse::<f64>() {
        Ok(v) if v.is_finite() => Num::Value(v),
        Ok(_) => Num::NonFinite(t.to_string()),
        Err(_) => Num::Invalid(t.to_string(), EXPECT_COUNT),
    }
}

/// A shortest text form of a number: `3` for 3.0, `2.5` otherwise.
pub(super) fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

pub(crate) fn cell_text(cell: CellRef) -> String {
    match cell {
        CellRef::Empty => String::new(),
        CellRef::Text(t) => t.to_string(),
        CellRef::Number(v) => number_text(v),
        CellRef::Bool(b) => b.to_string(),
        CellRef::Error(e) => e.to_string(),
    }
}

pub(super) fn invalid(line: u32, column: &str, value: &str, expected: &str) -> SegError {
    SegError::InvalidValue {
        line,
        column: echo(column),
        value: echo(value),
        expected: expected.to_string(),
    }
}

/// An engagement count: ≥ 0, finite; empty → 0 (second value: was it empty).
pub(crate) fn count(cell: CellRef, decimal_comma: bool, line: u32, column: &str) -> Result<(f64, bool)> {
    match parse_number(cell, decimal_comma) {
        Num::Empty => Ok((0.0, true)),
        Num::Value(v) if v < 0.0 => Err(SegError::NegativeCount {
            line,
            column: echo(column),
            value: echo(&cell_text(cell)),
        }),
        // `+ 0.0` turns a `-0` into 0.
        Num::Value(v) => Ok((v + 0.0, false)),
        Num::NonFinite(s) => Err(SegError::NonFinite {
            line,
            column: echo(column),
            value: echo(&s),
        }),
        Num::Invalid(s, expected) => Err(invalid(line, column, &s, expected)),
    }
}

/// The error for a spreadsheet error value (`#DIV/0!`) in a cell a role reads.
pub(super) fn spreadsheet_error(line: u32, column: &str, value: &str) -> SegError {
    invalid(line, column, value, EXPECT_NO_SPREADSHEET_ERROR)
}

/// An integer in `lo..=hi`, or empty.
pub(super) fn integer_in(
    cell: CellRef,
    decimal_comma: bool,
    (lo, hi): (i64, i64),
    line: u32,
    column: &str,
    expected: &str,
) -> Result<Option<i64>> {
    match parse_number(cell, decimal_comma) {
        Num::Empty => Ok(None),
        Num::Value(v) if v.fract() == 0.0 && v >= lo as f64 && v <= hi as f64 => Ok(Some(v as i64)),
        _ if matches!(cell, CellRef::Error(_)) => Err(spreadsheet_error(line, column, &cell_text(cell))),
        _ => Err(invalid(line, column, &cell_text(cell), expected)),
    }
}

pub(super) fn flag(cell: CellRef, line: u32, column: &str) -> Result<Option<bool>> {
    fn word(s: &str) -> Option<Option<bool>> {
        match s {
            "" => Some(None),
            "true" | "1" | "yes" | "y" => Some(Some(true)),
            "false" | "0" | "no" | "n" => Some(Some(false)),
            _ => None,
        }
    }
    match cell {
        CellRef::Empty => Ok(None),
        CellRef::Bool(b) => Ok(Some(b)),
        CellRef::Error(e) => Err(spreadsheet_error(line, column, e)),
        CellRef::Number(v) if v == 1.0 => Ok(Some(true)),
        CellRef::Number(v) if v == 0.0 => Ok(Some(false)),
        // The English lower-case words first (most files), then every language, any case.
        CellRef::Text(t) => match word(trim(t)).or_else(|| super::language::boolean(trim(t)).map(Some)) {
            Some(v) => Ok(v),
            None => Err(invalid(line, column, t, EXPECT_BOOL)),
        },
        other => Err(invalid(line, column, &cell_text(other), EXPECT_BOOL)),
    }
}

/// The id cell: trimmed text, or a finite number written without a fraction when whole.
pub(super) fn read_id<'a>(cell: CellRef<'a>, line: u32, id_header: &str) -> Result<Cow<'a, str>> {
    match cell {
        CellRef::Text(t) if !trim(t).is_empty() => Ok(Cow::Borrowed(trim(t))),
        CellRef::Empty | CellRef::Text(_) => Err(SegError::MissingId {
            line,
            column: echo(id_header),
        }),
        CellRef::Number(v) if v.is_finite() => Ok(Cow::Owned(number_text(v))),
        CellRef::Error(e) => Err(spreadsheet_error(line, id_header, e)),
        other => Err(invalid(line, id_header, &cell_text(other), EXPECT_ID)),
    }
}

/// `d.to_string()` for a decile 1-10, without the formatting machinery (once per row).
pub(super) fn decile_text(d: i64) -> &'static str {
    const TEXT: [&str; 10] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];
    TEXT[(d - 1) as usize]
}

/// What to do with one column, and what was seen in it.
pub(super) struct Plan<'a> {
    pub(super) index: usize,
    pub(super) col: &'a AssignedRole,
    pub(super) empties: usize,
}

/// The columns a row is read by.
pub(super) struct RowPlans<'p, 'a> {
    pub(super) channels: &'p [Plan<'a>],
    pub(super) formats: &'p [Plan<'a>],
    pub(super) categories: &'p [Plan<'a>],
    pub(super) consents: &'p [Plan<'a>],
    pub(super) recency: Option<&'p Plan<'a>>,
    pub(super) frequency: Option<&'p Plan<'a>>,
}

/// One row's typed values, checked in full before any is kept (buffers reused across rows).
#[derive(Default)]
pub(super) struct RowScratch<'t> {
    pub(super) channels: Vec<(f64, bool)>,
    pub(super) formats: Vec<(f64, bool)>,
    /// Borrowed from the table where the cell is text (no copy per cell).
    pub(super) categories: Vec<Option<Cow<'t, str>>>,
    pub(super) consents: Vec<Option<bool>>,
    pub(super) recency: Option<f64>,
    pub(super) frequency: Option<f64>,
}

impl<'t> RowScratch<'t> {
    pub(super) fn read(&mut self, cell: impl Fn(usize) -> CellRef<'t>, line: u32, dc: bool, plans: &RowPlans) -> Result<()> {
        self.channels.clear();
        self.formats.clear();
        self.categories.clear();
        self.consents.clear();
        for plan in plans.channels {
            self.channels.push(count(cell(plan.index), dc, line, &plan.col.header)?);
        }
        for plan in plans.formats {
            self.formats.push(count(cell(plan.index), dc, line, &plan.col.header)?);
        }
        for plan in plans.categories {
            let c = cell(plan.index);
            let value = if plan.col.name == "rx_decile" {
                integer_in(c, dc, (1, 10), line, &plan.col.header, EXPECT_DECILE)?.map(|d| Cow::Borrowed(decile_text(d)))
            } else {
                match c {
                    CellRef::Text(t) => Some(trim(t)).filter(|s| !s.is_empty()).map(Cow::Borrowed),
                    CellRef::Error(e) => return Err(spreadsheet_error(line, &plan.col.header, e)),
                    other => Some(cell_text(other).trim().to_string()).filter(|s| !s.is_empty()).map(Cow::Owned),
                }
            };
            self.categories.push(value);
        }
        for plan in plans.consents {
            self.consents.push(flag(cell(plan.index), line, &plan.col.header)?);
        }
        self.recency = match plans.recency {
            Some(plan) => integer_in(cell(plan.index), dc, (0, 365), line, &plan.col.header, EXPECT_RECENCY)?.map(|d| d as f64),
            None => None,
        };
        self.frequency = match plans.frequency {
            Some(plan) => integer_in(cell(plan.index), dc, (0, 12), line, &plan.col.header, EXPECT_FREQUENCY)?.map(|d| d as f64),
            None => None,
        };
        Ok(())
    }
}
