//! Unit tests of the plan's rules on hand-built segments, against hand-computed numbers.

use super::*;
use crate::segments::{IndexScore, Reach};

/// A segment of `size` HCPs with channels (name, mean per HCP, universe mean) and the share
/// reachable under `consent_tracking` (email and rep: everyone).
fn segment(id: u32, size: u32, channels: &[(&str, f64, f64)], tracking: f64) -> Segment {
    let total: f64 = channels.iter().map(|c| c.1).sum();
    Segment {
        id,
        name: format!("Segment {id}"),
        drivers: vec![],
        size,
        share: 0.5,
        channels: channels
            .iter()
            .map(|&(name, mean, uni)| IndexScore { name: name.into(), display_name: String::new(), mean, universe_mean: uni, index: Some(mean / uni * 100.0), share: mean / total })
            .collect(),
        formats: vec![],
        mean_engagements: total,
        composition: vec![],
        reach: vec![
            Reach { consent: "consent_tracking".into(), share: tracking, count: (tracking * size as f64) as u32 },
            Reach { consent: "consent_email".into(), share: 1.0, count: size },
        ],
        silhouette: None,
        cohesion: 0.0,
        network_balance: Default::default(),
        too_small: false,
    }
}

/// a: 6 per HCP, index 300 (q capped at 1.25); b: 3, index 50 (q floored at 0.8); rep: 1,
/// index 100, no consent gate; 100 HCPs, half of them tracking-consented.
fn abc() -> Segment {
    segment(0, 100, &[("linkedin", 6.0, 2.0), ("sermo", 3.0, 6.0), ("rep", 1.0, 1.0)], 0.5)
}

fn allocation<'a>(plan: &'a ChannelPlan, segment: u32, channel: &str) -> Option<&'a Allocation> {
    plan.allocations.iter().find(|a| a.segment == segment && a.channel == channel)
}

#[test]
fn weights_are_use_times_reach_times_a_bounded_index() {
    let plan = channel_plan(&[abc()], &PlanOptions { budget: 595.0, ..Default::default() }).unwrap();
    // 6 × 50 × 1.25 = 375, 3 × 50 × 0.8 = 120, 1 × 100 × 1 = 100: exactly 595.
    let cents: Vec<(String, u64)> = plan.allocations.iter().map(|a| (a.channel.clone(), a.cents)).collect();
    assert_eq!(cents, vec![("linkedin".into(), 37_500), ("sermo".into(), 12_000), ("rep".into(), 10_000)]);
    let linkedin = &plan.segments[0].channels[0];
    assert_eq!((linkedin.display_name.as_str(), linkedin.kind, linkedin.mean, linkedin.mix_share, linkedin.hcps, linkedin.reachable), ("LinkedIn", ChannelKind::OpenNetwork, 6.0, 0.6, 100, 50));
    assert_eq!(linkedin.priority, 375.0);
    let a = allocation(&plan, 0, "sermo").unwrap();
    assert_eq!((a.status.as_str(), a.multiplier, a.expected_rate, a.kind), ("untested", 1.0, None, ChannelKind::WalledGarden));
    assert_eq!(a.reason, "base: 3.00 engagements per HCP (30.0% of the mix) × 50 reachable HCPs, index 50");
    assert_eq!((plan.currency.as_str(), plan.minor_units, plan.budget_cents), ("EUR", 2, 59_500));
    // Segment and channel weights multiply.
    let mut o = PlanOptions { budget: 595.0, ..Default::default() };
    o.channel_weights.insert("sermo".into(), 0.0);
    let off = channel_plan(&[abc()], &o).unwrap();
    assert!(allocation(&off, 0, "sermo").is_none());
    assert_eq!(off.segments[0].channels.iter().find(|c| c.channel == "sermo").unwrap().excluded_reason.as_deref(), Some("switched off (channel weight 0)"));
}

