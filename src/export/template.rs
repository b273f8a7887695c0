//! Column templates: select, order and rename an export's columns for loading into a CRM
//! (`{columns: [{from: "hcp_id", to: "Account External ID"}, {to: "Campaign", value: "Q3"}]}`).
//!
//! - `from` names a column of the export (exact, or the same after [`normalise`]: `HCP ID`
//!   finds `hcp_id`); `to` is the header written (default: `from`);
//! - `value` instead of `from` writes the same text on every row (a campaign id, a source tag);
//! - `optional: true` leaves the column out when the export does not have it (a preset naming
//!   `specialty` fits a file without one);
//! - columns not named are left out; an unknown `from`, two columns written under one name or a
//!   column with both or neither of `from`/`value` is `INVALID_OPTION`, listing what is there.

use super::csv::{Table, Value};
use crate::error::{echo, Result, SegError};
use crate::ingest::roles::normalise;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// `template: {columns: [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ColumnTemplate {
    pub columns: Vec<TemplateColumn>,
}

/// One output column: from an export column, or a constant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateColumn {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Leave the column out, instead of failing, when the export does not have `from`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

impl TemplateColumn {
    pub fn rename(from: &str, to: &str) -> Self {
        TemplateColumn { from: Some(from.into()), to: Some(to.into()), value: None, optional: false }
    }
    fn optional(from: &str, to: &str) -> Self {
        TemplateColumn { optional: true, ..Self::rename(from, to) }
    }
}

/// Names of the shipped presets (see [`preset`]).
pub const PRESETS: &[&str] = &["generic", "salesforceCampaignMember", "veevaVaultCrmAccount"];

/// A shipped template for the target list, by name (`docs/exports.md` cites where each CRM field
/// name is documented):
/// - `generic`: readable column names for any CRM import wizard;
/// - `salesforceCampaignMember`: `hcp_id` → `ContactId` (Salesforce `CampaignMember`), for ids
///   that are Salesforce Contact IDs; add `{to: "CampaignId", value: "<campaign id>"}`;
/// - `veevaVaultCrmAccount`: `hcp_id` → `veeva_network_id__v` (Vault CRM `account__v`), for ids
///   that are Veeva Network IDs; the segment columns keep their names (custom fields).
pub fn preset(name: &str) -> Result<ColumnTemplate> {
    let columns = match name {
        "generic" => vec![
            TemplateColumn::rename("hcp_id", "External ID"),
            TemplateColumn::rename("segment", "Segment ID"),
            TemplateColumn::rename("segment_name", "Segment"),
            TemplateColumn::rename("confidence", "Confidence"),
            TemplateColumn::optional("cell", "Test Cell"),
            TemplateColumn::optional("specialty", "Specialty"),
            TemplateColumn::optional("country", "Country"),
            TemplateColumn::optional("consent_email", "Email Consent"),
            TemplateColumn::optional("consent_tracking", "Tracking Consent"),
        ],
        "salesforceCampaignMember" => vec![TemplateColumn::rename("hcp_id", "ContactId")],
        "veevaVaultCrmAccount" => vec![
            TemplateColumn::rename("hcp_id", "veeva_network_id__v"),
            TemplateColumn::rename("segment", "segment"),
            TemplateColumn::rename("segment_name", "segment_name"),
            TemplateColumn::optional("cell", "cell"),
        ],
        other => return Err(SegError::option("template", format!("`{}` is not a preset; presets: {}", echo(other), PRESETS.join(", ")))),
    };
    Ok(ColumnTemplate { columns })
}

enum Source {
    Column(usize),
    Constant(String),
}

