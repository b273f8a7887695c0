// The package in headless Chromium without a bundler: <script type="module"> from a static
// folder under a strict Content-Security-Policy; the sync API after init(), and the worker API
// (progress, AbortSignal, transfer, dispose, custom wasm URL). Also: no request leaves the origin.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";
import { freshProject } from "./helpers.mjs";
import { servePackageSite, writePackagePage } from "./package-site.mjs";

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

let dir, site, origin, browser, page;
const requests = [];
const consoleErrors = [];

before(async () => {
  dir = freshProject("hcp-browser-");
  writePackagePage(dir);
  site = await servePackageSite(dir);
  origin = site.origin;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const context = await browser.newContext();
  context.on("request", (r) => requests.push(r.url()));
  page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(origin + "/");
  await page.waitForFunction(() => window.appReady === true, null, { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await site?.close();
});

describe("browser, no bundler", () => {
  test("sync API: NOT_INITIALIZED before init(), results after; the tools module only after initTools()", async () => {
    const wasmFetched = () => requests.filter((u) => u.endsWith(".wasm")).map((u) => new URL(u).pathname.split("/").pop());
    const out = await page.evaluate(async () => {
      const codeOf = (f) => {
        try {
          f();
        } catch (e) {
          return { code: e.code, isError: e instanceof Error, initTools: /initTools\(\)/.test(e.message) };
        }
      };
      const before = codeOf(() => window.hs.segment("hcp_id,ch_email\na,1\n", { k: 1 }));
      await window.hs.init();
      const toolsBefore = codeOf(() => window.hs.generateSample(10, 1));
      const k1 = window.hs.segment("hcp_id,ch_email\na,1\nb,2\n", { k: 1 }).segments.length;
      return { before, toolsBefore, k1 };
    });
    assert.deepEqual(out.before, { code: "NOT_INITIALIZED", isError: true, initTools: false });
    assert.deepEqual(out.toolsBefore, { code: "NOT_INITIALIZED", isError: true, initTools: true });
    assert.equal(out.k1, 1);
    // init() fetched the segmentation module only: the first download.
    assert.deepEqual(wasmFetched(), ["hcp_segments_bg.wasm"]);
    const after = await page.evaluate(async () => {
      await window.hs.initTools();
      await window.hs.initTools(); // idempotent
      const r = window.hs.segment(window.hs.generateSample(1000, 4), { k: 4, seed: 1 });
      return { k: r.segments.length, n: r.assignments.length };
    });
    assert.equal(after.k, 4);
    assert.equal(after.n, 1000);
    assert.deepEqual(wasmFetched(), ["hcp_segments_bg.wasm", "hcp_segments_tools_bg.wasm"]);
  });

  test("sync API: errors keep code/line/column", async () => {
    const e = await page.evaluate(() => {
      try {
        window.hs.segment("hcp_id,ch_email,fmt_news\na,1,2\nb,x,3\n", { k: 2 });
      } catch (e) {
        return { isError: e instanceof Error, code: e.code, line: e.line, column: e.column };
      }
    });
    assert.deepEqual(e, { isError: true, code: "INVALID_VALUE", line: 3, column: "ch_email" });
  });

  test("worker: segment with progress; same answer as the sync API", async () => {
    const out = await page.evaluate(async () => {
      const seg = window.createSegmenter();
      const csv = await seg.generateSample(1500, 8);
      const progress = [];
      const r = await seg.segment(csv, { k: 5, seed: 2 }, { onProgress: (p) => progress.push(p) });
      const sync = window.hs.segment(csv, { k: 5, seed: 2 });
      seg.dispose();
      return {
        k: r.segments.length,
        same: JSON.stringify(r.assignments.map((a) => a.segment)) === JSON.stringify(sync.assignments.map((a) => a.segment)),
        progress: progress.length,
        stages: [...new Set(progress.map((p) => p.stage))],
        points: r.projection.points instanceof Float32Array,
      };
    });
    assert.equal(out.k, 5);
    assert.equal(out.same, true);
    assert.ok(out.progress > 0, "progress messages arrived");
    assert.equal(out.points, true);
  });

  test('worker pool: assignments: "columns" (Web Workers) hold the sync API\'s rows; handed back, they export as the rows do', async () => {
    const out = await page.evaluate(async () => {
      await window.hs.init();
      await window.hs.initTools(); // for the sync API's answers (idempotent)
      const seg = window.createSegmenter({ workers: 2 });
      const csv = await seg.generateSample(25000, 4); // packed by the wasm (≥ 20,000 rows)
      const options = { k: 4, nRuns: 2, seed: 6 };
      const r = await seg.segment(csv, options, { assignments: "columns" });
      const sync = window.hs.segment(csv, options);
      const a = r.assignments;
      let differ = 0;
      for (let i = 0; i < a.length; i++) {
        const s = sync.assignments[i];
        if (a.hcpId(i) !== s.hcpId || a.segment[i] !== s.segment || !Object.is(a.distance[i], s.distance) || !Object.is(a.confidence[i], s.confidence)) differ++;
      }
      const exported = await seg.exportCsv("assignments", r);
      seg.dispose();
      return {
        array: Array.isArray(a),
        typed: a.confidence instanceof Float64Array,
        n: a.length,
        differ,
        json: JSON.stringify(r) === JSON.stringify(sync),
        exported: exported === window.hs.exportCsv("assignments", sync),
      };
    });
    assert.deepEqual(out, { array: false, typed: true, n: 25000, differ: 0, json: true, exported: true });
  });

  test("worker: errors arrive as Errors with code/line/column; the worker goes on", async () => {
    const out = await page.evaluate(async () => {
      const seg = window.createSegmenter();
      let err;
      try {
        await seg.segment("hcp_id,ch_email,fmt_news\na,1,2\nb,1,-3\n", { k: 2 });
      } catch (e) {
        err = { isError: e instanceof Error, code: e.code, line: e.line, column: e.column, message: e.message };
      }
      const ok = await seg.segment(await seg.generateSample(200, 1), { k: 3, seed: 1 });
      seg.dispose();
      return { err, k: ok.segments.length };
    });
    assert.equal(out.err.isError, true);
    assert.equal(out.err.code, "NEGATIVE_COUNT");
    assert.equal(out.err.line, 3);
    assert.equal(out.err.column, "fmt_news");
    assert.equal(out.k, 3);
  });

  test("worker: AbortSignal stops a running call with an AbortError; the next call gets a fresh worker", async () => {
    const out = await page.evaluate(async () => {
      const seg = window.createSegmenter();
      const csv = await seg.generateSample(20000, 11);
      const ctrl = new AbortController();
      const t0 = performance.now();
      let firstProgress;
      const p = seg.segment(csv, { k: "auto", seed: 1 }, {
        signal: ctrl.signal,
        onProgress: () => {
          if (!firstProgress) {
            firstProgress = performance.now();
            ctrl.abort();
          }
        },
      });
      let err;
      try {
        await p;
      } catch (e) {
        err = { name: e.name, isDomException: e instanceof DOMException };
      }
      const abortedAfter = performance.now() - t0;
      // already-aborted signal: rejected without starting anything
      let pre;
      try {
        await seg.segment(csv, {}, { signal: AbortSignal.abort() });
      } catch (e) {
        pre = e.name;
      }
      const after = await seg.segment(await seg.generateSample(300, 2), { k: 3, seed: 1 });
      seg.dispose();
      return { err, pre, abortedAfter, k: after.segments.length };
    });
    assert.deepEqual(out.err, { name: "AbortError", isDomException: true });
    assert.equal(out.pre, "AbortError");
    assert.equal(out.k, 3);
  });

  test("worker: aborting a queued call leaves the running one alone", async () => {
    const out = await page.evaluate(async () => {
      const seg = window.createSegmenter();
      const csv = await seg.generateSample(1000, 3);
      const ctrl = new AbortController();
      const a = seg.segment(csv, { k: 4, seed: 1 });
      const b = seg.segment(csv, { k: 4, seed: 1 }, { signal: ctrl.signal });
      ctrl.abort();
      const [ra, rb] = await Promise.allSettled([a, b]);
      seg.dispose();
      return { a: ra.status, b: rb.status, bName: rb.reason && rb.reason.name };
    });
    assert.deepEqual(out, { a: "fulfilled", b: "rejected", bName: "AbortError" });
  });

  test("worker: kmeans transfers the data buffer and returns typed arrays", async () => {
    const out = await page.evaluate(async () => {
      const seg = window.createSegmenter();
      const data = new Float64Array(400 * 2);
      for (let i = 0; i < 400; i++) {
        data[2 * i] = (i % 2) * 10 + Math.sin(i);
        data[2 * i + 1] = (i % 2) * 10 + Math.cos(i);
      }
      const r = await seg.kmeans(data, 2, { k: 2, seed: 1 });
      seg.dispose();
      return {
        detached: data.buffer.byteLength === 0,
        labels: r.labels instanceof Uint32Array && r.labels.length === 400,
        centroids: r.centroids instanceof Float64Array && r.centroids.length === 4,
        split: r.labels[0] !== r.labels[1],
      };
    });
    assert.deepEqual(out, { detached: true, labels: true, centroids: true, split: true });
  });

  test("worker: dispose() rejects pending and later calls with DISPOSED", async () => {
    const out = await page.evaluate(async () => {
      const seg = window.createSegmenter();
      const pending = seg.generateSample(50000, 1);
      seg.dispose();
      const codes = [];
      for (const p of [pending, seg.generateSample(10, 1)]) {
        try {
          await p;
          codes.push("resolved");
        } catch (e) {
          codes.push(e.code);
        }
      }
      return codes;
    });
    assert.deepEqual(out, ["DISPOSED", "DISPOSED"]);
  });

  test("worker: wasmUrl and toolsWasmUrl load the modules from other URLs (CDN, CSP); a worker loads the tools only for a tools call", async () => {
    const count = (path) => requests.filter((u) => u.endsWith(path)).length;
    const before = { engine: count("/cdn/engine.wasm"), tools: count("/cdn/tools.wasm") };
    const csv = await page.evaluate(async () => {
      await window.hs.initTools();
      return window.hs.generateSample(200, 1);
    });
    const { k, workers, plan } = await page.evaluate(async ({ csv, toolsPath }) => {
      const seg = window.createSegmenter({ wasmUrl: new URL("/cdn/engine.wasm", location.href), toolsWasmUrl: toolsPath, workers: 2 });
      const r = await seg.segment(csv, { k: 3, seed: 1 });
      const plan = await seg.channelPlan(r.segments, { budget: 1000 });
      seg.dispose();
      return { k: r.segments.length, workers: seg.workers, plan: Array.isArray(plan.segments) };
    }, { csv, toolsPath: "/cdn/tools.wasm" });
    assert.equal(k, 3);
    assert.equal(plan, true);
    // Each worker of the pool loads its own instance from that URL (the pooled segment used both).
    assert.equal(workers, 2);
    assert.equal(count("/cdn/engine.wasm"), before.engine + 2);
    // Only the worker that ran channelPlan loaded the tools module, from toolsWasmUrl.
    assert.equal(count("/cdn/tools.wasm"), before.tools + 1);
  });

  test("worker: a wasm URL that does not load rejects with WASM_LOAD_FAILED", async () => {
    const code = await page.evaluate(async () => {
      const seg = window.createSegmenter({ wasmUrl: "/no/such.wasm" });
      try {
        await seg.generateSample(10, 1);
        return "resolved";
      } catch (e) {
        return e.code;
      } finally {
        seg.dispose();
      }
    });
    assert.equal(code, "WASM_LOAD_FAILED");
  });

  test("worker: workerUrl starts the pool from the package's worker/worker.js served as a static file (relative to the page)", async () => {
    const before = requests.filter((u) => u.endsWith("/hcp-segments/worker/worker.js")).length;
    const out = await page.evaluate(async () => {
      const seg = window.createSegmenter({ workerUrl: "node_modules/hcp-segments/worker/worker.js", workers: 2 });
      const csv = await seg.generateSample(300, 3);
      const pooled = await seg.segment(csv, { k: 3, seed: 1 });
      seg.dispose();
      await window.hs.init();
      const sync = window.hs.segment(csv, { k: 3, seed: 1 });
      return { same: JSON.stringify(pooled.assignments) === JSON.stringify(sync.assignments), k: pooled.segments.length };
    });
    assert.deepEqual(out, { same: true, k: 3 });
    const after = requests.filter((u) => u.endsWith("/hcp-segments/worker/worker.js")).length;
    assert.ok(after >= before + 2, `each of the 2 workers loads workerUrl (${after - before} loads)`);
  });

  test("worker: a workerUrl that does not load rejects with WORKER_LOAD_FAILED, naming the URL and what to serve", async () => {
    const out = await page.evaluate(async () => {
      const tryUrl = async (workerUrl) => {
        const seg = window.createSegmenter({ workerUrl, workers: 1 });
        try {
          await seg.version();
          return { code: "resolved" };
        } catch (e) {
          return { code: e.code, message: e.message };
        } finally {
          seg.dispose();
        }
      };
      return { missing: await tryUrl("/no/worker.js"), foreign: await tryUrl("https://cdn.invalid/worker.js") };
    });
    for (const [what, url] of [["missing", "/no/worker.js"], ["foreign", "https://cdn.invalid/worker.js"]]) {
      assert.equal(out[what].code, "WORKER_LOAD_FAILED", what);
      assert.ok(out[what].message.includes(url), `${what}: ${out[what].message}`);
      assert.match(out[what].message, /worker\/worker\.js.*web\//, what);
    }
  });

  test("worker: a tools URL that does not load fails the tools calls only; segment goes on", async () => {
    const out = await page.evaluate(async () => {
      const seg = window.createSegmenter({ toolsWasmUrl: "/no/tools.wasm", workers: 1 });
      const outcome = (p) => p.then((r) => r, (e) => e.code);
      const csv = "hcp_id,ch_email,fmt_news\na,1,2\nb,3,1\nc,0,5\nd,2,2\n";
      const first = await outcome(seg.generateSample(10, 1));
      const again = await outcome(seg.channelPlan([], { budget: 1 }));
      const r = await seg.segment(csv, { k: 2, seed: 1 });
      seg.dispose();
      return { first, again, k: r.segments.length };
    });
    assert.deepEqual(out, { first: "WASM_LOAD_FAILED", again: "WASM_LOAD_FAILED", k: 2 });
  });

  // The pool (createSegmenter({ workers })): segment() split over N workers must give the
  // one-worker result bit for bit. JSON text equality of the whole result (typed arrays as
  // arrays) means every number printed the same shortest round-trip digits, i.e. equal bits.
  test("worker pool: workers 1, 2 and 3 give identical results, equal to the sync API", async () => {
    const out = await page.evaluate(async () => {
      const text = (r) => JSON.stringify({ ...r, projection: { ...r.projection, points: Array.from(r.projection.points), centroids: Array.from(r.projection.centroids) } });
      await window.hs.init();
      await window.hs.initTools();
      const csv = window.hs.generateSample(3000, 42);
      const cases = [{ k: "auto", seed: 42, silhouetteSample: 1000 }, { k: 5, seed: 7 }, { k: "auto", seed: 3, kRange: [2, 5], engine: "linfa", nRuns: 3 },
        // The sweep on a 1000-row sample, then the chosen k on all 3000 rows (a second round).
        { k: "auto", seed: 5, silhouetteSample: 500, sweepSample: 1000 }];
      const out = [];
      for (const options of cases) {
        const sync = window.hs.segment(csv, options);
        const texts = {};
        const progress = {};
        for (const workers of [1, 2, 3]) {
          const seg = window.createSegmenter({ workers });
          const seen = [];
          const r = await seg.segment(csv, options, { onProgress: (p) => seen.push(p) });
          seg.dispose();
          texts[workers] = text(r);
          const stages = seen.map((p) => p.stage).filter((s, i, a) => s !== a[i - 1]);
          const dones = (stage) => seen.filter((p) => p.stage === stage).map((p) => p.done);
          const up = (d) => d.every((x, i) => i === 0 || x >= d[i - 1]);
          const last = (d) => d[d.length - 1];
          progress[workers] = { stages, sweepLast: last(dones("sweep")), clusterLast: last(dones("cluster")), monotonic: up(dones("sweep")) && up(dones("cluster")) };
        }
        out.push({
          options,
          chosenK: JSON.parse(texts[1]).quality.k,
          sweep: JSON.parse(texts[1]).kSweep && { sampled: JSON.parse(texts[1]).kSweep.sampled, sampleSize: JSON.parse(texts[1]).kSweep.sampleSize, refinedStarts: JSON.parse(texts[1]).kSweep.refinedStarts },
          same12: texts[1] === texts[2],
          same13: texts[1] === texts[3],
          sameSync: texts[1] === text(sync),
          progress,
        });
      }
      return { out, size: window.createSegmenter().workers, cores: navigator.hardwareConcurrency };
    });
    for (const c of out.out) {
      assert.equal(c.same12, true, `workers 1 vs 2, ${JSON.stringify(c.options)}`);
      assert.equal(c.same13, true, `workers 1 vs 3, ${JSON.stringify(c.options)}`);
      assert.equal(c.sameSync, true, `worker vs sync API, ${JSON.stringify(c.options)}`);
      for (const w of [1, 2, 3]) {
        const p = c.progress[w];
        const auto = c.options.k === "auto";
        const sampled = !!c.options.sweepSample;
        const middle = auto ? (sampled ? ["sweep", "cluster"] : ["sweep"]) : ["cluster"];
        assert.deepEqual(p.stages, ["parse", "encode", ...middle, "profile", "project"], `stages, workers ${w}`);
        assert.equal(p.monotonic, true);
        const runs = c.options.nRuns ?? 10;
        if (auto) assert.equal(p.sweepLast, (c.options.kRange ? 4 : 6) * runs, `sweep restarts reported, workers ${w}`);
        if (!auto) assert.equal(p.clusterLast, runs, `cluster restarts reported, workers ${w}`);
        // A sampled sweep's final fit: one step per sample solution refined on every row.
        if (auto && sampled) assert.equal(p.clusterLast, c.sweep.refinedStarts, `refined solutions reported, workers ${w}`);
      }
    }
    assert.equal(out.out[0].chosenK, 6, "the planted six personas");
    assert.deepEqual(out.out[0].sweep, { sampled: false, sampleSize: 3000, refinedStarts: 0 });
    assert.equal(out.out[3].sweep.sampled, true);
    assert.equal(out.out[3].sweep.sampleSize, 1000);
    assert.ok(out.out[3].sweep.refinedStarts >= 1 && out.out[3].sweep.refinedStarts <= 3, JSON.stringify(out.out[3].sweep));
    assert.equal(out.size, Math.max(1, Math.min(out.cores, 4)), "default pool size");
  });

  // A CSV over 1M units is read in parts, one per worker (src/ingest/parts.rs). The messages
  // the page posts show which way it went: parts (pool:readFirst/readPart/merge) or one read
  // (pool:prepare, the fallback when the parts cannot stand for the file).
  test("worker pool: a long CSV is read in parts by every worker; results and errors equal the sync API's", async () => {
    const out = await page.evaluate(async () => {
      await window.hs.init();
      await window.hs.initTools();
      const sent = [];
      const tierUps = [];
      const warmSample = window.hs.generateSample(1200, 1);
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (msg, ...rest) {
        if (msg && msg.type === "call" && msg.method.startsWith("pool:")) sent.push(msg.method);
        if (msg && msg.type === "tierUp") tierUps.push({ worker: this, sample: msg.sample });
        // The warm-up (worker.js tierUp) that index.js starts only for inputs over 32M units:
        // asked for here before each worker's first call, so every run below goes through it.
        if (msg && msg.type === "call" && !this.warmedForTest) {
          this.warmedForTest = true;
          post.call(this, { type: "tierUp", sample: warmSample, options: {} });
        }
        return post.call(this, msg, ...rest);
      };
      const text = (r) => JSON.stringify({ ...r, projection: { ...r.projection, points: Array.from(r.projection.points), centroids: Array.from(r.projection.centroids) } });
      const outcome = async (f) => {
        try {
          return { text: text(await f()) };
        } catch (e) {
          return { code: e.code, line: e.line, column: e.column, message: e.message };
        }
      };
      const csv = window.hs.generateSample(12000, 8);
      if (csv.length < 1 << 20) throw new Error("the CSV must be long enough to be read in parts");
      const lines = csv.split("\n");
      const idOf = (i) => lines[i].split(",")[0];
      const edit = (i, f) => lines.map((l, j) => (j === i ? f(l) : l)).join("\n");
      const late = lines.length - 100; // in the last part for 2 and 3 workers
      const inputs = {
        plain: csv,
        // Each part alone is fine; only the whole file has the same id twice.
        duplicate: edit(late, (l) => idOf(5) + l.slice(idOf(late).length)),
        badCell: edit(late, (l) => l.replace(/,(true|false)$/, ",maybe")),
      };
      const options = { k: 5, seed: 4, nRuns: 3 };
      const out = {};
      for (const [name, input] of Object.entries(inputs)) {
        const sync = await outcome(() => window.hs.segment(input, options));
        // Bytes are compared with the sync API on the same bytes: the report says how they were decoded.
        const syncBytes = await outcome(() => window.hs.segment(new TextEncoder().encode(input), options));
        out[name] = { sync: sync.code ? sync : "ok", runs: {} };
        for (const [workers, asBytes] of [[2, false], [3, false], [2, true]]) {
          const seg = window.createSegmenter({ workers });
          sent.length = 0;
          const stages = [];
          const r = await outcome(() => seg.segment(asBytes ? new TextEncoder().encode(input) : input, options, { onProgress: (p) => stages.push(p.stage) }));
          seg.dispose();
          out[name].runs[`${workers}${asBytes ? " bytes" : ""}`] = {
            same: r.text ? r.text === (asBytes ? syncBytes : sync).text : JSON.stringify(r) === JSON.stringify(asBytes ? syncBytes : sync),
            // The job's task messages (src/job/) are not the read's: left out.
            methods: [...new Set(sent)].filter((m) => !["pool:load", "pool:run", "pool:next"].includes(m)),
            readParts: sent.filter((m) => m === "pool:readPart").length,
            stages: stages.filter((s, i, a) => s !== a[i - 1]),
          };
        }
      }
      // Over 32M units, index.js asks every worker for the warm-up itself, on the input's first
      // 1,200 rows. Then one line without a line end: no parts, the whole text to worker 0, and
      // one read's error.
      const junk = ["hcp_id,ch_email", ...Array.from({ length: 1300 }, (_, i) => `h${i},${i % 7}`), "x".repeat(1 << 25)].join("\n");
      const isHead = (sample) => typeof sample === "string" && junk.startsWith(sample) && sample.split("\n").length === 1202 && sample.endsWith("\n");
      const junkSync = await outcome(() => window.hs.segment(junk, options));
      tierUps.length = 0;
      const seg = window.createSegmenter({ workers: 2 });
      const junkPooled = await outcome(() => seg.segment(junk, options));
      out.junk = { sync: junkSync.code, same: JSON.stringify(junkPooled) === JSON.stringify(junkSync), tierUps: new Set(tierUps.map((t) => t.worker)).size, heads: tierUps.every((t) => isHead(t.sample)) };
      seg.dispose();
      // A pool of one warms its worker up too (its segment() is one long call).
      tierUps.length = 0;
      const one = window.createSegmenter({ workers: 1 });
      const junkOne = await outcome(() => one.segment(junk, options));
      out.junkOne = { same: JSON.stringify(junkOne) === JSON.stringify(junkSync), tierUps: new Set(tierUps.map((t) => t.worker)).size, heads: tierUps.every((t) => isHead(t.sample)) };
      one.dispose();
      Worker.prototype.postMessage = post;
      return out;
    });
    assert.deepEqual(out.junk, { sync: out.junk.sync, same: true, tierUps: 2, heads: true });
    assert.deepEqual(out.junkOne, { same: true, tierUps: 1, heads: true });
    delete out.junkOne;
    assert.ok(out.junk.sync, "the junk input must fail");
    delete out.junk;
    assert.equal(out.plain.sync, "ok");
    assert.equal(out.duplicate.sync.code, "DUPLICATE_ID", JSON.stringify(out.duplicate.sync));
    assert.equal(out.badCell.sync.code, "INVALID_VALUE", JSON.stringify(out.badCell.sync));
    for (const [name, c] of Object.entries(out)) {
      for (const [run, r] of Object.entries(c.runs)) {
        const what = `${name}, ${run} workers`;
        assert.equal(r.same, true, `${what}: same as the sync API`);
        // Read in parts; with an error in the file, then read whole by worker 0 for its error:
        // a part that cannot be read is not merged, a duplicate across parts only shows there.
        const expected = {
          plain: ["pool:readFirst", "pool:readPart", "pool:merge", "pool:finish"],
          duplicate: ["pool:readFirst", "pool:readPart", "pool:merge", "pool:prepare"],
          badCell: ["pool:readFirst", "pool:readPart", "pool:prepare"],
        }[name];
        assert.deepEqual(r.methods, expected, what);
        assert.equal(r.readParts, Number(run[0]) - 1, what);
        if (name === "plain") assert.deepEqual(r.stages, ["parse", "encode", "cluster", "profile", "project"], what);
        else assert.deepEqual(r.stages, ["parse"], what);
      }
    }
  });

  // From 20,000 rows the worker sends `assignments` as columns and the page rebuilds the
  // objects in slices (a 1M-row result arriving as one structured clone froze the page); an
  // input text over 4M characters goes to the worker in slices.
  test("worker: a large result's assignments arrive rebuilt, identical to the sync API", async () => {
    const out = await page.evaluate(async () => {
      await window.hs.init();
      await window.hs.initTools();
      // A non-ASCII id (é, €, an astral 😀: two UTF-16 units) first: the packed ids' offsets
      // are JS string offsets, not UTF-8 bytes.
      let csv = window.hs.generateSample(40000, 6).replace(/\n[^,\n]+,/, "\nhcp-é€😀-1,");
      if (!csv.includes("hcp-é€😀-1,")) throw new Error("the id was not replaced");
      if (csv.length <= 1 << 22) throw new Error("the CSV must be long enough to be sent in slices");
      // An id whose 😀 straddles the first slice boundary (its high surrogate is the last unit
      // of a 4M-unit slice): the slices must be joined before the text is read.
      const cut = (1 << 22) - 1;
      const lineStart = csv.lastIndexOf("\n", cut) + 1;
      const idEnd = csv.indexOf(",", lineStart);
      const straddling = "b" + "x".repeat(cut - lineStart - 1) + "😀";
      csv = csv.slice(0, lineStart) + straddling + csv.slice(idEnd);
      if (csv.charCodeAt(cut) !== 0xd83d) throw new Error("the emoji is not at the boundary");
      const options = { k: 4, seed: 3, nRuns: 2 };
      const sync = window.hs.segment(csv, options);
      // CSV as UTF-8 bytes (what a file's arrayBuffer() gives), over 8 MB so that it too goes
      // to the worker in slices; the caller's buffer must stay intact (copied, not transferred).
      const bigCsv = window.hs.generateSample(75000, 6).replace(/\n[^,\n]+,/, "\nhcp-é€😀-2,");
      const bytes = new TextEncoder().encode(bigCsv);
      if (bytes.length <= 1 << 23) throw new Error("the bytes must be long enough to be sent in slices");
      const bigSync = window.hs.segment(bigCsv, options);
      const same = {};
      const sameJson = (x, ref, n) => Array.isArray(x.assignments) && x.assignments.length === n &&
        JSON.stringify(x.assignments) === JSON.stringify(ref.assignments) && JSON.stringify(x.segments) === JSON.stringify(ref.segments);
      for (const workers of [1, 2]) {
        const seg = window.createSegmenter({ workers });
        const r = await seg.segment(csv, options);
        const fromBytes = await seg.segment(bytes, options);
        const fromBuffer = await seg.segment(bytes.buffer, options);
        // Another method's rows (testCells: other keys, strings) take the generic rebuild.
        const cells = await seg.testCells(sync.model, csv, { seed: 1 });
        seg.dispose();
        const cellsSync = window.hs.testCells(sync.model, csv, { seed: 1 });
        same[workers] = [sameJson(r, sync, 40000), sameJson(fromBytes, bigSync, 75000), sameJson(fromBuffer, bigSync, 75000), bytes.byteLength === bytes.buffer.byteLength && bytes.length > 0,
          cells.assignments.length === 40000 && JSON.stringify(cells) === JSON.stringify(cellsSync)];
      }
      const ids = new Set(sync.assignments.map((a) => a.hcpId));
      return { same, keys: Object.keys(sync.assignments[0]), firstId: sync.assignments[0].hcpId, straddling: ids.has(straddling), bigFirst: bigSync.assignments[0].hcpId };
    });
    assert.deepEqual(out.same, { 1: [true, true, true, true, true], 2: [true, true, true, true, true] });
    assert.equal(out.bigFirst, "hcp-é€😀-2");
    assert.equal(out.straddling, true, "the id across the slice boundary is intact");
    assert.deepEqual(out.keys, ["hcpId", "segment", "distance", "confidence"]);
    assert.equal(out.firstId, "hcp-é€😀-1", "the replaced id is the first row's");
  });

  // A long string goes to the worker in 4M-unit slices; a last slice of one non-ASCII
  // character must arrive like any other, and an error in the last row keep its line and column.
  test("worker: a long CSV whose last slice is one non-ASCII character gives the sync API's answer", async () => {
    const out = await page.evaluate(async () => {
      await window.hs.init();
      await window.hs.initTools();
      const csv = window.hs.generateSample(40000, 6);
      const cut = csv.lastIndexOf("\n", (1 << 22) - 300) + 1;
      const head = csv.slice(0, cut);
      const line = csv.slice(cut, csv.indexOf("\n", cut));
      const fields = line.split(",");
      fields[0] += "x".repeat((1 << 22) + 1 - head.length - line.length - 1);
      fields[fields.length - 1] += "é"; // the text's last character, alone in the last slice
      const text = head + fields.join(",");
      if (text.length !== (1 << 22) + 1 || !text.endsWith("é")) throw new Error("not the intended shape");
      const outcome = async (f) => {
        try {
          const r = await f();
          return { k: r.quality.k };
        } catch (e) {
          return { code: e.code, line: e.line, column: e.column };
        }
      };
      const sync = await outcome(() => window.hs.segment(text, { k: 3, seed: 1, nRuns: 1 }));
      const pooled = {};
      for (const workers of [1, 2]) {
        const seg = window.createSegmenter({ workers });
        pooled[workers] = await outcome(() => seg.segment(text, { k: 3, seed: 1, nRuns: 1 }));
        seg.dispose();
      }
      return { sync, pooled };
    });
    assert.equal(out.sync.code, "INVALID_VALUE", JSON.stringify(out.sync));
    assert.deepEqual(out.pooled, { 1: out.sync, 2: out.sync });
  });

  test("worker pool: bad workers option is INVALID_OPTION; errors inside the pool keep code/line/column", async () => {
    const out = await page.evaluate(async () => {
      const codes = [];
      for (const workers of [0, 1.5, "2", 65]) {
        try {
          window.createSegmenter({ workers });
          codes.push("created");
        } catch (e) {
          codes.push(e.code);
        }
      }
      const seg = window.createSegmenter({ workers: 2 });
      let err;
      try {
        await seg.segment("hcp_id,ch_email,fmt_news\na,1,2\nb,1,-3\n", { k: 2 });
      } catch (e) {
        err = { code: e.code, line: e.line, column: e.column };
      }
      let tooFew;
      try {
        await seg.segment(await seg.generateSample(5, 1), { k: 9 });
      } catch (e) {
        tooFew = e.code;
      }
      const ok = await seg.segment(await seg.generateSample(300, 1), { k: 3, seed: 1 });
      seg.dispose();
      return { codes, err, tooFew, k: ok.segments.length };
    });
    assert.deepEqual(out.codes, ["INVALID_OPTION", "INVALID_OPTION", "INVALID_OPTION", "INVALID_OPTION"]);
    assert.deepEqual(out.err, { code: "NEGATIVE_COUNT", line: 3, column: "fmt_news" });
    assert.equal(out.tooFew, "TOO_FEW_ROWS");
    assert.equal(out.k, 3);
  });

  test("worker pool: cancel mid-sweep rejects with AbortError, terminates every worker, the next call works", async () => {
    const live = () => page.workers().filter((w) => /worker\.js/.test(w.url())).length;
    await page.evaluate(async () => {
      window.poolSeg = window.createSegmenter({ workers: 2 });
      window.poolCsv = await window.poolSeg.generateSample(20000, 11);
    });
    assert.equal(live(), 1, "one worker ran generateSample");
    const aborted = await page.evaluate(async () => {
      const ctrl = new AbortController();
      let at;
      try {
        await window.poolSeg.segment(window.poolCsv, { k: "auto", seed: 1 }, {
          signal: ctrl.signal,
          onProgress: (p) => {
            if (!at && p.stage === "sweep" && p.done >= 1) {
              at = p;
              ctrl.abort();
            }
          },
        });
        return { name: "resolved" };
      } catch (e) {
        return { name: e.name, at };
      }
    });
    assert.equal(aborted.name, "AbortError");
    assert.ok(aborted.at.done >= 1 && aborted.at.done < aborted.at.total, `aborted mid-sweep: ${JSON.stringify(aborted.at)}`);
    for (let i = 0; i < 50 && live() > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(live(), 0, "every worker of the pool is gone after the abort");
    await page.evaluate(async () => {
      window.poolSmall = await window.poolSeg.generateSample(2000, 4);
      window.poolResult = await window.poolSeg.segment(window.poolSmall, { k: "auto", seed: 5 });
    });
    // page.workers() follows worker start/close events, which may trail the call a little.
    for (let i = 0; i < 50 && live() !== 2; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(live(), 2, "the next call restarted both workers");
    await page.evaluate(() => window.poolSeg.dispose());
    const same = await page.evaluate(async () => {
      const one = window.createSegmenter({ workers: 1 });
      const r1 = await one.segment(window.poolSmall, { k: "auto", seed: 5 });
      one.dispose();
      const r = window.poolResult;
      return JSON.stringify(r.assignments) === JSON.stringify(r1.assignments) && Object.is(r.quality.inertia, r1.quality.inertia);
    });
    assert.equal(same, true, "after the abort, a fresh pool gives the one-worker result");
    for (let i = 0; i < 50 && live() > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(live(), 0, "dispose() terminates the pool");
  });

  // Issue #6 "a cancelled run frees its worker": a worker's wasm memory lives and dies with the
  // worker, so: after each cancel no worker is left, and over many cancel cycles the page's own
  // JS heap (CDP Performance.getMetrics after a forced GC) does not grow with them.
  test("worker pool: many cancel cycles leave no worker behind and do not grow the page heap", async () => {
    const live = () => page.workers().filter((w) => /worker\.js/.test(w.url())).length;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const heap = async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      const { metrics } = await cdp.send("Performance.getMetrics");
      return metrics.find((m) => m.name === "JSHeapUsedSize").value;
    };
    await page.evaluate(async () => {
      window.cycleSeg = window.createSegmenter({ workers: 2 });
      window.cycleCsv = await window.cycleSeg.generateSample(8000, 2);
    });
    const cycle = () =>
      page.evaluate(async () => {
        const ctrl = new AbortController();
        try {
          await window.cycleSeg.segment(window.cycleCsv, { k: "auto", seed: 1 }, {
            signal: ctrl.signal,
            onProgress: (p) => p.stage === "sweep" && p.done >= 1 && ctrl.abort(),
          });
          return "resolved";
        } catch (e) {
          return e.name;
        }
      });
    assert.equal(await cycle(), "AbortError");
    const base = await heap();
    let most = 0;
    for (let i = 0; i < 12; i++) {
      assert.equal(await cycle(), "AbortError");
      await new Promise((r) => setTimeout(r, 50));
      most = Math.max(most, live());
    }
    for (let i = 0; i < 50 && live() > 0; i++) await new Promise((r) => setTimeout(r, 100));
    const grown = (await heap()) - base;
    assert.equal(live(), 0, "no worker left after the last cancel");
    assert.ok(most <= 2, `never more than the pool's 2 workers alive (saw ${most})`);
    // The CSV alone is ~1.6 MB; a leak of one matrix or result per cycle would be 12 × that.
    assert.ok(grown < 4 * 2 ** 20, `page heap grew by ${(grown / 2 ** 20).toFixed(1)} MB over 12 cancel cycles`);
    await page.evaluate(() => window.cycleSeg.dispose());
    await cdp.detach();
  });

  test("privacy: every request stayed on the page's origin; no CSP violations", () => {
    const foreign = requests.filter((u) => !u.startsWith(origin));
    assert.deepEqual(foreign, []);
    assert.deepEqual(
      consoleErrors.filter((e) => /Content Security Policy|Refused/.test(e)),
      [],
    );
  });
});
