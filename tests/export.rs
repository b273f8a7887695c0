//! The export writer against independent oracles: hand-written bytes, the `csv` crate as a
//! second reader, `privacy::segment_summary`'s masking, and the engine's own readers for the
//! round trip. Native only: proptest does not build for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use hcp_segments::export::summary::summary_table;
use hcp_segments::export::tables::{assignments_table, segment_names, target_list_table, TargetListOptions};
use hcp_segments::export::{self, CsvDialect, ExportOptions, Table, Value};
use hcp_segments::ingest::returns::read_previous_assignments;
use hcp_segments::ingest::{csv::read_csv, ingest_csv, CellRef, IngestOptions};
use hcp_segments::privacy::{segment_summary, Pseudonymize, SummaryOptions};
use hcp_segments::segments::{Assignment, CategoryLevel, Composition, IndexScore, Reach, Segment};
use hcp_segments::targeting::cells::{CellAssignment, TestCells};
use hcp_segments::targeting::refresh::{refresh, PreviousAssignment, RefreshOptions};
use hcp_segments::{sample, segment_csv, Input, KChoice, SegmentOptions};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn options(dialect: CsvDialect, locale: Option<&str>) -> ExportOptions {
    ExportOptions { dialect, locale: locale.map(String::from), template: None }
}

fn all_dialects() -> Vec<ExportOptions> {
    vec![
        options(CsvDialect::Plain, None),
        options(CsvDialect::Excel, Some("de-DE")),
        options(CsvDialect::Excel, Some("en-US")),
        options(CsvDialect::Excel, Some("de-CH")),
        options(CsvDialect::Excel, Some("fr")),
    ]
}

/// (delimiter, decimal comma) each dialect must have written, written out by hand.
fn marks(o: &ExportOptions) -> (u8, bool) {
    match (o.dialect, o.locale.as_deref()) {
        (CsvDialect::Plain, _) => (b',', false),
        (_, Some("de-DE" | "fr")) => (b';', true),
        (_, Some("de-CH")) => (b';', false),
        _ => (b',', false),
    }
}

