//! Persona names from a segment's top drivers, e.g. "Congress-following oncologists on X",
//! "CME-driven DACH GPs on esanum", "Low-engagement HCPs on Email".
//!
//! A driver must be both over-represented (index) and a real part of the segment's behaviour
//! (share): a channel with index 400 that carries 2% of the segment's engagement does not name it.
//!
//! Names and drivers use only what the shareable summary shows (`privacy::disclosable_levels`):
//! a specialty or country level whose cell the summary suppresses (under `minCellSize`, or
//! suppressed with it so it cannot be recovered by subtraction) never names a segment, "DACH" is
//! summed over the DE/AT/CH cells it shows, and a segment the summary withholds as a whole gets a
//! plain name ("Small segment N" under the minimum, else "Segment N") and no drivers.

use super::catalog::DisplayNames;
use super::segment::{CategoryLevel, IndexScore, Segment, DACH, MIN_LEVEL_SHARE};

/// Minimum share of the segment's own mix for a channel/format to name it.
const MIN_DRIVER_SHARE: f64 = 0.15;
/// A category level names the segment when it is at least `MIN_LEVEL_SHARE` of it and
/// over-represented by at least this index.
const MIN_LEVEL_INDEX: f64 = 120.0;
/// Below this share of the universe's mean engagement a segment is "low-engagement".
const LOW_ENGAGEMENT: f64 = 0.35;


fn format_adjective(name: &str) -> String {
    match name {
        "cme_module" => "CME-driven".into(),
        "procedural_tutorial" => "Tutorial-learning".into(),
        "moa_video" => "MoA-video".into(),
        "webinar" => "Webinar-attending".into(),
        "case_study" => "Case-study".into(),
        "case_quiz" => "Quiz-solving".into(),
        "news" => "News-reading".into(),
        "congress" => "Congress-following".into(),
        other => {
            let words = other.replace('_', " ");
            let mut c = words.chars();
            match c.next() {
                Some(f) => format!("{}{}-focused", f.to_uppercase(), c.as_str()),
                None => String::new(),
            }
        }
    }
}

fn specialty_plural(name: &str) -> String {
    match name {
        "oncology" => "oncologists".into(),
        "cardiology" => "cardiologists".into(),
        "primary_care" | "general_practice" | "gp" => "GPs".into(),
        "neurology" => "neurologists".into(),
        "endocrinology" => "endocrinologists".into(),
        "surgery" | "general_surgery" => "surgeons".into(),
        "orthopedics" | "orthopaedics" => "orthopaedic surgeons".into(),
        "dermatology" => "dermatologists".into(),
        "rheumatology" => "rheumatologists".into(),
        "pulmonology" => "pulmonologists".into(),
        "psychiatry" => "psychiatrists".into(),
        "pediatrics" | "paediatrics" => "paediatricians".into(),
        "gastroenterology" => "gastroenterologists".into(),
        "hematology" | "haematology" => "haematologists".into(),
        other => format!("{} HCPs", other.replace('_', " ")),
    }
}

/// The channel or format that drives the segment: highest index among those carrying a real
/// share of its mix, else simply the largest share.
fn driver(scores: &[IndexScore]) -> Option<&IndexScore> {
    scores
        .iter()
        .filter(|s| s.share >= MIN_DRIVER_SHARE && s.index.is_some())
        .max_by(|a, b| a.index.unwrap_or(0.0).total_cmp(&b.index.unwrap_or(0.0)))
        .or_else(|| scores.iter().filter(|s| s.share > 0.0).max_by(|a, b| a.share.total_cmp(&b.share)))
}

/// The levels of `column` that may name the segment (those the summary shows).
type Shown<'a> = [(String, Vec<&'a CategoryLevel>)];

fn dominant_level<'a>(shown: &Shown<'a>, column: &str) -> Option<&'a str> {
    let (_, levels) = shown.iter().find(|(c, _)| c == column)?;
    levels
        .iter()
        .filter(|l| l.share >= MIN_LEVEL_SHARE && l.index.unwrap_or(0.0) >= MIN_LEVEL_INDEX)
        .max_by(|a, b| a.share.total_cmp(&b.share))
        .map(|l| l.value.as_str())
}

fn region_label(shown: &Shown) -> Option<String> {
    let (_, levels) = shown.iter().find(|(c, _)| c == "country")?;
    let dach: f64 = levels.iter().filter(|l| DACH.contains(&l.value.as_str())).map(|l| l.share).sum();
    if dach >= MIN_LEVEL_SHARE {
        return Some("DACH".into());
    }
    dominant_level(shown, "country").map(str::to_string)
}

/// Name and drivers for a segment; `taken` holds the names already given (names are unique).
/// Channels are named by `names` (the catalog's display names and the user's renames).
/// `segment_hidden`: the summary withholds the whole segment (`privacy::hidden_segments`);
/// `min_cell_size`: the smallest cell the summary shows.
pub fn persona_name(
    segment: &Segment,
    universe_mean_engagement: f64,
    taken: &[String],
    names: &DisplayNames,
    segment_hidden: bool,
    min_cell_size: u32,
) -> (String, Vec<String>) {
    if segment_hidden {
        let name = if segment.size < min_cell_size { "Small segment" } else { "Segment" };
        return (unique(format!("{name} {}", segment.id + 1), taken), Vec::new());
    }
    let shown = crate::privacy::disclosable_levels(segment, false, min_cell_size);
    let mut drivers = Vec::new();
    let low = universe_mean_engagement > 0.0 && segment.mean_engagements < LOW_ENGAGEMENT * universe_mean_engagement;
    let format = driver(&segment.formats);
    let channel = driver(&segment.channels);

    let lead = if low {
        drivers.push("engagement:low".to_string());
        "Low-engagement".to_string()
    } else if let Some(f) = format {
        drivers.push(format!("format:{}", f.name));
        format_adjective(&f.name)
    } else {
        String::new()
    };
    let region = region_label(&shown);
    if let Some(r) = &region {
        drivers.push(format!("region:{r}"));
    }
    let who = match dominant_level(&shown, "specialty") {
        Some(s) => {
            drivers.push(format!("specialty:{s}"));
            specialty_plural(s)
        }
        None => "HCPs".to_string(),
    };
    let mut name = [lead, region.unwrap_or_default(), who]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(c) = channel {
        drivers.push(format!("channel:{}", c.name));
        name = format!("{name} on {}", names.name(&c.name));
    }
    // Upper-case the first letter ("HCPs on X" stays as is).
    let mut chars = name.chars();
    let name = match chars.next() {
        Some(f) => f.to_uppercase().collect::<String>() + chars.as_str(),
        None => format!("Segment {}", segment.id + 1),
    };
    (unique(name, taken), drivers)
}

/// `name`, or `name (2)`, `name (3)`, … when it is taken.
fn unique(name: String, taken: &[String]) -> String {
    let mut out = name.clone();
    let mut i = 2;
    while taken.contains(&out) {
        out = format!("{name} ({i})");
        i += 1;
    }
    out
}
