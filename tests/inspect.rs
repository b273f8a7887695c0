//! `inspect`: what a file is before a run. Expectations written by hand from the files.

use hcp_segments::ingest::inspect::{inspect, InspectOptions, Inspection};
use hcp_segments::Input;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn corpus(file: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn of_bytes(file: &str, options: &InspectOptions) -> Inspection {
    inspect(Input::Bytes(corpus(file)), options).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// (name, role, nameUsed, source) of every column.
fn roles(i: &Inspection) -> Vec<(&str, &str, Option<&str>, &str)> {
    i.columns.iter().map(|c| (c.name.as_str(), c.role.as_str(), c.name_used.as_deref(), c.source.as_str())).collect()
}

#[test]
fn a_german_windows_1252_export() {
    let i = of_bytes("encodings/german_export_1252.csv", &InspectOptions::default());
    assert_eq!(i.dialect.encoding.as_deref(), Some("windows-1252"));
    assert_eq!((i.dialect.delimiter.as_deref(), i.dialect.decimal_comma, i.dialect.had_bom), (Some(";"), true, false));
    assert_eq!(i.rows, 45);
    assert_eq!(
        roles(&i),
        vec![
            ("Kunden-Nr", "id", Some("hcp_id"), "synonym"),
            ("Fachrichtung", "category", Some("specialty"), "synonym"),
            ("Land", "category", Some("country"), "synonym"),
            ("ch_esanum", "channel", Some("esanum"), "convention"),
            ("ch_Außendienst", "channel", Some("außendienst"), "convention"),
            ("fmt_cme_modul", "format", Some("cme_modul"), "convention"),
            ("consent_email", "consent", Some("consent_email"), "convention"),
        ]
    );
    let reasons: Vec<&str> = i.columns.iter().map(|c| c.reason.as_str()).collect();
    assert_eq!(reasons[1], "German for specialty (Fachrichtung)");
    assert_eq!(reasons[2], "German or Dutch for country (Land)");
    assert_eq!(reasons[3], "`ch_` prefix: a channel (esanum)");
    assert_eq!(reasons[6], "`consent_` prefix: a consent flag");
    let examples: Vec<Option<&str>> = i.columns.iter().map(|c| c.example.as_deref()).collect();
    assert_eq!(examples, vec![Some("DE-001"), Some("Hämatologie"), Some("DE"), Some("7,5"), Some("1"), Some("2"), Some("FALSCH")]);
    assert_eq!(i.preview.len(), 5);
    assert_eq!(i.preview[1], vec!["DE-002", "Kardiologie", "AT", "1", "5", "1,75", "WAHR"]);
    assert!(!i.event_log);
    assert!(i.event_log_reason.contains("no timestamp column"), "{}", i.event_log_reason);
    assert!(i.warnings.iter().any(|w| w.contains("Windows-1252")), "{:?}", i.warnings);
    for choice in ["id", "channel", "format", "category", "category:specialty", "category:country", "category:region", "recency", "frequency", "consent", "ignore"] {
        assert!(i.role_choices.iter().any(|c| c == choice), "{choice}");
    }
}

#[test]
fn the_conventions_and_preview_rows() {
    let options = InspectOptions { preview_rows: 1, ..Default::default() };
    let i = of_bytes("basic.csv", &options);
    assert_eq!(i.dialect.encoding.as_deref(), Some("utf-8"));
    assert_eq!(i.preview, vec![vec!["h1", "oncology", "DE", "3", "0", "2", "1", "12", "4", "yes", "7"]]);
    let by_name = |n: &str| i.columns.iter().find(|c| c.name == n).unwrap_or_else(|| panic!("{n}"));
    assert_eq!(by_name("hcp_id").reason, "`hcp_id`: the HCP's pseudonymous id");
    assert_eq!(by_name("specialty").reason, "`specialty`: a category");
    assert_eq!(by_name("days_since_last").role, "recency");
    assert_eq!(by_name("rx_decile").example.as_deref(), Some("7"));
    assert!(i.warnings.is_empty(), "{:?}", i.warnings);
}

#[test]
fn a_mapping_and_what_gives_way_to_it() {
    let mut columns = BTreeMap::new();
    columns.insert("npi".to_string(), "id".to_string());
    columns.insert("Fach".to_string(), "category:specialty".to_string());
    let text = "hcp_id,npi,Fach,Fachrichtung,notes,ch_x\na,1,onc,Onkologie,,3\n";
    let i = inspect(Input::Csv(text.into()), &InspectOptions { columns, ..Default::default() }).expect("inspect");
    assert_eq!(i.dialect.encoding, None);
    let got: Vec<(&str, &str)> = i.columns.iter().map(|c| (c.role.as_str(), c.reason.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("ignore", "`hcp_id` by its name, but the `columns` option maps another column to that role: ignored"),
            ("id", "the id: the `columns` option maps it"),
            ("category", "a category (specialty): the `columns` option maps it"),
            ("ignore", "German for specialty (Fachrichtung), but `Fach` is the specialty: ignored"),
            ("ignore", "not a known column: ignored — data minimisation"),
            ("channel", "`ch_` prefix: a channel (x)"),
        ]
    );
    assert_eq!(i.columns[4].example, None);
}

#[test]
fn what_a_run_would_refuse_is_a_warning_here() {
    // No id column: the role table is still there, to map one.
    let i = of_bytes("missing_id_column.csv", &InspectOptions::default());
    assert_eq!(roles(&i)[0], ("id", "ignore", None, "convention"));
    assert!(i.warnings.iter().any(|w| w.contains("no `hcp_id` column")), "{:?}", i.warnings);
    // A row with too few fields: counted, named, not a stop.
    let i = of_bytes("short_row.csv", &InspectOptions::default());
    assert!(i.warnings.iter().any(|w| w.contains("line 3")), "{:?}", i.warnings);
    // A value a run refuses (`maybe` is no boolean) is shown as it is.
    let i = of_bytes("bool_bad.csv", &InspectOptions::default());
    assert!(i.preview[0].contains(&"maybe".to_string()));
}

#[test]
fn an_unreadable_input_is_an_error() {
    for (file, code) in [("empty.csv", "EMPTY_INPUT"), ("unterminated_quote.csv", "CSV_SYNTAX")] {
        let e = inspect(Input::Bytes(corpus(file)), &InspectOptions::default()).unwrap_err();
        assert_eq!(e.code(), code, "{file}");
    }
    let options = InspectOptions { encoding: Some("ebcdic".into()), ..Default::default() };
    assert_eq!(inspect(Input::Bytes(corpus("basic.csv")), &options).unwrap_err().code(), "INVALID_OPTION");
    let mut columns = BTreeMap::new();
    columns.insert("nope".to_string(), "id".to_string());
    let options = InspectOptions { columns, ..Default::default() };
    assert_eq!(inspect(Input::Bytes(corpus("basic.csv")), &options).unwrap_err().code(), "UNKNOWN_COLUMN");
}

#[test]
fn an_event_log_is_recognised_by_the_aggregation_s_own_rules() {
    let i = of_bytes("encodings/events_utf8.csv", &InspectOptions::default());
    assert!(i.event_log);
    assert_eq!(i.event_log_reason, "`hcp_id` is the id, `timestamp` a timestamp and `channel` a channel or format: one row per engagement, an event log (aggregate it into one row per HCP first)");
    let i = inspect(Input::Csv("hcp_id,date,ch_x\na,2025-01-01,1\n".into()), &InspectOptions::default()).expect("inspect");
    assert!(!i.event_log);
    assert!(i.event_log_reason.contains("no channel or format column"), "{}", i.event_log_reason);
}

#[test]
fn options_are_camel_case_and_misspellings_are_refused() {
    let o: InspectOptions = serde_json::from_str(r#"{"previewRows": 2, "encoding": "latin1", "decimalComma": true}"#).expect("options");
    assert_eq!((o.preview_rows, o.encoding.as_deref(), o.decimal_comma), (2, Some("latin1"), Some(true)));
    assert!(serde_json::from_str::<InspectOptions>(r#"{"previewrows": 2}"#).is_err());
    let i = of_bytes("basic.csv", &InspectOptions::default());
    let v = serde_json::to_value(&i).expect("json");
    for key in ["dialect", "rows", "columns", "preview", "eventLog", "eventLogReason", "roleChoices", "warnings"] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert!(v["columns"][0].get("nameUsed").is_some() && v["dialect"].get("encoding").is_some() && v["dialect"].get("warnings").is_none());
}

/// The fingerprint follows the table, not the bytes: one export saved by three programs in
/// three encodings is one table; one changed cell, or another sheet, is another table.
#[test]
fn the_fingerprint_recognises_the_same_table() {
    let o = InspectOptions::default();
    let utf8 = of_bytes("encodings/german_export_utf8.csv", &o);
    let cp1252 = of_bytes("encodings/german_export_1252.csv", &o);
    let utf16 = of_bytes("encodings/german_export_utf16le.txt", &o);
    assert_eq!(utf8.fingerprint.sha256.len(), 64);
    assert!(utf8.fingerprint.sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(utf8.fingerprint, cp1252.fingerprint);
    assert_eq!(utf8.fingerprint, utf16.fingerprint);
    assert_eq!((utf8.fingerprint.rows, utf8.fingerprint.columns), (45, 7));

    let text = String::from_utf8(corpus("encodings/german_export_utf8.csv")).unwrap();
    let changed = text.replacen("Kardiologie", "Kardiologe", 1);
    assert_ne!(changed, text);
    let other = inspect(Input::Csv(changed), &o).unwrap();
    assert_ne!(other.fingerprint.sha256, utf8.fingerprint.sha256);
    assert_eq!(other.fingerprint.rows, 45);
    // A cell moved across a column boundary ("a,bc" vs "ab,c") is another table.
    let a = inspect(Input::Csv("hcp_id,ch_email\nab,1\n".into()), &o).unwrap();
    let b = inspect(Input::Csv("hcp_id,ch_email\na,b1\n".into()), &o).unwrap();
    assert_ne!(a.fingerprint.sha256, b.fingerprint.sha256);
}
