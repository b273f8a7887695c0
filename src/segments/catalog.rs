//! The channel catalog: what each engagement channel is, for names, cards, the plan and exports.
//!
//! HCPs split their attention between **open networks** (LinkedIn, X, YouTube: reputation,
//! congress chatter, public advocacy) and **walled gardens**, HCP-only platforms that verify a
//! licence or a registration (Doximity, Sermo, Doctors.net.uk, esanum, Univadis/Medscape, CME
//! networks: where clinical decisions are discussed), next to owned channels (email, webinars)
//! and the field force. The catalog gives each known channel a display name, a kind, its main
//! region and the formats it typically carries; an unknown channel gets a humanised name
//! (`mirrors_cme` → "Mirrors CME") and kind `other`. Users rename with
//! `displayNames: {channel: name}`, applied wherever a channel name is produced.

use crate::error::{echo, Result, SegError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of place a channel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChannelKind {
    /// Public networks anyone can join (LinkedIn, X, YouTube …).
    OpenNetwork,
    /// HCP-only networks with licence or registration checks (Doximity, Sermo …).
    WalledGarden,
    /// HCP-only education sites and CME/CPD networks.
    EducationPortal,
    /// The brand's own email.
    OwnedEmail,
    /// The brand's own events (webinars, virtual booths).
    OwnedEvent,
    /// Sales representatives' visits and calls.
    FieldForce,
    /// Not in the catalog.
    Other,
}

impl ChannelKind {
    /// How people read the kind (exports, the CLI).
    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::OpenNetwork => "open network",
            ChannelKind::WalledGarden => "walled garden",
            ChannelKind::EducationPortal => "education portal",
            ChannelKind::OwnedEmail => "owned email",
            ChannelKind::OwnedEvent => "owned event",
            ChannelKind::FieldForce => "field force",
            ChannelKind::Other => "other",
        }
    }

    /// Counts as an HCP-only, verified platform in the open-vs-walled balance.
    pub fn is_walled(self) -> bool {
        matches!(self, ChannelKind::WalledGarden | ChannelKind::EducationPortal)
    }
}

/// One channel as the catalog describes it (unknown channels included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelInfo {
    /// The channel's key as in the data (`ch_` prefix removed).
    pub channel: String,
    /// The name shown to people: the user's rename, else the catalog's, else humanised.
    pub display_name: String,
    pub kind: ChannelKind,
    /// Main region ("US", "UK", "DACH", "Global" …); None for owned channels and unknown ones.
    pub region: Option<String>,
    /// Formats the channel typically carries, as display labels.
    pub formats: Vec<String>,
    /// In the catalog (false: name humanised from the key, kind `other`).
    pub known: bool,
}

struct Entry {
    /// Keys this entry answers to, compared on lower-case letters and digits only.
    keys: &'static [&'static str],
    name: &'static str,
    kind: ChannelKind,
    region: Option<&'static str>,
    formats: &'static [&'static str],
}

use ChannelKind::*;

