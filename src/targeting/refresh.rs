//! Refresh: re-segment a new period against a saved model so segment ids and names survive.
//!
//! 1. The new rows are segmented with the model's own settings (column mapping, block weights,
//!    cap quantile, seed, restarts, iterations; k = the model's k unless `k` says otherwise). The
//!    feature pipeline is re-fitted on the new period, as a fresh run would.
//!    Warm start (`warmStart`, default on): with the model's k, one Lloyd run starts from the
//!    old segments carried into the new feature space (the new rows grouped by their nearest old
//!    centroid, the groups' means taken in the new space) next to the k-means++ restarts; the
//!    lowest inertia wins.
//!    On a drifted period the restarts alone can land in a local optimum (two segments merged,
//!    one split) that the old segments' layout avoids; with 3 restarts on the test's planted
//!    drift that happened for 7 of 12 seeds (tests/targeting.rs).
//! 2. The new segments are compared with the old ones **in the old model's feature space**: each
//!    new segment's members are transformed with the saved pipeline and averaged, and the cost of
//!    pairing old segment i with new segment j is the Euclidean distance between old centroid i
//!    and that average. (New-space centroids are not comparable: the scaling moved.)
//! 3. Hungarian matching (`segments::continuity::match_segments`) pairs them at the least total distance. A pair further apart
//!    than `maxMatchDistance` (when set) is not a match.
//! 4. Ids: a matched new segment takes its old segment's id and name (names edited by the user
//!    survive). Ids are positions in the model (0..k−1), so: with the model's k every segment
//!    keeps its id; when k grows, the unmatched segments get the next ids (with generated names);
//!    when segments are retired (k shrinks, or a pair is too far apart) the freed ids are reused
//!    and a matched segment whose id no longer fits moves into one. `matches[].previousId` is
//!    the authority on which new segment continues which old one.
//! 5. Migration: for HCPs in both periods (by `hcp_id`), counts old segment → new segment, from
//!    the previous period's assignments that the caller passes back; HCPs only in the new period
//!    are new, only in the old one lapsed (counts in the report, ids in separate lists).

use super::read_with_model;
use crate::clustering::kmeans::sq_dist;
use crate::error::{Result, SegError};
use crate::model::Model;
use crate::segmentation::{segment_warm, Input, KChoice, SegmentOptions, SegmentResult};
use crate::segments::continuity::match_segments;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RefreshOptions {
    /// k of the new segmentation: a number or "auto". Default: the model's k.
    pub k: Option<KChoice>,
    /// k-means++ restarts. Default: the model's. More restarts make a local optimum (which shows
    /// up as a merge plus a split in the migration matrix) less likely.
    pub n_runs: Option<u32>,
    /// Pairs further apart than this (old feature space, Euclidean) are not matched. Default: none.
    pub max_match_distance: Option<f64>,
    /// One extra Lloyd run seeded from the old segments (see the module notes), next to the
    /// k-means++ restarts; the lower inertia wins. Only with the model's k. Default true.
    pub warm_start: Option<bool>,
    pub exclude: Vec<String>,
    pub delimiter: Option<String>,
    pub decimal_comma: Option<bool>,
    /// Force the encoding of a file given as bytes (see `SegmentOptions::encoding`).
    pub encoding: Option<String>,
}

