//! The ingest corpus: small malformed or awkward CSV files in `tests/corpus/`, each with the exact
//! outcome it must produce listed in `tests/corpus/expected.json`.
//!
//! Manifest entries: `{ "file", "note"?, "options"? (IngestOptions, camelCase), and either
//! "error": {code, line, column} (line/column null when the error has none) or
//! "outcome": {rows_used, channels, formats, first_row, …optional checks} }`.
//!
//! Lenient-mode entries pass `"options": {"onError": "skip"}` and check `rows_skipped` and
//! `skipped` (`[[line, code, column|null], …]`).
//!
//! `first_row` keys: `hcp_id`, `line`, `ch_<name>`, `fmt_<name>`, `days_since_last`,
//! `active_weeks`, or the name of a category / consent column.

use hcp_segments::ingest::{ingest_csv, IngestOptions, ParseReport, Profiles};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("corpus")
}

fn manifest() -> Vec<Value> {
    let text = std::fs::read_to_string(corpus_dir().join("expected.json")).expect("expected.json");
    let v: Value = serde_json::from_str(&text).expect("expected.json is JSON");
    v["entries"].as_array().expect("entries array").clone()
}

fn opt_u32(v: &Value) -> Option<u32> {
    v.as_u64().map(|n| n as u32)
}

