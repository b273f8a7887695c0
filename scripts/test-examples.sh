#!/usr/bin/env bash
# Install the packed tarball into a copy of each example (examples/*), build the bundler ones,
# run each: Node ones with node, browser ones in headless Chromium, test-runner ones with their
# runner. No registry for our package; the tools come from npm at the versions each example's
# package-lock.json pins (`npm ci`, from npm's cache when it has them).
#   scripts/test-examples.sh [NAME...]      default: all
# vite-dev is examples/vite served by `vite` (the dev server) instead of built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VERSION=$(awk -F'"' '/^version *=/ { print $2; exit }' Cargo.toml)
TARBALL="$ROOT/dist/hcp-segments-$VERSION.tgz"
[ -f "$TARBALL" ] || { echo "[examples] $TARBALL missing: run make package" >&2; exit 1; }
[ -d node_modules/playwright-core ] || scripts/setup.sh npm

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(node-esm node-cjs plain-html vite vite-dev webpack esbuild rollup parcel nextjs vitest jest)
work=$(mktemp -d /tmp/hcp-examples-XXXXXX)
server=""
# A dev or production server an example started (its own process group): stopped on exit.
stop_server() { [ -z "$server" ] || kill -- "-$server" 2>/dev/null || true; server=""; }
trap 'stop_server; rm -rf "$work"' EXIT
pass=0 fail=0 failed=()
export NEXT_TELEMETRY_DISABLED=1 PARCEL_WORKERS=1

# Start `$@` in DIR in its own process group, wait until PORT answers (up to 120 s).
serve() { # dir port command...
  local dir=$1 port=$2
  shift 2
  (cd "$dir" && exec setsid "$@" >"$dir/server.log" 2>&1) &
  server=$!
  for _ in $(seq 240); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
    kill -0 "$server" 2>/dev/null || break
    sleep 0.5
  done
  echo "server on port $port did not start:" >&2
  tail -20 "$dir/server.log" >&2
  return 1
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

run_example() {
  local name=$1 dir="$work/$1" source=$1 port
  [ "$name" = vite-dev ] && source=vite
  cp -r "examples/$source" "$dir"
  # The examples depend on "hcp-segments": "^0.1.0" as a user's app would; drop that line so npm
  # never asks the registry about our package (their lockfiles are made without it), and
  # install the tarball instead.
  node -e 'const f=process.argv[1],p=require(f);delete p.dependencies["hcp-segments"];require("fs").writeFileSync(f,JSON.stringify(p,null,2))' "$dir/package.json"
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null) || return 1
    (cd "$dir" && npm install --no-save --prefer-offline --no-audit --no-fund --loglevel=error "$TARBALL" >/dev/null) || return 1
  else
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "$TARBALL" >/dev/null) || return 1
  fi
  case "$name" in
    node-esm) (cd "$dir" && node index.mjs) ;;
    node-cjs) (cd "$dir" && node index.cjs) ;;
    plain-html) node scripts/run-example-page.mjs "$dir" /index.html ;;
    vite)
      (cd "$dir" && npx vite build --logLevel warn)
      ls "$dir"/dist/assets/*.wasm >/dev/null || { echo "vite build emitted no .wasm" >&2; return 1; }
      node scripts/run-example-page.mjs "$dir/dist" /index.html ;;
    vite-dev)
      port=$(free_port)
      serve "$dir" "$port" npx vite --port "$port" --strictPort --host 127.0.0.1 --logLevel warn || return 1
      node scripts/run-example-page.mjs "http://127.0.0.1:$port" / ;;
    webpack)
      (cd "$dir" && npm run --silent build >/dev/null) || return 1
      ls "$dir"/dist/*.wasm >/dev/null || { echo "webpack build emitted no .wasm" >&2; return 1; }
      node scripts/run-example-page.mjs "$dir/dist" /index.html ;;
    esbuild | rollup)
      (cd "$dir" && npm run --silent build >/dev/null) || return 1
      node scripts/run-example-page.mjs "$dir/dist" /index.html ;;
    parcel)
      (cd "$dir" && npm run --silent build >/dev/null) || return 1
      ls "$dir"/dist/*.wasm >/dev/null || { echo "parcel build emitted no .wasm" >&2; return 1; }
      node scripts/run-example-page.mjs "$dir/dist" /index.html ;;
    nextjs)
      (cd "$dir" && npx next build >"$dir/build.log" 2>&1) || { tail -30 "$dir/build.log" >&2; return 1; }
      port=$(free_port)
      serve "$dir" "$port" npx next start --port "$port" --hostname 127.0.0.1 || return 1
      node scripts/run-example-page.mjs "http://127.0.0.1:$port" / ;;
    vitest) (cd "$dir" && npx vitest run) ;;
    jest) (cd "$dir" && npx jest --ci) ;;
    *) echo "unknown example $name" >&2; return 1 ;;
  esac
}

for name in "${names[@]}"; do
  echo "--- example: $name"
  start=$SECONDS
  ok=0
  run_example "$name" || ok=$?
  stop_server
  rm -rf "${work:?}/$name" # its node_modules: freed now, and its time counted here
  if [ "$ok" = 0 ]; then
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
