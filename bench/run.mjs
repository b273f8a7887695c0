#!/usr/bin/env node
// `make bench`: hcp-segments against ml-kmeans and linfa-clustering (native), on the same
// matrices, in the same run. See bench/README.md for what each column means.
//
// Env (all optional):
//   BENCH_SIZES=10000,100000   profiles per workload (sample generator, seed BENCH_SEED)
//   BENCH_REPS=3               repetitions; medians are reported
//   BENCH_SLOW_REPS=1          repetitions of the slow references (linfa engine in wasm, ml-kmeans
//                              at sizes > 100k, linfa `k: "auto"`)
//   BENCH_SEED=42
//   BENCH_PKG=pkg              built package dir with node/ and web/ (wasm-bindgen outputs)
//   BENCH_ENGINES=fast,linfa   our engines to run
//   BENCH_AUTO=1               also `k: "auto"` over [3, 8]
//   BENCH_BROWSER=1            headline case (largest size ≤ 100k, k = 6 and auto) in headless Chromium
//   BENCH_POOL=1               the 1M target: segment k = "auto" from CSV bytes in headless Chromium
//                              through createSegmenter({ workers }) (the worker pool), with the
//                              longest main-thread task; BENCH_POOL_N=1000000,
//                              BENCH_POOL_WORKERS=1,2, BENCH_POOL_REPS=5, BENCH_POOL_K=auto,
//                              BENCH_POOL_INPUT=bytes (UTF-8 bytes, what file.arrayBuffer()
//                              gives) or text (the CSV as a string), BENCH_POOL_ASSIGNMENTS=
//                              columns,rows (the call option `assignments`: how they arrive)
//   BENCH_SCALING=1            the worker pool's scaling in Node's worker_threads (bench/scaling.mjs):
//                              the clustering stages with N workers ÷ with one (target ≥ 0.7·N);
//                              BENCH_SCALING_N=100000, BENCH_SCALING_WORKERS=1,2 (default: 1, 2,
//                              4, … up to the cores), BENCH_SCALING_K=6,auto, BENCH_SCALING_REPS=3
//   BENCH_NATIVE=<path>        bench_native binary (cargo build --release --example bench_native)
//   BENCH_PEAK=<path>          the peak micro-kernel wasm (bench/peak)
//   BENCH_OUT=bench/results/latest.json
//   BENCH_BLOBS=100000         the synthetic workload's rows (6 Gaussian blobs × 22, see blobMatrix); 0 = skip
//   BENCH_COLD=0               1: time kmeans (wasm) on its first call in the process (the baseline
//                              tier) instead of after a small warm-up fit
//   BENCH_SKLEARN=1            scikit-learn's KMeans on one thread (0 = skip); BENCH_PYTHON = its
//                              python (default target/bench-venv/bin/python, which bench.sh makes)
//
// Every measurement runs in a fresh child process (`node bench/run.mjs --case <json>`), so peak
// RSS (process.resourceUsage().maxRSS) and wasm memory (memory.buffer.byteLength, which never
// shrinks) belong to that case alone.
import { execFileSync, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import { scalingReport, scalingRows } from "./scaling.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const env = process.env;
const TARGET = resolve(ROOT, env.CARGO_TARGET_DIR || "target");
const WORK = join(TARGET, "bench-data");
const PKG = resolve(ROOT, env.BENCH_PKG || "pkg");
const NATIVE = env.BENCH_NATIVE || join(TARGET, "release", "examples", "bench_native");
const PEAK = env.BENCH_PEAK || join(TARGET, "bench-peak", "wasm32-unknown-unknown", "release", "hcp_bench_peak.wasm");
const SEED = Number(env.BENCH_SEED ?? 42);
const K = 6;
const RUNS = 10;
const require = createRequire(import.meta.url);
const PYTHON = env.BENCH_PYTHON || join(TARGET, "bench-venv", "bin", "python");

// "default" = send no engine option (for builds that predate it).
const withEngine = (opts, engine) => (engine && engine !== "default" ? { ...opts, engine } : opts);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

// --- the wasm package, with its memory found by wrapping WebAssembly.Instance -----------------
function loadPackage() {
  const instances = [];
  const Orig = WebAssembly.Instance;
  WebAssembly.Instance = function (module, imports) {
    const inst = new Orig(module, imports);
    instances.push(inst);
    return inst;
  };
  const entry = existsSync(join(PKG, "node", "index.cjs")) ? join(PKG, "node", "index.cjs") : join(PKG, "node", "hcp_segments.js");
  const hs = require(entry);
  WebAssembly.Instance = Orig;
  const memory = () => instances.map((i) => i.exports.memory).find(Boolean);
  return { hs, wasmBytes: () => memory()?.buffer.byteLength ?? NaN };
}

/** The mean of the columns' (population) variances of a row-major n × d matrix. */
function meanVariance(data, n, d) {
  let total = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + j];
    mean /= n;
    for (let i = 0; i < n; i++) total += (data[i * d + j] - mean) ** 2;
  }
  return total / (n * d);
}

