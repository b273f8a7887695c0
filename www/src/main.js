// The targeting page: load (profiles or an event log) → segment (in the package's Web Worker) → see
// (with stability) → target (the engine's channel plan, test cells) → export; look-alikes; assign,
// fold in (updateModel) or refresh with a saved model. Every computation is an engine call in the worker (engine.js).
import * as engine from './engine.js';
import { parseCsv, countLines } from './csv.js';
import { conventionRole, ROLES, normalise } from './columns.js';
import { renderSweep } from './sweep.js';
import { renderScatter } from './scatter.js';
import { renderCards, renderHeatmap } from './cards.js';
import { buildRows, selectRows, planSegments, renderPlan, planCsv, targetListCsv } from './targeting.js';
import { esc, el, int, pct, dec2, pretty, download, csvLine } from './util.js';
import { explainError, jsonError } from './errors.js';

const $ = (id) => document.getElementById(id);

const state = {
  /** @type {null | {name:string, kind:'csv'|'json', text?:string, records?:object[], headers:string[], example:string[], rowCount:number, table?:{headers:string[], rows:any[][]}}} */
  data: null,
  /** header → role chosen by the user (only overrides) */
  roles: new Map(),
  /** @type {import('hcp-segments').SegmentResult | null} */
  result: null,
  names: new Map(),
  sweep: null,
  rows: null,
  abort: null,
  running: false,
  model: null,
  assignData: null,
  assignResult: null,
  /** campaign results CSV text (channelPlan's `results`) */
  planResults: null,
  plan: null,
  /** hcp_id → cell, for the selection `cellsKey` */
  cells: null,
  cellsKey: '',
  stability: null,
  stabAbort: null,
  laData: null,
  laResult: null,
  /** the last fold-in: {res: UpdateResult, asg: AssignResult, opts, name, before: the model folded into} */
  update: null,
};

const STAGES = [
  ['parse', 'Parsing'], ['encode', 'Encoding'], ['sweep', 'k sweep (k = 3…8)'], ['cluster', 'Clustering (restarts)'],
  ['profile', 'Profiling'], ['project', 'Projection'],
];

// ---------------------------------------------------------------- errors

function showError(host, e, context) {
  const x = explainError(e, context);
  host.innerHTML = `<strong>${esc(x.title)}</strong>` +
    (x.where ? `<span class="where">${esc(x.where)}: </span>` : '') + `<span class="msg">${esc(x.message)}</span>` +
    (x.hint ? `<p class="hint">${esc(x.hint)}</p>` : '');
  host.hidden = false;
}
const clearError = (host) => { host.hidden = true; host.replaceChildren(); };

// ---------------------------------------------------------------- loading

function looksJson(name, text) {
  return /\.json$/i.test(name) || /^\s*[[{]/.test(text.slice(0, 200));
}

/** An event log: a timestamp and a channel column, and no ch_* / fmt_* count columns (the engine's default event roles). */
function looksLikeEventLog(headers) {
  const n = headers.map(normalise);
  const has = (...names) => names.some((x) => n.includes(x));
  return has('timestamp', 'time', 'date') && has('channel') && !n.some((h) => h.startsWith('ch_') || h.startsWith('fmt_'));
}

/** Read a file (or text) into a dataset: CSV text, or JSON records. Throws a page error with line/column. */
function toDataset(name, text) {
  if (looksJson(name, text)) {
    let parsed;
    try { parsed = JSON.parse(text); } catch (err) { throw jsonError(err, text); }
    const records = Array.isArray(parsed) ? parsed : Array.isArray(parsed?.records) ? parsed.records : null;
    if (!records) throw Object.assign(new Error('The JSON file must be an array of HCP records ([{"hcp_id": …}, …]) or {"records": [...]}.'), { code: 'PAGE_JSON_SHAPE' });
    const headers = [];
    const seen = new Set();
    for (const r of records.slice(0, 2000)) for (const k of Object.keys(r ?? {})) if (!seen.has(k)) { seen.add(k); headers.push(k); }
    const first = records[0] ?? {};
    return { name, kind: 'json', records, headers, example: headers.map((h) => String(first[h] ?? '')), rowCount: records.length,
      table: { headers, rows: records.map((r) => headers.map((h) => r?.[h])) } };
  }
  const { rows } = parseCsv(text, { maxRows: 2 });
  if (!rows.length) return { name, kind: 'csv', text, headers: [], example: [], rowCount: 0 };
  const headers = rows[0].map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h));
  return { name, kind: 'csv', text, headers, example: rows[1] ?? [], rowCount: countLines(text), eventLog: looksLikeEventLog(headers) };
}

async function loadFile(file) {
  clearError($('load-error'));
  clearError($('run-error'));
  try {
    const text = await file.text();
    setData(toDataset(file.name, text));
  } catch (e) {
    showError($('load-error'), e, { file: file.name });
  }
}

async function loadSample() {
  clearError($('load-error'));
  clearError($('run-error'));
  const btn = $('sample-btn');
  btn.disabled = true;
  btn.textContent = 'Generating…';
  try {
    const text = await engine.generateSample(5000, 42);
    setData(toDataset('sample universe (5,000 HCPs, seed 42)', text));
    $('run-btn').focus();
  } catch (e) {
    showError($('load-error'), e, { file: 'sample' });
  } finally {
    btn.disabled = false;
    btn.textContent = 'Use sample universe';
  }
}

function setData(data) {
  state.data = data;
  state.roles = new Map();
  state.result = null;
  state.sweep = null;
  state.rows = null;
  state.names = new Map();
  $('results').hidden = true;
  $('target').hidden = true;
  $('lookalike').hidden = true;
  state.stabAbort?.abort();
  $('run-status').textContent = '';
  $('dataset').hidden = false;
  $('columns-details').open = true;
  $('dataset-summary').textContent = `Loaded ${data.name}: ${int(data.rowCount)} rows × ${data.headers.length} columns (${data.kind === 'json' ? 'JSON records' : 'CSV'}).`;
  $('dataset-summary').removeAttribute('data-events');
  clearError($('events-error'));
  $('events-on').checked = !!data.eventLog;
  $('events-on').disabled = data.kind !== 'csv';
  if (!data.eventLog) $('events-status').textContent = '';
  showEventBox();
  renderColumns();
}

/** Event log: window inputs and Aggregate instead of the column roles, and no run until aggregated. */
function showEventBox() {
  const on = $('events-on').checked && state.data?.kind === 'csv';
  $('events-box').hidden = !on;
  $('columns-details').hidden = on;
  $('run-btn').disabled = on || !state.data;
  if (on) $('dataset-summary').textContent = `Loaded ${state.data.name}: an event log of ${int(state.data.rowCount)} events × ${state.data.headers.length} columns. Aggregate it into profiles to segment.`;
}

async function aggregateEvents() {
  const d = state.data;
  if (!d || d.kind !== 'csv') return;
  clearError($('events-error'));
  const btn = $('events-btn');
  btn.disabled = true;
  btn.textContent = 'Aggregating…';
  try {
    const opts = {};
    if ($('events-from').value) opts.from = $('events-from').value;
    if ($('events-to').value) opts.to = $('events-to').value;
    const agg = await engine.aggregateEvents(d.text, opts);
    const r = agg.report;
    const profiles = toDataset(`${d.name} → profiles`, agg.csv);
    profiles.events = r;
    setData(profiles);
    $('events-status').textContent = '';
    $('dataset-summary').textContent += ` Aggregated from ${int(r.eventsRead)} events (${int(r.eventsCounted)} counted, ${int(r.eventsOutsideWindow)} outside the window, ${int(r.eventsIgnoredAction)} ignored actions${r.eventsExcluded ? `, ${int(r.eventsExcluded)} excluded` : ''}) for ${r.from ? r.from.slice(0, 10) : 'the first event'} → ${r.to.slice(0, 10)}: ${int(r.hcps)} HCPs.`;
    $('dataset-summary').dataset.events = JSON.stringify({ eventsRead: r.eventsRead, eventsCounted: r.eventsCounted, hcps: r.hcps });
    $('run-btn').focus();
  } catch (e) {
    showError($('events-error'), e, { file: d.name, fileHint: 'Fix that row of the event log and load it again.' });
  } finally {
    btn.disabled = false;
    btn.textContent = 'Aggregate into profiles';
  }
}

