// The package in headless Chromium without a bundler: <script type="module"> from a static
// folder under a strict Content-Security-Policy; the sync API after init(), and the worker API
// (progress, AbortSignal, transfer, dispose, custom wasm URL). Also: no request leaves the origin.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";
import { freshProject } from "./helpers.mjs";

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; style-src 'self'";

let dir, server, origin, browser, page;
const requests = [];
const consoleErrors = [];

before(async () => {
  dir = freshProject("hcp-browser-");
  writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>hcp-segments</title><script type="module" src="/app.js"></script>`);
  writeFileSync(
    join(dir, "app.js"),
    `import * as hs from "/node_modules/hcp-segments/web/index.js";
     import { createSegmenter } from "/node_modules/hcp-segments/worker/index.js";
     window.hs = hs; window.createSegmenter = createSegmenter; window.appReady = true;`,
  );
  server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, "");
    if (path === "") path = "index.html";
    // a second copy of the wasm at another URL, for the wasmUrl option
    if (path === "cdn/engine.wasm") path = "node_modules/hcp-segments/web/hcp_segments_bg.wasm";
    const file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream", "content-security-policy": CSP });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${server.address().port}`;
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
  server?.close();
});

describe("browser, no bundler", () => {
  test("sync API: NOT_INITIALIZED before init(), results after", async () => {
    const out = await page.evaluate(async () => {
      let before;
      try {
        window.hs.generateSample(10, 1);
      } catch (e) {
        before = { code: e.code, isError: e instanceof Error };
      }
      await window.hs.init();
      const r = window.hs.segment(window.hs.generateSample(1000, 4), { k: 4, seed: 1 });
      return { before, k: r.segments.length, n: r.assignments.length, version: window.hs.version() };
    });
    assert.deepEqual(out.before, { code: "NOT_INITIALIZED", isError: true });
    assert.equal(out.k, 4);
    assert.equal(out.n, 1000);
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

  test("worker: wasmUrl loads the engine from another URL (CDN, CSP)", async () => {
    const before = requests.filter((u) => u.endsWith("/cdn/engine.wasm")).length;
    const k = await page.evaluate(async () => {
      const seg = window.createSegmenter({ wasmUrl: new URL("/cdn/engine.wasm", location.href) });
      const r = await seg.segment(await seg.generateSample(200, 1), { k: 3, seed: 1 });
      seg.dispose();
      return r.segments.length;
    });
    assert.equal(k, 3);
    assert.equal(requests.filter((u) => u.endsWith("/cdn/engine.wasm")).length, before + 1);
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

  test("privacy: every request stayed on the page's origin; no CSP violations", () => {
    const foreign = requests.filter((u) => !u.startsWith(origin));
    assert.deepEqual(foreign, []);
    assert.deepEqual(
      consoleErrors.filter((e) => /Content Security Policy|Refused/.test(e)),
      [],
    );
  });
});
