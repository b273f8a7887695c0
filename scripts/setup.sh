#!/usr/bin/env bash
# Idempotent machine setup for hcp-segments. (wasm-opt comes from the npm package binaryen, a
# root devDependency: Debian bookworm's binaryen 108 corrupts wasm-bindgen's externref table.)
# Safe on a fresh machine (Rust toolchain and Node
# assumed); fast when everything is already there. Only crates.io, npm and Debian are used:
# no wasm-pack, no downloaded browsers or drivers.
#
#   scripts/setup.sh            everything (rust target, wasm-bindgen CLI, apt packages, npm ci)
#   scripts/setup.sh rust       only the Rust side (target + wasm-bindgen CLI)
#   scripts/setup.sh apt        only chromium / chromium-driver / poppler-utils (headless tests)
#   scripts/setup.sh browsers   only the other two engines of `make test-browsers`: Firefox ESR +
#                               geckodriver (crates.io), WebKitGTK's WebKitWebDriver + Xvfb (Debian)
#   scripts/setup.sh npm        only the root node_modules
#   scripts/setup.sh warehouse  only the SQL engines the warehouse tests run (DuckDB, Spark: PyPI
#                               packages in a venv under target/; Spark needs Java 17)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# The wasm-bindgen version the crate links against, from Cargo.lock (or Cargo.toml's "=x.y.z" pin
# when the lock file is not there yet). The CLI must be exactly this version.
wasm_bindgen_version() {
  local v=""
  if [ -f Cargo.lock ]; then
    v=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  fi
  if [ -z "$v" ]; then
    v=$(grep -E '^wasm-bindgen *= *"=' Cargo.toml | head -1 | sed -E 's/.*"=([^"]+)".*/\1/')
  fi
  [ -n "$v" ] || die "cannot find the wasm-bindgen version in Cargo.lock or Cargo.toml"
  echo "$v"
}

setup_rust() {
  command -v cargo >/dev/null || die "cargo not found: install the Rust toolchain (rustup) first"
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  local want have
  want=$(wasm_bindgen_version)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" = "$want" ] && command -v wasm-bindgen-test-runner >/dev/null; then
    return 0
  fi
  # Another install of the same CLI may be running (e.g. started by hand); wait for it instead of
  # racing it for the same files.
  while pgrep -f "cargo install wasm-bindgen-cli" >/dev/null 2>&1; do
    log "waiting for a running 'cargo install wasm-bindgen-cli' to finish..."
    sleep 15
  done
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
    log "cargo install wasm-bindgen-cli --version $want --locked (had: ${have:-none}; takes a few minutes)"
    cargo install wasm-bindgen-cli --version "$want" --locked --force
  fi
  have=$(wasm-bindgen --version | awk '{print $2}')
  [ "$have" = "$want" ] || die "wasm-bindgen CLI is $have, Cargo.lock wants $want (is ~/.cargo/bin first on PATH?)"
}

setup_apt() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils) # the report test turns its PDF into page images
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
  fi
}

# geckodriver is built from crates.io (no downloaded binaries); this version drives Firefox ESR 153.
GECKODRIVER_VERSION=0.37.1

# The engines of `make test-browsers` besides Chromium: Firefox ESR through geckodriver, and
# WebKitGTK through WebKitWebDriver and its MiniBrowser, which needs an X display (Xvfb).
setup_browsers() {
  local missing=()
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null || missing+=(xvfb)
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
  fi
  local have
  have=$(geckodriver --version 2>/dev/null | awk 'NR == 1 { print $2 }' || true)
  if [ "$have" != "$GECKODRIVER_VERSION" ]; then
    command -v cargo >/dev/null || die "cargo not found: install the Rust toolchain (rustup) first"
    log "cargo install geckodriver --version $GECKODRIVER_VERSION --locked (had: ${have:-none}; takes a few minutes)"
    cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked --force
    have=$(geckodriver --version | awk 'NR == 1 { print $2 }')
    [ "$have" = "$GECKODRIVER_VERSION" ] || die "geckodriver is $have, wanted $GECKODRIVER_VERSION (is ~/.cargo/bin first on PATH?)"
  fi
}

setup_npm() {
  command -v npm >/dev/null || die "npm not found: install Node.js 20+ first"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js 20+ required, found $(node --version)"
  # Stale = the lock changed since the last install (npm writes node_modules/.package-lock.json).
  if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] \
     || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# The SQL engines the warehouse tests run the generated queries on (tests/warehouse.rs), pinned,
# in a venv under target/ (no system Python packages touched). Spark also needs a Java 17+ runtime.
WAREHOUSE_VENV=target/warehouse-venv
WAREHOUSE_PACKAGES=(duckdb==1.1.3 pyspark==3.5.3)
setup_warehouse() {
  command -v python3 >/dev/null || die "python3 not found: install Python 3.9+ (Debian: python3 python3-venv)"
  local py="$WAREHOUSE_VENV/bin/python"
  if [ -x "$py" ] && "$py" - "${WAREHOUSE_PACKAGES[@]}" <<'PY' 2>/dev/null; then return 0; fi
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    assert version(name) == want, pin
PY
  if [ ! -x "$py" ]; then
    log "python3 -m venv $WAREHOUSE_VENV"
    python3 -m venv "$WAREHOUSE_VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  fi
  log "pip install ${WAREHOUSE_PACKAGES[*]} (Spark is ~300 MB)"
  "$py" -m pip install --quiet --disable-pip-version-check "${WAREHOUSE_PACKAGES[@]}"
  if ! command -v java >/dev/null; then
    log "apt-get install openjdk-17-jre-headless (Spark, for the warehouse tests)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless
  fi
}

case "${1:-all}" in
  rust) setup_rust ;;
  apt) setup_apt ;;
  browsers) setup_browsers ;;
  npm) setup_npm ;;
  warehouse) setup_warehouse ;;
  all) setup_apt; setup_rust; setup_browsers; setup_npm; setup_warehouse ;;
  *) die "unknown part '$1' (rust|apt|browsers|npm|warehouse|all)" ;;
esac
