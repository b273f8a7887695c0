//! Campaign results → beliefs about engagement rates, one per segment × channel.
//!
//! Model: engagements of a cell are Binomial(impressions, p) with a Beta prior on p.
//! - The prior is centred on the cell's **own expectation** μ = λ·u: u is the segment's use of
//!   the channel (mean engagements per HCP in the profile window, the same u as the plan's base
//!   weight) and λ the one scale that turns use into engagements per impression, fitted to the
//!   results as λ = Σ engagements ÷ Σ (impressions × u) over the cells with results (the
//!   maximum-likelihood λ of "rate = λ·u"). A channel a segment barely uses is expected to
//!   engage little per impression; a channel is judged against its own expectation, not
//!   against a rate pooled over channels whose baselines differ.
//! - The prior's strength is κ = `priorImpressions` (default 1,000): Beta(κμ, κ(1−μ)), as much
//!   evidence as κ impressions.
//! - Posterior after e engagements in i impressions: Beta(κμ + e, κ(1−μ) + i − e), mean
//!   p̂ = (e + κμ) ÷ (i + κ). Deterministic: expected values, no sampling.

use crate::error::{Result, SegError};
use crate::ingest::values::{cell_text, count};
use crate::ingest::roles::normalise;
use crate::ingest::{CellRef, IngestOptions};
use crate::segmentation::Input;
use crate::segments::{DisplayNames, Segment};
use std::collections::BTreeMap;

/// Expected rates are kept inside (0, 1) so the Beta prior stays proper.
const MIN_RATE: f64 = 1e-6;
const MAX_RATE: f64 = 0.95;

/// Impressions and engagements of one segment × channel, summed over the file's rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Observed {
    pub impressions: f64,
    pub engagements: f64,
}

/// Campaign results matched to the plan's segments and channels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    /// (segment id, channel key) → what was observed.
    pub cells: BTreeMap<(u32, String), Observed>,
    /// Rows whose segment or channel is not in the plan.
    pub unmatched: u32,
}

impl Results {
    /// Σ engagements ÷ Σ impressions over the matched cells.
    pub fn pooled_rate(&self) -> Option<f64> {
        let (i, e) = self.cells.values().fold((0.0, 0.0), |(i, e), o| (i + o.impressions, e + o.engagements));
        (i > 0.0).then(|| e / i)
    }
}

fn letters(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The segment channel a results cell names: its key (with or without `ch_`), its display name
/// or a catalog alias ("Twitter" for `x`), compared on letters and digits.
fn match_channel<'a>(cell: &str, segment: &'a Segment, names: &DisplayNames) -> Option<&'a str> {
    let key = normalise(cell);
    let key = key.strip_prefix("ch_").unwrap_or(&key);
    let squeezed = letters(key);
    let alias = names.info(key);
    segment
        .channels
        .iter()
        .map(|c| c.name.as_str())
        .find(|c| *c == key || letters(c) == squeezed || letters(&names.name(c)) == squeezed || (alias.known && names.info(c).display_name == alias.display_name))
}

/// Read a campaign results file (`segment,channel,impressions,engagements`; headers matched
/// after normalising, any order, other columns ignored) with the engine's reader, so `;`
/// separators, decimal commas and the other input forms work. `segment` is an id or a persona
/// name; rows for the same cell are added up.
pub fn read_results(input: Input, segments: &[Segment], names: &DisplayNames) -> Result<Results> {
    let table = input.read(&IngestOptions::default())?;
    let headers: Vec<String> = table.headers.iter().map(|h| normalise(h)).collect();
    let col = |wanted: &[&str]| {
        headers.iter().position(|h| wanted.contains(&h.as_str())).ok_or_else(|| {
            SegError::option(
                "results",
                format!(
                    "line 1: the header needs columns segment, channel, impressions, engagements; `{}` is missing (columns found: {})",
                    wanted[0],
                    crate::ingest::roles::list_columns(&table.headers)
                ),
            )
        })
    };
    let cs = col(&["segment", "segment_id", "segment_name"])?;
    let cc = col(&["channel"])?;
    let ci = col(&["impressions"])?;
    let ce = col(&["engagements", "engagement"])?;
    let decimal_comma = table.dialect.decimal_comma;
    let mut out = Results::default();
    for row in 0..table.len() {
        let line = table.line(row);
        let number = |c: usize| -> Result<f64> {
            match count(table.cell(row, c), decimal_comma, line, &table.headers[c])? {
                (_, true) => Err(SegError::InvalidValue { line, column: table.headers[c].clone(), value: String::new(), expected: "a number ≥ 0 (the cell is empty)".into() }),
                (v, false) => Ok(v),
            }
        };
        let (impressions, engagements) = (number(ci)?, number(ce)?);
        if engagements > impressions {
            return Err(SegError::InvalidValue {
                line,
                column: table.headers[ce].clone(),
                value: cell_text(table.cell(row, ce)),
                expected: format!("at most the impressions ({impressions}): engagements are counted per impression"),
            });
        }
        let text = |c: usize| match table.cell(row, c) {
            CellRef::Text(t) => t.trim().to_string(),
            other => cell_text(other),
        };
        let (segment_text, channel_text) = (text(cs), text(cc));
        let cell = segments
            .iter()
            .find(|s| s.id.to_string() == segment_text || s.name == segment_text)
            .and_then(|s| match_channel(&channel_text, s, names).map(|c| (s.id, c.to_string())));
        match cell {
            Some(key) => {
                let o = out.cells.entry(key).or_default();
                o.impressions += impressions;
                o.engagements += engagements;
            }
            None => out.unmatched += 1,
        }
    }
    Ok(out)
}

