//! What each column is: id, channel, format, category, recency, frequency, consent, or ignored.
//!
//! Conventions (the header is trimmed, lower-cased, and runs of spaces/hyphens/underscores
//! become one `_`, so `HCP ID` is `hcp_id` and ` Ch_LinkedIn ` is `ch_linkedin`):
//! `hcp_id` → id; `ch_<x>` → channel `x`; `fmt_<x>` → format `x`; `specialty`, `country`,
//! `region`, `practice_setting`, `access_level`, `funnel_stage`, `rx_decile` → category;
//! `days_since_last` → recency; `active_weeks` → frequency; `consent_<x>` → consent; anything
//! else is ignored (data minimisation) and reported as such.
//!
//! Header synonyms in the markets' languages (`Fachrichtung`, `pays`, `Kundennummer` …: the
//! lists are in [`super::language`]) give the id and the specialty, country and region
//! categories under their canonical name, so cards, filters and names find
//! them. A synonym gives way: to a column that has the role by its own name (`specialty` next
//! to `Fachrichtung`), to a mapping, and to an earlier synonym of the same role.
//!
//! A mapping (`column name → role`) overrides the conventions. Roles: `id`, `channel`,
//! `channel:<name>`, `format`, `format:<name>`, `category`, `category:<name>`, `recency`,
//! `frequency`, `consent`, `ignore`. When the mapping names an id (or recency / frequency)
//! column, a column that would have had that role only by convention is ignored instead.

use super::language::{self, Synonym};
use crate::error::{echo, Result, SegError};
use std::collections::BTreeMap;

/// Category columns recognised by name.
pub const CATEGORY_COLUMNS: [&str; 7] = [
    "specialty",
    "country",
    "region",
    "practice_setting",
    "access_level",
    "funnel_stage",
    "rx_decile",
];

/// The roles a mapping may name.
pub const MAPPING_ROLES: &str = "\"id\", \"channel\", \"channel:<name>\", \"format\", \"format:<name>\", \"category\", \"category:<name>\", \"recency\", \"frequency\", \"consent\", \"ignore\"";

/// How many column names an error message lists before it says "… and N more".
const LIST_LIMIT: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRole {
    Id,
    /// Channel name (without `ch_`).
    Channel(String),
    /// Format name (without `fmt_`).
    Format(String),
    Category,
    Recency,
    Frequency,
    Consent,
    Ignore,
}

impl ColumnRole {
    /// The role as reported: id | channel | format | category | recency | frequency | consent | ignore.
    pub fn kind(&self) -> &'static str {
        match self {
            ColumnRole::Id => "id",
            ColumnRole::Channel(_) => "channel",
            ColumnRole::Format(_) => "format",
            ColumnRole::Category => "category",
            ColumnRole::Recency => "recency",
            ColumnRole::Frequency => "frequency",
            ColumnRole::Consent => "consent",
            ColumnRole::Ignore => "ignore",
        }
    }
}

/// The role of one header column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedRole {
    /// The header as it is in the input.
    pub header: String,
    /// The name used downstream: the channel / format name, the category or consent name
    /// (normalised header unless the mapping gave one), the normalised header otherwise.
    pub name: String,
    pub role: ColumnRole,
    /// "convention", "synonym" or "mapping".
    pub source: &'static str,
    /// The header is a synonym of this column (also when it gave way to another column and is
    /// ignored: see the module notes).
    pub synonym: Option<Synonym>,
}

/// One entry per header index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleMap {
    pub columns: Vec<AssignedRole>,
}

impl RoleMap {
    pub fn len(&self) -> usize {
        self.columns.len()
    }
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }
    pub fn get(&self, index: usize) -> Option<&AssignedRole> {
        self.columns.get(index)
    }
    /// Index of the (single) id column.
    pub fn id_index(&self) -> Option<usize> {
        self.columns.iter().position(|c| c.role == ColumnRole::Id)
    }
}

/// Normalise a header or name: trimmed, lower-case, runs of spaces / hyphens / underscores → `_`.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_sep = false;
    for c in name.trim().chars() {
        if c == ' ' || c == '-' || c == '_' || c == '\t' {
            pending_sep = true;
            continue;
        }
        if pending_sep && !out.is_empty() {
            out.push('_');
        }
        pending_sep = false;
        out.extend(c.to_lowercase());
    }
    if pending_sep && !out.is_empty() {
        out.push('_');
    }
    out
}

