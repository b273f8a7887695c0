//! The SQL generators against the engine: the queries run on DuckDB and Spark (PyPI packages,
//! through tests/warehouse/run_sql.py) and their results are compared with the engine's own
//! `aggregate_events` and `Model::assign` on the same data.
//!
//! The engine runs need `HCP_WAREHOUSE_PYTHON` (a Python with `duckdb`, and `pyspark` for the
//! Spark tests: `make test-warehouse` sets it up with scripts/setup.sh warehouse); without it they
//! print why and pass, so `cargo test` on a machine without the engines still runs the rest.

use hcp_segments::ingest::Cell;
use hcp_segments::model::{AssignOptions, Model};
use hcp_segments::segmentation::{assign_with, segment, Input, KChoice, SegmentOptions};
use hcp_segments::targeting::events::{aggregate_events, format_utc, parse_timestamp, EventOptions};
use hcp_segments::warehouse::{events_sql, model_sql, EventsSqlOptions, ModelSqlOptions, SqlDialect};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Assignments whose confidence is below this may differ (near-ties; docs/warehouse.md).
const CONFIDENCE_EPSILON: f64 = 1e-9;

fn python() -> Option<String> {
    std::env::var("HCP_WAREHOUSE_PYTHON").ok().filter(|p| !p.is_empty())
}

fn spark_enabled() -> bool {
    std::env::var("HCP_WAREHOUSE_SPARK").is_ok_and(|v| v == "1")
}

fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/warehouse-tests").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `sql` on `engine` over `input` loaded as `table`; the result's header and rows.
fn run(engine: &str, sql: &str, table: &str, input: &Path, timestamp: Option<&str>, parquet: bool) -> (Vec<String>, Vec<Vec<String>>) {
    let py = python().unwrap();
    let dir = input.parent().unwrap();
    let tag = format!("{engine}-{}", if parquet { "parquet" } else { "csv" });
    let sql_file = dir.join(format!("{tag}.sql"));
    let out = dir.join(format!("{tag}.out.csv"));
    std::fs::write(&sql_file, sql).unwrap();
    let mut cmd = Command::new(py);
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/warehouse/run_sql.py"));
    cmd.args([engine, sql_file.to_str().unwrap(), table, input.to_str().unwrap(), out.to_str().unwrap()]);
    if let Some(ts) = timestamp {
        cmd.args(["--timestamp", ts]);
    }
    if parquet {
        cmd.arg("--parquet");
    }
    let status = cmd.status().unwrap();
    assert!(status.success(), "{engine} failed on {}", sql_file.display());
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let headers = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let rows = rdr.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    (headers, rows)
}

/// The log with its timestamps written as `YYYY-MM-DD HH:MM:SS` UTC (a warehouse's TIMESTAMP
/// column; the engine reads many text forms, SQL engines read typed columns).
fn canonical_log(text: &str, ts_column: usize) -> String {
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(rdr.headers().unwrap()).unwrap();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let fields: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(i, v)| if i == ts_column { format_utc(parse_timestamp(v).unwrap()).replace('T', " ").replace('Z', "") } else { v.to_string() })
            .collect();
        out.write_record(&fields).unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

/// The engine's profile table: header and rows as text, rows ordered by id.
fn engine_profiles(log: &str, options: &EventOptions) -> (Vec<String>, Vec<Vec<String>>, EventsSqlOptions) {
    let agg = aggregate_events(log, options).unwrap();
    let mut rows: Vec<Vec<String>> = agg
        .table
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| match c { Cell::Text(s) => s.clone(), Cell::Empty => String::new(), other => format!("{other:?}") }).collect())
        .collect();
    rows.sort();
    let sql = EventsSqlOptions {
        channels: agg.report.channels.clone(),
        formats: agg.report.formats.clone(),
        carried: agg.report.carried.clone(),
        from: options.from.clone(),
        to: options.to.clone(),
        count_actions: options.count_actions.clone(),
        exclude: options.exclude.clone(),
        ..Default::default()
    };
    (agg.table.headers.clone(), rows, sql)
}

fn check_events(name: &str, log: &str, options: &EventOptions, engines: &[(&str, SqlDialect, bool)]) {
    let (headers, rows, sql_options) = engine_profiles(log, options);
    let dir = work_dir(name);
    let input = dir.join("events.csv");
    std::fs::write(&input, canonical_log(log, 1)).unwrap();
    for &(engine, dialect, parquet) in engines {
        let sql = events_sql(&EventsSqlOptions { dialect, ..sql_options.clone() }).unwrap();
        let (h, mut r) = run(engine, &sql, "events", &input, Some("timestamp"), parquet);
        r.sort();
        assert_eq!(h, headers, "{name} {engine} {dialect:?}: columns");
        assert_eq!(r.len(), rows.len(), "{name} {engine} {dialect:?}: rows");
        for (a, b) in r.iter().zip(&rows) {
            assert_eq!(a, b, "{name} {engine} {dialect:?}");
        }
        eprintln!("{name}: {engine} {dialect:?} parquet={parquet}: {} profiles equal aggregate_events's", rows.len());
    }
}

