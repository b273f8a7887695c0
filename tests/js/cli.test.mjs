// The hcp-segments bin from the installed package.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { ROOT, cli, freshProject, requireFrom } from "./helpers.mjs";

let dir;
before(() => {
  dir = freshProject();
});

describe("hcp-segments CLI", () => {
  test("--help prints usage and exits 0", () => {
    const r = cli(dir, ["--help"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /hcp-segments segment FILE\.csv/);
    assert.match(r.stdout, /hcp-segments sample --n N --seed S/);
  });

  test("sample writes the sample universe as CSV", () => {
    const r = cli(dir, ["sample", "--n", "600", "--seed", "9", "--out", "s.csv"]);
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(join(dir, "s.csv"), "utf8");
    assert.equal(text.trim().split("\n").length, 601);
    const stdout = cli(dir, ["sample", "--n", "600", "--seed", "9"]);
    assert.equal(stdout.stdout, text, "stdout and --out agree, same seed same data");
  });

  test("segment prints the table, chosen k and the sweep; writes --json and --assignments", () => {
    const r = cli(dir, ["segment", "s.csv", "--k", "auto", "--seed", "3", "--json", "r.json", "--assignments", "a.csv"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ *id +segment +size +share +top channels \(index\) +top formats \(index\) +silhouette$/m);
    assert.match(r.stdout, /chosen k = \d/);
    assert.match(r.stdout, /<- chosen/);
    const json = JSON.parse(readFileSync(join(dir, "r.json"), "utf8"));
    const rows = json.segments.length;
    // one table line per segment: starts with its id
    for (const s of json.segments) assert.match(r.stdout, new RegExp(`^ *${s.id}  ${s.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "m"));
    assert.ok(Array.isArray(json.projection.points), "typed arrays written as arrays");
    const a = readFileSync(join(dir, "a.csv"), "utf8").trim().split("\n");
    assert.equal(a[0], "hcp_id,segment,segment_name,distance,confidence");
    assert.equal(a.length, 601);
    assert.ok(rows >= 3 && rows <= 8);
  });

  test("segment --k 4 gives 4 segments and no sweep", () => {
    const r = cli(dir, ["segment", "s.csv", "--k", "4", "--seed", "1", "--json", "r4.json"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(readFileSync(join(dir, "r4.json"), "utf8")).segments.length, 4);
    assert.doesNotMatch(r.stdout, /chosen k/);
  });

  test("bad input: the error's code, line and column on stderr, exit 1, no stack trace", () => {
    writeFileSync(join(dir, "bad.csv"), "hcp_id,ch_email,fmt_news\na,1,2\nb,1,-3\n");
    const r = cli(dir, ["segment", "bad.csv", "--k", "2"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /NEGATIVE_COUNT/);
    assert.match(r.stderr, /line 3/);
    assert.match(r.stderr, /fmt_news/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assert.equal(r.stdout, "");
  });

  test("missing file and unknown command fail cleanly", () => {
    const r = cli(dir, ["segment", "nope.csv"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot read nope\.csv/);
    const u = cli(dir, ["frobnicate"]);
    assert.equal(u.status, 2);
    assert.match(u.stderr, /unknown command/);
    assert.ok(!existsSync(join(dir, "nope.csv")));
  });
});

// ---- targeting commands (issue 7) -------------------------------------------------------------
// Each command runs for real on the sample universe; its files and numbers are checked against
// the library API called directly with the same inputs, plus invariants a user relies on.

const read = (f) => readFileSync(join(dir, f), "utf8");
const readJson = (f) => JSON.parse(read(f));
const csvRows = (text) => text.trim().split(/\r?\n/).map((l) => l.split(","));
const noStack = (r) => assert.doesNotMatch(r.stderr, /\n\s+at |Error: .*\n.*node:/, "no stack trace");

describe("hcp-segments targeting commands", () => {
  let hs, csv, result;
  before(() => {
    hs = requireFrom(dir);
    const r = cli(dir, ["sample", "--n", "1500", "--seed", "5", "--out", "t.csv"]);
    assert.equal(r.status, 0, r.stderr);
    csv = read("t.csv");
    const s = cli(dir, ["segment", "t.csv", "--k", "5", "--seed", "3", "--json", "tr.json", "--assignments", "ta.csv", "--model", "tm.json"]);
    assert.equal(s.status, 0, s.stderr);
    result = readJson("tr.json");
  });

  test("every command has --help; the overview lists them", () => {
    const all = cli(dir, ["--help"]).stdout;
    for (const cmd of ["segment", "sample", "events", "stability", "cells", "plan", "lookalikes", "refresh", "update", "model"]) {
      const r = cli(dir, [cmd, "--help"]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: hcp-segments ${cmd}\\b`), cmd);
      assert.match(all, new RegExp(`^  hcp-segments ${cmd}\\b`, "m"), cmd);
    }
  });

  test("segment --model writes the result's model alone, and the library accepts it", () => {
    const model = readJson("tm.json");
    assert.deepEqual(model, result.model);
    const a = hs.assign(model, csv);
    assert.deepEqual(a.assignments.map((x) => x.segment), result.assignments.map((x) => x.segment));
  });

  test("events: the fixture's profiles equal the hand-computed ones and the library's", () => {
    const log = readFileSync(join(ROOT, "tests/data/events.csv"), "utf8");
    writeFileSync(join(dir, "events.csv"), log);
    const args = ["events", "events.csv", "--from", "2024-01-01", "--to", "2024-03-25", "--exclude", "excl.txt"];
    writeFileSync(join(dir, "excl.txt"), "hcp_id\nEXCL\n");
    const r = cli(dir, [...args, "--out", "profiles.csv"]);
    assert.equal(r.status, 0, r.stderr);
    const lib = hs.aggregateEvents(log, { from: "2024-01-01", to: "2024-03-25", exclude: ["EXCL"] });
    assert.equal(read("profiles.csv"), lib.csv);
    // Independent: the hand-computed profiles (tests/data/events_expected.csv), cell by cell.
    const asMaps = (text) => {
      const [head, ...rows] = csvRows(text);
      return Object.fromEntries(rows.map((row) => [row[0], Object.fromEntries(head.map((h, i) => [h, row[i]]))]));
    };
    const expected = asMaps(readFileSync(join(ROOT, "tests/data/events_expected.csv"), "utf8"));
    const got = asMaps(read("profiles.csv"));
    assert.deepEqual(Object.keys(got).sort(), Object.keys(expected).sort());
    for (const [id, row] of Object.entries(expected)) {
      for (const [col, v] of Object.entries(row)) assert.equal(got[id][col], v, `${id} ${col}`);
    }
    const rep = lib.report;
    assert.match(r.stdout, new RegExp(`^${rep.eventsRead} events read, ${rep.eventsCounted} counted`, "m"));
    assert.match(r.stdout, /^3 HCPs with at least one counted event$/m);
    assert.match(r.stdout, /1 excluded HCPs/);
    // --out - : the CSV on stdout, the report on stderr.
    const piped = cli(dir, [...args, "--out", "-"]);
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(piped.stdout, lib.csv);
    assert.match(piped.stderr, /events read/);
  });

  test("events --sql and model --sql print the library's queries (the engines run them in tests/warehouse.rs)", () => {
    const args = ["events", "events.csv", "--from", "2024-01-01", "--to", "2024-03-25", "--sql", "spark", "--table", "raw`events"];
    const r = cli(dir, args);
    assert.equal(r.status, 0, r.stderr);
    const rep = hs.aggregateEvents(readFileSync(join(dir, "events.csv"), "utf8"), { from: "2024-01-01", to: "2024-03-25" }).report;
    const expected = hs.eventsSql({
      dialect: "spark", table: "raw`events", from: "2024-01-01", to: "2024-03-25",
      channels: rep.channels, formats: rep.formats, carried: rep.carried, columns: {},
    });
    assert.equal(r.stdout, expected);
    assert.match(r.stdout, /FROM `raw``events`/);
    for (const c of rep.channels) assert.match(r.stdout, new RegExp(`AS \`ch_${c}\``));
    const m = cli(dir, ["model", "tr.json", "--sql", "duckdb", "--table", "p"]);
    assert.equal(m.status, 0, m.stderr);
    assert.equal(m.stdout, hs.modelSql(result.model, { dialect: "duckdb", table: "p" }));
    assert.match(m.stdout, /AS segment_name/);
    const bad = cli(dir, ["model", "tr.json", "--sql", "oracle"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--sql must be duckdb, spark or ansi/);
  });

  test("stability: same report as the library, for a result JSON and a bare model", () => {
    const r = cli(dir, ["stability", "tr.json", "t.csv", "--resamples", "4", "--seed", "2", "--json", "st.json"]);
    assert.equal(r.status, 0, r.stderr);
    const lib = hs.stability(result.model, csv, { resamples: 4, seed: 2 });
    assert.deepEqual(readJson("st.json"), lib);
    assert.equal(lib.segments.length, 5);
    for (const s of lib.segments) {
      const name = result.segments.find((x) => x.id === s.id).name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      assert.match(r.stdout, new RegExp(`^ *${s.id}  ${name} +\\d+ +${s.meanJaccard.toFixed(3)} +${s.p10Jaccard.toFixed(3)} +${s.minJaccard.toFixed(3)}  ${s.verdict}$`, "m"));
      // The rule judges the spread too (docs/small-data.md); these segments are all over the minimum size.
      const expect = s.meanJaccard >= 0.75 && s.p10Jaccard >= 0.6 ? "stable" : s.meanJaccard < 0.6 || s.p10Jaccard < 0.4 ? "unreliable" : "fuzzy";
      assert.equal(s.verdict, expect);
    }
    const bare = cli(dir, ["stability", "tm.json", "t.csv", "--resamples", "4", "--seed", "2"]);
    assert.equal(bare.status, 0, bare.stderr);
    assert.equal(bare.stdout.replace(/\(\d+\.\d+ s\)/, ""), r.stdout.replace(/\(\d+\.\d+ s\)/, "").replace(/wrote st\.json\n/, ""));
  });

  test("cells: the library's cells per HCP, within ±1 of quota per stratum, reproducible", () => {
    const args = ["cells", "tr.json", "t.csv", "--arms", "A,B,C", "--holdout", "0.1", "--seed", "7", "--stratify", "specialty,country"];
    const r = cli(dir, [...args, "--out", "cells.csv"]);
    assert.equal(r.status, 0, r.stderr);
    const lib = hs.testCells(result.model, csv, { arms: ["A", "B", "C"], holdout: 0.1, seed: 7, strata: ["specialty", "country"] });
    assert.equal(read("cells.csv"), lib.csv);
    const [head, ...rows] = csvRows(read("cells.csv"));
    assert.deepEqual(head, ["hcp_id", "segment", "cell", "specialty", "country"]);
    assert.equal(rows.length, 1500);
    // Each HCP's segment is its nearest segment of the model (= the segment run's assignment).
    const seg = new Map(result.assignments.map((a) => [a.hcpId, a.segment]));
    for (const row of rows) assert.equal(Number(row[1]), seg.get(row[0]), row[0]);
    // Balance, recomputed from the CSV alone: weights 0.3 / 0.3 / 0.3 / holdout 0.1.
    const weights = { A: 0.3, B: 0.3, C: 0.3, holdout: 0.1 };
    const strata = new Map();
    // Strata are segment × specialty × country: balanced inside every segment.
    for (const [, seg, cell, sp, co] of rows) {
      const key = `${seg}|${sp}|${co}`;
      if (!strata.has(key)) strata.set(key, { n: 0, A: 0, B: 0, C: 0, holdout: 0 });
      const s = strata.get(key);
      s.n++;
      s[cell]++;
    }
    for (const [key, s] of strata) {
      for (const [cell, w] of Object.entries(weights)) assert.ok(Math.abs(s[cell] - s.n * w) < 1 + 1e-9, `${key} ${cell}: ${s[cell]} of ${s.n}`);
    }
    // The printed totals per cell.
    assert.match(r.stdout, new RegExp(`^ +all +${lib.cells.map((c) => c.count).join(" +")} +1500$`, "m"));
    assert.match(r.stdout, /^quotas: A 30\.0%, B 30\.0%, C 30\.0%, holdout 10\.0%$/m);
    // Same seed → same file; another seed → other cells.
    assert.equal(cli(dir, [...args, "--out", "cells2.csv"]).status, 0);
    assert.equal(read("cells2.csv"), read("cells.csv"));
    const other = cli(dir, ["cells", "tm.json", "t.csv", "--arms", "A,B,C", "--seed", "8", "--out", "cells3.csv"]);
    assert.equal(other.status, 0, other.stderr);
    assert.notEqual(read("cells3.csv"), read("cells.csv"));
    // --segments and weighted arms.
    const w = cli(dir, ["cells", "tm.json", "t.csv", "--arms", "T:3,C:1", "--holdout", "0", "--segments", "1", "--out", "cells4.csv"]);
    assert.equal(w.status, 0, w.stderr);
    const lib4 = hs.testCells(result.model, csv, { arms: [{ name: "T", weight: 3 }, { name: "C", weight: 1 }], holdout: 0, segments: [1] });
    assert.equal(read("cells4.csv"), lib4.csv);
    assert.ok(csvRows(read("cells4.csv")).slice(1).every((row) => row[1] === "1"));
  });

  test("plan: the library's allocations, amounts adding up to the budget to the cent", () => {
    const r = cli(dir, ["plan", "tr.json", "--budget", "100000", "--out", "plan.csv", "--json", "plan.json", "--locale", "en-US"]);
    assert.equal(r.status, 0, r.stderr);
    const lib = hs.channelPlan(result.segments, { budget: 100000 });
    assert.deepEqual(readJson("plan.json"), lib);
    const [head, ...rows] = csvRows(read("plan.csv"));
    assert.deepEqual(head.slice(0, 3), ["segment", "segment_name", "channel"]);
    const amount = head.indexOf("amount");
    // Integer cents parsed from the text: no floating point in the check.
    const toCents = (s) => {
      const m = /^(\d+)\.(\d\d)$/.exec(s);
      assert.ok(m, `amount '${s}'`);
      return Number(m[1]) * 100 + Number(m[2]);
    };
    assert.equal(rows.reduce((sum, row) => sum + toCents(row[amount]), 0), 100000 * 100);
    const byCell = new Map(lib.allocations.map((a) => [`${a.segment}/${a.channel}`, a.cents]));
    for (const row of rows) assert.equal(toCents(row[amount]), byCell.get(`${row[0]}/${row[2]}`), row.join(","));
    // Segment budgets: printed, and the sum of their cells.
    for (const sp of lib.segments) {
      const cells = lib.allocations.filter((a) => a.segment === sp.id).reduce((s, a) => s + a.cents, 0);
      assert.equal(cells, sp.budgetCents);
    }
    assert.match(r.stdout, /total €100,000\.00$/m);
    // Ranked channels: priority descending within each segment.
    for (const sp of lib.segments) {
      for (let i = 1; i < sp.channels.length; i++) assert.ok(sp.channels[i - 1].priority >= sp.channels[i].priority);
    }
  });

  test("plan --results moves budget to the channel that engaged, as the library does", () => {
    // Every segment × channel saw 5,000 impressions; rep engaged at 10 %, the rest at 1 %.
    const channels = result.segments[0].channels.map((c) => c.name);
    const lines = ["segment,channel,impressions,engagements"];
    for (const s of result.segments) for (const ch of channels) lines.push(`${s.id},${ch},5000,${ch === "rep" ? 500 : 50}`);
    writeFileSync(join(dir, "campaign.csv"), lines.join("\n") + "\n");
    const r = cli(dir, ["plan", "tr.json", "--budget", "50000.5", "--results", "campaign.csv", "--json", "plan2.json", "--out", "plan2.csv"]);
    assert.equal(r.status, 0, r.stderr);
    const lib = hs.channelPlan(result.segments, { budget: 50000.5, results: lines.join("\n") + "\n" });
    assert.deepEqual(readJson("plan2.json"), lib);
    const before = hs.channelPlan(result.segments, { budget: 50000.5 });
    const repCents = (p) => p.allocations.filter((a) => a.channel === "rep").reduce((s, a) => s + a.cents, 0);
    assert.ok(repCents(lib) > repCents(before), `rep ${repCents(before)} -> ${repCents(lib)}`);
    assert.equal(lib.allocations.reduce((s, a) => s + a.cents, 0), 5000050);
    assert.equal(lib.unmatchedResults, 0);
    assert.match(r.stdout, /pooled engagement rate 1\.[0-9]%/);
    // Rows naming no segment × channel are counted, not silently used.
    writeFileSync(join(dir, "campaign-bad.csv"), "segment,channel,impressions,engagements\n0,telegraph,100,5\nNobody,email,100,5\n");
    const bad = cli(dir, ["plan", "tr.json", "--budget", "10", "--results", "campaign-bad.csv"]);
    assert.equal(bad.status, 0, bad.stderr);
    assert.match(bad.stdout, /2 result rows matched no segment x channel/);
  });

  test("lookalikes: the library's ranking from partial profiles, ranks in score order", () => {
    // Candidates: another draw without the format columns (a partial export).
    const other = hs.generateSample(400, 77).trim().split("\n").map((l) => l.split(","));
    const keep = other[0].map((h, i) => (h.startsWith("fmt_") ? -1 : i)).filter((i) => i >= 0);
    writeFileSync(join(dir, "cand.csv"), other.map((row) => keep.map((i) => row[i]).join(",")).join("\n") + "\n");
    const r = cli(dir, ["lookalikes", "tm.json", "cand.csv", "--segment", "2", "--top", "50", "--out", "ranked.csv"]);
    assert.equal(r.status, 0, r.stderr);
    const lib = hs.lookalikes(result.model, read("cand.csv"), { segment: 2, top: 50 });
    assert.equal(read("ranked.csv"), lib.csv);
    const [head, ...rows] = csvRows(read("ranked.csv"));
    assert.deepEqual(head, ["rank", "hcp_id", "score", "coverage", "nearest_segment", "drivers"]);
    assert.equal(rows.length, 50);
    rows.forEach((row, i) => {
      assert.equal(Number(row[0]), i + 1);
      if (i) assert.ok(Number(rows[i - 1][2]) >= Number(row[2]), "scores descending");
    });
    assert.match(r.stdout, /columns the candidates lack/);
    assert.match(r.stdout, /format_mix:congress/);
    // By name, the same list.
    const name = result.segments.find((s) => s.id === 2).name;
    const byName = cli(dir, ["lookalikes", "tr.json", "cand.csv", "--segment", name.toUpperCase(), "--top", "50", "--out", "ranked2.csv"]);
    assert.equal(byName.status, 0, byName.stderr);
    assert.equal(read("ranked2.csv"), read("ranked.csv"));
    const bad = cli(dir, ["lookalikes", "tm.json", "cand.csv", "--segment", "Nobody"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /'Nobody' is not a segment/);
    assert.match(bad.stderr, new RegExp(`2 ${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  });

  test("refresh with no drift maps every segment to itself; matches the library", () => {
    const r = cli(dir, ["refresh", "tr.json", "t.csv", "--json", "rr.json", "--assignments", "ra.csv", "--model", "rm.json"]);
    assert.equal(r.status, 0, r.stderr);
    const lib = hs.refresh(result.model, csv, result.assignments.map((a) => ({ hcpId: a.hcpId, segment: a.segment })));
    const out = readJson("rr.json");
    assert.deepEqual(out.refresh, lib.refresh);
    assert.deepEqual(readJson("rm.json"), lib.model);
    for (const m of lib.refresh.matches) {
      assert.equal(m.previousId, m.id);
      assert.equal(m.name, result.segments.find((s) => s.id === m.id).name);
    }
    lib.refresh.migration.forEach((row, i) => row.forEach((v, j) => assert.equal(v, i === j ? result.segments[i].size : 0)));
    assert.equal(lib.refresh.moved, 0);
    assert.match(r.stdout, /1500 HCPs in both periods, 0 of them \(0\.0%\) moved to another segment; 0 new, 0 lapsed/);
    assert.match(r.stdout, /previous period: the assignments in tr\.json \(1500 HCPs\)/);
    assert.equal(read("ra.csv"), read("ta.csv"));
  });

  test("refresh of a drifted period: --previous CSV with a bare model = the library's report", () => {
    // Period 2: the same HCP ids, profiles redrawn (another seed); 100 lapse, 50 are new.
    const a = csv.trim().split("\n");
    const b = hs.generateSample(1550, 6).trim().split("\n");
    const rows = [a[0]];
    for (let i = 1; i <= 1400; i++) rows.push(a[i].split(",")[0] + b[i].slice(b[i].indexOf(",")));
    for (let i = 1401; i <= 1450; i++) rows.push(b[i]);
    writeFileSync(join(dir, "p2.csv"), rows.join("\n") + "\n");
    const r = cli(dir, ["refresh", "tm.json", "p2.csv", "--previous", "ta.csv", "--json", "rr2.json"]);
    assert.equal(r.status, 0, r.stderr);
    const previous = result.assignments.map((x) => ({ hcpId: x.hcpId, segment: x.segment }));
    const lib = hs.refresh(result.model, rows.join("\n") + "\n", previous);
    assert.deepEqual(readJson("rr2.json").refresh, lib.refresh);
    const rep = lib.refresh;
    assert.equal(rep.continuing, 1400);
    assert.equal(rep.newHcps, 50);
    assert.equal(rep.lapsedHcps, 100);
    assert.equal(rep.migration.flat().reduce((s, v) => s + v, 0), 1400);
    assert.match(r.stdout, new RegExp(`1400 HCPs in both periods, ${rep.moved} of them .* moved to another segment; 50 new, 100 lapsed`));
    // --no-warm-start and --runs reach the engine.
    const cold = cli(dir, ["refresh", "tm.json", "p2.csv", "--previous", "ta.csv", "--runs", "2", "--no-warm-start", "--json", "rr3.json"]);
    assert.equal(cold.status, 0, cold.stderr);
    const libCold = hs.refresh(result.model, rows.join("\n") + "\n", previous, { nRuns: 2, warmStart: false });
    assert.deepEqual(readJson("rr3.json").refresh, libCold.refresh);
    assert.equal(libCold.refresh.warmStart, false);
    // The migration table: one line per old segment with its row of the matrix.
    rep.migration.forEach((row, i) => assert.match(r.stdout, new RegExp(`^ +${i} +${row.join(" +")} +${row.reduce((s, v) => s + v, 0)} `, "m")));
  });

  test("update: the library's updated model and drift; says whether a refresh is due", () => {
    const fresh = hs.generateSample(300, 31);
    writeFileSync(join(dir, "new.csv"), fresh);
    const r = cli(dir, ["update", "tr.json", "new.csv", "--out", "m2.json"]);
    assert.equal(r.status, 0, r.stderr);
    const lib = hs.updateModel(result.model, fresh);
    assert.deepEqual(readJson("m2.json"), lib.model);
    for (const d of lib.drift) assert.match(r.stdout, new RegExp(`^ *${d.id}  .* ${d.added} +${d.shift.toFixed(4)} +${(100 * d.relativeShift).toFixed(1)}%$`, "m"));
    assert.match(r.stdout, lib.refreshDue ? /a full refresh is due: / : /no full refresh needed yet/);
    assert.match(r.stdout, /^300 rows folded into tr\.json$/m);
    // The updated model is usable by the other commands.
    const s = cli(dir, ["cells", "m2.json", "new.csv", "--out", "-"]);
    assert.equal(s.status, 0, s.stderr);
  });

  test("usage errors exit 2 and name the problem; bad files exit 1 with code and line", () => {
    const usage = [
      [["stability", "tr.json", "t.csv", "--bogus", "1"], /stability: unknown option --bogus/],
      [["plan", "tr.json"], /plan needs --budget/],
      [["plan", "tm.json", "--budget", "10"], /plan needs the segment profiles/],
      [["plan", "tr.json", "--budget", "lots"], /--budget expects a number/],
      [["plan", "tr.json", "--budget", "-5"], /--budget needs a value \(one starting with '-' is written --budget=VALUE\)/],
      [["plan", "tr.json", "--budget=-5"], /--budget expects a number >= 0, got '-5'/],
      [["cells", "tr.json", "t.csv", "--holdout", "1.5"], /--holdout expects a number in \[0, 1\)/],
      [["cells", "tr.json"], /cells expects MODEL\.json FILE\.csv/],
      [["refresh", "tr.json", "t.csv", "--runs", "0"], /--runs expects an integer >= 1/],
      [["update", "tr.json", "t.csv"], /update needs --out/],
      [["events", "events.csv"], /events needs --out/],
      [["lookalikes", "tr.json", "t.csv"], /lookalikes needs --segment/],
    ];
    for (const [args, re] of usage) {
      const r = cli(dir, args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(" "));
      assert.match(r.stderr, new RegExp(`Try 'hcp-segments ${args[0]} --help'`));
      noStack(r);
    }

    writeFileSync(join(dir, "badlog.csv"), "hcp_id,timestamp,channel,format,action\nH1,2024-01-02,email,news,click\nH2,yesterday,email,news,click\n");
    const e = cli(dir, ["events", "badlog.csv", "--out", "x.csv"]);
    assert.equal(e.status, 1);
    assert.match(e.stderr, /^hcp-segments: error [A-Z_]+ \(line 3, column timestamp\): /);
    noStack(e);
    assert.ok(!existsSync(join(dir, "x.csv")));

    writeFileSync(join(dir, "notjson.json"), "{ nope");
    const j = cli(dir, ["stability", "notjson.json", "t.csv"]);
    assert.equal(j.status, 1);
    assert.match(j.stderr, /error INVALID_MODEL: notjson\.json is not JSON/);
    noStack(j);

    // A model edited other than by renaming: the engine's checksum refuses it.
    const tampered = readJson("tm.json");
    tampered.centroids[0][0] += 1;
    writeFileSync(join(dir, "tampered.json"), JSON.stringify(tampered));
    const t = cli(dir, ["cells", "tampered.json", "t.csv"]);
    assert.equal(t.status, 1);
    assert.match(t.stderr, /error INVALID_MODEL/);
    noStack(t);

    writeFileSync(join(dir, "prev.csv"), "hcp_id,segment\nA,1\nB,two\n");
    const p = cli(dir, ["refresh", "tm.json", "t.csv", "--previous", "prev.csv"]);
    assert.equal(p.status, 1);
    assert.match(p.stderr, /error INVALID_VALUE \(line 3, column segment\): prev\.csv: line 3, column `segment`: `two` is not a segment id/);

    writeFileSync(join(dir, "badcand.csv"), "hcp_id,ch_email\nX1,-4\n");
    const l = cli(dir, ["lookalikes", "tm.json", "badcand.csv", "--segment", "0"]);
    assert.equal(l.status, 1);
    assert.match(l.stderr, /error NEGATIVE_COUNT \(line 2, column ch_email\)/);
    noStack(l);
  });
});