function readMatrix(path) {
  const buf = readFileSync(path);
  if (buf.toString("latin1", 0, 4) !== "HCPM") throw new Error(`${path}: not a matrix file`);
  const n = buf.readUInt32LE(4);
  const d = buf.readUInt32LE(8);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) data[i] = buf.readDoubleLE(12 + 8 * i);
  return { n, d, data };
}

function inertiaOf(data, d, centroids /* array of arrays */) {
  let total = 0;
  const n = data.length / d;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (const c of centroids) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = data[i * d + j] - c[j];
        s += v * v;
      }
      if (s < best) best = s;
    }
    total += best;
  }
  return total;
}

// --- one case, in this (child) process ---------------------------------------------------------
async function runCase(spec) {
  const out = { ...spec };
  if (spec.kind === "segment") {
    const { hs, wasmBytes } = loadPackage();
    const csv = readFileSync(spec.csv, "utf8");
    const marks = [];
    const t0 = performance.now();
    let last = null;
    const result = hs.segment(csv, withEngine({ k: spec.k, seed: SEED, nRuns: RUNS }, spec.engine), (p) => {
      if (p.stage !== last) marks.push([p.stage, performance.now()]);
      last = p.stage;
    });
    const t1 = performance.now();
    marks.push(["end", t1]);
    const stages = {};
    for (let i = 0; i + 1 < marks.length; i++) {
      const name = marks[i][0] === "sweep" ? "cluster" : marks[i][0];
      stages[name] = (stages[name] ?? 0) + marks[i + 1][1] - marks[i][1];
    }
    Object.assign(out, {
      ms: t1 - t0,
      stages,
      chosenK: result.quality.k,
      iterations: result.quality.iterations,
      inertia: result.quality.inertia,
      wasmBytes: wasmBytes(),
    });
  } else if (spec.kind === "kmeans") {
    const { hs, wasmBytes } = loadPackage();
    const { n, d, data } = readMatrix(spec.matrix);
    // V8 runs a wasm call to its end in the code it began with (no on-stack replacement), so a
    // first call in a fresh process runs in the baseline tier. Like the other engines (timed after
    // their first fit), ours is timed warm: one small fit first, a pause for the optimising
    // compile. BENCH_COLD=1 times the first call instead.
    if (env.BENCH_COLD !== "1") {
      hs.kmeans(data.subarray(0, Math.min(n, 5000) * d), d, withEngine({ k: K, nRuns: 2, seed: 1 }, spec.engine));
      await new Promise((r) => setTimeout(r, 200));
    }
    const t0 = performance.now();
    const r = hs.kmeans(data, d, withEngine({ k: K, nRuns: RUNS, seed: SEED }, spec.engine));
    const ms = performance.now() - t0;
    Object.assign(out, { n, d, ms, inertia: r.inertia, iterations: r.iterations, wasmBytes: wasmBytes() });
  } else if (spec.kind === "ml-kmeans") {
    const { kmeans } = await import("ml-kmeans");
    const { n, d, data } = readMatrix(spec.matrix);
    const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));
    // ml-kmeans stops when every centroid's squared shift is ≤ tolerance; ours when their sum is
    // ≤ 1e-4 × the mean column variance: that bound per centroid never makes it stop later.
    const tolerance = 1e-4 * meanVariance(data, n, d);
    const t0 = performance.now();
    let best = null;
    for (let r = 0; r < RUNS; r++) {
      const fit = kmeans(rows, K, { seed: SEED * 1000 + r, initialization: "kmeans++", maxIterations: 300, tolerance });
      const inertia = inertiaOf(data, d, fit.centroids);
      if (!best || inertia < best.inertia) best = { inertia, iterations: fit.iterations };
    }
    const ms = performance.now() - t0;
    Object.assign(out, { n, d, ms, inertia: best.inertia, iterations: best.iterations });
  } else if (spec.kind === "peak") {
    const { instance } = await WebAssembly.instantiate(readFileSync(PEAK), {});
    const e = instance.exports;
    // The time of `fn(it)` at an iteration count that takes > 30 ms (doubling from 2^16).
    const calibrate = (fn) => {
      let it = 1 << 16;
      for (;;) {
        const t = performance.now();
        e[fn](it, 1.0000001, 0.9999999);
        if (performance.now() - t > 30) return it;
        it *= 2;
      }
    };
    const rate = (fn, it, per) => {
      const t = performance.now();
      e[fn](it, 1.0000001, 0.9999999);
      return (it * per) / ((performance.now() - t) / 1e3);
    };
    const scalarIt = calibrate("peak_f64");
    const scalar = median([0, 1, 2, 3, 4].map(() => rate("peak_f64", scalarIt, 8)));
    // The SIMD peak: C chains of f64x2 mul-then-add (2 · C multiply-adds per step) for C = 2…8;
    // the fastest C here (median of 5) is the peak. Too few chains wait on the multiply's
    // latency; too many spill out of the 16 vector registers V8 uses on x86-64.
    const chainRates = {};
    for (let c = 2; c <= 8; c++) {
      const fn = `peak_c${c}`;
      const it = calibrate(fn);
      chainRates[c] = { it, rate: median([0, 1, 2, 3, 4].map(() => rate(fn, it, 2 * c))) };
    }
    const chains = Number(Object.keys(chainRates).reduce((a, b) => (chainRates[b].rate > chainRates[a].rate ? b : a)));
    const peakFn = `peak_c${chains}`;
    const { it } = chainRates[chains];
    // The peak and the passes are measured in interleaved rounds, so a change in machine load
    // (this is a shared 2-core box) hits both alike; the fraction of peak is taken per round.
    const { n, d } = spec;
    const madds = n * K * d;
    e.setup(n, d, K);
    const passes = { assign_pass: [], assign_pass_rowmajor: [], stream_sum: [] };
    for (const fn of Object.keys(passes)) for (let w = 0; w < 3; w++) e[fn](n, d, K); // warm-up: page faults, tier-up
    const peaks = [];
    const fractions = { assign_pass: [], assign_pass_rowmajor: [], stream_sum: [] };
    for (let round = 0; round < 21; round++) {
      const peakRate = rate(peakFn, it, 2 * chains);
      peaks.push(peakRate);
      for (const fn of Object.keys(passes)) {
        const t = performance.now();
        e[fn](n, d, K);
        const ms = performance.now() - t;
        passes[fn].push(ms);
        fractions[fn].push(madds / (ms / 1e3) / peakRate);
      }
    }
    Object.assign(out, {
      peakSimd: median(peaks),
      peakChains: chains,
      chainRates: Object.fromEntries(Object.entries(chainRates).map(([c, r]) => [c, r.rate])),
      peakScalar: scalar,
      assignMs: median(passes.assign_pass),
      assignRate: madds / (median(passes.assign_pass) / 1e3),
      assignFraction: median(fractions.assign_pass),
      rowmajorMs: median(passes.assign_pass_rowmajor),
      rowmajorFraction: median(fractions.assign_pass_rowmajor),
      // The same pass's reads alone, as a share of the pass: how much of it is memory.
      streamMs: median(passes.stream_sum),
      assignFractionRange: [Math.min(...fractions.assign_pass), Math.max(...fractions.assign_pass)],
    });
  }
  out.rssBytes = process.resourceUsage().maxRSS * 1024;
  return out;
}

