//! Which column of an event log is which: the HCP id, the time, the channel, the format, the
//! action and the carried profile columns, by name or by the caller's mapping.

use crate::error::{echo, Result, SegError};
use crate::ingest::roles::normalise;
use std::collections::BTreeMap;

/// Columns carried from the log into the profile by their (normalised) name.
const CARRIED: &[&str] =
    &["specialty", "country", "region", "practice_setting", "access_level", "funnel_stage", "rx_decile"];

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Role {
    Id,
    Time,
    Channel,
    Format,
    Action,
    Attribute,
    Ignore,
}

/// The (normalised) header names an event log's columns are found by, unless mapped.
const ID_NAMES: &[&str] = &["hcp_id", "hcpid", "hcp", "id"];
const TIME_NAMES: &[&str] = &["timestamp", "time", "date", "datetime", "event_time", "event_date", "ts"];
const CHANNEL_NAMES: &[&str] = &["channel"];
const FORMAT_NAMES: &[&str] = &["format", "content_format", "content_type"];
const ACTION_NAMES: &[&str] = &["action", "event", "event_type"];

fn role_by_convention(n: &str) -> Role {
    let named = |names: &[&str]| names.contains(&n);
    if named(ID_NAMES) {
        Role::Id
    } else if named(TIME_NAMES) {
        Role::Time
    } else if named(CHANNEL_NAMES) {
        Role::Channel
    } else if named(FORMAT_NAMES) {
        Role::Format
    } else if named(ACTION_NAMES) {
        Role::Action
    } else if CARRIED.contains(&n) || n.strip_prefix("consent_").is_some_and(|x| !x.is_empty()) {
        Role::Attribute
    } else {
        Role::Ignore
    }
}

/// Is a file with this header an event log (one row per engagement) by the column names
/// [`aggregate_events`] finds its columns by? The answer, and a sentence that says why.
pub fn event_log_header(headers: &[String]) -> (bool, String) {
    let roles: Vec<Role> = headers.iter().map(|h| role_by_convention(&normalise(h))).collect();
    let find = |r: Role| roles.iter().position(|&x| x == r).map(|i| echo(&headers[i]));
    let names = |list: &[&str]| list.join(", ");
    match (find(Role::Id), find(Role::Time), find(Role::Channel).or_else(|| find(Role::Format))) {
        (Some(id), Some(time), Some(what)) => (
            true,
            format!("`{id}` is the id, `{time}` a timestamp and `{what}` a channel or format: one row per engagement, an event log (aggregate it into one row per HCP first)"),
        ),
        (_, None, _) => (false, format!("no timestamp column ({}): one row per HCP, not an event log", names(TIME_NAMES))),
        (None, Some(time), _) => (false, format!("`{time}` looks like a timestamp, but there is no id column ({}): not an event log", names(ID_NAMES))),
        (Some(_), Some(time), None) => (
            false,
            format!("`{time}` looks like a timestamp, but there is no channel or format column ({}): not an event log", names(&[CHANNEL_NAMES, FORMAT_NAMES].concat())),
        ),
    }
}

fn mapped_role(role: &str) -> Result<Role> {
    Ok(match normalise(role).as_str() {
        "id" => Role::Id,
        "timestamp" => Role::Time,
        "channel" => Role::Channel,
        "format" => Role::Format,
        "action" => Role::Action,
        "attribute" => Role::Attribute,
        "ignore" => Role::Ignore,
        _ => {
            return Err(SegError::UnknownRole {
                role: echo(role),
                expected: "\"id\", \"timestamp\", \"channel\", \"format\", \"action\", \"attribute\", \"ignore\"".into(),
            })
        }
    })
}

pub(super) fn assign_roles(headers: &[String], mapping: &BTreeMap<String, String>) -> Result<Vec<Role>> {
    let mut roles: Vec<Role> = headers.iter().map(|h| role_by_convention(&normalise(h))).collect();
    for (column, role) in mapping {
        let role = mapped_role(role)?;
        let i = headers
            .iter()
            .position(|h| h.trim() == column.trim())
            .or_else(|| headers.iter().position(|h| normalise(h) == normalise(column)))
            .ok_or_else(|| SegError::UnknownColumn { column: echo(column), found: crate::ingest::roles::list_columns(headers) })?;
        // A mapped singleton role demotes a column that had it only by convention.
        if matches!(role, Role::Id | Role::Time | Role::Channel | Role::Format | Role::Action) {
            for (j, r) in roles.iter_mut().enumerate() {
                if *r == role && j != i && !mapping.keys().any(|k| normalise(k) == normalise(&headers[j])) {
                    *r = Role::Ignore;
                }
            }
        }
        roles[i] = role;
    }
    Ok(roles)
}
