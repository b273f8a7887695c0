//! Guardrails on small data: the minimum segment size, the HCPs-per-segment warning, stability
//! verdicts that never call a tiny segment stable, and names and drivers that never reveal a
//! cell the shareable summary suppresses.

use hcp_segments::privacy::{segment_summary, SegmentSummary, SummaryOptions};
use hcp_segments::sample;
use hcp_segments::segmentation::{segment_csv, AutoK, Input, KChoice, SegmentOptions, SegmentResult};
use hcp_segments::targeting::stability::{stability, StabilityOptions};

fn auto() -> SegmentOptions {
    SegmentOptions { k: KChoice::Auto(AutoK::Auto), ..Default::default() }
}

fn fixed(k: u32) -> SegmentOptions {
    SegmentOptions { k: KChoice::Fixed(k), ..Default::default() }
}

/// Hand-written labels the names use for the test universes' levels (the oracle for "a name
/// shows this level").
fn label(column: &str, value: &str) -> String {
    match (column, value) {
        ("specialty", "oncology") => "oncologists".into(),
        ("specialty", "cardiology") => "cardiologists".into(),
        ("specialty", "neurology") => "neurologists".into(),
        ("specialty", "primary_care") => "GPs".into(),
        ("specialty", "surgery") => "surgeons".into(),
        ("specialty", "endocrinology") => "endocrinologists".into(),
        ("specialty", "dermatology") => "dermatologists".into(),
        (_, v) => v.to_string(),
    }
}

fn driver_kind(column: &str) -> &str {
    if column == "country" {
        "region"
    } else {
        column
    }
}

/// No name or driver, in the result or in the summary, draws on a cell the summary suppresses:
/// no level of a withheld segment, no withheld level of a shown one; "DACH" only when the DE,
/// AT and CH cells shown make up half of the segment.
fn assert_nothing_suppressed_is_named(r: &SegmentResult, summary: &SegmentSummary, check_result_names: bool) -> Result<(), String> {
    for (seg, shown) in r.segments.iter().zip(&summary.segments) {
        let withheld: Vec<(&str, &str)> = if shown.suppressed {
            if !shown.drivers.is_empty() {
                return Err(format!("withheld segment {} keeps drivers {:?}", seg.id, shown.drivers));
            }
            seg.composition.iter().flat_map(|c| c.levels.iter().map(move |l| (c.column.as_str(), l.value.as_str()))).collect()
        } else {
            shown
                .composition
                .iter()
                .flat_map(|c| c.levels.iter().filter(|l| l.suppressed).map(move |l| (c.column.as_str(), l.value.as_str())))
                .collect()
        };
        let mut named = vec![(shown.name.as_str(), &shown.drivers)];
        if check_result_names {
            named.push((seg.name.as_str(), &seg.drivers));
        }
        for (name, drivers) in named {
            let words: Vec<&str> = name.split_whitespace().collect();
            // Names and drivers draw on the specialty and country columns only.
            for &(column, value) in withheld.iter().filter(|(c, _)| ["specialty", "country"].contains(c)) {
                if words.contains(&label(column, value).as_str()) {
                    return Err(format!("segment {} name {name:?} shows suppressed {column} = {value}", seg.id));
                }
                let driver = format!("{}:{value}", driver_kind(column));
                if drivers.contains(&driver) {
                    return Err(format!("segment {} driver {driver} is a suppressed cell", seg.id));
                }
            }
            if words.contains(&"DACH") || drivers.iter().any(|d| d == "region:DACH") {
                let size = shown.size.ok_or_else(|| format!("withheld segment {} is named DACH", seg.id))?;
                let dach: u32 = shown
                    .composition
                    .iter()
                    .filter(|c| c.column == "country")
                    .flat_map(|c| c.levels.iter())
                    .filter(|l| ["DE", "AT", "CH"].contains(&l.value.as_str()))
                    .filter_map(|l| l.count)
                    .sum();
                if 2 * dach < size {
                    return Err(format!("segment {} is named DACH from {dach} shown DACH HCPs of {size}", seg.id));
                }
            }
        }
    }
    Ok(())
}

// ---- the issue's small files ----------------------------------------------------------------

