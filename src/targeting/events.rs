//! Event logs → HCP profiles for a window `[from, to)`.
//!
//! Input: CSV text with one row per engagement, `hcp_id, timestamp, channel, format, action`
//! (column names mappable; header names are normalised like the profile CSV's). Output: one row
//! per HCP with at least one counted event in the window, in the wide profile layout the rest of
//! the crate reads (`ch_<channel>`, `fmt_<format>`, `days_since_last`, `active_weeks`, plus the
//! carried profile columns), as a [`RawTable`] that [`EventAggregate::to_profiles`] types and
//! validates, or as CSV text ([`EventAggregate::to_csv`]).
//!
//! Rules (also in `js/types.d.ts`):
//! - **Streaming**: one `csv::Reader` pass over the text, per-HCP counters in a `HashMap`; no
//!   event is kept. Memory is O(HCPs × (channels + formats)), not O(events). When `to` is not
//!   given, a first pass reads only the timestamp column to find the latest event.
//! - **Timestamps**: ISO-8601 `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` (`T` or a space), with
//!   `Z` or `±HH:MM` / `±HHMM` (no offset = UTC); or unix seconds (an integer or decimal number;
//!   numbers ≥ 10^11 are taken as unix *milliseconds*). Anything else is `INVALID_VALUE` with
//!   line and column.
//! - **Window**: events with `from ≤ t < to` count. `to` defaults to midnight UTC after the latest
//!   event, `from` to no lower bound.
//! - **Counts**: each counted event adds 1 to `ch_<channel>` and 1 to `fmt_<format>` (an empty
//!   channel or format adds to the other only; both empty is an error). Names are normalised
//!   (lower case, spaces/hyphens → `_`, a leading `ch_`/`fmt_` dropped).
//! - **Actions**: by default every action counts except delivery/impression/open events (see
//!   [`DEFAULT_IGNORED_ACTIONS`]: email opens are inflated by Apple Mail privacy protection);
//!   `countActions` restricts counting to a list instead. Ignored events change nothing.
//! - **Recency**: `days_since_last` = whole days from the latest counted event to `to`, capped at
//!   365 (the profile column's range; the report says how many were capped).
//! - **Frequency**: `active_weeks` = distinct ISO weeks (Monday-based, UTC) with a counted event
//!   among the 12 ISO weeks that end with the week holding the last instant before `to` (0-12).
//!   With `to` on a Monday 00:00 these are the 12 complete weeks before `to`.
//! - **Carried columns** (specialty, country, region, practice_setting, access_level,
//!   funnel_stage, rx_decile, consent_*; or any column mapped to `attribute`): the value on the
//!   HCP's *latest* event wins (ties: the later row); empty cells never overwrite. They are
//!   validated when the table is typed, and an error there names the HCP's first event line.
//!   A separate profile file is not needed: hosts that have one can join it on `hcp_id`
//!   themselves or keep the attributes in the log. Every other column is ignored and reported.
//! - **Exclusions** (GDPR Art. 21): events of excluded ids are skipped before anything else.

use crate::error::{echo, Result, SegError};
use crate::ingest::roles::normalise;
use crate::ingest::{ingest_table, Cell, Dialect, IngestOptions, ParseReport, Profiles, RawRow, RawTable};
use serde::{Deserialize, Serialize};
use super::event_columns::{assign_roles, Role};
use super::event_time::DAY;
pub use super::event_columns::event_log_header;
pub use super::event_time::{days_from_civil, format_utc, parse_timestamp, week_of};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Actions that do not count by default (delivery, impressions, opens).
pub const DEFAULT_IGNORED_ACTIONS: &[&str] =
    &["open", "opened", "email_open", "impression", "impressions", "delivered", "sent", "send", "bounce", "bounced"];

/// Recency cap (the profile column's range).
pub const MAX_RECENCY_DAYS: i64 = 365;
/// Weeks looked back for `active_weeks`.
pub const ACTIVE_WEEKS: i64 = 12;

