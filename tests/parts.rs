//! A CSV file read in parts at the same time (`ingest::parts`, the worker pool's parse) must give
//! exactly what one read of the whole file gives — profiles and report — or nothing (then the
//! pool reads the whole file). The oracle is `ingest_csv` on the whole text.

use hcp_segments::ingest::csv::Span;
use hcp_segments::ingest::parts::{merge, read_part, wire, PartRead};
use hcp_segments::ingest::{ingest_csv, IngestOptions, OnError, ParseReport, Profiles};
use hcp_segments::pool::Session;
use hcp_segments::{sample, segment, Input, SegmentOptions};

type Read = Option<(Profiles, ParseReport)>;

/// Cuts right after the first line end at or after each of `at` (fractions of the text) that
/// is outside quotes (the test files' quotes are well formed: an even count before it).
fn cuts_at(text: &str, at: &[f64]) -> Vec<usize> {
    let mut cuts = Vec::new();
    for &f in at {
        let from = ((text.len() as f64 * f) as usize).max(cuts.last().copied().unwrap_or(0));
        let outside = |i: &usize| text[..*i].matches('"').count() % 2 == 0;
        if let Some(cut) = text[from..].match_indices('\n').map(|(i, _)| from + i + 1).find(outside) {
            if cut < text.len() && cuts.last() != Some(&cut) {
                cuts.push(cut);
            }
        }
    }
    cuts
}

/// The parts as the pool reads them: the first, then each later one with the file's first line.
fn parts_of(text: &str, cuts: &[usize], options: &IngestOptions) -> Option<Vec<PartRead>> {
    let head = &text[..text.find('\n').map_or(text.len(), |i| i + 1)];
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(text.len());
    bounds
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            let span = if i == 0 { Span::First } else { Span::Rest { head } };
            read_part(&text[w[0]..w[1]], span, options).ok()
        })
        .collect()
}

fn in_parts(text: &str, cuts: &[usize], options: &IngestOptions) -> Read {
    // Each later part also goes through the bytes the workers send.
    let parts = parts_of(text, cuts, options)?
        .into_iter()
        .enumerate()
        .map(|(i, p)| if i == 0 { p } else { wire::decode(&wire::encode(&p)).expect("a part's bytes decode") })
        .collect();
    merge(parts, options)
}

/// Bytes per channel and per format count: the same values must be held in the same store.
fn widths(p: &Profiles) -> (usize, usize) {
    (p.channel_counts.bytes_per_value(), p.format_counts.bytes_per_value())
}

/// The property every test checks: the parts give one read's result, or nothing.
fn never_different(text: &str, cuts: &[usize], options: &IngestOptions, what: &str) -> Read {
    let merged = in_parts(text, cuts, options);
    if let Some(m) = &merged {
        match ingest_csv(text, options) {
            Ok(whole) => {
                assert!(*m == whole, "{what}: the parts differ from one read");
                assert_eq!(widths(&m.0), widths(&whole.0), "{what}: the counts' stores differ from one read's");
            }
            Err(e) => panic!("{what}: one read fails ({e}) but the parts gave a result"),
        }
    }
    merged
}

/// A file with what the merge has to get right: categories whose levels first appear in later
/// parts, empty cells, totals-like ids, a decimal comma or not, quoted fields (with the
/// delimiter and line ends inside), exclusions found in several parts.
fn tricky(rows: usize, delimiter: char, decimal_comma: bool, quotes: bool) -> String {
    let d = delimiter;
    let mut s = format!("hcp_id{d}specialty{d}rx_decile{d}ch_email{d}ch_rep{d}fmt_webinar{d}days_since_last{d}active_weeks{d}consent_email{d}note\n");
    let specialties = ["onc", "gp", "card", "derm", "neuro", "rheum", "uro", "ent"];
    let mut x: u64 = 12345;
    let mut next = |m: u64| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    for i in 0..rows {
        // Later rows bring new levels: the level list grows over the file.
        let spec = specialties[(next(3) as usize + i * specialties.len() / rows.max(1)).min(specialties.len() - 1)];
        let spec = if next(10) == 0 { "" } else { spec };
        let decile = if next(7) == 0 { String::new() } else { (1 + next(10)).to_string() };
        let email = if decimal_comma { format!("{},{}", next(9), next(10)) } else { next(30).to_string() };
        let rep = if next(5) == 0 { String::new() } else { next(4).to_string() };
        let id = if i == rows / 2 + 3 { "Total".to_string() } else { format!("H{i:05}") };
        let note = match (quotes, next(4)) {
            (true, 0) => format!("\"line one{d} still note\nline two\""),
            (true, 1) => "\"say \"\"hi\"\"\"".to_string(),
            _ => "plain".to_string(),
        };
        let consent = ["true", "false", ""][next(3) as usize];
        s.push_str(&format!("{id}{d}{spec}{d}{decile}{d}{email}{d}{rep}{d}{}{d}{}{d}{}{d}{consent}{d}{note}\n", next(12), next(366), next(13)));
        if i % 97 == 50 {
            s.push('\n'); // blank lines count as lines, not rows
        }
    }
    s
}