const DUCKDB_ALL: &[(&str, SqlDialect, bool)] =
    &[("duckdb", SqlDialect::Duckdb, false), ("duckdb", SqlDialect::Duckdb, true), ("duckdb", SqlDialect::Ansi, false)];

fn sample_log() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/events.csv")).unwrap()
}

/// A seeded log: `n` events of `hcps` HCPs over a year, each at its own second, with mixed
/// spellings of channels and formats, ignored actions, and carried columns that change.
fn generated_log(n: u64, hcps: u64) -> String {
    let channels = ["Email", "rep", "LinkedIn", "ch_sermo", "web-site", "Doximity", "x"];
    let formats = ["webinar", "MoA Video", "fmt_case_quiz", "news", "cme_module", ""];
    let actions = ["click", "open", "view", "Impression", "visit", "comment", "sent"];
    let specialties = ["oncology", "cardiology", "neurology", ""];
    let countries = ["DE", "FR", "GB", "US", ""];
    let start = parse_timestamp("2024-01-01").unwrap();
    let span = 366 * 86_400u64; // every event at its own second: i * stride mod span, stride coprime
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = String::from("hcp_id,timestamp,channel,format,action,specialty,country\n");
    for i in 0..n {
        let t = start + ((i * 7_919_993) % span) as i64;
        let r = next();
        let hcp = r % hcps;
        out.push_str(&format!(
            "H{hcp:06},{},{},{},{},{},{}\n",
            format_utc(t),
            channels[(r >> 20) as usize % channels.len()],
            formats[(r >> 28) as usize % formats.len()],
            actions[(r >> 36) as usize % actions.len()],
            if (r >> 44) % 5 == 0 { specialties[(hcp % 4) as usize] } else { "" },
            countries[(r >> 50) as usize % countries.len()],
        ));
    }
    out
}

#[test]
fn duckdb_and_ansi_profiles_equal_aggregate_events_on_the_sample_log() {
    if python().is_none() {
        return eprintln!("skipped: HCP_WAREHOUSE_PYTHON is not set (make test-warehouse sets it)");
    }
    let log = sample_log();
    check_events("sample-default", &log, &EventOptions::default(), DUCKDB_ALL);
    let windowed = EventOptions {
        from: Some("2024-01-03".into()),
        to: Some("2024-03-25T00:00:01Z".into()),
        count_actions: Some(vec!["Click".into(), "view".into(), "open".into()]),
        exclude: vec!["H3".into()],
        ..Default::default()
    };
    check_events("sample-window", &log, &windowed, DUCKDB_ALL);
}

#[test]
fn duckdb_profiles_equal_aggregate_events_on_a_million_events() {
    if python().is_none() {
        return eprintln!("skipped: HCP_WAREHOUSE_PYTHON is not set");
    }
    let log = generated_log(1_000_000, 20_000);
    let options = EventOptions { from: Some("2024-02-01".into()), ..Default::default() };
    check_events("million", &log, &options, &[("duckdb", SqlDialect::Duckdb, false), ("duckdb", SqlDialect::Duckdb, true)]);
}

/// A model fitted on the 5,000-HCP sample, with one-hot specialty and rx_decile blocks.
fn fitted_model(sample: &str) -> Model {
    let mut options = SegmentOptions { k: KChoice::Fixed(6), seed: 42, ..Default::default() };
    options.weights.categories.insert("specialty".into(), 0.5);
    options.weights.categories.insert("rx_decile".into(), 0.25);
    segment(Input::Csv(sample.to_string()), &options, &mut |_| {}).unwrap().model
}