const EXPECT_TIME: &str = "an ISO-8601 date/time (2025-03-14, 2025-03-14T09:30:00Z, …) or unix seconds";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EventOptions {
    /// Column name → role: `id`, `timestamp`, `channel`, `format`, `action`, `attribute`, `ignore`.
    pub columns: BTreeMap<String, String>,
    /// Window start (inclusive), same formats as timestamps. Default: no lower bound.
    pub from: Option<String>,
    /// Window end (exclusive). Default: midnight UTC after the latest event.
    pub to: Option<String>,
    /// Only these actions count (normalised names). Default: all but `ignoreActions`.
    pub count_actions: Option<Vec<String>>,
    /// Actions that never count. Default [`DEFAULT_IGNORED_ACTIONS`].
    pub ignore_actions: Vec<String>,
    /// Force the delimiter (",", ";", "\t"); detected from the header by default.
    pub delimiter: Option<String>,
    /// hcp_ids whose events are skipped (objections to profiling).
    pub exclude: Vec<String>,
    /// Force the encoding of a log given as bytes ("utf-8", "utf-16le", "utf-16be",
    /// "windows-1252"); detected when absent, as for profile files (`ingest::encoding`).
    pub encoding: Option<String>,
    /// Which sheet of a workbook holds the log: its name, or its 0-based index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<crate::ingest::SheetChoice>,
}

impl Default for EventOptions {
    fn default() -> Self {
        EventOptions {
            columns: BTreeMap::new(),
            from: None,
            to: None,
            count_actions: None,
            ignore_actions: DEFAULT_IGNORED_ACTIONS.iter().map(|s| s.to_string()).collect(),
            delimiter: None,
            exclude: Vec::new(),
            encoding: None,
            sheet: None,
        }
    }
}

/// What the aggregation read, counted and skipped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventReport {
    pub events_read: u64,
    pub events_counted: u64,
    pub events_outside_window: u64,
    pub events_ignored_action: u64,
    pub events_excluded: u64,
    pub hcps: u32,
    /// The window as applied, ISO-8601 UTC (`from` null when unbounded).
    pub from: Option<String>,
    pub to: String,
    pub channels: Vec<String>,
    pub formats: Vec<String>,
    /// Profile columns carried from the log.
    pub carried: Vec<String>,
    /// Columns not used (data minimisation).
    pub ignored: Vec<String>,
    /// HCPs whose days_since_last was capped at 365.
    pub recency_capped: u32,
    /// The encoding the log's bytes were decoded with; null when it was given as text.
    #[serde(default)]
    pub encoding: Option<String>,
    /// How the log was read, where it was guessed (an encoding).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// The aggregated profiles (untyped) and the report.
#[derive(Debug, Clone)]
pub struct EventAggregate {
    pub table: RawTable,
    pub report: EventReport,
}

impl EventAggregate {
    /// Wide profile CSV (the plain dialect of [`crate::export`]: comma-separated, quoted where
    /// needed, formula-like text neutralised).
    pub fn to_csv(&self) -> String {
        crate::export::tables::plain_csv(&crate::export::tables::raw_table(&self.table))
    }

    /// Typed, validated profiles (errors in carried columns name the HCP's first event line).
    pub fn to_profiles(&self) -> Result<(Profiles, ParseReport)> {
        ingest_table(self.table.clone(), &IngestOptions::default())
    }
}

// ---- aggregation ----------------------------------------------------------------------------

/// Per-HCP counters.
struct Acc {
    first_line: u32,
    channels: Vec<u32>,
    formats: Vec<u32>,
    last: i64,
    /// Bit w: activity in the w-th ISO week before (and including) the week of `to − 1 s`.
    weeks: u16,
    /// Per carried column: (timestamp, value) of the latest non-empty value.
    attrs: Vec<Option<(i64, String)>>,
}

/// Interned names (channel or format) in order of first appearance.
#[derive(Default)]
struct Names {
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl Names {
    fn get(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }
}

fn detect_delimiter(text: &str, forced: Option<&str>) -> Result<u8> {
    if let Some(f) = forced {
        return match f {
            "," => Ok(b','),
            ";" => Ok(b';'),
            "\t" | "tab" => Ok(b'\t'),
            other => Err(SegError::option("delimiter", format!("must be \",\", \";\" or \"\\t\", got `{}`", echo(other)))),
        };
    }
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| header.matches(c).count();
    Ok([(b',', count(',')), (b';', count(';')), (b'\t', count('\t'))].into_iter().max_by_key(|&(_, n)| n).map_or(b',', |(d, _)| d))
}

fn clean_name(raw: &str, prefix: &str) -> String {
    let n = normalise(raw);
    n.strip_prefix(prefix).filter(|x| !x.is_empty()).map(str::to_string).unwrap_or(n)
}

fn line_of(record: &csv::StringRecord) -> u32 {
    record.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX))
}

