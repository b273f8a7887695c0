//! Channel plan: per segment a ranked channel and format priority, the reachable share after
//! consent, and a budget split across segments × channels that sums exactly to the budget.
//!
//! Rules (also in `js/types.d.ts`):
//! - **Consent gate** per channel: `email` needs `consent_email`; `rep` (field force) needs
//!   none; every other channel (the digital ones: open networks, walled gardens, CME sites)
//!   needs `consent_tracking`. `consentRules` overrides per channel (`null` = no gate). A
//!   gate whose column the data did not have is reported `consentKnown: false` and treated as
//!   100 % reachable. An empty consent cell is not consent.
//! - **Priority**: channels ranked by index ÷ 100 × reachable share (ties: index); formats by
//!   index.
//! - **Budget weight** of (segment s, channel c) = index_sc ÷ 100 × reachable_sc ×
//!   segmentWeight_s × channelWeight_c × resultMultiplier_sc (weights default 1; channels with
//!   index < `minIndex` get 0). Amounts are whole cents: each cell's exact share of the budget
//!   is floored and the leftover cents go to the largest remainders (ties: plan order), so they
//!   add up to the budget exactly.
//! - **Campaign results** (CSV `segment,channel,impressions,engagements`; `segment` is an id or
//!   a name; rows for the same cell are added up): pooled rate r̄ = Σ engagements ÷ Σ
//!   impressions; a cell's rate is shrunk towards it, r̃ = (e + κ·r̄) ÷ (i + κ) with κ =
//!   `priorImpressions` (default 1 000), and its multiplier is r̃ ÷ r̄. Cells without results keep
//!   multiplier 1. So budget moves to what works, slowly when the evidence is thin.

