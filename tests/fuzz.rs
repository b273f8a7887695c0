//! Fuzzing on stable Rust with proptest: CSV ingest, JS-records ingest, the model loader and
//! (small) end-to-end segmentation. Properties, for any input:
//! - nothing panics (a panic fails the case, and proptest shrinks it to a minimal input);
//! - every error has a code from the fixed list and a message, naming its line when it has one;
//! - on success the counts add up: rows_read = rows_used + rows_excluded + rows_skipped, every
//!   profile vector has one entry per used row, every count is finite and ≥ 0.
//!
//! Cases per target: `PROPTEST_CASES` (default 2,000, so CI's plain `cargo test` runs 2,000 per
//! target, ~30 s in a debug build), within `FUZZ_SECONDS` of wall clock per target. Each target
//! prints how many inputs it ran and for how long (`cargo test --test fuzz -- --nocapture`).
//! Failures proptest finds are saved to `tests/fuzz.proptest-regressions` and replayed first.
#![cfg(not(target_arch = "wasm32"))]

use hcp_segments::ingest::{ingest_csv, ingest_records, Cell, IngestOptions, OnError, ParseReport, Profiles};
use hcp_segments::{sample, segment_csv, KChoice, Model, SegError, SegmentOptions};
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use std::time::{Duration, Instant};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

const CODES: &[&str] = &[
    "EMPTY_INPUT", "MISSING_ID_COLUMN", "MISSING_ID", "DUPLICATE_ID", "INVALID_VALUE", "NEGATIVE_COUNT", "NON_FINITE", "FIELD_COUNT",
    "CSV_SYNTAX", "DUPLICATE_COLUMN", "UNKNOWN_COLUMN", "UNKNOWN_ROLE", "NO_FEATURES", "INVALID_OPTION", "TOO_FEW_ROWS",
    "TOO_FEW_DISTINCT", "TOO_LARGE", "INVALID_MODEL", "MODEL_VERSION", "MODEL_COLUMN_MISSING", "INVALID_MATRIX", "CLUSTERING_FAILED",
];

fn check_error(e: &SegError) -> Result<(), TestCaseError> {
    prop_assert!(CODES.contains(&e.code()), "unknown code {}", e.code());
    let msg = e.to_string();
    prop_assert!(!msg.trim().is_empty());
    if let Some(line) = e.line() {
        prop_assert!(msg.contains(&format!("line {line}")), "message does not name line {line}: {msg}");
    }
    Ok(())
}

fn check_ok(p: &Profiles, r: &ParseReport) -> Result<(), TestCaseError> {
    let n = p.len();
    prop_assert_eq!(r.rows_read, r.rows_used + r.rows_excluded + r.rows_skipped, "accounting: {:?}", r);
    prop_assert_eq!(r.rows_used as usize, n);
    prop_assert_eq!(p.lines.len(), n);
    prop_assert_eq!(p.channel_counts.len(), n * p.channels.len());
    prop_assert_eq!(p.format_counts.len(), n * p.formats.len());
    prop_assert!(p.categories.iter().all(|c| c.codes.len() == n));
    prop_assert!(p.consents.iter().all(|c| c.values.len() == n));
    prop_assert!(p.recency.as_ref().map_or(true, |v| v.len() == n));
    prop_assert!(p.frequency.as_ref().map_or(true, |v| v.len() == n));
    prop_assert!(p.channel_counts.iter().chain(p.format_counts.iter()).all(|v| v.is_finite() && v >= 0.0));
    prop_assert!(r.skipped.len() <= r.rows_skipped as usize);
    prop_assert!(p.ids.iter().all(|id| !id.is_empty()));
    Ok(())
}


// --- generators -----------------------------------------------------------------------------

const HEADERS: &[&str] = &[
    "hcp_id", "ch_x", "ch_y", "fmt_z", "specialty", "country", "rx_decile", "days_since_last", "active_weeks", "consent_email", "notes", " HCP_ID ", "ch_x ", "",
];
const VALUES: &[&str] = &[
    "", "0", "1", "2", "3,5", "3.5", "-1", "1e3", "1e999", "NaN", "inf", "-Infinity", "yes", "no", "maybe", "11", "366", "h1", "h2", "total",
    "\"q\"", "\"a,b\"", "\"multi\nline\"", "\"unterminated", " ", "é", "😀", "1 234", "50%", "+2", "0x10", "٣",
];

