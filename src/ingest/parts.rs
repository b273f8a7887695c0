//! One CSV file read in parts at the same time (the worker pool: `js/worker/`), with the same
//! profiles and report as one read of the whole file, or none at all.
//!
//! The file is cut after line ends. Each part is read as a file of its own would be
//! ([`read_part`]: the header, roles, every cell checked), and the parts are merged in order
//! ([`merge`]): rows appended, lines shifted by the line ends before the part, category codes
//! renumbered in first-seen order, tallies added. What only the whole file can tell is checked
//! on the merged parts: ids unique across parts, the size limits, the delimiter and decimal comma
//! each part chose.
//!
//! Errors are never merged. Whatever a part cannot read, and whatever the merge cannot prove
//! equal to one read, is `None`: the caller reads the whole file instead, which gives the one
//! error (the first in the file) and the message a single read gives. So is skip mode, whose
//! listing of skipped rows is not worth splitting.

use super::csv::{self, PartFacts, Span};
use super::profiles::{read_rows, RowsRead};
use super::{roles, CategoryColumn, IngestOptions, LevelIndex, OnError, ParseReport, Profiles};
use crate::error::{Result, SegError};
use crate::limits;
use rustc_hash::FxHashSet;

/// One part of a file, read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartRead {
    pub headers: Vec<String>,
    pub facts: PartFacts,
    pub rows: RowsRead,
}

/// Read one part of a file (`span`: the first, or a later one with the file's header line).
/// An error here means: read the whole file instead.
pub fn read_part(text: &str, span: Span, options: &IngestOptions) -> Result<PartRead> {
    if options.on_error == OnError::Skip {
        return Err(SegError::option("onError", "skip mode reads the file in one piece"));
    }
    let (table, facts) = csv::read_part(text, span, options)?;
    let headers = table.headers.clone();
    let roles = roles::assign_roles(&headers, &options.columns)?;
    let rows = read_rows(table, &roles, &options.exclude, options.on_error)?;
    Ok(PartRead { headers, facts, rows })
}

/// [`read_part`] of a part given as a file's bytes (`head`: the file's first line, for a later
/// part; None for the first). Parts are strictly UTF-8 ([`super::encoding::part_text`]): a
/// file in another encoding is read in one piece.
pub fn read_part_bytes(bytes: Vec<u8>, head: Option<Vec<u8>>, options: &IngestOptions) -> Result<PartRead> {
    let forced = options.encoding.as_deref();
    let text = super::encoding::part_text(bytes, forced)?;
    let head = head.map(|head| super::encoding::part_text(head, forced)).transpose()?;
    let span = head.as_deref().map_or(Span::First, |head| Span::Rest { head });
    let mut part = read_part(&text, span, options)?;
    part.rows.dialect.encoding = Some(super::encoding::Encoding::Utf8.label().to_string());
    Ok(part)
}

/// Data rows the first part must hold: the delimiter is detected from the header and the first
/// rows (`csv::SNIFF_RECORDS`), which must all be in the first part for its choice to be the file's.
const FIRST_PART_MIN_ROWS: u64 = 64;

/// The parts of one file, in file order (the first holds the header), as one read of the file
/// gives them; None when only a read of the whole file can say (an error, a limit, a duplicate id
/// across parts, parts that chose a different delimiter or decimal comma).
pub fn merge(parts: Vec<PartRead>, options: &IngestOptions) -> Option<(Profiles, ParseReport)> {
    let mut parts = parts.into_iter();
    let first = parts.next()?;
    let rest: Vec<PartRead> = parts.collect();
    if !whole_file_checks(&first, &rest, options) {
        return None;
    }
    let roles = roles::assign_roles(&first.headers, &options.columns).ok()?;
    let mut all = first.rows;
    reserve_for(&mut all.profiles, rest.iter().map(|p| &p.rows.profiles));
    let mut offset = first.facts.newlines;
    let mut level_index: Vec<LevelIndex> = all.profiles.categories.iter().map(|c| LevelIndex::seeded(&c.levels)).collect();
    for part in rest {
        let newlines = part.facts.newlines;
        append(&mut all, part.rows, u32::try_from(offset).ok()?, &mut level_index)?;
        offset += newlines;
    }
    all.finish(&roles, &options.exclude).ok()
}