/// What a spreadsheet must see for a text cell: a `'` in front when it (after any `'`s) starts
/// with = + - @ tab CR, unless it is a plain decimal number (written here without the crate's
/// helpers, as the rule reads).
fn expected_written(s: &str) -> String {
    let rest = s.trim_start_matches('\'');
    let trigger = matches!(rest.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    let number = s.parse::<f64>().is_ok() && s.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c));
    if trigger && !number {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

// ---- bytes of each dialect ---------------------------------------------------------------------

fn small_table() -> Table {
    let mut t = Table::new(["hcp_id", "name", "score", "n", "ok"]);
    t.rows.push(vec![Value::text("=1+1"), Value::text("Zoë; \"Dr\""), Value::Number(0.25), Value::Integer(-3), Value::Bool(true)]);
    t.rows.push(vec![Value::text("-3.5"), Value::Empty, Value::Fixed(1234.5, 2), Value::Integer(7), Value::Empty]);
    t
}

#[test]
fn dialect_bytes_are_exactly_as_specified() {
    let plain = export::write(small_table(), &options(CsvDialect::Plain, None)).unwrap();
    assert_eq!(plain, "hcp_id,name,score,n,ok\n'=1+1,\"Zoë; \"\"Dr\"\"\",0.25,-3,true\n-3.5,,1234.50,7,\n");
    let de = export::write(small_table(), &options(CsvDialect::Excel, Some("de-DE"))).unwrap();
    assert_eq!(de.as_bytes()[..3], [0xEF, 0xBB, 0xBF]);
    assert_eq!(&de[3..], "hcp_id;name;score;n;ok\r\n'=1+1;\"Zoë; \"\"Dr\"\"\";0,25;-3;true\r\n-3.5;;1234,50;7;\r\n");
    let us = export::write(small_table(), &options(CsvDialect::Excel, Some("en-US"))).unwrap();
    assert_eq!(us, "\u{feff}hcp_id,name,score,n,ok\r\n'=1+1,\"Zoë; \"\"Dr\"\"\",0.25,-3,true\r\n-3.5,,1234.50,7,\r\n");
    let ch = export::write(small_table(), &options(CsvDialect::Excel, Some("de-CH"))).unwrap();
    assert_eq!(ch, "\u{feff}hcp_id;name;score;n;ok\r\n'=1+1;\"Zoë; \"\"Dr\"\"\";0.25;-3;true\r\n-3.5;;1234.50;7;\r\n");
    // Excel without a locale: en-US.
    assert_eq!(export::write(small_table(), &options(CsvDialect::Excel, None)).unwrap(), us);
    let e = export::write(small_table(), &options(CsvDialect::Excel, Some("deutsch"))).unwrap_err();
    assert_eq!(e.code(), "INVALID_OPTION");
    // Options as JS sends them.
    let o: ExportOptions = serde_json::from_str(r#"{"dialect":"excel","locale":"de-DE","template":{"columns":[{"from":"hcp_id","to":"Account External ID"}]}}"#).unwrap();
    assert_eq!(export::write(small_table(), &o).unwrap(), "\u{feff}Account External ID\r\n'=1+1\r\n-3.5\r\n");
    assert!(serde_json::from_str::<ExportOptions>(r#"{"dialect":"xlsx"}"#).is_err());
    assert!(serde_json::from_str::<ExportOptions>(r#"{"delimitr":";"}"#).is_err());
}

// ---- the round trip ----------------------------------------------------------------------------

/// Text as a user might type it: triggers, quotes, both delimiters, line breaks, unicode.
fn text_strategy() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just(""), Just("="), Just("+"), Just("-"), Just("@"), Just("\t"), Just("\r"), Just("'"), Just("'="), Just("''-"), Just("'\t"),
        Just("-3.5"), Just("+1e3"),
    ];
    (prefix, "[a-zA-Z0-9 =+@'\",;|\t\r\näöüßÆ€🩺\u{a0}.-]{0,10}").prop_map(|(p, body)| {
        // The reader trims cells: end in a non-space (a bare tab prefix gets a letter).
        let mut s = format!("{p}{}", body.trim());
        if s.trim_end() != s {
            s.push('x');
        }
        s
    })
}

fn ids_and_names() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((text_strategy(), text_strategy()), 1..12).prop_map(|v| {
        // Unique ids that end in a non-space (the reader trims cells).
        v.into_iter().enumerate().map(|(i, (id, name))| (format!("{id}#{i}"), name)).collect()
    })
}

fn assignments_of(rows: &[(String, String)]) -> (Vec<Assignment>, BTreeMap<u32, String>) {
    let assignments = rows
        .iter()
        .enumerate()
        .map(|(i, (id, _))| Assignment { hcp_id: id.clone(), segment: i as u32, distance: i as f64 * 0.5, confidence: 1.0 / (i as f64 + 2.0) })
        .collect();
    let names = rows.iter().enumerate().map(|(i, (_, n))| (i as u32, n.clone())).collect();
    (assignments, names)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Random ids and names → assignments export in every dialect → read back exactly by the
    /// engine's reader and its previous-assignments reader; the `csv` crate (an independent
    /// reader) sees every text neutralised as the rule says, so no cell starts a formula.
    #[test]
    fn assignments_round_trip_in_every_dialect(rows in ids_and_names()) {
        let (assignments, names) = assignments_of(&rows);
        for o in all_dialects() {
            let text = export::write(assignments_table(&assignments, &names), &o).unwrap();
            let (delimiter, comma) = marks(&o);
            prop_assert_eq!(text.starts_with('\u{feff}'), o.dialect == CsvDialect::Excel);

            // The engine's reader.
            let read_options = IngestOptions { decimal_comma: Some(comma), ..Default::default() };
            let table = read_csv(&text, &read_options).unwrap();
            prop_assert_eq!(&table.headers, &["hcp_id", "segment", "segment_name", "distance", "confidence"]);
            prop_assert_eq!(table.len(), rows.len());
            prop_assert_eq!(table.dialect.delimiter.as_deref(), Some(if delimiter == b';' { ";" } else { "," }));
            for (i, (id, name)) in rows.iter().enumerate() {
                let text_of = |c| match table.cell(i, c) { CellRef::Text(t) => t.to_string(), _ => String::new() };
                prop_assert_eq!(&text_of(0), id);
                prop_assert_eq!(&text_of(1), &i.to_string());
                prop_assert_eq!(&text_of(2), name);
                let confidence = format!("{:.6}", 1.0 / (i as f64 + 2.0));
                prop_assert_eq!(text_of(4), if comma { confidence.replace('.', ",") } else { confidence });
            }
            let previous = read_previous_assignments(Input::Csv(text.clone()), &IngestOptions::default()).unwrap();
            let want: Vec<PreviousAssignment> = assignments.iter().map(|a| PreviousAssignment { hcp_id: a.hcp_id.clone(), segment: a.segment }).collect();
            prop_assert_eq!(previous, want);

            // The csv crate as the oracle.
            let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(body.as_bytes());
            let records: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
            prop_assert_eq!(records.len(), rows.len());
            for (rec, (id, name)) in records.iter().zip(&rows) {
                prop_assert_eq!(rec[0].to_string(), expected_written(id));
                prop_assert_eq!(rec[2].to_string(), expected_written(name));
                for field in rec.iter() {
                    let formula = matches!(field.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
                    prop_assert!(!formula || field.parse::<f64>().is_ok(), "a cell starts a formula: {:?}", field);
                }
            }
        }
    }
}

/// Ids that are formulas, through segment → Excel (de-DE) export → previous assignments →
/// refresh of the same rows: every HCP continues in its segment.
#[test]
fn export_then_refresh_previous_round_trips_exactly() {
    let u = sample::generate(600, 9);
    let mut lines = u.csv.lines();
    let header = lines.next().unwrap();
    let body: Vec<String> = lines.enumerate().map(|(i, l)| {
        let (_, rest) = l.split_once(',').unwrap();
        let id = ["=HYPERLINK(\"\"http://x\"\",\"\"y\"\")", "+49", "-x", "@a", "'=q"][i % 5];
        format!("\"{id}{i}\",{rest}")
    }).collect();
    let csv = format!("{header}\n{}\n", body.join("\n"));
    let r = segment_csv(&csv, &SegmentOptions { k: KChoice::Fixed(4), n_runs: 2, ..Default::default() }).unwrap();
    assert!(r.assignments[0].hcp_id.starts_with("=HYPERLINK(\"http://x\""));
    let text = export::write(assignments_table(&r.assignments, &segment_names(&r.segments)), &options(CsvDialect::Excel, Some("de-DE"))).unwrap();
    assert!(text.contains("\r\n\"'=HYPERLINK(\"\"http://x\"\""), "{}", &text[..200]);
    let previous = read_previous_assignments(Input::Csv(text), &IngestOptions::default()).unwrap();
    assert_eq!(previous.len(), r.assignments.len());
    for (p, a) in previous.iter().zip(&r.assignments) {
        assert_eq!((&p.hcp_id, p.segment), (&a.hcp_id, a.segment));
    }
    let again = refresh(&r.model, Input::Csv(csv), &previous, &RefreshOptions::default()).unwrap();
    assert_eq!(again.refresh.continuing as usize, r.assignments.len());
    assert_eq!(again.refresh.new_hcps + again.refresh.lapsed_hcps, 0);
}

// ---- the target list ---------------------------------------------------------------------------

const PROFILES: &str = "hcp_id,specialty,country,region,consent_email,consent_tracking,ch_email\n\
a,oncology,DE,north,true,false,1\n\
b,cardiology,AT,,false,,2\n\
=c,oncology,FR,south,yes,yes,3\n\
d,,DE,east,,true,4\n";

fn members() -> Vec<Assignment> {
    let a = |id: &str, segment, confidence| Assignment { hcp_id: id.into(), segment, distance: 0.5, confidence };
    // Not in input order: the list follows the assignments.
    vec![a("=c", 1, 0.25), a("a", 0, 0.5), a("b", 0, 0.125), a("d", 1, 1.0)]
}

fn names() -> BTreeMap<u32, String> {
    [(0, "CME-driven GPs".to_string()), (1, "+Congress fans".to_string())].into()
}

#[test]
fn target_list_carries_categories_cells_and_every_consent() {
    let (profiles, _) = ingest_csv(PROFILES, &IngestOptions::default()).unwrap();
    let cells = TestCells {
        assignments: vec![
            CellAssignment { hcp_id: "a".into(), segment: 0, cell: "A".into(), stratum: String::new() },
            CellAssignment { hcp_id: "=c".into(), segment: 1, cell: "holdout".into(), stratum: String::new() },
        ],
        cells: Vec::new(),
        strata: BTreeMap::new(),
        stratified_by: Vec::new(),
    };
    let t = target_list_table(&members(), &names(), &profiles, Some(&cells), &TargetListOptions::default()).unwrap();
    let csv = export::write(t, &options(CsvDialect::Plain, None)).unwrap();
    assert_eq!(
        csv,
        "hcp_id,segment,segment_name,confidence,cell,specialty,country,consent_email,consent_tracking\n\
         '=c,1,'+Congress fans,0.250000,holdout,oncology,FR,true,true\n\
         a,0,CME-driven GPs,0.500000,A,oncology,DE,true,false\n\
         b,0,CME-driven GPs,0.125000,,cardiology,AT,false,\n\
         d,1,'+Congress fans,1.000000,,,DE,,true\n"
    );
    // Without cells: no cell column. Filters: segment, category values, consent.
    let o = TargetListOptions { filter: [("country".to_string(), vec!["DE".to_string()])].into(), ..Default::default() };
    let t = target_list_table(&members(), &names(), &profiles, None, &o).unwrap();
    assert_eq!(t.headers, ["hcp_id", "segment", "segment_name", "confidence", "specialty", "country", "consent_email", "consent_tracking"]);
    assert_eq!(t.rows.iter().map(|r| r[0].clone()).collect::<Vec<_>>(), [Value::text("a"), Value::text("d")]);
    let o = TargetListOptions { require_consent: vec!["consent_email".into()], segments: Some(vec![1]), categories: vec!["region".into()], ..Default::default() };
    let t = target_list_table(&members(), &names(), &profiles, None, &o).unwrap();
    assert_eq!(t.headers[4], "region");
    assert_eq!(t.rows, vec![vec![Value::text("=c"), Value::Integer(1), Value::text("+Congress fans"), Value::Fixed(0.25, 6), Value::text("south"), Value::Bool(true), Value::Bool(true)]]);
    // Mistakes say what is there.
    let e = target_list_table(&members(), &names(), &profiles, None, &TargetListOptions { require_consent: vec!["consent_fax".into()], ..Default::default() }).unwrap_err();
    assert!(e.code() == "INVALID_OPTION" && e.to_string().contains("consent_email, consent_tracking"), "{e}");
    let e = target_list_table(&members(), &names(), &profiles, None, &TargetListOptions { filter: [("land".to_string(), vec![])].into(), ..Default::default() }).unwrap_err();
    assert!(e.to_string().contains("specialty, country, region"), "{e}");
    let mut stranger = members();
    stranger[0].hcp_id = "zz".into();
    assert_eq!(target_list_table(&stranger, &names(), &profiles, None, &TargetListOptions::default()).unwrap_err().code(), "INVALID_OPTION");
}

#[test]
fn target_list_of_pseudonymised_assignments_finds_the_rows() {
    let (profiles, _) = ingest_csv(PROFILES, &IngestOptions::default()).unwrap();
    let salt = Pseudonymize { salt: "pepper-pepper".into() };
    let mut hashed = members();
    salt.apply(&mut hashed).unwrap();
    let o = TargetListOptions { pseudonymize: Some(salt), ..Default::default() };
    let t = target_list_table(&hashed, &names(), &profiles, None, &o).unwrap();
    assert_eq!(t.rows[0][0], Value::text(hashed[0].hcp_id.as_str()));
    assert_eq!((t.rows[0][5].clone(), t.rows[3][5].clone()), (Value::text("FR"), Value::text("DE")));
    assert!(target_list_table(&hashed, &names(), &profiles, None, &TargetListOptions::default()).is_err());
}

// ---- the summary -------------------------------------------------------------------------------

fn segment(id: u32, size: u32, levels: &[(&str, u32)], reach: u32) -> Segment {
    let score = |name: &str| IndexScore { name: name.into(), display_name: name.into(), mean: 2.0, universe_mean: 1.6, index: Some(125.0), share: 0.5 };
    Segment {
        id,
        name: format!("=Seg {id}"),
        drivers: vec!["channel_mix:email".into()],
        size,
        share: size as f64 / 200.0,
        channels: vec![score("email")],
        formats: vec![score("webinar")],
        mean_engagements: 4.5,
        composition: vec![Composition {
            column: "specialty".into(),
            levels: levels.iter().map(|&(v, c)| CategoryLevel { value: v.into(), count: c, share: c as f64 / size as f64, index: Some(100.0), suppressed: c < 10 }).collect(),
        }],
        reach: vec![Reach { consent: "consent_email".into(), share: reach as f64 / size as f64, count: reach }],
        silhouette: Some(0.4),
        cohesion: 1.0,
        network_balance: Default::default(),
        too_small: false,
    }
}

#[test]
fn summary_keeps_segment_summary_masking() {
    // Segment 0: levels 50/30/4 — 4 is below 10, and 30 goes too (complementary suppression);
    // its reach 80 of 84 leaves 4 without consent, so the reach cell is hidden. Segments 1 (6
    // HCPs) and 2 (4) are hidden whole (names and drivers too); two hidden cells need no
    // complementary one.
    let segments = vec![segment(0, 84, &[("onc", 50), ("card", 30), ("neuro", 4)], 80), segment(1, 6, &[("onc", 6)], 3), segment(2, 4, &[("gp", 4)], 2)];
    let summary = segment_summary(&segments, &SummaryOptions::default());
    let t = summary_table(&summary);
    let text = export::write(t.clone(), &options(CsvDialect::Plain, None)).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "segment,segment_name,section,group,item,value,share,index,base,suppressed");
    assert_eq!(rows[1], ",,suppression,,minimum cell size,10,,,,false");
    assert_eq!(rows[2], format!(",,suppression,,cells suppressed,{},,,,false", summary.suppressed_cells));
    let expect: [&str; 12] = [
        "0,'=Seg 0,size,,HCPs,84,0.42,,,false",
        "0,'=Seg 0,driver,,channel_mix:email,1,,,,false",
        "0,'=Seg 0,engagement,,mean engagements,4.5,,,,false",
        "0,'=Seg 0,quality,,silhouette,0.4,,,,false",
        "0,'=Seg 0,channel,,email,2,0.5,125,1.6,false",
        "0,'=Seg 0,format,,webinar,2,0.5,125,1.6,false",
        &format!("0,'=Seg 0,composition,specialty,onc,50,{},100,,false", 50.0 / 84.0),
        "0,'=Seg 0,composition,specialty,card,,,,,true",
        "0,'=Seg 0,composition,specialty,neuro,,,,,true",
        "0,'=Seg 0,reach,,consent_email,,,,,true",
        // A segment the summary withholds whole shows neither its persona name nor its drivers.
        "1,Segment 2,size,,HCPs,,,,,true",
        "2,Segment 3,size,,HCPs,,,,,true",
    ];
    assert_eq!(&rows[3..], &expect);
    assert_eq!(summary.suppressed_cells, 5);
    // No count below 10 anywhere in the file.
    for r in &t.rows {
        if let Value::Integer(n) = r[5] {
            assert!(n >= 10 || matches!(&r[2], Value::Text(s) if s == "driver" || s == "suppression"), "{r:?}");
        }
    }
}

#[test]
fn summary_of_a_real_segmentation_matches_segment_summary_cell_for_cell() {
    let u = sample::generate(400, 3);
    let r = segment_csv(&u.csv, &SegmentOptions { k: KChoice::Fixed(6), n_runs: 2, ..Default::default() }).unwrap();
    let summary = segment_summary(&r.segments, &SummaryOptions { min_cell_size: 10 });
    let t = summary_table(&summary);
    let col = |n: &str| t.column(n).unwrap();
    let mut levels = 0;
    for s in &summary.segments {
        for c in &s.composition {
            for l in &c.levels {
                let row = t.rows.iter().find(|row| row[0] == Value::Integer(s.id as i64) && row[3] == Value::text(c.column.as_str()) && row[4] == Value::text(l.value.as_str())).unwrap();
                assert_eq!(row[col("value")], l.count.map_or(Value::Empty, |n| Value::Integer(n as i64)));
                assert_eq!(row[col("suppressed")], Value::Bool(l.suppressed));
                levels += 1;
            }
        }
    }
    assert!(levels > 20 && summary.suppressed_cells > 0, "{levels} levels, {} suppressed", summary.suppressed_cells);
}
