// The synchronous API through the installed package (Node, CommonJS entry).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import { kmeans as mlKmeans } from "ml-kmeans";
import { ROOT, freshProject, requireFrom } from "./helpers.mjs";

let hs;
let csv;
let result;
before(() => {
  hs = requireFrom(freshProject());
  csv = hs.generateSample(2000, 7);
  result = hs.segment(csv, { k: 6, seed: 1 });
});

function csvToRecords(text) {
  const [head, ...rows] = text.trim().split(/\r?\n/);
  const cols = head.split(",");
  return rows.map((r) => {
    const cells = r.split(",");
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
  });
}

/** Expect fn to throw a real Error with this code (and line/column when given). */
function throwsCoded(fn, code, where = {}) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${code}, nothing was thrown`);
  assert.ok(err instanceof Error, `not an Error: ${err}`);
  assert.equal(err.code, code, `code: ${err.code} (${err.message})`);
  if ("line" in where) assert.equal(err.line, where.line, `line (${err.message})`);
  if ("column" in where) assert.equal(err.column, where.column, `column (${err.message})`);
  assert.ok(err.message.length > 0);
  return err;
}

describe("segment()", () => {
  test("generateSample(2000, 7) is a CSV with a header and 2000 rows", () => {
    const lines = csv.trim().split("\n");
    assert.equal(lines.length, 2001);
    assert.match(lines[0], /hcp_id/);
    assert.match(lines[0], /ch_/);
    assert.match(lines[0], /fmt_/);
  });

  test("k: 6 gives 6 segments whose sizes sum to 2000, ordered by size", () => {
    assert.equal(result.segments.length, 6);
    assert.equal(result.segments.reduce((s, x) => s + x.size, 0), 2000);
    assert.deepEqual(
      result.segments.map((s) => s.id),
      [0, 1, 2, 3, 4, 5],
    );
    for (let i = 1; i < 6; i++) assert.ok(result.segments[i - 1].size >= result.segments[i].size);
    assert.ok(Math.abs(result.segments.reduce((s, x) => s + x.share, 0) - 1) < 1e-9);
    assert.equal(result.quality.k, 6);
    assert.equal(result.kSweep, null);
  });

  test("each segment carries a name, index scores for every channel and format, reach", () => {
    const nChannels = result.report.channels.length;
    const nFormats = result.report.formats.length;
    assert.ok(nChannels > 0 && nFormats > 0);
    for (const s of result.segments) {
      assert.equal(typeof s.name, "string");
      assert.ok(s.name.length > 0);
      assert.equal(s.channels.length, nChannels);
      assert.equal(s.formats.length, nFormats);
      for (let i = 1; i < s.channels.length; i++) {
        assert.ok((s.channels[i - 1].index ?? -Infinity) >= (s.channels[i].index ?? -Infinity), "channels ranked by index");
      }
    }
  });

  test("assignments: one per HCP, counts match sizes, confidence in [0, 1]", () => {
    assert.equal(result.assignments.length, 2000);
    const counts = new Array(6).fill(0);
    for (const a of result.assignments) {
      counts[a.segment]++;
      assert.ok(a.confidence >= 0 && a.confidence <= 1 + 1e-12, `confidence ${a.confidence}`);
      assert.ok(a.distance >= 0);
    }
    assert.deepEqual(
      counts,
      result.segments.map((s) => s.size),
    );
  });

  test("projection: typed arrays of n × 2 and k × 2", () => {
    assert.ok(result.projection.points instanceof Float32Array);
    assert.equal(result.projection.points.length, 2000 * 2);
    assert.equal(result.projection.centroids.length, 6 * 2);
  });

  test("same seed, same segments; JSON records give the same answer as CSV", () => {
    const again = hs.segment(csv, { k: 6, seed: 1 });
    assert.deepEqual(
      again.assignments.map((a) => a.segment),
      result.assignments.map((a) => a.segment),
    );
    const fromRecords = hs.segment(csvToRecords(csv), { k: 6, seed: 1 });
    assert.deepEqual(
      fromRecords.assignments.map((a) => a.segment),
      result.assignments.map((a) => a.segment),
    );
    assert.equal(fromRecords.report.dialect.source, "records");
  });

  test("CSV as UTF-8 bytes (a Buffer, a Uint8Array, an ArrayBuffer) gives the same result as the text", () => {
    // A non-ASCII id and a BOM, so the bytes differ from the text's UTF-16 units.
    const text = "\ufeff" + csv.replace(/\n[^,\n]+,/, "\nhcp-é€😀,");
    const fromText = hs.segment(text, { k: 6, seed: 1 });
    assert.equal(fromText.assignments[0].hcpId, "hcp-é€😀");
    const buffer = Buffer.from(text, "utf8");
    const view = new TextEncoder().encode(text);
    const arrayBuffer = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
    for (const bytes of [buffer, view, arrayBuffer]) {
      const r = hs.segment(bytes, { k: 6, seed: 1 });
      assert.deepEqual(r.assignments, fromText.assignments);
      assert.equal(r.quality.inertia, fromText.quality.inertia);
      assert.equal(r.report.dialect.hadBom, true);
    }
  });

  test("k: 'auto' sweeps kRange and says which k it chose", () => {
    const auto = hs.segment(hs.generateSample(800, 3), { k: "auto", kRange: [3, 5], seed: 3, nRuns: 3 });
    assert.ok(auto.kSweep);
    assert.deepEqual(
      auto.kSweep.rows.map((r) => r.k),
      [3, 4, 5],
    );
    assert.equal(auto.segments.length, auto.kSweep.chosenK);
    assert.equal(typeof auto.kSweep.rule, "string");
  });

  test("progress callback reports stages with done <= total", () => {
    const seen = [];
    hs.segment(hs.generateSample(300, 1), { k: 3, seed: 1, nRuns: 2 }, (p) => seen.push(p));
    assert.ok(seen.length > 0);
    for (const p of seen) assert.ok(p.done <= p.total, JSON.stringify(p));
    assert.ok(seen.some((p) => p.stage === "cluster" || p.stage === "sweep"));
  });

  test("exclude: objecting HCPs are left out before clustering", () => {
    const ids = result.assignments.slice(0, 5).map((a) => a.hcpId);
    const r = hs.segment(csv, { k: 6, seed: 1, exclude: [...ids, "no-such-id"] });
    assert.equal(r.report.rowsExcluded, 5);
    assert.equal(r.report.exclusionsNotFound, 1);
    assert.equal(r.assignments.length, 1995);
    assert.ok(!r.assignments.some((a) => ids.includes(a.hcpId)));
  });
});

describe("assign()", () => {
  test("the model assigns the same rows to the same segments (object and JSON string)", () => {
    const original = result.assignments.map((a) => [a.hcpId, a.segment]);
    const again = hs.assign(result.model, csv);
    assert.deepEqual(
      again.assignments.map((a) => [a.hcpId, a.segment]),
      original,
    );
    const fromJson = hs.assign(JSON.stringify(result.model), csv);
    assert.deepEqual(
      fromJson.assignments.map((a) => [a.hcpId, a.segment]),
      original,
    );
    assert.equal(result.model.format, "hcp-segments-model");
  });

  test("a broken model is INVALID_MODEL", () => {
    throwsCoded(() => hs.assign("{not json", csv), "INVALID_MODEL");
    throwsCoded(() => hs.assign({ format: "something-else", version: 1 }, csv), "INVALID_MODEL");
  });
});

describe("errors are Errors with code, line, column; the module keeps working", () => {
  const H = "hcp_id,specialty,ch_email,ch_linkedin,fmt_news\n";
  const cases = [
    ["empty input", "", "EMPTY_INPUT", {}],
    ["no hcp_id column", "id,ch_email,fmt_news\na,1,2\n", "MISSING_ID_COLUMN", {}],
    ["duplicate id", H + "a,onc,1,2,3\nb,onc,1,2,3\na,onc,1,2,3\n", "DUPLICATE_ID", { line: 4 }],
    ["non-numeric count", H + "a,onc,1,2,3\nb,onc,x,2,3\n", "INVALID_VALUE", { line: 3, column: "ch_email" }],
    ["negative count", H + "a,onc,1,2,3\nb,onc,1,-2,3\n", "NEGATIVE_COUNT", { line: 3, column: "ch_linkedin" }],
    ["NaN", H + "a,onc,1,2,3\nb,onc,1,2,NaN\n", "NON_FINITE", { line: 3, column: "fmt_news" }],
    ["wrong number of fields", H + "a,onc,1,2,3\nb,onc,1,2\n", "FIELD_COUNT", { line: 3 }],
  ];
  for (const [what, text, code, where] of cases) {
    test(`${what} -> ${code}`, () => {
      throwsCoded(() => hs.segment(text, { k: 2 }), code, where);
      // still usable afterwards
      const ok = hs.segment(hs.generateSample(100, 1), { k: 3, seed: 1, nRuns: 1 });
      assert.equal(ok.segments.length, 3);
    });
  }

  test("bytes that are not UTF-8 are read as Windows-1252 with a warning; encoding: \"utf-8\" refuses them at their line; the module keeps working", () => {
    // "Müller" saved as Windows-1252: 0xFC is not UTF-8.
    const bytes = Buffer.concat([Buffer.from(H + "a,onc,1,2,3\nb,M"), Buffer.from([0xfc]), Buffer.from("ller,1,2,3\n")]);
    // Read as Windows-1252 (two rows that differ, so that k = 2 has two distinct profiles).
    const distinct = Buffer.concat([Buffer.from(H + "a,onc,1,2,3\nb,M"), Buffer.from([0xfc]), Buffer.from("ller,4,0,3\n")]);
    const read = hs.segment(distinct, { k: 2 });
    assert.equal(read.report.dialect.encoding, "windows-1252");
    assert.ok(read.report.warnings.some((w) => /Windows-1252/.test(w)), read.report.warnings.join("; "));
    assert.ok(read.segments.some((s) => s.composition.some((c) => c.levels.some((l) => l.value === "Müller"))));
    const err = throwsCoded(() => hs.segment(bytes, { k: 2, encoding: "utf-8" }), "CSV_SYNTAX", { line: 3 });
    assert.match(err.message, /not valid UTF-8.*0xFC.*byte 4 of the line/);
    throwsCoded(() => hs.aggregateEvents(new Uint8Array([0x68, 0xff]), { encoding: "utf-8" }), "CSV_SYNTAX", { line: 1 });
    throwsCoded(() => hs.segment(new Float64Array(3), { k: 2 }), "INVALID_OPTION");
    // Over the 512 MiB input limit: refused before it is copied into the wasm.
    const huge = new Uint8Array(512 * 1024 * 1024 + 1);
    assert.match(throwsCoded(() => hs.segment(huge, { k: 2 }), "TOO_LARGE").message, /input size in bytes/);
    const ok = hs.segment(Buffer.from(hs.generateSample(100, 1)), { k: 3, seed: 1, nRuns: 1 });
    assert.equal(ok.segments.length, 3);
  });

  test("invalid options: k larger than the number of rows, bad kRange", () => {
    throwsCoded(() => hs.segment(hs.generateSample(5, 1), { k: 6 }), "TOO_FEW_ROWS");
    throwsCoded(() => hs.segment(csv, { k: "auto", kRange: [5, 3] }), "INVALID_OPTION");
  });

  test("sweepSample: \"all\" or a whole number ≥ 1000; anything else is INVALID_OPTION naming it", () => {
    for (const bad of [999, 0, -1, 1500.5, "some", true, null, [2000], NaN]) {
      let err;
      try {
        hs.segment(csv, { k: "auto", sweepSample: bad });
      } catch (e) {
        err = e;
      }
      assert.equal(err?.code, "INVALID_OPTION", `sweepSample ${JSON.stringify(bad)}`);
      assert.match(err.message, /sweepSample/, `sweepSample ${JSON.stringify(bad)}`);
    }
    const r = hs.segment(csv, { k: "auto", kRange: [3, 4], nRuns: 2, sweepSample: "all" });
    assert.equal(r.kSweep.sampled, false);
    assert.equal(r.kSweep.sampleSize, r.assignments.length);
  });

  test("records: line is index + 2", () => {
    const recs = [
      { hcp_id: "a", ch_email: 1, fmt_news: 2 },
      { hcp_id: "b", ch_email: -1, fmt_news: 2 },
    ];
    throwsCoded(() => hs.segment(recs, { k: 2 }), "NEGATIVE_COUNT", { line: 3, column: "ch_email" });
  });
});

describe("kmeans()", () => {
  // Iris (150 × 4): scikit-learn's best inertia for k = 3 is 78.85 (78.851…).
  const iris = readFileSync(`${ROOT}/tests/data/iris.csv`, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").slice(0, 4).map(Number));

  test("Iris, k = 3, 10 restarts: inertia within 0.1% of 78.85, labels and centroids shaped", () => {
    const data = Float64Array.from(iris.flat());
    const r = hs.kmeans(data, 4, { k: 3, nRuns: 10, seed: 42 });
    assert.ok(r.labels instanceof Uint32Array);
    assert.equal(r.labels.length, 150);
    assert.ok(r.centroids instanceof Float64Array);
    assert.equal(r.centroids.length, 12);
    assert.ok(Math.abs(r.inertia - 78.85) / 78.85 < 1e-3, `inertia ${r.inertia}`);
    assert.equal(typeof r.converged, "boolean");
  });

  test("agrees with an independent implementation (ml-kmeans, best of 10 seeds)", () => {
    let best = Infinity;
    for (let seed = 1; seed <= 10; seed++) {
      const m = mlKmeans(iris, 3, { initialization: "kmeans++", seed, maxIterations: 300 });
      let inertia = 0;
      iris.forEach((row, i) => {
        const c = m.centroids[m.clusters[i]];
        inertia += row.reduce((s, v, j) => s + (v - c[j]) ** 2, 0);
      });
      best = Math.min(best, inertia);
    }
    const ours = hs.kmeans(Float32Array.from(iris.flat()), 4, { k: 3, nRuns: 10, seed: 7 });
    assert.ok(Math.abs(ours.inertia - best) / best < 1e-3, `ours ${ours.inertia}, ml-kmeans ${best}`);
  });

  test("same seed, same labels; a ragged matrix is INVALID_OPTION, NaN is INVALID_MATRIX", () => {
    const data = Float64Array.from(iris.flat());
    const a = hs.kmeans(data, 4, { k: 3, seed: 5 });
    const b = hs.kmeans(data, 4, { k: 3, seed: 5 });
    assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
    throwsCoded(() => hs.kmeans(new Float64Array(7), 4, { k: 2 }), "INVALID_OPTION");
    throwsCoded(() => hs.kmeans(Float64Array.from([1, 2, NaN, 4]), 2, { k: 1 }), "INVALID_MATRIX");
  });
});

describe("matchSegments: names that survive a re-run", () => {
  test("a run matched with itself, ids permuted, keeps every name on the same members", () => {
    const k = result.segments.length;
    const perm = (id) => (id + 2) % k; // a known relabelling: the oracle
    const named = { ...result, segments: result.segments.map((s) => ({ ...s, name: `Persona ${s.id}` })) };
    const relabelled = {
      segments: result.segments.map((s) => ({ id: perm(s.id), name: "generated" })),
      assignments: result.assignments.map((a) => ({ hcpId: a.hcpId, segment: perm(a.segment) })),
    };
    const c = hs.matchSegments(named, relabelled);
    assert.equal(c.segments.length, k);
    for (const s of c.segments) {
      const old = (s.id - 2 + k) % k;
      assert.deepEqual([s.previousId, s.name, s.isNew, s.shareOfNew, s.shareOfPrevious], [old, `Persona ${old}`, false, 1, 1]);
    }
    assert.deepEqual(c.retired, []);
  });

  test("one more segment: the names stay on the segments that continue, one or more are new", () => {
    const named = { ...result, segments: result.segments.map((s) => ({ ...s, name: `Persona ${s.id}` })) };
    const more = hs.segment(csv, { k: 7, seed: 1 });
    const c = hs.matchSegments(named, more);
    const kept = c.segments.filter((s) => !s.isNew);
    assert.ok(kept.length >= 5 && kept.length <= 6, `kept ${kept.length}`);
    assert.ok(c.segments.some((s) => s.isNew), "7 segments from 6: at least one is new");
    for (const s of kept) {
      assert.equal(s.name, `Persona ${s.previousId}`);
      assert.ok(s.shareOfNew >= 0.5, `${s.id}: ${s.shareOfNew}`);
      // shared counts what the two runs' assignments say, recounted here.
      const shared = more.assignments.filter((a, i) => a.segment === s.id && result.assignments[i].segment === s.previousId).length;
      assert.equal(s.shared, shared);
    }
    assert.equal(new Set(kept.map((s) => s.previousId)).size, kept.length, "each old segment continues at most once");
  });

  test("a wrong argument is a coded error, not a crash", () => {
    throwsCoded(() => hs.matchSegments(result, { segments: [], assignments: [{ hcpId: "x", segment: 0 }] }), "INVALID_OPTION");
    throwsCoded(() => hs.matchSegments(result, result, { minOverlap: 2 }), "INVALID_OPTION");
    throwsCoded(() => hs.matchSegments(null, result), "INVALID_OPTION");
  });
});
