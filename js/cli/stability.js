// stability: bootstrap re-clustering, Jaccard overlap per segment.
import { stability } from "../node/index.mjs";
import { intArg, parse } from "./args.js";
import { jsonOutput, readExclude, readModel, readData } from "./io.js";
import { fix, printThenWrite, segName, table, timed } from "./print.js";

export const name = "stability";
export const usage = "hcp-segments stability MODEL.json FILE.csv [--resamples N] [--seed S]";
export const summary = "bootstrap re-clustering: Jaccard per segment, stable / fuzzy / unreliable";
export const help = `Usage: hcp-segments stability MODEL.json FILE.csv [options]

Re-cluster bootstrap resamples of FILE with the model's settings and report, per segment, the
mean, 10th percentile and lowest Jaccard overlap with its best match: stable (mean >= 0.75 and
p10 >= 0.6), unreliable (mean < 0.6 or p10 < 0.4), fuzzy in between; a segment under
--min-size HCPs is tooSmall whatever its overlap. FILE is usually the data the model was built on.

  --resamples N       bootstrap resamples (default 20; time grows linearly)
  --sample-size N     rows per resample (default min(rows, 20000))
  --runs N            k-means++ restarts per resample (default 10)
  --min-size N        segments under N HCPs are tooSmall (default 10)
  --seed S            seed (default: the model's): same seed, same report
  --exclude FILE      hcp_ids to leave out (one per line)
  --json OUT.json     write the report as JSON`;

export function run(args) {
  const { values, positionals } = parse(
    args,
    {
      resamples: { type: "string" },
      "sample-size": { type: "string" },
      runs: { type: "string" },
      "min-size": { type: "string" },
      seed: { type: "string" },
      exclude: { type: "string" },
      json: { type: "string" },
    },
    ["MODEL.json", "FILE.csv"],
    name,
  );
  const options = {};
  if (values.resamples !== undefined) options.resamples = intArg(values.resamples, "resamples", 1);
  if (values["sample-size"] !== undefined) options.sampleSize = intArg(values["sample-size"], "sample-size", 2);
  if (values.runs !== undefined) options.nRuns = intArg(values.runs, "runs", 1);
  if (values["min-size"] !== undefined) options.minSegmentSize = intArg(values["min-size"], "min-size", 1);
  if (values.seed !== undefined) options.seed = intArg(values.seed, "seed");
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
  const { model } = readModel(positionals[0]);
  const text = readData(positionals[1]);
  const { value: rep, secs } = timed(() => stability(model, text, options));
  const segs = model.segments;
  const lines = [
    table(
      ["id", "segment", "size", "mean Jaccard", "p10", "min Jaccard", "verdict"],
      rep.segments.map((s) => [s.id, segName(segs, s.id), segs.find((x) => x.id === s.id)?.size ?? "-", fix(s.meanJaccard, 3), fix(s.p10Jaccard, 3), fix(s.minJaccard, 3), s.verdict]),
      ["r", "l", "r", "r", "r", "r", "l"],
    ),
    "",
    `${rep.resamples} bootstrap resamples of ${rep.sampleSize} rows` +
      (rep.failedResamples ? ` (${rep.failedResamples} failed and were left out)` : "") +
      `; stable: mean >= 0.75 and p10 >= 0.6; unreliable: mean < 0.6 or p10 < 0.4 (${secs.toFixed(2)} s)`,
  ];
  const small = rep.segments.filter((s) => s.verdict === "tooSmall");
  if (small.length) lines.push(`segments too small to judge or target on their own (${small.map((s) => s.id).join(", ")}): merge them (a smaller k) or collect more data`);
  const unreliable = rep.segments.filter((s) => s.verdict === "unreliable");
  if (unreliable.length) lines.push(`unreliable segments (${unreliable.map((s) => s.id).join(", ")}) are not worth a dedicated campaign: try another k`);
  printThenWrite(lines, [jsonOutput(values.json, rep)]);
}
