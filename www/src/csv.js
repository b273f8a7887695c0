// A small CSV reader for what the page itself shows before and after the engine runs: the header
// and an example row (column preview) and the category / consent columns used by the targeting
// filters. The engine parses the file on its own; its parse report and errors are authoritative.

/** Guess the delimiter from the header line: the most frequent of , ; \t outside quotes. */
export function sniffDelimiter(text) {
  const nl = text.indexOf('\n');
  const head = nl < 0 ? text : text.slice(0, nl);
  let best = ',', bestCount = 0;
  for (const d of [',', ';', '\t']) {
    let n = 0, q = false;
    for (const ch of head) { if (ch === '"') q = !q; else if (!q && ch === d) n++; }
    if (n > bestCount) { best = d; bestCount = n; }
  }
  return best;
}

/**
 * Parse CSV text into rows of strings (quotes, doubled quotes, CRLF, BOM). Stops after maxRows rows
 * when given. Lenient: it never throws (the engine reports syntax errors with their line).
 */
export function parseCsv(text, { delimiter, maxRows = Infinity } = {}) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const d = delimiter ?? sniffDelimiter(text);
  if (!text.includes('"')) return { rows: splitPlain(text, d, maxRows), delimiter: d };
  const rows = [];
  let row = [], field = '', i = 0, q = false;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        q = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { q = true; i++; continue; }
    if (c === d) { row.push(field); field = ''; i++; continue; }
    if (c === '\n' || c === '\r') {
      row.push(field); field = '';
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      if (!(row.length === 1 && row[0] === '')) rows.push(row);
      row = [];
      if (rows.length >= maxRows) return { rows, delimiter: d };
      continue;
    }
    field += c; i++;
  }
  if (field !== '' || row.length) { row.push(field); if (!(row.length === 1 && row[0] === '')) rows.push(row); }
  return { rows, delimiter: d };
}

/** Count data lines cheaply (newlines, minus the header), for the summary before a run. */
export function countLines(text) {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  if (text.length && !text.endsWith('\n')) n++;
  return Math.max(0, n - 1);
}

/** Fast path for text without quotes: split lines, then fields. */
function splitPlain(text, d, maxRows) {
  const rows = [];
  let start = 0;
  const n = text.length;
  while (start < n && rows.length < maxRows) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line !== '') rows.push(line.split(d));
    start = end + 1;
  }
  return rows;
}
