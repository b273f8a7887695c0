// Panel 1, load: a file (dropped or chosen), the sample universe, a workbook's sheet, an event log
// aggregated into profiles, and the column roles — all from the engine's `inspect` (load.js).
import * as engine from '../engine.js';
import { readFileInput, describeInput, changeRole, summaryText, sourceLabel, renderDialect, renderSheets, renderWarnings, renderColumns } from '../load.js';
import { int } from '../util.js';
import { store, notify } from '../store.js';
import { $, showError, clearError, onFile } from '../ui.js';

const LOAD_HINTS = {
  WORKBOOK_READER_MISSING: 'Save the sheet as CSV (UTF-8) in your spreadsheet program and load that file.',
};

export async function loadFile(file) {
  clearError($('load-error'));
  clearError($('run-error'));
  try {
    const { kind, input } = await readFileInput(file);
    setData(await describeInput(file.name, input, kind));
    return true;
  } catch (e) {
    showError($('load-error'), e, { file: file.name, hints: LOAD_HINTS });
    return false;
  }
}

export const SAMPLE = { n: 5000, seed: 42, name: 'sample universe (5,000 HCPs, seed 42)' };

async function loadSample() {
  clearError($('load-error'));
  clearError($('run-error'));
  const btn = $('sample-btn');
  btn.disabled = true;
  btn.textContent = 'Generating…';
  try {
    const text = await engine.generateSample(SAMPLE.n, SAMPLE.seed);
    const data = await describeInput(SAMPLE.name, text, 'file');
    data.sample = { n: SAMPLE.n, seed: SAMPLE.seed }; // a project reopens it without asking for a file
    setData(data);
    $('run-btn').focus();
  } catch (e) {
    showError($('load-error'), e, { file: 'sample' });
  } finally {
    btn.disabled = false;
    btn.textContent = 'Use sample universe';
  }
}

async function pickSheet() {
  const d = store.data;
  if (!d) return;
  clearError($('load-error'));
  try {
    setData(await describeInput(d.name, d.input, d.kind, { sheet: $('sheet-select').value }));
    $('sheet-select').focus();
  } catch (e) {
    showError($('load-error'), e, { file: d.name, hints: LOAD_HINTS });
  }
}

export function setData(data) {
  store.data = data;
  store.result = null;
  store.sweep = null;
  store.rows = null;
  store.names = new Map();
  store.newSegments = new Set();
  notify('data', data);
  $('run-status').textContent = '';
  $('dataset').hidden = false;
  $('columns-details').open = true;
  $('dataset-summary').textContent = summaryText(data);
  $('dataset-summary').removeAttribute('data-events');
  renderDialect($('dialect'), data);
  renderSheets($('sheet-field'), $('sheet-select'), data);
  renderWarnings($('load-warnings'), data.inspection.warnings);
  clearError($('events-error'));
  $('events-on').checked = !!data.eventLog;
  $('events-on').disabled = data.kind === 'json';
  $('events-reason').textContent = data.eventLog ? data.inspection.eventLogReason : '';
  if (!data.eventLog) $('events-status').textContent = '';
  showEventBox();
  showColumns();
}

export function showColumns() {
  renderColumns($('columns-table'), $('columns-count'), store.data, async (column, role) => {
    const d = store.data;
    clearError($('load-error'));
    try {
      await changeRole(d, column, role);
    } catch (e) {
      showError($('load-error'), e, { file: d.name });
    }
    if (store.data !== d) return;
    renderWarnings($('load-warnings'), d.inspection.warnings);
    showColumns();
    $('columns-table').querySelector(`select[data-col="${CSS.escape(column)}"]`)?.focus();
  });
}

/** Event log: window inputs and Aggregate instead of the column roles, and no run until aggregated. */
function showEventBox() {
  const on = $('events-on').checked && store.data?.kind === 'file';
  $('events-box').hidden = !on;
  $('columns-details').hidden = on;
  $('run-btn').disabled = on || !store.data;
  if (on) $('dataset-summary').textContent = `Loaded ${store.data.name}: an event log of ${int(store.data.rowCount)} events × ${store.data.headers.length} columns (${sourceLabel(store.data.inspection.dialect)}). Aggregate it into profiles to segment.`;
}

/**
 * An event log's HCP profiles for a window (the engine's aggregateEvents), described like a file;
 * `aggregatedFrom` says where they came from (a project asks for that log again).
 */
export async function profilesOf(log, window) {
  const agg = await engine.aggregateEvents(log.input, window);
  const profiles = await describeInput(`${log.name} → profiles`, agg.csv, 'file');
  profiles.eventLog = false;
  profiles.events = agg.report;
  profiles.aggregatedFrom = { name: log.name, from: window.from ?? null, to: window.to ?? null };
  return profiles;
}

/** Show profiles aggregated from an event log, with what the aggregation counted. */
export function setProfiles(profiles) {
  const r = profiles.events;
  setData(profiles);
  $('events-status').textContent = '';
  $('events-from').value = profiles.aggregatedFrom?.from ?? '';
  $('events-to').value = profiles.aggregatedFrom?.to ?? '';
  $('dataset-summary').textContent += ` Aggregated from ${int(r.eventsRead)} events (${int(r.eventsCounted)} counted, ${int(r.eventsOutsideWindow)} outside the window, ${int(r.eventsIgnoredAction)} ignored actions${r.eventsExcluded ? `, ${int(r.eventsExcluded)} excluded` : ''}) for ${r.from ? r.from.slice(0, 10) : 'the first event'} → ${r.to.slice(0, 10)}: ${int(r.hcps)} HCPs.`;
  $('dataset-summary').dataset.events = JSON.stringify({ eventsRead: r.eventsRead, eventsCounted: r.eventsCounted, hcps: r.hcps });
}

async function aggregateEvents() {
  const d = store.data;
  if (!d || d.kind !== 'file') return;
  clearError($('events-error'));
  const btn = $('events-btn');
  btn.disabled = true;
  btn.textContent = 'Aggregating…';
  try {
    const opts = {};
    if ($('events-from').value) opts.from = $('events-from').value;
    if ($('events-to').value) opts.to = $('events-to').value;
    setProfiles(await profilesOf(d, opts));
    $('run-btn').focus();
  } catch (e) {
    showError($('events-error'), e, { file: d.name, fileHint: 'Fix that row of the event log and load it again.' });
  } finally {
    btn.disabled = false;
    btn.textContent = 'Aggregate into profiles';
  }
}

export function wireLoad() {
  const dz = $('dropzone');
  const stop = (e) => { e.preventDefault(); e.stopPropagation(); };
  ['dragenter', 'dragover'].forEach((t) => dz.addEventListener(t, (e) => { stop(e); dz.classList.add('over'); }));
  ['dragleave', 'drop'].forEach((t) => dz.addEventListener(t, (e) => { stop(e); dz.classList.remove('over'); }));
  dz.addEventListener('drop', (e) => { const f = e.dataTransfer?.files?.[0]; if (f) loadFile(f); });
  // A file dropped anywhere else must not navigate away from the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  onFile($('file-input'), loadFile, { clear: true });
  $('sample-btn').addEventListener('click', loadSample);
  $('events-on').addEventListener('change', showEventBox);
  $('events-btn').addEventListener('click', aggregateEvents);
  $('sheet-select').addEventListener('change', pickSheet);
}