fn options() -> impl Strategy<Value = IngestOptions> {
    (
        prop::option::of(prop::sample::select(vec![",", ";", "\t", "|"])),
        prop::option::of(any::<bool>()),
        any::<bool>(),
        prop::collection::vec(prop::sample::select(vec!["h1", "h2", "1", " total "]), 0..3),
    )
        .prop_map(|(delimiter, decimal_comma, skip, exclude)| IngestOptions {
            delimiter: delimiter.map(str::to_string),
            decimal_comma,
            on_error: if skip { OnError::Skip } else { OnError::Fail },
            exclude: exclude.into_iter().map(str::to_string).collect(),
            ..Default::default()
        })
}

/// A table-shaped CSV: a header from HEADERS, rows of VALUES, joined with a delimiter and line
/// end chosen per file, with an optional BOM; sometimes a row is made short or long.
fn table_csv() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(HEADERS), 1..7),
        prop::collection::vec(prop::collection::vec(prop::sample::select(VALUES), 0..8), 0..12),
        prop::sample::select(vec![",", ";", "\t"]),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
        any::<bool>(),
    )
        .prop_map(|(header, rows, d, eol, bom)| {
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            s.push_str(&header.join(d));
            for r in rows {
                s.push_str(eol);
                s.push_str(&r.join(d));
            }
            s
        })
}

/// Mostly valid tables (an id, engagement columns, small counts, occasional bad cells and
/// repeated rows), so that the end-to-end target gets past ingest and into k-means.
fn plausible_csv() -> impl Strategy<Value = String> {
    let value = prop_oneof![8 => (0u32..6).prop_map(|v| v.to_string()), 1 => Just(String::new()), 1 => prop::sample::select(VALUES).prop_map(str::to_string)];
    let extra = prop::sample::subsequence(vec!["specialty", "rx_decile", "days_since_last", "active_weeks", "consent_email", "fmt_z"], 0..6);
    (extra, prop::collection::vec(prop::collection::vec(value, 8), 1..25)).prop_map(|(extra, rows)| {
        let mut header = vec!["hcp_id", "ch_x", "ch_y"];
        header.extend(extra.iter().copied());
        let mut s = header.join(",");
        for (i, r) in rows.iter().enumerate() {
            s.push('\n');
            s.push_str(&format!("h{}", i % 23));
            for v in r.iter().take(header.len() - 1) {
                s.push(',');
                s.push_str(if v.contains(['\n', ',', '"']) { "1" } else { v });
            }
        }
        s
    })
}

/// Raw text over CSV-significant characters, or anything at all.
fn raw_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_,;\t\"\r\n 0-9.eE+\\-]{0,200}",
        any::<String>(),
        (prop::sample::select(vec!["hcp_id,ch_x,fmt_y\n", "hcp_id;ch_x;rx_decile\n", ""]), "[\\PC\n\r,;\"]{0,120}").prop_map(|(h, b)| h.to_string() + &b),
    ]
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        Just(Cell::Empty),
        prop::sample::select(VALUES).prop_map(|v| Cell::Text(v.to_string())),
        any::<String>().prop_map(Cell::Text),
        prop_oneof![any::<f64>(), Just(f64::NAN), Just(f64::INFINITY), Just(-0.0), Just(1e300), 0.0..20.0f64].prop_map(Cell::Number),
        any::<bool>().prop_map(Cell::Bool),
    ]
}

fn records() -> impl Strategy<Value = Vec<Vec<(String, Cell)>>> {
    let anything = prop::collection::vec(prop::collection::vec((prop::sample::select(HEADERS).prop_map(str::to_string), cell()), 0..7), 0..10);
    // Mostly valid records: an id, counts as numbers or numeric text, sometimes a bad cell.
    let count = prop_oneof![6 => (0u32..9).prop_map(|v| Cell::Number(v as f64)), 2 => (0u32..9).prop_map(|v| Cell::Text(format!("{v}"))), 1 => Just(Cell::Empty), 1 => cell()];
    let plausible = prop::collection::vec((0u32..15, count.clone(), count, prop::option::of(cell())), 1..12).prop_map(|rows| {
        rows.into_iter()
            .map(|(id, x, z, extra)| {
                let mut r = vec![("hcp_id".to_string(), Cell::Text(format!("h{id}"))), ("ch_x".to_string(), x), ("fmt_z".to_string(), z)];
                if let Some(c) = extra {
                    r.push(("consent_email".to_string(), c));
                }
                r
            })
            .collect()
    });
    prop_oneof![anything, plausible]
}

// --- targets --------------------------------------------------------------------------------

/// Cases per target when PROPTEST_CASES is not set: what CI (`make test` → `cargo test`) runs.
const DEFAULT_CASES: u32 = 2_000;