fn csv_err(e: csv::Error) -> SegError {
    let line = e.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            SegError::FieldCount { line, expected: *expected_len as u32, found: *len as u32 }
        }
        _ => SegError::CsvSyntax { line, message: e.to_string() },
    }
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().delimiter(delimiter).trim(csv::Trim::All).from_reader(text.as_bytes())
}

fn parse_window_bound(value: &Option<String>, option: &str) -> Result<Option<i64>> {
    match value {
        None => Ok(None),
        Some(s) => parse_timestamp(s)
            .map(Some)
            .ok_or_else(|| SegError::option(option, format!("`{}` is not {EXPECT_TIME}", echo(s)))),
    }
}

/// An event log given as a file's bytes, decoded by the same rules as profile files
/// ([`crate::ingest::encoding`]), then [`aggregate_events`]. A workbook's sheet (or the table the
/// workbook module made of it) is aggregated from its cells written as CSV, so its errors name
/// CSV lines: the sheet's rows counted from its header.
pub fn aggregate_event_bytes(bytes: Vec<u8>, options: &EventOptions) -> Result<EventAggregate> {
    use crate::ingest::{source, table_wire, workbook};
    if bytes.starts_with(table_wire::MAGIC) || workbook::container_of(&bytes).is_some() {
        let ingest = crate::ingest::IngestOptions { sheet: options.sheet.clone(), ..Default::default() };
        let table = source::read_bytes(bytes, &ingest)?;
        let text = crate::export::tables::plain_csv(&crate::export::tables::raw_table(&table));
        let mut agg = aggregate_events(&text, options)?;
        agg.report.warnings.splice(0..0, table.warnings.iter().cloned());
        return Ok(agg);
    }
    let decoded = crate::ingest::encoding::decode(bytes, options.encoding.as_deref())?;
    let mut agg = aggregate_events(&decoded.text, options)?;
    let label = decoded.encoding.label().to_string();
    agg.report.encoding = Some(label.clone());
    agg.report.warnings.extend(decoded.warning.clone());
    agg.table.dialect.encoding = Some(label);
    agg.table.warnings.extend(decoded.warning);
    Ok(agg)
}

