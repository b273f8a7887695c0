//! Continuity between two segmentations: which new segment continues which old one, so the
//! names a user gave survive a re-run (another k, seed, weights) and a new period (refresh).
//!
//! Two matchings, one assignment step ([`match_segments`], Hungarian matching with
//! `pathfinding::kuhn_munkres` on integer weights, padded to a square matrix):
//! - `refresh` (targeting::refresh) pairs segments by the distance between old centroids and the
//!   new members' mean, because a new period has other HCPs;
//! - [`match_by_members`] pairs segments of two runs **on the same HCPs** by the members they
//!   share (joined by `hcpId`): the pairing keeps the most HCPs in a continued segment. A pair
//!   sharing less than `minOverlap` of the new segment's members is not a continuation: the
//!   new segment is new, and its generated name is kept.

use crate::error::{Result, SegError};
use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Hungarian matching: `cost[i][j]` old i → new j; returns for each new j its old i (if any).
/// A pair costing more than `max_cost` (when set) is not matched.
pub fn match_segments(cost: &[Vec<f64>], n_new: usize, max_cost: Option<f64>) -> Vec<Option<usize>> {
    let n_old = cost.len();
    let m = n_old.max(n_new);
    if m == 0 {
        return Vec::new();
    }
    let weights = Matrix::from_fn(m, m, |(i, j)| {
        if i < n_old && j < n_new {
            -(cost[i][j] * 1e6).round().min(1e15) as i64
        } else {
            0
        }
    });
    let (_, row_to_col) = kuhn_munkres(&weights);
    let mut old_of_new = vec![None; n_new];
    for (i, &j) in row_to_col.iter().enumerate() {
        if i < n_old && j < n_new && max_cost.is_none_or(|d| cost[i][j] <= d) {
            old_of_new[j] = Some(i);
        }
    }
    old_of_new
}

/// A segmentation as `matchSegments` reads it: a `segment()` result qualifies (other fields are
/// ignored). `segments[].name` is the name to carry over (the user's, when renamed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Labelled {
    pub segments: Vec<SegmentName>,
    pub assignments: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentName {
    pub id: u32,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub hcp_id: String,
    pub segment: u32,
}

/// Options of `matchSegments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct MatchOptions {
    /// The least share of a new segment's members that must come from the old segment it is
    /// paired with for the pair to count as a continuation (0 < minOverlap ≤ 1; default 0.5).
    pub min_overlap: f64,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions { min_overlap: 0.5 }
    }
}

/// One segment of the new run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Continuation {
    /// The segment's id in the new run.
    pub id: u32,
    /// The old segment it continues; None for a new segment.
    pub previous_id: Option<u32>,
    /// The old segment's name when it continues one, else the new run's name.
    pub name: String,
    /// HCPs in both this segment and `previousId` (0 for a new segment).
    pub shared: u32,
    /// `shared` over this segment's size, and over the old segment's size (0 when new).
    pub share_of_new: f64,
    pub share_of_previous: f64,
    pub is_new: bool,
}

/// Which new segment continues which old one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Continuity {
    /// One per segment of the new run, in its order.
    pub segments: Vec<Continuation>,
    /// Old ids that no new segment continues.
    pub retired: Vec<u32>,
}