const CATALOG: &[Entry] = &[
    Entry { keys: &["linkedin"], name: "LinkedIn", kind: OpenNetwork, region: Some("Global"), formats: &["news", "congress", "webinar"] },
    Entry { keys: &["x", "twitter", "xtwitter"], name: "X", kind: OpenNetwork, region: Some("Global"), formats: &["congress", "news"] },
    Entry { keys: &["youtube"], name: "YouTube", kind: OpenNetwork, region: Some("Global"), formats: &["procedural_tutorial", "moa_video", "webinar"] },
    Entry { keys: &["facebook", "meta"], name: "Facebook", kind: OpenNetwork, region: Some("Global"), formats: &["news"] },
    Entry { keys: &["instagram"], name: "Instagram", kind: OpenNetwork, region: Some("Global"), formats: &["moa_video"] },
    Entry { keys: &["doximity"], name: "Doximity", kind: WalledGarden, region: Some("US"), formats: &["news", "case_study"] },
    Entry { keys: &["sermo"], name: "Sermo", kind: WalledGarden, region: Some("Global"), formats: &["case_study", "case_quiz"] },
    Entry { keys: &["doctorsnetuk", "doctorsnet", "dnuk"], name: "Doctors.net.uk", kind: WalledGarden, region: Some("UK"), formats: &["cme_module", "news"] },
    Entry { keys: &["esanum"], name: "esanum", kind: WalledGarden, region: Some("DACH"), formats: &["case_study", "cme_module"] },
    Entry { keys: &["coliquio"], name: "coliquio", kind: WalledGarden, region: Some("DACH"), formats: &["case_study", "cme_module"] },
    Entry { keys: &["figure1"], name: "Figure 1", kind: WalledGarden, region: Some("Global"), formats: &["case_study"] },
    Entry {
        keys: &["univadismedscape", "univadis", "medscape"],
        name: "Univadis/Medscape",
        kind: WalledGarden,
        region: Some("Global/EU"),
        formats: &["news", "case_quiz", "cme_module"],
    },
    Entry { keys: &["mirrorscme", "mirrorsofmedicine", "mirrors"], name: "Mirrors of Medicine", kind: EducationPortal, region: Some("Global/EU"), formats: &["cme_module"] },
    Entry { keys: &["email", "mail"], name: "Email", kind: OwnedEmail, region: None, formats: &["news", "webinar"] },
    Entry { keys: &["webinar", "webinars"], name: "Webinars", kind: OwnedEvent, region: None, formats: &["webinar"] },
    Entry { keys: &["rep", "reps", "repvisits", "fieldforce", "f2f"], name: "Rep visits", kind: FieldForce, region: None, formats: &["moa_video", "case_study"] },
];

/// Known format keys → display labels (unknown formats are humanised).
const FORMATS: &[(&str, &str)] = &[
    ("cme_module", "CME/CPD modules"),
    ("procedural_tutorial", "Procedural tutorials"),
    ("moa_video", "MoA videos"),
    ("webinar", "Webinars"),
    ("case_study", "Case studies"),
    ("case_quiz", "Case quizzes"),
    ("news", "News"),
    ("congress", "Congress coverage"),
];

/// Words kept in capitals when a key is humanised.
const ACRONYMS: &[&str] = &["cme", "cpd", "hcp", "hcps", "kol", "msl", "moa", "uk", "us", "eu", "sms", "crm", "tv", "ai", "dach"];

/// Longest display name a user may set.
pub const MAX_DISPLAY_NAME: usize = 60;

fn squeeze(key: &str) -> String {
    key.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn entry(channel: &str) -> Option<&'static Entry> {
    let key = squeeze(channel);
    CATALOG.iter().find(|e| e.keys.contains(&key.as_str()))
}

/// A readable name from a column key: words split at `_`, `-`, `.` and spaces, acronyms in
/// capitals, other words capitalised ("mirrors_cme" → "Mirrors CME").
pub fn humanise(key: &str) -> String {
    let words: Vec<String> = key
        .split(['_', '-', ' ', '.'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            if ACRONYMS.contains(&w.to_lowercase().as_str()) {
                w.to_uppercase()
            } else {
                let mut c = w.chars();
                c.next().map_or_else(String::new, |f| f.to_uppercase().collect::<String>() + c.as_str())
            }
        })
        .collect();
    if words.is_empty() {
        key.to_string()
    } else {
        words.join(" ")
    }
}

/// Display label of a content format.
pub fn format_label(format: &str) -> String {
    FORMATS.iter().find(|(k, _)| *k == format).map_or_else(|| humanise(format), |(_, label)| label.to_string())
}

/// The user's renames (`displayNames`), keyed by channel. Checked once, then used everywhere
/// a channel name is produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DisplayNames {
    renames: BTreeMap<String, String>,
}

