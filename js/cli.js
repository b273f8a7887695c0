#!/usr/bin/env node
// hcp-segments command line (Node, uses the node build). See `hcp-segments --help`.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  segment,
  generateSample,
  version,
  aggregateEvents,
  refresh,
  stability,
  lookalikes,
  testCells,
  channelPlan,
  updateModel,
} from "./node/index.mjs";

const HELP = `hcp-segments ${version()} - segment HCPs by engagement (k-means, runs locally)

Usage:
  hcp-segments segment FILE.csv [--k N|auto] [--seed N] [--json OUT.json] [--assignments OUT.csv] [--model OUT.json]
  hcp-segments sample --n N --seed S [--out FILE.csv]
  hcp-segments events LOG.csv [--from DATE] [--to DATE] --out PROFILES.csv
  hcp-segments stability MODEL.json FILE.csv [--resamples N] [--seed S]
  hcp-segments cells MODEL.json FILE.csv --arms A,B[,C] [--holdout 0.1] [--seed S] --out CELLS.csv
  hcp-segments plan RESULT.json --budget AMOUNT [--results CAMPAIGN.csv] [--out PLAN.csv]
  hcp-segments lookalikes MODEL.json CANDIDATES.csv --segment ID|NAME [--top N] [--out RANKED.csv]
  hcp-segments refresh MODEL.json NEW.csv [--previous ASSIGNMENTS.csv] [--json OUT.json] [--assignments OUT.csv]
  hcp-segments update MODEL.json NEW.csv --out MODEL2.json
  hcp-segments COMMAND --help | --help | --version

segment     cluster one row per HCP and print the segments (persona, size, channels, formats)
sample      write the synthetic sample universe (planted personas) as CSV
events      aggregate an event log (one row per engagement) into one profile row per HCP
stability   bootstrap re-clustering: Jaccard per segment, stable / fuzzy / unreliable
cells       seeded A/B/n + holdout test cells, stratified by specialty and country
plan        ranked channels per segment, reachable share after consent, budget split
lookalikes  rank HCPs outside the universe by similarity to one segment
refresh     re-segment a new period; ids and names survive; migration matrix
update      fold new HCPs into a model without a full re-run; says when a refresh is due

MODEL.json is the --json result of segment or refresh, or a bare model (segment --model).
Each command's options: hcp-segments COMMAND --help.

Nothing is sent anywhere: the data stays on this machine.`;

