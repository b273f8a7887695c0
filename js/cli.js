#!/usr/bin/env node
// hcp-segments command line (Node, uses the node build). See `hcp-segments --help`.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { segment, generateSample, version } from "./node/index.mjs";

const HELP = `hcp-segments ${version()} - segment HCPs by engagement (k-means, runs locally)

Usage:
  hcp-segments segment FILE.csv [--k N|auto] [--seed N] [--json OUT.json] [--assignments OUT.csv]
  hcp-segments sample --n N --seed S [--out FILE.csv]
  hcp-segments --help | --version

segment   Cluster one row per HCP (hcp_id, ch_* channel counts, fmt_* format counts, optional
          specialty/country/... categories) and print one line per segment: persona name, size,
          share, top channels and formats by index (100 = universe average), silhouette;
          then the chosen k and, with --k auto, the sweep behind it. FILE may be - (stdin).
  --k N|auto          number of segments, or auto (sweep 3..8; default)
  --k-range MIN,MAX   range swept by --k auto (default 3,8)
  --seed N            seed for k-means++ and sampling (default 42): same seed, same segments
  --runs N            k-means++ restarts (default 10)
  --json OUT.json     write the whole result (segments, assignments, quality, model, ...)
  --assignments OUT   write hcp_id,segment,segment_name,distance,confidence as CSV
  --quiet             no progress on stderr

sample    Write the synthetic sample universe (planted personas) as CSV.
  --n N               number of HCPs (default 5000)
  --seed S            seed (default 42)
  --out FILE          write to FILE instead of stdout

Nothing is sent anywhere: the data stays on this machine.`;

class UsageError extends Error {}

function fail(err) {
  if (err instanceof UsageError) {
    process.stderr.write(`hcp-segments: ${err.message}\nTry 'hcp-segments --help'.\n`);
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

  let text;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e.code === "ENOENT" ? "no such file" : e.message}`);
  }
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
  if (values.json) {
    writeFileSync(values.json, JSON.stringify(result, jsonReplacer, 2) + "\n");
    process.stdout.write(`wrote ${values.json}\n`);
  }
  if (values.assignments) {
    const names = new Map(result.segments.map((s) => [s.id, s.name]));
    const lines = ["hcp_id,segment,segment_name,distance,confidence"];
    for (const a of result.assignments) {
      lines.push([a.hcpId, a.segment, names.get(a.segment), a.distance.toFixed(6), a.confidence.toFixed(6)].map(csvCell).join(","));
    }
    writeFileSync(values.assignments, lines.join("\n") + "\n");
    process.stdout.write(`wrote ${values.assignments} (${result.assignments.length} rows)\n`);
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

function main(argv) {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
    process.stdout.write(HELP + "\n");
    return;
  }
  if (cmd === "--version" || cmd === "-V") {
    process.stdout.write(version() + "\n");
    return;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(HELP + "\n");
    return;
  }
  try {
    if (cmd === "segment") return cmdSegment(rest);
    if (cmd === "sample") return cmdSample(rest);
  } catch (e) {
    if (e && e.code && String(e.code).startsWith("ERR_PARSE_ARGS")) throw new UsageError(e.message);
    throw e;
  }
  throw new UsageError(`unknown command '${cmd}'`);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  fail(e);
}
