#!/usr/bin/env bash
# Install the packed tarball into a copy of each example (examples/*), build the bundler ones,
# run each: Node ones with node, browser ones in headless Chromium. No registry for our package;
# vite and webpack come from npm at the versions the examples pin.
#   scripts/test-examples.sh [NAME...]      default: all
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VERSION=$(awk -F'"' '/^version *=/ { print $2; exit }' Cargo.toml)
TARBALL="$ROOT/dist/hcp-segments-$VERSION.tgz"
[ -f "$TARBALL" ] || { echo "[examples] $TARBALL missing: run make package" >&2; exit 1; }
[ -d node_modules/playwright-core ] || scripts/setup.sh npm

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(node-esm node-cjs plain-html vite webpack)
work=$(mktemp -d /tmp/hcp-examples-XXXXXX)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0 failed=()

run_example() {
  local name=$1 dir="$work/$1"
  cp -r "examples/$name" "$dir"
  # The examples depend on "hcp-segments": "^0.1.0" as a user's app would; drop that line so npm
  # never asks the registry about our package, and install the tarball instead.
  node -e 'const f=process.argv[1],p=require(f);delete p.dependencies["hcp-segments"];require("fs").writeFileSync(f,JSON.stringify(p,null,2))' "$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "$TARBALL" >/dev/null)
  case "$name" in
    node-esm) (cd "$dir" && node index.mjs) ;;
    node-cjs) (cd "$dir" && node index.cjs) ;;
    plain-html) node scripts/run-example-page.mjs "$dir" /index.html ;;
    vite)
      (cd "$dir" && npx vite build --logLevel warn)
      ls "$dir"/dist/assets/*.wasm >/dev/null || { echo "vite build emitted no .wasm" >&2; return 1; }
      node scripts/run-example-page.mjs "$dir/dist" /index.html ;;
    webpack)
      (cd "$dir" && npm run --silent build >/dev/null)
      ls "$dir"/dist/*.wasm >/dev/null || { echo "webpack build emitted no .wasm" >&2; return 1; }
      node scripts/run-example-page.mjs "$dir/dist" /index.html ;;
    *) echo "unknown example $name" >&2; return 1 ;;
  esac
}

for name in "${names[@]}"; do
  echo "--- example: $name"
  start=$SECONDS
  if run_example "$name"; then
    echo "ok - example $name ($((SECONDS - start)) s)"
    pass=$((pass + 1))
  else
    echo "not ok - example $name"
    fail=$((fail + 1))
    failed+=("$name")
  fi
done
echo "examples: $pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "failed: ${failed[*]}" >&2; exit 1; }