/// Where each output column comes from, checked against the export's headers.
fn resolve(template: &ColumnTemplate, headers: &[String]) -> Result<Vec<(String, Source)>> {
    let available = || headers.iter().map(|h| echo(h)).collect::<Vec<_>>().join(", ");
    if template.columns.is_empty() {
        return Err(SegError::option("template.columns", format!("names no column; available: {}", available())));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(template.columns.len());
    for (i, c) in template.columns.iter().enumerate() {
        let at = format!("template.columns[{i}]");
        let (name, source) = match (&c.from, &c.value) {
            (Some(from), None) => {
                let wanted = normalise(from);
                let col = headers.iter().position(|h| h == from).or_else(|| headers.iter().position(|h| normalise(h) == wanted));
                let Some(col) = col else {
                    if c.optional {
                        continue;
                    }
                    return Err(SegError::option(&format!("{at}.from"), format!("`{}` is not a column of this export; available: {}", echo(from), available())));
                };
                (c.to.clone().unwrap_or_else(|| from.clone()), Source::Column(col))
            }
            (None, Some(value)) => match &c.to {
                Some(to) => (to.clone(), Source::Constant(value.clone())),
                None => return Err(SegError::option(&at, "a column with a constant `value` needs a `to` name")),
            },
            _ => return Err(SegError::option(&at, "give either `from` (an export column) or `value` (a constant), not both or neither")),
        };
        if name.trim().is_empty() {
            return Err(SegError::option(&format!("{at}.to"), "the column name is empty"));
        }
        if !seen.insert(name.clone()) {
            return Err(SegError::option(&format!("{at}.to"), format!("`{}` is written twice; every output column needs its own name", echo(&name))));
        }
        out.push((name, source));
    }
    if out.is_empty() {
        return Err(SegError::option("template.columns", format!("none of its columns is in this export; available: {}", available())));
    }
    Ok(out)
}

/// `table` with the template's columns, in its order, under its names.
pub fn apply(table: Table, template: &ColumnTemplate) -> Result<Table> {
    let plan = resolve(template, &table.headers)?;
    let headers = plan.iter().map(|(name, _)| name.clone()).collect();
    let rows = table
        .rows
        .into_iter()
        .map(|row| {
            plan.iter()
                .map(|(_, source)| match source {
                    Source::Column(c) => row.get(*c).cloned().unwrap_or(Value::Empty),
                    Source::Constant(v) => Value::Text(v.clone()),
                })
                .collect()
        })
        .collect();
    Ok(Table { headers, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(["hcp_id", "segment", "segment_name"]);
        t.rows.push(vec![Value::text("a"), Value::Integer(1), Value::text("CME fans")]);
        t
    }

    fn template(json: &str) -> ColumnTemplate {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn selects_orders_renames_and_adds_constants() {
        let t = apply(table(), &template(r#"{"columns":[{"from":"Segment Name","to":"Persona"},{"from":"hcp_id","to":"Account External ID"},{"to":"Campaign","value":"Q3"},{"from":"segment"}]}"#)).unwrap();
        assert_eq!(t.headers, vec!["Persona", "Account External ID", "Campaign", "segment"]);
        assert_eq!(t.rows[0], vec![Value::text("CME fans"), Value::text("a"), Value::text("Q3"), Value::Integer(1)]);
    }

    #[test]
    fn mistakes_are_option_errors_that_list_the_columns() {
        let e = apply(table(), &template(r#"{"columns":[{"from":"hcp","to":"X"}]}"#)).unwrap_err();
        assert_eq!(e.code(), "INVALID_OPTION");
        assert!(e.to_string().contains("template.columns[0].from") && e.to_string().contains("available: hcp_id, segment, segment_name"), "{e}");
        for bad in [
            r#"{"columns":[]}"#,
            r#"{"columns":[{"from":"hcp_id","to":"X"},{"from":"segment","to":"X"}]}"#,
            r#"{"columns":[{"from":"hcp_id","value":"v"}]}"#,
            r#"{"columns":[{"to":"X"}]}"#,
            r#"{"columns":[{"value":"v"}]}"#,
            r#"{"columns":[{"from":"hcp_id","to":" "}]}"#,
        ] {
            assert_eq!(apply(table(), &template(bad)).unwrap_err().code(), "INVALID_OPTION", "{bad}");
        }
        assert!(serde_json::from_str::<ColumnTemplate>(r#"{"columns":[{"form":"hcp_id"}]}"#).is_err());
        // Optional columns: skipped when absent, but a template must keep at least one.
        let t = apply(table(), &template(r#"{"columns":[{"from":"specialty","optional":true},{"from":"hcp_id"}]}"#)).unwrap();
        assert_eq!(t.headers, vec!["hcp_id"]);
        assert_eq!(apply(table(), &template(r#"{"columns":[{"from":"specialty","optional":true}]}"#)).unwrap_err().code(), "INVALID_OPTION");
    }

    #[test]
    fn presets() {
        let mut list = table();
        list.headers.extend(["confidence".to_string(), "country".to_string()]);
        list.rows[0].extend([Value::Fixed(0.5, 6), Value::text("DE")]);
        let t = apply(list, &preset("generic").unwrap()).unwrap();
        assert_eq!(t.headers, vec!["External ID", "Segment ID", "Segment", "Confidence", "Country"]);
        assert_eq!(t.rows[0][4], Value::text("DE"));
        assert_eq!(apply(table(), &preset("salesforceCampaignMember").unwrap()).unwrap().headers, vec!["ContactId"]);
        assert_eq!(apply(table(), &preset("veevaVaultCrmAccount").unwrap()).unwrap().headers, vec!["veeva_network_id__v", "segment", "segment_name"]);
        assert_eq!(preset("sap").unwrap_err().code(), "INVALID_OPTION");
        for name in PRESETS {
            assert!(preset(name).is_ok());
        }
    }
}
