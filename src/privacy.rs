//! Privacy by construction: salted pseudonyms for every hcp_id in the outputs, and a shareable
//! summary in which small cells are suppressed.
//!
//! **Pseudonyms** (`SegmentOptions.pseudonymize: {salt}`, also `AssignOptions`): every `hcpId`
//! in the outputs (assignments, and so every export built from them) is replaced by
//!
//! ```text
//! lowercase_hex(SHA-256(UTF-8(salt) ‖ 0x00 ‖ UTF-8(hcp_id)))[0..16]
//! ```
//!
//! (Node: `createHash("sha256").update(salt + "\0" + id).digest("hex").slice(0, 16)`), where
//! `hcp_id` is the id as read (trimmed; a JS number id as its shortest decimal text). The same
//! salt gives the same pseudonyms, so refreshes can be joined; a different salt gives unlinkable
//! ones. Keep the salt secret: with it, known ids can be hashed and matched. Exclusions apply to
//! the original ids, before hashing. The salt must be 8-1,024 characters without NUL. Two ids
//! hashing to the same 16 hex digits (64 bits; about 1 in 10^7 for 2 million ids) is an
//! `INVALID_OPTION` error asking for another salt, never a silent merge.
//!
//! **Shareable summary** (`segment_summary`, JS `segmentSummary(result, {minCellSize})`): the
//! segments without any member list, with every count below `minCellSize` (default 10) replaced
//! by `null` together with its share and index, and `suppressed: true`:
//! - a segment smaller than `minCellSize`: its size, share, mean engagement, channel and format
//!   scores, composition and reach are all withheld;
//! - a composition level (e.g. specialty = neurology in segment 2) with fewer members;
//! - a reach cell (consenting members) when the consenting or the non-consenting count is
//!   below the minimum (either one can be recovered from the other and the segment size);
//! - secondary suppression: when exactly one cell of a group (the segments; the levels of one
//!   column in one segment) is suppressed, the next smallest one is too, so the hidden count
//!   cannot be recovered by subtraction from the total.
//!
//! Names and drivers follow the same rule ([`hidden_segments`], [`hidden_levels`]): a persona
//! name never draws on a category level, nor a segment's profile, that this summary withholds
//! (`segments::naming`); and the summary itself drops any driver naming a withheld level (with a
//! plain "Segment N" name then), should it be asked for a larger `minCellSize` than the
//! segmentation used.
//!
//! The full result returned by `segment` keeps every count (it is for the analyst, on their own
//! machine; `CategoryLevel.suppressed` marks the small cells for the UI); the summary is what
//! leaves it.

use crate::error::{Result, SegError};
use crate::segments::{Assignment, CategoryLevel, Segment};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Characters of hex kept from the SHA-256 digest.
pub const PSEUDONYM_HEX_CHARS: usize = 16;

/// `pseudonymize: { salt }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pseudonymize {
    pub salt: String,
}

impl Pseudonymize {
    pub fn validate(&self) -> Result<()> {
        let n = self.salt.chars().count();
        if !(8..=1024).contains(&n) {
            return Err(SegError::option("pseudonymize.salt", format!("must be 8 to 1,024 characters (got {n}); use a long random secret")));
        }
        if self.salt.contains('\0') {
            return Err(SegError::option("pseudonymize.salt", "must not contain NUL characters"));
        }
        Ok(())
    }

    /// Replace every `hcp_id` with its pseudonym; refuses (never merges) a collision.
    pub fn apply(&self, assignments: &mut [Assignment]) -> Result<()> {
        self.validate()?;
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(assignments.len());
        for (i, a) in assignments.iter_mut().enumerate() {
            let p = pseudonym(&self.salt, &a.hcp_id);
            if seen.insert(p.clone(), i).is_some() {
                return Err(SegError::option(
                    "pseudonymize.salt",
                    "two different hcp_ids give the same pseudonym with this salt; choose another salt",
                ));
            }
            a.hcp_id = p;
        }
        Ok(())
    }
}

/// The pseudonym of one id (see the module notes).
pub fn pseudonym(salt: &str, id: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0u8]);
    h.update(id.as_bytes());
    let mut hex = crate::hex::hex(&h.finalize());
    hex.truncate(PSEUDONYM_HEX_CHARS);
    hex
}

