//! Hard limits and degenerate inputs through `segment`, model integrity, and privacy outputs
//! (pseudonyms, the shareable summary). Every case either works or gives a clear typed error.

use hcp_segments::ingest::OnError;
use hcp_segments::limits;
use hcp_segments::model::AssignOptions;
use hcp_segments::privacy::{pseudonym, segment_summary, Pseudonymize, SummaryOptions};
use hcp_segments::segmentation::{assign_with, AutoK};
use hcp_segments::{sample, segment_csv, Input, KChoice, Model, SegmentOptions};

fn fixed(k: u32) -> SegmentOptions {
    SegmentOptions { k: KChoice::Fixed(k), n_runs: 2, ..Default::default() }
}

fn code(r: hcp_segments::Result<hcp_segments::SegmentResult>) -> String {
    match r {
        Ok(_) => "OK".into(),
        Err(e) => e.code().into(),
    }
}

// --- degenerate data ------------------------------------------------------------------------

#[test]
fn a_single_row() {
    let csv = "hcp_id,ch_x,fmt_y\nonly,3,1\n";
    let r = segment_csv(csv, &fixed(1)).unwrap();
    assert_eq!(r.assignments.len(), 1);
    assert_eq!(r.segments[0].size, 1);
    assert!(r.quality.silhouette.is_none());
    assert!(r.projection.points.iter().all(|v| v.is_finite()));
    let e = segment_csv(csv, &fixed(2)).unwrap_err();
    assert_eq!(e.code(), "TOO_FEW_ROWS", "{e}");
    let e = segment_csv(csv, &SegmentOptions::default()).unwrap_err();
    assert!(["TOO_FEW_ROWS", "TOO_FEW_DISTINCT"].contains(&e.code()), "{e}");
    assert!(e.to_string().contains('1'), "{e}");
}

#[test]
fn identical_rows() {
    let csv = "hcp_id,ch_x,fmt_y\na,1,2\nb,1,2\nc,1,2\nd,1,2\n";
    let r = segment_csv(csv, &fixed(1)).unwrap();
    assert_eq!(r.segments[0].size, 4);
    assert!(r.assignments.iter().all(|a| a.distance.is_finite() && a.confidence.is_finite()));
    let e = segment_csv(csv, &fixed(2)).unwrap_err();
    assert_eq!(e.code(), "TOO_FEW_DISTINCT", "{e}");
    assert_eq!(code(segment_csv(csv, &SegmentOptions::default())), "TOO_FEW_DISTINCT");
}

#[test]
fn k_larger_than_the_distinct_rows() {
    let csv = "hcp_id,ch_x,fmt_y\na,1,2\nb,1,2\nc,5,0\nd,5,0\ne,0,9\n";
    assert_eq!(segment_csv(csv, &fixed(3)).unwrap().segments.len(), 3);
    let e = segment_csv(csv, &fixed(4)).unwrap_err();
    assert_eq!(e.code(), "TOO_FEW_DISTINCT");
    assert!(e.to_string().contains("only 3 distinct"), "{e}");
    assert_eq!(segment_csv(csv, &fixed(6)).unwrap_err().code(), "TOO_FEW_ROWS");
}

#[test]
fn all_zero_engagement() {
    // Nobody engaged at all: no behaviour to segment on. Either a clear error or one segment.
    let csv = "hcp_id,ch_x,ch_y,fmt_z\na,0,0,0\nb,0,0,0\nc,0,,0\nd,0,0,0\n";
    let r = segment_csv(csv, &fixed(1)).unwrap();
    assert_eq!(r.segments[0].size, 4);
    assert!(r.segments[0].channels.iter().all(|c| c.index.is_none()), "no index where the universe mean is 0");
    assert!(r.report.warnings.iter().any(|w| w.contains("all zeros")));
    assert_eq!(code(segment_csv(csv, &fixed(3))), "TOO_FEW_DISTINCT");
    // Zero engagement next to some engagement: the zero rows form their own profile.
    let csv = "hcp_id,ch_x,ch_y\na,0,0\nb,0,0\nc,3,1\nd,0,5\ne,2,2\nf,0,0\n";
    let r = segment_csv(csv, &fixed(3)).unwrap();
    assert_eq!(r.segments.iter().map(|s| s.size).sum::<u32>(), 6);
    assert!(r.assignments.iter().all(|a| a.distance.is_finite()));
}

