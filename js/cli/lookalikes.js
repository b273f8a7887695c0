// lookalikes: rank HCPs outside the universe by similarity to one segment.
import { lookalikes } from "../node/index.mjs";
import { UsageError, intArg, numArg, parse, required } from "./args.js";
import { CSV_FLAGS, csvOutput, readExclude, readModel, readData } from "./io.js";
import { fix, pct, printThenWrite, segName, table } from "./print.js";

export const name = "lookalikes";
export const usage = "hcp-segments lookalikes MODEL.json CANDIDATES.csv --segment ID|NAME [--top N] [--out RANKED.csv]";
export const summary = "rank HCPs outside the universe by similarity to one segment";
export const help = `Usage: hcp-segments lookalikes MODEL.json CANDIDATES.csv --segment ID|NAME [options]

Score HCPs outside the modelled universe against one segment: score = exp(-d^2/W) in (0, 1],
missing columns count as unknown (partial profiles are fine). Prints the top of the ranking
and writes the whole ranked list.

  --segment ID|NAME   the segment to find look-alikes of (required)
  --top N             keep the best N (default all)
  --min-score S       drop scores below S (default 0)
  --min-coverage C    candidates covering less of the model's feature weight are not scored
                      (default 0.25)
  --drivers N         drivers listed per candidate (default 3)
  --exclude FILE      hcp_ids to leave out (one per line)
  --out FILE          write rank,hcp_id,score,coverage,nearest_segment,drivers (- = stdout)
  --excel LOCALE      write the CSV for Excel in LOCALE (e.g. de-DE); default plain CSV`;

const SHOWN = 10;

export function run(args) {
  const { values, positionals } = parse(
    args,
    {
      segment: { type: "string" },
      top: { type: "string" },
      "min-score": { type: "string" },
      "min-coverage": { type: "string" },
      drivers: { type: "string" },
      exclude: { type: "string" },
      out: { type: "string" },
      ...CSV_FLAGS,
    },
    ["MODEL.json", "CANDIDATES.csv"],
    name,
  );
  const wanted = required(values, "segment", name);
  const { model } = readModel(positionals[0]);
  const segs = model.segments;
  const seg = findSegment(segs, wanted);
  if (!seg) {
    throw new UsageError(`--segment '${wanted}' is not a segment of ${positionals[0]}; segments: ${segs.map((s) => `${s.id} ${s.name}`).join("; ")}`);
  }
  const options = { segment: seg.id };
  if (values.top !== undefined) options.top = intArg(values.top, "top", 1);
  if (values["min-score"] !== undefined) options.minScore = numArg(values["min-score"], "min-score", { min: 0, max: 1 });
  if (values["min-coverage"] !== undefined) options.minCoverage = numArg(values["min-coverage"], "min-coverage", { min: 0, max: 1 });
  if (values.drivers !== undefined) options.drivers = intArg(values.drivers, "drivers");
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
  const r = lookalikes(model, readData(positionals[1]), options);
  const shown = r.lookalikes.slice(0, SHOWN);
  const lines = [
    `look-alikes of segment ${r.segment} ${r.segmentName}: ${r.candidates} candidates, ${r.lookalikes.length} ranked` +
      (r.unscored ? `, ${r.unscored} not scored (too few of the model's columns)` : ""),
  ];
  if (r.missingFeatures.length) lines.push(`columns the candidates lack (treated as unknown): ${r.missingFeatures.join(", ")}`);
  lines.push("");
  lines.push(
    table(
      ["rank", "hcp_id", "score", "coverage", "nearest segment", "drivers"],
      shown.map((l) => [l.rank, l.hcpId, fix(l.score, 4), pct(l.coverage), `${l.nearestSegment} ${segName(segs, l.nearestSegment)}`, l.drivers.map((d) => d.feature).join(", ")]),
      ["r", "l", "r", "r", "l", "l"],
    ),
  );
  if (r.lookalikes.length > shown.length) lines.push(`... ${r.lookalikes.length - shown.length} more`);
  printThenWrite(lines, [csvOutput(values.out, "lookalikes", r, values, ` (${r.lookalikes.length} rows)`, true)]);
}

/** --segment ID|NAME: an id first, else a name (case-insensitive). */
function findSegment(segs, wanted) {
  const byId = /^\d+$/.test(wanted) ? segs.find((s) => s.id === Number(wanted)) : undefined;
  return byId ?? segs.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
}