/// Scores `profiles` with the model in SQL and compares with `assign`; returns how many HCPs are
/// below the confidence epsilon.
fn check_model(name: &str, model: &Model, profiles: &str, engines: &[(&str, SqlDialect, bool)]) -> usize {
    let mut expected = assign_with(model, Input::Csv(profiles.to_string()), &AssignOptions::default()).unwrap().assignments;
    expected.sort_by(|a, b| a.hcp_id.cmp(&b.hcp_id));
    let dir = work_dir(name);
    let input = dir.join("profiles.csv");
    std::fs::write(&input, profiles).unwrap();
    let mut near_ties = 0;
    for &(engine, dialect, parquet) in engines {
        let sql = model_sql(model, &ModelSqlOptions { dialect, ..Default::default() }).unwrap();
        let (h, mut rows) = run(engine, &sql, "profiles", &input, None, parquet);
        assert_eq!(h, ["hcp_id", "segment", "segment_name", "distance", "confidence"]);
        rows.sort();
        assert_eq!(rows.len(), expected.len());
        near_ties = 0;
        let mut max_rel = 0f64;
        for (r, e) in rows.iter().zip(&expected) {
            assert_eq!(r[0], e.hcp_id);
            let (distance, confidence): (f64, f64) = (r[3].parse().unwrap(), r[4].parse().unwrap());
            if e.confidence < CONFIDENCE_EPSILON {
                near_ties += 1;
                continue;
            }
            assert_eq!(r[1], e.segment.to_string(), "{name} {engine}: {}", e.hcp_id);
            assert_eq!(r[2], model.segments[e.segment as usize].name);
            max_rel = max_rel.max((distance - e.distance).abs() / e.distance.max(1e-300));
            assert!((confidence - e.confidence).abs() < 1e-9, "{name} {engine}: {} confidence {confidence} vs {}", e.hcp_id, e.confidence);
        }
        assert!(max_rel < 1e-12, "{name} {engine}: distance differs by {max_rel:e} (relative)");
        eprintln!("{name}: {engine} {dialect:?} parquet={parquet}: {} segments equal assign's ({near_ties} below confidence {CONFIDENCE_EPSILON:e}; largest relative distance difference {max_rel:e})", rows.len());
    }
    near_ties
}

#[test]
fn duckdb_segments_equal_assign_on_the_sample_and_a_100000_universe() {
    if python().is_none() {
        return eprintln!("skipped: HCP_WAREHOUSE_PYTHON is not set");
    }
    let sample = hcp_segments::sample::generate_csv(5000, 42);
    let model = fitted_model(&sample);
    check_model("model-5000", &model, &sample, DUCKDB_ALL);
    let universe = hcp_segments::sample::generate_csv(100_000, 7);
    check_model("model-100000", &model, &universe, &[("duckdb", SqlDialect::Duckdb, true)]);
}

#[test]
fn spark_profiles_and_segments_equal_the_engine() {
    if python().is_none() || !spark_enabled() {
        return eprintln!("skipped: HCP_WAREHOUSE_PYTHON and HCP_WAREHOUSE_SPARK=1 are not set (make test-warehouse-spark)");
    }
    let spark = &[("spark", SqlDialect::Spark, false)];
    check_events("spark-sample", &sample_log(), &EventOptions::default(), spark);
    let million = EventOptions { from: Some("2024-02-01".into()), ..Default::default() };
    check_events("spark-million", &generated_log(1_000_000, 20_000), &million, spark);
    let sample = hcp_segments::sample::generate_csv(5000, 42);
    let model = fitted_model(&sample);
    check_model("spark-model-5000", &model, &sample, spark);
    check_model("spark-model-100000", &model, &hcp_segments::sample::generate_csv(100_000, 7), spark);
}