const COMMAND_HELP = {
  segment: `Usage: hcp-segments segment FILE.csv [options]

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
  --model OUT.json    write the model alone (for stability, cells, lookalikes, refresh, update)
  --quiet             no progress on stderr`,
  sample: `Usage: hcp-segments sample [--n N] [--seed S] [--out FILE.csv]

Write the synthetic sample universe (planted personas) as CSV.

  --n N               number of HCPs (default 5000)
  --seed S            seed (default 42)
  --out FILE          write to FILE instead of stdout`,
  events: `Usage: hcp-segments events LOG.csv --out PROFILES.csv [options]

Aggregate an event log (one row per engagement: hcp_id, timestamp, channel, format, action)
into one row per HCP for a window: ch_* and fmt_* counts, days_since_last, active_weeks
(distinct ISO weeks active among the 12 before --to), and carried columns (specialty,
country, consent_*, ...: the latest non-empty value). Opens, impressions, sends and bounces
do not count by default. The output is the input of segment. LOG may be - (stdin).

  --out FILE          write the profiles CSV (- = stdout; the report then goes to stderr)
  --from DATE         window start, inclusive (ISO-8601 date/time or unix seconds)
  --to DATE           window end, exclusive (default: midnight UTC after the last event)
  --count-actions A,B only these actions count
  --ignore-actions A,B  actions that never count (replaces the default list)
  --column NAME=ROLE  column role (id, timestamp, channel, format, action, attribute,
                      ignore); repeatable
  --delimiter C       force the CSV delimiter (, ; or tab)
  --exclude FILE      hcp_ids to leave out (one per line)`,
  stability: `Usage: hcp-segments stability MODEL.json FILE.csv [options]

Re-cluster bootstrap resamples of FILE with the model's settings and report, per segment, the
mean and lowest Jaccard overlap with its best match: stable >= 0.75, fuzzy 0.6-0.75,
unreliable < 0.6. FILE is usually the data the model was built on.

  --resamples N       bootstrap resamples (default 20; time grows linearly)
  --sample-size N     rows per resample (default min(rows, 20000))
  --runs N            k-means++ restarts per resample (default 3)
  --seed S            seed (default: the model's): same seed, same report
  --exclude FILE      hcp_ids to leave out (one per line)
  --json OUT.json     write the report as JSON`,
  cells: `Usage: hcp-segments cells MODEL.json FILE.csv --out CELLS.csv [options]

Assign the HCPs of FILE (each to its nearest segment of the model) to test cells: seeded,
reproducible, stratified (segment x the --stratify columns) so that every cell is within +-1
of its quota in every stratum, i.e. balanced inside every segment.
The CSV is the target list: hcp_id,segment,cell,<strata columns>.

  --arms A,B[,C]      cell names (equal weights), or A:2,B:1 for weights (default A,B)
  --holdout SHARE     share held out, in [0, 1) (default 0.1)
  --seed S            seed (default 42): same seed, same cells
  --stratify COLS     category columns to stratify by (default specialty,country; none = off)
  --segments IDS      only these segment ids, e.g. 0,2
  --exclude FILE      hcp_ids to leave out (one per line)
  --out FILE          write the target list CSV (- = stdout)`,
  plan: `Usage: hcp-segments plan RESULT.json --budget AMOUNT [options]

Per segment, channels ranked by index / 100 x reachable share (after consent: email needs
consent_email, rep none, other channels consent_tracking), formats by index, and a budget split
across segments x channels proportional to index x reachable HCPs, in whole cents that add up
to the budget exactly. With --results, observed engagement rates (shrunk towards the pooled
rate) move budget towards what works. RESULT.json is the --json of segment or refresh (the
plan needs the segment profiles, which a bare model does not have).

  --budget AMOUNT     total budget in currency units (required)
  --results FILE      campaign results CSV: segment (id or name),channel,impressions,engagements
  --segment-weight ID=W   weight of a segment (default 1); repeatable
  --channel-weight CH=W   weight of a channel (default 1; 0 = off); repeatable
  --min-index N       channels below this index get no budget (default 0)
  --consent CH=COL    consent column gating a channel (none = ungated); repeatable
  --prior-impressions K   shrinkage strength for --results (default 1000)
  --out FILE          write the allocations CSV (- = stdout)
  --json OUT.json     write the whole plan as JSON`,
  lookalikes: `Usage: hcp-segments lookalikes MODEL.json CANDIDATES.csv --segment ID|NAME [options]

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
  --out FILE          write rank,hcp_id,score,coverage,nearest_segment,drivers (- = stdout)`,
  refresh: `Usage: hcp-segments refresh MODEL.json NEW.csv [options]

Re-segment a new period with the model's settings and match the new segments to the old ones
(Hungarian matching on centroids), so ids and (edited) names survive. Prints which old segment
each new one continues, the migration matrix (HCPs in both periods, old segment -> new) and the
new and lapsed HCPs. When MODEL.json is a full result, its assignments are the previous period.

  --previous FILE     previous assignments: the --assignments CSV of segment/refresh
                      (hcp_id,segment) or a result JSON
  --k N|auto          k of the new period (default: the model's k, so every id survives)
  --runs N            k-means++ restarts (default: the model's)
  --max-match-distance D  pairs further apart are not matched (default: no limit)
  --no-warm-start     no extra run started from the old segments
  --exclude FILE      hcp_ids to leave out (one per line)
  --json OUT.json     write the whole refreshed result (the next period's MODEL.json)
  --assignments OUT   write hcp_id,segment,segment_name,distance,confidence as CSV
  --model OUT.json    write the refreshed model alone`,
  update: `Usage: hcp-segments update MODEL.json NEW.csv --out MODEL2.json [options]

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
  --exclude FILE      hcp_ids to leave out (one per line)`,
};

class UsageError extends Error {}

function fail(err) {
  if (err instanceof UsageError) {
    const help = err.command ? `hcp-segments ${err.command} --help` : "hcp-segments --help";
    process.stderr.write(`hcp-segments: ${err.message}\nTry '${help}'.\n`);
    process.exit(2);
  }
  if (err && err.code) {
    const where = [];
    if (err.line !== undefined && err.line !== null) where.push(`line ${err.line}`);
    if (err.column !== undefined && err.column !== null) where.push(`column ${err.column}`);
    process.stderr.write(`hcp-segments: error ${err.code}${where.length ? ` (${where.join(", ")})` : ""}: ${err.message}\n`);
  } else {
    process.stderr.write(`hcp-segments: ${err && err.message ? err.message : err}\n`);
  }
  process.exit(1);
}