/// Wall-clock budget per target (FUZZ_SECONDS, default 30): inputs after it are not run, so CI
/// stays bounded on a slow or busy machine.
fn budget() -> Duration {
    Duration::from_secs(std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30))
}

fn config(divide: u32) -> ProptestConfig {
    let mut base = ProptestConfig::default(); // reads PROPTEST_CASES
    if std::env::var_os("PROPTEST_CASES").is_none() {
        base.cases = DEFAULT_CASES;
    }
    ProptestConfig {
        cases: (base.cases / divide).max(16),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/fuzz.proptest-regressions"))),
        ..base
    }
}

/// Run one target, print how many inputs it ran and how long it took, fail on a finding.
/// `test` returns whether the input was accepted (Ok) or refused with a typed error.
fn fuzz<S: Strategy>(name: &str, divide: u32, strategy: S, test: impl Fn(S::Value) -> Result<bool, TestCaseError>) {
    let runs = AtomicU64::new(0);
    let accepted = AtomicU64::new(0);
    let start = Instant::now();
    let deadline = start + budget();
    let mut runner = TestRunner::new(config(divide));
    let result = runner.run(&strategy, |v| {
        if Instant::now() > deadline {
            return Ok(());
        }
        runs.fetch_add(1, Ordering::Relaxed);
        if test(v)? {
            accepted.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    eprintln!(
        "fuzz {name}: {} inputs ({} accepted, the rest typed errors) in {:.1} s{}",
        runs.load(Ordering::Relaxed),
        accepted.load(Ordering::Relaxed),
        start.elapsed().as_secs_f64(),
        if Instant::now() > deadline { " (stopped at the FUZZ_SECONDS budget)" } else { "" }
    );
    if let Err(e) = result {
        panic!("fuzz {name} found: {e}");
    }
}

#[test]
fn csv_ingest() {
    fuzz("csv_ingest", 1, (prop_oneof![2 => table_csv(), 2 => raw_text(), 1 => plausible_csv()], options()), |(text, opts)| {
        match ingest_csv(&text, &opts) {
            Ok((p, r)) => check_ok(&p, &r).map(|_| true),
            Err(e) => check_error(&e).map(|_| false),
        }
    });
}

#[test]
fn records_ingest() {
    fuzz("records_ingest", 1, (records(), options()), |(recs, opts)| match ingest_records(recs, &opts) {
        Ok((p, r)) => check_ok(&p, &r).map(|_| true),
        Err(e) => check_error(&e).map(|_| false),
    });
}

#[test]
fn model_loader() {
    fuzz("model_loader", 1, model_edit(), |edit| {
        let text = edit.apply(&valid_model().0);
        match Model::from_json(&text) {
            Ok(m) => {
                // Only edits the checksum ignores (persona names) may load: the model is the
                // original one up to names, and it works.
                let mut original = valid_model_parsed().clone();
                let mut loaded = m.clone();
                for s in original.segments.iter_mut().chain(loaded.segments.iter_mut()) {
                    s.name.clear();
                }
                prop_assert_eq!(loaded, original);
                let a = hcp_segments::assign(&m, hcp_segments::Input::Csv(valid_model().1.clone()), vec![]);
                prop_assert!(a.is_ok(), "a loaded model failed to assign: {:?}", a.err());
                Ok(true)
            }
            Err(e) => {
                check_error(&e)?;
                prop_assert!(matches!(e.code(), "INVALID_MODEL" | "MODEL_VERSION" | "TOO_LARGE"), "{}", e.code());
                Ok(false)
            }
        }
    });
}

/// End to end on tiny tables: k-means, metrics, naming and projection on whatever survives ingest.
#[test]
fn segment_tiny_tables() {
    fuzz("segment_tiny_tables", 4, (prop_oneof![1 => table_csv(), 3 => plausible_csv()], 1u32..5, any::<bool>()), |(text, k, skip)| {
        let opts = SegmentOptions { k: KChoice::Fixed(k), n_runs: 1, on_error: if skip { OnError::Skip } else { OnError::Fail }, ..Default::default() };
        match segment_csv(&text, &opts) {
            Ok(r) => {
                prop_assert_eq!(r.segments.iter().map(|s| s.size as usize).sum::<usize>(), r.assignments.len());
                prop_assert_eq!(r.report.rows_used as usize, r.assignments.len());
                prop_assert!(r.assignments.iter().all(|a| a.distance.is_finite() && a.confidence.is_finite()));
                prop_assert!(Model::from_json(&r.model.to_json()).is_ok(), "a fresh model must reload");
                Ok(true)
            }
            Err(e) => check_error(&e).map(|_| false),
        }
    });
}

/// A valid model's JSON and the CSV it was fitted on.
fn valid_model() -> &'static (String, String) {
    static M: OnceLock<(String, String)> = OnceLock::new();
    M.get_or_init(|| {
        let csv = sample::generate_csv(120, 4);
        let r = segment_csv(&csv, &SegmentOptions { k: KChoice::Fixed(3), n_runs: 1, ..Default::default() }).expect("sample segments");
        (r.model.to_json(), csv)
    })
}

fn valid_model_parsed() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::from_json(&valid_model().0).expect("the valid model loads"))
}

