// Under load: segmenting the 2,000-row sample 300 times in one Node process does not grow memory
// without bound, and a thrown error leaves the module working.
//
// Measured: the wasm linear memory (it only ever grows, so a plateau is exact) through the debug
// export `debugMemoryBytes` of the glue module the package loads (same file, so the same
// instance), and the process RSS.
// Runs: HCP_MEMORY_RUNS (default 300).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { before, test } from "node:test";
import v8 from "node:v8";
import vm from "node:vm";
import { freshProject } from "./helpers.mjs";

// A GC before each measurement, also without --expose-gc on the command line.
v8.setFlagsFromString("--expose-gc");
const gc = globalThis.gc ?? vm.runInNewContext("gc");

const RUNS = Number(process.env.HCP_MEMORY_RUNS || 300);
const WARMUP = 50;

let hs;
let memoryBytes;
before(() => {
  const dir = freshProject("hcp-memory-");
  const req = createRequire(join(dir, "package.json"));
  hs = req("hcp-segments");
  const glue = req(join(dir, "node_modules", "hcp-segments", "node", "hcp_segments.js"));
  memoryBytes = glue.debugMemoryBytes;
});

const wasmBytes = () => memoryBytes();
const mb = (b) => (b / 1048576).toFixed(1);

test(`segmenting 2,000 rows ${RUNS} times: memory stops growing after warm-up`, () => {
  assert.equal(typeof memoryBytes, "function", "the glue has no debugMemoryBytes export");
  const csv = hs.generateSample(2000, 7);
  const first = hs.segment(csv, { k: 6, seed: 1 });
  const at = {};
  const t0 = Date.now();
  for (let i = 1; i <= RUNS; i++) {
    const r = hs.segment(csv, { k: 6, seed: 1 });
    if (i % 25 === 0 || i === 1) assert.deepEqual(r.assignments.slice(0, 20), first.assignments.slice(0, 20), `run ${i} differs`);
    if (i === 1 || i === WARMUP || i === RUNS || i % 50 === 0) {
      gc();
      const m = process.memoryUsage();
      at[i] = { wasm: wasmBytes(), rss: m.rss, heap: m.heapUsed + m.external };
    }
  }
  const secs = (Date.now() - t0) / 1000;
  const rows = Object.entries(at).map(([i, m]) => `run ${i}: wasm ${mb(m.wasm)} MB, JS heap+external ${mb(m.heap)} MB, rss ${mb(m.rss)} MB`);
  console.log(`[memory] ${RUNS} runs in ${secs.toFixed(1)} s\n[memory] ${rows.join("\n[memory] ")}`);
  const wasmGrowth = (at[RUNS].wasm - at[WARMUP].wasm) / at[WARMUP].wasm;
  const heapGrowth = (at[RUNS].heap - at[WARMUP].heap) / at[WARMUP].heap;
  const rssGrowth = at[RUNS].rss - at[WARMUP].rss;
  console.log(
    `[memory] growth run ${WARMUP} → ${RUNS}: wasm ${(wasmGrowth * 100).toFixed(1)} %, JS heap+external ${(heapGrowth * 100).toFixed(1)} %, rss +${mb(rssGrowth)} MB`,
  );
  // The wasm linear memory and the live JS memory (after a GC) must plateau: < 10 % growth.
  assert.ok(wasmGrowth < 0.1, `wasm memory grew ${(wasmGrowth * 100).toFixed(1)} % after warm-up`);
  assert.ok(heapGrowth < 0.1, `live JS memory grew ${(heapGrowth * 100).toFixed(1)} % after warm-up`);
  // RSS also reflects V8 reserving pages it does not return (it steps up by ~15 MB now and then
  // with flat live memory), so it gets a looser bound: keeping every 2,000-row result alive
  // (~1 MB each) would add ~250 MB.
  assert.ok(rssGrowth < 64 * 1048576, `RSS grew ${mb(rssGrowth)} MB after warm-up`);
});

test("after thrown errors the module keeps working, with the same answers", () => {
  const csv = hs.generateSample(500, 9);
  const before = hs.segment(csv, { k: 4, seed: 3 });
  const bad = [
    ["hcp_id,ch_x\na,-1\n", undefined, "NEGATIVE_COUNT"],
    ["", undefined, "EMPTY_INPUT"],
    ["hcp_id,ch_x\na,\"1\n", undefined, "CSV_SYNTAX"],
    [csv, { k: 65 }, "TOO_LARGE"],
    [csv, { nope: 1 }, "INVALID_OPTION"],
    [csv, { pseudonymize: { salt: "x" } }, "INVALID_OPTION"],
    ["hcp_id,ch_x\na,1\nb,1\n", { k: 2 }, "TOO_FEW_DISTINCT"],
  ];
  for (let round = 0; round < 20; round++) {
    for (const [input, options, code] of bad) {
      assert.throws(() => hs.segment(input, options), (e) => e.code === code, `${code}`);
    }
    assert.throws(() => hs.assign("{}", csv), (e) => e.code === "INVALID_MODEL");
    const tampered = { ...before.model, centroids: before.model.centroids.map((c) => c.map((v) => v + 1)) };
    assert.throws(() => hs.assign(tampered, csv), (e) => e.code === "INVALID_MODEL" && /checksum mismatch/.test(e.message));
  }
  const after = hs.segment(csv, { k: 4, seed: 3 });
  assert.deepEqual(after.assignments, before.assignments);
  assert.deepEqual(hs.assign(before.model, csv).assignments.map((a) => a.segment), before.assignments.map((a) => a.segment));
});