function intArg(value, name, min = 0) {
  if (!/^\d+$/.test(String(value)) || Number(value) < min) throw new UsageError(`--${name} expects an integer >= ${min}, got '${value}'`);
  return Number(value);
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const fix = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? "-" : Number(x).toFixed(d));
const idx = (s) => `${s.name} ${s.index === null ? "-" : Math.round(s.index)}`;

function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => (align[i] === "r" ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const rule = line(widths.map((w, i) => (headers[i] ? "-".repeat(w) : "")));
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

function printResult(r) {
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
  process.stdout.write(out.join("\n") + "\n");
}

const csvCell = (v) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

// Typed arrays become plain arrays in JSON.
const jsonReplacer = (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);

function cmdSegment(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      k: { type: "string" },
      "k-range": { type: "string" },
      seed: { type: "string" },
      runs: { type: "string" },
      json: { type: "string" },
      assignments: { type: "string" },
      model: { type: "string" },
      quiet: { type: "boolean" },
    },
  });
  if (positionals.length !== 1) throw new UsageError("segment expects one CSV file (or - for stdin)");
  const file = positionals[0];
  const options = {};
  if (values.k !== undefined) options.k = values.k === "auto" ? "auto" : intArg(values.k, "k", 1);
  if (values["k-range"] !== undefined) {
    const m = /^(\d+),(\d+)$/.exec(values["k-range"]);
    if (!m) throw new UsageError(`--k-range expects MIN,MAX, got '${values["k-range"]}'`);
    options.kRange = [Number(m[1]), Number(m[2])];
  }
  if (values.seed !== undefined) options.seed = intArg(values.seed, "seed");
  if (values.runs !== undefined) options.nRuns = intArg(values.runs, "runs", 1);

  const text = readText(file);
  const showProgress = !values.quiet && process.stderr.isTTY;
  let last = "";
  const onProgress = showProgress
    ? (p) => {
        const msg = `\r${p.stage}${p.k ? ` k=${p.k}` : ""} ${p.done}/${p.total}`;
        if (msg !== last) process.stderr.write(msg.padEnd(40));
        last = msg;
      }
    : undefined;
  const t0 = performance.now();
  const result = segment(text, options, onProgress);
  const secs = (performance.now() - t0) / 1000;
  if (showProgress) process.stderr.write("\r".padEnd(41) + "\r");

  printResult(result);
  process.stdout.write(`(${secs.toFixed(2)} s, hcp-segments ${version()}, seed ${options.seed ?? 42})\n`);
  writeResultFiles(result, values);
}

// --json / --assignments / --model of segment and refresh.
function writeResultFiles(result, values) {
  if (values.json) {
    writeOut(values.json, JSON.stringify(result, jsonReplacer, 2) + "\n");
    process.stdout.write(`wrote ${values.json}\n`);
  }
  if (values.assignments) {
    const names = new Map(result.segments.map((s) => [s.id, s.name]));
    const lines = ["hcp_id,segment,segment_name,distance,confidence"];
    for (const a of result.assignments) {
      lines.push([a.hcpId, a.segment, names.get(a.segment), a.distance.toFixed(6), a.confidence.toFixed(6)].map(csvCell).join(","));
    }
    writeOut(values.assignments, lines.join("\n") + "\n");
    process.stdout.write(`wrote ${values.assignments} (${result.assignments.length} rows)\n`);
  }
  if (values.model) {
    writeOut(values.model, JSON.stringify(result.model, null, 2) + "\n");
    process.stdout.write(`wrote ${values.model} (model, ${result.segments.length} segments)\n`);
  }
}

function cmdSample(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { n: { type: "string" }, seed: { type: "string" }, out: { type: "string" } },
  });
  if (positionals.length) throw new UsageError(`sample takes no positional arguments (got ${positionals.join(" ")})`);
  const n = values.n === undefined ? 5000 : intArg(values.n, "n", 1);
  const seed = values.seed === undefined ? 42 : intArg(values.seed, "seed");
  const csv = generateSample(n, seed);
  if (values.out) {
    writeFileSync(values.out, csv);
    process.stderr.write(`wrote ${values.out} (${n} HCPs, seed ${seed})\n`);
  } else {
    process.stdout.write(csv);
  }
}

// ---- shared by the commands -------------------------------------------------------------------

