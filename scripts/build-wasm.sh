#!/usr/bin/env bash
# Build the three wasm modules (the segmentation, the tools and the workbook reader:
# src/wasm/mod.rs), bind each for the
# web and for Node, optimise them, and assemble the npm package in pkg/ (gitignored).
# `make package` then packs pkg/ into dist/.
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
# speed, measured: docs/package.md "Building the package"). Passed to our crate only,
# which is enough: under fat LTO its rustc runs the whole program's optimisation. Inlining does
# not change float results, so native/wasm bit parity holds.
INLINE_THRESHOLD=${WASM_INLINE_THRESHOLD:-75}
RAW_DIR="$TARGET_DIR/wasm32-unknown-unknown/release"

# Two modules from one crate (src/wasm/mod.rs): the segmentation, which a page loads first
# (init()), and the tools, which it loads when it needs them (initTools()). Each build keeps only
# its feature's exports, and LTO drops the code only the other one uses.
build_module() { # feature, module name
  log "cargo rustc --release --target wasm32-unknown-unknown --lib --no-default-features --features $1 -- -C llvm-args=-inline-threshold=$INLINE_THRESHOLD"
  cargo rustc --release --target wasm32-unknown-unknown --lib --no-default-features --features "$1" \
    -- -C "llvm-args=-inline-threshold=$INLINE_THRESHOLD"
  [ -f "$RAW_DIR/hcp_segments.wasm" ] || die "$RAW_DIR/hcp_segments.wasm not produced"
  cp "$RAW_DIR/hcp_segments.wasm" "$RAW_DIR/$2.raw.wasm"
}
build_module wasm-tools hcp_segments_tools
build_module wasm-workbooks hcp_segments_workbooks
build_module wasm-segment hcp_segments

rm -rf "$PKG"
mkdir -p "$PKG/web" "$PKG/node" "$PKG/worker"
log "wasm-bindgen --target web / --target nodejs"
for module in hcp_segments hcp_segments_tools hcp_segments_workbooks; do
  wasm-bindgen --target web --out-dir "$PKG/web" --out-name "$module" "$RAW_DIR/$module.raw.wasm"
  wasm-bindgen --target nodejs --out-dir "$PKG/node" --out-name "$module" "$RAW_DIR/$module.raw.wasm"
done

