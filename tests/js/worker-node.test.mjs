// createSegmenter() from "hcp-segments/worker" in Node (worker threads), from the installed
// tarball, via import and require: the same answers as the synchronous API for 1-3 threads,
// errors that reject without crashing, aborts, and a process that exits on its own after
// dispose(). The CLI's --workers gives the same files for any N.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { cli, freshProject, runIn } from "./helpers.mjs";

let dir;
before(() => {
  dir = freshProject("hcp-node-worker-");
});

// Runs inside the project: every case through a pool of N threads, compared with the sync API
// (deepStrictEqual: numbers compared with Object.is, so equal bits but for NaN payloads).
const CASES = `
const assert = require("node:assert/strict");
async function compareAll(hs, createSegmenter, sizes) {
  const small = hs.generateSample(600, 5);
  // Over 1M characters: the pool reads it in parts, one per thread.
  const large = hs.generateSample(12000, 8);
  const bytes = Buffer.from(small, "utf8");
  const cases = [
    ["segment", [large, { k: "auto", seed: 4 }]],
    ["segment", [small, { k: 4, seed: 2 }]],
    ["segment", [bytes, { k: "auto", seed: 7, kRange: [2, 5] }]],
  ];
  const done = [];
  for (const workers of sizes) {
    const seg = createSegmenter({ workers });
    assert.equal(seg.workers, workers);
    for (const [method, args] of cases) {
      const expected = hs[method](...args);
      const progress = [];
      const got = await seg[method](...args, { onProgress: (p) => progress.push(p.stage) });
      assert.deepStrictEqual(got, expected, method + " with " + workers + " threads");
      assert.ok(progress.length > 0, "progress reported");
    }
    const result = hs.segment(small, { k: 3, seed: 9 });
    assert.deepStrictEqual(await seg.assign(result.model, small), hs.assign(result.model, small));
    assert.deepStrictEqual(await seg.targetList(result, small), hs.targetList(result, small));
    assert.deepStrictEqual(await seg.segmentSummary(result), hs.segmentSummary(result));
    assert.deepStrictEqual(await seg.matchSegments(
      { segments: result.segments, assignments: result.assignments },
      { segments: result.segments, assignments: result.assignments }),
      hs.matchSegments({ segments: result.segments, assignments: result.assignments }, { segments: result.segments, assignments: result.assignments }));
    seg.dispose();
    done.push(workers);
  }
  return done;
}
`;