/// Room for the later parts' rows at once: one move of the first part's columns, not one per part.
fn reserve_for<'a>(into: &mut Profiles, later: impl Iterator<Item = &'a Profiles> + Clone) {
    let sum = |f: fn(&Profiles) -> usize| later.clone().map(f).sum::<usize>();
    into.ids.reserve(sum(|p| p.ids.len()));
    into.lines.reserve(sum(|p| p.lines.len()));
    into.channel_counts.reserve(sum(|p| p.channel_counts.len()));
    into.format_counts.reserve(sum(|p| p.format_counts.len()));
    let n = sum(|p| p.ids.len());
    for c in &mut into.categories {
        c.codes.reserve(n);
    }
    for c in &mut into.consents {
        c.values.reserve(n);
    }
    for v in [&mut into.recency, &mut into.frequency].into_iter().flatten() {
        v.reserve(n);
    }
}

/// What one read of the whole file would have refused or decided differently.
fn whole_file_checks(first: &PartRead, rest: &[PartRead], options: &IngestOptions) -> bool {
    let all = || std::iter::once(first).chain(rest);
    if rest.iter().any(|p| p.headers != first.headers || p.facts.delimiter != first.facts.delimiter) {
        return false;
    }
    if first.rows.rows_read < FIRST_PART_MIN_ROWS {
        return false;
    }
    let bytes: u64 = all().map(|p| p.facts.bytes).sum();
    let lines: u64 = all().map(|p| p.facts.newlines).sum::<u64>() + 1;
    let rows: u64 = all().map(|p| p.rows.rows_read).sum();
    if bytes > limits::MAX_INPUT_BYTES as u64
        || limits::estimate_bytes(lines, first.headers.len() as u64, bytes) > limits::MAX_ESTIMATED_BYTES
        || rows > limits::MAX_ROWS as u64
    {
        return false;
    }
    // A detected decimal comma: the whole file's evidence must give each part's choice.
    if options.decimal_comma.is_none() {
        let evidence: Option<Vec<(Option<u32>, Option<u32>)>> = all().map(|p| p.facts.decimal_evidence).collect();
        if let Some(evidence) = evidence {
            let comma = evidence.iter().any(|e| e.0.is_some());
            let dot = evidence.iter().any(|e| e.1.is_some());
            if comma && dot {
                return false; // one read says which lines disagree
            }
            if all().any(|p| p.rows.dialect.decimal_comma != comma) {
                return false;
            }
        }
    }
    // Ids unique across the parts (within a part, its read checked them).
    let mut seen: FxHashSet<&str> = FxHashSet::with_capacity_and_hasher(rows as usize, Default::default());
    all().flat_map(|p| &p.rows.profiles.ids).all(|id| seen.insert(id.as_str()))
}

