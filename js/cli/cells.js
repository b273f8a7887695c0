// cells: seeded, stratified A/B/n + holdout test cells.
import { targetList, testCells } from "../node/index.mjs";
import { UsageError, intArg, listArg, numArg, parse } from "./args.js";
import { CSV_FLAGS, csvOptions, csvOutput, readExclude, readModel, readData } from "./io.js";
import { pct, printThenWrite, segName, table } from "./print.js";

export const name = "cells";
export const usage = "hcp-segments cells MODEL.json FILE.csv --arms A,B[,C] [--holdout 0.1] [--seed S] --out CELLS.csv";
export const summary = "seeded A/B/n + holdout test cells, stratified by specialty and country";
export const help = `Usage: hcp-segments cells MODEL.json FILE.csv --out CELLS.csv [options]

Assign the HCPs of FILE (each to its nearest segment of the model) to test cells: seeded,
reproducible, stratified (segment x the --stratify columns) so that every cell is within +-1
of its quota in every stratum, i.e. balanced inside every segment.
--out writes hcp_id,segment,cell,<strata columns>; with the --json result of segment or
refresh as MODEL.json, --targets writes the full target list with each HCP's cell.

  --arms A,B[,C]      cell names (equal weights), or A:2,B:1 for weights (default A,B)
  --holdout SHARE     share held out, in [0, 1) (default 0.1)
  --seed S            seed (default 42): same seed, same cells
  --stratify COLS     category columns to stratify by (default specialty,country; none = off)
  --segments IDS      only these segment ids, e.g. 0,2
  --exclude FILE      hcp_ids to leave out (one per line)
  --out FILE          write the cells CSV (- = stdout)
  --targets FILE      write the target list: id, segment, name, confidence, cell, specialty,
                      country, every consent flag (MODEL.json must be a result)
  --excel LOCALE      write the CSVs for Excel in LOCALE (e.g. de-DE); default plain CSV
  --template NAME     target-list columns for a CRM (docs/exports.md)`;

export function run(args) {
  const { values, positionals } = parse(
    args,
    {
      arms: { type: "string" },
      holdout: { type: "string" },
      seed: { type: "string" },
      stratify: { type: "string" },
      segments: { type: "string" },
      exclude: { type: "string" },
      out: { type: "string" },
      targets: { type: "string" },
      ...CSV_FLAGS,
    },
    ["MODEL.json", "FILE.csv"],
    name,
  );
  const options = {};
  if (values.arms !== undefined) options.arms = armsArg(values.arms);
  if (values.holdout !== undefined) options.holdout = numArg(values.holdout, "holdout", { min: 0, below: 1 });
  if (values.seed !== undefined) options.seed = intArg(values.seed, "seed");
  if (values.stratify !== undefined) options.strata = values.stratify === "none" ? [] : listArg(values.stratify);
  if (values.segments !== undefined) options.segments = listArg(values.segments).map((x) => intArg(x, "segments"));
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
  const { model, segments, assignments } = readModel(positionals[0]);
  const data = readData(positionals[1]);
  const t = testCells(model, data, options);
  const cellNames = t.cells.map((c) => c.cell);
  const perSeg = new Map();
  for (const a of t.assignments) {
    if (!perSeg.has(a.segment)) perSeg.set(a.segment, new Array(cellNames.length).fill(0));
    perSeg.get(a.segment)[cellNames.indexOf(a.cell)]++;
  }
  const segIds = [...perSeg.keys()].sort((a, b) => a - b);
  const lines = [
    table(
      ["id", "segment", ...cellNames, "total"],
      [
        ...segIds.map((id) => [id, segName(model.segments, id), ...perSeg.get(id), perSeg.get(id).reduce((x, y) => x + y, 0)]),
        ["", "all", ...t.cells.map((c) => c.count), t.assignments.length],
      ],
      ["r", "l", ...cellNames.map(() => "r"), "r"],
    ),
    "",
    `quotas: ${t.cells.map((c) => `${c.cell} ${pct(c.share)}`).join(", ")}`,
    t.stratifiedBy.length
      ? `stratified by segment x ${t.stratifiedBy.join(" x ")}: ${Object.keys(t.strata).length} strata, each cell within +-1 of its quota in each`
      : "stratified by segment only",
    `seed ${options.seed ?? 42}: the same seed and members give the same cells`,
  ];
  if (values.targets !== undefined && !assignments) {
    throw new UsageError(`--targets needs the --json result of segment or refresh (its assignments), not a bare model (${positionals[0]})`);
  }
  printThenWrite(lines, [
    csvOutput(values.out, "testCells", t, values, ` (${t.assignments.length} rows: hcp_id,segment,cell${t.stratifiedBy.map((c) => "," + c).join("")})`, true),
    {
      file: values.targets,
      text: () => targetList({ model, segments, assignments }, data, { ...csvOptions(values), cells: t }),
      note: ` (target list with the cell of each HCP)`,
    },
  ]);
}

/** --arms A,B[,C] (equal weights) or A:2,B:1. */
function armsArg(value) {
  const arms = listArg(value);
  if (!arms.length) throw new UsageError("--arms expects names, e.g. A,B or A:2,B:1");
  return arms.map((a) => {
    const m = /^(.+):([^:]+)$/.exec(a);
    return m ? { name: m[1], weight: numArg(m[2], "arms weight", { min: 0 }) } : a;
  });
}
