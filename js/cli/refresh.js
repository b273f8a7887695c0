// refresh: re-segment a new period; ids and names survive; migration matrix.
import { refresh } from "../node/index.mjs";
import { READ_FLAGS, intArg, kArg, numArg, parse, readOptions } from "./args.js";
import { CSV_FLAGS, readExclude, readModel, readPrevious, readData, resultOutputs } from "./io.js";
import { fix, pct, printThenWrite, segName, table, timed } from "./print.js";

export const name = "refresh";
export const usage = "hcp-segments refresh MODEL.json NEW.csv [--previous ASSIGNMENTS.csv] [--json OUT.json] [--assignments OUT.csv]";
export const summary = "re-segment a new period; ids and names survive; migration matrix";
export const help = `Usage: hcp-segments refresh MODEL.json NEW.csv [options]

Re-segment a new period with the model's settings and match the new segments to the old ones
(Hungarian matching on centroids), so ids and (edited) names survive. Prints which old segment
each new one continues, the migration matrix (HCPs in both periods, old segment -> new) and the
new and lapsed HCPs. When MODEL.json is a full result, its assignments are the previous period.

  --previous FILE     previous assignments: the --assignments or --targets CSV of
                      segment/refresh (any dialect or encoding, or a workbook) or a result JSON
  --k N|auto          k of the new period (default: the model's k, so every id survives)
  --runs N            k-means++ restarts (default: the model's)
  --max-match-distance D  pairs further apart are not matched (default: no limit)
  --no-warm-start     no extra run started from the old segments
  --exclude FILE      hcp_ids to leave out (one per line)
  --json OUT.json     write the whole refreshed result (the next period's MODEL.json)
  --assignments OUT   write hcp_id,segment,segment_name,distance,confidence as CSV
  --targets OUT       write the target list (segment, specialty, country, consent per HCP)
  --excel LOCALE      write the CSVs for Excel in LOCALE (e.g. de-DE); default plain CSV
  --template NAME     target-list columns for a CRM (docs/exports.md)
  --encoding ENC      read NEW.csv as utf-8, utf-16le, utf-16be or windows-1252
  --sheet NAME|N      the sheet of a workbook to read
  --model OUT.json    write the refreshed model alone`;

export function run(args) {
  const { values, positionals } = parse(
    args,
    {
      previous: { type: "string" },
      k: { type: "string" },
      runs: { type: "string" },
      "max-match-distance": { type: "string" },
      "no-warm-start": { type: "boolean" },
      exclude: { type: "string" },
      json: { type: "string" },
      assignments: { type: "string" },
      targets: { type: "string" },
      ...CSV_FLAGS,
      ...READ_FLAGS,
      model: { type: "string" },
    },
    ["MODEL.json", "NEW.csv"],
    name,
  );
  const options = {};
  if (values.k !== undefined) options.k = kArg(values.k);
  if (values.runs !== undefined) options.nRuns = intArg(values.runs, "runs", 1);
  if (values["max-match-distance"] !== undefined) options.maxMatchDistance = numArg(values["max-match-distance"], "max-match-distance", { min: 0 });
  if (values["no-warm-start"]) options.warmStart = false;
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
  Object.assign(options, readOptions(values));
  const { model, assignments } = readModel(positionals[0]);
  let previous = null;
  let previousFrom = "none given: no migration matrix";
  if (values.previous !== undefined) {
    previous = readPrevious(values.previous);
    previousFrom = values.previous;
  } else if (assignments) {
    previous = assignments.map((a) => ({ hcpId: a.hcpId, segment: a.segment }));
    previousFrom = `the assignments in ${positionals[0]}`;
  }
  const data = readData(positionals[1]);
  const { value: r, secs } = timed(() => refresh(model, data, previous, options));
  const rep = r.refresh;
  const old = model.segments;
  const lines = [
    `${r.report.rowsUsed} HCPs in the new period; previous period: ${previousFrom}${previous ? ` (${previous.length} HCPs)` : ""}`,
    "",
    table(
      ["id", "segment", "size", "continues", "old size", "distance"],
      rep.matches.map((m) => [
        m.id,
        m.name,
        m.size,
        m.previousId === null ? "(new segment)" : `${m.previousId} ${segName(old, m.previousId)}`,
        m.previousId === null ? "-" : old.find((s) => s.id === m.previousId)?.size ?? "-",
        fix(m.distance, 3),
      ]),
      ["r", "l", "r", "l", "r", "r"],
    ),
  ];
  if (rep.retired.length) lines.push(`retired (no successor): ${rep.retired.map((id) => `${id} ${segName(old, id)}`).join("; ")}`);
  if (previous && rep.continuing === 0) {
    lines.push(
      "",
      `no HCP is in both periods (the previous assignments share no hcp_id with ${positionals[1]}): no migration matrix; ` +
        `${rep.newHcps} new, ${rep.lapsedHcps} lapsed`,
    );
  } else if (previous) {
    lines.push("", ...migrationLines(rep));
  } else {
    lines.push("", `${rep.newHcps} HCPs (no previous assignments: pass --previous for the migration matrix)`);
  }
  lines.push(
    `inertia ${fix(r.quality.inertia, 1)}, silhouette ${fix(r.quality.silhouette, 3)}` +
      (rep.warmStart ? "; the run started from the old segments beat the k-means++ restarts" : "") +
      ` (${secs.toFixed(2)} s)`,
  );
  printThenWrite(lines, resultOutputs(r, values, data));
}

/** The migration matrix (old segment -> new, HCPs in both periods) and who moved. */
function migrationLines(rep) {
  const k = rep.matches.length;
  return [
    "migration (rows: old segment, columns: new segment; HCPs in both periods)",
    table(
      ["old \\ new", ...Array.from({ length: k }, (_, j) => String(j)), "total", "moved"],
      rep.migration.map((row, i) => {
        const total = row.reduce((a, b) => a + b, 0);
        const stay = rep.matches.filter((m) => m.previousId === i).reduce((a, m) => a + row[m.id], 0);
        return [String(i), ...row, total, total ? pct((total - stay) / total) : "-"];
      }),
      ["r", ...Array.from({ length: k }, () => "r"), "r", "r"],
    ),
    "",
    `${rep.continuing} HCPs in both periods, ${rep.moved} of them (${rep.continuing ? pct(rep.moved / rep.continuing) : "-"}) moved to another segment; ` +
      `${rep.newHcps} new, ${rep.lapsedHcps} lapsed`,
  ];
}
