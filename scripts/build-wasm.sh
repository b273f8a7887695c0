#!/usr/bin/env bash
# Build the wasm once, bind it for the web and for Node, optimise it, and assemble the npm
# package in pkg/ (gitignored).  `make package` then packs pkg/ into dist/.
#
# Env: CARGO_TARGET_DIR (default target/), WASM_INLINE_THRESHOLD (default 75, see below), WASM_OPT_LEVEL (default -O3: -Oz saves under 1% of
# the gzip size on an opt-level 3 build and slows k-means; the table is in docs/package.md,
# "Building the package"), WASM_OPT=0 to skip wasm-opt (debugging).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
OPT_LEVEL=${WASM_OPT_LEVEL:--O3}
PKG="$ROOT/pkg"

log() { printf '[build-wasm] %s\n' "$*" >&2; }
die() { printf '[build-wasm] error: %s\n' "$*" >&2; exit 1; }

command -v wasm-bindgen >/dev/null || die "wasm-bindgen CLI missing: run scripts/setup.sh (make setup)"
VERSION=$(awk -F'"' '/^version *=/ { print $2; exit }' Cargo.toml)
[ -n "$VERSION" ] || die "no version in Cargo.toml"

# LLVM's inline threshold 75 (opt-level "s"'s; 3's is 225) with everything else at opt-level 3:
# 19 KB less gzip, and the k-means kernel keeps opt-level 3's vectorising and unrolling (same
# speed, measured: bench/README.md "Build profile and wasm size"). Passed to our crate only,
# which is enough: under fat LTO its rustc runs the whole program's optimisation. Inlining does
# not change float results, so native/wasm bit parity holds.
INLINE_THRESHOLD=${WASM_INLINE_THRESHOLD:-75}
log "cargo rustc --release --target wasm32-unknown-unknown --lib -- -C llvm-args=-inline-threshold=$INLINE_THRESHOLD"
cargo rustc --release --target wasm32-unknown-unknown --lib -- -C "llvm-args=-inline-threshold=$INLINE_THRESHOLD"
RAW="$TARGET_DIR/wasm32-unknown-unknown/release/hcp_segments.wasm"
[ -f "$RAW" ] || die "$RAW not produced"

rm -rf "$PKG"
mkdir -p "$PKG/web" "$PKG/node" "$PKG/worker"
log "wasm-bindgen --target web / --target nodejs"
wasm-bindgen --target web --out-dir "$PKG/web" --out-name hcp_segments "$RAW"
wasm-bindgen --target nodejs --out-dir "$PKG/node" --out-name hcp_segments "$RAW"

# The boundary must export the whole contract; say so plainly when it does not (yet).
missing=()
for fn in segment assign kmeans generateSample version; do
  grep -Eq "^export function $fn\(" "$PKG/web/hcp_segments.js" || missing+=("$fn")
done
if [ ${#missing[@]} -gt 0 ]; then
  die "the wasm boundary (src/wasm/) does not export: ${missing[*]} -- it is not in this tree yet, or was renamed (see js/types.d.ts)"
fi

# wasm-opt from binaryen, the npm package pinned in the root package-lock.json (version 132).
# Not Debian's binaryen: bookworm's wasm-opt 108 rewrites the export of wasm-bindgen's externref
# table to point at the funcref table, and the module then fails at load with
# "WebAssembly.Table.grow(): failed to grow table by 4".
# The features are the ones rustc enables by default for wasm32-unknown-unknown, plus simd128
# (.cargo/config.toml).
if [ "${WASM_OPT:-1}" != 0 ]; then
  WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
  [ -x "$WASM_OPT_BIN" ] || die "wasm-opt missing: run scripts/setup.sh npm (binaryen is a root devDependency)"
  FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
            --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd)
  pids=()
  for f in "$PKG/web/hcp_segments_bg.wasm" "$PKG/node/hcp_segments_bg.wasm"; do
    log "wasm-opt $OPT_LEVEL $(basename "$(dirname "$f")")/$(basename "$f")"
    ( "$WASM_OPT_BIN" "$OPT_LEVEL" "${FEATURES[@]}" "$f" -o "$f.opt" && mv "$f.opt" "$f" ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || die "wasm-opt failed"; done
fi

# --- the JS around the bindings -------------------------------------------------------------
# The exported functions, read from the bindings (wasm-bindgen's own initSync excluded): the
# web entry gets one init-checking wrapper each, the Node ESM entry one named export each.
mapfile -t FNS < <(grep -oE '^export function [A-Za-z_][A-Za-z0-9_]*\(' "$PKG/web/hcp_segments.js" \
  | sed -E 's/^export function ([A-Za-z0-9_]+)\(/\1/' | grep -vE '^(initSync|start|__.*)$' | sort -u)
log "exports: ${FNS[*]}"
cp js/web/index.js "$PKG/web/index.js"
for fn in "${FNS[@]}"; do
  printf '\nexport function %s(...args) {\n  need("%s");\n  return wasm.%s(...args);\n}\n' "$fn" "$fn" "$fn" >> "$PKG/web/index.js"
done
cp js/node/index.cjs js/node/index.mjs "$PKG/node/"
printf 'export const { %s } = api;\n' "$(IFS=,; echo "${FNS[*]}" | sed 's/,/, /g')" >> "$PKG/node/index.mjs"
# wasm-bindgen's nodejs output is CommonJS; the package is "type": "module".
printf '{ "type": "commonjs" }\n' > "$PKG/node/package.json"
cp js/worker/index.js js/worker/worker.js "$PKG/worker/"
cp js/cli.js "$PKG/cli.js"
chmod +x "$PKG/cli.js"

# --- types: one source (js/types.d.ts), one self-contained file per entry point --------------
# Value declarations are the `export declare function` lines; everything else is shared types.
node scripts/assemble-types.mjs js/types.d.ts "$PKG"

# --- package.json -----------------------------------------------------------------------------
node scripts/assemble-package-json.mjs "$VERSION" > "$PKG/package.json"
[ -f README.md ] && cp README.md "$PKG/README.md"
for f in LICENSE LICENSE-MIT LICENSE-APACHE; do [ -f "$f" ] && cp "$f" "$PKG/"; done

log "pkg/ assembled (hcp-segments@$VERSION):"
for f in "$PKG/web/hcp_segments_bg.wasm" "$PKG/node/hcp_segments_bg.wasm"; do
  printf '  %-32s %8d bytes, %8d gzip\n' "${f#"$ROOT"/}" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)" >&2
done
