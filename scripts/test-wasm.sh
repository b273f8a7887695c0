#!/usr/bin/env bash
# Run the crate's #[wasm_bindgen_test] tests under wasm32, with wasm-bindgen-test-runner.
#   scripts/test-wasm.sh node      in Node (the default environment)
#   scripts/test-wasm.sh browser   in headless Chromium through chromedriver (webdriver.json at
#                                  the repo root gives Chromium its flags: headless, no sandbox
#                                  since CI runs as root, no background network)
# Extra arguments go to cargo test (e.g. a test name filter after --).
# Tests forced with wasm_bindgen_test_configure!(run_in_browser) run in Chromium either way.
set -euo pipefail
cd "$(dirname "$0")/.."
where=${1:-node}
shift || true

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-300}
case "$where" in
  node)
    unset WASM_BINDGEN_USE_BROWSER
    ;;
  browser)
    export WASM_BINDGEN_USE_BROWSER=1
    export CHROMEDRIVER=${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}
    [ -x "$CHROMEDRIVER" ] || { echo "[test-wasm] chromedriver not found: run scripts/setup.sh" >&2; exit 1; }
    [ -f webdriver.json ] || { echo "[test-wasm] webdriver.json missing at the repo root" >&2; exit 1; }
    ;;
  *) echo "usage: $0 node|browser [cargo test args]" >&2; exit 2 ;;
esac
echo "[test-wasm] cargo test --target wasm32-unknown-unknown ($where)" >&2
# Optimised (the debug wasm of ndarray/linfa code is ~10x slower, and the tests cluster real
# data), but without the release profile's LTO and single codegen unit: those make every test
# binary a slow whole-program link. Debug assertions and overflow checks on, as in a debug
# build. Same settings as `make test-native`.
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true
export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true
exec cargo test --release --target wasm32-unknown-unknown "$@"