/** The text of FILE, or of stdin for "-". */
function readText(file) {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e.code === "ENOENT" ? "no such file" : e.message}`);
  }
}

function writeOut(file, text) {
  if (file === "-") return process.stdout.write(text);
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new Error(`cannot write ${file}: ${e.code === "ENOENT" ? "no such directory" : e.message}`);
  }
}

/** An engine-style error (exit 1, printed with its code). */
function dataError(code, message) {
  return Object.assign(new Error(message), { code });
}

/**
 * A model file: the --json result of segment/refresh (then also its segments and assignments)
 * or a bare model (segment --model, update --out).
 */
function readModel(file) {
  const text = readText(file);
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw dataError("INVALID_MODEL", `${file} is not JSON (${e.message}); expected the --json result of segment or refresh, or a model`);
  }
  if (json && json.format === "hcp-segments-model") return { model: json, segments: null, assignments: null };
  if (json && json.model && json.model.format === "hcp-segments-model") {
    return { model: json.model, segments: json.segments ?? null, assignments: json.assignments ?? null };
  }
  throw dataError("INVALID_MODEL", `${file} is neither a segmentation result (segment --json) nor a model (segment --model)`);
}

/** Minimal RFC 4180 reader (quotes, doubled quotes, CRLF) → array of rows. */
function parseCsv(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell), rows.push(row), (row = []), (cell = "");
    } else cell += c;
  }
  if (cell !== "" || row.length) row.push(cell), rows.push(row);
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** Previous assignments from an --assignments CSV (hcp_id,segment,...) or a result JSON. */
function readPrevious(file) {
  const text = readText(file);
  if (/^\s*[{[]/.test(text)) {
    let json;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw dataError("INVALID_VALUE", `${file} is not valid JSON (${e.message})`);
    }
    const list = Array.isArray(json) ? json : json.assignments;
    if (!Array.isArray(list)) throw dataError("INVALID_VALUE", `${file}: expected a result JSON with assignments`);
    return list.map((a) => ({ hcpId: a.hcpId, segment: a.segment }));
  }
  const rows = parseCsv(text.replace(/^\uFEFF/, ""));
  const header = (rows[0] || []).map((h) => h.trim().toLowerCase());
  const idCol = header.indexOf("hcp_id");
  const segCol = header.indexOf("segment");
  if (idCol < 0 || segCol < 0) {
    throw Object.assign(dataError("MISSING_ID_COLUMN", `${file}: expected the columns hcp_id and segment (the --assignments CSV of segment or refresh)`), { line: 1 });
  }
  return rows.slice(1).map((r, i) => {
    const v = (r[segCol] ?? "").trim();
    if (!/^\d+$/.test(v)) {
      throw Object.assign(dataError("INVALID_VALUE", `${file}: segment '${v}' is not a segment id`), { line: i + 2, column: "segment" });
    }
    return { hcpId: r[idCol], segment: Number(v) };
  });
}

/** --exclude FILE: one hcp_id per line (a header line `hcp_id` is skipped). */
function readExclude(file) {
  if (file === undefined) return undefined;
  return readText(file)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l, i) => l && !(i === 0 && l.toLowerCase() === "hcp_id"));
}

function numArg(value, name, { min = -Infinity, max = Infinity, below } = {}) {
  const n = Number(value);
  if (value === "" || !Number.isFinite(n) || n < min || n > max || (below !== undefined && n >= below)) {
    const range = below !== undefined ? `in [${min}, ${below})` : max < Infinity ? `in [${min}, ${max}]` : `>= ${min}`;
    throw new UsageError(`--${name} expects a number ${range}, got '${value}'`);
  }
  return n;
}

const listArg = (value) => value.split(",").map((x) => x.trim()).filter(Boolean);

/** Repeatable KEY=VALUE flags → object. */
function pairsArg(values, name, parseValue) {
  const out = {};
  for (const v of values ?? []) {
    const m = /^([^=]+)=(.*)$/.exec(v);
    if (!m) throw new UsageError(`--${name} expects KEY=VALUE, got '${v}'`);
    out[m[1].trim()] = parseValue(m[2].trim(), m[1].trim());
  }
  return out;
}

/** parseArgs in strict mode: an unknown flag is a usage error naming it. */
function parse(args, options, positionalNames, command) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options });
  if (positionals.length !== positionalNames.length) {
    throw new UsageError(`${command} expects ${positionalNames.join(" ")} (got ${positionals.length ? positionals.join(" ") : "nothing"})`);
  }
  return { values, positionals };
}

function required(values, name, command) {
  if (values[name] === undefined) throw new UsageError(`${command} needs --${name}`);
  return values[name];
}

const segName = (segments, id) => {
  const s = segments.find((x) => x.id === id);
  return s ? s.name : "?";
};
const cents = (c) => `${c < 0 ? "-" : ""}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, "0")}`;
const money = (c) => cents(c).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const say = (lines) => process.stdout.write(lines.join("\n") + "\n");

// ---- events ------------------------------------------------------------------------------------

function cmdEvents(args) {
  const { values, positionals } = parse(
    args,
    {
      out: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      "count-actions": { type: "string" },
      "ignore-actions": { type: "string" },
      column: { type: "string", multiple: true },
      delimiter: { type: "string" },
      exclude: { type: "string" },
    },
    ["LOG.csv"],
    "events",
  );
  const out = required(values, "out", "events");
  const options = {};
  if (values.from !== undefined) options.from = values.from;
  if (values.to !== undefined) options.to = values.to;
  if (values["count-actions"] !== undefined) options.countActions = listArg(values["count-actions"]);
  if (values["ignore-actions"] !== undefined) options.ignoreActions = listArg(values["ignore-actions"]);
  if (values.column) options.columns = pairsArg(values.column, "column", (v) => v);
  if (values.delimiter !== undefined) options.delimiter = values.delimiter === "tab" ? "\t" : values.delimiter;
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
  const agg = aggregateEvents(readText(positionals[0]), options);
  const r = agg.report;
  const lines = [
    `${r.eventsRead} events read, ${r.eventsCounted} counted; not counted: ${r.eventsOutsideWindow} outside the window, ` +
      `${r.eventsIgnoredAction} ignored actions, ${r.eventsExcluded} excluded HCPs`,
    `window ${r.from ?? "(open)"} to ${r.to} (end exclusive)`,
    `${r.hcps} HCPs with at least one counted event`,
    `channels: ${r.channels.join(", ") || "-"}`,
    `formats:  ${r.formats.join(", ") || "-"}`,
    `carried:  ${r.carried.join(", ") || "-"}`,
  ];
  if (r.ignored.length) lines.push(`ignored columns: ${r.ignored.join(", ")}`);
  if (r.recencyCapped) lines.push(`${r.recencyCapped} HCPs' days_since_last capped at 365`);
  writeOut(out, agg.csv);
  if (out !== "-") lines.push(`wrote ${out} (${r.hcps} rows; segment it with: hcp-segments segment ${out})`);
  (out === "-" ? process.stderr : process.stdout).write(lines.join("\n") + "\n");
}