#[test]
fn the_sample_universe_in_parts_is_one_read() {
    let text = sample::generate_csv(3000, 42);
    let options = IngestOptions::default();
    for at in [&[0.5][..], &[0.33, 0.66], &[0.25, 0.5, 0.75], &[0.1, 0.9]] {
        let cuts = cuts_at(&text, at);
        assert_eq!(cuts.len(), at.len());
        let read = never_different(&text, &cuts, &options, &format!("cut at {at:?}"));
        assert!(read.is_some(), "cut at {at:?}: the usual export must not need a second read");
    }
}

#[test]
fn categories_empties_totals_quotes_and_blank_lines_merge_as_one_read() {
    for (d, dc, quotes) in [(',', false, false), (',', false, true), (';', true, false), (';', true, true), ('\t', false, false), (';', false, true)] {
        let text = tricky(900, d, dc, quotes);
        let options = IngestOptions { exclude: vec!["H00003".into(), "H00700".into(), "H00701".into(), "nobody".into()], ..Default::default() };
        for at in [&[0.5][..], &[0.2, 0.6, 0.8]] {
            let what = format!("delimiter {d:?}, decimal comma {dc}, quotes {quotes}, cut at {at:?}");
            let cuts = cuts_at(&text, at);
            let read = never_different(&text, &cuts, &options, &what);
            let (profiles, report) = read.unwrap_or_else(|| panic!("{what}: fell back"));
            // The file has what the merge must handle, so the test is not vacuous.
            let specialty = profiles.category("specialty").unwrap();
            assert!(specialty.levels.len() >= 6, "{what}: levels {:?}", specialty.levels);
            assert_eq!((report.rows_excluded, report.exclusions_not_found), (3, 1), "{what}");
            assert!(report.warnings.iter().any(|w| w.contains("totals row")), "{what}: {:?}", report.warnings);
            assert!(report.warnings.iter().any(|w| w.contains("cells are empty")), "{what}: {:?}", report.warnings);
            assert_eq!(report.dialect.decimal_comma, dc, "{what}");
        }
    }
}

#[test]
fn crlf_bom_and_forced_options_merge_as_one_read() {
    let text = format!("\u{feff}{}", sample::generate_csv(400, 7).replace('\n', "\r\n"));
    let options = IngestOptions { delimiter: Some(",".into()), decimal_comma: Some(false), ..Default::default() };
    let read = never_different(&text, &cuts_at(&text, &[0.4, 0.7]), &options, "BOM + CRLF");
    assert!(read.expect("BOM + CRLF in parts").1.dialect.had_bom);
    let mapped = IngestOptions { columns: [("hcp_id".to_string(), "ignore".to_string()), ("region".to_string(), "id".to_string())].into(), ..Default::default() };
    // region is not unique: one read fails with a duplicate id, so the parts must give nothing.
    assert!(never_different(&text, &cuts_at(&text, &[0.5]), &mapped, "region as id").is_none());
}