/// One HCP's segment in the previous period (the `assignments` of the earlier result; other
/// fields such as `distance` are allowed and ignored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviousAssignment {
    pub hcp_id: String,
    pub segment: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentMatch {
    /// Id in the refreshed model.
    pub id: u32,
    pub name: String,
    /// The old segment it continues; None for a new segment.
    pub previous_id: Option<u32>,
    /// Distance between the old centroid and the new members' mean (old feature space).
    pub distance: Option<f64>,
    pub size: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshReport {
    /// One per new segment, by id.
    pub matches: Vec<SegmentMatch>,
    /// Old ids with no successor.
    pub retired: Vec<u32>,
    /// migration[old id][new id]: HCPs present in both periods.
    pub migration: Vec<Vec<u32>>,
    /// HCPs in both periods.
    pub continuing: u32,
    /// Of those, HCPs whose new segment does not continue their old one.
    pub moved: u32,
    pub new_hcps: u32,
    pub lapsed_hcps: u32,
    pub new_hcp_ids: Vec<String>,
    pub lapsed_hcp_ids: Vec<String>,
    /// Whether the segmentation came from the warm start (it had a lower inertia than every
    /// k-means++ restart).
    pub warm_start: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RefreshResult {
    /// The new period's segmentation, with ids, names and model relabelled.
    pub result: SegmentResult,
    pub refresh: RefreshReport,
}


/// Re-segment `input` against `model` (see the module notes). `previous` is the earlier period's
/// assignments (for the migration matrix); it may be empty.
pub fn refresh(model: &Model, input: Input, previous: &[PreviousAssignment], options: &RefreshOptions) -> Result<RefreshResult> {
    let k_old = model.centroids.len();
    if let Some(d) = options.max_match_distance {
        if !(d.is_finite() && d >= 0.0) {
            return Err(SegError::option("maxMatchDistance", format!("must be a number ≥ 0, got {d}")));
        }
    }
    let mut prev_of: HashMap<&str, u32> = HashMap::with_capacity(previous.len());
    for p in previous {
        if p.segment as usize >= k_old {
            return Err(SegError::option("previous", format!("hcp `{}` has segment {}, but the model has {k_old} segments", crate::error::echo(&p.hcp_id), p.segment)));
        }
        if prev_of.insert(p.hcp_id.as_str(), p.segment).is_some() {
            return Err(SegError::option("previous", format!("hcp `{}` appears twice", crate::error::echo(&p.hcp_id))));
        }
    }

    let seg_options = SegmentOptions {
        k: options.k.unwrap_or(KChoice::Fixed(k_old as u32)),
        seed: model.params.seed,
        n_runs: options.n_runs.unwrap_or(model.params.n_runs),
        max_iterations: model.params.max_iterations,
        tolerance: model.params.tolerance,
        columns: model.columns.clone(),
        weights: model.pipeline.weights.clone(),
        exclude: options.exclude.clone(),
        cap_quantile: model.pipeline.cap_quantile,
        delimiter: options.delimiter.clone(),
        decimal_comma: options.decimal_comma,
        encoding: options.encoding.clone(),
        ..SegmentOptions::default()
    };
    let (profiles, _) = read_with_model(model, input.clone(), options.exclude.clone())?;
    // Warm start: the new rows' nearest old centroid (old feature space) groups them; the
    // groups' means in the new feature space are the old segments carried over to it.
    let k_is_old = seg_options.k == KChoice::Fixed(k_old as u32);
    let old_labels = |p: &crate::ingest::Profiles| -> Result<Vec<u32>> {
        let x = model.pipeline.transform(p)?;
        let c = ndarray::Array2::from_shape_vec((k_old, x.ncols()), model.centroids.concat())
            .map_err(|e| SegError::Clustering { message: e.to_string() })?;
        Ok(crate::clustering::kmeans::nearest_centroids(x.view(), c.view()).0)
    };
    let warm: Option<crate::segmentation::WarmStart> =
        (options.warm_start.unwrap_or(true) && k_is_old).then_some(&old_labels as crate::segmentation::WarmStart);
    let (mut result, warm_won) = segment_warm(input, &seg_options, &mut |_| {}, warm)?;
    let k_new = result.segments.len();

    // New segments' member means in the old feature space.
    let x_old = model.pipeline.transform(&profiles)?;
    let d = x_old.ncols();
    let mut sums = vec![vec![0.0; d]; k_new];
    let mut counts = vec![0usize; k_new];
    for (a, row) in result.assignments.iter().zip(x_old.outer_iter()) {
        let s = a.segment as usize;
        counts[s] += 1;
        for (acc, v) in sums[s].iter_mut().zip(row.iter()) {
            *acc += v;
        }
    }
    let means: Vec<Vec<f64>> =
        sums.into_iter().zip(&counts).map(|(s, &c)| s.into_iter().map(|v| v / c.max(1) as f64).collect()).collect();
    let cost: Vec<Vec<f64>> =
        model.centroids.iter().map(|c| means.iter().map(|m| sq_dist(c, m).sqrt()).collect()).collect();
    let old_of_new = match_segments(&cost, k_new, options.max_match_distance);

    // Final ids: keep matched ids that fit, then fill the free ids (new segments by size order).
    let mut id_of_new: Vec<Option<u32>> = old_of_new.iter().map(|o| o.filter(|&i| i < k_new).map(|i| i as u32)).collect();
    let free_ids: Vec<u32> = (0..k_new as u32).filter(|id| !id_of_new.contains(&Some(*id))).collect();
    let mut free = free_ids.into_iter();
    let order: Vec<usize> = (0..k_new).filter(|&j| old_of_new[j].is_some()).chain((0..k_new).filter(|&j| old_of_new[j].is_none())).collect();
    for j in order {
        if id_of_new[j].is_none() {
            id_of_new[j] = free.next();
        }
    }
    let id_of_new: Vec<u32> = id_of_new.into_iter().map(|i| i.unwrap_or(0)).collect();

    // Names: the old (possibly edited) name for matches; generated ones stay unique.
    let mut names: Vec<String> = vec![String::new(); k_new];
    for j in 0..k_new {
        if let Some(i) = old_of_new[j] {
            names[j] = model.segments[i].name.clone();
        }
    }
    for j in 0..k_new {
        if old_of_new[j].is_none() {
            let base = result.segments[j].name.clone();
            let mut name = base.clone();
            let mut n = 2;
            while names.contains(&name) {
                name = format!("{base} ({n})");
                n += 1;
            }
            names[j] = name;
        }
    }
    relabel(&mut result, &id_of_new, &names)?;

    let mut matches: Vec<SegmentMatch> = (0..k_new)
        .map(|j| SegmentMatch {
            id: id_of_new[j],
            name: names[j].clone(),
            previous_id: old_of_new[j].map(|i| i as u32),
            distance: old_of_new[j].map(|i| cost[i][j]),
            size: counts[j] as u32,
        })
        .collect();
    crate::sort::sort_by_key(&mut matches, |m| m.id);
    let retired: Vec<u32> = (0..k_old as u32).filter(|i| !old_of_new.contains(&Some(*i as usize))).collect();

    let mut migration = vec![vec![0u32; k_new]; k_old];
    let (mut continuing, mut moved) = (0u32, 0u32);
    let mut new_hcp_ids = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::with_capacity(result.assignments.len());
    for a in &result.assignments {
        seen.insert(a.hcp_id.as_str());
        match prev_of.get(a.hcp_id.as_str()) {
            Some(&old) => {
                migration[old as usize][a.segment as usize] += 1;
                continuing += 1;
                let continues = matches[a.segment as usize].previous_id == Some(old);
                if !continues {
                    moved += 1;
                }
            }
            None => new_hcp_ids.push(a.hcp_id.clone()),
        }
    }
    let lapsed_hcp_ids: Vec<String> = previous.iter().filter(|p| !seen.contains(p.hcp_id.as_str())).map(|p| p.hcp_id.clone()).collect();
    let refresh = RefreshReport {
        matches,
        retired,
        migration,
        continuing,
        moved,
        new_hcps: new_hcp_ids.len() as u32,
        lapsed_hcps: lapsed_hcp_ids.len() as u32,
        new_hcp_ids,
        lapsed_hcp_ids,
        warm_start: warm_won,
    };
    Ok(RefreshResult { result, refresh })
}

/// Give segment j of `r` the id `ids[j]` and name `names[j]`, everywhere in the result.
fn relabel(r: &mut SegmentResult, ids: &[u32], names: &[String]) -> Result<()> {
    let k = ids.len();
    for s in r.segments.iter_mut() {
        let j = s.id as usize;
        s.id = ids[j];
        s.name = names[j].clone();
    }
    crate::sort::sort_by_key(&mut r.segments, |s| s.id);
    for a in r.assignments.iter_mut() {
        a.segment = ids[a.segment as usize];
    }
    let mut centroids = vec![Vec::new(); k];
    let mut segs = r.model.segments.clone();
    let mut proj = vec![0f32; r.projection.centroids.len()];
    for j in 0..k {
        let id = ids[j] as usize;
        centroids[id] = r.model.centroids[j].clone();
        segs[id] = crate::model::ModelSegment { id: id as u32, name: names[j].clone(), size: r.model.segments[j].size };
        if proj.len() == 2 * k {
            proj[2 * id] = r.projection.centroids[2 * j];
            proj[2 * id + 1] = r.projection.centroids[2 * j + 1];
        }
    }
    r.model.centroids = centroids;
    r.model.segments = segs;
    r.projection.centroids = proj;
    // The centroids moved: the model's integrity checksum must be recomputed.
    r.model = r.model.clone().seal()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hungarian_pairs_at_least_total_cost_and_pads() {
        // Greedy would pair old 0 with new 0 (cost 1) and leave old 1 with new 1 (cost 10).
        let cost = vec![vec![1.0, 2.0], vec![2.0, 10.0]];
        assert_eq!(match_segments(&cost, 2, None), vec![Some(1), Some(0)]);
        // More new than old: one new segment stays unmatched.
        let cost = vec![vec![5.0, 0.5, 3.0]];
        assert_eq!(match_segments(&cost, 3, None), vec![None, Some(0), None]);
        // More old than new.
        let cost = vec![vec![4.0], vec![1.0], vec![2.0]];
        assert_eq!(match_segments(&cost, 1, None), vec![Some(1)]);
        // Too far apart: no match.
        assert_eq!(match_segments(&cost, 1, Some(0.5)), vec![None]);
    }
}
