//! `events_sql`: the event aggregation of `targeting::events` as one SQL query.
//!
//! The query reads a table with one row per engagement and returns one row per HCP with a counted
//! event: `hcp_id`, the carried columns, `ch_<channel>`…, `fmt_<format>`…, `days_since_last`,
//! `active_weeks`, in the order and with the names `aggregate_events` writes, rows ordered by
//! `hcp_id`. The same rules (see `targeting::events`): the window, the counted actions,
//! normalised channel/format/action names, recency capped at 365, active ISO weeks among the 12
//! that end with the week of `to − 1 s`, the latest non-empty carried value. A query has fixed
//! columns, so the channels, formats and carried columns are options (the CLI takes them from
//! the log it is given).
//!
//! Where SQL cannot do what the engine does, it skips instead of refusing: rows with an empty id,
//! or with neither channel nor format, are left out (the engine stops with the line). Carried
//! values written at the same second by two rows: SQL rows have no order, so the larger value
//! wins (the engine: the later row).

use super::SqlDialect;
use crate::error::{echo, Result, SegError};
use crate::ingest::roles::normalise;
use crate::targeting::events::{parse_timestamp, ACTIVE_WEEKS, DEFAULT_IGNORED_ACTIONS, MAX_RECENCY_DAYS};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const DAY: i64 = 86_400;

/// Options of `eventsSql` (JS: `EventsSqlOptions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EventsSqlOptions {
    pub dialect: SqlDialect,
    /// The event table (one identifier, quoted as given). Default `events`.
    pub table: String,
    /// Column name → role (`id`, `timestamp`, `channel`, `format`, `action`, `ignore`), as in
    /// `aggregateEvents`. Unmapped roles use `hcp_id`, `timestamp`, `channel`, `format`, `action`;
    /// map the conventional name to `ignore` when the table has no such column.
    pub columns: BTreeMap<String, String>,
    /// Window start (inclusive) and end (exclusive), same formats as `aggregateEvents`. Without
    /// `to`, the query takes midnight UTC after the table's latest event.
    pub from: Option<String>,
    pub to: Option<String>,
    pub count_actions: Option<Vec<String>>,
    pub ignore_actions: Vec<String>,
    /// hcp_ids left out before anything else.
    pub exclude: Vec<String>,
    /// The `ch_<name>` columns (normalised names, as `aggregateEvents`'s report lists them).
    pub channels: Vec<String>,
    /// The `fmt_<name>` columns.
    pub formats: Vec<String>,
    /// Columns carried into the profile (the latest non-empty value), named in the output by
    /// their normalised name.
    pub carried: Vec<String>,
}

impl Default for EventsSqlOptions {
    fn default() -> Self {
        EventsSqlOptions {
            dialect: SqlDialect::Duckdb,
            table: "events".into(),
            columns: BTreeMap::new(),
            from: None,
            to: None,
            count_actions: None,
            ignore_actions: DEFAULT_IGNORED_ACTIONS.iter().map(|s| s.to_string()).collect(),
            exclude: Vec::new(),
            channels: Vec::new(),
            formats: Vec::new(),
            carried: Vec::new(),
        }
    }
}

/// The event table's columns by role (None: the table has no such column).
struct Roles {
    id: String,
    time: String,
    channel: Option<String>,
    format: Option<String>,
    action: Option<String>,
}

fn roles(columns: &BTreeMap<String, String>) -> Result<Roles> {
    let mut by_role: BTreeMap<&str, Option<String>> = [("id", "hcp_id"), ("timestamp", "timestamp"), ("channel", "channel"), ("format", "format"), ("action", "action")]
        .into_iter()
        .map(|(r, c)| (r, Some(c.to_string())))
        .collect();
    let mut mapped: Vec<&str> = Vec::new();
    for (column, role) in columns {
        let role = normalise(role);
        match role.as_str() {
            "ignore" => {
                for slot in by_role.values_mut() {
                    if slot.as_deref() == Some(column.as_str()) {
                        *slot = None;
                    }
                }
            }
            "id" | "timestamp" | "channel" | "format" | "action" => {
                let key = *by_role.keys().find(|k| **k == role).unwrap_or(&"id");
                if mapped.contains(&key) {
                    return Err(SegError::option("columns", format!("two columns are mapped to `{key}`")));
                }
                mapped.push(key);
                by_role.insert(key, Some(column.clone()));
            }
            _ => {
                return Err(SegError::UnknownRole {
                    role: echo(&role),
                    expected: "\"id\", \"timestamp\", \"channel\", \"format\", \"action\", \"ignore\" (carried columns: the `carried` option)".into(),
                })
            }
        }
    }
    let mut take = |r: &str| by_role.remove(r).flatten();
    let id = take("id").ok_or_else(|| SegError::option("columns", "the id column cannot be ignored"))?;
    let time = take("timestamp").ok_or_else(|| SegError::option("columns", "the timestamp column cannot be ignored"))?;
    Ok(Roles { id, time, channel: take("channel"), format: take("format"), action: take("action") })
}