impl DisplayNames {
    /// Check the `displayNames` option: keys are channels (a `ch_` prefix is allowed), names
    /// are 1 to [`MAX_DISPLAY_NAME`] characters after trimming.
    pub fn new(renames: &BTreeMap<String, String>) -> Result<Self> {
        let mut out = BTreeMap::new();
        for (channel, name) in renames {
            let key = crate::ingest::roles::normalise(channel);
            let key = key.strip_prefix("ch_").unwrap_or(&key).to_string();
            let name = name.trim();
            if key.is_empty() || name.is_empty() || name.chars().count() > MAX_DISPLAY_NAME {
                return Err(SegError::option(
                    "displayNames",
                    format!("`{}` → `{}`: give a channel and a name of 1 to {MAX_DISPLAY_NAME} characters", echo(channel), echo(name)),
                ));
            }
            out.insert(key, name.to_string());
        }
        Ok(DisplayNames { renames: out })
    }

    /// The name shown for `channel`.
    pub fn name(&self, channel: &str) -> String {
        if let Some(n) = self.renames.get(channel) {
            return n.clone();
        }
        entry(channel).map_or_else(|| humanise(channel), |e| e.name.to_string())
    }

    /// Everything the catalog knows about `channel`, with the user's name.
    pub fn info(&self, channel: &str) -> ChannelInfo {
        let e = entry(channel);
        ChannelInfo {
            channel: channel.to_string(),
            display_name: self.name(channel),
            kind: e.map_or(Other, |e| e.kind),
            region: e.and_then(|e| e.region).map(str::to_string),
            formats: e.map_or_else(Vec::new, |e| e.formats.iter().map(|f| format_label(f)).collect()),
            known: e.is_some(),
        }
    }
}

/// Kind of a channel (renames do not change it).
pub fn kind_of(channel: &str) -> ChannelKind {
    entry(channel).map_or(Other, |e| e.kind)
}

/// Every catalog entry under its first key (what the page lists as known channels).
pub fn known_channels(names: &DisplayNames) -> Vec<ChannelInfo> {
    CATALOG.iter().map(|e| names.info(e.keys[0])).collect()
}

/// One kind's share of a segment's channel engagements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KindShare {
    pub kind: ChannelKind,
    pub share: f64,
    /// The segment's channels of this kind, most engaged first.
    pub channels: Vec<String>,
}

/// Where a segment's engagement happens: open networks (where HCPs build a reputation) versus
/// walled gardens (HCP-only platforms, where they discuss clinical decisions), from the
/// members' mean engagements per channel in original units.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkBalance {
    /// Share of the segment's channel engagements on open networks.
    pub open: f64,
    /// … on walled gardens and HCP-only education portals.
    pub walled: f64,
    /// … on owned email and events, the field force and channels not in the catalog.
    pub other: f64,
    /// open ÷ (open + walled): 1 = only open networks, 0 = only walled gardens; None when the
    /// segment uses neither.
    pub open_share: Option<f64>,
    /// Share per kind (kinds with engagement only), largest first.
    pub kinds: Vec<KindShare>,
}