// ---- stability ---------------------------------------------------------------------------------

function cmdStability(args) {
  const { values, positionals } = parse(
    args,
    {
      resamples: { type: "string" },
      "sample-size": { type: "string" },
      runs: { type: "string" },
      seed: { type: "string" },
      exclude: { type: "string" },
      json: { type: "string" },
    },
    ["MODEL.json", "FILE.csv"],
    "stability",
  );
  const options = {};
  if (values.resamples !== undefined) options.resamples = intArg(values.resamples, "resamples", 1);
  if (values["sample-size"] !== undefined) options.sampleSize = intArg(values["sample-size"], "sample-size", 2);
  if (values.runs !== undefined) options.nRuns = intArg(values.runs, "runs", 1);
  if (values.seed !== undefined) options.seed = intArg(values.seed, "seed");
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
  const { model } = readModel(positionals[0]);
  const text = readText(positionals[1]);
  const t0 = performance.now();
  const rep = stability(model, text, options);
  const secs = (performance.now() - t0) / 1000;
  const segs = model.segments;
  const lines = [
    table(
      ["id", "segment", "size", "mean Jaccard", "min Jaccard", "verdict"],
      rep.segments.map((s) => [s.id, segName(segs, s.id), segs.find((x) => x.id === s.id)?.size ?? "-", fix(s.meanJaccard, 3), fix(s.minJaccard, 3), s.verdict]),
      ["r", "l", "r", "r", "r", "l"],
    ),
    "",
    `${rep.resamples} bootstrap resamples of ${rep.sampleSize} rows` +
      (rep.failedResamples ? ` (${rep.failedResamples} failed and were left out)` : "") +
      `; stable >= 0.75, fuzzy 0.6-0.75, unreliable < 0.6 (${secs.toFixed(2)} s)`,
  ];
  const unreliable = rep.segments.filter((s) => s.verdict === "unreliable");
  if (unreliable.length) lines.push(`unreliable segments (${unreliable.map((s) => s.id).join(", ")}) are not worth a dedicated campaign: try another k`);
  say(lines);
  if (values.json) {
    writeOut(values.json, JSON.stringify(rep, null, 2) + "\n");
    process.stdout.write(`wrote ${values.json}\n`);
  }
}

