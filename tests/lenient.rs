//! Lenient mode (`onError: "skip"`) over the whole corpus, and the accounting invariant
//! `rows_read = rows_used + rows_excluded + rows_skipped`, which must hold in every mode.

use hcp_segments::ingest::{ingest_csv, ingest_records, Cell, IngestOptions, OnError, ParseReport};
use hcp_segments::limits::MAX_SKIPPED_LISTED;
use serde_json::Value;
use std::path::PathBuf;

fn corpus() -> Vec<(String, String, IngestOptions, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("corpus");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    manifest["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let file = e["file"].as_str().unwrap().to_string();
            let text = std::fs::read_to_string(dir.join(&file)).unwrap();
            let options: IngestOptions = e.get("options").map(|o| serde_json::from_value(o.clone()).unwrap()).unwrap_or_default();
            (file, text, options, e.clone())
        })
        .collect()
}

fn adds_up(r: &ParseReport) -> bool {
    r.rows_read == r.rows_used + r.rows_excluded + r.rows_skipped
}

/// Every file that fails in the default mode: in skip mode, a row error becomes a skipped row
/// (the fail-mode error is one of those listed — a wrong field count is found while reading, so
/// before bad cells on earlier lines) and the counts add up; a structural
/// error fails the same way in both modes.
#[test]
fn every_error_file_in_skip_mode() {
    let mut checked_rows = 0;
    let mut checked_structural = 0;
    for (file, text, options, _) in corpus() {
        let fail = IngestOptions { on_error: OnError::Fail, ..options.clone() };
        let skip = IngestOptions { on_error: OnError::Skip, ..options.clone() };
        let Err(first) = ingest_csv(&text, &fail) else {
            // Files that read cleanly read the same in skip mode, with nothing skipped.
            let (p1, r1) = ingest_csv(&text, &fail).unwrap();
            let (p2, r2) = ingest_csv(&text, &skip).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(p1, p2, "{file}");
            assert_eq!(r2.rows_skipped, r1.rows_skipped, "{file}");
            assert!(adds_up(&r2), "{file}: {r2:?}");
            continue;
        };
        match ingest_csv(&text, &skip) {
            Ok((p, r)) => {
                assert!(first.is_row_error(), "{file}: {} was skipped but is not a row error", first.code());
                assert!(adds_up(&r), "{file}: read {} used {} excluded {} skipped {}", r.rows_read, r.rows_used, r.rows_excluded, r.rows_skipped);
                assert_eq!(r.rows_used as usize, p.len(), "{file}");
                assert!(r.rows_skipped >= 1, "{file}");
                assert_eq!(r.skipped.len(), r.rows_skipped as usize, "{file}: fewer than the listing cap, so all are listed");
                let want = (first.line().unwrap_or(0), first.code(), first.column());
                assert!(
                    r.skipped.iter().any(|s| (s.line, s.code.as_str(), s.column.as_deref()) == want),
                    "{file}: {want:?} not in {:?}",
                    r.skipped
                );
                assert!(r.skipped.windows(2).all(|w| w[0].line <= w[1].line), "{file}: skipped rows not in line order");
                assert!(r.skipped.iter().all(|s| !s.message.is_empty() && s.line > 0), "{file}");
                assert!(!p.lines.iter().any(|l| r.skipped.iter().any(|s| s.line == *l)), "{file}: a skipped line was used");
                checked_rows += 1;
            }
            Err(e) => {
                assert!(!first.is_row_error() || e.code() != first.code() || e.line() != first.line(), "{file}: row error {} not skipped", first.code());
                assert_eq!((e.code(), e.line(), e.column()), (first.code(), first.line(), first.column()), "{file}: structural errors fail alike");
                checked_structural += 1;
            }
        }
    }
    assert!(checked_rows >= 20, "only {checked_rows} row-error files");
    assert!(checked_structural >= 10, "only {checked_structural} structural-error files");
}

/// The skipped list stops at the cap, the count does not.
#[test]
fn skipped_list_is_capped_but_counted() {
    let mut text = String::from("hcp_id,ch_x\n");
    for i in 0..2_500 {
        if i % 2 == 0 {
            text.push_str(&format!("h{i},oops\n"));
        } else {
            text.push_str(&format!("h{i},{i}\n"));
        }
    }
    text.push_str("short\n");
    let (p, r) = ingest_csv(&text, &IngestOptions { on_error: OnError::Skip, ..Default::default() }).unwrap();
    assert_eq!(p.len(), 1_250);
    assert_eq!((r.rows_read, r.rows_used, r.rows_skipped), (2_501, 1_250, 1_251));
    assert_eq!(r.skipped.len(), MAX_SKIPPED_LISTED);
    assert_eq!(r.skipped[0].line, 2);
    assert_eq!(r.skipped[999].line, 2 + 2 * 999);
    assert!(adds_up(&r));
}

/// Records take the same option; skipped records are numbered like CSV lines (index + 2).
#[test]
fn records_skip_mode() {
    let rec = |id: &str, x: Cell| vec![("hcp_id".to_string(), Cell::Text(id.into())), ("ch_x".to_string(), x)];
    let records = vec![rec("a", Cell::Number(1.0)), rec("b", Cell::Bool(true)), rec("c", Cell::Number(f64::NAN)), rec("a", Cell::Number(2.0)), rec("d", Cell::Text("2,5".into()))];
    let e = ingest_records(records.clone(), &IngestOptions::default()).unwrap_err();
    assert_eq!((e.code(), e.line()), ("INVALID_VALUE", Some(3)));
    let (p, r) = ingest_records(records, &IngestOptions { on_error: OnError::Skip, exclude: vec!["zz".into()], ..Default::default() }).unwrap();
    assert_eq!(p.ids, vec!["a"]);
    let got: Vec<(u32, &str)> = r.skipped.iter().map(|s| (s.line, s.code.as_str())).collect();
    assert_eq!(got, vec![(3, "INVALID_VALUE"), (4, "NON_FINITE"), (5, "DUPLICATE_ID"), (6, "INVALID_VALUE")]);
    assert!(adds_up(&r));
    // The duplicate's message does not echo the id.
    assert!(!r.skipped[2].message.contains("`a`"), "{}", r.skipped[2].message);
}

/// The options parse from JSON as the JS side sends them, and unknown values are refused.
#[test]
fn on_error_option_names() {
    let o: IngestOptions = serde_json::from_str(r#"{"onError":"skip"}"#).unwrap();
    assert_eq!(o.on_error, OnError::Skip);
    let o: IngestOptions = serde_json::from_str(r#"{}"#).unwrap();
    assert_eq!(o.on_error, OnError::Fail);
    assert!(serde_json::from_str::<IngestOptions>(r#"{"onError":"ignore"}"#).is_err());
}
