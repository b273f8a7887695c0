//! Look-alikes from partial profiles: candidates with 4 of the model's 11 channels (as a
//! congress or partner list has) are ranked on what they share with the model, and the planted
//! members of the target segment's persona come first.

use hcp_segments::sample;
use hcp_segments::segmentation::{segment_csv, Input, KChoice, SegmentOptions};
use hcp_segments::targeting::lookalike::{lookalikes, LookalikeOptions, LookalikeResult};
use std::collections::HashMap;

/// The 4 channels a congress list carries.
const KEPT: [&str; 4] = ["ch_x", "ch_linkedin", "ch_youtube", "ch_email"];

fn keep_columns(csv: &str, keep: &dyn Fn(&str) -> bool) -> String {
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let idx: Vec<usize> = (0..header.len()).filter(|&i| keep(header[i])).collect();
    let mut out = String::new();
    for line in csv.lines() {
        let f: Vec<&str> = line.split(',').collect();
        out.push_str(&idx.iter().map(|&i| f[i]).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

struct Setup {
    model: hcp_segments::model::Model,
    /// Segment of each persona (the majority of its planted rows).
    segment_of: Vec<u32>,
    candidates: sample::SampleUniverse,
    truth: HashMap<String, u32>,
}

fn setup() -> Setup {
    let universe = sample::generate(2000, 31);
    let r = segment_csv(&universe.csv, &SegmentOptions { k: KChoice::Fixed(6), ..Default::default() }).unwrap();
    let k = r.segments.len();
    let mut counts = vec![vec![0u32; k]; k];
    for (t, a) in universe.truth.iter().zip(&r.assignments) {
        counts[*t as usize][a.segment as usize] += 1;
    }
    let segment_of = counts.iter().map(|c| (0..k).max_by_key(|&s| c[s]).unwrap() as u32).collect();
    let candidates = sample::generate(600, 32);
    let ids = candidates.csv.lines().skip(1).map(|l| l.split(',').next().unwrap().to_string());
    let truth = ids.zip(candidates.truth.iter().copied()).collect();
    Setup { model: r.model, segment_of, candidates, truth }
}

/// Of the top N (N = the persona's planted candidates), the share that are the persona's.
fn precision_at_n(s: &Setup, out: &LookalikeResult, persona: u32) -> (usize, usize) {
    let n = s.candidates.truth.iter().filter(|&&t| t == persona).count();
    let hits = out.lookalikes.iter().take(n).filter(|l| s.truth[&l.hcp_id] == persona).count();
    (hits, n)
}

/// 7 of 11 channels dropped, the rest of the profile kept (formats, recency, categories).
#[test]
fn seven_of_eleven_channels_missing_still_rank_the_persona_first() {
    let s = setup();
    let csv = keep_columns(&s.candidates.csv, &|h| !h.starts_with("ch_") || KEPT.contains(&h));
    let mut total = (0, 0);
    for persona in 0..sample::personas().len() as u32 {
        let target = s.segment_of[persona as usize];
        let out = lookalikes(&s.model, Input::Csv(csv.clone()), &LookalikeOptions { segment: target, ..Default::default() }).unwrap();
        assert_eq!(out.lookalikes.len(), 600);
        assert_eq!(out.unscored, 0);
        assert!(out.missing_features.contains(&"channel_mix:esanum".to_string()));
        assert!(out.missing_features.contains(&"intensity:channels".to_string()));
        assert!(out.used_features.contains(&"channel_mix:x".to_string()) && out.used_features.contains(&"format_mix:news".to_string()));
        assert_eq!(out.used_features.len() + out.missing_features.len(), s.model.pipeline.features.len());
        let (hits, n) = precision_at_n(&s, &out, persona);
        println!("persona {persona} → segment {target}: precision@{n} = {hits}/{n} = {:.2}", hits as f64 / n as f64);
        assert!(hits as f64 >= 0.8 * n as f64, "persona {persona}: {hits}/{n}");
        // The persona's planted members rank above the others on average.
        let mean_rank = |mine: bool| {
            let ranks: Vec<f64> = out.lookalikes.iter().filter(|l| (s.truth[&l.hcp_id] == persona) == mine).map(|l| l.rank as f64).collect();
            ranks.iter().sum::<f64>() / ranks.len() as f64
        };
        assert!(mean_rank(true) < mean_rank(false) / 3.0);
        total = (total.0 + hits, total.1 + n);
    }
    println!("all personas: {}/{} = {:.3}", total.0, total.1, total.0 as f64 / total.1 as f64);
    assert!(total.0 as f64 >= 0.9 * total.1 as f64);
}

/// Nothing but an id and 4 channels: every candidate is still ranked (before: "Top 0 of 500"),
/// the result says what it used, and warns where the segment's own channels are missing.
#[test]
fn four_channels_and_nothing_else_never_give_an_empty_list() {
    let s = setup();
    let csv = keep_columns(&s.candidates.csv, &|h| h == "hcp_id" || KEPT.contains(&h));
    let mut total = (0, 0);
    for persona in 0..sample::personas().len() as u32 {
        let target = s.segment_of[persona as usize];
        let out = lookalikes(&s.model, Input::Csv(csv.clone()), &LookalikeOptions { segment: target, ..Default::default() }).unwrap();
        assert_eq!(out.lookalikes.len(), 600);
        let mut used = out.used_features.clone();
        used.sort();
        assert_eq!(used, ["channel_mix:email", "channel_mix:linkedin", "channel_mix:x", "channel_mix:youtube"]);
        assert!(out.lookalikes.iter().all(|l| l.coverage > 0.0 && l.coverage < 0.2));
        let (hits, n) = precision_at_n(&s, &out, persona);
        let share = out.shared_channel_share.unwrap();
        println!(
            "persona {persona} ({}) → segment {target}: precision@{n} = {hits}/{n} = {:.2} (random: {:.2}); shared channels carry {:.0} % of its mix",
            sample::personas()[persona as usize].dominant_channel,
            hits as f64 / n as f64,
            n as f64 / 600.0,
            share * 100.0
        );
        // Better than a random order for every persona; well ranked where the persona's own
        // channel is on the list.
        assert!(hits as f64 > n as f64 * n as f64 / 600.0, "persona {persona}: {hits}/{n}");
        let own_channel_kept = KEPT.contains(&format!("ch_{}", sample::personas()[persona as usize].dominant_channel).as_str());
        if own_channel_kept {
            assert!(hits as f64 >= 0.6 * n as f64, "persona {persona}: {hits}/{n}");
            assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        } else {
            assert!(share < 0.5);
            assert!(out.warnings.iter().any(|w| w.contains("main channels are not in the file")), "{:?}", out.warnings);
        }
        total = (total.0 + hits, total.1 + n);
    }
    println!("all personas: {}/{} = {:.3}", total.0, total.1, total.0 as f64 / total.1 as f64);
}

/// With every column, the ranking sees the whole segment: no warning, shared share 1.
#[test]
fn full_profiles_see_the_whole_mix() {
    let s = setup();
    let out = lookalikes(&s.model, Input::Csv(s.candidates.csv.clone()), &LookalikeOptions { segment: 0, top: Some(5), ..Default::default() }).unwrap();
    assert!((out.shared_channel_share.unwrap() - 1.0).abs() < 1e-12);
    assert!(out.warnings.is_empty() && out.missing_features.is_empty());
    assert_eq!(out.lookalikes.len(), 5);
}
