//! Channel plan: per segment a ranked channel and format priority with its base, the reachable
//! share after consent, and a budget split across segments × channels that sums exactly to the
//! budget in the currency's minor units. The rules, for users, are in `docs/plan.md`.
//!
//! - **Consent gate** per channel: `email` needs `consent_email`; `rep` (field force) needs
//!   none; every other channel needs `consent_tracking`. `consentRules` overrides per channel
//!   (`null` = no gate). A gate whose column the data did not have is reported
//!   `consentKnown: false` and treated as 100 % reachable. An empty consent cell is not consent.
//! - **Eligible** cells: the channel carries at least `minMixShare` (default 2 %) of the
//!   segment's channel engagements and its index is at least `minIndex` (default 0), or it is in
//!   `forceChannels`; and its channel weight is not 0. Other cells get nothing.
//! - **Budget weight** of segment s × channel c:
//!   `w = u × R × q × segmentWeight_s × channelWeight_c × (p̂ ÷ μ)` where
//!   - u = the segment's mean engagements per HCP on c (absolute use; a forced channel counts
//!     at least `minMixShare` × the segment's channel engagements per HCP),
//!   - R = HCPs of the segment reachable on c after consent,
//!   - q = clamp(index ÷ 100, 0.8, 1.25): the index only qualifies, within ±25 %,
//!   - p̂ ÷ μ = posterior ÷ expected engagement rate (see [`super::beliefs`]); 1 for cells
//!     without results. Since μ = λ·u, a tested cell's weight is R × q × p̂ ÷ λ × weights:
//!     money follows the expected engagements of its reachable HCPs.
//! - **Exploration**: with results loaded, at least `explorationShare` (default 10 %) of the
//!   budget stays with the eligible cells that have no results ("untested"): if their weights
//!   come to less, they are scaled up to it.
//! - Amounts are whole minor units of `currency` (default EUR; JPY has none, KWD three): each
//!   cell's exact share is floored and the leftover units go to the largest remainders (ties:
//!   plan order), so they add up to the budget exactly.

use super::beliefs::{percent, read_results, tested_reason, thousands, Beliefs, Observed, Results};
pub use super::money::largest_remainder;
use super::money::{Currency, DEFAULT_CURRENCY};
use crate::error::{echo, Result, SegError};
use crate::ingest::roles::normalise;
use crate::segmentation::Input;
use crate::segments::catalog::{format_label, ChannelKind, DisplayNames, NetworkBalance};
use crate::segments::Segment;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Bounds of the index qualifier q.
pub const INDEX_QUALIFIER: (f64, f64) = (0.8, 1.25);

