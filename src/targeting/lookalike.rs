//! Look-alikes: score HCPs outside the modelled universe against one segment of a saved model.
//!
//! Candidates rarely carry the model's whole profile: a congress or partner list may have 4 of
//! its 11 channels and nothing else. They are ranked on the features they share with the model
//! (docs/lookalikes.md). A model feature is **unknown** for a candidate when its input column is
//! missing (a channel/format column the file does not have, no `days_since_last` /
//! `active_weeks` column or an empty cell there, a category column that is missing or empty);
//! unknown is not zero. Per block:
//! - channel (format) mix: the candidate's shares are taken over its *known* channels, then put
//!   back in the model's units by the segment's own share of its mix on those channels: a
//!   candidate with 80 % of its known engagement on X, scored against a segment whose mix has
//!   30 % on the same channels, is compared as 0.8 × 0.3 = 24 % X with the segment's X share.
//!   That is the candidate's full mix if its unseen channels were as the segment's, so the
//!   shared channels weigh as much as they do in the segment's own mix (a segment living on a
//!   channel the list lacks is judged on what remains, with the weight that remainder has);
//! - channel (format) intensity: known only when every channel (format) column is present;
//! - empty cells in a present count column are 0, as everywhere in the crate.
//!
//! Distance: both sides are scaled like the model's features (z-score × block weight); the squared
//! distance over the known features is rescaled by W / W_known, where W is the total squared
//! feature weight and W_known the known part (`coverage` = W_known / W). Score =
//! exp(−d² / W) in (0, 1]: 1 on the centroid; W is the expected squared distance of a universe
//! HCP from the universe mean, so a typical universe HCP scores about e^−1 ≈ 0.37 against the
//! universe mean. Drivers: the known features with the largest c_j² − (x_j − c_j)² (how much
//! nearer the candidate is to the segment than the universe mean is, on that feature).
//!
//! Every candidate with at least one known feature is ranked (`minCoverage` defaults to 0), so a
//! list that shares any column with the model never comes back empty; the result lists the
//! features used (known for some candidate) and missing (known for none).

use super::{read_with_model, total_weight};
use crate::error::{Result, SegError};
use crate::features::pipeline::{FeatureKind, FeatureSpec};
use crate::ingest::Profiles;
use crate::model::Model;
use crate::segmentation::Input;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LookalikeOptions {
    /// Segment id to score against (required).
    pub segment: u32,
    /// Keep at most this many (best first). Default: all.
    pub top: Option<u32>,
    /// Drop candidates scoring below this. Default 0.
    pub min_score: f64,
    /// Drop candidates whose coverage is below this. Default 0: every candidate sharing a
    /// feature with the model is ranked (a partial profile ranks on what it has).
    pub min_coverage: f64,
    /// Ids to leave out (e.g. the modelled universe, objections to profiling).
    pub exclude: Vec<String>,
    /// Drivers reported per candidate. Default 3.
    pub drivers: u32,
}