#[test]
fn channels_under_the_minimum_mix_share_get_nothing_unless_forced() {
    // doctorsnetuk: 0.1 of 10.1 engagements per HCP (0.99 %), index 250.
    let s = segment(0, 100, &[("linkedin", 6.0, 2.0), ("sermo", 4.0, 4.0), ("doctorsnetuk", 0.1, 0.04)], 1.0);
    let plan = channel_plan(&[s.clone()], &PlanOptions { budget: 1000.0, ..Default::default() }).unwrap();
    assert!(allocation(&plan, 0, "doctorsnetuk").is_none());
    let row = plan.segments[0].channels.iter().find(|c| c.channel == "doctorsnetuk").unwrap();
    assert!(!row.eligible && row.priority == 0.0);
    assert!(row.excluded_reason.as_deref().unwrap().contains("under the 2.0% minimum"), "{:?}", row.excluded_reason);
    // The minimum is an option: at 0.5 % it is funded on its own use (0.1 × 100 × 1.25).
    let low = channel_plan(&[s.clone()], &PlanOptions { budget: 1000.0, min_mix_share: 0.005, ..Default::default() }).unwrap();
    assert_eq!(allocation(&low, 0, "doctorsnetuk").unwrap().weight, 0.1 * 100.0 * 1.25);
    // Forced (any spelling of the channel): funded as if it had the 2 % minimum share of the
    // segment's 10.1 engagements per HCP.
    let forced = PlanOptions { budget: 1000.0, force_channels: vec!["Ch_DoctorsNetUK".into()], ..Default::default() };
    let plan = channel_plan(&[s.clone()], &forced).unwrap();
    let a = allocation(&plan, 0, "doctorsnetuk").unwrap();
    assert!(a.forced && (a.weight - 0.02 * 10.1 * 100.0 * 1.25).abs() < 1e-9);
    assert!(a.reason.starts_with("forced; base: 0.10 engagements per HCP"), "{}", a.reason);
    assert_eq!(a.display_name, "Doctors.net.uk");
    assert_eq!(plan.allocations.iter().map(|a| a.cents).sum::<u64>(), 100_000);
    // Forcing a channel the data does not have is an option error.
    let e = channel_plan(&[s], &PlanOptions { force_channels: vec!["tiktok".into()], ..Default::default() }).unwrap_err();
    assert_eq!(e.code(), "INVALID_OPTION");
    assert!(e.to_string().contains("forceChannels") && e.to_string().contains("tiktok"));
}

/// Results for one cell: it is "tested" and judged against its own expectation; the others are
/// "untested", keep their expectation and at least the exploration share.
#[test]
fn results_update_beliefs_and_untested_cells_keep_the_exploration_share() {
    let results = "segment,channel,impressions,engagements\n0,linkedin,10000,600\n";
    let options = PlanOptions { budget: 1000.0, results: Some(results.into()), ..Default::default() };
    let plan = channel_plan(&[abc()], &options).unwrap();
    // λ = 600 / (10,000 × 6) = 0.01: linkedin is expected at 6 %, and met it (600 + 60) / 11,000.
    assert_eq!(plan.rate_scale, Some(0.01));
    let a = allocation(&plan, 0, "linkedin").unwrap();
    assert_eq!(a.status, "tested");
    assert!((a.expected_rate.unwrap() - 0.06).abs() < 1e-15 && (a.posterior_rate.unwrap() - 0.06).abs() < 1e-15);
    assert_eq!(a.reason, "held: 6.0% engagement in 10,000 impressions, close to the expected 6.0%");
    let s = allocation(&plan, 0, "sermo").unwrap();
    assert_eq!(s.status, "untested");
    assert_eq!(s.reason, "untested: no results yet; expected 3.0% from the segment's use of Sermo");
    // Weights unchanged (375 : 120 : 100); untested hold 220 / 595 = 37 % > 10 %.
    assert_eq!(plan.allocations.iter().map(|a| a.cents).collect::<Vec<_>>(), vec![63_025, 20_168, 16_807]);
    assert!((plan.untested_share - 0.36975).abs() < 1e-9);

    // linkedin far above its expectation, with a 50 % exploration share: untested cells are
    // scaled up to hold exactly half of the budget.
    let hot = "segment,channel,impressions,engagements\n0,LinkedIn,10000,3000\n";
    let plan = channel_plan(&[abc()], &PlanOptions { results: Some(hot.into()), exploration_share: 0.5, ..options.clone() }).unwrap();
    assert!((plan.untested_share - 0.5).abs() < 1e-4, "{}", plan.untested_share);
    let s = allocation(&plan, 0, "sermo").unwrap();
    assert!(s.reason.ends_with("raised so that 50.0% of the budget keeps exploring untested channels"), "{}", s.reason);
    assert_eq!(plan.allocations.iter().map(|a| a.cents).sum::<u64>(), 100_000);
    // Below expectation: lowered.
    let cold = "segment;channel;impressions;engagements\n0;linkedin;10000;100\n0;sermo;10000;300\n";
    let plan = channel_plan(&[abc()], &PlanOptions { results: Some(cold.into()), ..options }).unwrap();
    assert!(allocation(&plan, 0, "linkedin").unwrap().reason.starts_with("lowered: 1.0% engagement in 10,000 impressions against an expected"));
}

