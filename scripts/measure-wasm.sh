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
          --enable-mutable-globals --enable-reference-types --enable-multivalue)
cat > "$work/bench.cjs" <<'JS'
const hs = require(process.argv[2]);
const csv = hs.generateSample(5000, 42);
const times = [];
for (let i = 0; i < 3; i++) {
  const t0 = process.hrtime.bigint();
  const r = hs.segment(csv, { k: "auto", seed: 42 });
  times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  if (r.segments.length < 3) throw new Error("bad result");
}
console.log(Math.min(...times).toFixed(2));
JS
echo "| wasm-opt | raw bytes | gzip -9 bytes | segment 5,000 HCPs, k auto (Node, best of 3) | wasm-opt time |"
echo "|---|---:|---:|---:|---:|"
for level in "${levels[@]}"; do
  d="$work/$level"
  cp -r "$work/base" "$d"
  start=$SECONDS
  if [ "$level" != none ]; then
    "$ROOT/node_modules/.bin/wasm-opt" "$level" "${FEATURES[@]}" "$d/hcp_segments_bg.wasm" -o "$d/o.wasm"
    mv "$d/o.wasm" "$d/hcp_segments_bg.wasm"
  fi
  opt_s=$((SECONDS - start))
  raw=$(stat -c %s "$d/hcp_segments_bg.wasm")
  gz=$(gzip -9c "$d/hcp_segments_bg.wasm" | wc -c)
  t=$(node "$work/bench.cjs" "$d/hcp_segments.js")
  echo "| $level | $raw | $gz | ${t} s | ${opt_s} s |"
done