/// Table, column, channel, carried and excluded names that try to break out of their quotes
/// appear only quoted, and the query still computes the right profiles.
#[test]
fn hostile_names_stay_quoted() {
    let evil_table = "ev\"ents`; DROP TABLE x; --";
    let evil_id = "id\"`'\\";
    let options = |dialect| EventsSqlOptions {
        dialect,
        table: evil_table.into(),
        columns: [(evil_id.to_string(), "id".to_string())].into(),
        channels: vec!["e'mail\\".into(), "web\"`".into()],
        formats: vec!["news".into()],
        carried: vec!["spe'c\"ial`ty".into()],
        exclude: vec!["H2' OR '1'='1".into(), "\\'".into()],
        ..Default::default()
    };
    for dialect in [SqlDialect::Duckdb, SqlDialect::Spark, SqlDialect::Ansi] {
        let sql = events_sql(&options(dialect)).unwrap();
        let (quoted_table, quoted_exclude) = match dialect {
            SqlDialect::Spark => ("`ev\"ents``; DROP TABLE x; --`", "'H2\\' OR \\'1\\'=\\'1'"),
            _ => ("\"ev\"\"ents`; DROP TABLE x; --\"", "'H2'' OR ''1''=''1'"),
        };
        assert!(sql.contains(&format!("FROM {quoted_table}")), "{dialect:?}");
        assert!(sql.contains(quoted_exclude), "{dialect:?}");
        assert_eq!(sql.matches("DROP TABLE").count(), 1, "{dialect:?}");
    }
    assert!(events_sql(&EventsSqlOptions { table: String::new(), channels: vec!["a".into()], ..Default::default() }).is_err());
    assert!(events_sql(&EventsSqlOptions { table: "a\0b".into(), channels: vec!["a".into()], ..Default::default() }).is_err());
    assert!(events_sql(&EventsSqlOptions::default()).is_err(), "no channels nor formats");
    assert!(events_sql(&EventsSqlOptions { from: Some("yesterday".into()), channels: vec!["a".into()], ..Default::default() }).is_err());

    let Some(_) = python() else { return eprintln!("engine part skipped: HCP_WAREHOUSE_PYTHON is not set") };
    // The same log with hostile column names: DuckDB's profiles equal the engine's.
    let log = "id\"`'\\,timestamp,channel,format,action,spe'c\"ial`ty\n\
               H1,2024-01-02 09:00:00,E'mail\\,news,click,a'b\n\
               H2' OR '1'='1,2024-01-03 09:00:00,web\"`,news,click,x\n\
               H3,2024-01-04 09:00:00,web\"`,news,click,\"q\"\"uote\"\n";
    let dir = work_dir("hostile");
    let input = dir.join("events.csv");
    std::fs::write(&input, log).unwrap();
    let columns = [(evil_id.to_string(), "id".to_string()), ("spe'c\"ial`ty".to_string(), "attribute".to_string())];
    let engine_options = EventOptions { columns: columns.into(), exclude: vec!["H2' OR '1'='1".into()], ..Default::default() };
    let agg = aggregate_events(log, &engine_options).unwrap();
    assert_eq!(agg.report.channels, ["e'mail\\", "web\"`"]);
    let sql = events_sql(&EventsSqlOptions { table: evil_table.into(), carried: vec!["spe'c\"ial`ty".into()], ..options(SqlDialect::Duckdb) }).unwrap();
    let (headers, rows) = run("duckdb", &sql, evil_table, &input, Some("timestamp"), false);
    assert_eq!(headers, agg.table.headers);
    let engine_rows: Vec<Vec<String>> = agg.table.rows.iter().map(|r| r.cells.iter().map(|c| match c { Cell::Text(s) => s.clone(), _ => String::new() }).collect()).collect();
    assert_eq!(rows, engine_rows);
}

/// Not a test: writes the benchmark's inputs and queries (bench/warehouse.sh runs it), and times
/// the engine itself on what a tab can hold, for comparison. BENCH_EVENTS (default 10,000,000)
/// events, BENCH_PROFILES (default 1,000,000) profiles, into target/warehouse-bench/.
#[test]
#[ignore]
fn write_warehouse_bench_inputs() {
    let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let (events, profiles) = (env("BENCH_EVENTS", 10_000_000), env("BENCH_PROFILES", 1_000_000));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/warehouse-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let log = generated_log(events, events / 50);
    std::fs::write(dir.join("events.csv"), &log).unwrap();
    // The engine on the first million events (the tab refuses a log over 512 MiB).
    let million_end = log.match_indices('\n').nth(1_000_000).map_or(log.len(), |(i, _)| i + 1);
    let t0 = std::time::Instant::now();
    let agg = aggregate_events(&log[..million_end], &EventOptions::default()).unwrap();
    let engine_events = t0.elapsed().as_secs_f64();
    let sql = EventsSqlOptions { channels: agg.report.channels.clone(), formats: agg.report.formats.clone(), carried: agg.report.carried.clone(), ..Default::default() };
    std::fs::write(dir.join("events.sql"), events_sql(&sql).unwrap()).unwrap();
    drop(log);
    let universe = hcp_segments::sample::generate_csv(profiles as u32, 7);
    std::fs::write(dir.join("profiles.csv"), &universe).unwrap();
    let model = fitted_model(&hcp_segments::sample::generate_csv(5000, 42));
    std::fs::write(dir.join("model.sql"), model_sql(&model, &ModelSqlOptions::default()).unwrap()).unwrap();
    let t0 = std::time::Instant::now();
    let assigned = assign_with(&model, Input::Csv(universe), &AssignOptions::default()).unwrap().assignments.len();
    let engine_assign = t0.elapsed().as_secs_f64();
    let note = format!("engine (native, 1 thread): aggregate_events 1,000,000 events {engine_events:.2} s; assign {assigned} profiles {engine_assign:.2} s\n");
    std::fs::write(dir.join("engine.txt"), &note).unwrap();
    eprint!("{note}");
}
