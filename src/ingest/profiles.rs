//! Raw table + roles → typed [`Profiles`] and the [`ParseReport`].
//!
//! Every cell is checked against its column's role; the first bad cell stops the import with an
//! error that names its line and column. Rows whose id is on the exclusion list are dropped
//! before anything else looks at them (their other cells are not even validated).
//!
//! Numbers are parsed strictly ("reject rather than guess"):
//! - with a decimal comma (detected or forced), `3,5` is 3.5 and any `.` is rejected;
//! - without it, `3.5` is 3.5 and any `,` is rejected (`1,234` could be 1234 or 1.234);
//! - no thousands separators, no units or percent signs; `NaN`/`Infinity`/`inf` are not finite.

use super::roles::{ColumnRole, RoleMap};
use super::{CategoryColumn, ColumnUse, Dialect, FlagColumn, LevelIndex, OnError, ParseReport, Profiles, RawTable, SkippedRow};
use crate::error::{echo, Result, SegError};
use crate::limits;
use super::values::{read_id, Plan, RowPlans, RowScratch};
use std::borrow::Cow;
use std::collections::hash_map::Entry;
// FxHash instead of std's SipHash: ids and levels are hashed once per row (millions of times on a
// large file) and come from the user's own file, so DoS-resistant hashing buys nothing here.
// Only membership and lookups use these sets; nothing user-visible depends on their order.
use rustc_hash::{FxHashMap, FxHashSet};

/// Ids that look like the label of a spreadsheet totals row (compared lower-case).
const TOTALS_LABELS: [&str; 9] = [
    "total",
    "totals",
    "grand total",
    "sum",
    "summe",
    "gesamt",
    "insgesamt",
    "totaal",
    "totale",
];

/// Two line-ordered lists of skipped rows → one, capped at the listing limit.
fn merge_by_line(a: Vec<SkippedRow>, b: Vec<SkippedRow>) -> Vec<SkippedRow> {
    let mut out: Vec<SkippedRow> = a.into_iter().chain(b).collect();
    crate::sort::sort_by_key(&mut out, |s| s.line); // stable: equal lines keep their order
    out.truncate(limits::MAX_SKIPPED_LISTED);
    out
}

/// Validate every cell, apply exclusions, build the profiles and the report (first bad row fails).
pub fn build_profiles(
    table: RawTable,
    roles: &RoleMap,
    exclude: &[String],
) -> Result<(Profiles, ParseReport)> {
    build_profiles_with(table, roles, exclude, OnError::Fail)
}

/// [`build_profiles`] with a choice of what a bad row does: fail, or be skipped and reported.
/// In every mode `rows_read = rows_used + rows_excluded + rows_skipped`.
pub fn build_profiles_with(
    table: RawTable,
    roles: &RoleMap,
    exclude: &[String],
    on_error: OnError,
) -> Result<(Profiles, ParseReport)> {
    read_rows(table, roles, exclude, on_error)?.finish(roles, exclude)
}

/// What the row loop of [`build_profiles_with`] gathers: the profiles, and the tallies its
/// report and warnings are made from. Parts of one file read at the same time
/// ([`super::parts`]) are merged as these, then finished once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowsRead {
    pub profiles: Profiles,
    /// Empty cells per column of the header (0 for the columns no role reads).
    pub empties: Vec<u64>,
    /// Lines whose id looks like the label of a totals row.
    pub totals_lines: Vec<u32>,
    /// The ids of the exclusion list found in the rows (each once, sorted).
    pub excluded_found: Vec<String>,
    pub rows_read: u64,
    pub rows_excluded: u64,
    pub rows_skipped: u64,
    /// The first skipped rows, in line order (skip mode).
    pub skipped: Vec<SkippedRow>,
    pub dialect: Dialect,
}

/// The exclusion list as a set: trimmed, empty entries dropped.
fn exclusion_set(exclude: &[String]) -> FxHashSet<&str> {
    exclude.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect()
}

/// The columns of each role, in header order.
struct Plans<'a> {
    channels: Vec<Plan<'a>>,
    formats: Vec<Plan<'a>>,
    categories: Vec<Plan<'a>>,
    consents: Vec<Plan<'a>>,
    recency: Vec<Plan<'a>>,
    frequency: Vec<Plan<'a>>,
}

