// The published package.json (written to pkg/ by scripts/build-wasm.sh). Usage: node … VERSION
const version = process.argv[2];
if (!version) throw new Error("usage: assemble-package-json.mjs VERSION");

// Where the source, the docs and the issue tracker live: the package README's links point
// under it, so they work on the registry's page. Cargo.toml's `repository` repeats it.
const REPOSITORY = "https://github.com/hcp-segments/hcp-segments";

const pkg = {
  name: "hcp-segments",
  version,
  description:
    "Segment healthcare professionals by engagement with k-means, entirely in the browser (Rust + WebAssembly). No network, no telemetry.",
  license: "MIT OR Apache-2.0",
  repository: { type: "git", url: `git+${REPOSITORY}.git` },
  homepage: `${REPOSITORY}#readme`,
  bugs: { url: `${REPOSITORY}/issues` },
  keywords: ["segmentation", "k-means", "kmeans", "clustering", "webassembly", "wasm", "hcp", "pharma", "gdpr"],
  type: "module",
  main: "./node/index.cjs",
  module: "./web/index.js",
  types: "./index.d.ts",
  exports: {
    ".": {
      node: {
        import: { types: "./index.d.ts", default: "./node/index.mjs" },
        require: { types: "./index.d.cts", default: "./node/index.cjs" },
      },
      browser: { types: "./index.d.ts", default: "./web/index.js" },
      default: { types: "./index.d.ts", default: "./web/index.js" },
    },
    // In Node the same createSegmenter() on worker threads (worker/node.js; node.cjs for require).
    "./worker": {
      node: {
        import: { types: "./worker/index.d.ts", default: "./worker/node.js" },
        require: { types: "./worker/index.d.cts", default: "./worker/node.cjs" },
      },
      types: "./worker/index.d.ts",
      default: "./worker/index.js",
    },
    // Explicit builds, for hosts that want to choose (e.g. the web build under Deno or in a test).
    "./web": { types: "./index.d.ts", default: "./web/index.js" },
    "./node": {
      import: { types: "./index.d.ts", default: "./node/index.mjs" },
      require: { types: "./index.d.cts", default: "./node/index.cjs" },
    },
    // The raw wasm modules, for hosts that serve them themselves and pass their URLs to
    // init()/initTools()/initWorkbooks()/createSegmenter({ wasmUrl, toolsWasmUrl, workbooksWasmUrl }).
    "./hcp_segments_bg.wasm": "./web/hcp_segments_bg.wasm",
    "./hcp_segments_tools_bg.wasm": "./web/hcp_segments_tools_bg.wasm",
    "./hcp_segments_workbooks_bg.wasm": "./web/hcp_segments_workbooks_bg.wasm",
    "./package.json": "./package.json",
  },
  bin: { "hcp-segments": "./cli.js" },
  files: [
    "web/hcp_segments.js",
    "web/hcp_segments_bg.wasm",
    "web/hcp_segments_tools.js",
    "web/hcp_segments_tools_bg.wasm",
    "web/hcp_segments_workbooks.js",
    "web/hcp_segments_workbooks_bg.wasm",
    "web/index.js",
    "web/index.d.ts",
    "node/hcp_segments.js",
    "node/hcp_segments_bg.wasm",
    "node/hcp_segments_tools.js",
    "node/hcp_segments_tools_bg.wasm",
    "node/hcp_segments_workbooks.js",
    "node/hcp_segments_workbooks_bg.wasm",
    "node/index.cjs",
    "node/index.d.ts",
    "node/index.mjs",
    "node/package.json",
    "worker/",
    "index.d.ts",
    "index.d.cts",
    "cli.js",
    "cli/",
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
  ],
  // The worker scripts run for their effect (they install their message handler); everything else is pure.
  sideEffects: ["./worker/worker.js", "./worker/node-thread.js", "./cli.js"],
  engines: { node: ">=20" },
};

process.stdout.write(JSON.stringify(pkg, null, 2) + "\n");
