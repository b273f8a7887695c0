//! Targeting (issue 7): event logs, refresh, stability, look-alikes, test cells, channel plan,
//! incremental update. Runs natively and under wasm (wasm-bindgen-test).

use hcp_segments::clustering::kmeans::{fit_kmeans, KMeansParams};
use hcp_segments::sample;
use hcp_segments::targeting::cells::{test_cells, ArmSpec, CellOptions};
use hcp_segments::targeting::events::{aggregate_events, EventOptions};
use hcp_segments::targeting::incremental::{update_model, UpdateOptions};
use hcp_segments::targeting::lookalike::{lookalikes, LookalikeOptions};
use hcp_segments::targeting::plan::{channel_plan, PlanOptions};
use hcp_segments::targeting::refresh::{refresh, PreviousAssignment, RefreshOptions};
use hcp_segments::targeting::stability::{bootstrap_stability, stability, StabilityOptions};
use hcp_segments::{segment_csv, Input, KChoice, SegmentOptions, SegmentResult};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::HashMap;

fn fixed(k: u32) -> SegmentOptions {
    // 4 restarts instead of 10: the planted personas do not need more, and debug builds are slow.
    SegmentOptions { k: KChoice::Fixed(k), n_runs: 4, ..Default::default() }
}

/// Majority segment per persona (persona index → segment id).
fn majority(truth: &[u32], labels: &[u32], k: usize) -> Vec<u32> {
    let personas = sample::personas().len();
    let mut counts = vec![vec![0u32; k]; personas];
    for (&t, &l) in truth.iter().zip(labels) {
        counts[t as usize][l as usize] += 1;
    }
    counts.iter().map(|row| (0..k).max_by_key(|&j| row[j]).unwrap() as u32).collect()
}

fn labels(r: &SegmentResult) -> Vec<u32> {
    r.assignments.iter().map(|a| a.segment).collect()
}

fn data_lines(csv: &str) -> Vec<&str> {
    csv.lines().skip(1).collect()
}

// ---- events ------------------------------------------------------------------------------