#[test]
fn every_row_skipped_or_excluded() {
    let csv = "hcp_id,ch_x\na,x\nb,-1\nc,1\n";
    let opts = SegmentOptions { on_error: OnError::Skip, exclude: vec!["c".into()], ..fixed(1) };
    let e = segment_csv(csv, &opts).unwrap_err();
    assert_eq!(e.code(), "EMPTY_INPUT");
    assert!(e.to_string().contains("1 excluded, 2 skipped"), "{e}");
}

#[test]
fn skip_mode_through_segment() {
    let mut csv = sample::generate_csv(200, 3);
    csv.push_str("bad_1,oops\n"); // wrong field count
    let lines = csv.lines().count() as u32;
    let e = segment_csv(&csv, &fixed(3)).unwrap_err();
    assert_eq!((e.code(), e.line()), ("FIELD_COUNT", Some(lines)));
    let r = segment_csv(&csv, &SegmentOptions { on_error: OnError::Skip, ..fixed(3) }).unwrap();
    assert_eq!((r.report.rows_read, r.report.rows_used, r.report.rows_skipped), (201, 200, 1));
    assert_eq!(r.report.skipped[0].line, lines);
    let json: serde_json::Value = serde_json::to_value(&r.report).unwrap();
    assert_eq!(json["rowsSkipped"], 1);
    assert_eq!(json["skipped"][0]["code"], "FIELD_COUNT");
}

// --- limits ---------------------------------------------------------------------------------

#[test]
fn k_limit() {
    let csv = sample::generate_csv(100, 1);
    let e = segment_csv(&csv, &fixed(limits::MAX_K + 1)).unwrap_err();
    assert_eq!(e.code(), "TOO_LARGE");
    assert!(e.to_string().contains("limit of 64"), "{e}");
    let opts = SegmentOptions { k: KChoice::Auto(AutoK::Auto), k_range: [3, 100], ..Default::default() };
    assert_eq!(segment_csv(&csv, &opts).unwrap_err().code(), "TOO_LARGE");
}

#[test]
fn too_many_rows_and_the_memory_estimate() {
    // 2,000,001 tiny rows: refused while reading, with the estimate in the message.
    let mut csv = String::with_capacity(16 * 2_000_002);
    csv.push_str("hcp_id,ch_x\n");
    for i in 0..=limits::MAX_ROWS {
        csv.push_str(&i.to_string());
        csv.push_str(",1\n");
    }
    let e = segment_csv(&csv, &fixed(3)).unwrap_err();
    assert_eq!(e.code(), "TOO_LARGE", "{e}");
    let msg = e.to_string();
    assert!(msg.contains("limit of 2000000") && msg.contains("MB needed"), "{msg}");
}

#[test]
fn too_wide_for_memory_is_refused_before_parsing_rows() {
    // 400 columns × 150,000 lines of `0`s: under the row and column limits, over the memory budget.
    let cols = 400;
    let mut csv = String::from("hcp_id");
    for j in 0..cols {
        csv.push_str(&format!(",ch_{j}"));
    }
    csv.push('\n');
    let row = format!("x{}\n", ",0".repeat(cols));
    csv.push_str(&row.repeat(150_000));
    let e = segment_csv(&csv, &fixed(3)).unwrap_err();
    assert_eq!(e.code(), "TOO_LARGE", "{e}");
    assert!(e.to_string().contains("MB needed"), "{e}");
}

#[test]
fn too_many_records() {
    let e = hcp_segments::ingest::records::check_row_limit(limits::MAX_ROWS + 1).unwrap_err();
    assert_eq!(e.code(), "TOO_LARGE");
    assert!(hcp_segments::ingest::records::check_row_limit(limits::MAX_ROWS).is_ok());
}

// --- model integrity ------------------------------------------------------------------------

fn small_model() -> (String, Model) {
    let csv = sample::generate_csv(300, 11);
    let r = segment_csv(&csv, &fixed(4)).unwrap();
    (csv, r.model)
}