/// The weight rule in one line, carried in every plan for the page and exports.
pub const FORMULA: &str = "weight = mean engagements per HCP × reachable HCPs × clamp(index/100, 0.8, 1.25) × segment and channel weights × posterior/expected engagement rate (1 without results); channels under minMixShare of the segment's mix get nothing unless forced; with results, at least explorationShare of the budget stays with untested channels";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PlanOptions {
    /// Total budget in currency units; split in whole minor units.
    pub budget: f64,
    /// ISO 4217 code (three letters). Default EUR.
    pub currency: String,
    /// Segment id (as text) → weight. Default 1 each.
    pub segment_weights: BTreeMap<String, f64>,
    /// Channel name → weight. Default 1 each; 0 switches a channel off.
    pub channel_weights: BTreeMap<String, f64>,
    /// Channels below this index get no budget (unless forced). Default 0.
    pub min_index: f64,
    /// Channels under this share of a segment's channel engagements get no budget in it
    /// (unless forced). Default 0.02.
    pub min_mix_share: f64,
    /// Channels funded in every segment whatever their share or index (e.g. to test them).
    pub force_channels: Vec<String>,
    /// Channel → consent column gating it (`null`: none). Overrides the default rule.
    pub consent_rules: BTreeMap<String, Option<String>>,
    /// Campaign results CSV: `segment,channel,impressions,engagements`.
    pub results: Option<String>,
    /// Prior strength κ in impressions. Default 1000.
    pub prior_impressions: f64,
    /// With results: the least share of the budget that stays with untested cells. Default 0.1.
    pub exploration_share: f64,
    /// Channel → the name shown for it.
    pub display_names: BTreeMap<String, String>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            budget: 0.0,
            currency: DEFAULT_CURRENCY.to_string(),
            segment_weights: BTreeMap::new(),
            channel_weights: BTreeMap::new(),
            min_index: 0.0,
            min_mix_share: 0.02,
            force_channels: Vec::new(),
            consent_rules: BTreeMap::new(),
            results: None,
            prior_impressions: 1000.0,
            exploration_share: 0.1,
            display_names: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelPriority {
    pub channel: String,
    pub display_name: String,
    pub kind: ChannelKind,
    pub index: f64,
    /// The index's base: mean engagements per HCP of the segment on this channel …
    pub mean: f64,
    /// … its share of the segment's channel engagements …
    pub mix_share: f64,
    /// … and the HCPs behind it (the segment's size).
    pub hcps: u32,
    /// Consent column gating the channel, if any.
    pub consent: Option<String>,
    pub consent_known: bool,
    pub reachable_share: f64,
    pub reachable: u32,
    /// The ranking key: u × reachable × q (see the module notes); 0 when not eligible.
    pub priority: f64,
    /// Gets budget (see the module notes).
    pub eligible: bool,
    /// In `forceChannels`.
    pub forced: bool,
    /// Why an ineligible channel gets nothing.
    pub excluded_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormatPriority {
    pub format: String,
    pub display_name: String,
    pub index: f64,
    pub mean: f64,
    pub mix_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentPlan {
    pub id: u32,
    pub name: String,
    pub size: u32,
    pub channels: Vec<ChannelPriority>,
    pub formats: Vec<FormatPriority>,
    /// In minor units of the plan's currency.
    pub budget_cents: u64,
    pub network_balance: NetworkBalance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Allocation {
    pub segment: u32,
    pub channel: String,
    pub display_name: String,
    pub kind: ChannelKind,
    /// "tested" (results for this cell) or "untested".
    pub status: String,
    pub forced: bool,
    /// The base, as on the channel row.
    pub mean: f64,
    pub mix_share: f64,
    pub index: f64,
    pub hcps: u32,
    pub reachable: u32,
    /// Final weight (see the module notes).
    pub weight: f64,
    /// Posterior ÷ expected engagement rate (1 without results).
    pub multiplier: f64,
    /// μ, the cell's own expected engagements per impression (results loaded only).
    pub expected_rate: Option<f64>,
    /// p̂, the posterior mean (results loaded only).
    pub posterior_rate: Option<f64>,
    pub posterior_sd: Option<f64>,
    /// Observed engagement rate in the loaded results, if any.
    pub observed_rate: Option<f64>,
    pub impressions: Option<f64>,
    pub engagements: Option<f64>,
    /// Why this amount: base, raised, lowered, held, untested.
    pub reason: String,
    /// In minor units of the plan's currency (cents for EUR, yen for JPY).
    pub cents: u64,
    /// In currency units.
    pub amount: f64,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelPlan {
    pub segments: Vec<SegmentPlan>,
    /// Every segment × channel with weight > 0, in segment then priority order.
    pub allocations: Vec<Allocation>,
    /// The budget in minor units.
    pub budget_cents: u64,
    pub currency: String,
    /// Decimals of the currency's minor unit (2 for EUR, 0 for JPY).
    pub minor_units: u32,
    /// Pooled engagement rate of the matched results (for reference only: cells are judged
    /// against their own expectation).
    pub mean_rate: Option<f64>,
    /// λ, fitted to the results (see `beliefs`).
    pub rate_scale: Option<f64>,
    pub min_mix_share: f64,
    pub exploration_share: f64,
    pub prior_impressions: f64,
    /// Share of the budget on untested cells.
    pub untested_share: f64,
    /// Result rows whose segment or channel is not in the plan (count).
    pub unmatched_results: u32,
    /// The weight rule ([`FORMULA`]).
    pub formula: String,
}

/// The consent column that gates a channel by default (see the module notes).
pub fn default_gate(channel: &str) -> Option<&'static str> {
    match channel {
        "email" => Some("consent_email"),
        "rep" => None,
        _ => Some("consent_tracking"),
    }
}

/// Options checked once: the currency, the budget in minor units, names, forced channels.
struct Checked {
    currency: Currency,
    budget_minor: u64,
    names: DisplayNames,
    forced: BTreeSet<String>,
}

fn channel_key(name: &str) -> String {
    let key = normalise(name);
    key.strip_prefix("ch_").unwrap_or(&key).to_string()
}

impl PlanOptions {
    fn check(&self, segments: &[Segment]) -> Result<Checked> {
        let currency = Currency::parse(&self.currency)?;
        let budget_minor = currency.to_minor(self.budget)?;
        if !(self.prior_impressions.is_finite() && self.prior_impressions >= 0.0) {
            return Err(SegError::option("priorImpressions", "must be a number ≥ 0"));
        }
        if !(0.0..=1.0).contains(&self.min_mix_share) {
            return Err(SegError::option("minMixShare", format!("must be a share from 0 to 1 (0.02 = 2 %), got {}", self.min_mix_share)));
        }
        if !(0.0..1.0).contains(&self.exploration_share) {
            return Err(SegError::option("explorationShare", format!("must be a share from 0 to below 1 (0.1 = 10 %), got {}", self.exploration_share)));
        }
        if !self.min_index.is_finite() {
            return Err(SegError::option("minIndex", "must be a number"));
        }
        for (name, w) in self.segment_weights.iter().chain(&self.channel_weights) {
            if !(w.is_finite() && *w >= 0.0) {
                return Err(SegError::option("weights", format!("weight of `{}` must be a number ≥ 0, got {w}", echo(name))));
            }
        }
        let mut forced = BTreeSet::new();
        for name in &self.force_channels {
            let key = channel_key(name);
            if !segments.iter().any(|s| s.channels.iter().any(|c| c.name == key)) {
                let known: Vec<String> = segments.first().map_or_else(Vec::new, |s| s.channels.iter().map(|c| c.name.clone()).collect());
                return Err(SegError::option("forceChannels", format!("`{}` is not a channel of these segments (channels: {})", echo(name), known.join(", "))));
            }
            forced.insert(key);
        }
        Ok(Checked { currency, budget_minor, names: DisplayNames::new(&self.display_names)?, forced })
    }
}

/// A channel row with the numbers the weight needs.
struct Row {
    priority: ChannelPriority,
    /// u: use per HCP (see the module notes).
    use_per_hcp: f64,
}

fn channel_rows(s: &Segment, options: &PlanOptions, checked: &Checked) -> Vec<Row> {
    let channel_total: f64 = s.channels.iter().map(|c| c.mean).sum();
    let mut rows: Vec<Row> = s
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
            let reachable = (share * s.size as f64).round() as u32;
            let index = c.index.unwrap_or(0.0);
            let forced = checked.forced.contains(&c.name);
            let use_per_hcp = if forced { c.mean.max(options.min_mix_share * channel_total) } else { c.mean };
            let switched_off = options.channel_weights.get(&c.name) == Some(&0.0);
            let excluded_reason = if switched_off {
                Some("switched off (channel weight 0)".to_string())
            } else if !forced && c.share < options.min_mix_share {
                Some(format!(
                    "{} of the segment's channel engagements ({:.2} per HCP), under the {} minimum; add it to forceChannels to fund it anyway",
                    percent(c.share),
                    c.mean,
                    percent(options.min_mix_share)
                ))
            } else if !forced && index < options.min_index {
                Some(format!("index {index:.0} under minIndex {:.0}", options.min_index))
            } else if reachable == 0 || use_per_hcp <= 0.0 {
                Some(match &gate {
                    Some(g) if reachable == 0 => format!("no HCP of the segment is reachable (consent `{g}`)"),
                    _ => "no engagement on this channel in the segment".to_string(),
                })
            } else {
                None
            };
            let eligible = excluded_reason.is_none();
            let qualifier = (index / 100.0).clamp(INDEX_QUALIFIER.0, INDEX_QUALIFIER.1);
            Row {
                priority: ChannelPriority {
                    channel: c.name.clone(),
                    display_name: checked.names.name(&c.name),
                    kind: crate::segments::catalog::kind_of(&c.name),
                    index,
                    mean: c.mean,
                    mix_share: c.share,
                    hcps: s.size,
                    consent: gate,
                    consent_known: known,
                    reachable_share: share,
                    reachable,
                    priority: if eligible { use_per_hcp * reachable as f64 * qualifier } else { 0.0 },
                    eligible,
                    forced,
                    excluded_reason,
                },
                use_per_hcp,
            }
        })
        .collect();
    crate::sort::sort_by(&mut rows, |a, b| b.priority.priority.total_cmp(&a.priority.priority).then(b.priority.index.total_cmp(&a.priority.index)));
    rows
}

fn base_reason(p: &ChannelPriority) -> String {
    let forced = if p.forced && p.mix_share < 1.0 { "forced; " } else { "" };
    format!(
        "{forced}base: {:.2} engagements per HCP ({} of the mix) × {} reachable HCPs, index {:.0}",
        p.mean,
        percent(p.mix_share),
        thousands(p.reachable as f64),
        p.index
    )
}

/// Build the channel plan for `segments` (as returned by `segment`), reading campaign results
/// from `options.results` (CSV text); see the module notes.
pub fn channel_plan(segments: &[Segment], options: &PlanOptions) -> Result<ChannelPlan> {
    let results = options.results.as_ref().filter(|t| !t.trim().is_empty()).map(|t| Input::Csv(t.clone()));
    channel_plan_with(segments, options, results)
}

/// [`channel_plan`] with the campaign results given as an input of their own (a file's bytes,
/// CSV text or records), read by the engine's reader; it replaces `options.results`.
pub fn channel_plan_with(segments: &[Segment], options: &PlanOptions, results: Option<Input>) -> Result<ChannelPlan> {
    let checked = options.check(segments)?;
    let results: Option<Results> = results.map(|input| read_results(input, segments, &checked.names)).transpose()?;
    let rows: Vec<Vec<Row>> = segments.iter().map(|s| channel_rows(s, options, &checked)).collect();
    let use_of = |segment: u32, channel: &str| {
        let i = segments.iter().position(|s| s.id == segment)?;
        rows[i].iter().find(|r| r.priority.channel == channel && r.priority.eligible).map(|r| r.use_per_hcp)
    };
    let beliefs = results.as_ref().and_then(|r| Beliefs::fit(r, use_of, options.prior_impressions));

    let mut cells: Vec<Allocation> = Vec::new();
    for (s, rows) in segments.iter().zip(&rows) {
        let sw = options.segment_weights.get(&s.id.to_string()).copied().unwrap_or(1.0);
        for row in rows.iter().filter(|r| r.priority.eligible) {
            let p = &row.priority;
            let cw = options.channel_weights.get(&p.channel).copied().unwrap_or(1.0);
            let observed: Option<&Observed> = results.as_ref().and_then(|r| r.cells.get(&(s.id, p.channel.clone()))).filter(|o| o.impressions > 0.0);
            let belief = beliefs.map(|b| b.belief(row.use_per_hcp, observed));
            let (multiplier, reason) = match (observed, belief) {
                (Some(o), Some(b)) => (b.posterior / b.expected, tested_reason(o, &b)),
                (None, Some(b)) => (1.0, format!("untested: no results yet; expected {} from the segment's use of {}", percent(b.expected), p.display_name)),
                _ if results.is_some() => (1.0, format!("untested: no results yet; {}", base_reason(p))),
                _ => (1.0, base_reason(p)),
            };
            let weight = p.priority * sw * cw * multiplier;
            if weight <= 0.0 || !weight.is_finite() {
                continue;
            }
            cells.push(Allocation {
                segment: s.id,
                channel: p.channel.clone(),
                display_name: p.display_name.clone(),
                kind: p.kind,
                status: if observed.is_some() { "tested" } else { "untested" }.to_string(),
                forced: p.forced,
                mean: p.mean,
                mix_share: p.mix_share,
                index: p.index,
                hcps: p.hcps,
                reachable: p.reachable,
                weight,
                multiplier,
                expected_rate: belief.map(|b| b.expected),
                posterior_rate: belief.map(|b| b.posterior),
                posterior_sd: belief.map(|b| b.posterior_sd),
                observed_rate: observed.map(|o| o.engagements / o.impressions),
                impressions: observed.map(|o| o.impressions),
                engagements: observed.map(|o| o.engagements),
                reason,
                cents: 0,
                amount: 0.0,
                share: 0.0,
            });
        }
    }
    if results.is_some() {
        keep_exploration_share(&mut cells, options.exploration_share);
    }
    if checked.budget_minor > 0 && cells.is_empty() {
        return Err(SegError::option("budget", "no segment × channel can be funded: every channel is under minMixShare or minIndex, unreachable, or weighted 0 (force one with forceChannels)"));
    }
    let weights: Vec<f64> = cells.iter().map(|c| c.weight).collect();
    let units = largest_remainder(checked.budget_minor, &weights);
    let total = checked.budget_minor;
    for (c, &x) in cells.iter_mut().zip(&units) {
        c.cents = x;
        c.amount = checked.currency.to_units(x);
        c.share = if total > 0 { x as f64 / total as f64 } else { 0.0 };
    }
    let untested: u64 = cells.iter().filter(|c| c.status == "untested").map(|c| c.cents).sum();
    let plans = segments
        .iter()
        .zip(rows)
        .map(|(s, rows)| {
            let mut formats: Vec<FormatPriority> = s
                .formats
                .iter()
                .map(|f| FormatPriority { format: f.name.clone(), display_name: format_label(&f.name), index: f.index.unwrap_or(0.0), mean: f.mean, mix_share: f.share })
                .collect();
            crate::sort::sort_by(&mut formats, |a, b| b.index.total_cmp(&a.index));
            SegmentPlan {
                id: s.id,
                name: s.name.clone(),
                size: s.size,
                channels: rows.into_iter().map(|r| r.priority).collect(),
                formats,
                budget_cents: cells.iter().filter(|c| c.segment == s.id).map(|c| c.cents).sum(),
                network_balance: s.network_balance.clone(),
            }
        })
        .collect();
    Ok(ChannelPlan {
        segments: plans,
        allocations: cells,
        budget_cents: total,
        currency: checked.currency.code.clone(),
        minor_units: checked.currency.minor_units,
        mean_rate: results.as_ref().and_then(Results::pooled_rate),
        rate_scale: beliefs.map(|b| b.scale),
        min_mix_share: options.min_mix_share,
        exploration_share: options.exploration_share,
        prior_impressions: options.prior_impressions,
        untested_share: if total > 0 { untested as f64 / total as f64 } else { 0.0 },
        unmatched_results: results.map_or(0, |r| r.unmatched),
        formula: FORMULA.to_string(),
    })
}

/// With tested and untested cells side by side, scale the untested ones up so that they hold at
/// least `share` of the total weight (the exploration share).
fn keep_exploration_share(cells: &mut [Allocation], share: f64) {
    let sum = |status: &str| cells.iter().filter(|c| c.status == status).map(|c| c.weight).sum::<f64>();
    let (tested, untested) = (sum("tested"), sum("untested"));
    if share <= 0.0 || tested <= 0.0 || untested <= 0.0 || untested / (tested + untested) >= share {
        return;
    }
    let factor = share / (1.0 - share) * tested / untested;
    for c in cells.iter_mut().filter(|c| c.status == "untested") {
        c.weight *= factor;
        c.reason.push_str(&format!("; raised so that {} of the budget keeps exploring untested channels", percent(share)));
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
