//! Files in the encodings real programs write (tests/corpus/encodings/README.md says how each
//! was made) are read as their UTF-8 twin: same rows, same category levels with their umlauts,
//! same segments. Expectations are written by hand from the source spreadsheet
//! (`german_export.fods`), not from this crate's output.

use hcp_segments::ingest::{ingest_table, source::read_bytes, IngestOptions, ParseReport, Profiles};
use hcp_segments::pool::Session;
use hcp_segments::targeting::events::{aggregate_event_bytes, EventOptions};
use hcp_segments::{segment, Input, KChoice, SegmentOptions, SegmentResult};
use std::path::PathBuf;

fn bytes(file: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/encodings").join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ingest(file: &str, options: &IngestOptions) -> (Profiles, ParseReport) {
    let table = read_bytes(bytes(file), options).unwrap_or_else(|e| panic!("{file}: {e}"));
    ingest_table(table, options).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn segmented(file: &str) -> SegmentResult {
    let options = SegmentOptions { k: KChoice::Fixed(3), ..SegmentOptions::default() };
    segment(Input::Bytes(bytes(file)), &options, &mut |_| {}).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// What every variant of the German export holds (read off the spreadsheet by hand).
fn check_german_export(file: &str, p: &Profiles) {
    assert_eq!(p.len(), 45, "{file}");
    assert_eq!(p.channels, vec!["esanum", "außendienst"], "{file}");
    assert_eq!(p.formats, vec!["cme_modul"], "{file}");
    assert_eq!(&p.ids[..2], &["DE-001", "DE-002"], "{file}");
    // Row 1: 7,5 · 1 · 2 · FALSCH; row 2: 1 · 5 · 1,75 · WAHR.
    assert_eq!(p.channel_row(0), &[7.5, 1.0], "{file}");
    assert_eq!(p.format_row(1), &[1.75], "{file}");
    let specialty = p.category("specialty").unwrap_or_else(|| panic!("{file}: Fachrichtung is the specialty"));
    let mut levels = specialty.levels.clone();
    levels.sort();
    assert_eq!(levels, vec!["Allgemeinmedizin", "Gynäkologie", "Hämatologie", "Kardiologie", "Onkologie"], "{file}");
    assert_eq!(p.category("country").map(|c| c.levels.clone()), Some(vec!["DE".to_string(), "AT".into(), "CH".into()]), "{file}");
    let consent = &p.consents[0];
    assert_eq!(consent.name, "consent_email");
    assert_eq!(consent.values[..2], [Some(false), Some(true)], "{file}");
    // FALSCH on every fourth row from the first: 12 of 45.
    assert_eq!(consent.values.iter().filter(|v| **v == Some(true)).count(), 33, "{file}");
}

#[test]
fn a_windows_1252_german_export_reads_as_its_utf8_twin() {
    let options = IngestOptions::default();
    let (p1252, r1252) = ingest("german_export_1252.csv", &options);
    let (p8, r8) = ingest("german_export_utf8.csv", &options);
    check_german_export("german_export_1252.csv", &p1252);
    assert_eq!(p1252, p8);
    assert_eq!(r1252.dialect.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(r8.dialect.encoding.as_deref(), Some("utf-8"));
    assert_eq!((r1252.dialect.delimiter.as_deref(), r1252.dialect.decimal_comma, r1252.dialect.had_bom), (Some(";"), true, false));
    // The guess is said, with the way to force another encoding; the UTF-8 twin has no such line.
    let guess = r1252.warnings.iter().find(|w| w.contains("Windows-1252")).expect("a warning about the guess");
    assert!(guess.contains("line 1") && guess.contains("`encoding`"), "{guess}");
    assert!(!r8.warnings.iter().any(|w| w.contains("Windows-1252")));
    let sources: Vec<_> = r1252.columns.iter().map(|c| (c.name.as_str(), c.source.as_str())).collect();
    assert_eq!(&sources[..3], &[("Kunden-Nr", "synonym"), ("Fachrichtung", "synonym"), ("Land", "synonym")]);
}

#[test]
fn utf16_with_a_bom_reads_as_the_utf8_twin() {
    let options = IngestOptions::default();
    let (p8, _) = ingest("german_export_utf8.csv", &options);
    for (file, label, delimiter) in [("german_export_utf16le.txt", "utf-16le", "\t"), ("german_export_utf16be.csv", "utf-16be", ";")] {
        let (p, r) = ingest(file, &options);
        check_german_export(file, &p);
        assert_eq!(p, p8, "{file}");
        assert_eq!((r.dialect.encoding.as_deref(), r.dialect.had_bom, r.dialect.delimiter.as_deref()), (Some(label), true, Some(delimiter)), "{file}");
        assert!(r.warnings.iter().all(|w| !w.contains("encoding")), "{file}: {:?}", r.warnings);
    }
}

#[test]
fn every_encoding_segments_exactly_like_the_utf8_twin() {
    let twin = segmented("german_export_utf8.csv");
    let json = |r: &SegmentResult| serde_json::to_string(&(&r.segments, &r.assignments)).unwrap_or_default();
    let text = json(&twin);
    assert!(text.contains("Hämatologie") && !text.contains('\u{FFFD}'));
    for file in ["german_export_1252.csv", "german_export_utf16le.txt", "german_export_utf16be.csv"] {
        let r = segmented(file);
        assert_eq!(json(&r), text, "{file}");
        assert_eq!(r.model.centroids, twin.model.centroids, "{file}");
    }
}

#[test]
fn the_encoding_option_forces_one() {
    // Forced UTF-8 on the Windows-1252 file: the strict error at line 1, the byte of `ß`.
    let options = IngestOptions { encoding: Some("utf-8".into()), ..Default::default() };
    let e = read_bytes(bytes("german_export_1252.csv"), &options).unwrap_err();
    assert_eq!((e.code(), e.line()), ("CSV_SYNTAX", Some(1)));
    assert!(e.to_string().contains("0xDF"), "{e}");
    // Forced windows-1252 (as `latin1`, the WHATWG label): no guess, no warning.
    let options = IngestOptions { encoding: Some("latin1".into()), ..Default::default() };
    let (p, r) = ingest("german_export_1252.csv", &options);
    check_german_export("forced", &p);
    assert_eq!(r.dialect.encoding.as_deref(), Some("windows-1252"));
    assert!(r.warnings.iter().all(|w| !w.contains("Windows-1252")));
    let options = IngestOptions { encoding: Some("koi8-r".into()), ..Default::default() };
    let e = read_bytes(bytes("german_export_utf8.csv"), &options).unwrap_err();
    assert_eq!(e.code(), "INVALID_OPTION");
}

#[test]
fn parts_are_read_only_when_strictly_utf8() {
    let options = SegmentOptions::default();
    let cut = |b: &[u8]| -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let head_end = b.iter().position(|&c| c == b'\n').map_or(0, |i| i + 1);
        let mid = b.iter().skip(b.len() / 2).position(|&c| c == b'\n').map_or(b.len(), |i| b.len() / 2 + i + 1);
        (b[..head_end].to_vec(), b[..mid].to_vec(), b[mid..].to_vec())
    };
    let (head, first, rest) = cut(&bytes("german_export_utf8.csv"));
    let a = Session::read_part_bytes(first, None, &options).expect("a UTF-8 first part");
    assert_eq!(a.rows.dialect.encoding.as_deref(), Some("utf-8"));
    assert!(Session::read_part_bytes(rest, Some(head), &options).is_some());
    // Windows-1252 (the header has `ß`): no part is read, the whole file is.
    let (head, first, rest) = cut(&bytes("german_export_1252.csv"));
    assert!(Session::read_part_bytes(first, None, &options).is_none());
    assert!(Session::read_part_bytes(rest, Some(head), &options).is_none());
    // UTF-16 with a BOM: neither.
    let (head, first, rest) = cut(&bytes("german_export_utf16le.txt"));
    assert!(Session::read_part_bytes(first, None, &options).is_none());
    assert!(Session::read_part_bytes(rest, Some(head), &options).is_none());
    // A forced encoding other than UTF-8: the whole file.
    let forced = SegmentOptions { encoding: Some("windows-1252".into()), ..SegmentOptions::default() };
    let (_, first, _) = cut(&bytes("german_export_utf8.csv"));
    assert!(Session::read_part_bytes(first, None, &forced).is_none());
}

#[test]
fn an_event_log_in_windows_1252_reads_as_its_utf8_twin() {
    let options = EventOptions::default();
    let a = aggregate_event_bytes(bytes("events_1252.csv"), &options).expect("1252 log");
    let b = aggregate_event_bytes(bytes("events_utf8.csv"), &options).expect("UTF-8 log");
    assert_eq!(a.to_csv(), b.to_csv());
    assert!(a.to_csv().contains("ch_außendienst") && a.to_csv().contains("Hämatologie"));
    assert_eq!((a.report.encoding.as_deref(), b.report.encoding.as_deref()), (Some("windows-1252"), Some("utf-8")));
    assert!(a.report.warnings.iter().any(|w| w.contains("Windows-1252")) && b.report.warnings.is_empty());
    let (_, report) = a.to_profiles().expect("profiles");
    assert!(report.warnings.iter().any(|w| w.contains("Windows-1252")));
}