/// Two HCPs, k = 2: two one-HCP segments. Before, one was named "News-reading IT oncologists on
/// X" while its card showed oncology and IT as "<10"; both were "stable".
#[test]
fn two_hcps_with_k_2_are_flagged_and_named_from_nothing_suppressed() {
    let csv = "hcp_id,specialty,country,ch_x,ch_email,fmt_news,fmt_webinar\n\
               h1,oncology,IT,40,2,30,1\n\
               h2,primary_care,DE,1,25,2,20\n";
    let r = segment_csv(csv, &fixed(2)).unwrap();
    assert_eq!(r.segments.iter().map(|s| s.size).collect::<Vec<_>>(), vec![1, 1]);
    for s in &r.segments {
        assert!(s.too_small, "{s:?}");
        assert!(s.drivers.is_empty(), "{:?}", s.drivers);
        for word in ["oncologists", "GPs", "IT", "DE", "DACH", "X", "email", "News-reading", "Webinar-attending"] {
            assert!(!s.name.split_whitespace().any(|w| w == word), "{:?} reveals {word}", s.name);
        }
    }
    assert_eq!(r.segments[0].name, "Small segment 1");
    let w = &r.report.warnings;
    assert!(w.iter().any(|w| w.starts_with("too few HCPs for k = 2: 2 HCPs is fewer than 10 per segment")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("2 of 2 segments have fewer than 10 HCPs") && w.contains("tooSmall")), "{w:?}");
    let summary = segment_summary(&r.segments, &SummaryOptions::default());
    assert!(summary.segments.iter().all(|s| s.suppressed));
    assert_nothing_suppressed_is_named(&r, &summary, true).unwrap();

    let report = stability(&r.model, Input::Csv(csv.into()), &StabilityOptions::default()).unwrap();
    assert!(report.segments.iter().all(|s| s.verdict == "tooSmall"), "{:?}", report.segments);

    // k: "auto" (kRange [3, 8]) cannot make 3 segments of 2 HCPs: an error that says so.
    let e = segment_csv(csv, &auto()).unwrap_err();
    assert_eq!(e.code(), "TOO_FEW_ROWS");
    assert!(e.to_string().contains("only 2 HCPs"), "{e}");
}

/// 30 HCPs: before, k: "auto" gave 6 segments of 2–8 HCPs, each badged "stable", without a
/// warning. Now: no k in [3, 8] keeps every segment at 10, so the k leaving the fewest small
/// segments is chosen with a warning, the small ones are flagged, and none is "stable".
#[test]
fn thirty_hcps_get_honest_segments_and_warnings() {
    for seed in [1, 2, 3] {
        let csv = sample::generate_csv(30, seed);
        for options in [auto(), fixed(2)] {
            let r = segment_csv(&csv, &options).unwrap();
            let sizes: Vec<u32> = r.segments.iter().map(|s| s.size).collect();
            let k = r.segments.len();
            println!("seed {seed} k {k}: sizes {sizes:?}, names {:?}", r.segments.iter().map(|s| &s.name).collect::<Vec<_>>());
            for s in &r.segments {
                assert_eq!(s.too_small, s.size < 10, "{s:?}");
            }
            let w = &r.report.warnings;
            if sizes.iter().any(|&s| s < 10) {
                assert!(w.iter().any(|w| w.contains("flagged tooSmall")), "{w:?}");
            }
            if 30 < 10 * k {
                assert!(w.iter().any(|w| w.starts_with(&format!("too few HCPs for k = {k}"))), "{w:?}");
            }
            if let Some(sweep) = &r.k_sweep {
                assert_eq!(sweep.min_segment_size, 10);
                // The sweep rows say which ks were ruled out and why.
                for row in &sweep.rows {
                    assert_eq!(row.segment_sizes.iter().sum::<u32>(), 30);
                    assert_eq!(row.ruled_out.is_some(), row.segment_sizes.iter().any(|&s| s < 10), "{row:?}");
                }
                let fewest = sweep.rows.iter().map(|r| r.segment_sizes.iter().filter(|&&s| s < 10).count()).min().unwrap();
                let chosen = sweep.rows.iter().find(|r| r.k == sweep.chosen_k).unwrap();
                assert_eq!(chosen.segment_sizes.iter().filter(|&&s| s < 10).count(), fewest);
                if sweep.rows.iter().all(|r| r.ruled_out.is_some()) {
                    assert!(w.iter().any(|w| w.contains("every k in kRange [3, 8] leaves a segment under the minimum")), "{w:?}");
                }
            }
            let report = stability(&r.model, Input::Csv(csv.clone()), &StabilityOptions::default()).unwrap();
            for s in &report.segments {
                println!("  segment {} ({} HCPs): mean {:.2}, p10 {:.2}, min {:.2}: {}", s.id, s.size, s.mean_jaccard, s.p10_jaccard, s.min_jaccard, s.verdict);
                assert_eq!(s.size, sizes[s.id as usize]);
                if s.size < 10 {
                    assert_eq!(s.verdict, "tooSmall");
                }
                if s.verdict == "stable" {
                    assert!(s.mean_jaccard >= 0.75 && s.p10_jaccard >= 0.6, "{s:?}");
                }
            }
            let summary = segment_summary(&r.segments, &SummaryOptions::default());
            assert_nothing_suppressed_is_named(&r, &summary, true).unwrap();
        }
    }
}