impl<'a> Plans<'a> {
    /// Empty cells per header column (`n_columns` of them), as the row loop counted them.
    fn empties(&self, n_columns: usize) -> Vec<u64> {
        let mut empties = vec![0u64; n_columns];
        let all = self.channels.iter().chain(&self.formats).chain(&self.categories).chain(&self.consents).chain(&self.recency).chain(&self.frequency);
        for plan in all {
            empties[plan.index] = plan.empties as u64;
        }
        empties
    }

    /// `empties`: per header column, from a finished row loop (None: all 0).
    fn new(roles: &'a RoleMap, empties: Option<&[u64]>) -> Self {
        let plans = |pred: &dyn Fn(&ColumnRole) -> bool| -> Vec<Plan<'a>> {
            roles
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| pred(&c.role))
                .map(|(index, col)| Plan {
                    index,
                    col,
                    empties: empties.and_then(|e| e.get(index)).map_or(0, |&n| n as usize),
                })
                .collect()
        };
        Plans {
            channels: plans(&|r| matches!(r, ColumnRole::Channel(_))),
            formats: plans(&|r| matches!(r, ColumnRole::Format(_))),
            categories: plans(&|r| *r == ColumnRole::Category),
            consents: plans(&|r| *r == ColumnRole::Consent),
            recency: plans(&|r| *r == ColumnRole::Recency),
            frequency: plans(&|r| *r == ColumnRole::Frequency),
        }
    }
}

/// Validate every cell and apply exclusions: the row loop of [`build_profiles_with`].
pub fn read_rows(table: RawTable, roles: &RoleMap, exclude: &[String], on_error: OnError) -> Result<RowsRead> {
    let id_index = id_column(&table, roles)?;
    let id_header = roles.columns[id_index].header.as_str();
    let dc = table.dialect.decimal_comma;

    let mut plans = Plans::new(roles, None);
    let mut p = empty_profiles(&plans, table.len());

    let excluded_ids = exclusion_set(exclude);
    let mut excluded_found: FxHashSet<String> = FxHashSet::default();

    let mut rows_excluded = 0usize;
    // Keyed by the id as it sits in the table (no copy per row).
    let mut first_seen: FxHashMap<Cow<str>, u32> = FxHashMap::with_capacity_and_hasher(table.len(), Default::default());
    let mut totals_lines: Vec<u32> = Vec::new();
    // Rows the reader already rejected (skip mode: wrong field count), then the ones found here.
    let read_skipped: Vec<SkippedRow> = table
        .skipped
        .iter()
        .take(limits::MAX_SKIPPED_LISTED)
        .map(SkippedRow::from_error)
        .collect();
    let mut rows_skipped = table.skipped.len();
    let rows_read = table.len() + rows_skipped;
    let mut listed: Vec<SkippedRow> = Vec::new();
    // Every row error passes here: from a worksheet, it names its cell (`HCPs!D17`).
    let mut skip = |e: SegError| -> Result<()> {
        let e = match &table.origin {
            Some(origin) => origin.locate(e, &table.headers, Some(id_index)),
            None => e,
        };
        match on_error {
            OnError::Fail => Err(e),
            OnError::Skip => {
                rows_skipped += 1;
                if listed.len() < limits::MAX_SKIPPED_LISTED {
                    listed.push(SkippedRow::from_error(&e));
                }
                Ok(())
            }
        }
    };
    let mut scratch = RowScratch::default();
    let mut level_index: Vec<LevelIndex> = plans.categories.iter().map(|_| LevelIndex::default()).collect();

    for r in 0..table.len() {
        let line = table.line(r);
        let row_cell = |j: usize| table.cell(r, j);

        // The id first: exclusions apply before anything else is read.
        let id = match read_id(row_cell(id_index), line, id_header) {
            Ok(id) => id,
            Err(e) => {
                skip(e)?;
                continue;
            }
        };
        if excluded_ids.contains(id.as_ref()) {
            rows_excluded += 1;
            excluded_found.insert(id.into_owned());
            continue;
        }
        // One lookup for the duplicate check and the insert: the map has a million entries,
        // and each probe is a cache miss. The vacant entry is filled only if the row is kept.
        let seen = match first_seen.entry(id) {
            Entry::Occupied(first) => {
                skip(SegError::DuplicateId {
                    line,
                    id: echo(first.key()),
                    first_line: *first.get(),
                })?;
                continue;
            }
            Entry::Vacant(seen) => seen,
        };
        let id = seen.key();
        // Every other cell is checked before anything is kept, so a skipped row leaves no trace.
        let columns = RowPlans {
            channels: &plans.channels,
            formats: &plans.formats,
            categories: &plans.categories,
            consents: &plans.consents,
            recency: plans.recency.first(),
            frequency: plans.frequency.first(),
        };
        if let Err(e) = scratch.read(row_cell, line, dc, &columns) {
            skip(e)?;
            continue;
        }

        keep_cells(&mut p, &mut plans, &mut scratch, &mut level_index);

        // The labels are ASCII, and no non-ASCII letter lower-cases to ASCII in them.
        if TOTALS_LABELS.iter().any(|l| l.eq_ignore_ascii_case(&id)) {
            // The id itself is not echoed: ids are opaque tokens.
            totals_lines.push(line);
        }
        p.ids.push(id.to_string());
        seen.insert(line);
        p.lines.push(line);
    }
    drop(skip);
    let skipped = merge_by_line(read_skipped, listed);
    let empties = plans.empties(roles.len());
    let mut excluded_found: Vec<String> = excluded_found.into_iter().collect();
    crate::sort::sort_by(&mut excluded_found, |a, b| a.cmp(b));
    Ok(RowsRead {
        profiles: p,
        empties,
        totals_lines,
        excluded_found,
        rows_read: rows_read as u64,
        rows_excluded: rows_excluded as u64,
        rows_skipped: rows_skipped as u64,
        skipped,
        dialect: table.dialect,
    })
}

