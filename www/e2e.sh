#!/usr/bin/env bash
# Build the targeting page against the built package (pkg/, www's "file:../pkg" dependency) and
# run its end-to-end tests in Debian's headless Chromium. Called by `make test-e2e`.
#
#   bash www/e2e.sh            build + test
#   bash www/e2e.sh --build    build only (www/dist), e.g. for `make demo`
# Env: CHROMIUM_PATH (default /usr/bin/chromium). Screenshots and timings go to tests/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"
WWW=$(pwd)
ROOT=$(cd .. && pwd)

log() { printf '[www] %s\n' "$*" >&2; }
die() { printf '[www] error: %s\n' "$*" >&2; exit 1; }

[ -f "$ROOT/pkg/package.json" ] || die "pkg/ is not built: run 'make wasm' first"
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || [ "${1:-}" = --build ] || die "no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}: run scripts/setup.sh apt"

# Install (idempotent). `npm install` rather than `npm ci`: the local package's version in the
# lock file follows pkg/, which is rebuilt from the tree.
if [ ! -d node_modules/vite ] || [ ! -e node_modules/hcp-segments/package.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  log "npm install (www)"
  npm install --no-audit --no-fund --loglevel=error
fi
# The test harness imports playwright-core from the root devDependencies.
[ -d "$ROOT/node_modules/playwright-core" ] || (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)

log "vite build -> www/dist"
npx vite build --logLevel warn
[ -f dist/index.html ] || die "vite build produced no dist/index.html"
ls dist/assets/*.wasm >/dev/null 2>&1 || die "the build has no .wasm asset: the package's worker/wasm URLs were not bundled"

[ "${1:-}" = --build ] && exit 0

log "e2e tests (node --test tests/e2e/)"
cd "$ROOT"
node --test --test-concurrency=1 --test-reporter=spec tests/e2e/
