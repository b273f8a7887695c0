// Files in and out: a file's text (or stdin), the outputs a command was asked for, and the
// inputs several commands share (a model, an exclusion list, previous assignments).
import { readFileSync, writeFileSync } from "node:fs";
import { exportCsv, readAssignments, targetList } from "../node/index.mjs";

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

/** The flags of every command that writes a CSV for people or machines. */
export const CSV_FLAGS = {
  excel: { type: "string" },
  template: { type: "string" },
};

/** How CSVs are written: plain (machines) unless --excel LOCALE asks for Excel's dialect. */
export function csvOptions(values) {
  const o = values.excel === undefined ? {} : { dialect: "excel", locale: values.excel };
  return values.template === undefined ? o : { ...o, template: values.template };
}

/** An output of one of the engine's exports (exportCsv WHAT) of VALUE. */
export const csvOutput = (file, what, value, values, note = "", quietOnStdout = false) => ({
  file,
  text: () => exportCsv(what, value, csvOptions(values)),
  note,
  quietOnStdout,
});

/**
 * The --json / --assignments / --targets / --model outputs of segment and refresh (a result:
 * segments, assignments, model); DATA is the file the result was made from.
 */
export function resultOutputs(result, values, data) {
  return [
    jsonOutput(values.json, result, "", jsonReplacer),
    csvOutput(values.assignments, "assignments", result, values, ` (${result.assignments.length} rows)`),
    {
      file: values.targets,
      text: () => targetList(result, data, csvOptions(values)),
      note: ` (target list: ${result.assignments.length} HCPs with segment, specialty, country and consent)`,
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

/**
 * Previous assignments: a result JSON (segment/refresh --json), or a file of assignments (an
 * --assignments or --targets export, any dialect, encoding or workbook) read by the engine.
 */
export function readPrevious(file) {
  const bytes = readData(file);
  const head = bytes.subarray(0, 64).toString("utf8");
  if (/^\s*[{[]/.test(head)) {
    let json;
    try {
      json = JSON.parse(bytes.toString("utf8"));
    } catch (e) {
      throw dataError("INVALID_VALUE", `${file} is not valid JSON (${e.message})`);
    }
    const list = Array.isArray(json) ? json : json.assignments;
    if (!Array.isArray(list)) throw dataError("INVALID_VALUE", `${file}: expected a result JSON with assignments`);
    return list.map((a) => ({ hcpId: a.hcpId, segment: a.segment }));
  }
  try {
    return readAssignments(bytes);
  } catch (e) {
    e.message = `${file}: ${e.message}`;
    throw e;
  }
}

/** The system's locale as BCP 47 (LC_ALL / LC_MONETARY / LANG, e.g. de_DE.UTF-8 → de-DE); en-US when unset or C. */
export function systemLocale() {
  const raw = process.env.LC_ALL || process.env.LC_MONETARY || process.env.LANG || "";
  const m = /^([a-z]{2,3})(?:_([A-Z]{2}))?/.exec(raw);
  return m ? (m[2] ? `${m[1]}-${m[2]}` : m[1]) : "en-US";
}
