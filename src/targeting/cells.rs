//! Test cells: seeded, reproducible A/B/n + holdout assignment, stratified.
//!
//! Members are grouped into strata: their segment × the stratification columns (default:
//! specialty × country; an empty value is its own level), so a test is balanced *inside* every
//! segment, as a per-segment test needs. Within a stratum they are sorted by `hcp_id` and shuffled with a generator seeded from
//! (seed, stratum key), then dealt by **systematic allocation**: with cumulative cell shares
//! C_1 < … < C_n = 1 and one random offset u ∈ [0, 1), member p of m goes to the first cell with
//! (p + u) / m < C_a. Each cell then gets ⌊m·w_a⌋ or ⌈m·w_a⌉ members of every stratum, i.e. it
//! is within ±1 of its exact quota per stratum; over all strata the deviations are independent
//! and average out. The same members, seed and design give the same cells whatever the input
//! order, and adding a stratum does not move anyone in the others.

use super::read_with_model;
use crate::clustering::kmeans::nearest_centroids;
use crate::error::{Result, SegError};
use crate::model::Model;
use crate::segmentation::Input;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// A cell: a name, or a name with a relative weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ArmSpec {
    Name(String),
    Weighted { name: String, weight: f64 },
}

impl ArmSpec {
    fn parts(&self) -> (&str, f64) {
        match self {
            ArmSpec::Name(n) => (n, 1.0),
            ArmSpec::Weighted { name, weight } => (name, *weight),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CellOptions {
    /// Test cells; default ["A", "B"] (equal weights).
    pub arms: Vec<ArmSpec>,
    /// Share held out (no contact), in [0, 1). Default 0.1; 0 = no holdout cell.
    pub holdout: f64,
    pub seed: u32,
    /// Category columns to stratify by. Default ["specialty", "country"] (those present).
    pub strata: Vec<String>,
    /// Only members of these segments. Default: all.
    pub segments: Option<Vec<u32>>,
    /// Only these hcp_ids. Default: all.
    pub ids: Option<Vec<String>>,
    pub exclude: Vec<String>,
}

impl Default for CellOptions {
    fn default() -> Self {
        CellOptions {
            arms: vec![ArmSpec::Name("A".into()), ArmSpec::Name("B".into())],
            holdout: 0.1,
            seed: 42,
            strata: vec!["specialty".into(), "country".into()],
            segments: None,
            ids: None,
            exclude: Vec::new(),
        }
    }
}

pub const HOLDOUT: &str = "holdout";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CellAssignment {
    pub hcp_id: String,
    pub segment: u32,
    pub cell: String,
    /// Stratum values joined with `|`, in `strata` order.
    pub stratum: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CellCount {
    pub cell: String,
    pub share: f64,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestCells {
    pub assignments: Vec<CellAssignment>,
    pub cells: Vec<CellCount>,
    /// Stratum (`<segment>|<values of stratified_by>`) → counts per cell (in `cells` order).
    pub strata: BTreeMap<String, Vec<u32>>,
    /// Stratification columns used (those of `strata` present in the input).
    pub stratified_by: Vec<String>,
}

/// Cell names and normalised shares (holdout last).
pub fn design(arms: &[ArmSpec], holdout: f64) -> Result<Vec<(String, f64)>> {
    if !(holdout.is_finite() && (0.0..1.0).contains(&holdout)) {
        return Err(SegError::option("holdout", format!("must be in [0, 1), got {holdout}")));
    }
    if arms.is_empty() {
        return Err(SegError::option("arms", "needs at least one cell"));
    }
    let mut names = HashSet::new();
    let total: f64 = arms.iter().map(|a| a.parts().1).sum();
    let mut out = Vec::new();
    for a in arms {
        let (name, w) = a.parts();
        if !(w.is_finite() && w > 0.0) {
            return Err(SegError::option("arms", format!("weight of `{name}` must be > 0, got {w}")));
        }
        if name.trim().is_empty() || name == HOLDOUT || !names.insert(name.to_string()) {
            return Err(SegError::option("arms", format!("cell names must be unique, non-empty and not `{HOLDOUT}`: `{name}`")));
        }
        out.push((name.to_string(), w / total * (1.0 - holdout)));
    }
    if holdout > 0.0 {
        out.push((HOLDOUT.to_string(), holdout));
    }
    Ok(out)
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// Cell index per member: `ids[i]` in stratum `strata[i]`, cells with `shares` (summing to 1).
pub fn assign_cells(ids: &[String], strata: &[String], shares: &[f64], seed: u32) -> Vec<usize> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, s) in strata.iter().enumerate() {
        groups.entry(s.as_str()).or_default().push(i);
    }
    let mut cum = Vec::with_capacity(shares.len());
    let mut acc = 0.0;
    for s in shares {
        acc += s;
        cum.push(acc);
    }
    if let Some(last) = cum.last_mut() {
        *last = f64::INFINITY; // guards against the shares summing to 0.999…
    }
    let mut out = vec![0usize; ids.len()];
    for (key, mut members) in groups {
        crate::sort::sort_by(&mut members, |&a, &b| ids[a].cmp(&ids[b]));
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(((seed as u64) << 32) ^ fnv1a(key));
        members.shuffle(&mut rng);
        let u: f64 = rng.gen();
        let m = members.len() as f64;
        for (p, &i) in members.iter().enumerate() {
            let t = (p as f64 + u) / m;
            out[i] = cum.iter().position(|&c| t < c).unwrap_or(cum.len() - 1);
        }
    }
    out
}

/// Test cells for a model's segments on `input` (see the module notes).
pub fn test_cells(model: &Model, input: Input, options: &CellOptions) -> Result<TestCells> {
    let cells = design(&options.arms, options.holdout)?;
    let (profiles, _) = read_with_model(model, input, options.exclude.clone())?;
    let x = model.pipeline.transform(&profiles)?;
    let (labels, _) = nearest_centroids(x.view(), model.centroid_matrix().view());
    let wanted_ids: Option<HashSet<&str>> = options.ids.as_ref().map(|v| v.iter().map(String::as_str).collect());
    let columns: Vec<&crate::ingest::CategoryColumn> = options.strata.iter().filter_map(|s| profiles.category(s)).collect();
    let mut ids = Vec::new();
    let mut strata = Vec::new();
    let mut segs = Vec::new();
    for (i, id) in profiles.ids.iter().enumerate() {
        let in_segment = options.segments.as_ref().is_none_or(|s| s.contains(&labels[i]));
        let in_ids = wanted_ids.as_ref().is_none_or(|w| w.contains(id.as_str()));
        if in_segment && in_ids {
            ids.push(id.clone());
            strata.push(columns.iter().map(|c| c.get(i).unwrap_or_default()).collect::<Vec<_>>().join("|"));
            segs.push(labels[i]);
        }
    }
    if ids.is_empty() {
        return Err(SegError::EmptyInput { what: "no HCPs in the selection".into() });
    }
    let shares: Vec<f64> = cells.iter().map(|c| c.1).collect();
    // The segment is part of every stratum: a test run inside one segment must be balanced
    // there, not only summed over the segments.
    let keys: Vec<String> = segs.iter().zip(&strata).map(|(seg, s)| if columns.is_empty() { seg.to_string() } else { format!("{seg}|{s}") }).collect();
    let arm = assign_cells(&ids, &keys, &shares, options.seed);
    let mut counts = vec![0u32; cells.len()];
    let mut by_stratum: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (key, &a) in keys.into_iter().zip(&arm) {
        counts[a] += 1;
        by_stratum.entry(key).or_insert_with(|| vec![0; cells.len()])[a] += 1;
    }
    let assignments = ids
        .into_iter()
        .zip(strata)
        .zip(segs)
        .zip(&arm)
        .map(|(((hcp_id, stratum), segment), &a)| CellAssignment { hcp_id, segment, cell: cells[a].0.clone(), stratum })
        .collect();
    Ok(TestCells {
        assignments,
        cells: cells.iter().zip(&counts).map(|((cell, share), &count)| CellCount { cell: cell.clone(), share: *share, count }).collect(),
        strata: by_stratum,
        stratified_by: columns.iter().map(|c| c.name.clone()).collect(),
    })
}