/// Pair the segments of two runs on the same HCPs by the members they share (module notes).
pub fn match_by_members(previous: &Labelled, next: &Labelled, options: &MatchOptions) -> Result<Continuity> {
    let min_overlap = options.min_overlap;
    if !(min_overlap > 0.0 && min_overlap <= 1.0) {
        return Err(SegError::option("minOverlap", format!("must be a number above 0 and at most 1, got {min_overlap}")));
    }
    let old_index = index_of_ids(&previous.segments, "previous")?;
    let new_index = index_of_ids(&next.segments, "next")?;
    let old_of = members_by_id(previous, &old_index, "previous")?;
    let (n_old, n_new) = (previous.segments.len(), next.segments.len());
    let mut shared = vec![vec![0u32; n_new]; n_old];
    let mut new_size = vec![0u32; n_new];
    let mut old_size = vec![0u32; n_old];
    for &i in old_of.values() {
        old_size[i] += 1;
    }
    for (row, m) in next.assignments.iter().enumerate() {
        let j = *new_index.get(&m.segment).ok_or_else(|| unknown_segment("next", row, m.segment))?;
        new_size[j] += 1;
        if let Some(&i) = old_of.get(m.hcp_id.as_str()) {
            shared[i][j] += 1;
        }
    }
    // Cost = the members a pair does not share, so the matching keeps the most HCPs together.
    let cost: Vec<Vec<f64>> = shared.iter().map(|row| row.iter().map(|&s| -f64::from(s)).collect()).collect();
    let paired = match_segments(&cost, n_new, None);
    let mut continued = vec![false; n_old];
    let segments = next
        .segments
        .iter()
        .enumerate()
        .map(|(j, seg)| {
            let pair = paired[j].filter(|&i| new_size[j] > 0 && f64::from(shared[i][j]) >= min_overlap * f64::from(new_size[j]));
            match pair {
                Some(i) => {
                    continued[i] = true;
                    let old = &previous.segments[i];
                    Continuation {
                        id: seg.id,
                        previous_id: Some(old.id),
                        name: name_or_default(old),
                        shared: shared[i][j],
                        share_of_new: ratio(shared[i][j], new_size[j]),
                        share_of_previous: ratio(shared[i][j], old_size[i]),
                        is_new: false,
                    }
                }
                None => Continuation { id: seg.id, previous_id: None, name: name_or_default(seg), shared: 0, share_of_new: 0.0, share_of_previous: 0.0, is_new: true },
            }
        })
        .collect();
    let retired = previous.segments.iter().zip(&continued).filter(|(_, &c)| !c).map(|(s, _)| s.id).collect();
    Ok(Continuity { segments, retired })
}

fn index_of_ids(segments: &[SegmentName], which: &str) -> Result<HashMap<u32, usize>> {
    let mut index = HashMap::with_capacity(segments.len());
    for (i, s) in segments.iter().enumerate() {
        if index.insert(s.id, i).is_some() {
            return Err(SegError::option(which, format!("segment id {} appears twice in {which}.segments", s.id)));
        }
    }
    Ok(index)
}

fn members_by_id<'a>(run: &'a Labelled, index: &HashMap<u32, usize>, which: &str) -> Result<HashMap<&'a str, usize>> {
    let mut of = HashMap::with_capacity(run.assignments.len());
    for (row, m) in run.assignments.iter().enumerate() {
        let i = *index.get(&m.segment).ok_or_else(|| unknown_segment(which, row, m.segment))?;
        if of.insert(m.hcp_id.as_str(), i).is_some() {
            return Err(SegError::option(which, format!("hcpId \"{}\" appears twice in {which}.assignments (at index {row}); each HCP has one segment", crate::error::echo(&m.hcp_id))));
        }
    }
    Ok(of)
}

fn unknown_segment(which: &str, row: usize, segment: u32) -> SegError {
    SegError::option(which, format!("{which}.assignments[{row}] is in segment {segment}, which {which}.segments does not list"))
}

