#!/usr/bin/env bash
# DuckDB on the generated SQL (src/warehouse): 10,000,000 events -> profiles, 1,000,000 profiles
# -> segments; wall time and peak memory of each run (CSV, then Parquet). bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh warehouse
PY=target/warehouse-venv/bin/python
# The test profile of the Makefile (shares its build artifacts).
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
       CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true
cargo test --release --test warehouse -- --ignored --nocapture write_warehouse_bench_inputs
D=target/warehouse-bench
cat "$D/engine.txt"
run() { # label, sql, table, input, extra args
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, peak %M KiB" "$PY" tests/warehouse/run_sql.py duckdb "$@"
}
for fmt in csv parquet; do
  extra=(); [ "$fmt" = parquet ] && extra=(--parquet)
  run "duckdb events->profiles ($fmt, incl. load)" "$D/events.sql" events "$D/events.csv" "$D/profiles.out.csv" --timestamp timestamp "${extra[@]}"
  run "duckdb profiles->segments ($fmt, incl. load)" "$D/model.sql" profiles "$D/profiles.csv" "$D/segments.out.csv" "${extra[@]}"
done