#[test]
fn model_checksum_round_trip_and_renames() {
    let (csv, model) = small_model();
    assert_eq!(model.checksum.len(), 64);
    let json = model.to_json();
    let back = Model::from_json(&json).unwrap();
    assert_eq!(back, model);
    // Renaming personas is allowed.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["segments"][0]["name"] = "Our renamed persona".into();
    let renamed = Model::from_json(&v.to_string()).unwrap();
    let a = assign_with(&renamed, Input::Csv(csv.clone()), &AssignOptions::default()).unwrap();
    assert_eq!(a.assignments.len(), 300);
}

#[test]
fn tampered_models_are_refused() {
    let (_, model) = small_model();
    let json = model.to_json();
    let base: serde_json::Value = serde_json::from_str(&json).unwrap();
    let edits: Vec<(&str, Box<dyn Fn(&mut serde_json::Value)>)> = vec![
        ("centroid", Box::new(|v| v["centroids"][0][0] = (v["centroids"][0][0].as_f64().unwrap() + 0.5).into())),
        ("segment size", Box::new(|v| v["segments"][1]["size"] = 1.into())),
        ("params", Box::new(|v| v["params"]["seed"] = 7.into())),
        ("columns", Box::new(|v| v["columns"]["x"] = "id".into())),
        ("checksum", Box::new(|v| v["checksum"] = "0".repeat(64).into())),
    ];
    for (what, edit) in edits {
        let mut v = base.clone();
        edit(&mut v);
        let e = Model::from_json(&v.to_string()).unwrap_err();
        assert_eq!(e.code(), "INVALID_MODEL", "{what}");
        assert!(e.to_string().contains("modified after it was saved (checksum mismatch)"), "{what}: {e}");
    }
    let mut v = base.clone();
    v.as_object_mut().unwrap().remove("checksum");
    let e = Model::from_json(&v.to_string()).unwrap_err();
    assert_eq!(e.code(), "INVALID_MODEL");
    assert!(e.to_string().contains("checksum"), "{e}");
    // Another version is still MODEL_VERSION, before the checksum is looked at.
    let mut v = base;
    v["version"] = 2.into();
    assert_eq!(Model::from_json(&v.to_string()).unwrap_err().code(), "MODEL_VERSION");
}

