// The package in Chromium, Firefox ESR and WebKitGTK over W3C WebDriver: the page of
// tests/js/package-site.mjs (no bundler, strict CSP) with the packed tarball installed, and every
// answer compared with the Node build of the same tarball on the same input and options. Equal
// JSON text (typed arrays as arrays) means every number printed the same shortest round-trip
// digits, i.e. equal bits: the project's guarantee that every runtime gives the same segments.
// The page scripts test `instanceof window.Error`, not `instanceof Error`: Firefox runs WebDriver
// scripts in a sandbox whose own `Error` is not the page's.
//
//   make test-browsers      (or: node --test tests/browsers/, after make package)
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { freshProject, requireFrom } from "../js/helpers.mjs";
import { servePackageSite, writePackagePage } from "../js/package-site.mjs";
import { enginesToTest, inPage, launch, waitInPage } from "./webdriver.mjs";
import { probeFeatures, sameText, skipUnless, toText } from "./compare.mjs";

const dir = freshProject("hcp-engines-");
writePackagePage(dir);
const node = requireFrom(dir);

const SAMPLE = node.generateSample(2000, 42);
const AUTO = { k: "auto", seed: 42, silhouetteSample: 1000 };
const FIXED = { k: 5, seed: 7, nRuns: 3 };
const BAD_VALUE = "hcp_id,ch_email,fmt_news\na,1,2\nb,x,3\n";
const NEGATIVE = "hcp_id,ch_email,fmt_news\na,1,2\nb,1,-3\n";
/** Node's answers: the reference every engine must give. */
const nodeAnswer = {
  auto: toText(node.segment(SAMPLE, AUTO)),
  fixed: toText(node.segment(SAMPLE, FIXED)),
  autoBytes: toText(node.segment(new TextEncoder().encode(SAMPLE), AUTO)),
};
function nodeError(csv) {
  try {
    node.segment(csv, { k: 2 });
  } catch (e) {
    return { code: e.code, line: e.line, column: e.column };
  }
  throw new Error("Node accepted an input that must fail");
}

