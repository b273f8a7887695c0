//! The exports as [`Table`]s (numbers as numbers; the writer decides how they look).
//!
//! | export | columns |
//! |---|---|
//! | assignments | `hcp_id, segment, segment_name, confidence, distance` |
//! | target list | `hcp_id, segment, segment_name, confidence[, cell][, specialty][, country], consent_*…` |
//! | test cells | `hcp_id, segment, cell, <stratification columns…>` |
//! | look-alikes | `rank, hcp_id, score, coverage, nearest_segment, drivers` |
//! | event profiles | the aggregated profile columns (`hcp_id, ch_*, fmt_*, …`) |
//! | channel plan | `segment, segment_name, channel, index, reachable, reachable_share, priority, weight, multiplier, observed_rate, impressions, amount, share` |
//! | segment summary | see [`super::summary`] |

use super::csv::{CsvFormat, Table, Value};
use crate::error::{echo, Result, SegError};
use crate::ingest::{CellRef, Profiles, RawTable};
use crate::privacy::{pseudonym, Pseudonymize};
use crate::segments::{Assignment, Segment};
use crate::targeting::cells::TestCells;
use crate::targeting::lookalike::LookalikeResult;
use crate::targeting::plan::ChannelPlan;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Decimals of confidence and distance in the assignment exports.
const MEMBER_DECIMALS: u8 = 6;

/// Segment id → persona name (from a result's segments, or names the user edited).
pub fn segment_names(segments: &[Segment]) -> BTreeMap<u32, String> {
    segments.iter().map(|s| (s.id, s.name.clone())).collect()
}

fn name_of(names: &BTreeMap<u32, String>, segment: u32) -> Value {
    names.get(&segment).map_or(Value::Empty, |n| Value::text(n.as_str()))
}

/// `hcp_id, segment, segment_name, distance, confidence`, one row per HCP (the CLI's
/// `--assignments` layout, which `refresh --previous` reads back).
pub fn assignments_table(assignments: &[Assignment], names: &BTreeMap<u32, String>) -> Table {
    let mut t = Table::new(["hcp_id", "segment", "segment_name", "distance", "confidence"]);
    t.rows = assignments
        .iter()
        .map(|a| {
            vec![
                Value::text(a.hcp_id.as_str()),
                a.segment.into(),
                name_of(names, a.segment),
                Value::Fixed(a.distance, MEMBER_DECIMALS),
                Value::Fixed(a.confidence, MEMBER_DECIMALS),
            ]
        })
        .collect();
    t
}

/// Options of the target list (JS: `TargetListOptions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TargetListOptions {
    /// Category columns shown next to the id, those present. Default `["specialty", "country"]`.
    pub categories: Vec<String>,
    /// Only members of these segments. Default: all.
    pub segments: Option<Vec<u32>>,
    /// Category column → the values kept (e.g. `{"country": ["DE", "AT"]}`).
    pub filter: BTreeMap<String, Vec<String>>,
    /// Consent columns that must be `true` (an empty cell is not consent).
    pub require_consent: Vec<String>,
    /// The salt the assignments were pseudonymised with, if they were: the input's ids are
    /// hashed the same way to find each member's row.
    pub pseudonymize: Option<Pseudonymize>,
}

impl Default for TargetListOptions {
    fn default() -> Self {
        TargetListOptions {
            categories: vec!["specialty".into(), "country".into()],
            segments: None,
            filter: BTreeMap::new(),
            require_consent: Vec::new(),
            pseudonymize: None,
        }
    }
}