function renderColumns() {
  const d = state.data;
  const host = $('columns-table');
  host.replaceChildren();
  const counts = {};
  d.headers.forEach((h, i) => {
    const detected = conventionRole(h);
    const chosen = state.roles.get(h) ?? detected;
    counts[chosen] = (counts[chosen] ?? 0) + 1;
    const id = `role-${i}`;
    const sel = el('select', { id, 'data-col': h });
    sel.append(el('option', { value: '', text: `${detected} (detected)` }));
    for (const r of ROLES) if (r !== detected) sel.append(el('option', { value: r, text: r }));
    sel.value = state.roles.has(h) ? state.roles.get(h) : '';
    sel.addEventListener('change', () => {
      if (sel.value) state.roles.set(h, sel.value); else state.roles.delete(h);
      renderColumns();
      host.querySelector(`select[data-col="${CSS.escape(h)}"]`)?.focus();
    });
    const ex = d.example[i] ?? '';
    host.append(el('div', { class: `colitem role-${chosen}${state.roles.has(h) ? ' changed' : ''}` },
      el('label', { for: id, title: `${h} — e.g. ${ex}` }, el('code', { text: h }), el('span', { class: 'ex', text: ex })),
      sel));
  });
  const order = ['id', 'channel', 'format', 'category', 'recency', 'frequency', 'consent', 'ignore'];
  const plural = (r, n) => (r === 'ignore' ? 'ignored' : r === 'category' && n > 1 ? 'categories' : r + (n > 1 && !['recency', 'frequency', 'consent'].includes(r) ? 's' : ''));
  $('columns-count').textContent = '— ' + order.filter((r) => counts[r]).map((r) => `${counts[r]} ${plural(r, counts[r])}`).join(', ');
}

// ---------------------------------------------------------------- running

function options() {
  const kv = $('k-select').value;
  const opts = { k: kv === 'auto' ? 'auto' : Number(kv), seed: Number($('seed-input').value) || 0, nRuns: Math.max(1, Number($('runs-input').value) || 10) };
  if (state.roles.size) opts.columns = Object.fromEntries(state.roles);
  const ex = $('exclude-input').value.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  if (ex.length) opts.exclude = ex;
  return opts;
}

let progressFrame = 0;
let lastProgress = null;
function onProgress(p) {
  lastProgress = p;
  if (!progressFrame) progressFrame = requestAnimationFrame(paintProgress);
}
function paintProgress() {
  progressFrame = 0;
  const p = lastProgress;
  if (!p) return;
  const at = STAGES.findIndex(([s]) => s === p.stage);
  $('stages').querySelectorAll('li').forEach((li) => {
    const i = STAGES.findIndex(([s]) => s === li.dataset.stage);
    li.className = i < at ? 'done' : i === at ? 'active' : '';
  });
  // Overall progress: the fitting stage (sweep or cluster) is most of the work.
  const W = { parse: 4, encode: 3, sweep: 85, cluster: 85, profile: 5, project: 3 };
  const visible = [...$('stages').querySelectorAll('li')].map((li) => li.dataset.stage);
  const before = visible.slice(0, Math.max(0, visible.indexOf(p.stage))).reduce((a, st) => a + W[st], 0);
  const all = visible.reduce((a, st) => a + W[st], 0);
  const within = p.total > 1 ? Math.min(1, p.done / p.total) : 0;
  const frac = Math.min(1, (before + within * (W[p.stage] ?? 0)) / all);
  $('progress-fill').style.width = `${(frac * 100).toFixed(1)}%`;
  $('progress-bar').setAttribute('aria-valuenow', String(Math.round(frac * 100)));
  const label = STAGES[at]?.[1] ?? p.stage;
  $('progress-label').textContent = `${label}${p.k != null ? ` · k = ${p.k}` : ''}${p.run != null ? ` · restart ${p.run + 1}` : ''}${p.total > 1 ? ` · ${int(p.done)} / ${int(p.total)} fits` : '…'}`;
}

function startProgress(fixedK) {
  const ol = $('stages');
  ol.replaceChildren(...STAGES.filter(([s]) => (fixedK ? s !== 'sweep' : s !== 'cluster')).map(([s, label]) => el('li', { 'data-stage': s, text: label })));
  lastProgress = null;
  $('progress-fill').style.width = '0%';
  $('progress-label').textContent = 'Starting the engine…';
  $('progress').hidden = false;
}

async function run() {
  if (!state.data || state.running) return;
  state.stabAbort?.abort();
  clearError($('run-error'));
  clearError($('load-error'));
  const opts = options();
  startProgress(opts.k !== 'auto');
  const ctrl = new AbortController();
  state.abort = ctrl;
  state.running = true;
  $('run-btn').disabled = true;
  $('cancel-btn').hidden = false;
  $('run-status').textContent = '';
  const t0 = performance.now();
  try {
    const input = state.data.kind === 'json' ? state.data.records : state.data.text;
    const pending = engine.segment(input, opts, { onProgress, signal: ctrl.signal });
    // While the worker computes, read the rows the targeting filters need (main thread is idle).
    setTimeout(() => { if (state.data) tableForTargeting(); }, 30);
    const result = await pending;
    const ms = performance.now() - t0;
    state.result = result;
    if (result.kSweep) state.sweep = result.kSweep;
    state.names = new Map(); // names are per result: a new k gives new segments
    renderResult();
    $('columns-details').open = false;
    const secs = (ms / 1000).toFixed(ms < 10000 ? 2 : 1);
    $('run-status').textContent = `Segmented ${int(result.report.rowsUsed)} HCPs into ${result.segments.length} segments in ${secs} s.`;
    $('run-status').dataset.ms = ms.toFixed(0);
    // Row-level data for the filters and exports: parsed after the cards are on screen.
    setTimeout(() => setupTargeting(), 0);
    setupLookalikes();
    runStability();
  } catch (e) {
    if (engine.isAbort(e)) {
      $('run-status').textContent = 'Cancelled. Nothing was kept; you can run again.';
    } else {
      showError($('run-error'), e, { file: state.data.name });
      $('columns-details').open = true;
    }
  } finally {
    state.running = false;
    state.abort = null;
    $('run-btn').disabled = !state.data;
    $('cancel-btn').hidden = true;
    $('progress').hidden = true;
  }
}

// ---------------------------------------------------------------- results

const nameOf = (id) => state.names.get(id) ?? state.result?.segments.find((s) => s.id === id)?.name ?? `Segment ${id}`;