impl Default for LookalikeOptions {
    fn default() -> Self {
        LookalikeOptions { segment: 0, top: None, min_score: 0.0, min_coverage: 0.0, exclude: Vec::new(), drivers: 3 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub feature: String,
    pub contribution: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lookalike {
    pub hcp_id: String,
    pub rank: u32,
    pub score: f64,
    /// Estimated full-feature distance to the segment centroid.
    pub distance: f64,
    /// Share of the model's feature weight the candidate's columns cover (0-1).
    pub coverage: f64,
    /// The segment the candidate is nearest to (same estimate).
    pub nearest_segment: u32,
    pub drivers: Vec<Driver>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LookalikeResult {
    pub segment: u32,
    pub segment_name: String,
    pub candidates: u32,
    /// Below `minCoverage` (too little known to score).
    pub unscored: u32,
    pub lookalikes: Vec<Lookalike>,
    /// Model features no candidate column covers.
    pub missing_features: Vec<String>,
    /// Model features the ranking used: known for at least one candidate (the rest are in
    /// `missingFeatures`).
    pub used_features: Vec<String>,
    /// The target segment's share of its own channel mix on the channels the candidates have
    /// (1 with every channel; None when the model has no channel mix): how much of what defines
    /// the segment the ranking can see.
    pub shared_channel_share: Option<f64>,
    /// What limits the ranking: the segment's main channels missing from the file (the shared
    /// channels carry under half of its mix), or why no candidate is listed.
    pub warnings: Vec<String>,
}

/// Under this share of the segment's channel mix on the candidates' channels, the result warns
/// that the ranking cannot see what mainly defines the segment.
pub const WEAK_SHARED_CHANNEL_SHARE: f64 = 0.5;

/// The segment's share of its channel mix on the covered channels, and a warning when it is
/// under [`WEAK_SHARED_CHANNEL_SHARE`] naming the segment's largest missing channels.
fn shared_channels(features: &[FeatureSpec], seg: &[Option<f64>], covered: &[bool]) -> (Option<f64>, Option<String>) {
    let channels: Vec<(&str, f64, bool)> = features
        .iter()
        .zip(seg)
        .zip(covered)
        .filter_map(|((f, s), &c)| match &f.kind {
            FeatureKind::ChannelShare { channel } => Some((channel.as_str(), s.unwrap_or(0.0), c)),
            _ => None,
        })
        .collect();
    if channels.is_empty() {
        return (None, None);
    }
    let total: f64 = channels.iter().map(|c| c.1).sum();
    let shared: f64 = channels.iter().filter(|c| c.2).map(|c| c.1).sum();
    let share = if total > 0.0 { shared / total } else { 0.0 };
    if share >= WEAK_SHARED_CHANNEL_SHARE {
        return (Some(share), None);
    }
    let mut missing: Vec<&(&str, f64, bool)> = channels.iter().filter(|c| !c.2).collect();
    crate::sort::sort_by(&mut missing, |a, b| b.1.total_cmp(&a.1));
    let named: Vec<String> = missing.iter().take(3).map(|(n, v, _)| format!("{n} {:.0} %", v / total.max(f64::MIN_POSITIVE) * 100.0)).collect();
    let warning = format!(
        "the candidates' channels carry only {:.0} % of the segment's channel mix; its main channels are not in the file ({}): the ranking rests on the rest and is weak for this segment",
        share * 100.0,
        named.join(", ")
    );
    (Some(share), Some(warning))
}

/// A model centroid in raw feature units (`None` where the feature has weight 0).
fn raw_centroid(features: &[FeatureSpec], centroid: &[f64]) -> Vec<Option<f64>> {
    features
        .iter()
        .zip(centroid)
        .map(|(f, &c)| (f.weight > 0.0).then(|| f.mean + c / f.weight * f.scale))
        .collect()
}

/// Candidate raw feature values (None = unknown), for row i.
fn raw_candidate(model: &Model, p: &Profiles, i: usize) -> Vec<Option<f64>> {
    let pl = &model.pipeline;
    let cap = |caps: &Option<Vec<f64>>, j: usize, v: f64| caps.as_ref().map_or(v, |c| v.min(c[j]));
    let block = |names: &[String], present: &[String], row: &[f64], caps: &Option<Vec<f64>>| -> Vec<Option<f64>> {
        names
            .iter()
            .enumerate()
            .map(|(j, n)| present.iter().position(|x| x == n).map(|src| cap(caps, j, row[src])))
            .collect()
    };
    let ch = block(&pl.channels, &p.channels, &p.channel_row(i), &pl.channel_caps);
    let fm = block(&pl.formats, &p.formats, &p.format_row(i), &pl.format_caps);
    let known_total = |v: &[Option<f64>]| v.iter().flatten().sum::<f64>();
    let (ch_total, fm_total) = (known_total(&ch), known_total(&fm));
    let share = |v: Option<f64>, total: f64| v.map(|x| if total > 0.0 { x / total } else { 0.0 });
    let pos = |names: &[String], n: &str| names.iter().position(|x| x == n).unwrap_or(0);
    pl.features
        .iter()
        .map(|f| match &f.kind {
            FeatureKind::ChannelShare { channel } => share(ch[pos(&pl.channels, channel)], ch_total),
            FeatureKind::FormatShare { format } => share(fm[pos(&pl.formats, format)], fm_total),
            FeatureKind::ChannelIntensity => ch.iter().all(Option::is_some).then(|| libm::log1p(ch_total)),
            FeatureKind::FormatIntensity => fm.iter().all(Option::is_some).then(|| libm::log1p(fm_total)),
            FeatureKind::Recency => p.recency.as_ref().and_then(|r| r[i]),
            FeatureKind::Frequency => p.frequency.as_ref().and_then(|r| r[i]),
            FeatureKind::Category { column, value } => {
                p.category(column).and_then(|c| c.get(i)).map(|v| if v == value { 1.0 } else { 0.0 })
            }
        })
        .collect()
}

/// The candidate in the segment's units: its mix shares (over its known channels / formats)
/// times the segment's share of its own mix on those same channels / formats (module notes).
fn candidate_view(features: &[FeatureSpec], seg: &[Option<f64>], values: &[Option<f64>]) -> Vec<Option<f64>> {
    let mass = |pred: fn(&FeatureKind) -> bool| -> f64 {
        features.iter().zip(seg).zip(values).filter(|((f, _), x)| pred(&f.kind) && x.is_some()).filter_map(|((_, s), _)| *s).sum()
    };
    let ch_mass = mass(|k| matches!(k, FeatureKind::ChannelShare { .. }));
    let fm_mass = mass(|k| matches!(k, FeatureKind::FormatShare { .. }));
    features
        .iter()
        .zip(values)
        .map(|(f, x)| match f.kind {
            FeatureKind::ChannelShare { .. } => x.map(|v| v * ch_mass),
            FeatureKind::FormatShare { .. } => x.map(|v| v * fm_mass),
            _ => *x,
        })
        .collect()
}

struct Scored {
    d2: f64,
    coverage: f64,
    contributions: Vec<(usize, f64)>,
}

fn score_against(features: &[FeatureSpec], seg: &[Option<f64>], cand: &[Option<f64>], w_all: f64) -> Option<Scored> {
    let cand = candidate_view(features, seg, cand);
    let (mut d2, mut w_known) = (0.0, 0.0);
    let mut contributions = Vec::new();
    for (j, f) in features.iter().enumerate() {
        if let (Some(x), Some(c)) = (cand[j], seg[j]) {
            let zx = (x - f.mean) / f.scale * f.weight;
            let zc = (c - f.mean) / f.scale * f.weight;
            d2 += (zx - zc) * (zx - zc);
            w_known += f.weight * f.weight;
            contributions.push((j, zc * zc - (zx - zc) * (zx - zc)));
        }
    }
    (w_known > 0.0).then(|| Scored { d2: d2 * w_all / w_known, coverage: w_known / w_all, contributions })
}

/// Score the candidates in `input` against `options.segment` of `model` (see the module notes).
pub fn lookalikes(model: &Model, input: Input, options: &LookalikeOptions) -> Result<LookalikeResult> {
    let k = model.centroids.len();
    let target = options.segment as usize;
    if target >= k {
        return Err(SegError::option("segment", format!("the model has segments 0..{}, got {}", k - 1, options.segment)));
    }
    if !(0.0..=1.0).contains(&options.min_score) || !(0.0..=1.0).contains(&options.min_coverage) {
        return Err(SegError::option("minScore", "minScore and minCoverage must be between 0 and 1"));
    }
    let (profiles, _) = read_with_model(model, input, options.exclude.clone())?;
    let features = &model.pipeline.features;
    let w_all = total_weight(model);
    let raws: Vec<Vec<Option<f64>>> = model.centroids.iter().map(|c| raw_centroid(features, c)).collect();

    let mut covered = vec![false; features.len()];
    let mut out = Vec::new();
    let mut unscored = 0;
    for i in 0..profiles.len() {
        let cand = raw_candidate(model, &profiles, i);
        for (c, v) in covered.iter_mut().zip(&cand) {
            *c |= v.is_some();
        }
        let Some(s) = score_against(features, &raws[target], &cand, w_all) else {
            unscored += 1;
            continue;
        };
        if s.coverage < options.min_coverage {
            unscored += 1;
            continue;
        }
        let nearest = (0..k)
            .filter_map(|c| score_against(features, &raws[c], &cand, w_all).map(|x| (c, x.d2)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(options.segment, |(c, _)| c as u32);
        let score = (-s.d2 / w_all).exp();
        if score < options.min_score {
            continue;
        }
        let mut contributions = s.contributions;
        crate::sort::sort_by(&mut contributions, |a, b| b.1.total_cmp(&a.1));
        let drivers = contributions
            .into_iter()
            .filter(|(_, c)| *c > 0.0)
            .take(options.drivers as usize)
            .map(|(j, c)| Driver { feature: features[j].name.clone(), contribution: c })
            .collect();
        out.push(Lookalike {
            hcp_id: profiles.ids[i].clone(),
            rank: 0,
            score,
            distance: s.d2.sqrt(),
            coverage: s.coverage,
            nearest_segment: nearest,
            drivers,
        });
    }
    crate::sort::sort_by(&mut out, |a, b| b.score.total_cmp(&a.score).then_with(|| a.hcp_id.cmp(&b.hcp_id)));
    if let Some(top) = options.top {
        out.truncate(top as usize);
    }
    for (r, l) in out.iter_mut().enumerate() {
        l.rank = r as u32 + 1;
    }
    let (used, missing): (Vec<_>, Vec<_>) = features.iter().zip(&covered).partition(|(_, c)| **c);
    let used_features = used.into_iter().map(|(f, _)| f.name.clone()).collect();
    let missing_features = missing.into_iter().map(|(f, _)| f.name.clone()).collect();
    let (shared_channel_share, weak) = shared_channels(features, &raws[target], &covered);
    let mut warnings: Vec<String> = weak.into_iter().collect();
    if out.is_empty() && !profiles.is_empty() {
        warnings.push(if unscored as usize == profiles.len() {
            "no candidate could be ranked: none shares a feature with the model (or reaches minCoverage)".to_string()
        } else {
            "no candidate reaches minScore: lower it to see the ranking".to_string()
        });
    }
    Ok(LookalikeResult {
        segment: options.segment,
        segment_name: model.segments[target].name.clone(),
        candidates: profiles.len() as u32,
        unscored,
        lookalikes: out,
        missing_features,
        used_features,
        shared_channel_share,
        warnings,
    })
}