/// The profiles' columns, named and empty, with room for `n_rows` rows.
fn empty_profiles(plans: &Plans, n_rows: usize) -> Profiles {
    let mut p = Profiles {
        channels: plans.channels.iter().map(|c| c.col.name.clone()).collect(),
        formats: plans.formats.iter().map(|c| c.col.name.clone()).collect(),
        categories: plans
            .categories
            .iter()
            .map(|c| CategoryColumn {
                name: c.col.name.clone(),
                ..Default::default()
            })
            .collect(),
        consents: plans
            .consents
            .iter()
            .map(|c| FlagColumn {
                name: c.col.name.clone(),
                values: Vec::new(),
            })
            .collect(),
        recency: plans.recency.first().map(|_| Vec::new()),
        frequency: plans.frequency.first().map(|_| Vec::new()),
        ..Profiles::default()
    };
    p.ids.reserve(n_rows);
    p.lines.reserve(n_rows);
    p.channel_counts.reserve(n_rows * plans.channels.len());
    p.format_counts.reserve(n_rows * plans.formats.len());
    for col in &mut p.categories {
        col.codes.reserve(n_rows);
    }
    p
}

/// A checked row's cells (in `scratch`) appended to the profiles, its empty cells counted per
/// column.
fn keep_cells(p: &mut Profiles, plans: &mut Plans, scratch: &mut RowScratch, level_index: &mut [LevelIndex]) {
    for (plan, &(v, was_empty)) in plans.channels.iter_mut().zip(&scratch.channels) {
        plan.empties += usize::from(was_empty);
        p.channel_counts.push(v);
    }
    for (plan, &(v, was_empty)) in plans.formats.iter_mut().zip(&scratch.formats) {
        plan.empties += usize::from(was_empty);
        p.format_counts.push(v);
    }
    for (((plan, out), index), value) in plans.categories.iter_mut().zip(p.categories.iter_mut()).zip(level_index.iter_mut()).zip(scratch.categories.drain(..)) {
        plan.empties += usize::from(value.is_none());
        let code = value.map_or(CategoryColumn::MISSING, |v| index.code(&mut out.levels, &v));
        out.codes.push(code);
    }
    for ((plan, out), &value) in plans.consents.iter_mut().zip(p.consents.iter_mut()).zip(&scratch.consents) {
        plan.empties += usize::from(value.is_none());
        out.values.push(value);
    }
    if let (Some(plan), Some(out)) = (plans.recency.first_mut(), p.recency.as_mut()) {
        plan.empties += usize::from(scratch.recency.is_none());
        out.push(scratch.recency);
    }
    if let (Some(plan), Some(out)) = (plans.frequency.first_mut(), p.frequency.as_mut()) {
        plan.empties += usize::from(scratch.frequency.is_none());
        out.push(scratch.frequency);
    }
}

/// The id column's index, once the role map is checked against the table's header.
fn id_column(table: &RawTable, roles: &RoleMap) -> Result<usize> {
    if roles.len() != table.headers.len() {
        return Err(SegError::option(
            "columns",
            format!(
                "the role map has {} columns but the table has {}; assign roles for this table's header",
                roles.len(),
                table.headers.len()
            ),
        ));
    }
    roles.id_index().ok_or_else(|| SegError::MissingIdColumn {
        expected: "hcp_id".to_string(),
        found: super::roles::list_columns(&table.headers),
    })
}