function renderResult() {
  const r = state.result;
  const rep = r.report;
  $('results').hidden = false;
  $('report').innerHTML =
    `<div><span>Rows read</span> <strong id="rows-read">${int(rep.rowsRead)}</strong></div>` +
    `<div><span>Used</span> <strong id="rows-used">${int(rep.rowsUsed)}</strong>${rep.rowsExcluded ? ` <span>(${int(rep.rowsExcluded)} excluded)</span>` : ''}</div>` +
    `<div><span>Channels</span> ${rep.channels.length}</div><div><span>Formats</span> ${rep.formats.length}</div>` +
    `<div><span>Categories</span> ${esc(rep.categories.join(', ') || '–')}</div>` +
    `<div><span>Ignored</span> ${esc(rep.ignored.join(', ') || 'none')}</div>` +
    `<div><span>k</span> <strong id="shown-k">${r.quality.k}</strong></div>` +
    `<div><span>Silhouette</span> ${r.quality.silhouette == null ? '–' : r.quality.silhouette.toFixed(3)}</div>` +
    rep.warnings.map((w) => `<div class="warn">⚠ ${esc(w)}</div>`).join('');
  renderSweep($('sweep-chart'), state.sweep, r.quality.k);
  drawScatter();
  $('scatter-caption').textContent = `${int(r.assignments.length)} HCPs on the first two principal components (${(100 * (r.projection.explainedVariance[0] + r.projection.explainedVariance[1])).toFixed(0)}% of variance), centroids numbered`;
  $('scatter-legend').replaceChildren(...r.segments.map((s) => el('span', { class: `c${s.id % 8}`, 'data-seg': s.id },
    el('span', { class: 'swatch', 'aria-hidden': 'true' }), `#${s.id} ${nameOf(s.id)}`)));
  state.stability = null;
  renderCards($('cards'), r.segments, state.names, rename);
  renderHeatmap($('heatmap'), r.segments, state.names);
  $('target').hidden = true;
}

let labelsCache = null;
function drawScatter() {
  const r = state.result;
  if (!r) return;
  if (!labelsCache || labelsCache.r !== r) {
    const labels = new Uint8Array(r.assignments.length);
    for (let i = 0; i < labels.length; i++) labels[i] = r.assignments[i].segment;
    labelsCache = { r, labels };
  }
  const sel = state.selection?.segments;
  const highlight = sel && sel.size < r.segments.length ? sel : null;
  renderScatter($('scatter'), r.projection, labelsCache.labels, r.segments.length, highlight);
}

let renameTimer = 0;
function rename(id, name) {
  state.names.set(id, name.trim() || state.result.segments.find((s) => s.id === id).name);
  clearTimeout(renameTimer);
  renameTimer = setTimeout(() => {
    renderHeatmap($('heatmap'), state.result.segments, state.names);
    $('scatter-legend').querySelectorAll('[data-seg]').forEach((n) => { n.lastChild.textContent = `#${n.dataset.seg} ${nameOf(Number(n.dataset.seg))}`; });
    $('seg-picks').querySelectorAll('label[data-seg] span.nm').forEach((n) => { n.textContent = nameOf(Number(n.parentElement.dataset.seg)); });
    fillLaSegments();
    schedulePlan();
  }, 150);
}

// ---------------------------------------------------------------- targeting

function tableForTargeting() {
  const d = state.data;
  if (d.table) return d.table;
  const { rows } = parseCsv(d.text);
  const headers = (rows.shift() ?? []).map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h));
  d.table = { headers, rows };
  return d.table;
}

function checkGroup(fieldset, items, name) {
  const host = fieldset.querySelector('.checks');
  host.replaceChildren(...items.map(({ value, label, checked, seg }) => el('label', seg != null ? { 'data-seg': seg, class: `c${seg % 8}` } : {},
    el('input', { type: 'checkbox', name, value, checked: checked || null }), ' ',
    seg != null ? el('span', { class: 'swatch', 'aria-hidden': 'true' }) : null,
    seg != null ? `#${seg} ` : null,
    el('span', { class: 'nm', text: label }))));
}

function setupTargeting() {
  const r = state.result;
  if (!r) return;
  state.rows = buildRows(r, tableForTargeting());
  const rows = state.rows;
  checkGroup($('seg-picks'), r.segments.map((s) => ({ value: s.id, label: nameOf(s.id), checked: true, seg: s.id })), 'seg');
  for (const name of ['specialty', 'country']) {
    const fs = $(`filter-${name}`);
    const cat = rows.cats[name];
    fs.hidden = !cat;
    if (cat) checkGroup(fs, cat.order.map((c) => ({ value: c, label: pretty(cat.levels[c]) })), name);
  }
  const consentNames = Object.keys(rows.consents);
  $('filter-consent').hidden = !consentNames.length;
  checkGroup($('filter-consent'), consentNames.map((c) => ({ value: c, label: pretty(c) })), 'consent');
  // Test cells: stratify by specialty and country (the engine's default) when the file has them.
  const prev = new Set([...$('cells-strata').querySelectorAll('input:checked')].map((i) => i.value));
  const cats = r.report.categories;
  $('cells-strata').replaceChildren(...cats.map((c) => el('label', {}, el('input', { type: 'checkbox', value: c, checked: (prev.size ? prev.has(c) : ['specialty', 'country'].includes(c)) || null }), ` ${pretty(c)}`)));
  if (!cats.length) $('cells-strata').append(el('span', { class: 'muted', text: 'no category columns' }));
  state.cells = null;
  state.cellsKey = '';
  $('target').hidden = false;
  updateTargeting();
}

