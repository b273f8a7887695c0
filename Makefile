# hcp-segments: build, package, demo and test. Every target sets the machine up first
# (scripts/setup.sh is idempotent and quick when everything is there).
#
#   make setup     rust wasm target, wasm-bindgen CLI (= Cargo.lock's version), chromium,
#                  chromium-driver, firefox-esr, webkit2gtk-driver, xvfb (Debian), geckodriver
#                  (crates.io), root node_modules (npm ci, incl. binaryen)
#   make wasm      cargo build (wasm32) + wasm-bindgen (web, nodejs) + wasm-opt -> pkg/
#   make package   pkg/ -> dist/hcp-segments-<version>.tgz (npm pack)
#   make demo      the CLI on the bundled sample universe (5,000 HCPs, seed 42): segments,
#                  stability, test cells, budget plan; then demo-page
#   make test      every test: native, wasm (Node + headless Chromium), JS on the packed
#                  tarball (and publint + attw on it), types, examples, page e2e, the package
#                  and the page in three engines, the warehouse SQL on DuckDB and Spark
#   make test-browsers  the package suite and the page's main journey in Chromium, Firefox ESR
#                  and WebKitGTK (W3C WebDriver), each compared with Node (HCP_ENGINES=webkit,...)
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VERSION := $(shell awk -F'"' '/^version *=/ { print $$2; exit }' Cargo.toml)
TARBALL := dist/hcp-segments-$(VERSION).tgz
SAMPLE_N ?= 5000
SAMPLE_SEED ?= 42

.PHONY: help setup wasm package demo demo-cli demo-page test test-native test-wasm \
        test-wasm-node test-wasm-browser test-js lint-package test-types test-examples test-e2e \
        test-browsers bench clean

help:
	@awk '/^$$/ { exit } /^#/ { sub(/^# ?/, ""); print }' Makefile

setup:
	scripts/setup.sh

# pkg/ and the tarball are rebuilt only when a source changed, so `make test` builds them once.
SOURCES := $(shell find src js -type f 2>/dev/null) Cargo.toml $(wildcard Cargo.lock) \
           LICENSE-MIT LICENSE-APACHE scripts/build-wasm.sh $(wildcard scripts/assemble-*.mjs)

pkg/package.json: $(SOURCES) | setup
	scripts/build-wasm.sh

$(TARBALL): pkg/package.json scripts/pack.sh
	scripts/pack.sh

wasm: setup pkg/package.json

package: wasm $(TARBALL)

# --- demo ---------------------------------------------------------------------------------------
demo: demo-cli demo-page

demo-cli: wasm
	@mkdir -p target/demo
	node pkg/cli.js sample --n $(SAMPLE_N) --seed $(SAMPLE_SEED) --out target/demo/sample-$(SAMPLE_N)-$(SAMPLE_SEED).csv
	node pkg/cli.js segment target/demo/sample-$(SAMPLE_N)-$(SAMPLE_SEED).csv --k auto --seed $(SAMPLE_SEED) \
	  --json target/demo/result.json --assignments target/demo/assignments.csv
	@# Targeting on the same segments: stability (few resamples, to stay quick), test cells, budget.
	node pkg/cli.js stability target/demo/result.json target/demo/sample-$(SAMPLE_N)-$(SAMPLE_SEED).csv --resamples 5
	node pkg/cli.js cells target/demo/result.json target/demo/sample-$(SAMPLE_N)-$(SAMPLE_SEED).csv --arms A,B \
	  --holdout 0.1 --seed $(SAMPLE_SEED) --out target/demo/cells.csv
	node pkg/cli.js plan target/demo/result.json --budget 100000 --out target/demo/plan.csv

# The page (www/, built with vite against pkg/), served on 127.0.0.1 until Ctrl-C.
demo-page: wasm
	bash www/e2e.sh --build
	node www/serve.mjs --port $${PORT:-4173}

# --- tests --------------------------------------------------------------------------------------
# Order matters: test-native writes target/native-labels.json, which test-js compares against.
test: setup
	@set -e; t0=$$SECONDS; times=""; \
	for t in test-native test-wasm package test-js test-types test-examples test-e2e test-browsers test-warehouse test-warehouse-spark; do \
	  s=$$SECONDS; $(MAKE) --no-print-directory $$t; times="$$times $$t=$$((SECONDS - s))s"; \
	done; \
	echo "make test: all passed in $$((SECONDS - t0)) s ($$times )"

# The Rust tests run optimised: ndarray/linfa code at opt-level 0 makes the clustering tests
# take minutes. Release profile without LTO (which would make every test binary a slow
# whole-program link), with debug assertions and overflow checks on as in a debug build.
# scripts/test-wasm.sh sets the same, so host build artifacts are shared.
TEST_PROFILE := CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
                CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true

test-native:
	$(TEST_PROFILE) cargo test --release

test-wasm: test-wasm-node test-wasm-browser

test-wasm-node: setup
	scripts/test-wasm.sh node

test-wasm-browser: setup
	scripts/test-wasm.sh browser

# JS tests against the packed tarball installed into a fresh temp project (node --test), after
# the tarball's lint.
test-js: package lint-package
	node --test --test-reporter=spec tests/js/

# publint and @arethetypeswrong/cli on the packed tarball: any message fails (offline).
lint-package: package
	node scripts/lint-package.mjs $(TARBALL)

test-types: package
	scripts/test-types.sh

test-examples: package
	scripts/test-examples.sh

# The generated SQL (src/warehouse) on DuckDB, then on Spark in local mode (a JVM start per
# query: the slower half), against the engine's aggregate_events and assign (tests/warehouse.rs).
WAREHOUSE_PYTHON := $(CURDIR)/target/warehouse-venv/bin/python

test-warehouse:
	scripts/setup.sh warehouse
	HCP_WAREHOUSE_PYTHON=$(WAREHOUSE_PYTHON) $(TEST_PROFILE) cargo test --release --test warehouse -- --test-threads 1

test-warehouse-spark:
	scripts/setup.sh warehouse
	HCP_WAREHOUSE_PYTHON=$(WAREHOUSE_PYTHON) HCP_WAREHOUSE_SPARK=1 $(TEST_PROFILE) cargo test --release --test warehouse spark

# The page's end-to-end tests in headless Chromium (www/e2e.sh: vite build + tests/e2e/).
test-e2e: wasm
	bash www/e2e.sh

# The package (packed tarball, no bundler, strict CSP) and the page's main journey (www/dist) in
# Chromium, Firefox ESR and WebKitGTK over W3C WebDriver, every answer compared with Node's
# (tests/browsers/). One engine at a time: the 2-core CI machine runs them in about a minute.
test-browsers: package
	bash www/e2e.sh --build
	node --test --test-concurrency=1 --test-reporter=spec tests/browsers/

# hcp-segments vs scikit-learn, ml-kmeans and linfa (native) on the same matrices, the 1M-row
# worker pool in Chromium, the pool's scaling in Node; bench/README.md. Results in bench/results/.
bench: wasm
	scripts/bench.sh

clean:
	rm -rf pkg dist target/demo tests/artifacts