function child(spec) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--case", JSON.stringify(spec)], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env,
  });
  if (r.status !== 0) throw new Error(`case ${JSON.stringify(spec)} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

function repeat(spec, reps) {
  const all = Array.from({ length: reps }, () => child(spec));
  const pick = (f) => median(all.map(f));
  const stages = {};
  for (const name of new Set(all.flatMap((a) => Object.keys(a.stages ?? {})))) stages[name] = pick((a) => a.stages[name] ?? 0);
  return {
    ...all[0],
    reps,
    ms: pick((a) => a.ms),
    msAll: all.map((a) => a.ms),
    stages,
    rssBytes: Math.max(...all.map((a) => a.rssBytes)),
    wasmBytes: Math.max(...all.map((a) => a.wasmBytes ?? 0)) || undefined,
  };
}

function native(matrix, engine, reps) {
  const outText = execFileSync(NATIVE, ["kmeans", matrix, engine, String(K), String(RUNS), String(SEED), String(reps)], {
    encoding: "utf8",
    env: { ...env, RAYON_NUM_THREADS: "1" },
  });
  const r = JSON.parse(outText.trim());
  return { kind: "native", engine, ms: median(r.ms), msAll: r.ms, inertia: r.inertia, iterations: r.iterations, reps };
}

/** The synthetic workload: n rows × 22, 6 overlapping Gaussian blobs (unit variance, centres
 * drawn with standard deviation 1.5), from a seeded generator, written once as a matrix file
 * every engine reads. */
function blobMatrix(n, seed) {
  const d = 22;
  const path = join(WORK, `blobs-${n}x${d}-${seed}.bin`);
  if (existsSync(path)) return path;
  let state = (seed ^ 0x9e3779b9) >>> 0; // mulberry32
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const centres = Array.from({ length: K }, () => Array.from({ length: d }, () => 1.5 * normal()));
  const buf = Buffer.alloc(12 + 8 * n * d);
  buf.write("HCPM", 0, "latin1");
  buf.writeUInt32LE(n, 4);
  buf.writeUInt32LE(d, 8);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(uniform() * K)];
    for (let j = 0; j < d; j++) buf.writeDoubleLE(c[j] + normal(), 12 + 8 * (i * d + j));
  }
  writeFileSync(path, buf);
  return path;
}

/** scikit-learn's KMeans(n_clusters=6, n_init=10, algorithm="lloyd") on one thread, or null
 * when its Python is missing (BENCH_SKLEARN=0, or no target/bench-venv). */
function sklearn(matrix, reps) {
  if (env.BENCH_SKLEARN === "0" || !existsSync(PYTHON)) return null;
  const one = { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const outText = execFileSync(PYTHON, [join(ROOT, "bench", "sklearn_kmeans.py"), matrix, String(K), String(RUNS), String(SEED), String(reps)], {
    encoding: "utf8",
    env: { ...env, ...one },
  });
  const r = JSON.parse(outText.trim().split("\n").pop());
  return { kind: "sklearn", engine: `scikit-learn ${r.version}`, ms: median(r.ms), msAll: r.ms, inertia: r.inertia, iterations: r.iterations, reps };
}

// --- the browser case ---------------------------------------------------------------------------
/** Serves the bench page, the CSV and the files under `root` (at `prefix`) on 127.0.0.1, and
 * launches headless Chromium: what both browser cases need. */
async function serveAndLaunch(page, csv, prefix, root) {
  const { chromium } = await import("playwright-core");
  const http = await import("node:http");
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/") return res.writeHead(200, { "content-type": "text/html" }).end(page);
    if (url.pathname === "/sample.csv") return res.writeHead(200, { "content-type": "text/csv" }).end(csv);
    if (url.pathname.startsWith(prefix)) {
      const f = join(root, url.pathname.slice(prefix.length));
      if (!f.startsWith(root) || !existsSync(f)) return res.writeHead(404).end();
      const type = f.endsWith(".wasm") ? "application/wasm" : f.endsWith(".js") ? "text/javascript" : "application/octet-stream";
      return res.writeHead(200, { "content-type": type }).end(readFileSync(f));
    }
    res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const browser = await chromium.launch({
    executablePath: env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  return { server, port: server.address().port, browser };
}

async function browserCase(csvPath, n, reps, engines) {
  const web = join(PKG, "web");
  const csv = readFileSync(csvPath, "utf8");
  const page = `<!doctype html><meta charset="utf-8"><script type="module">
    const instances = [];
    const orig = WebAssembly.instantiate;
    WebAssembly.instantiate = async (...a) => { const r = await orig(...a); instances.push(r.instance ?? r); return r; };
    const origS = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = async (...a) => { const r = await origS(...a); instances.push(r.instance); return r; };
    const m = await import("/pkg/hcp_segments.js");
    await m.default();
    window.bench = async (k, engine) => {
      // BENCH_POOL_INPUT=bytes: the file's bytes as a page gets them from file.arrayBuffer().
      const response = await fetch("/sample.csv");
      const csv = ${JSON.stringify(env.BENCH_POOL_INPUT || "text")} === "bytes" ? new Uint8Array(await response.arrayBuffer()) : await response.text();
      // engine "linfa" is in the tools module (the segmentation module answers ENGINE_MISSING).
      const mod = engine === "linfa" ? await import("/pkg/hcp_segments_tools.js").then(async (t) => (await t.default(), t)) : m;
      const marks = []; let last = null;
      const t0 = performance.now();
      const r = mod.segment(csv, engine && engine !== "default" ? { k, seed: ${SEED}, nRuns: ${RUNS}, engine } : { k, seed: ${SEED}, nRuns: ${RUNS} }, (p) => { if (p.stage !== last) marks.push([p.stage, performance.now()]); last = p.stage; });
      const t1 = performance.now(); marks.push(["end", t1]);
      const stages = {};
      for (let i = 0; i + 1 < marks.length; i++) { const s = marks[i][0]; stages[s] = (stages[s] ?? 0) + marks[i + 1][1] - marks[i][1]; }
      const mem = instances.map((i) => i.exports.memory).find(Boolean);
      return { ms: t1 - t0, stages, chosenK: r.quality.k, sweepRows: r.kSweep ? r.kSweep.sampleSize : null, iterations: r.quality.iterations, inertia: r.quality.inertia, wasmBytes: mem ? mem.buffer.byteLength : null };
    };
    window.ready = true;
  </script>`;
  const { server, port, browser } = await serveAndLaunch(page, csv, "/pkg/", web);
  const rows = [];
  try {
    for (const k of env.BENCH_AUTO === "0" ? [K] : [K, "auto"]) {
      for (const engine of engines) {
        const slow = engine === "linfa";
        const runs = [];
        for (let i = 0; i < (slow ? Math.min(reps, Number(env.BENCH_SLOW_REPS ?? 1)) : reps); i++) {
          const p = await browser.newPage(); // a fresh page (and wasm instance) per repetition
          await p.goto(`http://127.0.0.1:${port}/`);
          await p.waitForFunction(() => window.ready === true, null, { timeout: 60_000 });
          runs.push(await p.evaluate(([k, engine]) => window.bench(k, engine), [k, engine]));
          await p.close();
        }
        const stages = {};
        for (const s of Object.keys(runs[0].stages)) stages[s] = median(runs.map((r) => r.stages[s] ?? 0));
        rows.push({ kind: "segment", where: "chromium", n, k, engine, reps: runs.length, ms: median(runs.map((r) => r.ms)), msAll: runs.map((r) => r.ms), stages, iterations: runs[0].iterations, inertia: runs[0].inertia, chosenK: runs[0].chosenK, wasmBytes: Math.max(...runs.map((r) => r.wasmBytes ?? 0)) });
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  return rows;
}