/// A fixed k that leaves a small segment is flagged; a lower minSegmentSize lifts the flag, and
/// a large universe with k: "auto" carries no warning at all.
#[test]
fn min_segment_size_option_and_no_warnings_on_enough_data() {
    let csv = sample::generate_csv(30, 1);
    let strict = segment_csv(&csv, &fixed(3)).unwrap();
    let lenient = segment_csv(&csv, &SegmentOptions { min_segment_size: Some(1), ..fixed(3) }).unwrap();
    assert!(strict.segments.iter().any(|s| s.too_small));
    assert!(lenient.segments.iter().all(|s| !s.too_small));
    assert!(!lenient.report.warnings.iter().any(|w| w.contains("tooSmall")));
    let options: SegmentOptions = serde_json::from_str(r#"{"k": 3, "minSegmentSize": 4}"#).unwrap();
    assert_eq!(options.min_segment_size(), 4);
    assert_eq!(SegmentOptions::default().min_segment_size(), 10);

    let big = sample::generate_csv(1500, 7);
    let r = segment_csv(&big, &auto()).unwrap();
    assert_eq!(r.segments.len(), sample::personas().len());
    assert!(r.segments.iter().all(|s| !s.too_small));
    assert!(r.report.warnings.is_empty(), "{:?}", r.report.warnings);
}

// ---- names never from suppressed cells: property test ---------------------------------------

#[cfg(not(target_arch = "wasm32"))]
mod property {
    use super::*;
    use proptest::prelude::*;

    const SPECIALTIES: [&str; 5] = ["oncology", "cardiology", "neurology", "primary_care", "dermatology"];
    const COUNTRIES: [&str; 7] = ["IT", "FR", "US", "DE", "AT", "CH", "ES"];

    /// A row: (group, specialty, country, engagement counts). Rows of a group share a dominant
    /// channel, so segments form around groups and their specialties can be dominant.
    fn row() -> impl Strategy<Value = (usize, usize, usize, [u32; 5])> {
        (0usize..3, 0usize..SPECIALTIES.len(), 0usize..COUNTRIES.len(), proptest::array::uniform5(0u32..6), any::<bool>())
            .prop_map(|(g, s, c, mut counts, typical)| {
                // Most rows of a group: its specialty and country, its channel and format.
                let (s, c) = if typical { (g, [0, 3, 2][g]) } else { (s, c) };
                counts[g] += 30;
                counts[3 + g % 2] += 20;
                (g, s, c, counts)
            })
    }

    fn csv_of(rows: &[(usize, usize, usize, [u32; 5])]) -> String {
        let mut csv = String::from("hcp_id,specialty,country,ch_x,ch_email,ch_linkedin,fmt_news,fmt_webinar\n");
        for (i, (_, s, c, n)) in rows.iter().enumerate() {
            csv.push_str(&format!("h{i},{},{},{},{},{},{},{}\n", SPECIALTIES[*s], COUNTRIES[*c], n[0], n[1], n[2], n[3], n[4]));
        }
        csv
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct("tests/guardrails.proptest-regressions"))),
            ..ProptestConfig::default()
        })]

        #[test]
        fn no_name_or_driver_shows_a_suppressed_cell(
            rows in proptest::collection::vec(row(), 2..=60),
            k in 2u32..=4,
            min in 2u32..=10,
            extra in 0u32..=5,
        ) {
            let csv = csv_of(&rows);
            let k = k.min(rows.len() as u32);
            let options = SegmentOptions { k: KChoice::Fixed(k), min_cell_size: min, n_runs: 3, ..Default::default() };
            let r = match segment_csv(&csv, &options) {
                Ok(r) => r,
                // Fewer distinct rows than k: nothing to name.
                Err(e) if e.code() == "TOO_FEW_DISTINCT" => return Ok(()),
                Err(e) => return Err(TestCaseError::fail(e.to_string())),
            };
            let summary = segment_summary(&r.segments, &SummaryOptions { min_cell_size: min });
            assert_nothing_suppressed_is_named(&r, &summary, true).map_err(TestCaseError::fail)?;
            // Shared with a stricter minimum than the names were made with: the summary still
            // shows no suppressed cell in a name or driver.
            let stricter = segment_summary(&r.segments, &SummaryOptions { min_cell_size: min + extra });
            assert_nothing_suppressed_is_named(&r, &stricter, false).map_err(TestCaseError::fail)?;
        }
    }

    /// The rule withholds only what it must: on 60 rows with small cells of 3, names still use
    /// the specialties and countries the summary shows.
    #[test]
    fn names_still_use_the_cells_the_summary_shows() {
        let rows: Vec<(usize, usize, usize, [u32; 5])> =
            (0..60).map(|i| (i % 3, i % 3, [0, 3, 2][i % 3], [if i % 3 == 0 { 30 } else { 1 }, if i % 3 == 1 { 30 } else { 1 }, if i % 3 == 2 { 30 } else { 1 }, 20, (i % 5) as u32])).collect();
        let r = segment_csv(&csv_of(&rows), &SegmentOptions { k: KChoice::Fixed(3), min_cell_size: 3, ..Default::default() }).unwrap();
        let names: Vec<&str> = r.segments.iter().map(|s| s.name.as_str()).collect();
        println!("{names:?}");
        assert!(names.iter().any(|n| n.contains("oncologists")), "{names:?}");
        assert!(names.iter().any(|n| n.contains("DACH")), "{names:?}");
        assert!(names.iter().any(|n| n.split_whitespace().any(|w| w == "US")), "{names:?}");
    }
}