/// Whatever only the whole file can decide is left to one read: the parts give nothing.
#[test]
fn what_only_one_read_can_tell_falls_back() {
    let base = sample::generate_csv(600, 3);
    let cut = cuts_at(&base, &[0.5]);
    let options = IngestOptions::default();
    let lines: Vec<&str> = base.lines().collect();
    let with_line = |i: usize, line: String| {
        let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        l[i] = line;
        l.join("\n") + "\n"
    };
    let id_of = |i: usize| lines[i].split(',').next().unwrap().to_string();
    let second_half = lines.len() - 5;
    // The same id in two parts (each part alone is fine).
    let dup = with_line(second_half, lines[second_half].replacen(&id_of(second_half), &id_of(10), 1));
    // A bad cell, a wrong field count, in a later part.
    let bad = with_line(second_half, lines[second_half].replacen(",true", ",maybe", 1));
    let short = with_line(second_half, "Hshort,onc".to_string());
    for (what, text) in [("duplicate across parts", &dup), ("bad cell", &bad), ("field count", &short)] {
        assert!(ingest_csv(text, &options).is_err(), "{what}: the oracle must fail");
        assert!(never_different(text, &cuts_at(text, &[0.5]), &options, what).is_none(), "{what}");
    }
    // Skip mode lists skipped rows across the file: one read.
    let skip = IngestOptions { on_error: OnError::Skip, ..Default::default() };
    assert!(in_parts(&base, &cut, &skip).is_none());
    // A cut inside a quoted field (a line end in quotes) is no record boundary.
    let quoted = tricky(300, ',', false, true);
    let inside = quoted[quoted.len() / 2..].find("still note\n").map(|i| quoted.len() / 2 + i + "still note\n".len()).unwrap();
    assert!(quoted[..inside].matches('\n').count() > 70);
    assert!(never_different(&quoted, &[inside], &options, "cut in quotes").is_none());
    // A first part too short for the delimiter sniffing to have seen only its own rows.
    assert!(never_different(&base, &cuts_at(&base, &[0.02]), &options, "short first part").is_none());
    // A decimal comma only in the first part: the second part alone cannot tell its numbers.
    let mut mixed = tricky(400, ';', true, false);
    let half = cuts_at(&mixed, &[0.5])[0];
    let tail: String = mixed[half..].lines().map(|l| {
        let f: Vec<&str> = l.split(';').collect();
        if f.len() < 4 { return format!("{l}\n") }
        let mut f: Vec<String> = f.iter().map(|s| s.to_string()).collect();
        f[3] = f[3].split(',').next().unwrap().to_string();
        f.join(";") + "\n"
    }).collect();
    mixed.truncate(half);
    mixed.push_str(&tail);
    let whole = ingest_csv(&mixed, &options).expect("the whole file reads");
    assert!(whole.1.dialect.decimal_comma);
    assert!(never_different(&mixed, &[half], &options, "comma in the first part only").is_none());
    // Blank lines before the header: the later parts' first line is not the header.
    let padded = format!("\n\n{base}");
    assert!(never_different(&padded, &cuts_at(&padded, &[0.5]), &options, "blank lines first").is_none());
}

/// Random files and random cuts: never a result that differs from one read.
#[test]
fn random_files_and_cuts_never_differ() {
    let mut x: u64 = 99;
    let mut next = |m: u64| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    let mut merged = 0;
    for case in 0..60 {
        let d = [',', ';', '\t'][next(3) as usize];
        let mut text = tricky(100 + next(400) as usize, d, d != ',' && next(2) == 0, next(2) == 0);
        // Now and then a defect somewhere.
        if next(3) == 0 {
            let at = next(text.len() as u64) as usize;
            let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            let junk = ["x", "\"", "\n", ";", ",", "-1", "H00001"][next(7) as usize];
            text.insert_str(at, junk);
        }
        let n_cuts = 1 + next(3) as usize;
        let mut at: Vec<f64> = (0..n_cuts).map(|_| (1 + next(99)) as f64 / 100.0).collect();
        at.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let cuts = cuts_at(&text, &at);
        if never_different(&text, &cuts, &IngestOptions::default(), &format!("case {case}")).is_some() {
            merged += 1;
        }
    }
    assert!(merged >= 20, "only {merged} of 60 random files merged: the property is barely tested");
}

#[test]
fn a_part_survives_its_bytes_and_nothing_else_decodes() {
    let text = tricky(300, ';', true, true);
    let cuts = cuts_at(&text, &[0.5]);
    let parts = parts_of(&text, &cuts, &IngestOptions { exclude: vec!["H00200".into()], ..Default::default() }).unwrap();
    for p in &parts {
        let bytes = wire::encode(p);
        assert_eq!(wire::decode(&bytes).as_ref(), Some(p));
        for len in (0..bytes.len()).step_by(7) {
            assert!(wire::decode(&bytes[..len]).is_none(), "a truncated part ({len} of {} bytes) decoded", bytes.len());
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(wire::decode(&longer).is_none());
    }
    assert!(wire::decode(b"hcp_id,ch_x\na,1\n").is_none());
}

/// Counts travel in the narrowest whole-number width that gives every value's bits back, and
/// come back in the narrowest store.
#[test]
fn counts_travel_narrow_and_come_back_bit_for_bit() {
    let cases: [&[f64]; 8] = [
        &[0.0, 1.0, 255.0],
        &[256.0, 0.0],
        &[65_536.0, 7.0],
        &[4_294_967_296.0],
        &[3.5, 1.0],
        &[-0.0, 1.0],
        &[f64::NAN, 2.0],
        &[1.0, 300.0, 70_000.0, 2.25],
    ];
    let mut sizes = Vec::new();
    let mut stores = Vec::new();
    for values in cases {
        let mut part = PartRead::default();
        part.rows.profiles.channel_counts = values.to_vec().into();
        let bytes = wire::encode(&part);
        sizes.push(bytes.len());
        let back = wire::decode(&bytes).expect("decodes").rows.profiles.channel_counts;
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back.to_vec()), bits(values), "{values:?}");
        stores.push(back.bytes_per_value());
    }
    // 3 values as u8 take 3 bytes; 2 as u16 4; 2 as u32 8; 1 as f64 8 (the rest of a part is the same).
    let base = sizes[0] - 3;
    assert_eq!(sizes.iter().map(|s| s - base).collect::<Vec<_>>(), [3, 4, 8, 8, 16, 16, 16, 32]);
    assert_eq!(stores, [1, 2, 8, 8, 8, 8, 8, 8]);
}

