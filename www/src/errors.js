// Errors in plain words: what went wrong, where (line and column), what to do. The engine's
// errors carry `code`, `line` and `column` (see the package's types); the page's own (reading
// JSON) are shaped the same way.

const TITLES = {
  EMPTY_INPUT: 'The file is empty',
  MISSING_ID_COLUMN: 'No hcp_id column',
  MISSING_ID: 'A row has no hcp_id',
  DUPLICATE_ID: 'An hcp_id appears twice',
  INVALID_VALUE: 'A value in the file cannot be used',
  NEGATIVE_COUNT: 'A negative engagement count',
  NON_FINITE: 'A value is not a number',
  FIELD_COUNT: 'A row has the wrong number of fields',
  CSV_SYNTAX: 'The file is not valid CSV',
  DUPLICATE_COLUMN: 'Two columns have the same name',
  UNKNOWN_COLUMN: 'A column role names a missing column',
  UNKNOWN_ROLE: 'Unknown column role',
  NO_FEATURES: 'No engagement columns',
  INVALID_OPTION: 'An option is not valid',
  TOO_FEW_ROWS: 'Too few HCPs for this many segments',
  TOO_FEW_DISTINCT: 'Too few distinct profiles for this many segments',
  TOO_LARGE: 'The file is too large',
  INVALID_MODEL: 'This model cannot be used',
  MODEL_VERSION: 'This model was saved by another version',
  MODEL_COLUMN_MISSING: 'The new file lacks a column the model needs',
  INVALID_MATRIX: 'Invalid numeric data',
  CLUSTERING_FAILED: 'Clustering failed',
  WASM_LOAD_FAILED: 'The segmentation engine could not start',
  NOT_INITIALIZED: 'The segmentation engine is not ready',
  DISPOSED: 'The segmentation engine was stopped',
  PAGE_JSON: 'The JSON file could not be read',
  PAGE_JSON_SHAPE: 'The JSON file has the wrong shape',
  PAGE_PREVIOUS: 'The previous assignments cannot be used',
  WORKBOOK_READER_MISSING: 'This workbook cannot be read here yet',
  INVALID_WORKBOOK: 'The workbook cannot be read',
  UNKNOWN_SHEET: 'No such sheet in the workbook',
  INVALID_ENCODING: 'The file\'s text encoding cannot be read',
};

const HINTS = {
  INVALID_VALUE: 'Fix the cell in your spreadsheet and load the file again, or set the column to “ignore” above.',
  NEGATIVE_COUNT: 'Engagement counts must be 0 or more. Fix the cell, or set the column to “ignore” above.',
  NON_FINITE: 'Replace the cell with a number (or leave it empty), or set the column to “ignore” above.',
  FIELD_COUNT: 'Often a stray delimiter or an unclosed quote on that line.',
  CSV_SYNTAX: 'Often an unclosed quote. Save the file again as CSV (UTF-8) and retry.',
  INVALID_WORKBOOK: 'Open it in your spreadsheet program and save it again as .xlsx, or save the sheet as CSV (UTF-8).',
  MISSING_ID_COLUMN: 'Set the role of your identifier column to “id” in the column table above.',
  NO_FEATURES: 'Set at least one column to “channel” or “format” in the column table above.',
  DUPLICATE_ID: 'Every HCP must appear once. Remove the duplicate row and load the file again.',
  MISSING_ID: 'Every HCP needs a pseudonymous id. Fill it in or remove the row.',
  TOO_FEW_ROWS: 'Choose a smaller k, or load more HCPs.',
  TOO_FEW_DISTINCT: 'Choose a smaller k.',
  MODEL_COLUMN_MISSING: 'Assign a file exported the same way as the one the model was built from.',
  WASM_LOAD_FAILED: 'Reload the page. If it persists, the server may not send .wasm files as application/wasm, or a policy blocks them.',
  PAGE_PREVIOUS: 'Use an assignments or target-list CSV exported from this page (it has hcp_id and segment columns).',
  PAGE_JSON: 'Check the file in a text editor at that position (a missing comma or bracket is common).',
};

/** Plain-words view of an error: {title, where, message, hint}. */
export function explainError(e, context = {}) {
  const code = e?.code;
  const col = e?.column ? (/^character /.test(e.column) ? e.column : `column “${e.column}”`) : null;
  const where = [e?.line != null ? `Line ${e.line}` : null, col].filter(Boolean).join(', ');
  let message = String(e?.message ?? e ?? 'Unknown error');
  // The engine's message starts with the place ("line 4, column `x`: …"): shown once, above.
  if (where) message = message.replace(/^\s*line \d+(, column `[^`]*`)?:\s*/i, '');
  if (!code && /unreachable|RuntimeError/i.test(message)) message = `The engine stopped unexpectedly (${message}). Reload the page and try again.`;
  return {
    title: TITLES[code] ?? (context.file ? `Could not process ${context.file}` : 'Something went wrong'),
    where,
    message: message.charAt(0).toUpperCase() + message.slice(1),
    // The caller knows which file it was: its own advice beats the generic one ("set the column to ignore"),
    // per code (`hints`) or for every code (`fileHint`).
    hint: (code && (context.hints?.[code] || context.fileHint)) || HINTS[code] || null,
    code,
  };
}

/** A JSON.parse error with the line and column of the position it reports. */
export function jsonError(err, text) {
  const msg = String(err.message);
  let line, col;
  const lc = msg.match(/line (\d+) column (\d+)/);
  const pos = msg.match(/position (\d+)/);
  if (lc) { line = Number(lc[1]); col = Number(lc[2]); }
  else if (pos) {
    const p = Number(pos[1]);
    const before = text.slice(0, p);
    line = before.split('\n').length;
    col = p - before.lastIndexOf('\n');
  }
  const plain = msg.replace(/^JSON\.parse: /, '').replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '');
  const e = new Error(plain || 'not valid JSON');
  e.code = 'PAGE_JSON';
  if (line) e.line = line;
  if (col) e.column = `character ${col}`;
  return e;
}