/// The results file goes through the engine's reader: `;` and decimal commas, bytes, a BOM;
/// errors say where.
#[test]
fn results_are_read_by_the_engine_reader_with_errors_at_line_and_column() {
    let s = [abc()];
    let euro = "\u{feff}Segment;Channel;Impressions;Engagements;Note\n0;X / Twitter;1;0;\n0;linkedin;1000,0;60,5;from the agency\nSegment 0;sermo;500;20;\n";
    let plan = channel_plan_with(&s, &PlanOptions { budget: 10.0, ..Default::default() }, Some(Input::Bytes(euro.as_bytes().to_vec()))).unwrap();
    assert_eq!(allocation(&plan, 0, "linkedin").unwrap().engagements, Some(60.5));
    assert_eq!(allocation(&plan, 0, "sermo").unwrap().impressions, Some(500.0));
    assert_eq!(plan.unmatched_results, 1);
    let err = |text: &str| channel_plan(&s, &PlanOptions { results: Some(text.into()), ..Default::default() }).unwrap_err();
    let e = err("segment,channel,impressions,engagements\n0,linkedin,100,5\n0,sermo,100,101\n");
    assert_eq!((e.code(), e.line(), e.column()), ("INVALID_VALUE", Some(3), Some("engagements")));
    let e = err("segment,channel,impressions,engagements\n0,linkedin,lots,5\n");
    assert_eq!((e.code(), e.line(), e.column()), ("INVALID_VALUE", Some(2), Some("impressions")));
    let e = err("segment,channel,impressions,engagements\n0,linkedin,,5\n");
    assert_eq!((e.code(), e.line(), e.column()), ("INVALID_VALUE", Some(2), Some("impressions")));
    let e = err("segment,channel,views\n0,linkedin,5\n");
    assert_eq!(e.code(), "INVALID_OPTION");
    assert!(e.to_string().contains("`impressions` is missing"), "{e}");
}

/// Amounts are whole minor units of the currency and add up to the budget.
#[test]
fn amounts_use_the_currency_minor_units_and_sum_to_the_budget() {
    let segs = [abc(), segment(1, 40, &[("email", 2.0, 2.0), ("x", 1.0, 3.0)], 0.9)];
    for (code, budget, minor, total) in [("JPY", 1_000_001.0, 0, 1_000_001u64), ("eur", 12_345.67, 2, 1_234_567), ("KWD", 10.0005, 3, 10_001)] {
        let plan = channel_plan(&segs, &PlanOptions { budget, currency: code.into(), ..Default::default() }).unwrap();
        assert_eq!((plan.currency.as_str(), plan.minor_units, plan.budget_cents), (code.to_uppercase().as_str(), minor, total));
        assert_eq!(plan.allocations.iter().map(|a| a.cents).sum::<u64>(), total);
        assert_eq!(plan.segments.iter().map(|s| s.budget_cents).sum::<u64>(), total);
        let scale = 10f64.powi(minor as i32);
        assert!(plan.allocations.iter().all(|a| a.amount == a.cents as f64 / scale));
    }
    let e = channel_plan(&segs, &PlanOptions { budget: 1.0, currency: "euro".into(), ..Default::default() }).unwrap_err();
    assert!(e.code() == "INVALID_OPTION" && e.to_string().contains("currency"));
    for bad in [PlanOptions { min_mix_share: 1.5, ..Default::default() }, PlanOptions { exploration_share: 1.0, ..Default::default() }] {
        assert_eq!(channel_plan(&segs, &bad).unwrap_err().code(), "INVALID_OPTION");
    }
}

/// Renames reach the plan's rows and allocations; unknown channels are humanised.
#[test]
fn display_names_come_from_the_catalog_or_the_user() {
    let s = segment(0, 10, &[("linkedin", 5.0, 5.0), ("mirrors_cme", 5.0, 5.0), ("brand_portal", 5.0, 5.0)], 1.0);
    let mut o = PlanOptions { budget: 3.0, ..Default::default() };
    o.display_names.insert("ch_linkedin".into(), "LinkedIn (DACH page)".into());
    let plan = channel_plan(&[s], &o).unwrap();
    let names: Vec<(&str, &str)> = plan.allocations.iter().map(|a| (a.channel.as_str(), a.display_name.as_str())).collect();
    assert_eq!(names, vec![("linkedin", "LinkedIn (DACH page)"), ("mirrors_cme", "Mirrors of Medicine"), ("brand_portal", "Brand Portal")]);
    o.display_names.insert("x".into(), "  ".into());
    assert_eq!(channel_plan(&[], &o).unwrap_err().code(), "INVALID_OPTION");
}