// --- the worker pool case (1M profiles, k: "auto"; its target: < 5 s with 2 workers, no main-thread task > 50 ms)
// The page gets the CSV (its bytes, or its text; fetched before the clock starts), then times
// createSegmenter({ workers }) + segment(csv, { k }) until the result is back on the main thread:
// worker start-up and wasm compile, the CSV's copy to the worker, parse, encode, the sweep
// spread over the pool, profile, project, and the result's copy back. Long tasks
// (PerformanceObserver "longtask", ≥ 50 ms) on the main thread during that time are recorded.
// Each `sweepSample` in BENCH_POOL_SWEEP ("all" = the sweep on every row; a number = on that
// many sampled rows; "default" = the option left out) is run for every worker count.
async function poolCase(csvPath, n, reps, workerCounts, k, sweepSamples, forms) {
  const csv = readFileSync(csvPath);
  const page = `<!doctype html><meta charset="utf-8"><script type="module">
    import { Pool } from "/p/worker/pool.js";
    import { segmenterOver } from "/p/worker/segmenter.js";
    const longtasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) longtasks.push([e.startTime, e.duration]); }).observe({ type: "longtask", buffered: true });
    window.bench = async (k, workers, sweepSample, form) => {
      // BENCH_POOL_INPUT=bytes: the file's bytes as a page gets them from file.arrayBuffer().
      const response = await fetch("/sample.csv");
      const csv = ${JSON.stringify(env.BENCH_POOL_INPUT || "bytes")} === "bytes" ? new Uint8Array(await response.arrayBuffer()) : await response.text();
      await new Promise((r) => setTimeout(r, 300));
      // createSegmenter({ workers }), with the pool at hand to ask each worker its wasm memory.
      const pool = new Pool({ workers });
      const seg = segmenterOver(pool);
      const marks = []; let last = null;
      const t0 = performance.now();
      const options = { k, seed: ${SEED}, nRuns: ${RUNS} };
      if (sweepSample !== "default") options.sweepSample = sweepSample;
      const r = await seg.segment(csv, options, { assignments: form, onProgress: (p) => { if (p.stage !== last) marks.push([p.stage, performance.now()]); last = p.stage; } });
      const t1 = performance.now(); marks.push(["end", t1]);
      // Each worker's wasm memory: it never shrinks, so this is its peak during the call.
      const memory = await Promise.all([...Array(workers).keys()].map((slot) => pool.request(slot, "debugMemoryBytes", [])));
      seg.dispose();
      await new Promise((r) => setTimeout(r, 300)); // let the observer deliver
      const stages = { start: marks.length ? marks[0][1] - t0 : 0 };
      for (let i = 0; i + 1 < marks.length; i++) { const s = marks[i][0]; stages[s] = (stages[s] ?? 0) + marks[i + 1][1] - marks[i][1]; }
      const during = longtasks.filter(([start]) => start >= t0 - 1 && start <= t1 + 1);
      return { ms: t1 - t0, stages, chosenK: r.quality.k, sweepRows: r.kSweep ? r.kSweep.sampleSize : null, inertia: r.quality.inertia, rows: r.assignments.length, memory,
               longestTask: during.reduce((m, [, d]) => Math.max(m, d), 0), longTasks: during.map(([s, d]) => [Math.round(s - t0), Math.round(d)]) };
    };
    window.ready = true;
  </script>`;
  const { server, port, browser } = await serveAndLaunch(page, csv, "/p/", PKG);
  const rows = [];
  try {
    for (const sweepSample of sweepSamples)
    for (const form of forms)
    for (const workers of workerCounts) {
      const runs = [];
      for (let i = 0; i < reps; i++) {
        const p = await browser.newPage();
        await p.goto(`http://127.0.0.1:${port}/`);
        await p.waitForFunction(() => window.ready === true, null, { timeout: 60_000 });
        runs.push(await p.evaluate(([k, w, s, f]) => window.bench(k, w, s, f), [k, workers, sweepSample, form]));
        await p.close();
      }
      const stages = {};
      for (const s of Object.keys(runs[0].stages)) stages[s] = median(runs.map((r) => r.stages[s] ?? 0));
      rows.push({ kind: "pool", where: "chromium", input: env.BENCH_POOL_INPUT || "bytes", n, k, workers, sweepSample, assignments: form, sweepRows: runs[0].sweepRows, reps: runs.length, ms: median(runs.map((r) => r.ms)), msAll: runs.map((r) => r.ms), stages,
                  chosenK: runs[0].chosenK, inertia: runs[0].inertia, workerMemory: runs[0].memory.map((_, slot) => Math.max(...runs.map((r) => r.memory[slot]))), longestTask: Math.max(...runs.map((r) => r.longestTask)), longTasks: runs.map((r) => r.longTasks) });
    }
  } finally {
    await browser.close();
    server.close();
  }
  return rows;
}