/// The target list a person checks before loading it into a CRM: each member's id, segment,
/// confidence, test cell (when `cells` are given; empty for members outside the test), the
/// chosen category columns and every consent flag of `profiles` (the rows the assignments were
/// made from, matched by id).
pub fn target_list_table(
    assignments: &[Assignment],
    names: &BTreeMap<u32, String>,
    profiles: &Profiles,
    cells: Option<&TestCells>,
    options: &TargetListOptions,
) -> Result<Table> {
    let hashed = |id: &str| -> String {
        match &options.pseudonymize {
            Some(p) => pseudonym(&p.salt, id),
            None => id.to_string(),
        }
    };
    if let Some(p) = &options.pseudonymize {
        p.validate()?;
    }
    let row_of: FxHashMap<String, usize> = profiles.ids.iter().enumerate().map(|(i, id)| (hashed(id), i)).collect();
    let cell_of: Option<FxHashMap<String, &str>> = cells.map(|c| c.assignments.iter().map(|a| (hashed(&a.hcp_id), a.cell.as_str())).collect());

    let category_names: Vec<&str> = profiles.categories.iter().map(|c| c.name.as_str()).collect();
    let categories: Vec<_> = options.categories.iter().filter_map(|n| profiles.category(n)).collect();
    let mut filters = Vec::with_capacity(options.filter.len());
    for (column, values) in &options.filter {
        let Some(c) = profiles.category(column) else {
            return Err(SegError::option("filter", format!("`{}` is not a category column; the input has: {}", echo(column), category_names.join(", "))));
        };
        filters.push((c, values.iter().map(String::as_str).collect::<HashSet<_>>()));
    }
    let mut required = Vec::with_capacity(options.require_consent.len());
    for name in &options.require_consent {
        let Some(c) = profiles.consents.iter().find(|c| &c.name == name) else {
            let found: Vec<&str> = profiles.consents.iter().map(|c| c.name.as_str()).collect();
            return Err(SegError::option("requireConsent", format!("`{}` is not a consent column; the input has: {}", echo(name), found.join(", "))));
        };
        required.push(c);
    }

    let mut headers = vec!["hcp_id".to_string(), "segment".into(), "segment_name".into(), "confidence".into()];
    if cells.is_some() {
        headers.push("cell".into());
    }
    headers.extend(categories.iter().map(|c| c.name.clone()));
    headers.extend(profiles.consents.iter().map(|c| c.name.clone()));
    let mut t = Table::new(headers);

    for a in assignments {
        if options.segments.as_ref().is_some_and(|s| !s.contains(&a.segment)) {
            continue;
        }
        let Some(&i) = row_of.get(&a.hcp_id) else {
            return Err(SegError::option(
                "profiles",
                format!(
                    "hcp `{}` of the assignments is not in the input rows; pass the file the segments were made from{}",
                    echo(&a.hcp_id),
                    if options.pseudonymize.is_none() { " (and the pseudonymize salt, if the ids were pseudonymised)" } else { " and the same salt" }
                ),
            ));
        };
        let kept = filters.iter().all(|(c, values)| c.get(i).is_some_and(|v| values.contains(v)))
            && required.iter().all(|c| c.values.get(i).copied().flatten() == Some(true));
        if !kept {
            continue;
        }
        let mut row = vec![Value::text(a.hcp_id.as_str()), a.segment.into(), name_of(names, a.segment), Value::Fixed(a.confidence, MEMBER_DECIMALS)];
        if let Some(cell_of) = &cell_of {
            row.push(cell_of.get(&a.hcp_id).map_or(Value::Empty, |c| Value::text(*c)));
        }
        row.extend(categories.iter().map(|c| c.get(i).map_or(Value::Empty, Value::text)));
        row.extend(profiles.consents.iter().map(|c| Value::flag(c.values.get(i).copied().flatten())));
        t.rows.push(row);
    }
    Ok(t)
}

/// `hcp_id, segment, cell, <stratification columns…>`, one row per HCP in the test.
pub fn cells_table(t: &TestCells) -> Table {
    let mut table = Table::new(["hcp_id", "segment", "cell"].into_iter().map(String::from).chain(t.stratified_by.iter().cloned()));
    let n = t.stratified_by.len();
    for a in &t.assignments {
        let mut row = vec![Value::text(a.hcp_id.as_str()), a.segment.into(), Value::text(a.cell.as_str())];
        if n > 0 {
            // The stratum is the values joined with `|`; splitn keeps the row as wide as the header.
            row.extend(a.stratum.splitn(n, '|').map(|v| if v.is_empty() { Value::Empty } else { Value::text(v) }));
            row.resize(3 + n, Value::Empty);
        }
        table.rows.push(row);
    }
    table
}