// ---- cells -------------------------------------------------------------------------------------

function cmdCells(args) {
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
    },
    ["MODEL.json", "FILE.csv"],
    "cells",
  );
  const options = {};
  if (values.arms !== undefined) {
    const arms = listArg(values.arms);
    if (!arms.length) throw new UsageError("--arms expects names, e.g. A,B or A:2,B:1");
    options.arms = arms.map((a) => {
      const m = /^(.+):([^:]+)$/.exec(a);
      return m ? { name: m[1], weight: numArg(m[2], "arms weight", { min: 0 }) } : a;
    });
  }
  if (values.holdout !== undefined) options.holdout = numArg(values.holdout, "holdout", { min: 0, below: 1 });
  if (values.seed !== undefined) options.seed = intArg(values.seed, "seed");
  if (values.stratify !== undefined) options.strata = values.stratify === "none" ? [] : listArg(values.stratify);
  if (values.segments !== undefined) {
    options.segments = listArg(values.segments).map((x) => intArg(x, "segments"));
  }
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
  const { model } = readModel(positionals[0]);
  const t = testCells(model, readText(positionals[1]), options);
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
  say(lines);
  if (values.out) {
    writeOut(values.out, t.csv);
    if (values.out !== "-") process.stdout.write(`wrote ${values.out} (${t.assignments.length} rows: hcp_id,segment,cell${t.stratifiedBy.map((c) => "," + c).join("")})\n`);
  }
}

// ---- plan --------------------------------------------------------------------------------------

function cmdPlan(args) {
  const { values, positionals } = parse(
    args,
    {
      budget: { type: "string" },
      results: { type: "string" },
      "segment-weight": { type: "string", multiple: true },
      "channel-weight": { type: "string", multiple: true },
      "min-index": { type: "string" },
      consent: { type: "string", multiple: true },
      "prior-impressions": { type: "string" },
      out: { type: "string" },
      json: { type: "string" },
    },
    ["RESULT.json"],
    "plan",
  );
  const options = { budget: numArg(required(values, "budget", "plan"), "budget", { min: 0 }) };
  if (values["segment-weight"]) options.segmentWeights = pairsArg(values["segment-weight"], "segment-weight", (v) => numArg(v, "segment-weight", { min: 0 }));
  if (values["channel-weight"]) options.channelWeights = pairsArg(values["channel-weight"], "channel-weight", (v) => numArg(v, "channel-weight", { min: 0 }));
  if (values["min-index"] !== undefined) options.minIndex = numArg(values["min-index"], "min-index", { min: 0 });
  if (values.consent) options.consentRules = pairsArg(values.consent, "consent", (v) => (v === "none" ? null : v));
  if (values["prior-impressions"] !== undefined) options.priorImpressions = numArg(values["prior-impressions"], "prior-impressions", { min: 0 });
  if (values.results !== undefined) options.results = readText(values.results);
  const { segments } = readModel(positionals[0]);
  if (!segments) {
    throw new UsageError(`plan needs the segment profiles: pass the --json result of segment or refresh, not a bare model (${positionals[0]})`);
  }
  const plan = channelPlan(segments, options);
  const lines = [];
  for (const sp of plan.segments) {
    const alloc = new Map(plan.allocations.filter((a) => a.segment === sp.id).map((a) => [a.channel, a]));
    const share = plan.budgetCents ? ` (${pct(sp.budgetCents / plan.budgetCents)})` : "";
    lines.push(`segment ${sp.id}  ${sp.name}  (${sp.size} HCPs): ${money(sp.budgetCents)}${share}`);
    lines.push(
      table(
        ["rank", "channel", "index", "consent", "reachable", "priority", "budget", "of total"],
        sp.channels.map((c, i) => {
          const a = alloc.get(c.channel);
          return [
            i + 1,
            c.channel,
            Math.round(c.index),
            c.consent ? `${c.consent}${c.consentKnown ? "" : " (not in data)"}` : "-",
            `${c.reachable} (${pct(c.reachableShare)})`,
            fix(c.priority, 2),
            a ? money(a.cents) : "0.00",
            a ? pct(a.share) : "0.0%",
          ];
        }),
        ["r", "l", "r", "l", "r", "r", "r", "r"],
      ).replace(/^/gm, "  "),
    );
    lines.push(`  formats: ${sp.formats.slice(0, 4).map((f) => `${f.format} ${Math.round(f.index)}`).join(", ")}`);
    lines.push("");
  }
  const total = plan.allocations.reduce((s, a) => s + a.cents, 0);
  lines.push(`budget ${money(plan.budgetCents)} split into ${plan.allocations.filter((a) => a.cents > 0).length} segment x channel cells; total ${money(total)}`);
  if (options.results !== undefined) {
    lines.push(
      `campaign results: pooled engagement rate ${plan.meanRate === null ? "-" : pct(plan.meanRate)}; budget moved by observed rate (shrunk with ${options.priorImpressions ?? 1000} prior impressions)` +
        (plan.unmatchedResults ? `; ${plan.unmatchedResults} result rows matched no segment x channel` : ""),
    );
  }
  say(lines);
  if (values.out) {
    const bySeg = new Map(plan.segments.map((s) => [s.id, s]));
    const rows = ["segment,segment_name,channel,index,reachable,weight,multiplier,observed_rate,impressions,amount,share"];
    for (const a of plan.allocations) {
      const sp = bySeg.get(a.segment);
      const ch = sp.channels.find((c) => c.channel === a.channel);
      rows.push(
        [a.segment, sp.name, a.channel, ch ? ch.index.toFixed(1) : "", ch ? ch.reachable : "", a.weight.toFixed(6), a.multiplier.toFixed(6), a.observedRate ?? "", a.impressions ?? "", cents(a.cents), a.share.toFixed(6)]
          .map(csvCell)
          .join(","),
      );
    }
    writeOut(values.out, rows.join("\n") + "\n");
    if (values.out !== "-") process.stdout.write(`wrote ${values.out} (${plan.allocations.length} rows; amount in currency units, adds up to ${cents(total)})\n`);
  }
  if (values.json) {
    writeOut(values.json, JSON.stringify(plan, null, 2) + "\n");
    process.stdout.write(`wrote ${values.json}\n`);
  }
}