# The boundary must export the whole contract; say so plainly when it does not (yet).
exports_of() { grep -oE '^export function [A-Za-z_][A-Za-z0-9_]*\(' "$PKG/web/$1.js" | sed -E 's/^export function ([A-Za-z0-9_]+)\(/\1/'; }
SEGMENT_EXPORTS=" $(exports_of hcp_segments | tr '\n' ' ') "
TOOLS_EXPORTS=" $(exports_of hcp_segments_tools | tr '\n' ' ') "
missing=()
for fn in segment kmeans version; do [[ $SEGMENT_EXPORTS == *" $fn "* ]] || missing+=("$fn (segmentation)"); done
for fn in assign generateSample segmentSummary; do [[ $TOOLS_EXPORTS == *" $fn "* ]] || missing+=("$fn (tools)"); done
[[ " $(exports_of hcp_segments_workbooks | tr '\n' ' ') " == *" readTable "* ]] || missing+=("readTable (workbooks)")
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
  for f in "$PKG"/{web,node}/hcp_segments{,_tools,_workbooks}_bg.wasm; do
    log "wasm-opt $OPT_LEVEL $(basename "$(dirname "$f")")/$(basename "$f")"
    ( "$WASM_OPT_BIN" "$OPT_LEVEL" "${FEATURES[@]}" "$f" -o "$f.opt" && mv "$f.opt" "$f" ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || die "wasm-opt failed"; done
fi

# --- the JS around the bindings -------------------------------------------------------------
# The exported functions, read from the bindings (wasm-bindgen's own initSync excluded): the
# web entry gets one wrapper each that checks its module is loaded (the segmentation's: init();
# the tools': initTools()) and hands a workbook to the workbook module first; the Node ESM entry
# one named export each. Every module exports `version` and `debugMemoryBytes`; the
# segmentation's are the ones exported.
internal='^(initSync|start|__.*)$'
mapfile -t FNS < <(exports_of hcp_segments | grep -vE "$internal" | sort -u)
mapfile -t TOOL_FNS < <(exports_of hcp_segments_tools | grep -vE "$internal" | grep -vxF -f <(printf '%s\n' "${FNS[@]}") | sort -u)
log "exports: ${FNS[*]} | tools: ${TOOL_FNS[*]}"
cp js/web/index.js "$PKG/web/index.js"
# Functions js/web/index.js writes itself, if any.
mapfile -t OWN < <(grep -oE '^export function [A-Za-z_][A-Za-z0-9_]*\(' js/web/index.js | sed -E 's/^export function ([A-Za-z0-9_]+)\(/\1/')
own() { [[ " ${OWN[*]} " == *" $1 "* ]]; }
for fn in "${FNS[@]}"; do
  own "$fn" || printf '\nexport function %s(...args) {\n  need("%s");\n  return readingWorkbooks(wasm.%s, args);\n}\n' "$fn" "$fn" "$fn" >> "$PKG/web/index.js"
done
for fn in "${TOOL_FNS[@]}"; do
  own "$fn" || printf '\nexport function %s(...args) {\n  needTools("%s");\n  return readingWorkbooks(tools.%s, args);\n}\n' "$fn" "$fn" "$fn" >> "$PKG/web/index.js"
done
printf '\nexport function readTable(...args) {\n  needWorkbooks("readTable");\n  return workbooks.readTable(...args);\n}\n' >> "$PKG/web/index.js"
ALL_FNS=("${FNS[@]}" "${TOOL_FNS[@]}" readTable)
cp js/node/index.cjs js/node/index.mjs "$PKG/node/"
printf 'export const { %s } = api;\n' "$(IFS=,; echo "${ALL_FNS[*]}" | sed 's/,/, /g')" >> "$PKG/node/index.mjs"
# wasm-bindgen's nodejs output is CommonJS; the package is "type": "module".
printf '{ "type": "commonjs" }\n' > "$PKG/node/package.json"
# The worker entries (index.js; node.js, node.cjs in Node), their modules, and the worker
# scripts (worker.js; node-thread.js in Node).
cp js/worker/*.js js/worker/*.cjs "$PKG/worker/"
# The CLI: the entry (the bin) and its modules, one per command (cli/), beside node/.
cp js/cli.js "$PKG/cli.js"
chmod +x "$PKG/cli.js"
cp -r js/cli "$PKG/cli"

# --- types: one source (js/types.d.ts), one self-contained file per entry point --------------
# Value declarations are the `export declare function` lines; everything else is shared types.
node scripts/assemble-types.mjs js/types.d.ts "$PKG"
# TypeScript's older `moduleResolution: node` (node10) ignores the exports map and looks for
# `<subpath>/index.d.ts`: point it at the same declarations.
printf 'export * from "../index.js";\n' > "$PKG/web/index.d.ts"
printf 'export * from "../index.cjs";\n' > "$PKG/node/index.d.ts"

# --- package.json -----------------------------------------------------------------------------
node scripts/assemble-package-json.mjs "$VERSION" > "$PKG/package.json"
# The README written for the package's users (the root README.md is the developers').
cp js/README.md "$PKG/README.md"
cp LICENSE-MIT LICENSE-APACHE "$PKG/"

log "pkg/ assembled (hcp-segments@$VERSION):"
# The size target is for the first download: the segmentation module under 300 KB gzip.
SEGMENT_GZIP=$(gzip -9c "$PKG/web/hcp_segments_bg.wasm" | wc -c)
[ "$SEGMENT_GZIP" -lt 300000 ] || log "warning: web/hcp_segments_bg.wasm is $SEGMENT_GZIP bytes gzip, over the 300 KB target (docs/package.md)"
for f in "$PKG"/{web,node}/hcp_segments{,_tools,_workbooks}_bg.wasm; do
  printf '  %-32s %8d bytes, %8d gzip\n' "${f#"$ROOT"/}" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)" >&2
done
