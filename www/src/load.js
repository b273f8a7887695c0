// The load step: every file is read by the engine (`inspect`, in the worker) and the page shows
// what the engine says — source, encoding, delimiter, rows, sheets, each column's role and why.
// The page holds no file rule of its own: a column's role, the event-log test and the encoding are
// the engine's. JSON records files are parsed here (JSON.parse) and then inspected as records.
import * as engine from './engine.js';
import { esc, el, int } from './util.js';
import { jsonError } from './errors.js';

/** Role mappings kept for the session, per header: loading the same file again keeps them. */
const mappings = new Map();
/** The mapping of the last model loaded, offered to a file that has all its columns. */
let modelMapping = null;
const headerKey = (headers) => JSON.stringify(headers);

export function rememberModelMapping(columns) {
  modelMapping = columns && Object.keys(columns).length ? new Map(Object.entries(columns)) : null;
}

/** `[` or `{` first (after white space), or a .json name: JSON records. */
function looksJson(name, bytes) {
  if (/\.json$/i.test(name)) return true;
  for (let i = 0; i < Math.min(bytes.length, 200); i++) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x5b || b === 0x7b;
  }
  return false;
}

/** A file's bytes as the engine takes them, or its JSON records. Throws a page error with line/column. */
export async function readFileInput(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!looksJson(file.name, bytes)) return { kind: 'file', input: bytes };
  const text = new TextDecoder().decode(bytes);
  let parsed;
  try { parsed = JSON.parse(text); } catch (err) { throw jsonError(err, text); }
  const records = Array.isArray(parsed) ? parsed : Array.isArray(parsed?.records) ? parsed.records : null;
  if (!records) throw Object.assign(new Error('The JSON file must be an array of HCP records ([{"hcp_id": …}, …]) or {"records": [...]}.'), { code: 'PAGE_JSON_SHAPE' });
  return { kind: 'json', input: records };
}

function inspectOptions(roles, sheet) {
  const o = { previewRows: 2 };
  if (roles?.size) o.columns = Object.fromEntries(roles);
  if (sheet != null && sheet !== '') o.sheet = sheet;
  return o;
}

/**
 * The engine's view of an input: `base` without mappings (what each column is by itself), and
 * `inspection` with the mapping kept for this header (the session's, or the last model's).
 */
export async function describeInput(name, input, kind, { sheet = null } = {}) {
  const base = await engine.inspect(input, inspectOptions(null, sheet));
  const headers = base.columns.map((c) => c.name);
  let roles = mappings.get(headerKey(headers));
  if (!roles && modelMapping && [...modelMapping.keys()].every((h) => headers.includes(h))) roles = new Map(modelMapping);
  roles = new Map(roles ?? []);
  let inspection = base;
  if (roles.size) {
    try { inspection = await engine.inspect(input, inspectOptions(roles, sheet)); } catch { roles = new Map(); }
  }
  return { name, kind, input, sheet: base.dialect.sheet ?? sheet, base, inspection, headers, roles, rowCount: inspection.rows, eventLog: inspection.eventLog };
}

/** A role changed: keep it for this header and ask the engine again. */
export async function changeRole(data, column, role) {
  if (role) data.roles.set(column, role); else data.roles.delete(column);
  mappings.set(headerKey(data.headers), new Map(data.roles));
  data.inspection = await engine.inspect(data.input, inspectOptions(data.roles, data.sheet));
}

const SOURCES = { csv: 'CSV', xlsx: 'Excel workbook (.xlsx)', xls: 'Excel 97–2003 workbook (.xls)', ods: 'OpenDocument spreadsheet (.ods)', records: 'JSON records' };
const ENCODINGS = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16 LE', 'utf-16be': 'UTF-16 BE', 'windows-1252': 'Windows-1252' };
const DELIMITERS = { ',': 'comma (,)', ';': 'semicolon (;)', '\t': 'tab', '|': 'pipe (|)' };

export const sourceLabel = (d) => SOURCES[d.source] ?? d.source;