// ---- lookalikes --------------------------------------------------------------------------------

function cmdLookalikes(args) {
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
    },
    ["MODEL.json", "CANDIDATES.csv"],
    "lookalikes",
  );
  const wanted = required(values, "segment", "lookalikes");
  const { model } = readModel(positionals[0]);
  const segs = model.segments;
  let seg = /^\d+$/.test(wanted) ? segs.find((s) => s.id === Number(wanted)) : undefined;
  if (!seg) seg = segs.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
  if (!seg) {
    throw new UsageError(`--segment '${wanted}' is not a segment of ${positionals[0]}; segments: ${segs.map((s) => `${s.id} ${s.name}`).join("; ")}`);
  }
  const options = { segment: seg.id };
  if (values.top !== undefined) options.top = intArg(values.top, "top", 1);
  if (values["min-score"] !== undefined) options.minScore = numArg(values["min-score"], "min-score", { min: 0, max: 1 });
  if (values["min-coverage"] !== undefined) options.minCoverage = numArg(values["min-coverage"], "min-coverage", { min: 0, max: 1 });
  if (values.drivers !== undefined) options.drivers = intArg(values.drivers, "drivers");
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
  const r = lookalikes(model, readText(positionals[1]), options);
  const shown = r.lookalikes.slice(0, 10);
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
  say(lines);
  if (values.out) {
    writeOut(values.out, r.csv);
    if (values.out !== "-") process.stdout.write(`wrote ${values.out} (${r.lookalikes.length} rows)\n`);
  }
}

// ---- refresh -----------------------------------------------------------------------------------