/// `a`, `b`, … (at most [`LIST_LIMIT`] names, each truncated), for error messages.
pub fn list_columns(headers: &[String]) -> String {
    if headers.is_empty() {
        return "(none)".to_string();
    }
    let mut parts: Vec<String> = headers
        .iter()
        .take(LIST_LIMIT)
        .map(|h| format!("`{}`", echo(h)))
        .collect();
    if headers.len() > LIST_LIMIT {
        parts.push(format!("… and {} more", headers.len() - LIST_LIMIT));
    }
    parts.join(", ")
}

/// The role a header has by its name: a convention, a synonym, or none (ignored).
fn by_name(header: &str) -> AssignedRole {
    let (role, name) = by_convention(header);
    let synonym = match role {
        ColumnRole::Ignore => language::header_synonym(&name),
        _ => None,
    };
    match synonym {
        Some(s) => AssignedRole {
            header: header.to_string(),
            name: s.canonical.to_string(),
            role: if s.canonical == "hcp_id" { ColumnRole::Id } else { ColumnRole::Category },
            source: "synonym",
            synonym,
        },
        None => AssignedRole { header: header.to_string(), name, role, source: "convention", synonym: None },
    }
}

/// A synonym gives way to a column that has its role otherwise, and to an earlier synonym.
fn resolve_synonyms(columns: &mut [AssignedRole]) {
    for i in 0..columns.len() {
        let c = &columns[i];
        if c.source != "synonym" || c.role == ColumnRole::Ignore {
            continue;
        }
        let same = |o: &AssignedRole| o.role == c.role && (c.role == ColumnRole::Id || o.name == c.name);
        let taken = columns.iter().enumerate().any(|(j, o)| j != i && same(o) && (o.source != "synonym" || j < i));
        if taken {
            columns[i].role = ColumnRole::Ignore;
        }
    }
}

fn by_convention(header: &str) -> (ColumnRole, String) {
    let n = normalise(header);
    let role = if n == "hcp_id" {
        ColumnRole::Id
    } else if let Some(x) = n.strip_prefix("ch_").filter(|x| !x.is_empty()) {
        ColumnRole::Channel(x.to_string())
    } else if let Some(x) = n.strip_prefix("fmt_").filter(|x| !x.is_empty()) {
        ColumnRole::Format(x.to_string())
    } else if CATEGORY_COLUMNS.contains(&n.as_str()) {
        ColumnRole::Category
    } else if n == "days_since_last" {
        ColumnRole::Recency
    } else if n == "active_weeks" {
        ColumnRole::Frequency
    } else if n.strip_prefix("consent_").is_some_and(|x| !x.is_empty()) {
        ColumnRole::Consent
    } else {
        ColumnRole::Ignore
    };
    let name = match &role {
        ColumnRole::Channel(x) | ColumnRole::Format(x) => x.clone(),
        _ => n,
    };
    (role, name)
}

/// Parse a mapping role for the column `header`.
fn parse_mapping_role(role: &str, header: &str) -> Result<(ColumnRole, String)> {
    let unknown = || SegError::UnknownRole {
        role: echo(role),
        expected: MAPPING_ROLES.to_string(),
    };
    let lower = role.trim().to_lowercase();
    let (kind, given) = match lower.split_once(':') {
        Some((k, n)) => {
            let n = normalise(n);
            if n.is_empty() {
                return Err(unknown());
            }
            (k.trim().to_string(), Some(n))
        }
        None => (lower.clone(), None),
    };
    let n = normalise(header);
    let named = |prefix: &str| -> String {
        match &given {
            Some(g) => g.clone(),
            None => n
                .strip_prefix(prefix)
                .filter(|x| !x.is_empty())
                .unwrap_or(&n)
                .to_string(),
        }
    };
    let out = match (kind.as_str(), &given) {
        ("id", None) => (ColumnRole::Id, n.clone()),
        ("channel", _) => {
            let x = named("ch_");
            (ColumnRole::Channel(x.clone()), x)
        }
        ("format", _) => {
            let x = named("fmt_");
            (ColumnRole::Format(x.clone()), x)
        }
        ("category", _) => (ColumnRole::Category, named("")),
        ("recency", None) => (ColumnRole::Recency, n.clone()),
        ("frequency", None) => (ColumnRole::Frequency, n.clone()),
        ("consent", None) => (ColumnRole::Consent, n.clone()),
        ("ignore", None) => (ColumnRole::Ignore, n.clone()),
        _ => return Err(unknown()),
    };
    Ok(out)
}