fn bound(value: &Option<String>, option: &str) -> Result<Option<i64>> {
    value
        .as_ref()
        .map(|s| parse_timestamp(s).ok_or_else(|| SegError::option(option, format!("`{}` is not an ISO-8601 date/time or unix seconds", echo(s)))))
        .transpose()
}

/// `name` normalised, with `prefix` dropped as `aggregate_events` drops it.
fn clean(name: &str, prefix: &str) -> String {
    let n = normalise(name);
    n.strip_prefix(prefix).filter(|x| !x.is_empty()).map(str::to_string).unwrap_or(n)
}

fn names(list: &[String], prefix: &str, option: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = list.iter().map(|n| clean(n, prefix)).collect();
    if let Some(bad) = out.iter().find(|n| n.is_empty()) {
        return Err(SegError::option(option, format!("`{}` is empty after normalising", echo(bad))));
    }
    crate::sort::sort(&mut out);
    out.dedup();
    Ok(out)
}

/// The SQL of the event aggregation (see the module notes).
pub fn events_sql(options: &EventsSqlOptions) -> Result<String> {
    let q = options.dialect;
    let roles = roles(&options.columns)?;
    let (channels, formats) = (names(&options.channels, "ch_", "channels")?, names(&options.formats, "fmt_", "formats")?);
    if channels.is_empty() && formats.is_empty() {
        return Err(SegError::option("channels", "name at least one channel or format (the CLI takes them from the log)"));
    }
    if roles.channel.is_none() && !channels.is_empty() || roles.format.is_none() && !formats.is_empty() {
        return Err(SegError::option("columns", "channels (formats) are listed but the channel (format) column is ignored"));
    }
    let (from, to) = (bound(&options.from, "from")?, bound(&options.to, "to")?);
    if let (Some(f), Some(t)) = (from, to) {
        if f >= t {
            return Err(SegError::option("from", "must be before `to`"));
        }
    }
    let col = |name: &str| q.ident(name, "columns");
    let table = q.ident(&options.table, "table")?;
    let empty = || "''".to_string();

    // 1. One row per event: id, whole seconds, normalised names, carried values.
    let mut src = vec![
        format!("{} AS hcp_id", q.trimmed(&col(&roles.id)?)),
        format!("{} AS t", q.epoch_seconds(&col(&roles.time)?)),
    ];
    let normalised = |role: &Option<String>| -> Result<String> {
        Ok(role.as_deref().map(|c| col(c).map(|c| q.normalised(&c))).transpose()?.unwrap_or_else(empty))
    };
    src.push(format!("{} AS channel_name", normalised(&roles.channel)?));
    src.push(format!("{} AS format_name", normalised(&roles.format)?));
    src.push(format!("{} AS action", normalised(&roles.action)?));
    // A leading `ch_` / `fmt_` is dropped unless nothing would be left.
    let stripped = |expr: &str, prefix: &str| {
        let n = prefix.len();
        format!("CASE WHEN SUBSTR({expr}, 1, {n}) = {} AND LENGTH({expr}) > {n} THEN SUBSTR({expr}, {}) ELSE {expr} END", q.text(prefix), n + 1)
    };
    let mut carried_out = Vec::new();
    for (i, c) in options.carried.iter().enumerate() {
        src.push(format!("NULLIF({}, '') AS carried_{i}", q.trimmed(&col(c)?)));
        carried_out.push(normalise(c));
    }

    // 2. The window's end: given, or midnight UTC after the latest event of the whole table.
    let window_end = match to {
        Some(t) => format!("SELECT {} AS t_to", q.int(t)),
        None => format!("SELECT ({} + 1) * {DAY} AS t_to FROM (SELECT MAX(t) AS t_max FROM src) m", q.floor_div("t_max", DAY)),
    };
    let week = |t: &str| q.floor_div(&format!("{} + 3", q.floor_div(t, DAY)), 7);

    // 3. The counted events.
    let mut filters = vec!["e.hcp_id <> ''".to_string(), "(e.channel <> '' OR e.format <> '')".to_string(), "e.t < b.t_to".to_string()];
    if let Some(f) = from {
        filters.push(format!("e.t >= {}", q.int(f)));
    }
    let exclude: Vec<String> = options.exclude.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).map(|s| q.text(s)).collect();
    if !exclude.is_empty() {
        filters.push(format!("e.hcp_id NOT IN ({})", exclude.join(", ")));
    }
    if roles.action.is_some() {
        let list = |v: &[String]| -> Vec<String> {
            let mut n: Vec<String> = v.iter().map(|a| normalise(a)).collect();
            crate::sort::sort(&mut n);
            n.dedup();
            n.iter().map(|a| q.text(a)).collect()
        };
        match &options.count_actions {
            Some(only) if only.is_empty() => filters.push("1 = 0".into()),
            Some(only) => filters.push(format!("e.action IN ({})", list(only).join(", "))),
            None if options.ignore_actions.is_empty() => {}
            None => filters.push(format!("e.action NOT IN ({})", list(&options.ignore_actions).join(", "))),
        }
    }

    // 4. One row per HCP.
    let mut select = vec!["hcp_id AS hcp_id".to_string()];
    for (i, name) in carried_out.iter().enumerate() {
        // The latest non-empty value; a tie in time goes to the larger value.
        let latest = format!("CASE WHEN carried_{i} IS NOT NULL THEN t END");
        let pick = match q {
            SqlDialect::Ansi => format!("MAX(carried_{i}) FILTER (WHERE t = latest_{i})"),
            _ => format!("max_by(carried_{i}, {latest})"),
        };
        select.push(format!("{pick} AS {}", q.ident(name, "carried")?));
    }
    for c in &channels {
        select.push(format!("SUM(CASE WHEN channel = {} THEN 1 ELSE 0 END) AS {}", q.text(c), q.ident(&format!("ch_{c}"), "channels")?));
    }
    for f in &formats {
        select.push(format!("SUM(CASE WHEN format = {} THEN 1 ELSE 0 END) AS {}", q.text(f), q.ident(&format!("fmt_{f}"), "formats")?));
    }
    select.push(format!("LEAST({}, {MAX_RECENCY_DAYS}) AS days_since_last", q.floor_div("MAX(t_to) - MAX(t)", DAY)));
    select.push(format!("COUNT(DISTINCT CASE WHEN weeks_back >= 0 AND weeks_back < {ACTIVE_WEEKS} THEN weeks_back END) AS active_weeks"));

    // The ANSI dialect has no max_by: the latest time of each carried column, per HCP, first.
    let latest_cols: String = match q {
        SqlDialect::Ansi => (0..carried_out.len())
            .map(|i| format!(",\n    MAX(CASE WHEN carried_{i} IS NOT NULL THEN t END) OVER (PARTITION BY hcp_id) AS latest_{i}"))
            .collect(),
        _ => String::new(),
    };
    let last_week = week("b.t_to - 1");
    let sql = format!(
        "-- hcp-segments {version}: event log -> HCP profiles (as aggregateEvents). Dialect: {dialect:?}.\n\
         WITH raw_events AS (\n  SELECT\n    {src}\n  FROM {table}\n),\n\
         src AS (\n  SELECT *,\n    {channel} AS channel,\n    {format} AS format\n  FROM raw_events\n),\n\
         window_end AS (\n  {window_end}\n),\n\
         counted AS (\n  SELECT e.*, b.t_to, {last_week} - {event_week} AS weeks_back{latest_cols}\n  FROM src e CROSS JOIN window_end b\n  WHERE {filters}\n)\n\
         SELECT\n  {select}\nFROM counted\nGROUP BY hcp_id\nORDER BY hcp_id\n",
        version = env!("CARGO_PKG_VERSION"),
        dialect = q,
        src = src.join(",\n    "),
        channel = stripped("channel_name", "ch_"),
        format = stripped("format_name", "fmt_"),
        event_week = week("e.t"),
        filters = filters.join("\n    AND "),
        select = select.join(",\n  "),
    );
    Ok(sql)
}