/// Options of `segment_summary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SummaryOptions {
    pub min_cell_size: u32,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions { min_cell_size: 10 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryLevel {
    pub value: String,
    pub count: Option<u32>,
    pub share: Option<f64>,
    pub index: Option<f64>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryComposition {
    pub column: String,
    pub levels: Vec<SummaryLevel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryReach {
    pub consent: String,
    pub count: Option<u32>,
    pub share: Option<f64>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SummarySegment {
    pub id: u32,
    pub name: String,
    pub drivers: Vec<String>,
    pub size: Option<u32>,
    pub share: Option<f64>,
    /// The whole segment is below the minimum cell size: only id, name and drivers are shown.
    pub suppressed: bool,
    pub mean_engagements: Option<f64>,
    pub channels: Vec<crate::segments::IndexScore>,
    pub formats: Vec<crate::segments::IndexScore>,
    pub composition: Vec<SummaryComposition>,
    pub reach: Vec<SummaryReach>,
    pub silhouette: Option<f64>,
}

/// Segments with small cells suppressed, for sharing (see the module notes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentSummary {
    pub min_cell_size: u32,
    /// Cells withheld, primary and secondary (segments + levels + reach cells).
    pub suppressed_cells: u32,
    pub segments: Vec<SummarySegment>,
}

/// Which cells of one group to suppress: those with `0 < count < min`, plus the next smallest
/// when exactly one was (secondary suppression).
pub fn suppress_group(counts: &[u32], min: u32) -> Vec<bool> {
    let mut out: Vec<bool> = counts.iter().map(|&c| c > 0 && c < min).collect();
    if out.iter().filter(|&&s| s).count() == 1 {
        if let Some((i, _)) = counts.iter().enumerate().filter(|(i, _)| !out[*i]).min_by_key(|(i, &c)| (c, *i)) {
            out[i] = true;
        }
    }
    out
}

/// Which segments the summary withholds as a whole, by their sizes: [`suppress_group`].
pub fn hidden_segments(sizes: &[u32], min: u32) -> Vec<bool> {
    suppress_group(sizes, min)
}

/// Which levels of one composition column of a segment the summary withholds: [`suppress_group`].
pub fn hidden_levels(levels: &[CategoryLevel], min: u32) -> Vec<bool> {
    let counts: Vec<u32> = levels.iter().map(|l| l.count).collect();
    suppress_group(&counts, min)
}

/// The category levels a name or driver may use for `segment` at `min`: per composition column,
/// the levels the summary shows; none at all when the segment itself is withheld.
pub fn disclosable_levels(segment: &Segment, segment_hidden: bool, min: u32) -> Vec<(String, Vec<&CategoryLevel>)> {
    if segment_hidden {
        return Vec::new();
    }
    segment
        .composition
        .iter()
        .map(|c| {
            let hide = hidden_levels(&c.levels, min);
            (c.column.clone(), c.levels.iter().zip(hide).filter(|(_, h)| !h).map(|(l, _)| l).collect())
        })
        .collect()
}

/// The name and drivers the summary shows: as given, unless a driver draws on something it
/// withholds (any driver of a withheld segment; a `specialty:` or `region:` driver whose level is
/// withheld), in which case the name falls back to "Segment N" and such drivers are dropped.
fn summary_name(s: &Segment, segment_hidden: bool, min: u32) -> (String, Vec<String>) {
    let shown = disclosable_levels(s, segment_hidden, min);
    let level_shown = |column: &str, value: &str| {
        shown.iter().filter(|(c, _)| c == column).any(|(_, levels)| levels.iter().any(|l| l.value == value))
    };
    let dach_shown = || {
        let share: f64 = shown
            .iter()
            .filter(|(c, _)| c == "country")
            .flat_map(|(_, levels)| levels.iter())
            .filter(|l| crate::segments::segment::DACH.contains(&l.value.as_str()))
            .map(|l| l.share)
            .sum();
        share >= crate::segments::segment::MIN_LEVEL_SHARE
    };
    let allowed = |d: &String| {
        if segment_hidden {
            return false;
        }
        match d.split_once(':') {
            Some(("specialty", v)) => level_shown("specialty", v),
            Some(("region", "DACH")) => dach_shown(),
            Some(("region", v)) => level_shown("country", v),
            _ => true,
        }
    };
    let drivers: Vec<String> = s.drivers.iter().filter(|d| allowed(d)).cloned().collect();
    if drivers.len() == s.drivers.len() {
        (s.name.clone(), drivers)
    } else {
        (format!("Segment {}", s.id + 1), drivers)
    }
}

/// The shareable summary of `segments`.
pub fn segment_summary(segments: &[Segment], options: &SummaryOptions) -> SegmentSummary {
    let min = options.min_cell_size;
    let sizes: Vec<u32> = segments.iter().map(|s| s.size).collect();
    let hidden = hidden_segments(&sizes, min);
    let mut suppressed_cells = 0u32;
    let mut out = Vec::with_capacity(segments.len());
    for (s, &hide) in segments.iter().zip(&hidden) {
        let (name, drivers) = summary_name(s, hide, min);
        let mut seg = SummarySegment {
            id: s.id,
            name,
            drivers,
            size: None,
            share: None,
            suppressed: true,
            mean_engagements: None,
            channels: Vec::new(),
            formats: Vec::new(),
            composition: Vec::new(),
            reach: Vec::new(),
            silhouette: None,
        };
        if hide {
            suppressed_cells += 1;
            out.push(seg);
            continue;
        }
        seg.size = Some(s.size);
        seg.share = Some(s.share);
        seg.suppressed = false;
        seg.mean_engagements = Some(s.mean_engagements);
        seg.channels = s.channels.clone();
        seg.formats = s.formats.clone();
        seg.silhouette = s.silhouette;
        for c in &s.composition {
            let hide = hidden_levels(&c.levels, min);
            let levels = c
                .levels
                .iter()
                .zip(&hide)
                .map(|(l, &h)| {
                    suppressed_cells += u32::from(h);
                    SummaryLevel {
                        value: l.value.clone(),
                        count: (!h).then_some(l.count),
                        share: (!h).then_some(l.share),
                        index: if h { None } else { l.index },
                        suppressed: h,
                    }
                })
                .collect();
            seg.composition.push(SummaryComposition { column: c.column.clone(), levels });
        }
        for r in &s.reach {
            let rest = s.size.saturating_sub(r.count);
            let h = (r.count > 0 && r.count < min) || (rest > 0 && rest < min);
            suppressed_cells += u32::from(h);
            seg.reach.push(SummaryReach {
                consent: r.consent.clone(),
                count: (!h).then_some(r.count),
                share: (!h).then_some(r.share),
                suppressed: h,
            });
        }
        out.push(seg);
    }
    SegmentSummary { min_cell_size: min, suppressed_cells, segments: out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonym_is_salted_sha256_prefix() {
        assert_eq!(pseudonym("pepper-1", "hcp_0001").len(), 16);
        assert_eq!(pseudonym("pepper-1", "a"), pseudonym("pepper-1", "a"));
        assert_ne!(pseudonym("pepper-1", "a"), pseudonym("pepper-2", "a"));
        assert_ne!(pseudonym("pepper-1", "a"), pseudonym("pepper-1", "b"));
        // Known answer, computed independently: printf 'saltsalt\0x' | sha256sum
        assert_eq!(pseudonym("saltsalt", "x"), "ad59045ba98f3050");
    }

    #[test]
    fn salt_rules() {
        assert_eq!(Pseudonymize { salt: "short".into() }.validate().unwrap_err().code(), "INVALID_OPTION");
        assert_eq!(Pseudonymize { salt: "long enough\0".into() }.validate().unwrap_err().code(), "INVALID_OPTION");
        assert!(Pseudonymize { salt: "long enough".into() }.validate().is_ok());
    }

    #[test]
    fn secondary_suppression() {
        assert_eq!(suppress_group(&[50, 30, 4], 10), vec![false, true, true]);
        assert_eq!(suppress_group(&[50, 3, 4], 10), vec![false, true, true]);
        assert_eq!(suppress_group(&[50, 30, 20], 10), vec![false, false, false]);
        assert_eq!(suppress_group(&[5], 10), vec![true]);
        assert_eq!(suppress_group(&[], 10), Vec::<bool>::new());
        assert_eq!(suppress_group(&[12, 12, 12], 0), vec![false, false, false]);
    }
}