/// The fixture's expected profile was computed by hand (see tests/data/events_expected.csv):
/// window [2024-01-01, 2024-03-25) = the 12 ISO weeks starting Mondays 2024-01-01 … 2024-03-18.
/// - H1 counts lines 2, 4, 11 (line 3 is an `open`, line 7 is at `to`, excluded): linkedin 2,
///   email 1; moa_video 2, webinar 1; last event 2024-03-20T07:00Z → 4 days 17 h → 4; weeks of
///   Jan 1, Jan 8, Mar 18 → 3; country: DE on Jan 2, AT on Mar 20 → AT (latest wins); consent
///   `yes` from line 2 (line 4's empty cell does not overwrite).
/// - H2 counts lines 5 (unix 1704153600 = 2024-01-02T00:00Z) and 9 (line 6 is before `from`):
///   sermo 2 (`ch_sermo` → sermo), case_quiz 1; last 2024-01-05T12:00Z → 79.5 days → 79; one week.
/// - H3 counts lines 8 (rep, no format) and 10 (no channel, cme_module): last 2024-02-15T12:00Z
///   → 38.5 → 38; Feb 14 and 15 are one ISO week → 1.
/// - H4's only event is an `impression` (ignored), EXCL is excluded: neither appears; so `x`
///   and `news`/`congress` are not columns. `extra_col` is ignored.
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn event_log_aggregates_to_hand_computed_profiles() {
    let options = EventOptions {
        from: Some("2024-01-01".into()),
        to: Some("2024-03-25T00:00:00Z".into()),
        exclude: vec!["EXCL".into()],
        ..Default::default()
    };
    let agg = aggregate_events(include_str!("data/events.csv"), &options).unwrap();
    assert_eq!(agg.to_csv(), include_str!("data/events_expected.csv"));
    let r = &agg.report;
    assert_eq!((r.events_read, r.events_counted, r.events_outside_window, r.events_ignored_action, r.events_excluded), (12, 7, 2, 2, 1));
    assert_eq!(r.hcps, 3);
    assert_eq!(r.from.as_deref(), Some("2024-01-01T00:00:00Z"));
    assert_eq!(r.to, "2024-03-25T00:00:00Z");
    assert_eq!(r.carried, vec!["specialty", "country", "consent_email"]);
    assert_eq!(r.ignored, vec!["extra_col"]);

    let (p, _) = agg.to_profiles().unwrap();
    assert_eq!(p.ids, vec!["H1", "H2", "H3"]);
    assert_eq!(p.channels, vec!["email", "linkedin", "rep", "sermo"]);
    assert_eq!(p.channel_row(0), &[1.0, 2.0, 0.0, 0.0]);
    assert_eq!(p.format_row(1), &[1.0, 0.0, 0.0, 0.0]);
    assert_eq!(p.recency.as_ref().unwrap(), &vec![Some(4.0), Some(79.0), Some(38.0)]);
    assert_eq!(p.frequency.as_ref().unwrap(), &vec![Some(3.0), Some(1.0), Some(1.0)]);
    assert_eq!(p.consents[0].values, vec![Some(true), Some(false), Some(true)]);
    assert_eq!(p.category("country").unwrap().get(0), Some("AT"));
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn event_log_options_and_errors() {
    // No window: `to` = midnight after the latest event (2024-03-25T00:00Z), from unbounded:
    // line 6 (2023-12-31) now counts for H2, line 7 (2024-03-25T00:00) too for H1.
    let agg = aggregate_events(include_str!("data/events.csv"), &EventOptions::default()).unwrap();
    assert_eq!(agg.report.to, "2024-03-26T00:00:00Z");
    assert_eq!(agg.report.from, None);
    assert_eq!(agg.report.events_counted, 10);

    // countActions restricts; mapping renames columns; `;` is detected.
    let log = "who;when;where;what;did\nA;2024-05-01;Doximity;Webinar;click\nA;2024-05-02;doximity;webinar;open\nB;2024-05-03;x;news;share\n";
    let options = EventOptions {
        columns: [("who", "id"), ("when", "timestamp"), ("where", "channel"), ("what", "format"), ("did", "action")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        count_actions: Some(vec!["click".into(), "open".into()]),
        ..Default::default()
    };
    let agg = aggregate_events(log, &options).unwrap();
    assert_eq!(agg.to_csv(), "hcp_id,ch_doximity,fmt_webinar,days_since_last,active_weeks\nA,2,2,2,1\n");

    // Typed errors with line and column.
    let bad = "hcp_id,timestamp,channel\nA,2024-01-01,x\nB,31/12/2024,x\n";
    let e = aggregate_events(bad, &EventOptions::default()).unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), ("INVALID_VALUE", Some(3), Some("timestamp")));
    let e = aggregate_events("hcp_id,timestamp,channel\n,2024-01-01,x\n", &EventOptions::default()).unwrap_err();
    assert_eq!((e.code(), e.line()), ("MISSING_ID", Some(2)));
    let e = aggregate_events("hcp_id,timestamp,channel\nA,2024-01-01\n", &EventOptions::default()).unwrap_err();
    assert_eq!((e.code(), e.line()), ("FIELD_COUNT", Some(2)));
    let e = aggregate_events("hcp_id,channel\nA,x\n", &EventOptions::default()).unwrap_err();
    assert_eq!(e.code(), "INVALID_OPTION");
    let e = aggregate_events("hcp_id,timestamp,channel\nA,2024-01-01,x\n", &EventOptions { from: Some("soon".into()), ..Default::default() }).unwrap_err();
    assert_eq!(e.code(), "INVALID_OPTION");
    // A bad carried value is caught when typing, at the HCP's first event line.
    let e = aggregate_events("hcp_id,timestamp,channel,consent_email\nA,2024-01-01,x,\nA,2024-01-02,x,maybe\n", &EventOptions::default())
        .unwrap()
        .to_profiles()
        .unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), ("INVALID_VALUE", Some(2), Some("consent_email")));
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn event_log_streams_many_events_into_segmentable_profiles() {
    // 60 000 events for 1 500 HCPs: the aggregate segments like any profile file.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let channels = ["linkedin", "email", "sermo", "rep"];
    let formats = ["cme_module", "webinar", "news"];
    let mut log = String::from("hcp_id,timestamp,channel,format,action\n");
    for _ in 0..60_000 {
        let h = rng.gen_range(0..1500u32);
        let group = (h % 3) as usize;
        let c = if rng.gen_bool(0.7) { channels[group] } else { channels[rng.gen_range(0..4)] };
        let f = if rng.gen_bool(0.7) { formats[group] } else { formats[rng.gen_range(0..3)] };
        let t = 1_704_067_200 + rng.gen_range(0..84 * 86_400);
        log.push_str(&format!("H{h:05},{t},{c},{f},click\n"));
    }
    let agg = aggregate_events(&log, &EventOptions { to: Some("2024-03-25".into()), ..Default::default() }).unwrap();
    assert_eq!(agg.report.events_counted, 60_000);
    assert_eq!(agg.report.hcps, 1500);
    let (p, _) = agg.to_profiles().unwrap();
    let total: f64 = p.channel_counts.iter().sum();
    assert_eq!(total, 60_000.0);
    let r = segment_csv(&agg.to_csv(), &fixed(3)).unwrap();
    let truth: Vec<u32> = r.assignments.iter().map(|a| a.hcp_id[1..].parse::<u32>().unwrap() % 3).collect();
    let ari = hcp_segments::clustering::metrics::adjusted_rand_index(&labels(&r), &truth);
    assert!(ari > 0.9, "ARI {ari}");
}