fn name_or_default(s: &SegmentName) -> String {
    s.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| format!("Segment {}", s.id))
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        0.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(names: &[(u32, &str)], labels: &[u32]) -> Labelled {
        Labelled {
            segments: names.iter().map(|&(id, n)| SegmentName { id, name: (!n.is_empty()).then(|| n.to_string()) }).collect(),
            assignments: labels.iter().enumerate().map(|(i, &s)| Member { hcp_id: format!("H{i}"), segment: s }).collect(),
        }
    }

    #[test]
    fn a_relabelled_run_keeps_every_name() {
        // The same partition, ids permuted 0→2, 1→0, 2→1: every name follows its members.
        let old = run(&[(0, "Digital natives"), (1, "Rep loyalists"), (2, "")], &[0, 0, 1, 1, 1, 2, 2]);
        let new = run(&[(0, "a"), (1, "b"), (2, "c")], &[2, 2, 0, 0, 0, 1, 1]);
        let c = match_by_members(&old, &new, &MatchOptions::default()).unwrap();
        let got: Vec<_> = c.segments.iter().map(|s| (s.id, s.previous_id, s.name.as_str(), s.is_new)).collect();
        assert_eq!(got, vec![(0, Some(1), "Rep loyalists", false), (1, Some(2), "Segment 2", false), (2, Some(0), "Digital natives", false)]);
        assert!(c.retired.is_empty());
        assert_eq!((c.segments[0].shared, c.segments[0].share_of_new, c.segments[0].share_of_previous), (3, 1.0, 1.0));
    }

    #[test]
    fn a_split_segment_keeps_its_name_on_the_larger_part_and_the_rest_is_new() {
        // Old segment 1 (6 HCPs) splits into new 1 (4) and new 2 (2); k grows from 2 to 3.
        let old = run(&[(0, "Webinar fans"), (1, "Congress goers")], &[0, 0, 0, 1, 1, 1, 1, 1, 1]);
        let new = run(&[(0, "x"), (1, "y"), (2, "z")], &[0, 0, 0, 1, 1, 1, 1, 2, 2]);
        let c = match_by_members(&old, &new, &MatchOptions::default()).unwrap();
        assert_eq!(c.segments[1].name, "Congress goers");
        assert_eq!(c.segments[1].share_of_previous, 4.0 / 6.0);
        assert!(c.segments[2].is_new && c.segments[2].name == "z" && c.segments[2].previous_id.is_none());
    }

    #[test]
    fn a_merge_retires_one_name_and_a_weak_pair_is_not_a_continuation() {
        let old = run(&[(0, "A"), (1, "B"), (2, "C")], &[0, 0, 1, 1, 2, 2]);
        // New 0 = old 0 + old 1 (half from each): the pairing takes one of them, 50 % ≥ 0.5.
        let new = run(&[(0, "n0"), (1, "n1")], &[0, 0, 0, 0, 1, 1]);
        let c = match_by_members(&old, &new, &MatchOptions::default()).unwrap();
        assert_eq!(c.segments[1].name, "C");
        assert_eq!(c.retired.len(), 1);
        // With minOverlap 0.6 the half-and-half segment continues neither.
        let c = match_by_members(&old, &new, &MatchOptions { min_overlap: 0.6 }).unwrap();
        assert!(c.segments[0].is_new && c.segments[0].name == "n0");
        assert_eq!(c.retired, vec![0, 1]);
    }

    #[test]
    fn hcps_only_in_one_run_do_not_count_as_shared() {
        let old = run(&[(0, "A")], &[0, 0]);
        let mut new = run(&[(0, "n")], &[0, 0, 0, 0]);
        new.assignments[0].hcp_id = "other".into();
        let c = match_by_members(&old, &new, &MatchOptions::default()).unwrap();
        // 1 of 4 members shared: below half, so new.
        assert!(c.segments[0].is_new);
    }

    #[test]
    fn bad_input_names_the_problem() {
        let old = run(&[(0, "A")], &[0, 1]);
        let new = run(&[(0, "n")], &[0, 0]);
        let e = match_by_members(&old, &new, &MatchOptions::default()).unwrap_err();
        assert_eq!(e.code(), "INVALID_OPTION");
        assert!(e.to_string().contains("previous.assignments[1] is in segment 1"), "{e}");
        let mut twice = run(&[(0, "A")], &[0, 0]);
        twice.assignments[1].hcp_id = "H0".into();
        let e = match_by_members(&twice, &new, &MatchOptions::default()).unwrap_err();
        assert!(e.to_string().contains("\"H0\" appears twice"), "{e}");
        for bad in [0.0, -1.0, 1.5, f64::NAN] {
            let e = match_by_members(&old, &new, &MatchOptions { min_overlap: bad }).unwrap_err();
            assert!(e.to_string().contains("minOverlap"), "{e}");
        }
    }
}
