//! The engine end to end on the sample universe, against planted ground truth and against
//! numbers recomputed here independently from the CSV.

use hcp_segments::clustering::metrics::adjusted_rand_index;
use hcp_segments::sample;
use hcp_segments::segmentation::AutoK;
use hcp_segments::{assign, segment, segment_csv, Input, KChoice, Model, SegmentOptions};
use std::collections::HashMap;

fn fixed(k: u32) -> SegmentOptions {
    SegmentOptions { k: KChoice::Fixed(k), ..Default::default() }
}

fn labels(r: &hcp_segments::SegmentResult) -> Vec<u32> {
    r.assignments.iter().map(|a| a.segment).collect()
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn recovers_planted_personas() {
    for (n, seed) in [(5000, 42), (3000, 7)] {
        let u = sample::generate(n, seed);
        let r = segment_csv(&u.csv, &fixed(6)).unwrap();
        let ari = adjusted_rand_index(&labels(&r), &u.truth);
        println!("n={n} seed={seed}: ARI {ari:.4}, names {:?}", r.segments.iter().map(|s| &s.name).collect::<Vec<_>>());
        assert!(ari >= 0.9, "ARI {ari}");
    }
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn auto_k_finds_the_planted_number_of_personas() {
    let u = sample::generate(4000, 42);
    let r = segment_csv(&u.csv, &SegmentOptions::default()).unwrap();
    let sweep = r.k_sweep.as_ref().unwrap();
    for row in &sweep.rows {
        println!("k={} inertia={:.1} sil={:.4} ch={:.1} db={:.4}", row.k, row.inertia, row.silhouette, row.calinski_harabasz, row.davies_bouldin);
    }
    assert_eq!(sweep.rows.iter().map(|r| r.k).collect::<Vec<_>>(), vec![3, 4, 5, 6, 7, 8]);
    assert_eq!(sweep.chosen_k, sample::personas().len() as u32);
    assert_eq!(r.segments.len(), sample::personas().len());
    // Inertia of the sweep falls with k (each k keeps its best of 10 restarts).
    assert!(sweep.rows.windows(2).all(|w| w[1].inertia < w[0].inertia));
    assert!(adjusted_rand_index(&labels(&r), &u.truth) >= 0.9);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn segments_carry_sizes_and_index_scores_that_match_the_raw_rows() {
    let csv = sample::generate_csv(2000, 5);
    let r = segment_csv(&csv, &fixed(5)).unwrap();
    assert_eq!(r.assignments.len(), 2000);
    assert_eq!(r.segments.iter().map(|s| s.size).sum::<u32>(), 2000);
    assert!(r.segments.windows(2).all(|w| w[0].size >= w[1].size), "ordered by size");
    // Recompute the index of ch_x for each segment from the CSV with an independent reader.
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let (id_col, x_col) = (headers.iter().position(|h| h == "hcp_id").unwrap(), headers.iter().position(|h| h == "ch_x").unwrap());
    let seg_of: HashMap<&str, u32> = r.assignments.iter().map(|a| (a.hcp_id.as_str(), a.segment)).collect();
    let mut sum = vec![0.0; 5];
    let mut cnt = vec![0.0; 5];
    let mut total = 0.0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let v: f64 = rec[x_col].parse().unwrap();
        let s = seg_of[&rec[id_col]] as usize;
        sum[s] += v;
        cnt[s] += 1.0;
        total += v;
    }
    let uni = total / 2000.0;
    for s in &r.segments {
        let x = s.channels.iter().find(|c| c.name == "x").unwrap();
        let expect = sum[s.id as usize] / cnt[s.id as usize] / uni * 100.0;
        assert!((x.index.unwrap() - expect).abs() < 1e-9, "segment {}: {} vs {expect}", s.id, x.index.unwrap());
        assert!(s.channels.windows(2).all(|w| w[0].index.unwrap_or(-1.0) >= w[1].index.unwrap_or(-1.0)), "ranked");
        let mix: f64 = s.channels.iter().map(|c| c.share).sum();
        assert!((mix - 1.0).abs() < 1e-9);
        // Every category column is profiled, cells under 10 flagged.
        assert_eq!(s.composition.len(), r.report.categories.len());
        for c in &s.composition {
            assert!(c.levels.iter().all(|l| l.suppressed == (l.count < 10)));
        }
    }
    // Confidence is within [0, 1].
    assert!(r.assignments.iter().all(|a| (0.0..=1.0).contains(&a.confidence) && a.distance >= 0.0));
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn same_seed_same_segments_different_seed_may_differ() {
    let csv = sample::generate_csv(1500, 9);
    let a = segment_csv(&csv, &fixed(6)).unwrap();
    let b = segment_csv(&csv, &fixed(6)).unwrap();
    assert_eq!(labels(&a), labels(&b));
    assert_eq!(a.model, b.model);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn saved_model_reloaded_assigns_identically() {
    let csv = sample::generate_csv(2500, 3);
    let r = segment_csv(&csv, &fixed(6)).unwrap();
    let json = r.model.to_json();
    let model = Model::from_json(&json).unwrap();
    assert_eq!(model, r.model);
    let again = assign(&model, Input::Csv(csv.clone()), vec![]).unwrap();
    assert_eq!(again.assignments, r.assignments);
    // New HCPs from the same universe land in the segment of their persona's majority.
    let fresh = sample::generate(1000, 999);
    let out = assign(&model, Input::Csv(fresh.csv), vec![]).unwrap();
    let assigned: Vec<u32> = out.assignments.iter().map(|a| a.segment).collect();
    assert!(adjusted_rand_index(&assigned, &fresh.truth) >= 0.9);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn broken_or_foreign_models_are_refused_clearly() {
    let r = segment_csv(&sample::generate_csv(300, 1), &fixed(3)).unwrap();
    let good: serde_json::Value = serde_json::from_str(&r.model.to_json()).unwrap();
    let cases: Vec<(Box<dyn Fn(&mut serde_json::Value)>, &str)> = vec![
        (Box::new(|m| m["version"] = 99.into()), "MODEL_VERSION"),
        (Box::new(|m| m["format"] = "something-else".into()), "INVALID_MODEL"),
        (Box::new(|m| m["centroids"][0].as_array_mut().unwrap().pop().map(|_| ()).unwrap_or(())), "INVALID_MODEL"),
        (Box::new(|m| m["centroids"][1][0] = serde_json::Value::Null), "INVALID_MODEL"),
        (Box::new(|m| { m["segments"].as_array_mut().unwrap().pop(); }), "INVALID_MODEL"),
        (Box::new(|m| m["pipeline"]["features"][0]["scale"] = (-1.0).into()), "INVALID_MODEL"),
        (Box::new(|m| m["surprise"] = 1.into()), "INVALID_MODEL"),
    ];
    for (i, (tamper, code)) in cases.iter().enumerate() {
        let mut m = good.clone();
        tamper(&mut m);
        let e = Model::from_json(&m.to_string()).unwrap_err();
        assert_eq!(e.code(), *code, "case {i}: {e}");
    }
    assert_eq!(Model::from_json("{nope").unwrap_err().code(), "INVALID_MODEL");
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn exclusions_are_applied_before_clustering_and_counted() {
    let csv = sample::generate_csv(400, 2);
    let first = segment_csv(&csv, &fixed(4)).unwrap();
    let out: Vec<String> = first.assignments.iter().take(25).map(|a| a.hcp_id.clone()).collect();
    let opts = SegmentOptions { exclude: out.iter().cloned().chain(["not-there".to_string()]).collect(), ..fixed(4) };
    let r = segment_csv(&csv, &opts).unwrap();
    assert_eq!(r.report.rows_read, 400);
    assert_eq!(r.report.rows_excluded, 25);
    assert_eq!(r.report.rows_used, 375);
    assert_eq!(r.report.exclusions_not_found, 1);
    assert_eq!(r.assignments.len(), 375);
    assert!(r.assignments.iter().all(|a| !out.contains(&a.hcp_id)));
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn user_errors_are_typed_and_name_the_place() {
    let csv = sample::generate_csv(20, 1);
    assert_eq!(segment_csv(&csv, &fixed(21)).unwrap_err().code(), "TOO_FEW_ROWS");
    let bad = "hcp_id,ch_x,fmt_news\na,1,2\nb,x,2\n";
    let e = segment_csv(bad, &fixed(2)).unwrap_err();
    assert_eq!((e.code(), e.line(), e.column()), ("INVALID_VALUE", Some(3), Some("ch_x")));
    let same = "hcp_id,ch_x,fmt_news\na,1,2\nb,1,2\nc,1,2\n";
    assert_eq!(segment_csv(same, &fixed(2)).unwrap_err().code(), "TOO_FEW_DISTINCT");
    let all_out = SegmentOptions { exclude: vec!["a".into(), "b".into(), "c".into()], ..fixed(2) };
    assert_eq!(segment_csv(same, &all_out).unwrap_err().code(), "EMPTY_INPUT");
    let auto = SegmentOptions { k: KChoice::Auto(AutoK::Auto), k_range: [9, 3], ..Default::default() };
    assert_eq!(segment_csv(&csv, &auto).unwrap_err().code(), "INVALID_OPTION");
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn options_parse_from_json_and_reject_misspellings() {
    let o: SegmentOptions = serde_json::from_str(r#"{"k":"auto","kRange":[3,5],"nRuns":2,"capQuantile":null}"#).unwrap();
    assert_eq!(o.k, KChoice::Auto(AutoK::Auto));
    assert_eq!(o.cap_quantile, None);
    let o: SegmentOptions = serde_json::from_str(r#"{"k":4}"#).unwrap();
    assert_eq!(o.k, KChoice::Fixed(4));
    assert!(serde_json::from_str::<SegmentOptions>(r#"{"nruns":2}"#).is_err());
    assert!(serde_json::from_str::<SegmentOptions>(r#"{"k":"four"}"#).is_err());
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn progress_reports_every_stage_and_restart() {
    let csv = sample::generate_csv(300, 4);
    let mut seen = Vec::new();
    segment(Input::Csv(csv), &SegmentOptions { k_range: [3, 4], n_runs: 2, ..Default::default() }, &mut |p| {
        seen.push((p.stage, p.k, p.done, p.total))
    })
    .unwrap();
    let stages: Vec<&str> = seen.iter().map(|s| s.0).collect();
    assert_eq!(stages.first(), Some(&"parse"));
    assert_eq!(stages.last(), Some(&"project"));
    let sweep: Vec<_> = seen.iter().filter(|s| s.0 == "sweep").collect();
    // One event as the sweep starts (done 0), then one per restart.
    assert_eq!(sweep.len(), 5);
    assert_eq!(sweep.first().map(|s| (s.2, s.3)), Some((0, 4)));
    assert_eq!(sweep.last().map(|s| (s.2, s.3)), Some((4, 4)));
}

/// Writes the labels for one seed so the JS tests can check the wasm build gives the same
/// (tests/js reads target/native-labels.json in the same `make test` run).
#[test]
#[cfg(not(target_arch = "wasm32"))] // writes a file for the JS test to compare with
fn write_native_labels_for_the_wasm_comparison() {
    let csv = sample::generate_csv(2000, 7);
    let r = segment_csv(&csv, &SegmentOptions { seed: 1, ..fixed(6) }).unwrap();
    let out = serde_json::json!({
        "sample": {"n": 2000, "seed": 7},
        "options": {"k": 6, "seed": 1},
        "inertia": r.quality.inertia,
        "labels": labels(&r),
    });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("native-labels.json"), out.to_string()).unwrap();
}

/// k: "auto" with the sweep on a sample (`sweepSample`): the planted personas are still found,
/// and the final fit (every row, chosen k) agrees with planted truth as well as the full sweep's.
#[test]
#[cfg(not(target_arch = "wasm32"))] // 20k rows, two sweeps: native only
fn sampled_sweep_finds_the_planted_personas_like_the_full_sweep() {
    use hcp_segments::clustering::SweepSample;
    let u = sample::generate(20_000, 42);
    let run = |s: SweepSample| segment_csv(&u.csv, &SegmentOptions { sweep_sample: s, ..Default::default() }).unwrap();
    let full = run(SweepSample::All);
    let sampled = run(SweepSample::Rows(5000));
    let (fs, ss) = (full.k_sweep.as_ref().unwrap(), sampled.k_sweep.as_ref().unwrap());
    assert!(!fs.sampled && fs.sample_size == 20_000);
    assert!(ss.sampled && ss.sample_size == 5000);
    for (a, b) in fs.rows.iter().zip(&ss.rows) {
        println!("k={}: silhouette full {:.4} sampled {:.4}", a.k, a.silhouette, b.silhouette);
    }
    assert_eq!(fs.chosen_k, sample::personas().len() as u32);
    assert_eq!(ss.chosen_k, sample::personas().len() as u32);
    assert_eq!(sampled.assignments.len(), 20_000);
    let (af, asm) = (adjusted_rand_index(&labels(&full), &u.truth), adjusted_rand_index(&labels(&sampled), &u.truth));
    println!("ARI full sweep {af:.5}, sampled sweep {asm:.5}");
    assert!(asm >= 0.9 && (af - asm).abs() <= 0.005, "ARI full {af} sampled {asm}");
    // The final fit refines the sample's best solutions for k = 6 on every row: no worse than
    // 10 fresh restarts of k = 6 on every row, the same segments.
    assert!((1..=3).contains(&ss.refined_starts) && fs.refined_starts == 0, "{ss:?}");
    let fixed6 = segment_csv(&u.csv, &fixed(6)).unwrap();
    assert!(sampled.quality.inertia <= fixed6.quality.inertia * 1.001, "{} vs {}", sampled.quality.inertia, fixed6.quality.inertia);
    assert_eq!(adjusted_rand_index(&labels(&sampled), &labels(&fixed6)), 1.0);
}

/// The refined final fit of a sampled sweep against what it replaces (10 k-means++ restarts of
/// the chosen k on every row), on planted personas for several seeds: ARI against the planted
/// truth unchanged, inertia no worse than × 1.001.
#[test]
#[cfg(not(target_arch = "wasm32"))] // 3 × 30k rows: native only
fn sampled_sweep_refined_fit_matches_full_restarts() {
    use hcp_segments::clustering::SweepSample;
    for seed in [1, 2, 3] {
        let u = sample::generate(30_000, seed);
        let options = SegmentOptions { seed, sweep_sample: SweepSample::Rows(4000), silhouette_sample: 1000, ..Default::default() };
        let sampled = segment_csv(&u.csv, &options).unwrap();
        let sweep = sampled.k_sweep.as_ref().unwrap();
        assert!(sweep.sampled && sweep.refined_starts >= 1, "{sweep:?}");
        let k = sweep.chosen_k;
        let full = segment_csv(&u.csv, &SegmentOptions { k: KChoice::Fixed(k), ..options.clone() }).unwrap();
        let (ai, fi) = (sampled.quality.inertia, full.quality.inertia);
        let (aa, fa) = (adjusted_rand_index(&labels(&sampled), &u.truth), adjusted_rand_index(&labels(&full), &u.truth));
        println!("seed {seed} k {k}: inertia refined {ai:.4} restarts {fi:.4}; ARI {aa:.5} vs {fa:.5}");
        assert!(ai <= fi * 1.001, "seed {seed}: inertia {ai} vs {fi}");
        assert!((aa - fa).abs() <= 1e-3, "seed {seed}: ARI {aa} vs {fa}");
    }
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn sweep_sample_option_parses_and_rejects_bad_values_by_name() {
    use hcp_segments::clustering::SweepSample;
    let o: SegmentOptions = serde_json::from_str(r#"{"sweepSample":"all"}"#).unwrap();
    assert_eq!(o.sweep_sample, SweepSample::All);
    let o: SegmentOptions = serde_json::from_str(r#"{"sweepSample":5000}"#).unwrap();
    assert_eq!(o.sweep_sample, SweepSample::Rows(5000));
    assert_eq!(SegmentOptions::default().sweep_sample, SweepSample::Rows(100_000));
    for bad in [r#""some""#, "999", "0", "-5", "1500.5", "null", "true", "[1000]", "1e12"] {
        let e = serde_json::from_str::<SegmentOptions>(&format!(r#"{{"sweepSample":{bad}}}"#)).unwrap_err().to_string();
        assert!(e.contains("sweepSample"), "{bad}: {e}");
    }
    // Built in Rust, not parsed: checked before any work.
    let csv = sample::generate_csv(50, 1);
    let e = segment_csv(&csv, &SegmentOptions { sweep_sample: SweepSample::Rows(10), ..Default::default() }).unwrap_err();
    assert_eq!(e.code(), "INVALID_OPTION");
    assert!(e.to_string().contains("sweepSample"), "{e}");
}