/// `part` after `all`: its lines shifted by `offset`, its category codes renumbered into `all`'s
/// levels (new levels appended in the order they first appear, as one read would number them).
fn append(all: &mut RowsRead, part: RowsRead, offset: u32, level_index: &mut [LevelIndex]) -> Option<()> {
    let shift = |lines: Vec<u32>| -> Option<Vec<u32>> { lines.into_iter().map(|l| l.checked_add(offset)).collect() };
    let (a, b) = (&mut all.profiles, part.profiles);
    if a.channels != b.channels || a.formats != b.formats || a.categories.len() != b.categories.len() || a.consents.len() != b.consents.len() {
        return None;
    }
    a.ids.extend(b.ids);
    a.lines.extend(shift(b.lines)?);
    a.channel_counts.extend(b.channel_counts);
    a.format_counts.extend(b.format_counts);
    for ((into, from), index) in a.categories.iter_mut().zip(b.categories).zip(level_index.iter_mut()) {
        let codes: Vec<u32> = from.levels.iter().map(|level| index.code(&mut into.levels, level)).collect();
        into.codes.extend(from.codes.iter().map(|&c| if c == CategoryColumn::MISSING { c } else { codes[c as usize] }));
    }
    for (into, from) in a.consents.iter_mut().zip(b.consents) {
        into.values.extend(from.values);
    }
    for (into, from) in [(&mut a.recency, b.recency), (&mut a.frequency, b.frequency)] {
        match (into, from) {
            (Some(into), Some(from)) => into.extend(from),
            (None, None) => {}
            _ => return None,
        }
    }
    for (into, n) in all.empties.iter_mut().zip(part.empties) {
        *into += n;
    }
    all.totals_lines.extend(shift(part.totals_lines)?);
    all.excluded_found.extend(part.excluded_found);
    crate::sort::sort_by(&mut all.excluded_found, |a, b| a.cmp(b));
    all.excluded_found.dedup();
    all.rows_read += part.rows_read;
    all.rows_excluded += part.rows_excluded;
    all.rows_skipped += part.rows_skipped;
    (part.skipped.is_empty() && all.skipped.is_empty()).then_some(())
}

/// A part read by another worker travels as bytes (little-endian, lengths first): a million
/// ids and counts as JS values would cost more than the read they save.
pub mod wire {
    use super::PartRead;
    use crate::ingest::csv::PartFacts;
    use crate::ingest::profiles::RowsRead;
    use crate::ingest::{CategoryColumn, Dialect, FlagColumn, Profiles, SkippedRow};

    use crate::ingest::wire::{In, Out};

    /// Tells a part's bytes from anything else handed to [`decode`].
    const MAGIC: u32 = 0x4843_5031; // "HCP1"

    // The part's own columns on top of the shared primitives.
    impl Out {
        /// None = 2, Some(false) = 0, Some(true) = 1.
        pub(crate) fn flags(&mut self, v: &[Option<bool>]) {
            self.len(v.len());
            self.0.extend(v.iter().map(|f| f.map_or(2, u8::from)));
        }
        pub(crate) fn opt_f64s(&mut self, v: &Option<Vec<Option<f64>>>) {
            self.u8(v.is_some() as u8);
            let v = v.as_deref().unwrap_or(&[]);
            self.len(v.len());
            for x in v {
                self.u8(x.is_some() as u8);
                self.u64(x.unwrap_or(0.0).to_bits());
            }
        }
    }

