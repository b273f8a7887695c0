// The same page code works in the esbuild and Rollup examples (they copy it). Neither bundler
// rewrites `new URL("…", import.meta.url)`, so the package's web/ and worker/ folders are copied
// beside the bundle as static files (copy-package.mjs) and their URLs passed to the package.
import { init, initTools, generateSample, segment } from "hcp-segments";
import { createSegmenter } from "hcp-segments/worker";

// Where copy-package.mjs put the package's files, relative to this page.
const HCP = new URL("./hcp-segments/", document.baseURI);
const urls = {
  workerUrl: new URL("worker/worker.js", HCP),
  wasmUrl: new URL("web/hcp_segments_bg.wasm", HCP),
  toolsWasmUrl: new URL("web/hcp_segments_tools_bg.wasm", HCP),
};

const status = document.getElementById("status");
const list = document.getElementById("segments");

async function main() {
  // 1. Synchronous API on the main thread: the bundled JS loads the wasm from the copied files.
  await init(urls.wasmUrl);
  await initTools(urls.toolsWasmUrl);
  const small = segment(generateSample(500, 1), { k: 3, seed: 1 });

  // 2. Worker-backed API: the workers run the copied worker/worker.js.
  const segmenter = createSegmenter({ ...urls, workers: 2 });
  const csv = await segmenter.generateSample(3000, 42);
  const result = await segmenter.segment(csv, { k: "auto", seed: 42 }, {
    onProgress: (p) => (status.textContent = `${p.stage} ${p.done}/${p.total}`),
  });
  segmenter.dispose();
  const sync = segment(csv, { k: "auto", seed: 42 });

  for (const s of result.segments) {
    const li = document.createElement("li");
    li.textContent = `${s.name}: ${s.size} HCPs (${(100 * s.share).toFixed(1)}%)`;
    list.append(li);
  }
  status.textContent = `k = ${result.quality.k}`;
  const same = JSON.stringify(result.assignments) === JSON.stringify(sync.assignments);
  window.__hcpResult = { ok: same, same, k: result.segments.length, smallK: small.segments.length };
}

main().catch((e) => {
  status.textContent = `error: ${e.message}`;
  window.__hcpResult = { ok: false, code: e.code, error: String(e && e.stack ? e.stack : e) };
});