impl RowsRead {
    /// The checks that need every row (category levels), the warnings and the report.
    pub fn finish(self, roles: &RoleMap, exclude: &[String]) -> Result<(Profiles, ParseReport)> {
        let RowsRead { profiles: p, empties, totals_lines, excluded_found, rows_read, rows_excluded, rows_skipped, skipped, dialect } = self;
        let Plans { channels, formats, categories, consents, recency, frequency } = Plans::new(roles, Some(&empties));
        // A category with thousands of levels is an id or free text: refuse it before features.
        for (plan, col) in categories.iter().zip(&p.categories) {
            let distinct = col.levels.len() as u64;
            if distinct > limits::MAX_CATEGORY_LEVELS as u64 {
                let n = col.codes.len() as u64;
                return Err(SegError::TooManyLevels {
                    column: echo(&plan.col.header),
                    found: distinct,
                    limit: limits::MAX_CATEGORY_LEVELS as u64,
                    detail: format!(
                        "{n} rows; one-hot encoding it would take more than {} MB",
                        limits::megabytes(n.saturating_mul(distinct).saturating_mul(8))
                    ),
                });
            }
        }

        let n = p.ids.len();
        let mut warnings = Vec::new();
        if n == 0 {
            warnings.push("every row was excluded: there is nothing left to segment".to_string());
        }
        for (kind, plans, names, counts) in [
            ("channel", &channels, &p.channels, &p.channel_counts),
            ("format", &formats, &p.formats, &p.format_counts),
        ] {
            let width = names.len();
            for (j, plan) in plans.iter().enumerate() {
                if n > 0 && (0..n).all(|i| counts.get(i * width + j) == 0.0) {
                    warnings.push(format!("{kind} `{}` is all zeros", echo(&names[j])));
                }
                if plan.empties > 0 && plan.empties < n {
                    warnings.push(format!(
                        "column `{}`: {} of {} cells are empty and were read as 0",
                        echo(&plan.col.header),
                        plan.empties,
                        n
                    ));
                }
            }
        }
        for plan in categories
            .iter()
            .chain(&consents)
            .chain(&recency)
            .chain(&frequency)
        {
            if n > 0 && plan.empties == n {
                warnings.push(format!(
                    "column `{}` is empty in every row",
                    echo(&plan.col.header)
                ));
            } else if n > 0 && plan.empties * 2 > n {
                warnings.push(format!(
                    "column `{}` is empty in {} of {} rows",
                    echo(&plan.col.header),
                    plan.empties,
                    n
                ));
            }
        }
        for line in &totals_lines {
            warnings.push(format!(
                "line {line}: the id looks like the label of a totals row; it is read as an HCP (remove the row if it is a total)"
            ));
        }
        let exclusions_not_found = exclusion_set(exclude).len().saturating_sub(excluded_found.len());
        if exclusions_not_found > 0 {
            warnings.push(format!(
                "{exclusions_not_found} id(s) on the exclusion list were not in the input"
            ));
        }

        let to_u32 = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        let report = ParseReport {
            rows_read: to_u32(rows_read as usize),
            rows_excluded: to_u32(rows_excluded as usize),
            rows_used: to_u32(n),
            rows_skipped: to_u32(rows_skipped as usize),
            skipped,
            exclusions_not_found: to_u32(exclusions_not_found),
            columns: roles
                .columns
                .iter()
                .map(|c| ColumnUse {
                    name: c.header.clone(),
                    role: c.role.kind().to_string(),
                    source: c.source.to_string(),
                })
                .collect(),
            channels: p.channels.clone(),
            formats: p.formats.clone(),
            categories: p.categories.iter().map(|c| c.name.clone()).collect(),
            ignored: roles
                .columns
                .iter()
                .filter(|c| c.role == ColumnRole::Ignore)
                .map(|c| c.header.clone())
                .collect(),
            dialect,
            warnings,
        };
        Ok((p, report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::values::{parse_number_text, trim, Num};
    use crate::ingest::{csv::read_csv, ingest_csv, roles::assign_roles, Cell, IngestOptions};
    use std::collections::BTreeMap;

    fn run(text: &str) -> Result<(Profiles, ParseReport)> {
        ingest_csv(text, &IngestOptions::default())
    }

    fn err(text: &str) -> (String, Option<u32>, Option<String>) {
        let e = run(text).unwrap_err();
        (
            e.code().to_string(),
            e.line(),
            e.column().map(str::to_string),
        )
    }

    fn at(code: &str, line: u32, column: &str) -> (String, Option<u32>, Option<String>) {
        (code.to_string(), Some(line), Some(column.to_string()))
    }

    #[test]
    fn builds_profiles() {
        let (p, r) = run(
            "hcp_id,ch_x,fmt_y,specialty,rx_decile,days_since_last,active_weeks,consent_email,name\n\
             a,1.5,,onc,03,10,4,yes,Dr A\n\
             b,0,2,,,,,N,Dr B\n",
        )
        .unwrap();
        assert_eq!(p.ids, vec!["a", "b"]);
        assert_eq!(p.lines, vec![2, 3]);
        assert_eq!(p.channels, vec!["x"]);
        assert_eq!(p.formats, vec!["y"]);
        assert_eq!(p.channel_counts, vec![1.5, 0.0]);
        assert_eq!(p.format_counts, vec![0.0, 2.0]);
        assert_eq!(
            p.category("specialty").unwrap().values().map(|v| v.map(str::to_string)).collect::<Vec<_>>(),
            vec![Some("onc".to_string()), None]
        );
        assert_eq!(
            p.category("rx_decile").unwrap().values().map(|v| v.map(str::to_string)).collect::<Vec<_>>(),
            vec![Some("3".to_string()), None]
        );
        assert_eq!(p.recency, Some(vec![Some(10.0), None]));
        assert_eq!(p.frequency, Some(vec![Some(4.0), None]));
        assert_eq!(p.consents[0].values, vec![Some(true), Some(false)]);
        assert_eq!(r.rows_read, 2);
        assert_eq!(r.rows_used, 2);
        assert_eq!(r.ignored, vec!["name"]);
        assert_eq!(r.categories, vec!["specialty", "rx_decile"]);
        assert_eq!(r.columns[0].role, "id");
        assert!(
            r.warnings.iter().any(|w| w.contains("`fmt_y`: 1 of 2")),
            "{:?}",
            r.warnings
        );
    }

    #[test]
    fn cell_errors() {
        assert_eq!(err("hcp_id,ch_x\na,1\n,2\n"), at("MISSING_ID", 3, "hcp_id"));
        // DuplicateId carries no column (the id column is implied).
        assert_eq!(
            err("hcp_id,ch_x\na,1\na,2\n"),
            ("DUPLICATE_ID".to_string(), Some(3), None)
        );
        assert_eq!(err("hcp_id,ch_x\na,abc\n"), at("INVALID_VALUE", 2, "ch_x"));
        assert_eq!(err("hcp_id,ch_x\na,-1\n"), at("NEGATIVE_COUNT", 2, "ch_x"));
        assert_eq!(err("hcp_id,ch_x\na,NaN\n"), at("NON_FINITE", 2, "ch_x"));
        assert_eq!(
            err("hcp_id,ch_x\na,-Infinity\n"),
            at("NON_FINITE", 2, "ch_x")
        );
        assert_eq!(err("hcp_id,ch_x\na,1e999\n"), at("NON_FINITE", 2, "ch_x"));
        assert_eq!(
            err("hcp_id,ch_x\na,\"1,234\"\n"),
            at("INVALID_VALUE", 2, "ch_x")
        );
        assert_eq!(
            err("hcp_id,ch_x,days_since_last\na,1,366\n"),
            at("INVALID_VALUE", 2, "days_since_last")
        );
        assert_eq!(
            err("hcp_id,ch_x,active_weeks\na,1,2.5\n"),
            at("INVALID_VALUE", 2, "active_weeks")
        );
        assert_eq!(
            err("hcp_id,ch_x,rx_decile\na,1,0\n"),
            at("INVALID_VALUE", 2, "rx_decile")
        );
        assert_eq!(
            err("hcp_id,ch_x,consent_email\na,1,maybe\n"),
            at("INVALID_VALUE", 2, "consent_email")
        );
    }

    #[test]
    fn decimal_comma_numbers() {
        let (p, r) = run("hcp_id;ch_x;days_since_last\na;3,5;7\nb;0,25;\n").unwrap();
        assert!(r.dialect.decimal_comma);
        assert_eq!(p.channel_counts, vec![3.5, 0.25]);
        // With a decimal comma, a `.` is rejected rather than read as a thousands separator.
        let opts = IngestOptions {
            decimal_comma: Some(true),
            ..Default::default()
        };
        let e = ingest_csv("hcp_id;ch_x\na;1.234\n", &opts).unwrap_err();
        assert_eq!(
            (e.code(), e.line(), e.column()),
            ("INVALID_VALUE", Some(2), Some("ch_x"))
        );
        // `;` file without decimal comma: `1,234` is ambiguous.
        let opts = IngestOptions {
            decimal_comma: Some(false),
            ..Default::default()
        };
        let e = ingest_csv("hcp_id;ch_x\na;1,234\n", &opts).unwrap_err();
        assert_eq!(
            (e.code(), e.line(), e.column()),
            ("INVALID_VALUE", Some(2), Some("ch_x"))
        );
    }

    #[test]
    fn exclusions_come_first() {
        // b's bad cell is never read: the row is excluded before validation.
        let opts = IngestOptions {
            exclude: vec!["b".into(), " c ".into(), "zz".into(), "zz".into()],
            ..Default::default()
        };
        let (p, r) = ingest_csv("hcp_id,ch_x\na,1\nb,oops\nc,2\nc,3\n", &opts).unwrap();
        assert_eq!(p.ids, vec!["a"]);
        assert_eq!(
            (
                r.rows_read,
                r.rows_used,
                r.rows_excluded,
                r.exclusions_not_found
            ),
            (4, 1, 3, 1)
        );
        assert!(
            r.warnings.iter().all(|w| !w.contains("zz")),
            "ids must not be echoed in warnings"
        );
    }

    #[test]
    fn warnings() {
        let (_, r) = run("hcp_id,ch_x,ch_esanum,region\na,1,0,\nb,2,,\n").unwrap();
        assert!(
            r.warnings
                .contains(&"channel `esanum` is all zeros".to_string()),
            "{:?}",
            r.warnings
        );
        assert!(
            r.warnings
                .contains(&"column `region` is empty in every row".to_string()),
            "{:?}",
            r.warnings
        );
    }

    #[test]
    fn record_cells() {
        use crate::ingest::records::read_records;
        let t = read_records(vec![
            vec![
                ("hcp_id".into(), Cell::Number(17.0)),
                ("ch_x".into(), Cell::Number(2.0)),
                ("consent_email".into(), Cell::Bool(true)),
                ("rx_decile".into(), Cell::Number(4.0)),
            ],
            vec![
                ("hcp_id".into(), Cell::Text("b".into())),
                ("ch_x".into(), Cell::Number(f64::NAN)),
            ],
        ])
        .unwrap();
        let roles = assign_roles(&t.headers, &BTreeMap::new()).unwrap();
        let e = build_profiles(t.clone(), &roles, &[]).unwrap_err();
        assert_eq!(
            (e.code(), e.line(), e.column()),
            ("NON_FINITE", Some(3), Some("ch_x"))
        );
        let (p, _) = build_profiles(t, &roles, &["b".to_string()]).unwrap();
        assert_eq!(p.ids, vec!["17"]);
        assert_eq!(p.consents[0].values, vec![Some(true)]);
        assert_eq!(
            p.category("rx_decile").unwrap().values().map(|v| v.map(str::to_string)).collect::<Vec<_>>(),
            vec![Some("4".to_string())]
        );
    }

    #[test]
    fn fast_trim_and_integer_path_match_std() {
        for s in ["", " ", "a", " a", "a ", "\u{b}a\u{b}", "\u{a0}x", "x\u{3000}", "\u{1c}a\u{1f}", "é", "\ta\r", "ab"] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
        for t in ["0", "7", "0007", "365", "999999999999999", "123456789012345", "9999999999999999", "1234567890123456789"] {
            let std = t.parse::<f64>().unwrap();
            for dc in [false, true] {
                match parse_number_text(t, dc) {
                    Num::Value(v) => assert_eq!(v.to_bits(), std.to_bits(), "{t}"),
                    _ => panic!("{t} not a value"),
                }
            }
        }
    }

    #[test]
    fn role_map_must_match_table() {
        let t = read_csv("hcp_id,ch_x\na,1\n", &IngestOptions::default()).unwrap();
        let roles = assign_roles(
            &["hcp_id".to_string(), "ch_x".to_string(), "ch_y".to_string()],
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(
            build_profiles(t, &roles, &[]).unwrap_err().code(),
            "INVALID_OPTION"
        );
    }
}