/// Find the header a mapping key names: exact (trimmed) match first, then normalised match.
fn find_header(headers: &[String], key: &str) -> Result<usize> {
    let key_t = key.trim();
    if let Some(i) = headers.iter().position(|h| h.trim() == key_t) {
        return Ok(i);
    }
    let key_n = normalise(key_t);
    let matches: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !key_n.is_empty() && normalise(h) == key_n)
        .map(|(i, _)| i)
        .collect();
    match matches.as_slice() {
        [i] => Ok(*i),
        [] => Err(SegError::UnknownColumn {
            column: echo(key),
            found: list_columns(headers),
        }),
        _ => Err(SegError::option(
            "columns",
            format!(
                "`{}` matches several columns ({}); use the exact column name",
                echo(key),
                matches
                    .iter()
                    .map(|&i| format!("`{}`", echo(&headers[i])))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// Decide the role of every header column.
pub fn assign_roles(headers: &[String], mapping: &BTreeMap<String, String>) -> Result<RoleMap> {
    let roles = column_roles(headers, mapping)?;
    check_roles(&roles, headers)?;
    Ok(roles)
}

/// Each column's role by its name and the mapping, before the checks of [`check_roles`]; an
/// error only where the mapping itself is wrong (a column it names is not there, an unknown
/// role, a column mapped twice).
pub fn column_roles(headers: &[String], mapping: &BTreeMap<String, String>) -> Result<RoleMap> {
    let mut columns: Vec<AssignedRole> = headers.iter().map(|h| by_name(h)).collect();

    // Apply the mapping.
    let mut mapped_by: Vec<Option<&str>> = vec![None; headers.len()];
    for (key, role) in mapping {
        let i = find_header(headers, key)?;
        let (role, name) = parse_mapping_role(role, &headers[i])?;
        if let Some(previous) = mapped_by[i] {
            return Err(SegError::option(
                "columns",
                format!(
                    "`{}` and `{}` both map column `{}`; keep one",
                    echo(previous),
                    echo(key),
                    echo(&headers[i])
                ),
            ));
        }
        mapped_by[i] = Some(key.as_str());
        columns[i] = AssignedRole {
            header: headers[i].clone(),
            name,
            role,
            source: "mapping",
            synonym: None,
        };
    }

    // A mapped id / recency / frequency column replaces the one found by its name.
    for singleton in [ColumnRole::Id, ColumnRole::Recency, ColumnRole::Frequency] {
        let mapped = columns
            .iter()
            .any(|c| c.role == singleton && c.source == "mapping");
        if mapped {
            for c in columns.iter_mut() {
                if c.role == singleton && c.source != "mapping" {
                    c.role = ColumnRole::Ignore;
                }
            }
        }
    }
    resolve_synonyms(&mut columns);
    Ok(RoleMap { columns })
}

/// The roles can be read by: one id column; at least one channel or format; no role twice.
pub fn check_roles(roles: &RoleMap, headers: &[String]) -> Result<()> {
    let columns = &roles.columns;
    // Every id / recency / frequency at most once; channel, format, category and consent names unique.
    let mut seen: BTreeMap<(&'static str, String), usize> = BTreeMap::new();
    for (i, c) in columns.iter().enumerate() {
        let key = match &c.role {
            ColumnRole::Ignore => continue,
            ColumnRole::Id | ColumnRole::Recency | ColumnRole::Frequency => {
                (c.role.kind(), String::new())
            }
            _ => (c.role.kind(), c.name.clone()),
        };
        if let Some(&first) = seen.get(&key) {
            let a = &columns[first];
            let what = if key.1.is_empty() {
                format!("the {} column", key.0)
            } else {
                format!("{} `{}`", key.0, echo(&key.1))
            };
            if a.source == "mapping" || c.source == "mapping" {
                return Err(SegError::option(
                    "columns",
                    format!(
                        "columns `{}` and `{}` would both be {}; map one of them to \"ignore\" or give it another name",
                        echo(&a.header),
                        echo(&c.header),
                        what
                    ),
                ));
            }
            return Err(SegError::DuplicateColumn {
                line: 1,
                column: echo(&c.header),
            });
        }
        seen.insert(key, i);
    }

    if !columns.iter().any(|c| c.role == ColumnRole::Id) {
        return Err(SegError::MissingIdColumn {
            expected: "hcp_id".to_string(),
            found: list_columns(headers),
        });
    }
    if !columns
        .iter()
        .any(|c| matches!(c.role, ColumnRole::Channel(_) | ColumnRole::Format(_)))
    {
        return Err(SegError::NoFeatures);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn m(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalise(" HCP ID "), "hcp_id");
        assert_eq!(normalise("Ch_LinkedIn"), "ch_linkedin");
        assert_eq!(normalise("days - since  last"), "days_since_last");
        assert_eq!(normalise("ch-doctors-net-uk"), "ch_doctors_net_uk");
    }

    #[test]
    fn conventions() {
        let r = assign_roles(
            &h(&[
                "HCP ID",
                " Ch_LinkedIn ",
                "fmt_cme_module",
                "Specialty",
                "days_since_last",
                "active_weeks",
                "consent_email",
                "name",
                "rx_decile",
            ]),
            &BTreeMap::new(),
        )
        .unwrap();
        let roles: Vec<_> = r.columns.iter().map(|c| c.role.clone()).collect();
        assert_eq!(
            roles,
            vec![
                ColumnRole::Id,
                ColumnRole::Channel("linkedin".into()),
                ColumnRole::Format("cme_module".into()),
                ColumnRole::Category,
                ColumnRole::Recency,
                ColumnRole::Frequency,
                ColumnRole::Consent,
                ColumnRole::Ignore,
                ColumnRole::Category,
            ]
        );
        assert_eq!(r.columns[3].name, "specialty");
        assert_eq!(r.columns[6].name, "consent_email");
        assert!(r.columns.iter().all(|c| c.source == "convention"));
        assert_eq!(r.id_index(), Some(0));
    }

    #[test]
    fn mapping_overrides() {
        let r = assign_roles(
            &h(&["Kunden-Nr", "hcp_id", "LinkedIn Klicks", "CME", "Fach"]),
            &m(&[
                ("Kunden-Nr", "id"),
                ("LinkedIn Klicks", "channel:LinkedIn"),
                ("cme", "Format"),
                ("Fach", "category:specialty"),
            ]),
        )
        .unwrap();
        assert_eq!(r.columns[0].role, ColumnRole::Id);
        assert_eq!(r.columns[0].source, "mapping");
        assert_eq!(r.columns[1].role, ColumnRole::Ignore); // replaced by the mapped id
        assert_eq!(r.columns[2].role, ColumnRole::Channel("linkedin".into()));
        assert_eq!(r.columns[3].role, ColumnRole::Format("cme".into()));
        assert_eq!(r.columns[4].role, ColumnRole::Category);
        assert_eq!(r.columns[4].name, "specialty");
    }

    #[test]
    fn mapping_errors() {
        let headers = h(&["hcp_id", "ch_x"]);
        let e = assign_roles(&headers, &m(&[("ch_x", "chanel")])).unwrap_err();
        assert_eq!(e.code(), "UNKNOWN_ROLE");
        let e = assign_roles(&headers, &m(&[("ch_y", "channel")])).unwrap_err();
        assert_eq!(e.code(), "UNKNOWN_COLUMN");
        assert_eq!(e.column(), Some("ch_y"));
        assert!(e.to_string().contains("`hcp_id`, `ch_x`"), "{e}");
        let e = assign_roles(&headers, &m(&[("ch_x", "id:foo")])).unwrap_err();
        assert_eq!(e.code(), "UNKNOWN_ROLE");
    }

    #[test]
    fn missing_id_lists_columns_truncated() {
        let headers: Vec<String> = (0..15).map(|i| format!("ch_{i}")).collect();
        let e = assign_roles(&headers, &BTreeMap::new()).unwrap_err();
        assert_eq!(e.code(), "MISSING_ID_COLUMN");
        let msg = e.to_string();
        assert!(
            msg.contains("`ch_9`") && !msg.contains("`ch_10`") && msg.contains("5 more"),
            "{msg}"
        );
    }

    #[test]
    fn no_features() {
        let e = assign_roles(&h(&["hcp_id", "specialty"]), &BTreeMap::new()).unwrap_err();
        assert_eq!(e, SegError::NoFeatures);
    }

    #[test]
    fn duplicates_after_normalisation() {
        let e = assign_roles(
            &h(&["hcp_id", "ch_LinkedIn", "ch_linkedin"]),
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "DUPLICATE_COLUMN");
        assert_eq!(e.column(), Some("ch_linkedin"));
        let e = assign_roles(&h(&["hcp_id", "HCP ID", "ch_x"]), &BTreeMap::new()).unwrap_err();
        assert_eq!(e.code(), "DUPLICATE_COLUMN");
        let e = assign_roles(&h(&["hcp_id", "ch_x", "y"]), &m(&[("y", "channel:x")])).unwrap_err();
        assert_eq!(e.code(), "INVALID_OPTION");
    }

    #[test]
    fn synonyms_give_the_canonical_name() {
        let r = assign_roles(&h(&["Kundennummer", "Fachrichtung", "Land", "Région", "ch_x"]), &BTreeMap::new()).unwrap();
        let got: Vec<_> = r.columns.iter().map(|c| (c.role.clone(), c.name.as_str(), c.source)).collect();
        assert_eq!(
            got,
            vec![
                (ColumnRole::Id, "hcp_id", "synonym"),
                (ColumnRole::Category, "specialty", "synonym"),
                (ColumnRole::Category, "country", "synonym"),
                (ColumnRole::Category, "region", "synonym"),
                (ColumnRole::Channel("x".into()), "x", "convention"),
            ]
        );
        assert_eq!(r.columns[1].synonym.map(|s| (s.language, s.word)), Some(("German", "fachrichtung")));
        // A bare `id` stays unknown.
        let e = assign_roles(&h(&["id", "ch_x"]), &BTreeMap::new()).unwrap_err();
        assert_eq!(e.code(), "MISSING_ID_COLUMN");
    }

    #[test]
    fn a_synonym_gives_way() {
        // To the column of the canonical name, whichever comes first.
        let r = assign_roles(&h(&["Fachrichtung", "hcp_id", "specialty", "Kundennummer", "ch_x"]), &BTreeMap::new()).unwrap();
        let roles: Vec<_> = r.columns.iter().map(|c| c.role.kind()).collect();
        assert_eq!(roles, vec!["ignore", "id", "category", "ignore", "channel"]);
        assert!(r.columns[0].synonym.is_some() && r.columns[3].synonym.is_some());
        // To an earlier synonym of the same role.
        let r = assign_roles(&h(&["hcp_id", "Fachgebiet", "Fachrichtung", "ch_x"]), &BTreeMap::new()).unwrap();
        let roles: Vec<_> = r.columns.iter().map(|c| c.role.kind()).collect();
        assert_eq!(roles, vec!["id", "category", "ignore", "channel"]);
        // To a mapping: of another column to its role, or of the column itself.
        let r = assign_roles(&h(&["Kundennummer", "npi", "Land", "Fach", "ch_x"]), &m(&[("npi", "id"), ("Fach", "category:country")])).unwrap();
        let roles: Vec<_> = r.columns.iter().map(|c| (c.role.kind(), c.source)).collect();
        assert_eq!(roles, vec![("ignore", "synonym"), ("id", "mapping"), ("ignore", "synonym"), ("category", "mapping"), ("channel", "convention")]);
        let r = assign_roles(&h(&["hcp_id", "Land", "ch_x"]), &m(&[("Land", "ignore")])).unwrap();
        assert_eq!((r.columns[1].role.kind(), r.columns[1].source, r.columns[1].synonym), ("ignore", "mapping", None));
    }
}
