#!/usr/bin/env bash
# `make bench`: build the native side (bench_native example) and the wasm peak micro-kernel,
# then run bench/run.mjs on the built package (pkg/, or BENCH_PKG). bench/README.md explains
# the workloads, the columns and the BENCH_* settings.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
log() { printf '[bench] %s\n' "$*" >&2; }

PKG=${BENCH_PKG:-pkg}
[ -f "$PKG/node/hcp_segments.js" ] || { log "no built package in $PKG/ (make wasm, or BENCH_PKG=dir)"; exit 1; }
[ -d node_modules/ml-kmeans ] && [ -d node_modules/playwright-core ] || { log "root node_modules missing: make setup"; exit 1; }

log "cargo build --release --example bench_native"
cargo build --release --example bench_native
log "bench/peak (wasm32, +simd128)"
PEAK_TARGET="$(realpath -m "$CARGO_TARGET_DIR")/bench-peak"
( cd bench/peak && CARGO_TARGET_DIR="$PEAK_TARGET" RUSTFLAGS="-C target-feature=+simd128" \
  cargo build --release --target wasm32-unknown-unknown )

exec node bench/run.mjs "$@"