describe("createSegmenter in Node (worker threads)", () => {
  test("via import: 1, 2 and 3 threads give the synchronous API's results", () => {
    const r = runIn(
      dir,
      "equal.mjs",
      `import { createRequire } from "node:module";
       import * as hs from "hcp-segments";
       import { createSegmenter } from "hcp-segments/worker";
       const require = createRequire(import.meta.url);
       ${CASES}
       console.log(JSON.stringify(await compareAll(hs, createSegmenter, [1, 2, 3])));`,
      [],
      { timeout: 240000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [1, 2, 3]);
  });

  test("via require: 1, 2 and 3 threads give the synchronous API's results; the same methods as import", () => {
    const r = runIn(
      dir,
      "equal.cjs",
      `const hs = require("hcp-segments");
       const { createSegmenter } = require("hcp-segments/worker");
       ${CASES}
       (async () => {
         const esm = await import("hcp-segments/worker");
         const a = createSegmenter({ workers: 1 }), b = esm.createSegmenter({ workers: 1 });
         assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
         a.dispose(); b.dispose();
         assert.throws(() => createSegmenter({ workers: 0 }), (e) => e.code === "INVALID_OPTION");
         console.log(JSON.stringify(await compareAll(hs, createSegmenter, [1, 2, 3])));
       })();`,
      [],
      { timeout: 240000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [1, 2, 3]);
  });

  test("a file's bytes over 8 MB (a Node Buffer, as readFileSync gives it): same result, the caller's buffer untouched", () => {
    const r = runIn(
      dir,
      "buffer.mjs",
      `import * as hs from "hcp-segments";
       import { createSegmenter } from "hcp-segments/worker";
       // About 80,000 rows: sent in 8 MB slices, and read in parts by 2 threads.
       const file = Buffer.from(hs.generateSample(80000, 6), "utf8");
       const options = { k: 3, nRuns: 1, seed: 3 };
       const expected = JSON.stringify(hs.segment(file, options));
       const out = [file.length > 8 << 20];
       for (const workers of [1, 2]) {
         const seg = createSegmenter({ workers });
         out.push(JSON.stringify(await seg.segment(file, options)) === expected, file.buffer.byteLength > 0);
         seg.dispose();
       }
       console.log(JSON.stringify(out));`,
      [],
      { timeout: 240000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [true, true, true, true, true]);
  });

  test('assignments: "columns" holds the rows the synchronous API gives; the columns go back into any call as the rows would', () => {
    const r = runIn(
      dir,
      "columns.mjs",
      `import assert from "node:assert/strict";
       import * as hs from "hcp-segments";
       import { createSegmenter } from "hcp-segments/worker";
       const checks = [];
       // 30,000 rows: packed by the wasm (≥ 20,000); 500: sent as objects, made columns on arrival.
       for (const [n, workers] of [[30000, 1], [30000, 2], [500, 2]]) {
         const csv = hs.generateSample(n, 11);
         const options = { k: 4, nRuns: 2, seed: 5 };
         const rows = hs.segment(csv, options);
         const seg = createSegmenter({ workers });
         const got = await seg.segment(csv, options, { assignments: "columns" });
         const cols = got.assignments;
         assert.ok(!Array.isArray(cols) && cols.length === n, "columns of n rows");
         assert.ok(cols.segment instanceof Float64Array && cols.distance instanceof Float64Array && cols.confidence instanceof Float64Array);
         for (let i = 0; i < n; i++) {
           const a = rows.assignments[i];
           if (cols.hcpId(i) !== a.hcpId || !Object.is(cols.segment[i], a.segment) || !Object.is(cols.distance[i], a.distance) || !Object.is(cols.confidence[i], a.confidence)) {
             throw new Error("row " + i + " differs: " + JSON.stringify([cols.row(i), a]));
           }
         }
         assert.deepStrictEqual(cols.row(n - 1), rows.assignments[n - 1]);
         assert.deepStrictEqual([...cols], rows.assignments);
         assert.equal(JSON.stringify(got), JSON.stringify(rows), "the whole result, as JSON");
         assert.throws(() => cols.row(n), RangeError);
         // Handed back: the worker gets objects again.
         assert.equal(await seg.exportCsv("assignments", got), hs.exportCsv("assignments", rows));
         assert.equal(await seg.exportCsv("assignments", { assignments: cols }), hs.exportCsv("assignments", { assignments: rows.assignments }));
         assert.equal(await seg.targetList(got, csv), hs.targetList(rows, csv));
         const moved = await seg.refresh(rows.model, csv, cols, {}, { assignments: "columns" });
         assert.deepStrictEqual([...moved.assignments], hs.refresh(rows.model, csv, rows.assignments, {}).assignments);
         assert.deepStrictEqual(
           await seg.matchSegments({ segments: got.segments, assignments: cols }, { segments: got.segments, assignments: cols }),
           hs.matchSegments({ segments: rows.segments, assignments: rows.assignments }, { segments: rows.segments, assignments: rows.assignments }),
         );
         // assign and testCells answer in columns too (testCells: its text fields as functions).
         const assigned = await seg.assign(rows.model, csv, {}, { assignments: "columns" });
         assert.deepStrictEqual([...assigned.assignments], hs.assign(rows.model, csv).assignments);
         const cells = await seg.testCells(rows.model, csv, {}, { assignments: "columns" });
         assert.equal(typeof cells.assignments.stratum, "function");
         assert.deepStrictEqual(JSON.parse(JSON.stringify(cells)), JSON.parse(JSON.stringify(hs.testCells(rows.model, csv, {}))));
         // A form that does not exist is refused; the pool goes on.
         await assert.rejects(seg.segment(csv, options, { assignments: "objects" }), (e) => e.code === "INVALID_OPTION" && /rows.*columns/.test(e.message));
         assert.deepStrictEqual(await seg.segment(csv, options), rows);
         seg.dispose();
         checks.push(n + "x" + workers);
       }
       console.log(JSON.stringify(checks));`,
      [],
      { timeout: 240000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ["30000x1", "30000x2", "500x2"]);
  });

  test("a failing input rejects with its code and line, the process goes on, and so does the pool", () => {
    const r = runIn(
      dir,
      "fail.mjs",
      `import * as hs from "hcp-segments";
       import { createSegmenter } from "hcp-segments/worker";
       const good = hs.generateSample(300, 2);
       const lines = good.split("\\n");
       const cols = lines[0].split(",");
       const at = cols.findIndex((c) => c.startsWith("ch_"));
       const row = lines[5].split(","); row[at] = "-3"; lines[5] = row.join(",");
       const bad = lines.join("\\n");
       let expected;
       try { hs.segment(bad, { k: 3 }); } catch (e) { expected = { code: e.code, line: e.line, column: e.column }; }
       const out = [];
       for (const workers of [1, 2]) {
         const seg = createSegmenter({ workers });
         const e = await seg.segment(bad, { k: 3 }).then(() => null, (e) => e);
         out.push({ code: e.code, line: e.line, column: e.column, isError: e instanceof Error });
         // Arguments a thread cannot receive reject too (a function is not cloneable).
         const clone = await seg.segment(good, { k: 3, nope: () => 1 }).then(() => null, (e) => e);
         out.push({ code: clone.code });
         const again = await seg.segment(good, { k: 3, seed: 1 });
         if (JSON.stringify(again) !== JSON.stringify(hs.segment(good, { k: 3, seed: 1 }))) throw new Error("pool broken after an error");
         seg.dispose();
       }
       console.log(JSON.stringify({ expected, out }));`,
    );
    assert.equal(r.status, 0, r.stderr);
    const { expected, out } = JSON.parse(r.stdout);
    assert.equal(expected.code, "NEGATIVE_COUNT");
    assert.equal(expected.line, 6);
    const want = { ...expected, isError: true };
    assert.deepEqual(out, [want, { code: "INVALID_OPTION" }, want, { code: "INVALID_OPTION" }]);
  });

  test("an aborted call rejects with AbortError, a throwing onProgress with its error; the next call works", () => {
    const r = runIn(
      dir,
      "abort.mjs",
      `import * as hs from "hcp-segments";
       import { createSegmenter } from "hcp-segments/worker";
       const csv = hs.generateSample(6000, 3);
       const out = [];
       for (const workers of [1, 2]) {
         const seg = createSegmenter({ workers });
         const ctrl = new AbortController();
         const running = seg.segment(csv, { k: "auto", seed: 1 }, { signal: ctrl.signal, onProgress: () => ctrl.abort() });
         const e = await running.then(() => null, (e) => e);
         out.push(e && e.name);
         const already = await seg.segment(csv, { k: 3 }, { signal: AbortSignal.abort() }).then(() => null, (e) => e);
         out.push(already && already.name);
         // A progress callback that throws ends its call with that error (as the sync segment() throws it).
         const boom = await seg.segment(csv, { k: 3 }, { onProgress: () => { throw new Error("boom"); } }).then(() => null, (e) => e.message);
         out.push(boom);
         const next = await seg.segment(csv, { k: 3, seed: 2 });
         out.push(JSON.stringify(next) === JSON.stringify(hs.segment(csv, { k: 3, seed: 2 })));
         seg.dispose();
         const after = await seg.version().then(() => null, (e) => e.code);
         out.push(after);
       }
       console.log(JSON.stringify(out));`,
    );
    assert.equal(r.status, 0, r.stderr);
    const one = ["AbortError", "AbortError", "boom", true, "DISPOSED"];
    assert.deepEqual(JSON.parse(r.stdout), [...one, ...one]);
  });

  // Each script must end by itself, soon: a thread left running would keep it alive until the
  // timeout. Linux's count of the process's threads shows the pool's threads go at dispose().
  for (const [name, source] of [
    ["dispose.mjs", `import { createSegmenter } from "hcp-segments/worker"; import { readFileSync } from "node:fs";`],
    ["dispose.cjs", `const { createSegmenter } = require("hcp-segments/worker"); const { readFileSync } = require("node:fs");`],
  ]) {
    test(`dispose() ends every thread: the process exits on its own (${name})`, () => {
      const started = Date.now();
      const r = runIn(
        dir,
        name,
        `${source}
         const threads = () => Number(/^Threads:\\s+(\\d+)/m.exec(readFileSync("/proc/self/status", "utf8"))[1]);
         (async () => {
           const seg = createSegmenter({ workers: 3 });
           const csv = await seg.generateSample(2000, 1);
           const result = await seg.segment(csv, { k: "auto", seed: 1 });
           await seg.assign(result.model, csv);
           const running = threads();
           seg.dispose();
           let after = threads();
           for (let i = 0; i < 100 && running - after < 3; i++) {
             await new Promise((r) => setTimeout(r, 50));
             after = threads();
           }
           console.log("disposed " + result.assignments.length + ", threads gone: " + (running - after >= 3));
         })();`,
        [],
        { timeout: 60000 },
      );
      const secs = (Date.now() - started) / 1000;
      assert.equal(r.status, 0, `exit status ${r.status} (null: still running after 60 s, killed): ${r.stderr}`);
      assert.equal(r.stdout.trim(), "disposed 2000, threads gone: true");
      assert.ok(secs < 20, `the script took ${secs} s`);
    });
  }

  test("without dispose() an idle pool does not keep the process alive", () => {
    const started = Date.now();
    const r = runIn(
      dir,
      "forgot.mjs",
      `import { createSegmenter } from "hcp-segments/worker";
       const seg = createSegmenter({ workers: 2 });
       const csv = await seg.generateSample(1500, 1);
       const result = await seg.segment(csv, { k: 3, seed: 1 });
       console.log(result.segments.length);`,
      [],
      { timeout: 60000 },
    );
    assert.equal(r.status, 0, `exit status ${r.status}: ${r.stderr}`);
    assert.equal(r.stdout.trim(), "3");
    assert.ok(Date.now() - started < 30000);
  });
});

describe("CLI --workers", () => {
  test("segment with --workers 1, 2 and 3 writes identical files", () => {
    // 12,000 rows: over 1 MB, so the threads also read the file in parts.
    assert.equal(cli(dir, ["sample", "--n", "12000", "--seed", "4", "--out", "w.csv"]).status, 0);
    const files = (n) => ["--json", `r${n}.json`, "--assignments", `a${n}.csv`, "--model", `m${n}.json`, "--summary", `s${n}.csv`];
    const read = (n) => ["r", "a", "m", "s"].map((f) => readFileSync(join(dir, `${f}${n}${f === "a" || f === "s" ? ".csv" : ".json"}`)));
    for (const n of [1, 2, 3]) {
      const r = cli(dir, ["segment", "w.csv", "--k", "auto", "--seed", "5", "--workers", String(n), ...files(n)], { timeout: 240000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /chosen k = \d/);
    }
    const one = read(1);
    for (const n of [2, 3]) read(n).forEach((bytes, i) => assert.ok(bytes.equals(one[i]), `file ${i} differs with --workers ${n}`));
  });

  test("--workers: a bad count is a usage error; a data error keeps its code and line", () => {
    const bad = cli(dir, ["segment", "w.csv", "--workers", "0"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--workers expects an integer/);
    const tooMany = cli(dir, ["segment", "w.csv", "--workers", "65"]);
    assert.equal(tooMany.status, 2);
    const lines = readFileSync(join(dir, "w.csv"), "utf8").split("\n");
    const channel = lines[0].split(",").findIndex((c) => c.startsWith("ch_"));
    const row = lines[3].split(",");
    row[channel] = "-1";
    lines[3] = row.join(",");
    const r = spawnSync(join(dir, "node_modules/.bin/hcp-segments"), ["segment", "-", "--workers", "2"], { cwd: dir, input: lines.join("\n"), encoding: "utf8" });
    const one = spawnSync(join(dir, "node_modules/.bin/hcp-segments"), ["segment", "-", "--workers", "1"], { cwd: dir, input: lines.join("\n"), encoding: "utf8" });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, one.stderr);
    assert.match(r.stderr, /error NEGATIVE_COUNT \(line 4/);
  });
});