for (const engine of enginesToTest()) {
  describe(`package in ${engine}`, { concurrency: false }, () => {
    let session, driver, site, features;

    before(async () => {
      site = await servePackageSite(dir);
      session = await launch(engine);
      driver = session.driver;
      await driver.get(site.origin + "/");
      await waitInPage(driver, () => window.appReady === true || window.pageProblems.length > 0, null, { timeout: 30_000, what: "the page's modules" });
      features = await probeFeatures(driver);
      console.log(`# ${session.label}: ${JSON.stringify(features)}`);
    });

    after(async () => {
      await session?.quit();
      await site?.close();
    });

    test("the page loads under the strict CSP", async (t) => {
      assert.deepEqual(await inPage(driver, () => window.pageProblems), []);
      assert.equal(await inPage(driver, () => window.appReady === true), true, "the package's modules loaded");
      t.diagnostic(`${session.label}: wasm simd128 ${features.simd128}, module workers ${features.moduleWorker}`);
    });

    test("sync API: NOT_INITIALIZED before init(); then text and bytes in give Node's answer", async (t) => {
      if (skipUnless(t, session, features, "simd128")) return;
      const out = await inPage(driver, async ({ sample, auto, fixed }) => {
        const T = (r) => JSON.stringify(r, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
        let before;
        try {
          window.hs.segment("hcp_id,ch_email\na,1\n", { k: 1 });
        } catch (e) {
          before = e.code;
        }
        await window.hs.init();
        await window.hs.initTools();
        return {
          before,
          sampleSame: window.hs.generateSample(2000, 42) === sample,
          auto: T(window.hs.segment(sample, auto)),
          fixed: T(window.hs.segment(sample, fixed)),
          autoBytes: T(window.hs.segment(new TextEncoder().encode(sample), auto)),
        };
      }, { sample: SAMPLE, auto: AUTO, fixed: FIXED });
      assert.equal(out.before, "NOT_INITIALIZED");
      assert.equal(out.sampleSame, true, "generateSample(2000, 42) is Node's sample");
      sameText(out.auto, nodeAnswer.auto, "segment(text, k auto)");
      sameText(out.fixed, nodeAnswer.fixed, "segment(text, k 5)");
      sameText(out.autoBytes, nodeAnswer.autoBytes, "segment(bytes, k auto)");
    });

    test("sync API: an error throws an Error with Node's code, line and column", async (t) => {
      if (skipUnless(t, session, features, "simd128")) return;
      const e = await inPage(driver, async (csv) => {
        await window.hs.init();
        try {
          window.hs.segment(csv, { k: 2 });
        } catch (e) {
          return { isError: e instanceof window.Error, code: e.code, line: e.line, column: e.column };
        }
        return null;
      }, BAD_VALUE);
      assert.deepEqual(e, { isError: true, ...nodeError(BAD_VALUE) });
      assert.equal(e.code, "INVALID_VALUE");
    });

    test("worker pool: 1 and 2 workers, with progress, give Node's answer (text and bytes in)", async (t) => {
      if (skipUnless(t, session, features, "simd128", "moduleWorker")) return;
      const out = await inPage(driver, async ({ sample, auto }) => {
        const T = (r) => JSON.stringify(r, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
        const runs = {};
        for (const workers of [1, 2]) {
          const seg = window.createSegmenter({ workers });
          const stages = [];
          const r = await seg.segment(sample, auto, { onProgress: (p) => stages[stages.length - 1] !== p.stage && stages.push(p.stage) });
          const bytes = new TextEncoder().encode(sample);
          const fromBytes = await seg.segment(bytes, auto);
          seg.dispose();
          runs[workers] = { text: T(r), bytes: T(fromBytes), stages, callersBytesIntact: bytes.length > 0 };
        }
        return runs;
      }, { sample: SAMPLE, auto: AUTO });
      for (const workers of ["1", "2"]) {
        const run = out[workers];
        sameText(run.text, nodeAnswer.auto, `${workers} worker(s), text in`);
        sameText(run.bytes, nodeAnswer.autoBytes, `${workers} worker(s), bytes in`);
        assert.ok(run.stages.includes("sweep"), `${workers} worker(s): progress stages ${run.stages}`);
        assert.equal(run.callersBytesIntact, true, "the caller's bytes are copied, not taken");
      }
    });

    test("worker pool from workerUrl (the package's worker/ and web/ as static files) gives Node's answer", async (t) => {
      if (skipUnless(t, session, features, "simd128", "moduleWorker")) return;
      const text = await inPage(driver, async ({ sample, fixed }) => {
        const base = new URL("/node_modules/hcp-segments/", location.href);
        const seg = window.createSegmenter({
          workers: 2,
          workerUrl: new URL("worker/worker.js", base),
          wasmUrl: new URL("web/hcp_segments_bg.wasm", base),
        });
        const r = await seg.segment(sample, fixed);
        seg.dispose();
        return JSON.stringify(r, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
      }, { sample: SAMPLE, fixed: FIXED });
      sameText(text, nodeAnswer.fixed, "2 workers from workerUrl, k 5");
    });

    test("worker: an error rejects with Node's code, line and column; the worker goes on", async (t) => {
      if (skipUnless(t, session, features, "simd128", "moduleWorker")) return;
      const out = await inPage(driver, async (csv) => {
        const seg = window.createSegmenter({ workers: 2 });
        let err;
        try {
          await seg.segment(csv, { k: 2 });
        } catch (e) {
          err = { isError: e instanceof window.Error, code: e.code, line: e.line, column: e.column };
        }
        const ok = await seg.segment(await seg.generateSample(200, 1), { k: 3, seed: 1 });
        seg.dispose();
        return { err, k: ok.segments.length };
      }, NEGATIVE);
      assert.deepEqual(out.err, { isError: true, ...nodeError(NEGATIVE) });
      assert.equal(out.err.code, "NEGATIVE_COUNT");
      assert.equal(out.k, 3);
    });

    test("worker: an AbortSignal rejects with an AbortError (running and already aborted); the next call works", async (t) => {
      if (skipUnless(t, session, features, "simd128", "moduleWorker")) return;
      const out = await inPage(driver, async () => {
        const seg = window.createSegmenter({ workers: 2 });
        const csv = await seg.generateSample(20000, 11);
        const ctrl = new AbortController();
        const outcome = (p) => p.then(() => "resolved", (e) => `${e.name}${e instanceof window.DOMException ? " (DOMException)" : ""}`);
        const running = await outcome(seg.segment(csv, { k: "auto", seed: 1 }, { signal: ctrl.signal, onProgress: () => ctrl.abort() }));
        const already = await outcome(seg.segment(csv, {}, { signal: AbortSignal.abort() }));
        const next = await seg.segment(await seg.generateSample(300, 2), { k: 3, seed: 1 });
        seg.dispose();
        return { running, already, k: next.segments.length };
      });
      assert.deepEqual(out, { running: "AbortError (DOMException)", already: "AbortError (DOMException)", k: 3 });
    });

    test("worker: dispose() rejects pending and later calls with DISPOSED", async (t) => {
      if (skipUnless(t, session, features, "simd128", "moduleWorker")) return;
      const codes = await inPage(driver, async () => {
        const seg = window.createSegmenter();
        const pending = seg.generateSample(50000, 1);
        seg.dispose();
        const codes = [];
        for (const p of [pending, seg.generateSample(10, 1)]) codes.push(await p.then(() => "resolved", (e) => e.code));
        return codes;
      });
      assert.deepEqual(codes, ["DISPOSED", "DISPOSED"]);
    });

    test("no CSP violation or uncaught error; the page asked only for itself, the package and its wasm", async () => {
      assert.deepEqual(await inPage(driver, () => window.pageProblems), []);
      const unexpected = site.served.filter((p) => !/^\/(|index\.html|record\.js|app\.js|favicon\.ico|feature-probe-worker\.js)$/.test(p) && !p.startsWith("/node_modules/hcp-segments/"));
      assert.deepEqual(unexpected, []);
      assert.ok(site.served.some((p) => p.endsWith("/hcp_segments_bg.wasm")), "the wasm came from the package");
    });
  });
}