function readSelection() {
  const f = $('target-form');
  const vals = (name) => [...f.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
  return {
    segments: new Set(vals('seg').map(Number)),
    specialty: new Set(vals('specialty').map(Number)),
    country: new Set(vals('country').map(Number)),
    consent: new Set(vals('consent')),
  };
}

function updateTargeting() {
  if (!state.rows) return;
  state.selection = readSelection();
  state.mask = selectRows(state.rows, state.selection);
  let count = 0;
  for (let i = 0; i < state.mask.length; i++) count += state.mask[i];
  $('target-count').textContent = int(count);
  $('target-share').textContent = `(${pct(count / state.rows.n)} of ${int(state.rows.n)})`;
  schedulePlan();
  scheduleCells();
  $('export-targets').disabled = count === 0;
  drawScatter();
}

// ---------------------------------------------------------------- channel plan (engine, worker)

const engineInput = () => (state.data.kind === 'json' ? state.data.records : state.data.text);
let planTimer = 0;
let planSeq = 0;
function schedulePlan() {
  clearTimeout(planTimer);
  planTimer = setTimeout(computePlan, 80);
}

async function computePlan() {
  if (!state.rows || !state.mask || !state.result) return;
  const seq = ++planSeq;
  const host = $('plan');
  const segs = planSegments(state.rows, state.mask, state.result.segments, nameOf);
  if (!segs.length) {
    state.plan = null;
    clearError($('plan-error'));
    host.innerHTML = '<p class="muted">Select at least one segment with HCPs in it.</p>';
    $('export-plan').disabled = true;
    return;
  }
  const opts = { budget: Math.max(0, Number($('budget-input').value) || 0), minIndex: Math.max(0, Number($('min-index-input').value) || 0) };
  if (state.planResults) opts.results = state.planResults.text;
  host.setAttribute('aria-busy', 'true');
  try {
    const plan = await engine.channelPlan(segs, opts);
    if (seq !== planSeq) return; // a newer request is on its way
    state.plan = plan;
    clearError($('plan-error'));
    renderPlan(host, plan, { hasResults: !!state.planResults });
    host.dataset.seq = String(seq);
    $('export-plan').disabled = false;
  } catch (e) {
    if (seq !== planSeq) return;
    state.plan = null;
    host.replaceChildren();
    $('export-plan').disabled = true;
    showError($('plan-error'), e, { file: state.planResults?.name ?? 'the channel plan', fileHint: state.planResults ? 'Fix that row of the campaign results file and load it again, or clear the results.' : null });
  } finally {
    if (seq === planSeq) host.removeAttribute('aria-busy');
  }
}

async function loadResults(file) {
  clearError($('plan-error'));
  state.planResults = { name: file.name, text: await file.text() };
  $('results-status').textContent = `Campaign results: ${file.name} (${int(countLines(state.planResults.text))} rows). The plan moves budget towards the segment × channel cells that engaged above the pooled rate.`;
  $('results-clear').hidden = false;
  schedulePlan();
}

const resultsHint = document.getElementById('results-status').innerHTML;
function clearResults() {
  state.planResults = null;
  $('results-status').innerHTML = resultsHint;
  $('results-clear').hidden = true;
  $('results-input').value = '';
  schedulePlan();
}

// ---------------------------------------------------------------- test cells (engine, worker)

function cellsOptions() {
  const arms = $('cells-arms').value.split(',').map((a) => a.trim()).filter(Boolean);
  const holdout = Math.max(0, Number($('cells-holdout').value) || 0) / 100;
  const seed = Math.max(0, Math.floor(Number($('cells-seed').value) || 0));
  const strata = [...$('cells-strata').querySelectorAll('input:checked')].map((i) => i.value);
  return { arms: arms.length ? arms : ['A', 'B'], holdout, seed, strata };
}
/** What the current cells depend on: the selection and the options. */
function cellsKey() {
  if (!state.mask) return '';
  let h = 0;
  for (let i = 0; i < state.mask.length; i++) if (state.mask[i]) h = (Math.imul(h, 31) + i + 1) | 0;
  return `${h}|${JSON.stringify(cellsOptions())}|${state.result?.model?.checksum}`;
}

let cellsTimer = 0;
let cellsPending = null;
function scheduleCells() {
  clearTimeout(cellsTimer);
  if (!$('cells-on').checked) { $('cells-out').replaceChildren(); clearError($('cells-error')); return; }
  cellsTimer = setTimeout(computeCells, 120);
}

function computeCells() {
  const key = cellsKey();
  if (!state.rows || !key) return Promise.resolve();
  if (state.cellsKey === key) return Promise.resolve();
  if (cellsPending && cellsPending.key === key) return cellsPending.promise;
  const opts = cellsOptions();
  const ids = [];
  for (let i = 0; i < state.rows.n; i++) if (state.mask[i]) ids.push(String(state.rows.ids[i]));
  const call = { ...opts, ids };
  const ex = options().exclude;
  if (ex) call.exclude = ex;
  const promise = (async () => {
    if (!ids.length) { state.cells = new Map(); state.cellsKey = key; $('cells-out').innerHTML = '<p class="muted">No HCP selected.</p>'; return; }
    try {
      const res = await engine.testCells(state.result.model, engineInput(), call);
      if (cellsKey() !== key) return;
      state.cells = new Map(res.assignments.map((a) => [a.hcpId, a.cell]));
      state.cellsKey = key;
      clearError($('cells-error'));
      renderCells(res);
    } catch (e) {
      if (cellsKey() !== key) return;
      state.cells = null;
      state.cellsKey = '';
      $('cells-out').replaceChildren();
      showError($('cells-error'), e, { file: 'test cells', fileHint: 'Check the arms and the holdout share.' });
    } finally {
      if (cellsPending?.key === key) cellsPending = null;
    }
  })();
  cellsPending = { key, promise };
  return promise;
}

function renderCells(res) {
  const segIds = [...new Set(res.assignments.map((a) => a.segment))].sort((a, b) => a - b);
  const by = new Map(res.cells.map((c) => [c.cell, new Map()]));
  for (const a of res.assignments) { const m = by.get(a.cell); m.set(a.segment, (m.get(a.segment) ?? 0) + 1); }
  const n = res.assignments.length;
  $('cells-out').innerHTML = `<table id="cells-table"><caption>${int(n)} HCPs in ${res.cells.length} cells${res.stratifiedBy.length ? `, stratified by segment × ${esc(res.stratifiedBy.join(' × '))} (${int(Object.keys(res.strata).length)} strata; every cell within ±1 of its quota in each)` : ', stratified by segment only'}</caption>` +
    `<thead><tr><th scope="col">Cell</th><th scope="col" class="num">Target share</th><th scope="col" class="num">HCPs</th>${segIds.map((s) => `<th scope="col" class="num" title="${esc(nameOf(s))}">#${s}</th>`).join('')}</tr></thead><tbody>` +
    res.cells.map((c) => `<tr data-cell="${esc(c.cell)}"><th scope="row">${esc(c.cell)}</th><td class="num">${pct(c.share)}</td><td class="num cell-count">${int(c.count)}</td>${segIds.map((s) => `<td class="num">${int(by.get(c.cell).get(s) ?? 0)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>';
}

// ---------------------------------------------------------------- stability (engine, its own worker)

async function runStability() {
  const r = state.result;
  if (!r || !state.data) return;
  state.stabAbort?.abort();
  const ctrl = new AbortController();
  state.stabAbort = ctrl;
  clearError($('stab-error'));
  const resamples = Math.min(200, Math.max(2, Math.floor(Number($('stab-resamples').value) || 20)));
  const opts = { resamples, seed: Number($('seed-input').value) || 0 };
  const ex = options().exclude;
  if (ex) opts.exclude = ex;
  renderStability(null);
  $('stab-btn').disabled = true;
  $('stab-cancel').hidden = false;
  const t0 = performance.now();
  const tick = setInterval(() => { $('stab-status').textContent = `Re-clustering ${resamples} bootstrap resamples in the background… ${((performance.now() - t0) / 1000).toFixed(0)} s`; }, 500);
  $('stab-status').textContent = `Re-clustering ${resamples} bootstrap resamples in the background…`;
  try {
    const rep = await engine.stability(r.model, engineInput(), opts, { signal: ctrl.signal, background: true });
    if (state.result !== r) return;
    state.stability = rep;
    renderStability(rep);
    const ms = performance.now() - t0;
    $('stab-status').textContent = `Stability from ${rep.resamples} resamples of ${int(rep.sampleSize)} HCPs in ${(ms / 1000).toFixed(1)} s${rep.failedResamples ? ` (${rep.failedResamples} resamples failed)` : ''}.`;
    $('stab-status').dataset.ms = ms.toFixed(0);
  } catch (e) {
    if (state.result !== r) return;
    renderStability(undefined);
    if (engine.isAbort(e)) $('stab-status').textContent = 'Stability check cancelled.';
    else { $('stab-status').textContent = ''; showError($('stab-error'), e, { file: 'the stability check' }); }
  } finally {
    clearInterval(tick);
    if (state.stabAbort === ctrl) {
      state.stabAbort = null;
      $('stab-btn').disabled = false;
      $('stab-cancel').hidden = true;
    }
  }
}

/** null = checking, undefined = not known (cancelled / failed), else the report. */
function renderStability(rep) {
  for (const slot of $('cards').querySelectorAll('.stab')) {
    const id = Number(slot.dataset.seg);
    const s = rep?.segments.find((x) => x.id === id);
    if (rep === null) slot.innerHTML = 'Stability <span class="badge pending">checking…</span>';
    else if (!s) slot.innerHTML = 'Stability <span class="badge pending">not checked</span>';
    else slot.innerHTML = `Stability <span class="badge ${s.verdict}" data-verdict="${s.verdict}">${s.verdict}</span> ` +
      `<span title="mean Jaccard over ${s.resamples} resamples (min ${s.minJaccard.toFixed(2)})">Jaccard <span class="jaccard">${s.meanJaccard.toFixed(2)}</span> (min ${s.minJaccard.toFixed(2)})</span>`;
  }
}

// ---------------------------------------------------------------- look-alikes (engine, worker)

function setupLookalikes() {
  $('lookalike').hidden = false;
  fillLaSegments();
  $('la-result').hidden = true;
  state.laResult = null;
  clearError($('la-error'));
  $('la-status').textContent = state.laData ? `Candidates: ${state.laData.name} (${int(state.laData.rowCount)} rows).` : '';
  $('la-btn').disabled = !state.laData;
}

function fillLaSegments() {
  const sel = $('la-segment');
  const r = state.result;
  if (!r) return;
  const v = sel.value;
  sel.replaceChildren(...r.segments.map((s) => el('option', { value: s.id, text: `#${s.id} ${nameOf(s.id)}` })));
  if (v && r.segments.some((s) => String(s.id) === v)) sel.value = v;
}

async function loadCandidates(file) {
  clearError($('la-error'));
  state.laData = null;
  try {
    state.laData = toDataset(file.name, await file.text());
    $('la-status').textContent = `Candidates: ${file.name} (${int(state.laData.rowCount)} rows).`;
  } catch (e) {
    showError($('la-error'), e, { file: file.name });
  }
  $('la-btn').disabled = !(state.laData && state.result);
}

async function runLookalikes() {
  const d = state.laData;
  if (!d || !state.result) return;
  clearError($('la-error'));
  const btn = $('la-btn');
  btn.disabled = true;
  btn.textContent = 'Scoring…';
  try {
    const segment = Number($('la-segment').value);
    const top = Math.max(1, Math.floor(Number($('la-top').value) || 50));
    const res = await engine.lookalikes(modelWithNames(), d.kind === 'json' ? d.records : d.text, { segment, top });
    state.laResult = res;
    $('la-table').innerHTML = `<table id="la-ranking"><caption>Top ${int(res.lookalikes.length)} of ${int(res.candidates)} candidates for #${res.segment} ${esc(nameOf(res.segment))}` +
      `${res.unscored ? ` · ${int(res.unscored)} not scored (too little of the profile known)` : ''}${res.missingFeatures.length ? ` · not in the file: ${esc(res.missingFeatures.slice(0, 6).join(', '))}${res.missingFeatures.length > 6 ? '…' : ''}` : ''}</caption>` +
      '<thead><tr><th scope="col" class="num">Rank</th><th scope="col">hcp_id</th><th scope="col" class="num">Score</th><th scope="col" class="num">Coverage</th><th scope="col">Nearest segment</th><th scope="col">Drivers</th></tr></thead><tbody>' +
      res.lookalikes.map((l) => `<tr data-id="${esc(l.hcpId)}"><td class="num">${l.rank}</td><td><code>${esc(l.hcpId)}</code></td><td class="num">${l.score.toFixed(3)}</td><td class="num">${pct(l.coverage)}</td>` +
        `<td><span class="c${l.nearestSegment % 8}"><span class="swatch" aria-hidden="true"></span></span>#${l.nearestSegment}</td><td class="drivers">${esc(l.drivers.map((x) => x.feature).join(', '))}</td></tr>`).join('') +
      '</tbody></table>';
    $('la-result').hidden = false;
  } catch (e) {
    $('la-result').hidden = true;
    showError($('la-error'), e, { file: d.name, fileHint: 'Fix that cell of the candidates file (or leave it empty: a missing value is unknown) and load it again.' });
  } finally {
    btn.textContent = 'Find look-alikes';
    btn.disabled = !(state.laData && state.result);
  }
}

function exportLookalikes() {
  if (state.laResult) download(`hcp-lookalikes-seg${state.laResult.segment}-${stamp()}.csv`, state.laResult.csv);
}

// ---------------------------------------------------------------- exports

const stamp = () => new Date().toISOString().slice(0, 10);

async function exportTargets() {
  if (!state.rows || !state.mask) return;
  let cells = null;
  if ($('cells-on').checked) {
    // The cells of exactly this selection: wait for the pending computation.
    await computeCells();
    if (state.cellsKey !== cellsKey()) return; // failed (the error is shown)
    cells = state.cells;
  }
  download(`hcp-targets-${stamp()}.csv`, targetListCsv(state.rows, state.mask, nameOf, cells));
}

function exportPlan() {
  if (state.plan) download(`hcp-channel-plan-${stamp()}.csv`, planCsv(state.plan));
}

/** Composition with small cells masked: a level under 10 HCPs keeps its value but not its numbers. */
function maskedComposition(comp) {
  return comp.map((c) => ({
    column: c.column,
    levels: c.levels.map((l) => (l.suppressed ? { value: l.value, count: '<10', share: null, index: null, suppressed: true } : l)),
  }));
}

function summaryObject() {
  const r = state.result;
  return {
    generatedBy: 'hcp-segments targeting page',
    generatedAt: new Date().toISOString(),
    rows: r.report.rowsUsed,
    k: r.quality.k,
    quality: { ...r.quality },
    kSweep: state.sweep,
    minCellSize: 10,
    segments: r.segments.map((s) => ({
      id: s.id, name: nameOf(s.id), generatedName: s.name, drivers: s.drivers, size: s.size, share: s.share,
      meanEngagements: s.meanEngagements, channels: s.channels, formats: s.formats,
      composition: maskedComposition(s.composition), reach: s.reach, silhouette: s.silhouette, cohesion: s.cohesion,
    })),
  };
}

function exportSummaryJson() {
  download(`hcp-segments-summary-${stamp()}.json`, JSON.stringify(summaryObject(), null, 2), 'application/json');
}

function exportSummaryCsv() {
  const r = state.result;
  const chs = r.segments[0].channels.map((c) => c.name).sort();
  const fms = r.segments[0].formats.map((c) => c.name).sort();
  const head = ['segment', 'segment_name', 'size', 'share', 'mean_engagements', 'silhouette', 'cohesion', 'drivers',
    ...chs.map((c) => `index_ch_${c}`), ...fms.map((f) => `index_fmt_${f}`)];
  const lines = [csvLine(head)];
  for (const s of r.segments) {
    const ci = new Map(s.channels.map((c) => [c.name, c.index]));
    const fi = new Map(s.formats.map((c) => [c.name, c.index]));
    const round = (v) => (v == null ? '' : Math.round(v));
    lines.push(csvLine([s.id, nameOf(s.id), s.size, s.share.toFixed(4), s.meanEngagements.toFixed(3),
      s.silhouette == null ? '' : s.silhouette.toFixed(4), s.cohesion.toFixed(4), s.drivers.join(' | '),
      ...chs.map((c) => round(ci.get(c))), ...fms.map((f) => round(fi.get(f)))]));
  }
  download(`hcp-segments-summary-${stamp()}.csv`, lines.join('\n') + '\n');
}

/** The model as the engine made it, with the persona names as edited on the page. */
function modelWithNames() {
  const m = structuredClone(state.result.model);
  if (Array.isArray(m.segments)) for (const s of m.segments) if (s && typeof s.id === 'number') s.name = nameOf(s.id);
  return m;
}

function saveModel() {
  download(`hcp-segments-model-k${state.result.quality.k}-${stamp()}.json`, JSON.stringify(modelWithNames()), 'application/json');
}

// ---------------------------------------------------------------- assign with a saved model

function modelSegmentNames(model) {
  const segs = Array.isArray(model?.segments) ? model.segments : null;
  const names = new Map();
  if (segs) segs.forEach((s, i) => { if (s && typeof s.name === 'string') names.set(typeof s.id === 'number' ? s.id : i, s.name); });
  return names;
}

async function loadModel(file) {
  clearError($('assign-error'));
  state.model = null;
  try {
    const text = await file.text();
    let m;
    try { m = JSON.parse(text); } catch (err) { throw jsonError(err, text); }
    if (m?.format !== 'hcp-segments-model') throw Object.assign(new Error('This JSON file is not an hcp-segments model (its "format" is not "hcp-segments-model"). Save one with “Save model (JSON)”.'), { code: 'INVALID_MODEL' });
    state.model = m;
    const names = modelSegmentNames(m);
    $('model-status').textContent = `Model loaded: ${file.name} (format version ${m.version}${names.size ? `, ${names.size} segments` : ''}).`;
  } catch (e) {
    $('model-status').textContent = '';
    showError($('assign-error'), e, { file: file.name });
  }
  syncAssignButtons();
}

async function loadAssignFile(file) {
  clearError($('assign-error'));
  state.assignData = null;
  try {
    state.assignData = toDataset(file.name, await file.text());
  } catch (e) {
    showError($('assign-error'), e, { file: file.name });
  }
  syncAssignButtons();
}

async function runAssign() {
  if (!state.model || !state.assignData) return;
  clearError($('assign-error'));
  const btn = $('assign-btn');
  btn.disabled = true;
  btn.textContent = 'Assigning…';
  try {
    const d = state.assignData;
    const res = await engine.assign(state.model, d.kind === 'json' ? d.records : d.text);
    state.assignResult = res;
    const names = modelSegmentNames(state.model);
    const counts = new Map();
    let confSum = 0;
    for (const a of res.assignments) { counts.set(a.segment, (counts.get(a.segment) ?? 0) + 1); confSum += a.confidence; }
    const ids = [...counts.keys()].sort((a, b) => a - b);
    const n = res.assignments.length;
    $('assign-table').innerHTML = `<table id="assign-counts"><caption>${int(n)} HCPs from ${esc(d.name)} assigned · mean confidence ${dec2(n ? confSum / n : null)}</caption>` +
      `<thead><tr><th scope="col">Segment</th><th scope="col" class="num">HCPs</th><th scope="col" class="num">Share</th></tr></thead><tbody>` +
      ids.map((id) => `<tr data-seg="${id}"><td><span class="c${id % 8}"><span class="swatch" aria-hidden="true"></span></span>#${id} ${esc(names.get(id) ?? assignName(id))}</td><td class="num">${int(counts.get(id))}</td><td class="num">${pct(counts.get(id) / n)}</td></tr>`).join('') +
      '</tbody></table>';
    $('assign-result').hidden = false;
    $('refresh-result').hidden = true;
    $('update-result').hidden = true;
  } catch (e) {
    $('assign-result').hidden = true;
    showError($('assign-error'), e, newFileContext());
  } finally {
    btn.textContent = 'Assign';
    syncAssignButtons();
  }
}

/** A name for an assigned segment the model does not name. */
function assignName(id) {
  return `Segment ${id}`;
}

function exportAssignments() {
  const res = state.assignResult;
  if (!res) return;
  const names = modelSegmentNames(state.model);
  const lines = ['hcp_id,segment,segment_name,confidence'];
  for (const a of res.assignments) lines.push(csvLine([a.hcpId, a.segment, names.get(a.segment) ?? assignName(a.segment), a.confidence.toFixed(4)]));
  download(`hcp-assignments-${stamp()}.csv`, lines.join('\n') + '\n');
}

function syncAssignButtons() {
  const ok = !!(state.model && state.assignData);
  $('assign-btn').disabled = !ok;
  $('update-btn').disabled = !ok;
  $('refresh-btn').disabled = !ok;
}

// This panel has no column table (the saved model fixes the columns), so the generic hints
// ("set the column to ignore above") do not apply: advice for the new file instead.
const NEW_FILE_HINTS = {
  INVALID_VALUE: 'Fix that cell in the new file (or leave it empty) and load the file again.',
  NEGATIVE_COUNT: 'Engagement counts must be 0 or more: fix that cell in the new file and load it again.',
  NON_FINITE: 'Replace that cell in the new file with a number (or leave it empty) and load it again.',
  MISSING_ID_COLUMN: 'The new file needs the same identifier column (hcp_id) as the file the model was built from.',
  MODEL_COLUMN_MISSING: 'Use a file exported the same way as the one the model was built from (same column names).',
  NO_FEATURES: 'Use a file exported the same way as the one the model was built from (same column names).',
};
function newFileContext() {
  return { file: state.assignData?.name, hints: NEW_FILE_HINTS };
}

/** Previous period's assignments: any CSV with hcp_id and segment columns (the page's exports have them). */
async function loadPrevious(file) {
  clearError($('assign-error'));
  state.previous = null;
  try {
    const text = await file.text();
    const { rows } = parseCsv(text);
    const head = (rows[0] ?? []).map((h, i) => normalise(i === 0 ? h.replace(/^\uFEFF/, '') : h));
    const ci = head.indexOf('hcp_id'), cs = head.indexOf('segment');
    if (ci < 0 || cs < 0) throw Object.assign(new Error(`the file needs the columns hcp_id and segment (it has: ${head.join(', ') || 'none'})`), { code: 'PAGE_PREVIOUS', line: 1 });
    const prev = [];
    for (let r = 1; r < rows.length; r++) {
      const row = rows[r];
      if (row.length === 1 && row[0] === '') continue;
      const seg = String(row[cs] ?? '').trim();
      if (!/^\d+$/.test(seg)) throw Object.assign(new Error(`“${seg.slice(0, 40)}” is not a segment id (a whole number ≥ 0)`), { code: 'PAGE_PREVIOUS', line: r + 1, column: 'segment' });
      prev.push({ hcpId: String(row[ci]).trim(), segment: Number(seg) });
    }
    state.previous = { name: file.name, rows: prev };
    $('model-status').textContent = `Previous assignments: ${file.name} (${int(prev.length)} HCPs).`;
  } catch (e) {
    showError($('assign-error'), e, { file: file.name });
  }
}

async function runRefresh() {
  if (!state.model || !state.assignData) return;
  clearError($('assign-error'));
  const btn = $('refresh-btn');
  btn.disabled = true;
  btn.textContent = 'Refreshing…';
  try {
    const d = state.assignData;
    const res = await engine.refresh(state.model, d.kind === 'json' ? d.records : d.text, state.previous?.rows ?? null, {});
    state.refreshResult = res;
    renderRefresh(res, d.name);
    $('refresh-result').hidden = false;
    $('assign-result').hidden = true;
    $('update-result').hidden = true;
  } catch (e) {
    $('refresh-result').hidden = true;
    showError($('assign-error'), e, newFileContext());
  } finally {
    btn.textContent = 'Refresh segments';
    syncAssignButtons();
  }
}

function renderRefresh(res, fileName) {
  const rr = res.refresh;
  const oldNames = modelSegmentNames(state.model);
  const hasPrev = !!state.previous;
  $('refresh-summary').innerHTML =
    `<div><span>New period</span> <strong>${esc(fileName)}</strong></div>` +
    `<div><span>HCPs</span> <strong>${int(res.assignments.length)}</strong></div>` +
    `<div><span>Segments</span> <strong>${res.segments.length}</strong> (${int(rr.matches.filter((m) => m.previousId != null).length)} matched${rr.retired.length ? `, retired: ${rr.retired.map((i) => `#${i}`).join(', ')}` : ''})</div>` +
    (hasPrev ? `<div><span>Same segment</span> <strong id="rf-continuing">${int(rr.continuing)}</strong></div><div><span>Moved</span> <strong id="rf-moved">${int(rr.moved)}</strong></div>` +
      `<div><span>New HCPs</span> <strong id="rf-new">${int(rr.newHcps)}</strong></div><div><span>Lapsed HCPs</span> <strong id="rf-lapsed">${int(rr.lapsedHcps)}</strong></div>` : '<div class="warn">Load the previous assignments to see the migration and the new / lapsed HCPs.</div>');
  const matches = `<table id="refresh-matches"><caption>New segments and the saved segment each continues</caption><thead><tr><th scope="col">New segment</th><th scope="col" class="num">HCPs</th><th scope="col">Continues</th><th scope="col" class="num">Centroid distance</th></tr></thead><tbody>` +
    rr.matches.map((m) => `<tr data-seg="${m.id}" data-prev="${m.previousId ?? ''}"><th scope="row" class="c${m.id % 8}"><span class="swatch" aria-hidden="true"></span>#${m.id} ${esc(m.name)}</th><td class="num">${int(m.size)}</td>` +
      `<td>${m.previousId == null ? '<strong>new segment</strong>' : `#${m.previousId} ${esc(oldNames.get(m.previousId) ?? '')}`}</td><td class="num">${m.distance == null ? '–' : m.distance.toFixed(3)}</td></tr>`).join('') + '</tbody></table>';
  let migration = '';
  if (hasPrev && rr.migration.length) {
    const newIds = res.segments.map((s) => s.id).sort((a, b) => a - b);
    migration = `<table id="migration" class="heatmap migration"><caption>Migration: HCPs in both periods, saved segment (rows) → new segment (columns); the diagonal stayed</caption>` +
      `<thead><tr><th scope="col">From \\ to</th>${newIds.map((j) => `<th scope="col" class="num c${j % 8}"><span class="swatch" aria-hidden="true"></span>#${j}</th>`).join('')}<th scope="col" class="num">Total</th></tr></thead><tbody>` +
      rr.migration.map((row, i) => `<tr data-from="${i}"><th scope="row" class="seg c${i % 8}"><span class="swatch" aria-hidden="true"></span>#${i} ${esc(oldNames.get(i) ?? '')}</th>` +
        newIds.map((j) => `<td class="cell${i === j ? ' diag' : ''}" data-to="${j}" data-n="${row[j] ?? 0}" title="#${i} → #${j}: ${int(row[j] ?? 0)} HCPs">${int(row[j] ?? 0)}</td>`).join('') +
        `<td class="num">${int(row.reduce((a, b) => a + b, 0))}</td></tr>`).join('') + '</tbody></table>';
  }
  $('refresh-out').innerHTML = matches + migration;
  // Shade the migration cells (CSSOM, allowed by the CSP) by their count.
  const max = Math.max(1, ...rr.migration.flat());
  $('refresh-out').querySelectorAll('#migration td.cell').forEach((td) => {
    const t = Math.sqrt(Number(td.dataset.n) / max);
    td.style.backgroundColor = `rgba(0, 114, 178, ${(0.08 + 0.85 * t).toFixed(3)})`;
    td.style.color = t > 0.55 ? '#fff' : '#1b1f24';
  });
}

function exportRefresh() {
  const res = state.refreshResult;
  if (!res) return;
  const names = new Map(res.segments.map((s) => [s.id, s.name]));
  const prev = new Map((state.previous?.rows ?? []).map((p) => [p.hcpId, p.segment]));
  const lines = ['hcp_id,segment,segment_name,confidence,previous_segment'];
  for (const a of res.assignments) lines.push(csvLine([a.hcpId, a.segment, names.get(a.segment) ?? '', a.confidence.toFixed(4), prev.get(a.hcpId) ?? '']));
  download(`hcp-refreshed-assignments-${stamp()}.csv`, lines.join('\n') + '\n');
}

function saveRefreshModel() {
  if (state.refreshResult) download(`hcp-segments-model-refreshed-${stamp()}.json`, JSON.stringify(state.refreshResult.model), 'application/json');
}

// ---------------------------------------------------------------- fold in (updateModel, worker)

function updateOptions() {
  const read = (id, label, scale = 1) => {
    const v = $(id).valueAsNumber;
    if (!Number.isFinite(v) || v < 0) throw Object.assign(new Error(`${label} must be a number ≥ 0 (it is “${$(id).value}”)`), { code: 'INVALID_OPTION' });
    return v / scale;
  };
  const priorWeight = read('upd-prior', 'The prior weight');
  if (!(priorWeight > 0)) throw Object.assign(new Error('The prior weight must be more than 0'), { code: 'INVALID_OPTION' });
  return {
    maxDrift: read('upd-max-drift', 'The maximum relative drift'),
    maxReassigned: read('upd-max-reassigned', 'The maximum share changing segment', 100),
    maxNewShare: read('upd-max-new', 'The maximum share of new HCPs', 100),
    priorWeight,
  };
}

async function runUpdate() {
  if (!state.model || !state.assignData) return;
  clearError($('assign-error'));
  const btn = $('update-btn');
  btn.disabled = true;
  btn.textContent = 'Folding in…';
  try {
    const d = state.assignData;
    const opts = updateOptions();
    const input = d.kind === 'json' ? d.records : d.text;
    const res = await engine.updateModel(state.model, input, opts);
    // The new HCPs' segments in the updated model (the export), also computed in the worker.
    const asg = await engine.assign(res.model, input);
    state.update = { res, asg, opts, name: d.name, before: state.model };
    renderUpdate(state.update);
    $('update-result').hidden = false;
    $('assign-result').hidden = true;
    $('refresh-result').hidden = true;
  } catch (e) {
    $('update-result').hidden = true;
    showError($('assign-error'), e, e?.code === 'INVALID_OPTION' ? { file: 'the fold-in options', hints: { INVALID_OPTION: 'Correct it under “Fold in: when is a full refresh due?”.' } } : newFileContext());
  } finally {
    btn.textContent = 'Fold in new profiles';
    syncAssignButtons();
  }
}

// The engine's reasons name its option keys; the page shows the labels of its own inputs.
function plainReason(r) {
  return r.replace(/`([^`]*)`/g, '“$1”')
    .replace(/more than maxDrift ([\d.]+)/, 'more than the maximum relative drift ($1)')
    .replace(/more than maxReassigned ([\d.]+) %/, 'more than the maximum ($1%)')
    .replace(/more than maxNewShare ([\d.]+) %/, 'more than the maximum ($1%)')
    .replace(/(\d) %/g, '$1%')
    .replace(/^./, (c) => c.toUpperCase());
}

function renderUpdate({ res, opts, name, before }) {
  const sizeBefore = new Map((before.segments ?? []).map((s, i) => [typeof s.id === 'number' ? s.id : i, s.size]));
  const sizeAfter = new Map(res.model.segments.map((s) => [s.id, s.size]));
  $('update-verdict').className = `verdict ${res.refreshDue ? 'due' : 'ok'}`;
  $('update-verdict').dataset.due = String(res.refreshDue);
  $('update-verdict').innerHTML = res.refreshDue
    ? `<strong>A full refresh is due.</strong> The folded-in model can be used for now, but re-segment (Refresh segments, or a new run) because:` +
      `<ul id="update-reasons">${res.reasons.map((r) => `<li>${esc(plainReason(r))}</li>`).join('')}</ul>`
    : `<strong>No full refresh needed.</strong> Every segment moved less than ${esc(String(opts.maxDrift))} (relative), ` +
      `${pct(res.reassignedShare)} of the new HCPs changed segment (maximum ${esc(String(opts.maxReassigned * 100))}%), and they are ${pct(res.newShare)} of the saved universe (maximum ${esc(String(opts.maxNewShare * 100))}%).`;
  $('update-summary').innerHTML =
    `<div><span>New profiles</span> <strong>${esc(name)}</strong></div>` +
    `<div><span>HCPs folded in</span> <strong id="upd-rows">${int(res.rows)}</strong></div>` +
    `<div><span>Changed segment by the update</span> <strong id="upd-reassigned">${int(res.reassigned)}</strong> (${pct(res.reassignedShare)})</div>` +
    `<div><span>Share of the saved universe</span> <strong id="upd-new-share">${pct(res.newShare)}</strong></div>`;
  const maxRel = Math.max(opts.maxDrift, ...res.drift.map((d) => d.relativeShift), 1e-9);
  $('update-out').innerHTML = `<table id="update-drift"><caption>Drift per segment: how far each centre moved when the new HCPs were folded in ` +
    `(shift in the model's scaled feature space; relative = shift ÷ the typical distance of an HCP from the universe mean; the mark is the maximum drift)</caption>` +
    `<thead><tr><th scope="col">Segment</th><th scope="col" class="num">HCPs before</th><th scope="col" class="num">Added</th><th scope="col" class="num">HCPs after</th>` +
    `<th scope="col" class="num">Shift</th><th scope="col" class="num">Relative shift</th><th scope="col" class="drift-bar-h"><span class="visually-hidden">Relative shift against the maximum</span></th></tr></thead><tbody>` +
    res.drift.map((d) => {
      const over = d.relativeShift > opts.maxDrift;
      return `<tr data-seg="${d.id}" data-added="${d.added}" data-shift="${d.shift}" data-rel="${d.relativeShift}"${over ? ' class="over"' : ''}>` +
        `<th scope="row" class="c${d.id % 8}"><span class="swatch" aria-hidden="true"></span>#${d.id} ${esc(d.name)}</th>` +
        `<td class="num">${int(sizeBefore.get(d.id))}</td><td class="num">${int(d.added)}</td><td class="num">${int(sizeAfter.get(d.id))}</td>` +
        `<td class="num">${d.shift.toFixed(3)}</td><td class="num">${d.relativeShift.toFixed(3)}${over ? ' <span class="badge unreliable">over</span>' : ''}</td>` +
        `<td class="drift-cell"><span class="drift-track"><span class="drift-bar" data-w="${(d.relativeShift / maxRel).toFixed(4)}"></span><span class="drift-mark" data-w="${(opts.maxDrift / maxRel).toFixed(4)}"></span></span></td></tr>`;
    }).join('') + '</tbody></table>';
  // Bar widths through the CSSOM (inline style attributes are blocked by the CSP).
  $('update-out').querySelectorAll('[data-w]').forEach((e) => {
    const w = `${(100 * Number(e.dataset.w)).toFixed(1)}%`;
    if (e.classList.contains('drift-mark')) e.style.left = w; else e.style.width = w;
  });
}

function saveUpdatedModel() {
  if (state.update) download(`hcp-segments-model-updated-${stamp()}.json`, JSON.stringify(state.update.res.model), 'application/json');
}

function exportUpdate() {
  const u = state.update;
  if (!u) return;
  const names = new Map(u.res.model.segments.map((s) => [s.id, s.name]));
  const lines = ['hcp_id,segment,segment_name,confidence'];
  for (const a of u.asg.assignments) lines.push(csvLine([a.hcpId, a.segment, names.get(a.segment) ?? assignName(a.segment), a.confidence.toFixed(4)]));
  download(`hcp-folded-in-assignments-${stamp()}.csv`, lines.join('\n') + '\n');
}

// ---------------------------------------------------------------- wiring

function wire() {
  const dz = $('dropzone');
  const stop = (e) => { e.preventDefault(); e.stopPropagation(); };
  ['dragenter', 'dragover'].forEach((t) => dz.addEventListener(t, (e) => { stop(e); dz.classList.add('over'); }));
  ['dragleave', 'drop'].forEach((t) => dz.addEventListener(t, (e) => { stop(e); dz.classList.remove('over'); }));
  dz.addEventListener('drop', (e) => { const f = e.dataTransfer?.files?.[0]; if (f) loadFile(f); });
  // A file dropped anywhere else must not navigate away from the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  $('file-input').addEventListener('change', (e) => { const f = e.target.files?.[0]; if (f) loadFile(f); e.target.value = ''; });
  $('sample-btn').addEventListener('click', loadSample);
  $('events-on').addEventListener('change', showEventBox);
  $('events-btn').addEventListener('click', aggregateEvents);
  $('run-form').addEventListener('submit', (e) => { e.preventDefault(); run(); });
  $('cancel-btn').addEventListener('click', () => state.abort?.abort());
  $('k-select').addEventListener('change', () => { if (state.result && !state.running) run(); });
  $('target-form').addEventListener('change', updateTargeting);
  $('budget-input').addEventListener('input', schedulePlan);
  $('min-index-input').addEventListener('input', schedulePlan);
  $('results-input').addEventListener('change', (e) => { const f = e.target.files?.[0]; if (f) loadResults(f); });
  $('results-clear').addEventListener('click', clearResults);
  $('export-plan').addEventListener('click', exportPlan);
  $('cells-box').addEventListener('change', scheduleCells);
  $('cells-box').addEventListener('input', scheduleCells);
  $('stab-btn').addEventListener('click', runStability);
  $('stab-cancel').addEventListener('click', () => state.stabAbort?.abort());
  $('la-input').addEventListener('change', (e) => { const f = e.target.files?.[0]; if (f) loadCandidates(f); });
  $('la-btn').addEventListener('click', runLookalikes);
  $('export-la').addEventListener('click', exportLookalikes);
  $('export-targets').addEventListener('click', exportTargets);
  $('export-summary-csv').addEventListener('click', exportSummaryCsv);
  $('export-summary-json').addEventListener('click', exportSummaryJson);
  $('save-model').addEventListener('click', saveModel);
  $('model-input').addEventListener('change', (e) => { const f = e.target.files?.[0]; if (f) loadModel(f); });
  $('assign-input').addEventListener('change', (e) => { const f = e.target.files?.[0]; if (f) loadAssignFile(f); });
  $('assign-btn').addEventListener('click', runAssign);
  $('previous-input').addEventListener('change', (e) => { const f = e.target.files?.[0]; if (f) loadPrevious(f); });
  $('refresh-btn').addEventListener('click', runRefresh);
  $('update-btn').addEventListener('click', runUpdate);
  $('save-update-model').addEventListener('click', saveUpdatedModel);
  $('export-update').addEventListener('click', exportUpdate);
  $('export-refresh').addEventListener('click', exportRefresh);
  $('save-refresh-model').addEventListener('click', saveRefreshModel);
  $('export-assign').addEventListener('click', exportAssignments);
  let t = 0;
  window.addEventListener('resize', () => { clearTimeout(t); t = setTimeout(drawScatter, 120); });

  const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
  $('csp-text').textContent = meta ? meta.content : '(development server: no policy; the production build carries it)';
}

wire();
// Start the engine's worker (and its one .wasm fetch) now, before any data is chosen.
engine.warmUp().then((ok) => { document.body.dataset.engine = ok ? 'ready' : 'failed'; });
