// Files in and out through the installed package and its CLI: a Windows-1252 German export and
// an .xlsx workbook (both made by LibreOffice, tests/corpus/) segment exactly like the UTF-8 CSV
// they hold; every CLI export neutralises formulas and reads back exactly; Excel's dialect.
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { ROOT, cli, freshProject, requireFrom } from "./helpers.mjs";

const corpus = (p) => join(ROOT, "tests/corpus", p);
let dir, hs;
before(() => {
  dir = freshProject();
  hs = requireFrom(dir);
  for (const f of ["workbooks/sample_500.csv", "workbooks/sample_500.xlsx", "workbooks/sample_500.ods", "encodings/german_export_1252.csv", "encodings/german_export_utf8.csv"]) {
    copyFileSync(corpus(f), join(dir, f.split("/")[1]));
  }
});

const labels = (r) => r.assignments.map((a) => `${a.hcpId}:${a.segment}`).join(",");

describe("files in", () => {
  test("a workbook segments exactly like the CSV it was made from (API and CLI)", () => {
    const options = { k: 4, seed: 3, nRuns: 3 };
    const csv = hs.segment(readFileSync(join(dir, "sample_500.csv")), options);
    for (const book of ["sample_500.xlsx", "sample_500.ods"]) {
      const r = hs.segment(readFileSync(join(dir, book)), options);
      assert.equal(labels(r), labels(csv), book);
      assert.equal(r.report.dialect.source, book.split(".")[1]);
      assert.deepEqual(r.segments.map((s) => s.name), csv.segments.map((s) => s.name));
    }
    const a = cli(dir, ["segment", "sample_500.csv", "--k", "4", "--seed", "3", "--runs", "3", "--assignments", "a-csv.csv", "--quiet"]);
    const b = cli(dir, ["segment", "sample_500.xlsx", "--k", "4", "--seed", "3", "--runs", "3", "--assignments", "a-xlsx.csv", "--quiet"]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(readFileSync(join(dir, "a-xlsx.csv"), "utf8"), readFileSync(join(dir, "a-csv.csv"), "utf8"));
  });

  test("a Windows-1252 German export reads like its UTF-8 twin, umlauts intact, with a warning", () => {
    const options = { k: 2, seed: 1 };
    const w = hs.segment(readFileSync(join(dir, "german_export_1252.csv")), options);
    const u = hs.segment(readFileSync(join(dir, "german_export_utf8.csv")), options);
    assert.equal(w.report.dialect.encoding, "windows-1252");
    assert.equal(u.report.dialect.encoding, "utf-8");
    assert.ok(w.report.warnings.some((x) => /Windows-1252/.test(x)));
    assert.equal(labels(w), labels(u));
    const levels = (r) => r.segments.flatMap((s) => s.composition.flatMap((c) => c.levels.map((l) => l.value))).sort();
    assert.deepEqual(levels(w), levels(u));
    assert.ok(levels(w).some((v) => /ä|ö|ü|ß/.test(v)), levels(w).join(" "));
    assert.ok(!levels(w).some((v) => v.includes("\uFFFD")));
  });

  test("inspect says what the engine makes of a workbook before a run", () => {
    const i = hs.inspect(readFileSync(join(dir, "sample_500.xlsx")));
    assert.equal(i.dialect.source, "xlsx");
    assert.equal(i.rows, 500);
    assert.equal(i.columns.find((c) => c.name === "hcp_id").role, "id");
    assert.ok(i.roleChoices.includes("category:specialty"));
  });
});

describe("files out", () => {
  // Ids and a persona name that a spreadsheet would run as formulas.
  const TRIGGERS = ["=HYPERLINK(\"http://x\",\"y\")", "+SUM(1)", "-2+3", "@SUM(A1)", "\tx"];

  test("every CLI export neutralises formulas, and the target list and assignments read back exactly", () => {
    const lines = hs.generateSample(300, 5).trim().split("\n");
    TRIGGERS.forEach((id, i) => {
      const cells = lines[i + 1].split(",");
      cells[0] = `"${id.replace(/"/g, '""')}"`;
      lines[i + 1] = cells.join(",");
    });
    writeFileSync(join(dir, "inj.csv"), lines.join("\n") + "\n");
    const seg = cli(dir, ["segment", "inj.csv", "--k", "3", "--json", "inj.json", "--assignments", "inj-a.csv", "--targets", "inj-t.csv", "--summary", "inj-s.csv", "--quiet"]);
    assert.equal(seg.status, 0, seg.stderr);
    const result = JSON.parse(readFileSync(join(dir, "inj.json"), "utf8"));
    result.segments[0].name = "=1+1";
    writeFileSync(join(dir, "inj.json"), JSON.stringify(result));
    const more = [
      ["cells", "inj.json", "inj.csv", "--out", "inj-c.csv", "--targets", "inj-ct.csv"],
      ["plan", "inj.json", "--budget", "1000", "--out", "inj-p.csv"],
      ["lookalikes", "inj.json", "inj.csv", "--segment", "0", "--out", "inj-l.csv"],
      ["segment", "inj.csv", "--k", "3", "--assignments", "inj-a2.csv", "--excel", "de-DE", "--quiet"],
    ];
    for (const args of more) {
      const r = cli(dir, args);
      assert.equal(r.status, 0, `${args.join(" ")}: ${r.stderr}`);
    }
    for (const f of ["inj-a.csv", "inj-t.csv", "inj-s.csv", "inj-c.csv", "inj-ct.csv", "inj-p.csv", "inj-l.csv", "inj-a2.csv"]) {
      const text = readFileSync(join(dir, f), "utf8").replace(/^\uFEFF/, "");
      for (const cell of text.split(/[\r\n,;]+/)) {
        const bare = cell.replace(/^"/, "");
        // Plain numbers (1, -0.5, +3) are numbers to a spreadsheet, not formulas: they are left as they are.
        if (/^[+-]?\d+([.,]\d+)?$/.test(bare)) continue;
        assert.ok(!/^[=+\-@\t\r]/.test(bare), `${f}: a cell starts a formula: ${JSON.stringify(cell)}`);
      }
    }
    // Read back by the engine's own reader: exactly the ids that went in.
    const back = hs.readAssignments(readFileSync(join(dir, "inj-t.csv")));
    assert.deepEqual(back.map((a) => a.hcpId).sort(), result.assignments.map((a) => a.hcpId).sort());
    // (the reader trims cells, so "\tx" went in as "x")
    for (const id of TRIGGERS.filter((t) => t === t.trim())) assert.ok(back.some((a) => a.hcpId === id), `round trip of ${JSON.stringify(id)}`);
    const excel = readFileSync(join(dir, "inj-a2.csv"), "utf8");
    assert.ok(excel.startsWith("\uFEFFhcp_id;segment;segment_name;distance;confidence\r\n"), excel.slice(0, 80));
    assert.deepEqual(hs.readAssignments(readFileSync(join(dir, "inj-a2.csv"))), hs.readAssignments(readFileSync(join(dir, "inj-a.csv"))));
  });

  test("the summary CSV is segmentSummary's, through its suppression", () => {
    const r = hs.segment(hs.generateSample(400, 2), { k: 5, seed: 2 });
    const summary = hs.segmentSummary(r);
    const text = hs.exportCsv("summary", r);
    const rows = text.trim().split("\n").map((l) => l.split(","));
    const sizes = rows.filter((c) => c[2] === "size");
    assert.equal(sizes.length, summary.segments.length);
    for (const s of summary.segments) {
      const row = sizes.find((c) => Number(c[0]) === s.id);
      assert.equal(row[5], s.size === null ? "" : String(s.size));
    }
  });
});