fn str_list(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("list")
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

fn check_error(file: &str, got: &hcp_segments::SegError, want: &Value, fails: &mut Vec<String>) {
    let want_code = want["code"].as_str().expect("code");
    let want_line = opt_u32(&want["line"]);
    let want_column = want["column"].as_str();
    if got.code() != want_code || got.line() != want_line || got.column() != want_column {
        fails.push(format!(
            "{file}: expected error {want_code} line {want_line:?} column {want_column:?}, got {} line {:?} column {:?} ({got})",
            got.code(),
            got.line(),
            got.column()
        ));
    }
    // Every error message must be non-empty and say something about where, when it can.
    let msg = got.to_string();
    if let Some(line) = got.line() {
        if !msg.contains(&format!("line {line}")) {
            fails.push(format!("{file}: message does not name line {line}: {msg}"));
        }
    }
}

fn value_matches(got: &Value, want: &Value) -> bool {
    match (got.as_f64(), want.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => got == want,
    }
}

fn first_row_value(p: &Profiles, key: &str) -> Option<Value> {
    if p.is_empty() {
        return None;
    }
    if key == "hcp_id" {
        return Some(Value::from(p.ids[0].clone()));
    }
    if key == "line" {
        return Some(Value::from(p.lines[0]));
    }
    if let Some(name) = key.strip_prefix("ch_") {
        let j = p.channels.iter().position(|c| c == name)?;
        return Some(Value::from(p.channel_row(0)[j]));
    }
    if let Some(name) = key.strip_prefix("fmt_") {
        let j = p.formats.iter().position(|c| c == name)?;
        return Some(Value::from(p.format_row(0)[j]));
    }
    if key == "days_since_last" {
        return p
            .recency
            .as_ref()
            .map(|r| r[0].map(Value::from).unwrap_or(Value::Null));
    }
    if key == "active_weeks" {
        return p
            .frequency
            .as_ref()
            .map(|r| r[0].map(Value::from).unwrap_or(Value::Null));
    }
    if let Some(c) = p.category(key) {
        return Some(c.get(0).map(Value::from).unwrap_or(Value::Null));
    }
    if let Some(c) = p.consents.iter().find(|c| c.name == key) {
        return Some(c.values[0].map(Value::from).unwrap_or(Value::Null));
    }
    None
}

fn check_outcome(
    file: &str,
    p: &Profiles,
    r: &ParseReport,
    want: &Map<String, Value>,
    fails: &mut Vec<String>,
) {
    let mut fail = |what: String| fails.push(format!("{file}: {what}"));

    // Invariants that hold for every successful import.
    let n = p.len();
    if p.lines.len() != n
        || p.channel_counts.len() != n * p.channels.len()
        || p.format_counts.len() != n * p.formats.len()
    {
        fail("profile vectors have inconsistent lengths".into());
    }
    if p.channel_counts
        .iter()
        .chain(p.format_counts.iter())
        .any(|v| !v.is_finite() || v < 0.0)
    {
        fail("a count is negative or not finite".into());
    }
    if r.rows_read != r.rows_used + r.rows_excluded + r.rows_skipped || r.rows_used as usize != n {
        fail(format!(
            "row accounting: read {} used {} excluded {} skipped {} n {n}",
            r.rows_read, r.rows_used, r.rows_excluded, r.rows_skipped
        ));
    }
    if r.channels != p.channels || r.formats != p.formats || r.columns.is_empty() {
        fail("report and profiles disagree on channels/formats".into());
    }
    if let Some(id) = p.ids.first() {
        if r.warnings.iter().any(|w| w.contains(id.as_str())) {
            fail("a warning echoes an id".into());
        }
    }

    for (key, v) in want {
        match key.as_str() {
            "rows_used" => {
                if Some(r.rows_used) != opt_u32(v) {
                    fail(format!("rows_used {} != {v}", r.rows_used));
                }
            }
            "rows_excluded" => {
                if Some(r.rows_excluded) != opt_u32(v) {
                    fail(format!("rows_excluded {} != {v}", r.rows_excluded));
                }
            }
            "rows_read" => {
                if Some(r.rows_read) != opt_u32(v) {
                    fail(format!("rows_read {} != {v}", r.rows_read));
                }
            }
            "rows_skipped" => {
                if Some(r.rows_skipped) != opt_u32(v) {
                    fail(format!("rows_skipped {} != {v}", r.rows_skipped));
                }
            }
            // [[line, code, column|null], …]: exactly the rows listed in report.skipped.
            "skipped" => {
                let got: Vec<Value> = r
                    .skipped
                    .iter()
                    .map(|s| serde_json::json!([s.line, s.code, s.column]))
                    .collect();
                if Value::from(got.clone()) != *v {
                    fail(format!("skipped {got:?} != {v}"));
                }
            }
            "exclusions_not_found" => {
                if Some(r.exclusions_not_found) != opt_u32(v) {
                    fail(format!(
                        "exclusions_not_found {} != {v}",
                        r.exclusions_not_found
                    ));
                }
            }
            "channels" => {
                if p.channels != str_list(v) {
                    fail(format!("channels {:?} != {v}", p.channels));
                }
            }
            "formats" => {
                if p.formats != str_list(v) {
                    fail(format!("formats {:?} != {v}", p.formats));
                }
            }
            "ignored" => {
                if r.ignored != str_list(v) {
                    fail(format!("ignored {:?} != {v}", r.ignored));
                }
            }
            "delimiter" => {
                if r.dialect.delimiter.as_deref() != v.as_str() {
                    fail(format!("delimiter {:?} != {v}", r.dialect.delimiter));
                }
            }
            "decimal_comma" => {
                if Some(r.dialect.decimal_comma) != v.as_bool() {
                    fail(format!("decimal_comma {} != {v}", r.dialect.decimal_comma));
                }
            }
            "had_bom" => {
                if Some(r.dialect.had_bom) != v.as_bool() {
                    fail(format!("had_bom {} != {v}", r.dialect.had_bom));
                }
            }
            "last_line" => {
                if p.lines.last().copied() != opt_u32(v) {
                    fail(format!("last line {:?} != {v}", p.lines.last()));
                }
            }
            "warnings_include" => {
                for w in str_list(v) {
                    if !r.warnings.iter().any(|got| got.contains(&w)) {
                        fail(format!("no warning containing {w:?} in {:?}", r.warnings));
                    }
                }
            }
            "consents" => {
                for (name, values) in v.as_object().expect("consents object") {
                    let got: Option<Value> = p.consents.iter().find(|c| c.name == *name).map(|c| {
                        Value::from(
                            c.values
                                .iter()
                                .map(|x| x.map(Value::from).unwrap_or(Value::Null))
                                .collect::<Vec<_>>(),
                        )
                    });
                    if got.as_ref() != Some(values) {
                        fail(format!("consent {name}: {got:?} != {values}"));
                    }
                }
            }
            "categories" => {
                for (name, values) in v.as_object().expect("categories object") {
                    let got: Option<Value> = p.category(name).map(|c| {
                        Value::from(
                            c.values()
                                .map(|x| x.map(Value::from).unwrap_or(Value::Null))
                                .collect::<Vec<_>>(),
                        )
                    });
                    if got.as_ref() != Some(values) {
                        fail(format!("category {name}: {got:?} != {values}"));
                    }
                }
            }
            "first_row" => {
                for (k, want_v) in v.as_object().expect("first_row object") {
                    match first_row_value(p, k) {
                        Some(got) if value_matches(&got, want_v) => {}
                        got => fail(format!("first_row.{k}: {got:?} != {want_v}")),
                    }
                }
            }
            other => fail(format!("unknown outcome key `{other}` in the manifest")),
        }
    }
    if !want.contains_key("rows_excluded") && r.rows_excluded != 0 {
        fail(format!(
            "rows_excluded {} but the manifest expects none",
            r.rows_excluded
        ));
    }
}

#[test]
fn corpus_matches_manifest() {
    let entries = manifest();
    let mut fails = Vec::new();
    for e in &entries {
        let file = e["file"].as_str().expect("file");
        let text = std::fs::read_to_string(corpus_dir().join(file))
            .unwrap_or_else(|err| panic!("{file}: {err}"));
        let options: IngestOptions = match e.get("options") {
            Some(o) => serde_json::from_value(o.clone())
                .unwrap_or_else(|err| panic!("{file}: options: {err}")),
            None => IngestOptions::default(),
        };
        let result = ingest_csv(&text, &options);
        match (e.get("error"), e.get("outcome"), result) {
            (Some(want), None, Err(got)) => check_error(file, &got, want, &mut fails),
            (Some(want), None, Ok((p, _))) => fails.push(format!(
                "{file}: expected error {want}, got {} rows",
                p.len()
            )),
            (None, Some(want), Ok((p, r))) => check_outcome(
                file,
                &p,
                &r,
                want.as_object().expect("outcome object"),
                &mut fails,
            ),
            (None, Some(_), Err(got)) => fails.push(format!(
                "{file}: expected success, got {} line {:?} column {:?}: {got}",
                got.code(),
                got.line(),
                got.column()
            )),
            _ => fails.push(format!(
                "{file}: manifest entry needs exactly one of error / outcome"
            )),
        }
    }
    assert!(
        fails.is_empty(),
        "{} corpus failure(s):\n{}",
        fails.len(),
        fails.join("\n")
    );
}

#[test]
fn corpus_is_complete() {
    let entries = manifest();
    let listed: BTreeSet<String> = entries
        .iter()
        .map(|e| e["file"].as_str().expect("file").to_string())
        .collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus dir")
        .filter_map(|d| d.ok())
        .map(|d| d.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty(),
        "files without an expectation: {unlisted:?}"
    );
    assert!(
        missing.is_empty(),
        "manifest names missing files: {missing:?}"
    );
    assert!(
        on_disk.len() >= 30,
        "corpus has only {} files",
        on_disk.len()
    );
    assert!(entries.iter().filter(|e| e.get("error").is_some()).count() >= 15);
    assert!(
        entries
            .iter()
            .filter(|e| e.get("outcome").is_some())
            .count()
            >= 10
    );
}

/// No input may panic: every corpus file, and every prefix of it (a truncated upload), gives a
/// result or an error.
#[test]
fn truncated_corpus_files_do_not_panic() {
    for e in manifest() {
        let file = e["file"].as_str().expect("file");
        let text = std::fs::read_to_string(corpus_dir().join(file)).expect("file");
        // Every prefix of small files; about 2,000 evenly spaced prefixes of the large ones.
        let step = (text.len() / 2_000).max(1);
        for (i, _) in text.char_indices().step_by(step) {
            let _ = ingest_csv(&text[..i], &IngestOptions::default());
        }
    }
}

/// Deterministic fuzzing: random texts over an alphabet of CSV-significant characters, read with
/// detected and forced dialects, must never panic.
#[test]
fn random_inputs_do_not_panic() {
    const ALPHABET: &[&str] = &[
        ",",
        ";",
        "\t",
        "\"",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\u{feff}",
        "hcp_id",
        "ch_x",
        "fmt_y",
        "rx_decile",
        "days_since_last",
        "active_weeks",
        "consent_email",
        "specialty",
        "1",
        "0",
        "-",
        ".",
        "e",
        "3,5",
        "NaN",
        "inf",
        "yes",
        "é",
        "😀",
        "",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let option_sets = [
        IngestOptions::default(),
        IngestOptions {
            delimiter: Some(";".into()),
            decimal_comma: Some(true),
            ..Default::default()
        },
        IngestOptions {
            exclude: vec!["1".into()],
            ..Default::default()
        },
    ];
    for _ in 0..5_000 {
        let len = (next() % 40) as usize;
        let mut text = String::new();
        if next() % 2 == 0 {
            text.push_str("hcp_id,ch_x,fmt_y,rx_decile,consent_email\n");
        }
        for _ in 0..len {
            text.push_str(ALPHABET[(next() % ALPHABET.len() as u64) as usize]);
        }
        for options in &option_sets {
            let _ = ingest_csv(&text, options);
        }
    }
}

/// The records path (JS objects) with a renaming mapping and an exclusion, through the public API.
#[test]
fn records_with_mapping_and_exclusion() {
    use hcp_segments::ingest::{ingest_records, Cell};
    let rec = |id: &str, clicks: Cell, fach: &str| {
        vec![
            ("Kunden-Nr".to_string(), Cell::Text(id.to_string())),
            ("LinkedIn Klicks".to_string(), clicks),
            ("Fachrichtung".to_string(), Cell::Text(fach.to_string())),
        ]
    };
    let options = IngestOptions {
        columns: [
            ("Kunden-Nr".to_string(), "id".to_string()),
            (
                "LinkedIn Klicks".to_string(),
                "channel:linkedin".to_string(),
            ),
            ("Fachrichtung".to_string(), "category:specialty".to_string()),
        ]
        .into_iter()
        .collect(),
        exclude: vec!["K2".to_string()],
        ..Default::default()
    };
    let (p, r) = ingest_records(
        vec![
            rec("K1", Cell::Number(4.0), "Onkologie"),
            rec("K2", Cell::Bool(true), ""),
            rec("K3", Cell::Text("2.5".into()), " "),
        ],
        &options,
    )
    .expect("valid records");
    assert_eq!(p.ids, vec!["K1", "K3"]);
    assert_eq!(p.lines, vec![2, 4]);
    assert_eq!(p.channels, vec!["linkedin"]);
    assert_eq!(p.channel_counts, vec![4.0, 2.5]);
    assert_eq!(
        p.category("specialty").map(|c| c.values().collect::<Vec<_>>()),
        Some(vec![Some("Onkologie"), None])
    );
    assert_eq!((r.rows_read, r.rows_used, r.rows_excluded), (3, 2, 1));
    assert_eq!(r.dialect.source, "records");
    assert!(r.columns.iter().all(|c| c.source == "mapping"));

    // Without the exclusion, K2's boolean click count is an error at "line 3" (record index 1).
    let options = IngestOptions {
        exclude: vec![],
        ..options
    };
    let e = ingest_records(
        vec![
            rec("K1", Cell::Number(4.0), "x"),
            rec("K2", Cell::Bool(true), "y"),
        ],
        &options,
    )
    .expect_err("bool count");
    assert_eq!(
        (e.code(), e.line(), e.column()),
        ("INVALID_VALUE", Some(3), Some("LinkedIn Klicks"))
    );
}