async function runPool(hs) {
  const n = Number(env.BENCH_POOL_N || 1_000_000);
  mkdirSync(WORK, { recursive: true });
  const csvPath = join(WORK, `sample-${n}-${SEED}.csv`);
  if (!existsSync(csvPath)) writeFileSync(csvPath, hs.generateSample(n, SEED));
  const k = env.BENCH_POOL_K === undefined || env.BENCH_POOL_K === "auto" ? "auto" : Number(env.BENCH_POOL_K);
  const workerCounts = (env.BENCH_POOL_WORKERS || "1,2").split(",").map(Number);
  const sweepSamples = (env.BENCH_POOL_SWEEP || "default").split(",").map((s) => (s === "all" || s === "default" ? s : Number(s)));
  const forms = (env.BENCH_POOL_ASSIGNMENTS || "columns,rows").split(",");
  return poolCase(csvPath, n, Number(env.BENCH_POOL_REPS || 5), workerCounts, k, sweepSamples, forms);
}

async function runScaling(hs) {
  const n = Number(env.BENCH_SCALING_N || 100_000);
  mkdirSync(WORK, { recursive: true });
  const csvPath = join(WORK, `sample-${n}-${SEED}.csv`);
  if (!existsSync(csvPath)) writeFileSync(csvPath, hs.generateSample(n, SEED));
  const cores = availableParallelism();
  const counts = [1];
  while (counts.at(-1) * 2 <= Math.min(cores, 16)) counts.push(counts.at(-1) * 2);
  const workerCounts = env.BENCH_SCALING_WORKERS ? env.BENCH_SCALING_WORKERS.split(",").map(Number) : counts;
  const ks = (env.BENCH_SCALING_K || "6,auto").split(",").map((k) => (k === "auto" ? "auto" : Number(k)));
  const rows = await scalingRows({ pkg: PKG, csv: readFileSync(csvPath, "utf8"), ks, workerCounts, reps: Number(env.BENCH_SCALING_REPS || 3), seed: SEED, runs: RUNS });
  return { n, cores, rows };
}

