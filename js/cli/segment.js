// segment: cluster one row per HCP and print the segments.
import { availableParallelism } from "node:os";
import { exportCsv, segment, segmentSummary, version } from "../node/index.mjs";
import { createSegmenter } from "../worker/node.js";
import { READ_FLAGS, UsageError, intArg, kArg, parseFlags, readOptions } from "./args.js";
import { CSV_FLAGS, csvOptions, jsonOutput, readData, resultOutputs } from "./io.js";
import { fix, idx, pct, printThenWrite, table, timed } from "./print.js";

export const name = "segment";
export const usage = "hcp-segments segment FILE.csv [--k N|auto] [--seed N] [--json OUT.json] [--assignments OUT.csv] [--model OUT.json] [--workers N]";
export const summary = "cluster one row per HCP and print the segments (persona, size, channels, formats)";
export const help = `Usage: hcp-segments segment FILE.csv [options]

Cluster one row per HCP (hcp_id, ch_* channel counts, fmt_* format counts, optional
specialty/country/... categories) and print one line per segment: persona name, size,
share, top channels and formats by index (100 = universe average), silhouette;
then the chosen k and, with --k auto, the sweep behind it. FILE may be - (stdin).

  --k N|auto          number of segments, or auto (sweep 3..8; default)
  --k-range MIN,MAX   range swept by --k auto (default 3,8)
  --seed N            seed for k-means++ and sampling (default 42): same seed, same segments
  --runs N            k-means++ restarts (default 10)
  --json OUT.json     write the whole result (segments, assignments, quality, model, ...)
  --assignments OUT   write hcp_id,segment,segment_name,distance,confidence as CSV
  --targets OUT       write the target list: hcp_id, segment, name, confidence, specialty,
                      country and every consent flag (what a person checks before a CRM load)
  --summary OUT       write the shareable segment summary (small cells suppressed): CSV, or
                      JSON when OUT ends in .json
  --excel LOCALE      write the CSVs for Excel in LOCALE (e.g. de-DE: UTF-8 with BOM, ';' and
                      decimal commas); default: plain CSV (UTF-8, ',', '.')
  --template NAME     target-list columns for a CRM: generic, salesforceCampaignMember,
                      veevaVaultCrmAccount (docs/exports.md)
  --encoding ENC      read FILE as utf-8, utf-16le, utf-16be or windows-1252 (default: detected)
  --sheet NAME|N      the sheet of a workbook (.xlsx, .xls, .ods) to read (default: the first)
  --model OUT.json    write the model alone (for stability, cells, lookalikes, refresh, update)
  --workers N         threads to segment on (1-64): the k-means restarts and the --k auto
                      sweep are spread over them, a long file is read in parts at once; the
                      result is the same, byte for byte, for any N. Default: the core count
                      for a file of 4 MB or more (about 35,000 rows), 1 below; 1 = one thread
  --quiet             no progress on stderr`;

/** From this size a file is segmented on the core count's threads by default (--workers). */
const POOL_MIN_BYTES = 4 << 20;
const MAX_WORKERS = 64;