function cmdRefresh(args) {
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
      model: { type: "string" },
    },
    ["MODEL.json", "NEW.csv"],
    "refresh",
  );
  const options = {};
  if (values.k !== undefined) options.k = values.k === "auto" ? "auto" : intArg(values.k, "k", 1);
  if (values.runs !== undefined) options.nRuns = intArg(values.runs, "runs", 1);
  if (values["max-match-distance"] !== undefined) options.maxMatchDistance = numArg(values["max-match-distance"], "max-match-distance", { min: 0 });
  if (values["no-warm-start"]) options.warmStart = false;
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
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
  const t0 = performance.now();
  const r = refresh(model, readText(positionals[1]), previous, options);
  const secs = (performance.now() - t0) / 1000;
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
    const k = rep.matches.length;
    lines.push("");
    lines.push("migration (rows: old segment, columns: new segment; HCPs in both periods)");
    lines.push(
      table(
        ["old \\ new", ...Array.from({ length: k }, (_, j) => String(j)), "total", "moved"],
        rep.migration.map((row, i) => {
          const total = row.reduce((a, b) => a + b, 0);
          const stay = rep.matches.filter((m) => m.previousId === i).reduce((a, m) => a + row[m.id], 0);
          return [String(i), ...row, total, total ? pct((total - stay) / total) : "-"];
        }),
        ["r", ...Array.from({ length: k }, () => "r"), "r", "r"],
      ),
    );
    lines.push("");
    lines.push(
      `${rep.continuing} HCPs in both periods, ${rep.moved} of them (${rep.continuing ? pct(rep.moved / rep.continuing) : "-"}) moved to another segment; ` +
        `${rep.newHcps} new, ${rep.lapsedHcps} lapsed`,
    );
  } else {
    lines.push("", `${rep.newHcps} HCPs (no previous assignments: pass --previous for the migration matrix)`);
  }
  lines.push(
    `inertia ${fix(r.quality.inertia, 1)}, silhouette ${fix(r.quality.silhouette, 3)}` +
      (rep.warmStart ? "; the run started from the old segments beat the k-means++ restarts" : "") +
      ` (${secs.toFixed(2)} s)`,
  );
  say(lines);
  writeResultFiles(r, values);
}

// ---- update ------------------------------------------------------------------------------------

function cmdUpdate(args) {
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
    "update",
  );
  const out = required(values, "out", "update");
  const options = {};
  if (values["batch-size"] !== undefined) options.batchSize = intArg(values["batch-size"], "batch-size", 1);
  if (values.seed !== undefined) options.seed = intArg(values.seed, "seed");
  if (values["prior-weight"] !== undefined) options.priorWeight = numArg(values["prior-weight"], "prior-weight", { min: 0 });
  if (values["max-drift"] !== undefined) options.maxDrift = numArg(values["max-drift"], "max-drift", { min: 0 });
  if (values["max-reassigned"] !== undefined) options.maxReassigned = numArg(values["max-reassigned"], "max-reassigned", { min: 0, max: 1 });
  if (values["max-new-share"] !== undefined) options.maxNewShare = numArg(values["max-new-share"], "max-new-share", { min: 0 });
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
  const { model } = readModel(positionals[0]);
  const u = updateModel(model, readText(positionals[1]), options);
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
  writeOut(out, JSON.stringify(u.model, null, 2) + "\n");
  if (out !== "-") lines.push(`wrote ${out} (updated model)`);
  (out === "-" ? process.stderr : process.stdout).write(lines.join("\n") + "\n");
}

const COMMANDS = {
  segment: cmdSegment,
  sample: cmdSample,
  events: cmdEvents,
  stability: cmdStability,
  cells: cmdCells,
  plan: cmdPlan,
  lookalikes: cmdLookalikes,
  refresh: cmdRefresh,
  update: cmdUpdate,
};

function main(argv) {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
    const topic = cmd === "help" ? rest[0] : undefined;
    process.stdout.write((topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : HELP) + "\n");
    return;
  }
  if (cmd === "--version" || cmd === "-V") {
    process.stdout.write(version() + "\n");
    return;
  }
  const run = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!run) throw new UsageError(`unknown command '${cmd}'`);
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(COMMAND_HELP[cmd] + "\n");
    return;
  }
  try {
    return run(rest);
  } catch (e) {
    let err = e;
    if (e && e.code && String(e.code).startsWith("ERR_PARSE_ARGS")) {
      // Node's messages are long ("... place it at the end of the command after '--' ..."): the
      // first sentence is the news.
      const unknown = /Unknown option '([^']+)'/.exec(e.message);
      const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(e.message);
      err = new UsageError(
        unknown
          ? `${cmd}: unknown option ${unknown[1]}`
          : ambiguous
            ? `${cmd}: ${ambiguous[1]} needs a value (one starting with '-' is written ${ambiguous[1]}=VALUE)`
            : `${cmd}: ${e.message.split(/\.\s/)[0]}`,
      );
    }
    if (err instanceof UsageError) err.command = cmd;
    throw err;
  }
}

// `hcp-segments plan ... | head`: a closed pipe is the reader's choice, not an error.
process.stdout.on("error", (e) => {
  if (e && e.code === "EPIPE") process.exit(0);
  throw e;
});

try {
  main(process.argv.slice(2));
} catch (e) {
  fail(e);
}