/// A model that went through JavaScript (JSON.stringify drops the sign of -0 and writes 3.0 as
/// 3) still verifies.
#[test]
fn model_checksum_survives_javascript_number_printing() {
    let (_, model) = small_model();
    let mut v: serde_json::Value = serde_json::to_value(&model).unwrap();
    fn js_numbers(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Number(n) => {
                if let Some(f) = n.as_f64() {
                    if f == 0.0 {
                        *v = 0.into();
                    } else if f.fract() == 0.0 && f.abs() < 1e15 {
                        *v = (f as i64).into();
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(js_numbers),
            serde_json::Value::Object(o) => o.values_mut().for_each(js_numbers),
            _ => {}
        }
    }
    // Force a -0.0 into the model first, as a centroid coordinate can be.
    let mut m = model.clone();
    m.centroids[0][0] = -0.0;
    let m = m.seal().unwrap();
    let mut w = serde_json::to_value(&m).unwrap();
    js_numbers(&mut v);
    js_numbers(&mut w);
    assert_eq!(Model::from_json(&v.to_string()).unwrap(), model);
    assert!(Model::from_json(&w.to_string()).is_ok());
}

// --- privacy --------------------------------------------------------------------------------

#[test]
fn pseudonymized_ids_everywhere() {
    let csv = sample::generate_csv(300, 21);
    let salt = "correct horse battery".to_string();
    let opts = SegmentOptions { pseudonymize: Some(Pseudonymize { salt: salt.clone() }), ..fixed(4) };
    let plain = segment_csv(&csv, &fixed(4)).unwrap();
    let hashed = segment_csv(&csv, &opts).unwrap();
    assert_eq!(plain.assignments.len(), hashed.assignments.len());
    for (p, h) in plain.assignments.iter().zip(&hashed.assignments) {
        assert_eq!(h.hcp_id, pseudonym(&salt, &p.hcp_id));
        assert_eq!(h.hcp_id.len(), 16);
        assert_eq!((p.segment, p.distance), (h.segment, h.distance), "same segmentation");
    }
    // Deterministic for a salt, different for another.
    let again = segment_csv(&csv, &opts).unwrap();
    assert_eq!(again.assignments, hashed.assignments);
    let other = segment_csv(&csv, &SegmentOptions { pseudonymize: Some(Pseudonymize { salt: "another salt!".into() }), ..fixed(4) }).unwrap();
    assert_ne!(other.assignments[0].hcp_id, hashed.assignments[0].hcp_id);
    // No raw id anywhere in the serialised result.
    let out = serde_json::to_string(&(&hashed.segments, &hashed.assignments, &hashed.report, &hashed.model)).unwrap();
    for a in &plain.assignments {
        assert!(!out.contains(&format!("\"{}\"", a.hcp_id)), "raw id {} in the output", a.hcp_id);
    }
    // assign() takes the same option.
    let model = Model::from_json(&hashed.model.to_json()).unwrap();
    let a = assign_with(&model, Input::Csv(csv), &AssignOptions { pseudonymize: Some(Pseudonymize { salt }), ..Default::default() }).unwrap();
    assert_eq!(a.assignments, hashed.assignments);
    // A short salt is refused up front.
    let e = segment_csv("hcp_id,ch_x\na,1\n", &SegmentOptions { pseudonymize: Some(Pseudonymize { salt: "abc".into() }), ..fixed(1) }).unwrap_err();
    assert_eq!(e.code(), "INVALID_OPTION");
}

#[test]
fn exclusions_apply_to_original_ids_before_clustering() {
    let csv = sample::generate_csv(300, 21);
    let all = segment_csv(&csv, &fixed(4)).unwrap();
    let out: Vec<String> = all.assignments.iter().take(25).map(|a| a.hcp_id.clone()).collect();
    let salt = "pepper pepper".to_string();
    let opts = SegmentOptions { exclude: out.clone(), pseudonymize: Some(Pseudonymize { salt: salt.clone() }), ..fixed(4) };
    let r = segment_csv(&csv, &opts).unwrap();
    assert_eq!((r.report.rows_excluded, r.report.rows_used), (25, 275));
    assert_eq!(r.segments.iter().map(|s| s.size).sum::<u32>(), 275);
    for id in &out {
        let p = pseudonym(&salt, id);
        assert!(r.assignments.iter().all(|a| a.hcp_id != p));
    }
}

#[test]
fn shareable_summary_suppresses_small_cells() {
    let csv = sample::generate_csv(400, 8);
    let r = segment_csv(&csv, &fixed(5)).unwrap();
    let min = 25;
    let s = segment_summary(&r.segments, &SummaryOptions { min_cell_size: min });
    assert_eq!(s.segments.len(), r.segments.len());
    let mut suppressed = 0;
    for (full, sum) in r.segments.iter().zip(&s.segments) {
        if sum.suppressed {
            assert!(sum.size.is_none() && sum.composition.is_empty() && sum.channels.is_empty());
            suppressed += 1;
            continue;
        }
        assert_eq!(sum.size, Some(full.size));
        for (fc, sc) in full.composition.iter().zip(&sum.composition) {
            let hidden: Vec<bool> = sc.levels.iter().map(|l| l.suppressed).collect();
            for (fl, sl) in fc.levels.iter().zip(&sc.levels) {
                assert_eq!(fl.value, sl.value);
                if fl.count < min {
                    assert!(sl.suppressed && sl.count.is_none() && sl.share.is_none() && sl.index.is_none());
                }
                if sl.suppressed {
                    suppressed += 1;
                } else {
                    assert_eq!(sl.count, Some(fl.count));
                }
            }
            assert_ne!(hidden.iter().filter(|&&h| h).count(), 1, "secondary suppression: never exactly one hidden cell");
        }
        for (fr, sr) in full.reach.iter().zip(&sum.reach) {
            if sr.suppressed {
                suppressed += 1;
            } else {
                assert!(fr.count >= min && full.size - fr.count >= min || fr.count == 0 || fr.count == full.size);
            }
        }
    }
    assert_eq!(s.suppressed_cells, suppressed);
    assert!(suppressed > 0, "the sample at min 25 has small cells");
    let json = serde_json::to_value(&s).unwrap();
    assert!(json.to_string().contains("\"suppressed\":true"));
    assert!(json["segments"][0].get("members").is_none() && json.get("assignments").is_none());
    // minCellSize 0 suppresses nothing.
    assert_eq!(segment_summary(&r.segments, &SummaryOptions { min_cell_size: 0 }).suppressed_cells, 0);
}