/// 10,000 HCPs × 20 whole counts up to 255 take 1 byte a count (200,000 bytes, not 1.6 MB as
/// f64), read in one piece, merged from parts or sent over the wire; a later part with a count
/// over 255, or a decimal one, widens the merged store to what one read holds.
#[test]
fn small_whole_counts_take_one_byte_each() {
    let (channels, formats) = (12, 8);
    // `wider`: row 9,000 (in the last part) has a channel count of 300 and a format count of 2.5.
    let file = |wider: bool| {
        let mut text = String::from("hcp_id");
        (0..channels).for_each(|j| text += &format!(",ch_c{j}"));
        (0..formats).for_each(|j| text += &format!(",fmt_f{j}"));
        text.push('\n');
        for i in 0..10_000 {
            text += &format!("H{i:05}");
            for j in 0..channels + formats {
                match (wider && i == 9_000, j) {
                    (true, 0) => text += ",300",
                    (true, j) if j == channels + formats - 1 => text += ",2.5",
                    _ => text += &format!(",{}", (i * 7 + j * 13) % 256),
                }
            }
            text.push('\n');
        }
        text
    };
    let text = file(false);
    let options = IngestOptions::default();
    let (whole, _) = ingest_csv(&text, &options).unwrap();
    let held = |p: &Profiles| p.channel_counts.len() * p.channel_counts.bytes_per_value() + p.format_counts.len() * p.format_counts.bytes_per_value();
    assert_eq!(held(&whole), 200_000);
    let cuts = cuts_at(&text, &[0.3, 0.6]);
    let parts = parts_of(&text, &cuts, &options).unwrap();
    for p in &parts {
        let back = wire::decode(&wire::encode(p)).unwrap();
        assert_eq!(held(&back.rows.profiles), held(&p.rows.profiles));
        assert_eq!(widths(&back.rows.profiles), (1, 1));
    }
    let (merged, _) = never_different(&text, &cuts, &options, "small counts").expect("merges");
    assert_eq!(held(&merged), 200_000);

    // The last part widens: channels to u16, formats to f64.
    let (merged, _) = never_different(&file(true), &cuts, &options, "a wider last part").expect("merges");
    assert_eq!(widths(&merged), (2, 8));
}

/// The pool's whole prepare: the session from parts finishes to `segment`'s result.
#[test]
fn a_session_from_parts_finishes_to_the_segment_result() {
    let text = sample::generate_csv(2000, 5);
    let options = SegmentOptions { k: hcp_segments::KChoice::Fixed(5), ..Default::default() };
    let head = &text[..text.find('\n').unwrap() + 1];
    let cut = cuts_at(&text, &[0.5])[0];
    let first = Session::read_part(&text[..cut], Span::First, &options).unwrap();
    let second = Session::read_part(&text[cut..], Span::Rest { head }, &options).unwrap();
    let mut stages = Vec::new();
    let session = Session::prepare_parts(vec![first, second], options.clone(), &mut |p| stages.push(p.stage)).unwrap().expect("merged");
    assert_eq!(stages, ["encode"]);
    let plan = session.plan().unwrap();
    let parts = (0..plan.n_runs).map(|r| session.fit_restarts(5, r, r + 1, true).unwrap()).collect();
    let pooled = session.finish(parts, None, None, &mut |_| {}).unwrap().0;
    let one = segment(Input::Csv(text.clone()), &options, &mut |_| {}).unwrap();
    assert!(pooled == one, "the pooled result from parts differs from segment's");
    // Options segment refuses are not read in parts either.
    let bad = SegmentOptions { k: hcp_segments::KChoice::Fixed(10_000), ..Default::default() };
    assert!(Session::read_part(&text[..cut], Span::First, &bad).is_none());
}
