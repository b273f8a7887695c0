#!/usr/bin/env bash
# The type test: tests/types/consumer.ts (ESM) and consumer.cts (CommonJS) compiled with
# `tsc --noEmit --strict` against the packed tarball installed into a fresh project, under Node's
# resolution (nodenext) and a bundler's.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VERSION=$(awk -F'"' '/^version *=/ { print $2; exit }' Cargo.toml)
TARBALL="$ROOT/dist/hcp-segments-$VERSION.tgz"
[ -f "$TARBALL" ] || { echo "[test-types] $TARBALL missing: run make package" >&2; exit 1; }
TSC="$ROOT/node_modules/.bin/tsc"
[ -x "$TSC" ] || { echo "[test-types] typescript missing: run scripts/setup.sh npm" >&2; exit 1; }

dir=$(mktemp -d /tmp/hcp-types-XXXXXX)
trap 'rm -rf "$dir"' EXIT
(cd "$dir" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "$TARBALL" >/dev/null)
cp tests/types/consumer.ts tests/types/consumer.cts tests/types/tsconfig.json tests/types/tsconfig.bundler.json "$dir/"

pass=0 fail=0
for cfg in tsconfig.json tsconfig.bundler.json; do
  if (cd "$dir" && "$TSC" -p "$cfg"); then
    echo "ok - tsc --noEmit --strict -p $cfg ($("$TSC" --version))"
    pass=$((pass + 1))
  else
    echo "not ok - tsc -p $cfg"
    fail=$((fail + 1))
  fi
done
echo "types: $pass passed, $fail failed"
[ "$fail" = 0 ]