/** "Loaded x: 5,000 rows × 27 columns (CSV)." */
export function summaryText(data) {
  const d = data.inspection.dialect;
  return `Loaded ${data.name}: ${int(data.rowCount)} rows × ${data.headers.length} columns (${sourceLabel(d)}).`;
}

/** How the engine read the file: a definition list, each item with a data- attribute for tests. */
export function renderDialect(host, data) {
  const d = data.inspection.dialect;
  const items = [['Source', sourceLabel(d), 'source']];
  if (d.sheet != null) items.push(['Sheet', String(d.sheet), 'sheet']);
  if (d.encoding) items.push(['Encoding', `${ENCODINGS[d.encoding] ?? d.encoding}${d.hadBom ? ' (with BOM)' : ''}`, 'encoding']);
  if (d.delimiter) items.push(['Delimiter', DELIMITERS[d.delimiter] ?? d.delimiter, 'delimiter']);
  if (d.source !== 'records') items.push(['Numbers', d.decimalComma ? 'decimal comma (1,5)' : 'decimal point (1.5)', 'numbers']);
  items.push(['Rows', int(data.rowCount), 'rows']);
  host.replaceChildren(...items.map(([k, v, key]) => el('div', { 'data-key': key }, el('dt', { text: k }), el('dd', { text: v }))));
  if (d.encoding) host.dataset.encoding = d.encoding; else delete host.dataset.encoding;
}

export function renderWarnings(host, warnings) {
  host.replaceChildren(...warnings.map((w) => el('li', { text: w })));
  host.hidden = !warnings.length;
}

/** A workbook's sheets: a picker when there is more than one. */
export function renderSheets(field, select, data) {
  const sheets = data.inspection.dialect.sheets ?? [];
  field.hidden = sheets.length < 2;
  select.replaceChildren(...sheets.map((s) => el('option', { value: s, text: s })));
  if (data.inspection.dialect.sheet != null) select.value = String(data.inspection.dialect.sheet);
}

/** "category" with the category's name when it has one: "category:specialty". */
const roleLabel = (c) => (c.role === 'category' && c.nameUsed ? `category:${c.nameUsed}` : c.role);

/** The role table: one row per column, its role drop-down (the engine's choices), why, an example. */
export function renderColumns(host, countHost, data, onChange) {
  host.replaceChildren();
  const counts = {};
  const base = new Map(data.base.columns.map((c) => [c.name, c]));
  data.inspection.columns.forEach((c, i) => {
    counts[c.role] = (counts[c.role] ?? 0) + 1;
    const detected = base.get(c.name) ?? c;
    const id = `role-${i}`;
    const sel = el('select', { id, 'data-col': c.name, 'aria-describedby': `why-${i}` });
    sel.append(el('option', { value: '', text: `${roleLabel(detected)} (detected)` }));
    for (const r of data.inspection.roleChoices) sel.append(el('option', { value: r, text: r }));
    sel.value = data.roles.get(c.name) ?? '';
    sel.addEventListener('change', () => onChange(c.name, sel.value));
    const ex = c.example ?? '';
    const mapped = data.roles.has(c.name);
    host.append(el('div', { class: `colitem role-${c.role}${mapped ? ' changed' : ''}`, 'data-role': roleLabel(c), 'data-source': c.source },
      el('label', { for: id, title: `${c.name} — e.g. ${ex}` }, el('code', { text: c.name }), el('span', { class: 'ex', text: ex })),
      sel,
      el('span', { class: 'why', id: `why-${i}`, text: c.reason })));
  });
  const order = ['id', 'channel', 'format', 'category', 'recency', 'frequency', 'consent', 'ignore'];
  const plural = (r, n) => (r === 'ignore' ? 'ignored' : r === 'category' && n > 1 ? 'categories' : r + (n > 1 && !['recency', 'frequency', 'consent'].includes(r) ? 's' : ''));
  countHost.textContent = '— ' + order.filter((r) => counts[r]).map((r) => `${counts[r]} ${plural(r, counts[r])}`).join(', ');
}

/** The event-log line: the engine's reason when it takes the file for an event log. */
export function eventReason(data) {
  return data.eventLog ? esc(data.inspection.eventLogReason) : '';
}
