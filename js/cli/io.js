// Files in and out: a file's text (or stdin), the outputs a command was asked for, and the
// inputs several commands share (a model, an exclusion list, previous assignments).
import { readFileSync, writeFileSync } from "node:fs";

/** The text of FILE, or of stdin for "-" (for JSON and lists; data files go as bytes: readData). */
export function readText(file) {
  return readData(file).toString("utf8");
}

/**
 * The bytes of a data file (CSV in any encoding, a workbook), or of stdin for "-": the engine
 * decides how to read them, as it does for the page and the API.
 */
export function readData(file) {
  try {
    return readFileSync(file === "-" ? 0 : file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e.code === "ENOENT" ? "no such file" : e.message}`);
  }
}

/** TEXT into FILE, or onto stdout for "-". */
export function writeOut(file, text) {
  if (file === "-") return process.stdout.write(text);
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new Error(`cannot write ${file}: ${e.code === "ENOENT" ? "no such directory" : e.message}`);
  }
}

/**
 * Writes each output whose file was given, in order, and announces it on stdout:
 * `wrote FILE<note>`. An output is { file, text: () => string, note?, quietOnStdout? }: text is
 * built only when asked for; quietOnStdout skips the announcement when FILE is "-" (the data
 * itself went to stdout).
 */
export function writeOutputs(outputs) {
  for (const { file, text, note = "", quietOnStdout = false } of outputs) {
    if (!file) continue;
    writeOut(file, text());
    if (!(quietOnStdout && file === "-")) process.stdout.write(`wrote ${file}${note}\n`);
  }
}

// Typed arrays become plain arrays in JSON.
export const jsonReplacer = (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);

/** An output of VALUE as indented JSON. */
export const jsonOutput = (file, value, note = "", replacer = null) => ({
  file,
  text: () => JSON.stringify(value, replacer, 2) + "\n",
  note,
});

/** One CSV cell, quoted when it has to be (RFC 4180). */
export const csvCell = (v) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The --json / --assignments / --model outputs of segment and refresh (a result: segments,
 * assignments, model).
 */
export function resultOutputs(result, values) {
  return [
    jsonOutput(values.json, result, "", jsonReplacer),
    {
      file: values.assignments,
      text: () => {
        const names = new Map(result.segments.map((s) => [s.id, s.name]));
        const lines = ["hcp_id,segment,segment_name,distance,confidence"];
        for (const a of result.assignments) {
          lines.push([a.hcpId, a.segment, names.get(a.segment), a.distance.toFixed(6), a.confidence.toFixed(6)].map(csvCell).join(","));
        }
        return lines.join("\n") + "\n";
      },
      note: ` (${result.assignments.length} rows)`,
    },
    jsonOutput(values.model, result.model, ` (model, ${result.segments.length} segments)`),
  ];
}

/** An engine-style error (exit 1, printed with its code). */
export function dataError(code, message) {
  return Object.assign(new Error(message), { code });
}

/**
 * A model file: the --json result of segment/refresh (then also its segments and assignments)
 * or a bare model (segment --model, update --out).
 */
export function readModel(file) {
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

/** --exclude FILE: one hcp_id per line (a header line `hcp_id` is skipped). */
export function readExclude(file) {
  if (file === undefined) return undefined;
  return readText(file)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l, i) => l && !(i === 0 && l.toLowerCase() === "hcp_id"));
}

/** Minimal RFC 4180 reader (quotes, doubled quotes, CRLF) → array of rows. */
export function parseCsv(text) {
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
export function readPrevious(file) {
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

/** The system's locale as BCP 47 (LC_ALL / LC_MONETARY / LANG, e.g. de_DE.UTF-8 → de-DE); en-US when unset or C. */
export function systemLocale() {
  const raw = process.env.LC_ALL || process.env.LC_MONETARY || process.env.LANG || "";
  const m = /^([a-z]{2,3})(?:_([A-Z]{2}))?/.exec(raw);
  return m ? (m[2] ? `${m[1]}-${m[2]}` : m[1]) : "en-US";
}