// ---- refresh ---------------------------------------------------------------------------------

/// Period 2 from period 1: every HCP of period 1 (ids kept) is redrawn from its persona in a
/// second universe, except that 15 % of persona P's HCPs are redrawn as persona Q; every 25th
/// HCP lapses; 150 HCPs of the second universe are new.
struct Drift {
    period2: String,
    movers: Vec<String>,
    lapsed: usize,
    new: usize,
}

fn drifted(a: &sample::SampleUniverse, b: &sample::SampleUniverse, p: u32, q: u32) -> Drift {
    let (a_lines, b_lines) = (data_lines(&a.csv), data_lines(&b.csv));
    let mut pools: HashMap<u32, Vec<usize>> = HashMap::new();
    for (j, &t) in b.truth.iter().enumerate().rev() {
        pools.entry(t).or_default().push(j);
    }
    let p_count = a.truth.iter().filter(|&&t| t == p).count();
    let to_move = (p_count as f64 * 0.15).round() as usize;
    let mut out = format!("{}\n", sample::SAMPLE_HEADER);
    let (mut movers, mut lapsed, mut seen_p) = (Vec::new(), 0, 0);
    for (i, line) in a_lines.iter().enumerate() {
        let id = line.split(',').next().unwrap();
        if i % 25 == 24 {
            lapsed += 1;
            continue;
        }
        let mut persona = a.truth[i];
        if persona == p {
            seen_p += 1;
            if seen_p <= to_move {
                persona = q;
                movers.push(id.to_string());
            }
        }
        let j = pools.get_mut(&persona).unwrap().pop().unwrap();
        let rest = &b_lines[j][b_lines[j].find(',').unwrap()..];
        out.push_str(&format!("{id}{rest}\n"));
    }
    let new = 150;
    for _ in 0..new {
        let persona = (0..sample::personas().len() as u32).max_by_key(|t| pools[t].len()).unwrap();
        let j = pools.get_mut(&persona).unwrap().pop().unwrap();
        out.push_str(b_lines[j]);
        out.push('\n');
    }
    Drift { period2: out, movers, lapsed, new }
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn refresh_keeps_ids_and_recovers_the_planted_migration() {
    let a = sample::generate(2000, 11);
    let b = sample::generate(4000, 12);
    let first = segment_csv(&a.csv, &SegmentOptions { k: KChoice::Fixed(6), ..Default::default() }).unwrap();
    let seg_of_persona = majority(&a.truth, &labels(&first), 6);
    let (p, q) = (0u32, 1u32);
    let (sp, sq) = (seg_of_persona[p as usize], seg_of_persona[q as usize]);
    assert_ne!(sp, sq);
    // Rename a segment as a user would: the name must survive the refresh.
    let mut model = first.model.clone();
    model.segments[sq as usize].name = "My edited persona".into();

    let drift = drifted(&a, &b, p, q);
    let previous: Vec<PreviousAssignment> =
        first.assignments.iter().map(|x| PreviousAssignment { hcp_id: x.hcp_id.clone(), segment: x.segment }).collect();
    // The model's 10 restarts: k-means++ alone can land in a local optimum on this period (two
    // personas merged, one split), the warm start from the old segments does not (see below).
    let options = RefreshOptions::default();
    let out = refresh(&model, Input::Csv(drift.period2.clone()), &previous, &options).unwrap();
    let rep = &out.refresh;

    // Every segment continues itself: ids and (edited) names survive.
    assert!(rep.retired.is_empty());
    for m in &rep.matches {
        assert_eq!(m.previous_id, Some(m.id), "{m:?}");
        assert_eq!(m.name, model.segments[m.id as usize].name);
    }
    assert_eq!(out.result.model.segments[sq as usize].name, "My edited persona");
    assert!(out.result.segments.iter().enumerate().all(|(i, s)| s.id == i as u32));

    // Personas that did not move stay in their segment id.
    let new_of: HashMap<&str, u32> = out.result.assignments.iter().map(|x| (x.hcp_id.as_str(), x.segment)).collect();
    let old_of: HashMap<&str, u32> = first.assignments.iter().map(|x| (x.hcp_id.as_str(), x.segment)).collect();
    let movers: std::collections::HashSet<&str> = drift.movers.iter().map(String::as_str).collect();
    let stayers: Vec<&str> = old_of.keys().filter(|id| new_of.contains_key(*id) && !movers.contains(*id)).copied().collect();
    let same = stayers.iter().filter(|id| old_of[*id] == new_of[*id]).count();
    // (k-means on two independent draws agrees on ~95 % of rows: ARI ≈ 0.9 each time.)
    assert!(same as f64 / stayers.len() as f64 > 0.9, "{same} of {} non-movers kept their id", stayers.len());
    let ids: Vec<&str> = data_lines(&a.csv).iter().map(|l| l.split(',').next().unwrap()).collect();
    let (mut t2, mut l2) = (Vec::new(), Vec::new());
    for (i, id) in ids.iter().enumerate() {
        if let (Some(&s), false) = (new_of.get(id), movers.contains(id)) {
            t2.push(a.truth[i]);
            l2.push(s);
        }
    }
    assert_eq!(majority(&t2, &l2, 6), seg_of_persona, "every persona keeps its segment id");

    // Migration: row sp sends ≈ 15 % of its continuing HCPs to sq, the other rows stay put.
    let row = &rep.migration[sp as usize];
    let row_total: u32 = row.iter().sum();
    let off: u32 = row_total - row[sp as usize];
    let to_q = row[sq as usize] as f64 / row_total as f64;
    println!("migration row {sp} → {sq}: {to_q:.3}; matrix {:?}", rep.migration);
    assert!((0.12..=0.19).contains(&to_q), "share moved to the planted target {to_q}");
    assert!(off as f64 / row_total as f64 <= 0.2);
    for (i, r) in rep.migration.iter().enumerate().filter(|(i, _)| *i != sp as usize) {
        let t: u32 = r.iter().sum();
        assert!((t - r[i]) as f64 / t as f64 <= 0.05, "row {i}: {r:?}");
    }
    assert_eq!(rep.continuing as usize, 2000 - drift.lapsed);
    assert_eq!(rep.new_hcps as usize, drift.new);
    assert_eq!(rep.new_hcp_ids.len(), drift.new);
    assert_eq!(rep.lapsed_hcps as usize, drift.lapsed);
    assert!(rep.moved as usize >= drift.movers.len() * 9 / 10);
    assert_eq!(rep.migration.iter().flatten().sum::<u32>(), rep.continuing);
}

/// Whether a refresh recovered the planted drift: every segment continues itself, and the
/// migration row of persona p's segment sends 12–19 % to q's while the other rows stay put.
fn recovered(out: &hcp_segments::targeting::refresh::RefreshResult, sp: u32, sq: u32) -> Result<f64, String> {
    let rep = &out.refresh;
    if let Some(m) = rep.matches.iter().find(|m| m.previous_id != Some(m.id)) {
        return Err(format!("segment {} continues {:?}", m.id, m.previous_id));
    }
    let row = &rep.migration[sp as usize];
    let to_q = row[sq as usize] as f64 / row.iter().sum::<u32>() as f64;
    if !(0.12..=0.19).contains(&to_q) {
        return Err(format!("share moved {to_q:.3}; matrix {:?}", rep.migration));
    }
    for (i, r) in rep.migration.iter().enumerate().filter(|(i, _)| *i != sp as usize) {
        let t: u32 = r.iter().sum();
        if (t - r[i]) as f64 / t as f64 > 0.05 {
            return Err(format!("row {i} moved: {r:?}"));
        }
    }
    Ok(to_q)
}

/// The warm start (one Lloyd run from the old segments next to the k-means++ restarts). Measured
/// on this drift (seeds 0–39): with 10 restarts k-means++ alone already finds the best layout
/// (inertia 2233.2) every time; with 3 it lands in a local optimum (a persona merged, another
/// split; inertia 2538–2734) for 13 of 40 seeds and misses the migration, and the warm start
/// recovers all of them. (Seed 12 is left out: its *first* segmentation merged two personas, so
/// there is no right answer for the refresh to recover.) The warm start can only lower the
/// inertia: the best of both is kept.
#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn refresh_warm_start_recovers_the_migration_with_few_restarts() {
    let a = sample::generate(2000, 11);
    let b = sample::generate(4000, 12);
    let drift = drifted(&a, &b, 0, 1);
    let mut cold_failures = Vec::new();
    for seed in 0u32..12 {
        let first = segment_csv(&a.csv, &SegmentOptions { k: KChoice::Fixed(6), seed, ..Default::default() }).unwrap();
        let seg_of_persona = majority(&a.truth, &labels(&first), 6);
        let (sp, sq) = (seg_of_persona[0], seg_of_persona[1]);
        assert_ne!(sp, sq);
        let previous: Vec<PreviousAssignment> =
            first.assignments.iter().map(|x| PreviousAssignment { hcp_id: x.hcp_id.clone(), segment: x.segment }).collect();
        for runs in [3u32, 10] {
            let run = |warm: bool| {
                let options = RefreshOptions { n_runs: Some(runs), warm_start: Some(warm), ..Default::default() };
                refresh(&first.model, Input::Csv(drift.period2.clone()), &previous, &options).unwrap()
            };
            let (warm, cold) = (run(true), run(false));
            assert!(!cold.refresh.warm_start);
            let (wi, ci) = (warm.result.quality.inertia, cold.result.quality.inertia);
            assert!(wi <= ci * (1.0 + 1e-12), "seed {seed}, {runs} runs: warm inertia {wi} > cold {ci}");
            if warm.refresh.warm_start {
                assert!(wi < ci, "the warm start wins only on a strictly lower inertia");
            }
            let to_q = recovered(&warm, sp, sq).unwrap_or_else(|e| panic!("seed {seed}, {runs} runs: warm start did not recover: {e}"));
            let cold_ok = recovered(&cold, sp, sq);
            println!("seed {seed}, {runs} runs: inertia warm {wi:.1} (won: {}) cold {ci:.1}; moved {to_q:.3}; cold {cold_ok:?}", warm.refresh.warm_start);
            if cold_ok.is_err() {
                cold_failures.push((seed, runs));
            }
        }
    }
    println!("without the warm start the migration was missed for (seed, runs) {cold_failures:?}");
    // The baseline the warm start fixes (if k-means++ alone ever gets this right with 3
    // restarts, this demonstration needs a harder case, not the warm start a fix).
    assert!(cold_failures.iter().any(|&(_, runs)| runs == 3), "3 restarts alone never missed the migration");
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn refresh_with_more_segments_appends_new_ids() {
    let a = sample::generate(1500, 5);
    let first = segment_csv(&a.csv, &fixed(4)).unwrap();
    let b = sample::generate(1500, 6);
    let out = refresh(&first.model, Input::Csv(b.csv), &[], &RefreshOptions { k: Some(KChoice::Fixed(6)), ..Default::default() }).unwrap();
    let ids: Vec<u32> = out.refresh.matches.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(out.refresh.matches.iter().filter(|m| m.previous_id.is_some()).count(), 4);
    assert!(out.refresh.matches.iter().all(|m| m.previous_id.is_none_or(|p| p == m.id)));
    assert_eq!(out.refresh.new_hcps, 1500);
    let names: std::collections::HashSet<&String> = out.result.model.segments.iter().map(|s| &s.name).collect();
    assert_eq!(names.len(), 6, "names stay unique");
    // The refreshed model is valid and round-trips.
    let json = out.result.model.to_json();
    assert_eq!(hcp_segments::Model::from_json(&json).unwrap(), out.result.model);
}

// ---- stability -------------------------------------------------------------------------------

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn stability_separates_a_planted_segment_from_a_split_of_noise() {
    // Uniform noise in a 24-d cube: its 2-means split can fall along any of 24 nearly tied axes,
    // so bootstrap splits disagree (Jaccard ≈ 0.5); the far, tight blob is found every time.
    let d = 24;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
    let (blob, noise) = (150, 450);
    let mut x = Array2::zeros((blob + noise, d));
    for i in 0..blob + noise {
        for j in 0..d {
            x[[i, j]] = if i < blob { 20.0 + rng.gen_range(-0.5..0.5) } else { rng.gen_range(0.0..4.0) };
        }
    }
    let params = KMeansParams { k: 3, seed: 1, ..Default::default() };
    let fit = fit_kmeans(x.view(), &params, &mut |_| {}).unwrap();
    let report = bootstrap_stability(x.view(), &fit.labels, 3, &params, &StabilityOptions::default()).unwrap();
    let blob_id = fit.labels[0] as usize;
    for s in &report.segments {
        println!("segment {}: mean Jaccard {:.3} ({})", s.id, s.mean_jaccard, s.verdict);
        if s.id as usize == blob_id {
            assert_eq!(s.verdict, "stable");
            assert!(s.mean_jaccard > 0.95);
        } else {
            assert_eq!(s.verdict, "unreliable", "{s:?}");
        }
    }
    // Same seed, same report.
    let again = bootstrap_stability(x.view(), &fit.labels, 3, &params, &StabilityOptions::default()).unwrap();
    assert_eq!(report, again);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn planted_personas_are_stable() {
    let u = sample::generate(1500, 21);
    let r = segment_csv(&u.csv, &fixed(6)).unwrap();
    let report = stability(&r.model, Input::Csv(u.csv.clone()), &StabilityOptions { resamples: 6, ..Default::default() }).unwrap();
    assert_eq!(report.sample_size, 1500);
    for s in &report.segments {
        println!("segment {}: {:.3} ({})", s.id, s.mean_jaccard, s.verdict);
        assert_eq!(s.verdict, "stable", "{s:?}");
    }
}

// ---- look-alikes -----------------------------------------------------------------------------

/// Drop the named columns from a CSV (simple: the sample has no quoted fields).
fn drop_columns(csv: &str, drop: &[&str]) -> String {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let keep: Vec<usize> = (0..header.len()).filter(|&i| !drop.contains(&header[i])).collect();
    let pick = |l: &str| {
        let f: Vec<&str> = l.split(',').collect();
        keep.iter().map(|&i| f[i]).collect::<Vec<_>>().join(",")
    };
    let mut out = pick(&header.join(","));
    out.push('\n');
    for l in lines {
        out.push_str(&pick(l));
        out.push('\n');
    }
    out
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn lookalikes_rank_the_segments_persona_first_from_partial_profiles() {
    let a = sample::generate(2000, 31);
    let r = segment_csv(&a.csv, &fixed(6)).unwrap();
    let seg_of_persona = majority(&a.truth, &labels(&r), 6);
    let b = sample::generate(600, 32);
    let partial = drop_columns(&b.csv, &["ch_email", "ch_rep", "days_since_last", "fmt_news"]);
    let persona = 2usize;
    let target = seg_of_persona[persona];
    let out = lookalikes(&r.model, Input::Csv(partial), &LookalikeOptions { segment: target, ..Default::default() }).unwrap();
    assert_eq!(out.candidates, 600);
    assert_eq!(out.lookalikes.len() + out.unscored as usize, 600);
    assert!(out.missing_features.iter().any(|f| f == "channel_mix:email"));
    assert!(out.missing_features.iter().any(|f| f == "recency:days_since_last"));
    assert!(out.lookalikes.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(out.lookalikes.iter().all(|l| (0.0..=1.0).contains(&l.score) && l.coverage < 1.0 && l.coverage > 0.5));
    let truth_of: HashMap<String, u32> =
        data_lines(&b.csv).iter().zip(&b.truth).map(|(l, &t)| (l.split(',').next().unwrap().to_string(), t)).collect();
    let planted = b.truth.iter().filter(|&&t| t as usize == persona).count();
    let top: Vec<&hcp_segments::targeting::lookalike::Lookalike> = out.lookalikes.iter().take(planted).collect();
    let hits = top.iter().filter(|l| truth_of[&l.hcp_id] as usize == persona).count();
    println!("{hits} of the top {planted} are the segment's persona; best {:?}", out.lookalikes[0]);
    assert!(hits as f64 / planted as f64 >= 0.85);
    assert!(top.iter().all(|l| !l.drivers.is_empty()));
    assert!(top.iter().filter(|l| l.nearest_segment == target).count() as f64 >= 0.85 * planted as f64);
    // `top` truncates, ranks are 1-based.
    let out3 = lookalikes(&r.model, Input::Csv(b.csv.clone()), &LookalikeOptions { segment: target, top: Some(3), ..Default::default() }).unwrap();
    assert_eq!(out3.lookalikes.iter().map(|l| l.rank).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert!(out3.lookalikes.iter().all(|l| (l.coverage - 1.0).abs() < 1e-12));
    let e = lookalikes(&r.model, Input::Csv(b.csv), &LookalikeOptions { segment: 6, ..Default::default() }).unwrap_err();
    assert_eq!(e.code(), "INVALID_OPTION");
}

// ---- test cells --------------------------------------------------------------------------------

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn test_cells_are_balanced_per_stratum_and_identical_for_a_seed() {
    let u = sample::generate(2000, 41);
    let r = segment_csv(&u.csv, &fixed(6)).unwrap();
    let options = CellOptions {
        arms: vec![ArmSpec::Name("A".into()), ArmSpec::Name("B".into()), ArmSpec::Weighted { name: "C".into(), weight: 2.0 }],
        holdout: 0.1,
        seed: 7,
        segments: Some(vec![0, 1]),
        ..Default::default()
    };
    let t = test_cells(&r.model, Input::Csv(u.csv.clone()), &options).unwrap();
    let n = t.assignments.len();
    assert_eq!(n as u32, r.segments[0].size + r.segments[1].size);
    assert_eq!(t.stratified_by, vec!["specialty", "country"]);
    assert!(t.strata.len() > 10);
    // Strata are segment × specialty × country, so every segment is balanced on its own.
    assert!(t.strata.keys().all(|k| k.starts_with("0|") || k.starts_with("1|")), "{:?}", t.strata.keys());
    let shares: Vec<f64> = t.cells.iter().map(|c| c.share).collect();
    assert_eq!(t.cells.iter().map(|c| c.cell.as_str()).collect::<Vec<_>>(), vec!["A", "B", "C", "holdout"]);
    assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    for (stratum, counts) in &t.strata {
        let m: u32 = counts.iter().sum();
        for (c, &share) in counts.iter().zip(&shares) {
            assert!((*c as f64 - m as f64 * share).abs() < 1.0 + 1e-9, "stratum {stratum}: {counts:?} of {m}");
        }
    }
    for (c, &share) in t.cells.iter().zip(&shares) {
        assert!((c.count as f64 - n as f64 * share).abs() <= (t.strata.len() as f64).sqrt() * 2.0 + 1.0, "{c:?} of {n}");
    }
    // Same seed → identical; input order does not matter; another seed differs.
    let again = test_cells(&r.model, Input::Csv(u.csv.clone()), &options).unwrap();
    assert_eq!(t, again);
    let mut lines = data_lines(&u.csv);
    lines.reverse();
    let reversed = format!("{}\n{}\n", sample::SAMPLE_HEADER, lines.join("\n"));
    let rev = test_cells(&r.model, Input::Csv(reversed), &options).unwrap();
    let cell_of: HashMap<&str, &str> = t.assignments.iter().map(|a| (a.hcp_id.as_str(), a.cell.as_str())).collect();
    assert!(rev.assignments.iter().all(|a| cell_of[a.hcp_id.as_str()] == a.cell));
    let other = test_cells(&r.model, Input::Csv(u.csv.clone()), &CellOptions { seed: 8, ..options.clone() }).unwrap();
    assert_ne!(t.assignments, other.assignments);
    // The export has one row per member.
    let csv = hcp_segments::export::tables::cells_csv(&t);
    assert!(csv.starts_with("hcp_id,segment,cell,specialty,country\n"));
    assert_eq!(csv.lines().count(), n + 1);
    // Bad designs are option errors.
    let e = test_cells(&r.model, Input::Csv(u.csv), &CellOptions { holdout: 1.0, ..Default::default() }).unwrap_err();
    assert_eq!(e.code(), "INVALID_OPTION");
}

// ---- channel plan ------------------------------------------------------------------------------

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn budget_split_sums_exactly_and_moves_to_what_works() {
    let u = sample::generate(2000, 51);
    let r = segment_csv(&u.csv, &fixed(5)).unwrap();
    let options = PlanOptions { budget: 12_345.67, ..Default::default() };
    let plan = channel_plan(&r.segments, &options).unwrap();
    assert_eq!(plan.budget_cents, 1_234_567);
    assert_eq!(plan.allocations.iter().map(|a| a.cents).sum::<u64>(), 1_234_567);
    assert_eq!(plan.segments.iter().map(|s| s.budget_cents).sum::<u64>(), 1_234_567);
    for s in &plan.segments {
        assert!(s.channels.windows(2).all(|w| w[0].priority >= w[1].priority));
        let email = s.channels.iter().find(|c| c.channel == "email").unwrap();
        assert_eq!(email.consent.as_deref(), Some("consent_email"));
        assert!(email.consent_known && email.reachable_share <= 1.0);
        let rep = s.channels.iter().find(|c| c.channel == "rep").unwrap();
        assert_eq!((rep.consent.as_deref(), rep.reachable_share), (None, 1.0));
        let linkedin = s.channels.iter().find(|c| c.channel == "linkedin").unwrap();
        assert_eq!(linkedin.consent.as_deref(), Some("consent_tracking"));
        assert!(linkedin.consent_known && linkedin.reachable_share < 1.0);
        assert_eq!(linkedin.reachable, (linkedin.reachable_share * s.size as f64).round() as u32);
    }
    // Weights: switching a channel off gives it nothing; the total stays exact.
    let mut off = options.clone();
    off.channel_weights.insert("linkedin".into(), 0.0);
    let plan_off = channel_plan(&r.segments, &off).unwrap();
    assert!(plan_off.allocations.iter().all(|a| a.channel != "linkedin"));
    assert_eq!(plan_off.allocations.iter().map(|a| a.cents).sum::<u64>(), 1_234_567);

    // Results: segment 0's first two channels, one converting 8 %, the other 1 %.
    let s0 = &plan.segments[0];
    let (good, bad) = (&s0.channels[0].channel, &s0.channels[1].channel);
    let results = format!("segment,channel,impressions,engagements\n0,{good},10000,800\n0,ch_{bad},10000,100\n{},{bad},5,5\nnope,x,1,1\n", s0.name);
    let with = channel_plan(&r.segments, &PlanOptions { results: Some(results), ..options.clone() }).unwrap();
    assert_eq!(with.allocations.iter().map(|a| a.cents).sum::<u64>(), 1_234_567);
    assert_eq!(with.unmatched_results, 1);
    let cents = |p: &hcp_segments::targeting::plan::ChannelPlan, c: &str| p.allocations.iter().find(|a| a.segment == 0 && a.channel == *c).unwrap().cents as f64;
    assert!(cents(&with, good) / cents(&plan, good) > 1.5);
    assert!(cents(&with, bad) / cents(&plan, bad) < 0.5);
    let mean = with.mean_rate.unwrap();
    assert!((mean - 905.0 / 20005.0).abs() < 1e-12);
    // Shrinkage: with a huge prior the multipliers are ≈ 1.
    let shrunk = channel_plan(&r.segments, &PlanOptions { results: with_results(&s0.channels[0].channel), prior_impressions: 1e9, ..options }).unwrap();
    assert!(shrunk.allocations.iter().all(|a| (a.multiplier - 1.0).abs() < 1e-3));
}

fn with_results(channel: &str) -> Option<String> {
    Some(format!("segment,channel,impressions,engagements\n0,{channel},100,50\n1,{channel},100,1\n"))
}

// ---- incremental -------------------------------------------------------------------------------

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn incremental_update_folds_in_rows_and_flags_drift() {
    let a = sample::generate(2000, 61);
    let r = segment_csv(&a.csv, &fixed(6)).unwrap();
    // Same distribution: small drift, no refresh due, every row counted once.
    let b = sample::generate(600, 62);
    let up = update_model(&r.model, Input::Csv(b.csv.clone()), &UpdateOptions::default()).unwrap();
    println!("same: {:?} reassigned {}", up.drift.iter().map(|d| d.relative_shift).collect::<Vec<_>>(), up.reassigned);
    assert_eq!(up.rows, 600);
    assert_eq!(up.drift.iter().map(|d| d.added).sum::<u32>(), 600);
    assert_eq!(up.model.segments.iter().map(|s| s.size).sum::<u32>(), 2600);
    assert!(!up.refresh_due, "{:?}", up.reasons);
    assert!(up.drift.iter().all(|d| d.relative_shift < 0.1));
    assert!(up.drift.iter().any(|d| d.shift > 0.0));
    let reloaded = hcp_segments::Model::from_json(&up.model.to_json()).unwrap();
    assert_eq!(reloaded, up.model);
    // Deterministic for a seed.
    assert_eq!(update_model(&r.model, Input::Csv(b.csv.clone()), &UpdateOptions::default()).unwrap(), up);

    // Drifted: the same HCPs engage 8× as much, and there are many of them.
    let c = sample::generate(1200, 63);
    let mut lines = c.csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut boosted = header.join(",") + "\n";
    for l in lines {
        let f: Vec<String> = l
            .split(',')
            .zip(&header)
            .map(|(v, h)| if h.starts_with("ch_") || h.starts_with("fmt_") { (v.parse::<u32>().unwrap() * 8).to_string() } else { v.to_string() })
            .collect();
        boosted.push_str(&f.join(","));
        boosted.push('\n');
    }
    let up = update_model(&r.model, Input::Csv(boosted), &UpdateOptions::default()).unwrap();
    println!("drifted: {:?} reasons {:?}", up.drift.iter().map(|d| d.relative_shift).collect::<Vec<_>>(), up.reasons);
    assert!(up.refresh_due);
    assert!(up.reasons.iter().any(|r| r.contains("maxDrift")));
    assert!(up.reasons.iter().any(|r| r.contains("maxNewShare")));
}


/// An event log in a workbook (here: the table the workbook module hands over, made from the
/// same rows) aggregates to the same profiles as the CSV it holds.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[test]
fn an_event_log_from_a_workbook_table_aggregates_like_its_csv() {
    use hcp_segments::ingest::{csv::read_csv, table_wire::encode_table, IngestOptions};
    use hcp_segments::targeting::events::aggregate_event_bytes;
    let text = include_str!("data/events.csv");
    let options = EventOptions { from: Some("2024-01-01".into()), to: Some("2024-04-01".into()), ..EventOptions::default() };
    let from_csv = aggregate_events(text, &options).unwrap();
    let table = read_csv(text, &IngestOptions { decimal_comma: Some(false), ..Default::default() }).unwrap();
    let from_table = aggregate_event_bytes(encode_table(&table), &options).unwrap();
    assert_eq!(from_table.to_csv(), from_csv.to_csv());
    assert_eq!(from_table.report.hcps, from_csv.report.hcps);
}