export function run(args) {
  const { values, positionals } = parseFlags(args, {
    k: { type: "string" },
    "k-range": { type: "string" },
    seed: { type: "string" },
    runs: { type: "string" },
    json: { type: "string" },
    assignments: { type: "string" },
    targets: { type: "string" },
    summary: { type: "string" },
    ...CSV_FLAGS,
    ...READ_FLAGS,
    model: { type: "string" },
    workers: { type: "string" },
    quiet: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError("segment expects one CSV file (or - for stdin)");
  const options = {};
  if (values.k !== undefined) options.k = kArg(values.k);
  if (values["k-range"] !== undefined) {
    const m = /^(\d+),(\d+)$/.exec(values["k-range"]);
    if (!m) throw new UsageError(`--k-range expects MIN,MAX, got '${values["k-range"]}'`);
    options.kRange = [Number(m[1]), Number(m[2])];
  }
  if (values.seed !== undefined) options.seed = intArg(values.seed, "seed");
  if (values.runs !== undefined) options.nRuns = intArg(values.runs, "runs", 1);
  Object.assign(options, readOptions(values));
  const workers = values.workers === undefined ? undefined : intArg(values.workers, "workers", 1);
  if (workers > MAX_WORKERS) throw new UsageError(`--workers expects an integer from 1 to ${MAX_WORKERS}, got '${values.workers}'`);

  const text = readData(positionals[0]);
  const threads = workers ?? (text.length >= POOL_MIN_BYTES ? Math.min(availableParallelism(), MAX_WORKERS) : 1);
  const progress = values.quiet || !process.stderr.isTTY ? null : progressLine();
  if (threads === 1) {
    const { value: result, secs } = timed(() => segment(text, options, progress?.update));
    progress?.clear();
    printResult(result, secs, options, values, text);
    return;
  }
  return segmentOnThreads(threads, text, options, progress).then(({ result, secs }) => printResult(result, secs, options, values, text));
}

/** segment() over a pool of `threads` worker threads: the same result as the synchronous call. */
async function segmentOnThreads(threads, text, options, progress) {
  const segmenter = createSegmenter({ workers: threads });
  const start = performance.now();
  try {
    const result = await segmenter.segment(text, options, { onProgress: progress?.update });
    return { result, secs: (performance.now() - start) / 1000 };
  } finally {
    segmenter.dispose();
    progress?.clear();
  }
}

/** The report on stdout, then the files asked for. */
function printResult(result, secs, options, values, text) {
  printThenWrite(
    [...resultLines(result), `(${secs.toFixed(2)} s, hcp-segments ${version()}, seed ${options.seed ?? 42})`],
    [...resultOutputs(result, values, text), summaryOutput(result, values)],
  );
}

/** --summary: segmentSummary's JSON, or its CSV through the engine's writer. */
function summaryOutput(result, values) {
  if (values.summary && /\.json$/i.test(values.summary)) return jsonOutput(values.summary, segmentSummary(result), " (segment summary)");
  return { file: values.summary, text: () => exportCsv("summary", result, csvOptions(values)), note: " (segment summary, small cells suppressed)" };
}

/** One progress line on stderr (a terminal only), rewritten in place. */
function progressLine() {
  let last = "";
  return {
    update: (p) => {
      const msg = `\r${p.stage}${p.k ? ` k=${p.k}` : ""} ${p.done}/${p.total}`;
      if (msg !== last) process.stderr.write(msg.padEnd(40));
      last = msg;
    },
    clear: () => process.stderr.write("\r".padEnd(41) + "\r"),
  };
}

/** The report of a segmentation: what was read, one line per segment, quality, the k sweep. */
function resultLines(r) {
  const out = [];
  const rep = r.report;
  out.push(
    `${rep.rowsUsed} HCPs clustered (${rep.rowsRead} read, ${rep.rowsExcluded} excluded); ` +
      `${rep.channels.length} channels, ${rep.formats.length} formats` +
      (rep.ignored.length ? `; ignored columns: ${rep.ignored.join(", ")}` : ""),
  );
  for (const w of rep.warnings) out.push(`warning: ${w}`);
  out.push("");
  const rows = r.segments.map((s) => [
    s.id,
    s.name,
    s.size,
    pct(s.share),
    s.channels.slice(0, 3).map(idx).join(", "),
    s.formats.slice(0, 3).map(idx).join(", "),
    fix(s.silhouette),
  ]);
  out.push(
    table(
      ["id", "segment", "size", "share", "top channels (index)", "top formats (index)", "silhouette"],
      rows,
      ["r", "l", "r", "r", "l", "l", "r"],
    ),
  );
  out.push("");
  const q = r.quality;
  out.push(
    `k = ${q.k}: inertia ${fix(q.inertia, 1)}, silhouette ${fix(q.silhouette, 3)}, ` +
      `Calinski-Harabasz ${fix(q.calinskiHarabasz, 1)}, Davies-Bouldin ${fix(q.daviesBouldin, 3)}, ` +
      `${q.iterations} iterations${q.converged ? "" : " (not converged)"}`,
  );
  if (r.kSweep) {
    out.push(`chosen k = ${r.kSweep.chosenK}: ${r.kSweep.rule}`);
    out.push("");
    out.push(
      table(
        ["k", "inertia", "silhouette", "Calinski-Harabasz", "Davies-Bouldin", ""],
        r.kSweep.rows.map((row) => [
          row.k,
          fix(row.inertia, 1),
          fix(row.silhouette, 3),
          fix(row.calinskiHarabasz, 1),
          fix(row.daviesBouldin, 3),
          row.k === r.kSweep.chosenK ? "<- chosen" : "",
        ]),
        ["r", "r", "r", "r", "r", "l"],
      ),
    );
  }
  return out;
}