/// The fitted expectation scale and the prior strength.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beliefs {
    /// λ: engagements per impression per engagement per HCP of use.
    pub scale: f64,
    /// κ: prior strength in impressions.
    pub prior_impressions: f64,
}

/// One cell's belief.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Belief {
    /// Prior mean μ: the segment's own expectation for the channel.
    pub expected: f64,
    /// Posterior mean p̂ (= μ without results).
    pub posterior: f64,
    /// Posterior standard deviation.
    pub posterior_sd: f64,
}

impl Beliefs {
    /// λ fitted to `results`, where `use_of(segment, channel)` is the cell's use u (None for a
    /// cell outside the plan). None when no cell with results has both impressions and use.
    pub fn fit(results: &Results, use_of: impl Fn(u32, &str) -> Option<f64>, prior_impressions: f64) -> Option<Beliefs> {
        let (mut engagements, mut exposure) = (0.0, 0.0);
        for ((segment, channel), o) in &results.cells {
            if let Some(u) = use_of(*segment, channel).filter(|u| *u > 0.0) {
                engagements += o.engagements;
                exposure += o.impressions * u;
            }
        }
        (exposure > 0.0).then(|| Beliefs { scale: engagements / exposure, prior_impressions })
    }

    /// The belief about a cell used `u` times per HCP, after what was `observed` there.
    pub fn belief(&self, u: f64, observed: Option<&Observed>) -> Belief {
        let expected = (self.scale * u).clamp(MIN_RATE, MAX_RATE);
        let kappa = self.prior_impressions;
        let (i, e) = observed.map_or((0.0, 0.0), |o| (o.impressions, o.engagements));
        let alpha = kappa * expected + e;
        let beta = kappa * (1.0 - expected) + (i - e);
        let n = alpha + beta;
        if n <= 0.0 {
            // κ = 0 and no impressions: nothing to update, the expectation stands.
            return Belief { expected, posterior: expected, posterior_sd: 0.0 };
        }
        let posterior = alpha / n;
        Belief { expected, posterior, posterior_sd: (posterior * (1.0 - posterior) / (n + 1.0)).sqrt() }
    }
}

/// A rate as a percentage: one decimal, two under 1 %.
pub fn percent(rate: f64) -> String {
    let p = rate * 100.0;
    if p < 1.0 {
        format!("{p:.2}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A count with thousands separators ("12,000").
pub fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Why a tested cell's amount moved: its observed rate against its own expectation.
pub fn tested_reason(o: &Observed, b: &Belief) -> String {
    let rate = if o.impressions > 0.0 { o.engagements / o.impressions } else { 0.0 };
    let seen = format!("{} engagement in {} impressions", percent(rate), thousands(o.impressions));
    let ratio = b.posterior / b.expected;
    if ratio >= 1.1 {
        format!("raised: {seen} against an expected {}", percent(b.expected))
    } else if ratio <= 1.0 / 1.1 {
        format!("lowered: {seen} against an expected {}", percent(b.expected))
    } else {
        format!("held: {seen}, close to the expected {}", percent(b.expected))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Posterior of a Beta(κμ, κ(1−μ)) prior by hand: μ = 0.02, κ = 1000 → Beta(20, 980);
    /// 492 engagements in 12,000 impressions → Beta(512, 12,488), mean 512 / 13,000.
    #[test]
    fn beta_binomial_update_by_hand() {
        let beliefs = Beliefs { scale: 0.01, prior_impressions: 1000.0 };
        let b = beliefs.belief(2.0, Some(&Observed { impressions: 12_000.0, engagements: 492.0 }));
        assert!((b.expected - 0.02).abs() < 1e-15);
        assert!((b.posterior - 512.0 / 13_000.0).abs() < 1e-15);
        let (a, bb) = (512.0f64, 12_488.0f64);
        let sd = (a * bb / ((a + bb) * (a + bb) * (a + bb + 1.0))).sqrt();
        assert!((b.posterior_sd - sd).abs() < 1e-15);
        // No results: the posterior is the expectation.
        assert_eq!(beliefs.belief(2.0, None).posterior, beliefs.belief(2.0, None).expected);
        assert_eq!(tested_reason(&Observed { impressions: 12_000.0, engagements: 492.0 }, &b), "raised: 4.1% engagement in 12,000 impressions against an expected 2.0%");
    }

    /// λ = Σe ÷ Σ(i·u) over cells with use, by hand.
    #[test]
    fn scale_is_fitted_over_cells_with_use() {
        let mut r = Results::default();
        r.cells.insert((0, "x".into()), Observed { impressions: 1000.0, engagements: 30.0 });
        r.cells.insert((0, "email".into()), Observed { impressions: 500.0, engagements: 10.0 });
        r.cells.insert((1, "x".into()), Observed { impressions: 50.0, engagements: 50.0 });
        let use_of = |s: u32, c: &str| match (s, c) {
            (0, "x") => Some(3.0),
            (0, "email") => Some(1.0),
            _ => Some(0.0),
        };
        let b = Beliefs::fit(&r, use_of, 10.0).unwrap();
        assert!((b.scale - 40.0 / 3500.0).abs() < 1e-15);
        assert_eq!(r.pooled_rate(), Some(90.0 / 1550.0));
        assert_eq!(Beliefs::fit(&Results::default(), use_of, 10.0), None);
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!((thousands(12_000.0), thousands(999.0), thousands(1_234_567.0), thousands(0.0)), ("12,000".into(), "999".into(), "1,234,567".into(), "0".into()));
        assert_eq!((percent(0.041), percent(0.0026), percent(0.2)), ("4.1%".into(), "0.26%".into(), "20.0%".into()));
    }
}