/// The balance of a segment whose members engage `means[j]` times on `channels[j]` on average.
pub fn network_balance(channels: &[String], means: &[f64]) -> NetworkBalance {
    let total: f64 = means.iter().sum();
    if total <= 0.0 {
        return NetworkBalance::default();
    }
    let mut kinds: Vec<KindShare> = Vec::new();
    let mut order: Vec<usize> = (0..channels.len().min(means.len())).collect();
    crate::sort::sort_by(&mut order, |&a, &b| means[b].total_cmp(&means[a]).then(a.cmp(&b)));
    for j in order.into_iter().filter(|&j| means[j] > 0.0) {
        let kind = kind_of(&channels[j]);
        match kinds.iter_mut().find(|k| k.kind == kind) {
            Some(k) => {
                k.share += means[j] / total;
                k.channels.push(channels[j].clone());
            }
            None => kinds.push(KindShare { kind, share: means[j] / total, channels: vec![channels[j].clone()] }),
        }
    }
    crate::sort::sort_by(&mut kinds, |a, b| b.share.total_cmp(&a.share));
    let open: f64 = kinds.iter().filter(|k| k.kind == OpenNetwork).map(|k| k.share).sum();
    let walled: f64 = kinds.iter().filter(|k| k.kind.is_walled()).map(|k| k.share).sum();
    let other: f64 = kinds.iter().filter(|k| k.kind != OpenNetwork && !k.kind.is_walled()).map(|k| k.share).sum();
    let open_share = (open + walled > 0.0).then(|| open / (open + walled));
    NetworkBalance { open, walled, other, open_share, kinds }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_channels_by_any_spelling_and_unknown_ones_humanised() {
        let names = DisplayNames::default();
        for (key, name, kind) in [
            ("x", "X", OpenNetwork),
            ("twitter", "X", OpenNetwork),
            ("doctorsnetuk", "Doctors.net.uk", WalledGarden),
            ("doctors_net_uk", "Doctors.net.uk", WalledGarden),
            ("univadis_medscape", "Univadis/Medscape", WalledGarden),
            ("mirrors_cme", "Mirrors of Medicine", EducationPortal),
            ("email", "Email", OwnedEmail),
            ("rep", "Rep visits", FieldForce),
            ("webinar", "Webinars", OwnedEvent),
            ("kol_cme_hub", "KOL CME Hub", Other),
            ("brand-portal", "Brand Portal", Other),
        ] {
            let info = names.info(key);
            assert_eq!((info.display_name.as_str(), info.kind), (name, kind), "{key}");
        }
        assert_eq!(names.info("esanum").region.as_deref(), Some("DACH"));
        assert_eq!(names.info("doximity").region.as_deref(), Some("US"));
        assert_eq!(names.info("mirrors_cme").formats, vec!["CME/CPD modules"]);
        assert!(!names.info("brand_portal").known && names.info("brand_portal").region.is_none());
        assert_eq!(humanise("mirrors_cme"), "Mirrors CME");
        assert_eq!(format_label("moa_video"), "MoA videos");
        assert_eq!(format_label("podcast_episode"), "Podcast Episode");
    }

    #[test]
    fn renames_apply_to_the_key_with_or_without_prefix_and_are_checked() {
        let renames: BTreeMap<String, String> = [("CH_X".to_string(), " X (Twitter) ".to_string())].into();
        let names = DisplayNames::new(&renames).unwrap();
        assert_eq!(names.name("x"), "X (Twitter)");
        assert_eq!(names.info("x").kind, OpenNetwork);
        let long: BTreeMap<String, String> = [("x".to_string(), "y".repeat(MAX_DISPLAY_NAME + 1))].into();
        let e = DisplayNames::new(&long).unwrap_err();
        assert!(e.code() == "INVALID_OPTION" && e.to_string().contains("displayNames"));
    }

    /// Balance by hand: LinkedIn 3 + X 1 open, Sermo 2 + Mirrors 2 walled, email 2 other (of 10).
    #[test]
    fn network_balance_by_hand() {
        let channels: Vec<String> = ["linkedin", "x", "sermo", "mirrors_cme", "email", "doximity"].iter().map(|s| s.to_string()).collect();
        let b = network_balance(&channels, &[3.0, 1.0, 2.0, 2.0, 2.0, 0.0]);
        assert!((b.open - 0.4).abs() < 1e-15 && (b.walled - 0.4).abs() < 1e-15 && (b.other - 0.2).abs() < 1e-15);
        assert_eq!(b.open_share, Some(0.5));
        let kinds: Vec<(ChannelKind, Vec<String>)> = b.kinds.iter().map(|k| (k.kind, k.channels.clone())).collect();
        assert_eq!(
            kinds,
            vec![
                (OpenNetwork, vec!["linkedin".to_string(), "x".to_string()]),
                (WalledGarden, vec!["sermo".to_string()]),
                (EducationPortal, vec!["mirrors_cme".to_string()]),
                (OwnedEmail, vec!["email".to_string()]),
            ]
        );
        assert_eq!(network_balance(&channels, &[0.0; 6]), NetworkBalance::default());
        assert_eq!(network_balance(&channels[4..5], &[1.0]).open_share, None);
    }
}