/// `rank, hcp_id, score, coverage, nearest_segment, drivers` (drivers: feature names, space-separated).
pub fn lookalikes_table(r: &LookalikeResult) -> Table {
    let mut t = Table::new(["rank", "hcp_id", "score", "coverage", "nearest_segment", "drivers"]);
    t.rows = r
        .lookalikes
        .iter()
        .map(|l| {
            let drivers: Vec<&str> = l.drivers.iter().map(|d| d.feature.as_str()).collect();
            vec![l.rank.into(), Value::text(l.hcp_id.as_str()), Value::Fixed(l.score, 4), Value::Fixed(l.coverage, 3), l.nearest_segment.into(), Value::text(drivers.join(" "))]
        })
        .collect();
    t
}

/// A raw table (the event aggregation's profiles) as an export, every row as wide as the header.
pub fn raw_table(raw: &RawTable) -> Table {
    let width = raw.headers.len();
    let mut t = Table::new(raw.headers.iter().cloned());
    t.rows = (0..raw.len())
        .map(|i| {
            (0..width)
                .map(|c| match raw.cell(i, c) {
                    CellRef::Empty => Value::Empty,
                    CellRef::Text(s) => Value::text(s),
                    CellRef::Number(v) => Value::Number(v),
                    CellRef::Bool(b) => Value::Bool(b),
                    CellRef::Error(e) => Value::text(e),
                })
                .collect()
        })
        .collect();
    t
}

/// One row per segment × channel of the plan (its allocations), with the channel's priority.
pub fn plan_table(plan: &ChannelPlan) -> Table {
    let mut t = Table::new([
        "segment", "segment_name", "channel", "channel_name", "kind", "status", "engagements_per_hcp", "mix_share", "index", "hcps",
        "reachable", "weight", "expected_rate", "posterior_rate", "observed_rate", "impressions", "engagements", "currency", "amount",
        "share", "reason",
    ]);
    let decimals = plan.minor_units.min(4) as u8;
    let unit = 10f64.powi(plan.minor_units as i32);
    for a in &plan.allocations {
        let segment = plan.segments.iter().find(|s| s.id == a.segment);
        t.rows.push(vec![
            a.segment.into(),
            segment.map_or(Value::Empty, |s| Value::text(s.name.as_str())),
            Value::text(a.channel.as_str()),
            Value::text(a.display_name.as_str()),
            Value::text(a.kind.label()),
            Value::text(if a.forced { "forced" } else { a.status.as_str() }),
            Value::Number(a.mean),
            Value::Number(a.mix_share),
            Value::Number(a.index),
            a.hcps.into(),
            a.reachable.into(),
            Value::Number(a.weight),
            Value::number(a.expected_rate),
            Value::number(a.posterior_rate),
            Value::number(a.observed_rate),
            Value::number(a.impressions),
            Value::number(a.engagements),
            Value::text(plan.currency.as_str()),
            Value::Fixed(a.cents as f64 / unit, decimals),
            Value::Number(a.share),
            Value::text(a.reason.as_str()),
        ]);
    }
    t
}

/// Plain-dialect CSV of a table the crate built (always rectangular, so the writer cannot fail;
/// an empty string would only mean a bug).
pub(crate) fn plain_csv(table: &Table) -> String {
    super::csv::write_table(table, &CsvFormat::PLAIN).unwrap_or_default()
}
/// The target list with cells: `hcp_id,segment,cell,<strata columns…>` (plain CSV; the table
/// and the other dialects: [`cells_table`]).
pub fn cells_csv(t: &TestCells) -> String {
    plain_csv(&cells_table(t))
}

/// Target-list CSV of a look-alike result: `rank,hcp_id,score,coverage,nearest_segment,drivers`
/// (plain CSV; the table and the other dialects: [`lookalikes_table`]).
pub fn lookalikes_csv(r: &LookalikeResult) -> String {
    plain_csv(&lookalikes_table(r))
}