/// Aggregate an event log into per-HCP profiles for the window (see the module notes).
pub fn aggregate_events(text: &str, options: &EventOptions) -> Result<EventAggregate> {
    if let Some(label) = &options.encoding {
        // Text is decoded already; a misspelt option is still an error.
        crate::ingest::encoding::Encoding::from_option(label)?;
    }
    let had_bom = text.starts_with('\u{feff}');
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(SegError::EmptyInput { what: "the event log has no header and no rows".into() });
    }
    let delimiter = detect_delimiter(text, options.delimiter.as_deref())?;
    let mut rdr = reader(text, delimiter);
    let headers: Vec<String> = rdr.headers().map_err(csv_err)?.iter().map(str::to_string).collect();
    let roles = assign_roles(&headers, &options.columns)?;
    let find = |r: Role| roles.iter().position(|&x| x == r);
    let id_col = find(Role::Id).ok_or_else(|| SegError::MissingIdColumn {
        expected: "hcp_id".into(),
        found: crate::ingest::roles::list_columns(&headers),
    })?;
    let time_col = find(Role::Time).ok_or_else(|| {
        SegError::option("columns", format!("no timestamp column; map one with columns: {{\"<name>\": \"timestamp\"}}. Columns found: {}", crate::ingest::roles::list_columns(&headers)))
    })?;
    let (channel_col, format_col, action_col) = (find(Role::Channel), find(Role::Format), find(Role::Action));
    if channel_col.is_none() && format_col.is_none() {
        return Err(SegError::NoFeatures);
    }
    let attr_cols: Vec<usize> = (0..headers.len()).filter(|&i| roles[i] == Role::Attribute).collect();

    let from = parse_window_bound(&options.from, "from")?;
    let to = match parse_window_bound(&options.to, "to")? {
        Some(t) => t,
        None => {
            // First pass: the latest timestamp (timestamps are validated here already).
            let mut latest: Option<i64> = None;
            let mut r2 = reader(text, delimiter);
            let mut rec = csv::StringRecord::new();
            while r2.read_record(&mut rec).map_err(csv_err)? {
                let cell = rec.get(time_col).unwrap_or("");
                let t = parse_timestamp(cell).ok_or_else(|| bad_time(&rec, &headers[time_col], cell))?;
                latest = Some(latest.map_or(t, |l: i64| l.max(t)));
            }
            match latest {
                Some(l) => (l.div_euclid(DAY) + 1) * DAY,
                None => return Err(SegError::EmptyInput { what: "the event log has a header but no events".into() }),
            }
        }
    };
    if from.is_some_and(|f| f >= to) {
        return Err(SegError::option("from", "must be before `to`"));
    }
    let last_week = week_of(to - 1);

    let excluded: HashSet<&str> = options.exclude.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    let count_only: Option<HashSet<String>> = options.count_actions.as_ref().map(|v| v.iter().map(|a| normalise(a)).collect());
    let ignored: HashSet<String> = options.ignore_actions.iter().map(|a| normalise(a)).collect();

    let mut report = EventReport::default();
    let mut channels = Names::default();
    let mut formats = Names::default();
    let mut accs: HashMap<String, Acc> = HashMap::new();
    let mut rec = csv::StringRecord::new();
    while rdr.read_record(&mut rec).map_err(csv_err)? {
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        report.events_read += 1;
        let line = line_of(&rec);
        let id = rec.get(id_col).unwrap_or("");
        if id.is_empty() {
            return Err(SegError::MissingId { line, column: echo(&headers[id_col]) });
        }
        if excluded.contains(id) {
            report.events_excluded += 1;
            continue;
        }
        let cell = rec.get(time_col).unwrap_or("");
        let t = parse_timestamp(cell).ok_or_else(|| bad_time(&rec, &headers[time_col], cell))?;
        let channel = channel_col.map(|c| clean_name(rec.get(c).unwrap_or(""), "ch_")).unwrap_or_default();
        let format = format_col.map(|c| clean_name(rec.get(c).unwrap_or(""), "fmt_")).unwrap_or_default();
        if channel.is_empty() && format.is_empty() {
            let col = channel_col.or(format_col).unwrap_or(0);
            return Err(SegError::InvalidValue {
                line,
                column: echo(&headers[col]),
                value: String::new(),
                expected: "a channel or a format (both are empty)".into(),
            });
        }
        if t >= to || from.is_some_and(|f| t < f) {
            report.events_outside_window += 1;
            continue;
        }
        if let Some(a) = action_col {
            let action = normalise(rec.get(a).unwrap_or(""));
            let counts = match &count_only {
                Some(only) => only.contains(&action),
                None => !ignored.contains(&action),
            };
            if !counts {
                report.events_ignored_action += 1;
                continue;
            }
        }
        report.events_counted += 1;
        let acc = accs.entry(id.to_string()).or_insert_with(|| Acc {
            first_line: line,
            channels: Vec::new(),
            formats: Vec::new(),
            last: i64::MIN,
            weeks: 0,
            attrs: vec![None; attr_cols.len()],
        });
        for (name, names, counts) in [(&channel, &mut channels, &mut acc.channels), (&format, &mut formats, &mut acc.formats)] {
            if !name.is_empty() {
                let j = names.get(name);
                if counts.len() <= j {
                    counts.resize(j + 1, 0);
                }
                counts[j] += 1;
            }
        }
        acc.last = acc.last.max(t);
        let back = last_week - week_of(t);
        if (0..ACTIVE_WEEKS).contains(&back) {
            acc.weeks |= 1 << back;
        }
        for (slot, &c) in acc.attrs.iter_mut().zip(&attr_cols) {
            let v = rec.get(c).unwrap_or("");
            if !v.is_empty() && slot.as_ref().is_none_or(|(lt, _)| t >= *lt) {
                *slot = Some((t, v.to_string()));
            }
        }
    }
    if accs.is_empty() {
        return Err(SegError::EmptyInput { what: format!("no counted events in the window (read {}, outside the window {}, ignored actions {}, excluded {})", report.events_read, report.events_outside_window, report.events_ignored_action, report.events_excluded) });
    }

    // Columns sorted by name, so two periods of the same log line up.
    let sorted = |n: &Names| -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = n.names.iter().cloned().zip(0..).collect();
        crate::sort::sort(&mut v);
        v
    };
    let (ch, fm) = (sorted(&channels), sorted(&formats));
    let mut out_headers = vec!["hcp_id".to_string()];
    out_headers.extend(attr_cols.iter().map(|&c| normalise(&headers[c])));
    out_headers.extend(ch.iter().map(|(n, _)| format!("ch_{n}")));
    out_headers.extend(fm.iter().map(|(n, _)| format!("fmt_{n}")));
    out_headers.push("days_since_last".into());
    out_headers.push("active_weeks".into());

    let mut hcps: Vec<(String, Acc)> = accs.into_iter().collect();
    crate::sort::sort_by_key(&mut hcps, |(_, a)| a.first_line);
    let num = |v: u32| Cell::Text(v.to_string());
    let rows: Vec<RawRow> = hcps
        .into_iter()
        .map(|(id, a)| {
            let mut cells = vec![Cell::Text(id)];
            cells.extend(a.attrs.into_iter().map(|v| v.map_or(Cell::Empty, |(_, s)| Cell::Text(s))));
            cells.extend(ch.iter().map(|&(_, j)| num(a.channels.get(j).copied().unwrap_or(0))));
            cells.extend(fm.iter().map(|&(_, j)| num(a.formats.get(j).copied().unwrap_or(0))));
            let days = (to - a.last).div_euclid(DAY);
            if days > MAX_RECENCY_DAYS {
                report.recency_capped += 1;
            }
            cells.push(num(days.min(MAX_RECENCY_DAYS) as u32));
            cells.push(num(a.weeks.count_ones()));
            RawRow { line: a.first_line, cells }
        })
        .collect();

    report.hcps = rows.len() as u32;
    report.from = from.map(format_utc);
    report.to = format_utc(to);
    report.channels = ch.into_iter().map(|(n, _)| n).collect();
    report.formats = fm.into_iter().map(|(n, _)| n).collect();
    report.carried = attr_cols.iter().map(|&c| normalise(&headers[c])).collect();
    report.ignored = (0..headers.len()).filter(|&i| roles[i] == Role::Ignore).map(|i| headers[i].clone()).collect();
    let table = RawTable {
        headers: out_headers,
        rows,
        cells: None,
        skipped: Vec::new(),
        dialect: Dialect { source: "events".into(), delimiter: Some((delimiter as char).to_string()), decimal_comma: false, had_bom, ..Dialect::default() },
        ..Default::default()
    };
    Ok(EventAggregate { table, report })
}

