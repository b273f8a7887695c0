#!/usr/bin/env bash
# Measure wasm-opt levels on the built package: size (raw, gzip -9) of the node _bg.wasm and
# the time to segment the 5,000-HCP sample universe with k: "auto" in Node (best of 3).
#   scripts/measure-wasm.sh [LEVEL...]     default: none -O3 -Os -Oz   (needs `make wasm` first)
# Prints a markdown table. Used to choose WASM_OPT_LEVEL in scripts/build-wasm.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
[ -f pkg/node/hcp_segments.js ] || { echo "run make wasm first" >&2; exit 1; }
TARGET_DIR=${CARGO_TARGET_DIR:-target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
RAW="$TARGET_DIR/wasm32-unknown-unknown/release/hcp_segments.wasm"
levels=("$@")
[ ${#levels[@]} -gt 0 ] || levels=(none -O3 -Os -Oz)
work=$(mktemp -d /tmp/hcp-measure-XXXXXX)
trap 'rm -rf "$work"' EXIT
wasm-bindgen --target nodejs --out-dir "$work/base" --out-name hcp_segments "$RAW"
FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
          --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd)
cat > "$work/bench.cjs" <<'JS'
// One timed run of segment(5,000 HCPs, k auto) per process (fresh instance each time).
const hs = require(process.argv[2]);
const csv = hs.generateSample(5000, 42);
const t0 = process.hrtime.bigint();
const r = hs.segment(csv, { k: "auto", seed: 42 });
if (r.segments.length < 3) throw new Error("bad result");
console.log((Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3));
JS
declare -A raw gz opt best
for level in "${levels[@]}"; do
  d="$work/$level"
  cp -r "$work/base" "$d"
  start=$SECONDS
  if [ "$level" != none ]; then
    "$ROOT/node_modules/.bin/wasm-opt" "$level" "${FEATURES[@]}" "$d/hcp_segments_bg.wasm" -o "$d/o.wasm"
    mv "$d/o.wasm" "$d/hcp_segments_bg.wasm"
  fi
  opt[$level]=$((SECONDS - start))
  raw[$level]=$(stat -c %s "$d/hcp_segments_bg.wasm")
  gz[$level]=$(gzip -9c "$d/hcp_segments_bg.wasm" | wc -c)
  best[$level]=999
done
# Timing rounds interleave the variants, so load on the machine hits them alike; best of ROUNDS.
for round in $(seq "${ROUNDS:-5}"); do
  for level in "${levels[@]}"; do
    t=$(node "$work/bench.cjs" "$work/$level/hcp_segments.js")
    best[$level]=$(awk -v a="${best[$level]}" -v b="$t" 'BEGIN { print (b < a ? b : a) }')
  done
done
echo "| wasm-opt | raw bytes | gzip -9 bytes | segment 5,000 HCPs, k auto (Node, best of ${ROUNDS:-5}) | wasm-opt time |"
echo "|---|---:|---:|---:|---:|"
for level in "${levels[@]}"; do
  echo "| $level | ${raw[$level]} | ${gz[$level]} | ${best[$level]} s | ${opt[$level]} s |"
done