// --- report -------------------------------------------------------------------------------------
const fmtMs = (v) => (v == null || Number.isNaN(v) ? "-" : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
const fmtMB = (v) => (v ? `${(v / 2 ** 20).toFixed(0)}` : "-");
const fmtG = (v) => (v ? (v / 1e9).toFixed(2) : "-");

// The slow references get BENCH_SLOW_REPS repetitions.
const slow = (engine) => engine === "linfa";

// The k-means alone, on one matrix file: ours (wasm), ml-kmeans (JS), scikit-learn and linfa
// (native), ours natively.
function kmeansRows(matPath, n, engines, reps, slowReps) {
  const rows = [];
  for (const engine of engines) rows.push(repeat({ kind: "kmeans", engine, matrix: matPath, n }, slow(engine) ? slowReps : reps));
  if (env.BENCH_MLKMEANS !== "0") rows.push(repeat({ kind: "ml-kmeans", matrix: matPath, n }, n > 100_000 ? slowReps : reps));
  const sk = sklearn(matPath, reps);
  if (sk) rows.push(sk);
  rows.push(native(matPath, "linfa-direct", n > 100_000 ? slowReps : reps));
  rows.push(native(matPath, "fast", reps));
  return rows;
}

async function main() {
  const sizes = (env.BENCH_SIZES || "10000,100000").split(",").map(Number);
  const reps = Number(env.BENCH_REPS || 3);
  const slowReps = Number(env.BENCH_SLOW_REPS || 1);
  const engines = (env.BENCH_ENGINES || "fast,linfa").split(",");
  mkdirSync(WORK, { recursive: true });
  if (!existsSync(NATIVE)) throw new Error(`${NATIVE} missing: cargo build --release --example bench_native`);
  const { hs } = loadPackage();
  const results = { date: new Date().toISOString(), node: process.version, seed: SEED, k: K, runs: RUNS, reps, pkg: PKG, version: hs.version(), sizes: {} };

  let peakPending = existsSync(PEAK);

  for (const n of sizes) {
    const csvPath = join(WORK, `sample-${n}-${SEED}.csv`);
    const matPath = join(WORK, `matrix-${n}-${SEED}.bin`);
    if (!existsSync(csvPath)) writeFileSync(csvPath, hs.generateSample(n, SEED));
    if (!existsSync(matPath)) execFileSync(NATIVE, ["encode", csvPath, matPath]);
    if (peakPending) {
      results.peak = child({ kind: "peak", n: 100_000, d: readFileSync(matPath).readUInt32LE(8) });
      peakPending = false;
    }
    const rows = kmeansRows(matPath, n, engines, reps, slowReps);
    // The whole job from CSV text, per stage.
    for (const k of env.BENCH_AUTO === "0" ? [K] : [K, "auto"]) {
      for (const engine of engines) {
        rows.push(repeat({ kind: "segment", engine, csv: csvPath, n, k }, slow(engine) ? slowReps : reps));
      }
    }
    results.sizes[n] = { rows };
  }
  const blobs = Number(env.BENCH_BLOBS ?? 100_000);
  if (blobs > 0) {
    const rows = kmeansRows(blobMatrix(blobs, SEED), blobs, engines, reps, slowReps);
    results.sizes[`blobs-${blobs}`] = { n: blobs, label: `synthetic: ${blobs.toLocaleString("en")} rows × 22, 6 Gaussian blobs (unit variance, centres sd 1.5)`, rows };
  }
  if (env.BENCH_BROWSER !== "0") {
    const n = Math.max(...sizes.filter((s) => s <= 100_000));
    if (Number.isFinite(n)) {
      results.browser = await browserCase(join(WORK, `sample-${n}-${SEED}.csv`), n, reps, engines);
    }
  }
  if (env.BENCH_POOL !== "0") results.pool = await runPool(hs);
  if (env.BENCH_SCALING !== "0") results.scaling = await runScaling(hs);
  report(results);
  const outPath = resolve(ROOT, env.BENCH_OUT || "bench/results/latest.json");
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, JSON.stringify(results, null, 2));
  console.log(`\nwritten: ${outPath}`);
}

