// The project file: one JSON document holding the whole workspace — the engine's model, the persona
// names, each panel's settings (its snapshot), a fingerprint of the data file and, only when the
// user asks, the HCP rows. This module only writes and reads that document; what each panel keeps
// is the panel's own `snapshot()` / `restore(s)`.
//
//   { format: "hcp-segments-project", version: 1, savedAt, createdBy,
//     data:   { name, kind: "file"|"json", sheet, fingerprint: {sha256, rows, columns} | null,
//               sample: {n, seed} | null, events: {name, from, to} | null (profiles aggregated
//               from that event log for that window), rows: {base64} | {records} | null },
//     model:  the engine's model (persona names as shown),
//     names:  { "<segment id>": "persona name" },
//     panels: { run, target, plan, cells, stability, downloads, load } }

export const PROJECT_FORMAT = 'hcp-segments-project';
export const PROJECT_VERSION = 1;

/** A project problem in the page's error shape: where (the field), what, what to do. */
export class ProjectError extends Error {
  constructor(code, { title, where = null, message, hint = null }) {
    super(message);
    this.code = code;
    this.title = title;
    this.where = where;
    this.hint = hint;
  }
}

const SAVE_AGAIN = 'Open the workspace it came from and save the project again, or open another project file.';

function bad(where, message, hint = SAVE_AGAIN) {
  return new ProjectError('PROJECT_FIELD', { title: 'This project file is damaged', where: `field “${where}”`, message, hint });
}

/** Bytes as base64 (chunked: String.fromCharCode takes a bounded number of arguments). */
export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text, where) {
  let s;
  try { s = atob(text); } catch { throw bad(where, 'is not base64 text'); }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The project document for a workspace. */
export function writeProject({ data, model, names, panels, createdBy = null }) {
  return JSON.stringify({
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    savedAt: new Date().toISOString(),
    createdBy,
    data,
    model,
    names: Object.fromEntries([...names].map(([id, name]) => [String(id), name])),
    panels,
  }, null, 1);
}

const isObject = (v) => v != null && typeof v === 'object' && !Array.isArray(v);

/** Read a project file's text: the project, or a ProjectError saying which field is wrong and what to do. */
export function readProject(text) {
  let p;
  try {
    p = JSON.parse(text);
  } catch (err) {
    throw new ProjectError('PROJECT_JSON', {
      title: 'This is not a project file',
      message: `The file is not valid JSON (${String(err.message).replace(/^JSON\.parse: /, '')}).`,
      hint: 'Choose a file saved with “Save project” (a .hcp-project.json file).',
    });
  }
  if (!isObject(p) || p.format !== PROJECT_FORMAT) {
    const what = isObject(p) && p.format === 'hcp-segments-model' ? 'a saved model, not a project' : 'not an hcp-segments project';
    throw new ProjectError('PROJECT_FORMAT', {
      title: 'This is not a project file',
      where: 'field “format”',
      message: `The file is ${what} (its “format” is ${JSON.stringify(isObject(p) ? p.format ?? null : null)}, not “${PROJECT_FORMAT}”).`,
      hint: isObject(p) && p.format === 'hcp-segments-model'
        ? 'Load a model under “Use a saved model”; open a file saved with “Save project” here.'
        : 'Choose a file saved with “Save project”.',
    });
  }
  if (!Number.isInteger(p.version) || p.version < 1) throw bad('version', `must be a whole number of 1 or more (it is ${JSON.stringify(p.version ?? null)}).`);
  if (p.version > PROJECT_VERSION) {
    throw new ProjectError('PROJECT_VERSION', {
      title: 'This project was saved by a newer version of the page',
      where: 'field “version”',
      message: `The project is format version ${p.version}; this page reads version ${PROJECT_VERSION}.`,
      hint: 'Open it with the version of the page that saved it, or update this page.',
    });
  }
  if (!isObject(p.data)) throw bad('data', 'is missing: the project does not say which data file it was made from.');
  if (typeof p.data.name !== 'string') throw bad('data.name', 'must be the data file\'s name (text).');
  if (!['file', 'json'].includes(p.data.kind)) throw bad('data.kind', `must be "file" or "json" (it is ${JSON.stringify(p.data.kind ?? null)}).`);
  const fp = p.data.fingerprint;
  if (fp != null && !(isObject(fp) && typeof fp.sha256 === 'string' && /^[0-9a-f]{64}$/i.test(fp.sha256) && Number.isInteger(fp.rows) && Number.isInteger(fp.columns))) {
    throw bad('data.fingerprint', 'must be the engine\'s fingerprint of the data: {sha256: 64 hex digits, rows, columns: whole numbers}.');
  }
  const rows = p.data.rows;
  if (rows != null && !(isObject(rows) && (typeof rows.base64 === 'string' || Array.isArray(rows.records)))) {
    throw bad('data.rows', 'must be {base64: text} or {records: [...]} when the rows are included.');
  }
  if (p.data.sample != null && !(isObject(p.data.sample) && Number.isInteger(p.data.sample.n) && Number.isInteger(p.data.sample.seed))) {
    throw bad('data.sample', 'must be {n, seed} (whole numbers).');
  }
  const ev = p.data.events;
  if (ev != null && !(isObject(ev) && typeof ev.name === 'string' && [ev.from, ev.to].every((d) => d == null || typeof d === 'string'))) {
    throw bad('data.events', 'must be {name, from, to}: the event log and the window it was aggregated for.');
  }
  if (!isObject(p.model) || p.model.format !== 'hcp-segments-model' || !Array.isArray(p.model.centroids)) {
    throw bad('model', 'must be the engine\'s model (format “hcp-segments-model”, with its centroids).');
  }
  if (!isObject(p.names) || Object.entries(p.names).some(([id, n]) => !/^\d+$/.test(id) || typeof n !== 'string')) {
    throw bad('names', 'must map segment ids to persona names ({"0": "…"}).');
  }
  if (!isObject(p.panels)) throw bad('panels', 'is missing: the project holds no settings.');
  for (const [name, s] of Object.entries(p.panels)) if (!isObject(s)) throw bad(`panels.${name}`, 'must be an object of settings.');
  return {
    ...p,
    names: new Map(Object.entries(p.names).map(([id, n]) => [Number(id), n])),
  };
}

/** The rows a project carries, as the engine takes them (null when it carries none). */
export function projectRows(data) {
  if (!data.rows) return null;
  if (Array.isArray(data.rows.records)) return data.rows.records;
  return fromBase64(data.rows.base64, 'data.rows.base64');
}

/** Both centroid tables equal, value for value (a deterministic re-run gives the same bits). */
export function sameCentroids(a, b) {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((row, i) => Array.isArray(row) && Array.isArray(b[i]) && row.length === b[i].length && row.every((v, j) => Object.is(v, b[i][j])));
}