use crate::error::{echo, Result, SegError};
use crate::ingest::roles::normalise;
use crate::segments::Segment;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PlanOptions {
    /// Total budget in currency units; split in whole cents.
    pub budget: f64,
    /// Segment id (as text) → weight. Default 1 each.
    pub segment_weights: BTreeMap<String, f64>,
    /// Channel name → weight. Default 1 each; 0 switches a channel off.
    pub channel_weights: BTreeMap<String, f64>,
    /// Channels below this index get no budget. Default 0.
    pub min_index: f64,
    /// Channel → consent column gating it (`null`: none). Overrides the default rule.
    pub consent_rules: BTreeMap<String, Option<String>>,
    /// Campaign results CSV: `segment,channel,impressions,engagements`.
    pub results: Option<String>,
    /// Prior strength κ in impressions for shrinking observed rates. Default 1000.
    pub prior_impressions: f64,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            budget: 0.0,
            segment_weights: BTreeMap::new(),
            channel_weights: BTreeMap::new(),
            min_index: 0.0,
            consent_rules: BTreeMap::new(),
            results: None,
            prior_impressions: 1000.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelPriority {
    pub channel: String,
    pub index: f64,
    /// Consent column gating the channel, if any.
    pub consent: Option<String>,
    pub consent_known: bool,
    pub reachable_share: f64,
    pub reachable: u32,
    /// index ÷ 100 × reachable share: the ranking key.
    pub priority: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormatPriority {
    pub format: String,
    pub index: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentPlan {
    pub id: u32,
    pub name: String,
    pub size: u32,
    pub channels: Vec<ChannelPriority>,
    pub formats: Vec<FormatPriority>,
    pub budget_cents: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Allocation {
    pub segment: u32,
    pub channel: String,
    pub weight: f64,
    pub multiplier: f64,
    /// Observed engagement rate in the loaded results, if any.
    pub observed_rate: Option<f64>,
    pub impressions: Option<f64>,
    pub cents: u64,
    pub amount: f64,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelPlan {
    pub segments: Vec<SegmentPlan>,
    /// Every segment × channel with weight > 0, in segment then priority order.
    pub allocations: Vec<Allocation>,
    pub budget_cents: u64,
    /// Pooled engagement rate of the loaded results.
    pub mean_rate: Option<f64>,
    /// Result rows whose segment or channel is not in the plan (count).
    pub unmatched_results: u32,
}

/// The consent column that gates a channel by default (see the module notes).
pub fn default_gate(channel: &str) -> Option<&'static str> {
    match channel {
        "email" => Some("consent_email"),
        "rep" => None,
        _ => Some("consent_tracking"),
    }
}

/// Split `total` cents in proportion to `weights` (largest remainder; ties by position).
pub fn largest_remainder(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut out: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let assigned: u64 = out.iter().sum();
    let mut left = total.saturating_sub(assigned);
    let mut order: Vec<usize> = (0..weights.len()).collect();
    crate::sort::sort_by(&mut order, |&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        if weights[i] > 0.0 {
            out[i] += 1;
            left -= 1;
        }
    }
    // Float flooring can overshoot by a cent on huge budgets: take it back from the largest.
    let mut over = out.iter().sum::<u64>().saturating_sub(total);
    while over > 0 {
        if let Some(i) = (0..out.len()).max_by_key(|&i| out[i]) {
            out[i] -= 1;
        }
        over -= 1;
    }
    out
}

struct Observed {
    impressions: f64,
    engagements: f64,
}

/// Observed results per (segment id, channel).
type ResultCells = HashMap<(u32, String), Observed>;

fn parse_results(text: &str, segments: &[Segment]) -> Result<(ResultCells, u32)> {
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers: Vec<String> = rdr.headers().map_err(|e| SegError::CsvSyntax { line: 1, message: e.to_string() })?.iter().map(normalise).collect();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| SegError::option("results", format!("needs columns segment, channel, impressions, engagements; `{name}` is missing")))
    };
    let (cs, cc, ci, ce) = (col("segment")?, col("channel")?, col("impressions")?, col("engagements")?);
    let mut out: HashMap<(u32, String), Observed> = HashMap::new();
    let mut unmatched = 0;
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as u32);
                return Err(SegError::CsvSyntax { line, message: e.to_string() });
            }
        }
        let line = rec.position().map_or(0, |p| p.line() as u32);
        let num = |c: usize, name: &str| -> Result<f64> {
            let v = rec.get(c).unwrap_or("");
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
                _ => Err(SegError::InvalidValue { line, column: name.into(), value: echo(v), expected: "a number ≥ 0".into() }),
            }
        };
        let (imp, eng) = (num(ci, "impressions")?, num(ce, "engagements")?);
        let seg_text = rec.get(cs).unwrap_or("");
        let seg = segments
            .iter()
            .find(|s| s.id.to_string() == seg_text || s.name == seg_text)
            .map(|s| s.id);
        let channel = normalise(rec.get(cc).unwrap_or(""));
        let channel = channel.strip_prefix("ch_").unwrap_or(&channel).to_string();
        match seg {
            Some(id) if segments.iter().any(|s| s.id == id && s.channels.iter().any(|c| c.name == channel)) => {
                let o = out.entry((id, channel)).or_insert(Observed { impressions: 0.0, engagements: 0.0 });
                o.impressions += imp;
                o.engagements += eng;
            }
            _ => unmatched += 1,
        }
    }
    Ok((out, unmatched))
}

