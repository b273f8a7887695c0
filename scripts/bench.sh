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

# scikit-learn (bench/requirements.txt, pinned) in a venv under the target dir; reinstalled only
# when the requirements change. BENCH_SKLEARN=0 skips it.
if [ "${BENCH_SKLEARN:-1}" != 0 ]; then
  VENV="$(realpath -m "$CARGO_TARGET_DIR")/bench-venv"
  if ! cmp -s bench/requirements.txt "$VENV/requirements.txt"; then
    log "python venv $VENV (bench/requirements.txt)"
    rm -rf "$VENV"
    python3 -m venv "$VENV" && "$VENV/bin/pip" install -q -r bench/requirements.txt \
      && cp bench/requirements.txt "$VENV/requirements.txt" \
      || { log "scikit-learn not installed (no python3 venv or no PyPI): its rows are left out"; rm -rf "$VENV"; }
  fi
fi

exec node bench/run.mjs "$@"
