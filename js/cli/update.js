// update: fold new HCPs into a model with mini-batch k-means; says when a refresh is due.
import { updateModel } from "../node/index.mjs";
import { intArg, numArg, parse, required } from "./args.js";
import { readExclude, readModel, readData } from "./io.js";
import { fix, pct, table, writeThenPrint } from "./print.js";

export const name = "update";
export const usage = "hcp-segments update MODEL.json NEW.csv --out MODEL2.json";
export const summary = "fold new HCPs into a model without a full re-run; says when a refresh is due";
export const help = `Usage: hcp-segments update MODEL.json NEW.csv --out MODEL2.json [options]

Fold new HCP rows into the model with mini-batch k-means (no full re-run) and report the drift
per segment; says when a full refresh is due (a segment moved more than --max-drift, more
than --max-reassigned of the rows changed segment, or the new rows are more than
--max-new-share of the universe).

  --out FILE          write the updated model (required)
  --batch-size N      rows per mini-batch (default 1024)
  --seed S            seed (default: the model's)
  --prior-weight W    weight of the saved segment sizes (default 1)
  --max-drift X       relative centroid shift that calls for a refresh (default 0.2)
  --max-reassigned X  share of rows changing segment that does (default 0.05)
  --max-new-share X   share of new rows that does (default 0.5)
  --exclude FILE      hcp_ids to leave out (one per line)`;

export function run(args) {
  const { values, positionals } = parse(
    args,
    {
      out: { type: "string" },
      "batch-size": { type: "string" },
      seed: { type: "string" },
      "prior-weight": { type: "string" },
      "max-drift": { type: "string" },
      "max-reassigned": { type: "string" },
      "max-new-share": { type: "string" },
      exclude: { type: "string" },
    },
    ["MODEL.json", "NEW.csv"],
    name,
  );
  const out = required(values, "out", name);
  const options = {};
  if (values["batch-size"] !== undefined) options.batchSize = intArg(values["batch-size"], "batch-size", 1);
  if (values.seed !== undefined) options.seed = intArg(values.seed, "seed");
  if (values["prior-weight"] !== undefined) options.priorWeight = numArg(values["prior-weight"], "prior-weight", { min: 0 });
  if (values["max-drift"] !== undefined) options.maxDrift = numArg(values["max-drift"], "max-drift", { min: 0 });
  if (values["max-reassigned"] !== undefined) options.maxReassigned = numArg(values["max-reassigned"], "max-reassigned", { min: 0, max: 1 });
  if (values["max-new-share"] !== undefined) options.maxNewShare = numArg(values["max-new-share"], "max-new-share", { min: 0 });
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
  const { model } = readModel(positionals[0]);
  const u = updateModel(model, readData(positionals[1]), options);
  const lines = [
    `${u.rows} rows folded into ${positionals[0]}`,
    "",
    table(
      ["id", "segment", "added", "shift", "relative shift"],
      u.drift.map((d) => [d.id, d.name, d.added, fix(d.shift, 4), pct(d.relativeShift)]),
      ["r", "l", "r", "r", "r"],
    ),
    "",
    `${u.reassigned} rows (${pct(u.reassignedShare)}) changed segment with the update; new rows = ${pct(u.newShare)} of the universe`,
    u.refreshDue ? `a full refresh is due: ${u.reasons.join("; ")}` : "no full refresh needed yet",
  ];
  writeThenPrint(out, JSON.stringify(u.model, null, 2) + "\n", lines, " (updated model)");
}