/// Build the channel plan for `segments` (as returned by `segment`); see the module notes.
pub fn channel_plan(segments: &[Segment], options: &PlanOptions) -> Result<ChannelPlan> {
    if !(options.budget.is_finite() && options.budget >= 0.0 && options.budget < 1e13) {
        return Err(SegError::option("budget", format!("must be a number from 0 to 10^13, got {}", options.budget)));
    }
    if !(options.prior_impressions.is_finite() && options.prior_impressions >= 0.0) {
        return Err(SegError::option("priorImpressions", "must be a number ≥ 0"));
    }
    for (name, w) in options.segment_weights.iter().chain(&options.channel_weights) {
        if !(w.is_finite() && *w >= 0.0) {
            return Err(SegError::option("weights", format!("weight of `{}` must be a number ≥ 0, got {w}", echo(name))));
        }
    }
    let budget_cents = (options.budget * 100.0).round() as u64;
    let (observed, unmatched) = match &options.results {
        Some(text) if !text.trim().is_empty() => parse_results(text, segments)?,
        _ => (HashMap::new(), 0),
    };
    let (ti, te) = observed.values().fold((0.0, 0.0), |(i, e), o| (i + o.impressions, e + o.engagements));
    let mean_rate = (ti > 0.0).then(|| te / ti);
    let kappa = options.prior_impressions;

    let mut plans = Vec::new();
    let mut cells: Vec<Allocation> = Vec::new();
    for s in segments {
        let sw = options.segment_weights.get(&s.id.to_string()).copied().unwrap_or(1.0);
        let mut channels: Vec<ChannelPriority> = s
            .channels
            .iter()
            .map(|c| {
                let gate: Option<String> = match options.consent_rules.get(&c.name) {
                    Some(rule) => rule.clone(),
                    None => default_gate(&c.name).map(str::to_string),
                };
                let reach = gate.as_ref().and_then(|g| s.reach.iter().find(|r| &r.consent == g));
                let (share, known) = match (&gate, reach) {
                    (None, _) => (1.0, true),
                    (Some(_), Some(r)) => (r.share, true),
                    (Some(_), None) => (1.0, false),
                };
                let index = c.index.unwrap_or(0.0);
                ChannelPriority {
                    channel: c.name.clone(),
                    index,
                    consent: gate,
                    consent_known: known,
                    reachable_share: share,
                    reachable: (share * s.size as f64).round() as u32,
                    priority: index / 100.0 * share,
                }
            })
            .collect();
        crate::sort::sort_by(&mut channels, |a, b| b.priority.total_cmp(&a.priority).then(b.index.total_cmp(&a.index)));
        let mut formats: Vec<FormatPriority> = s.formats.iter().map(|f| FormatPriority { format: f.name.clone(), index: f.index.unwrap_or(0.0) }).collect();
        crate::sort::sort_by(&mut formats, |a, b| b.index.total_cmp(&a.index));
        for c in &channels {
            let cw = options.channel_weights.get(&c.channel).copied().unwrap_or(1.0);
            let obs = observed.get(&(s.id, c.channel.clone()));
            let (multiplier, rate) = match (obs, mean_rate) {
                (Some(o), Some(mean)) if mean > 0.0 => ((o.engagements + kappa * mean) / (o.impressions + kappa) / mean, (o.impressions > 0.0).then(|| o.engagements / o.impressions)),
                (Some(o), _) => (1.0, (o.impressions > 0.0).then(|| o.engagements / o.impressions)),
                _ => (1.0, None),
            };
            let weight = if c.index >= options.min_index { c.index / 100.0 * c.reachable as f64 * sw * cw * multiplier } else { 0.0 };
            if weight > 0.0 {
                cells.push(Allocation {
                    segment: s.id,
                    channel: c.channel.clone(),
                    weight,
                    multiplier,
                    observed_rate: rate,
                    impressions: obs.map(|o| o.impressions),
                    cents: 0,
                    amount: 0.0,
                    share: 0.0,
                });
            }
        }
        plans.push(SegmentPlan { id: s.id, name: s.name.clone(), size: s.size, channels, formats, budget_cents: 0 });
    }
    if budget_cents > 0 && cells.is_empty() {
        return Err(SegError::option("budget", "no segment × channel has a weight > 0 (all reach, index or weights are 0)"));
    }
    let weights: Vec<f64> = cells.iter().map(|c| c.weight).collect();
    let cents = largest_remainder(budget_cents, &weights);
    for (c, &x) in cells.iter_mut().zip(&cents) {
        c.cents = x;
        c.amount = x as f64 / 100.0;
        c.share = if budget_cents > 0 { x as f64 / budget_cents as f64 } else { 0.0 };
        if let Some(p) = plans.iter_mut().find(|p| p.id == c.segment) {
            p.budget_cents += x;
        }
    }
    Ok(ChannelPlan { segments: plans, allocations: cells, budget_cents, mean_rate, unmatched_results: unmatched })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_sums_exactly() {
        assert_eq!(largest_remainder(100, &[1.0, 1.0, 1.0]), vec![34, 33, 33]);
        assert_eq!(largest_remainder(10, &[0.0, 1.0]), vec![0, 10]);
        assert_eq!(largest_remainder(7, &[]), Vec::<u64>::new());
        for total in [1u64, 99, 12_345_678, 999_999_999_999] {
            let w = [0.3, 1e-9, 2.7, 0.0, 5.5, 1.0 / 3.0];
            let out = largest_remainder(total, &w);
            assert_eq!(out.iter().sum::<u64>(), total);
            assert_eq!(out[3], 0);
        }
    }
}
