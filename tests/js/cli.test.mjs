// The hcp-segments bin from the installed package.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { cli, freshProject } from "./helpers.mjs";

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