#[derive(Debug, Clone)]
enum ModelEdit {
    /// Replace the value at a path (indices into objects/arrays, modulo their length).
    Set(Vec<usize>, serde_json::Value),
    /// Remove the key at a path.
    Remove(Vec<usize>),
    /// Cut the text at a fraction of its length.
    Truncate(f64),
    /// Overwrite one byte (kept valid UTF-8 by replacing with an ASCII byte).
    Byte(usize, u8),
    /// Anything at all.
    Raw(String),
}

impl ModelEdit {
    fn apply(&self, json: &str) -> String {
        match self {
            ModelEdit::Truncate(f) => {
                let mut i = ((json.len() as f64) * f) as usize;
                while !json.is_char_boundary(i) {
                    i -= 1;
                }
                json[..i].to_string()
            }
            ModelEdit::Byte(i, b) => {
                let mut bytes = json.as_bytes().to_vec();
                let i = i % bytes.len();
                bytes[i] = b % 128;
                String::from_utf8(bytes).unwrap_or_default()
            }
            ModelEdit::Raw(s) => s.clone(),
            ModelEdit::Set(path, _) | ModelEdit::Remove(path) => {
                let mut root: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
                edit_at(&mut root, path, self);
                root.to_string()
            }
        }
    }
}

/// Apply a Set/Remove at `path` (indices taken modulo the container's size).
fn edit_at(node: &mut serde_json::Value, path: &[usize], edit: &ModelEdit) {
    let Some((&i, rest)) = path.split_first() else { return };
    let set = |slot: &mut serde_json::Value| {
        if let ModelEdit::Set(_, v) = edit {
            *slot = v.clone();
        }
    };
    match node {
        serde_json::Value::Object(o) if !o.is_empty() => {
            let key = o.keys().nth(i % o.len()).cloned().unwrap_or_default();
            if rest.is_empty() {
                match edit {
                    ModelEdit::Remove(_) => {
                        o.remove(&key);
                    }
                    _ => {
                        if let Some(slot) = o.get_mut(&key) {
                            set(slot);
                        }
                    }
                }
            } else if let Some(child) = o.get_mut(&key) {
                edit_at(child, rest, edit);
            }
        }
        serde_json::Value::Array(a) if !a.is_empty() => {
            let n = a.len();
            if rest.is_empty() {
                match edit {
                    ModelEdit::Remove(_) => {
                        a.remove(i % n);
                    }
                    _ => set(&mut a[i % n]),
                }
            } else {
                edit_at(&mut a[i % n], rest, edit);
            }
        }
        other => set(other),
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u32>().prop_map(serde_json::Value::from),
        prop_oneof![any::<f64>(), Just(-0.0), Just(1e308), Just(-1.0), Just(0.5)].prop_map(|f| serde_json::Number::from_f64(f).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)),
        "[a-z ]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map("[a-z]{1,8}", inner, 0..3).prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn model_edit() -> impl Strategy<Value = ModelEdit> {
    let path = prop::collection::vec(0usize..64, 1..6);
    prop_oneof![
        4 => (path.clone(), json_value()).prop_map(|(p, v)| ModelEdit::Set(p, v)),
        2 => path.prop_map(ModelEdit::Remove),
        1 => (0.0..1.0f64).prop_map(ModelEdit::Truncate),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| ModelEdit::Byte(i, b)),
        1 => any::<String>().prop_map(ModelEdit::Raw),
        // Renaming a persona is allowed and must still load.
        1 => ("[A-Za-z ]{0,30}", 0usize..3).prop_map(|(name, i)| ModelEdit::Set(vec![segments_key_index(), i, 1], serde_json::Value::from(name))),
    ]
}

/// Index of "segments" among the model's (sorted) top-level keys, for the rename edit.
fn segments_key_index() -> usize {
    let v: serde_json::Value = serde_json::from_str(&valid_model().0).unwrap_or_default();
    v.as_object().and_then(|o| o.keys().position(|k| k == "segments")).unwrap_or(0)
}