    impl In<'_> {
        pub(crate) fn flags(&mut self) -> Option<Vec<Option<bool>>> {
            let n = self.len(1)?;
            self.take(n)?.iter().map(|&b| match b {
                0 => Some(Some(false)),
                1 => Some(Some(true)),
                2 => Some(None),
                _ => None,
            }).collect()
        }
        pub(crate) fn opt_f64s(&mut self) -> Option<Option<Vec<Option<f64>>>> {
            let some = self.bool()?;
            let n = self.len(9)?;
            let v: Option<Vec<Option<f64>>> = (0..n)
                .map(|_| {
                    let is = self.bool()?;
                    let x = f64::from_bits(self.u64()?);
                    Some(is.then_some(x))
                })
                .collect();
            Some(some.then_some(v?))
        }
    }

    /// The part as bytes for [`decode`].
    pub fn encode(part: &PartRead) -> Vec<u8> {
        let PartRead { headers, facts, rows } = part;
        let p = &rows.profiles;
        let mut o = Out::default();
        o.0.reserve(p.ids.iter().map(|s| s.len() + 8).sum::<usize>() + p.channel_counts.len() * p.channel_counts.bytes_per_value() + p.format_counts.len() * p.format_counts.bytes_per_value() + p.lines.len() * (4 + 4 * p.categories.len() + p.consents.len() + 18) + 4096);
        o.u32(MAGIC);
        o.strs(headers);
        o.u64(facts.bytes);
        o.u64(facts.newlines);
        o.u8(facts.delimiter);
        o.u8(facts.decimal_evidence.is_some() as u8);
        let (comma, dot) = facts.decimal_evidence.unwrap_or((None, None));
        o.opt_u32(comma);
        o.opt_u32(dot);
        o.strs(&p.ids);
        o.u32s(&p.lines);
        o.strs(&p.channels);
        o.strs(&p.formats);
        o.counts(&p.channel_counts);
        o.counts(&p.format_counts);
        o.len(p.categories.len());
        for c in &p.categories {
            o.str(&c.name);
            o.strs(&c.levels);
            o.u32s(&c.codes);
        }
        o.opt_f64s(&p.recency);
        o.opt_f64s(&p.frequency);
        o.len(p.consents.len());
        for c in &p.consents {
            o.str(&c.name);
            o.flags(&c.values);
        }
        o.u64s(&rows.empties);
        o.u32s(&rows.totals_lines);
        o.strs(&rows.excluded_found);
        o.u64(rows.rows_read);
        o.u64(rows.rows_excluded);
        o.u64(rows.rows_skipped);
        o.len(rows.skipped.len());
        for s in &rows.skipped {
            o.u32(s.line);
            o.opt_str(s.column.as_deref());
            o.str(&s.code);
            o.str(&s.message);
        }
        let d = &rows.dialect;
        o.str(&d.source);
        o.opt_str(d.delimiter.as_deref());
        o.u8(d.decimal_comma as u8);
        o.u8(d.had_bom as u8);
        o.opt_str(d.encoding.as_deref());
        o.0
    }

    /// [`encode`]'s bytes back; None for anything else (truncated, or not a part).
    pub fn decode(bytes: &[u8]) -> Option<PartRead> {
        let mut i = In(bytes);
        if i.u32()? != MAGIC {
            return None;
        }
        let headers = i.strs()?;
        let bytes = i.u64()?;
        let newlines = i.u64()?;
        let delimiter = i.u8()?;
        let detected = i.bool()?;
        let (comma, dot) = (i.opt_u32()?, i.opt_u32()?);
        let facts = PartFacts { bytes, newlines, delimiter, decimal_evidence: detected.then_some((comma, dot)) };
        let ids = i.strs()?;
        let lines = i.u32s()?;
        let channels = i.strs()?;
        let formats = i.strs()?;
        let channel_counts = i.counts()?;
        let format_counts = i.counts()?;
        let n = i.len(8)?;
        let categories = (0..n)
            .map(|_| Some(CategoryColumn { name: i.str()?, levels: i.strs()?, codes: i.u32s()? }))
            .collect::<Option<Vec<_>>>()?;
        let recency = i.opt_f64s()?;
        let frequency = i.opt_f64s()?;
        let n = i.len(8)?;
        let consents = (0..n).map(|_| Some(FlagColumn { name: i.str()?, values: i.flags()? })).collect::<Option<Vec<_>>>()?;
        let profiles = Profiles { ids, lines, channels, formats, channel_counts, format_counts, categories, recency, frequency, consents };
        let empties = i.u64s()?;
        let totals_lines = i.u32s()?;
        let excluded_found = i.strs()?;
        let (rows_read, rows_excluded, rows_skipped) = (i.u64()?, i.u64()?, i.u64()?);
        let n = i.len(8)?;
        let skipped = (0..n)
            .map(|_| Some(SkippedRow { line: i.u32()?, column: i.opt_str()?, code: i.str()?, message: i.str()?, cell: None }))
            .collect::<Option<Vec<_>>>()?;
        let dialect = Dialect {
            source: i.str()?,
            delimiter: i.opt_str()?,
            decimal_comma: i.bool()?,
            had_bom: i.bool()?,
            encoding: i.opt_str()?,
            sheet: None,
            sheets: None,
        };
        if !i.0.is_empty() {
            return None;
        }
        let rows = RowsRead { profiles, empties, totals_lines, excluded_found, rows_read, rows_excluded, rows_skipped, skipped, dialect };
        Some(PartRead { headers, facts, rows })
    }
}