fn bad_time(rec: &csv::StringRecord, column: &str, value: &str) -> SegError {
    SegError::InvalidValue { line: line_of(rec), column: echo(column), value: echo(value), expected: EXPECT_TIME.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("1970-01-01"), Some(0));
        assert_eq!(parse_timestamp("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        assert_eq!(parse_timestamp("2024-02-29 13:00:00+01:00"), Some(1_709_208_000));
        assert_eq!(parse_timestamp("2024-02-29T07:00-0500"), Some(1_709_208_000));
        assert_eq!(parse_timestamp("2024-02-29T12:00:00.123Z"), Some(1_709_208_000));
        assert_eq!(parse_timestamp("1709208000"), Some(1_709_208_000));
        assert_eq!(parse_timestamp("1709208000.9"), Some(1_709_208_000));
        assert_eq!(parse_timestamp("1709208000000"), Some(1_709_208_000));
        for bad in ["", "2023-02-29", "2024-13-01", "2024-01-01T25:00", "yesterday", "2024-01-01T10:00+1", "1-2"] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        assert_eq!(format_utc(1_709_208_000), "2024-02-29T12:00:00Z");
        // 2024-01-01 is a Monday: it starts a new ISO week; the Sunday before is in the previous.
        let mon = parse_timestamp("2024-01-01").unwrap();
        assert_eq!(week_of(mon), week_of(mon + 6 * DAY + 86_399));
        assert_eq!(week_of(mon) - 1, week_of(mon - 1));
    }
}