function report(results) {
  const peak = results.peak;
  if (results.runs) console.log(`hcp-segments ${results.version} bench — node ${results.node}, seed ${results.seed}, k = ${results.k}, ${results.runs} restarts, medians of ${results.reps} (slow references: BENCH_SLOW_REPS)`);
  if (peak) {
    console.log(
      `wasm peak (bench/peak, ${peak.peakChains} independent f64x2 mul-then-add chains, the fastest of 2-8): ${fmtG(peak.peakSimd)} G f64 multiply-adds/s SIMD, ${fmtG(peak.peakScalar)} G scalar; ` +
        `one full-scan assignment pass (engine kernel, 100k × ${peak.d} × 6): ${fmtMs(peak.assignMs)} = ${fmtG(peak.assignRate)} G/s = ${peak.assignFraction.toFixed(2)} of peak ` +
        `(median of 21 rounds, each pass ÷ the peak measured just before it; range ${peak.assignFractionRange.map((f) => f.toFixed(2)).join("-")}); ` +
        `reading the matrix alone: ${fmtMs(peak.streamMs)}; the kernel before the centroid table: ${fmtMs(peak.rowmajorMs)} = ${peak.rowmajorFraction.toFixed(2)} of peak`,
    );
  }
  for (const [key, { rows, label, ...size }] of Object.entries(results.sizes)) {
    const n = size.n ?? Number(key);
    const d = rows.find((r) => r.d)?.d ?? 22;
    const ml = rows.find((r) => r.kind === "ml-kmeans");
    const ld = rows.find((r) => r.kind === "native" && r.engine === "linfa-direct");
    console.log(`\n## ${label ?? `sample universe: ${Number(n).toLocaleString("en")} profiles × ${d} features`}`);
    console.log("| case | engine | reps | time | ×ml-kmeans | ×linfa native | inertia | ÷ml inertia | iters | eff. G madd/s | wasm MB | RSS MB |");
    console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) {
      const name = r.kind === "segment" ? `segment k=${r.k}` : r.kind === "native" || r.kind === "sklearn" ? "kmeans (native)" : r.kind === "ml-kmeans" ? "kmeans (JS)" : "kmeans (wasm)";
      const engine = r.kind === "ml-kmeans" ? "ml-kmeans" : r.engine;
      const speedMl = ml && r !== ml && r.kind !== "segment" ? `${(ml.ms / r.ms).toFixed(1)}×` : "";
      const speedL = ld && r !== ld && r.kind !== "segment" ? `${(ld.ms / r.ms).toFixed(1)}×` : "";
      const inRatio = ml && r.inertia && r.k !== "auto" ? (r.inertia / ml.inertia).toFixed(5) : "";
      const eff = r.kind !== "segment" && r.iterations ? (Number(n) * K * d * r.iterations * RUNS) / (r.ms / 1e3) : null;
      console.log(
        `| ${name} | ${engine} | ${r.reps} | ${fmtMs(r.ms)} | ${speedMl} | ${speedL} | ${r.inertia?.toFixed(2) ?? "-"} | ${inRatio} | ${r.iterations ?? "-"} | ${fmtG(eff)} | ${fmtMB(r.wasmBytes)} | ${fmtMB(r.rssBytes)} |`,
      );
    }
    const ours = rows.find((r) => r.kind === "kmeans" && (r.engine === "fast" || r.engine === "default"));
    const sk = rows.find((r) => r.kind === "sklearn");
    if (ours && sk) {
      const inertiaRatio = ours.inertia / sk.inertia;
      console.log(
        `\nours (wasm, one thread) ÷ scikit-learn (native, one thread): time ${(ours.ms / sk.ms).toFixed(2)} (target ≤ 1), ` +
          `inertia ${inertiaRatio.toFixed(6)} (${inertiaRatio <= 1.001 ? "within" : "OVER"} × 1.001)` +
          (ml ? `; ml-kmeans ÷ ours: time ${(ml.ms / ours.ms).toFixed(1)}× (target ≥ 15×)` : ""),
      );
    }
    const seg = rows.filter((r) => r.kind === "segment");
    if (seg.length) {
      const names = ["parse", "encode", "cluster", "profile", "project"];
      console.log(`\nstages (segment from CSV text; cluster includes the k sweep's metrics for auto):`);
      console.log(`| k | engine | ${names.join(" | ")} | total | chosen k |`);
      console.log(`|---|---|${names.map(() => "---|").join("")}---|---|`);
      for (const r of seg) console.log(`| ${r.k} | ${r.engine} | ${names.map((s) => fmtMs(r.stages[s])).join(" | ")} | ${fmtMs(r.ms)} | ${r.chosenK} |`);
    }
  }
  if (results.browser?.length) {
    console.log(`\n## headless Chromium (main thread), ${results.browser[0].n.toLocaleString("en")} profiles, segment from CSV text`);
    const names = ["parse", "encode", "cluster", "profile", "project"];
    console.log(`| k | engine | reps | ${names.join(" | ")} | total | chosen k | wasm MB |`);
    console.log(`|---|---|---|${names.map(() => "---|").join("")}---|---|---|`);
    for (const r of results.browser) console.log(`| ${r.k} | ${r.engine} | ${r.reps} | ${names.map((s) => fmtMs(r.stages[s])).join(" | ")} | ${fmtMs(r.ms)} | ${r.chosenK} | ${fmtMB(r.wasmBytes)} |`);
  }
  if (results.pool?.length) {
    const p0 = results.pool[0];
    console.log(`\n## headless Chromium, worker pool: ${p0.n.toLocaleString("en")} profiles, k = ${p0.k}, CSV ${p0.input === "bytes" ? "bytes" : "text"} → segments (target: under 5 s with 2 workers, no main-thread task over 50 ms)`);
    const names = ["start", "parse", "encode", "sweep", "cluster", "profile", "project"];
    console.log(`| sweepSample | sweep rows | assignments | workers | reps | ${names.join(" | ")} | total | chosen k | inertia | longest main-thread task | peak wasm memory per worker (MiB) |`);
    console.log(`|---|---|---|---|---|${names.map(() => "---|").join("")}---|---|---|---|---|`);
    for (const r of results.pool) console.log(`| ${r.sweepSample} | ${r.sweepRows ?? "-"} | ${r.assignments} | ${r.workers} | ${r.reps} | ${names.map((s) => fmtMs(r.stages[s])).join(" | ")} | ${fmtMs(r.ms)} | ${r.chosenK} | ${r.inertia?.toFixed(2)} | ${fmtMs(r.longestTask)} | ${r.workerMemory.map(fmtMB).join(", ")} |`);
    console.log("(start: createSegmenter + worker start + the CSV's copy, until the parse stage begins; sweep: every k of kRange × nRuns, scored (on the sample when sampled); cluster: the chosen k on every row (sampled sweep, or a fixed k); project: until the result is on the main thread, its copy included.)");
  }
  if (results.scaling) scalingReport(results.scaling.rows, results.scaling.n, fmtMs);
}

/** One case alone (`--pool`, `--scaling`): run it, print its table, write `BENCH_OUT` or `fallback`. */
function only(key, fallback, run) {
  (async () => {
    const { hs } = loadPackage();
    const results = { date: new Date().toISOString(), node: process.version, seed: SEED, version: hs.version(), sizes: {}, [key]: await run(hs) };
    report(results);
    const outPath = resolve(ROOT, env.BENCH_OUT || fallback);
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, JSON.stringify(results, null, 2));
    console.log(`\nwritten: ${outPath}`);
  })().catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  });
}

if (process.argv[2] === "--scaling") {
  only("scaling", "bench/results/scaling.json", runScaling); // BENCH_SCALING_* as above
} else if (process.argv[2] === "--pool") {
  only("pool", "bench/results/pool.json", runPool); // BENCH_POOL_* as above
} else if (process.argv[2] === "--case") {
  runCase(JSON.parse(process.argv[3])).then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(e?.stack ?? e);
      process.exit(1);
    },
  );
} else {
  main().catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  });
}
