// The targeting page: load (profiles or an event log) → segment (in the package's Web Worker) → see
// (with stability) → target (the engine's channel plan, test cells) → export; look-alikes; assign,
// fold in (updateModel) or refresh with a saved model. Every computation is an engine call in the worker (engine.js).
import * as engine from './engine.js';
import { readFileInput, describeInput, changeRole, summaryText, sourceLabel, renderDialect, renderSheets, renderWarnings, renderColumns, rememberModelMapping } from './load.js';
import { renderSweep } from './sweep.js';
import { renderScatter } from './scatter.js';
import { setupScatterInteraction, renderLegend } from './charts/scatter-interact.js';
import { renderSizeBars, renderBudgetBars } from './charts/bars.js';
import { renderFlow } from './charts/flow.js';
import { inkOnRgb } from './palette.js';
import { renderCards, renderHeatmap } from './cards.js';
import { buildRows, selectRows, planSegments, renderPlan, FILTER_CATEGORIES } from './targeting.js';
import { esc, el, int, pct, dec2, pretty, download } from './util.js';
import { setupDownloadControls, csvOptions, templateOption, saveEngineCsv, LOCALE } from './downloads.js';
import { parseLocaleNumber, localeMarks } from './numbers.js';
import { explainError, jsonError } from './errors.js';

const $ = (id) => document.getElementById(id);

const state = {
  /** The loaded input and the engine's inspection of it (load.js: describeInput). */
  data: null,
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
  /** the engine's testCells result for the selection `cellsKey` */
  cellsResult: null,
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

// ---------------------------------------------------------------- loading (the engine's inspect)

async function loadFile(file) {
  clearError($('load-error'));
  clearError($('run-error'));
  try {
    const { kind, input } = await readFileInput(file);
    setData(await describeInput(file.name, input, kind));
  } catch (e) {
    showError($('load-error'), e, { file: file.name, hints: LOAD_HINTS });
  }
}

const LOAD_HINTS = {
  WORKBOOK_READER_MISSING: 'Save the sheet as CSV (UTF-8) in your spreadsheet program and load that file.',
};

async function loadSample() {
  clearError($('load-error'));
  clearError($('run-error'));
  const btn = $('sample-btn');
  btn.disabled = true;
  btn.textContent = 'Generating…';
  try {
    const text = await engine.generateSample(5000, 42);
    setData(await describeInput('sample universe (5,000 HCPs, seed 42)', text, 'file'));
    $('run-btn').focus();
  } catch (e) {
    showError($('load-error'), e, { file: 'sample' });
  } finally {
    btn.disabled = false;
    btn.textContent = 'Use sample universe';
  }
}

async function pickSheet() {
  const d = state.data;
  if (!d) return;
  clearError($('load-error'));
  try {
    setData(await describeInput(d.name, d.input, d.kind, { sheet: $('sheet-select').value }));
    $('sheet-select').focus();
  } catch (e) {
    showError($('load-error'), e, { file: d.name, hints: LOAD_HINTS });
  }
}

function setData(data) {
  state.data = data;
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

function showColumns() {
  renderColumns($('columns-table'), $('columns-count'), state.data, async (column, role) => {
    const d = state.data;
    clearError($('load-error'));
    try {
      await changeRole(d, column, role);
    } catch (e) {
      showError($('load-error'), e, { file: d.name });
    }
    if (state.data !== d) return;
    renderWarnings($('load-warnings'), d.inspection.warnings);
    showColumns();
    $('columns-table').querySelector(`select[data-col="${CSS.escape(column)}"]`)?.focus();
  });
}

/** Event log: window inputs and Aggregate instead of the column roles, and no run until aggregated. */
function showEventBox() {
  const on = $('events-on').checked && state.data?.kind === 'file';
  $('events-box').hidden = !on;
  $('columns-details').hidden = on;
  $('run-btn').disabled = on || !state.data;
  if (on) $('dataset-summary').textContent = `Loaded ${state.data.name}: an event log of ${int(state.data.rowCount)} events × ${state.data.headers.length} columns (${sourceLabel(state.data.inspection.dialect)}). Aggregate it into profiles to segment.`;
}

async function aggregateEvents() {
  const d = state.data;
  if (!d || d.kind !== 'file') return;
  clearError($('events-error'));
  const btn = $('events-btn');
  btn.disabled = true;
  btn.textContent = 'Aggregating…';
  try {
    const opts = {};
    if ($('events-from').value) opts.from = $('events-from').value;
    if ($('events-to').value) opts.to = $('events-to').value;
    const agg = await engine.aggregateEvents(d.input, opts);
    const r = agg.report;
    const profiles = await describeInput(`${d.name} → profiles`, agg.csv, 'file');
    profiles.eventLog = false;
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

// ---------------------------------------------------------------- running

function options() {
  const kv = $('k-select').value;
  const opts = { k: kv === 'auto' ? 'auto' : Number(kv), seed: Number($('seed-input').value) || 0, nRuns: Math.max(1, Number($('runs-input').value) || 10) };
  if (state.data?.roles.size) opts.columns = Object.fromEntries(state.data.roles);
  if (state.data?.sheet != null) opts.sheet = state.data.sheet;
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
    const result = await engine.segment(state.data.input, opts, { onProgress, signal: ctrl.signal });
    const ms = performance.now() - t0;
    state.result = result;
    if (result.kSweep) state.sweep = result.kSweep;
    state.names = new Map(); // names are per result: a new k gives new segments
    renderResult();
    $('columns-details').open = false;
    const secs = (ms / 1000).toFixed(ms < 10000 ? 2 : 1);
    $('run-status').textContent = `Segmented ${int(result.report.rowsUsed)} HCPs into ${result.segments.length} segments in ${secs} s.`;
    $('run-status').dataset.ms = ms.toFixed(0);
    // Row-level data for the filters: the engine's target list, after the cards are on screen.
    setupTargeting();
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

/** The minimum segment size the engine applied (the sweep says it; 10 = minCellSize by default). */
const minSegmentSize = () => state.result?.kSweep?.minSegmentSize || state.sweep?.minSegmentSize || 10;

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
    `<div><span>Silhouette</span> ${r.quality.silhouette == null ? '–' : r.quality.silhouette.toFixed(3)}</div>`;
  renderWarnings($('run-warnings'), rep.warnings);
  renderSweep($('sweep-chart'), state.sweep, r.quality.k);
  drawScatter();
  $('scatter-caption').textContent = `${int(r.assignments.length)} HCPs on the first two principal components (${(100 * (r.projection.explainedVariance[0] + r.projection.explainedVariance[1])).toFixed(0)}% of variance), centroids numbered`;
  renderLegend($('scatter-legend'), r.segments, nameOf);
  scatterUi?.reset();
  renderSizeBars($('size-bars'), r.segments, nameOf, minSegmentSize());
  state.stability = null;
  renderCards($('cards'), r.segments, state.names, rename, { minSize: minSegmentSize() });
  renderHeatmap($('heatmap'), r.segments, state.names);
  $('target').hidden = true;
}

let labelsCache = null;
let scatterUi = null;
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
    $('size-bars').querySelectorAll('[data-seg] .nm').forEach((n) => { n.textContent = nameOf(Number(n.closest('[data-seg]').dataset.seg)); });
    $('seg-picks').querySelectorAll('label[data-seg] span.nm').forEach((n) => { n.textContent = nameOf(Number(n.parentElement.dataset.seg)); });
    fillLaSegments();
    schedulePlan();
  }, 150);
}

// ---------------------------------------------------------------- targeting

function checkGroup(fieldset, items, name) {
  const host = fieldset.querySelector('.checks');
  host.replaceChildren(...items.map(({ value, label, checked, seg }) => el('label', seg != null ? { 'data-seg': seg, class: `c${seg % 12}` } : {},
    el('input', { type: 'checkbox', name, value, checked: checked || null }), ' ',
    seg != null ? el('span', { class: 'swatch', 'aria-hidden': 'true' }) : null,
    seg != null ? `#${seg} ` : null,
    el('span', { class: 'nm', text: label }))));
}

/** The result as the engine's writers take it: model, assignments, segments with the names shown. */
function namedResult() {
  const r = state.result;
  return { model: modelWithNames(), assignments: r.assignments, segments: namedSegments() };
}
const namedSegments = () => state.result.segments.map((s) => ({ ...s, name: nameOf(s.id) }));

async function setupTargeting() {
  const r = state.result;
  if (!r) return;
  let list;
  try {
    const categories = FILTER_CATEGORIES.filter((c) => r.report.categories.includes(c));
    list = await engine.targetList({ model: r.model, assignments: r.assignments }, state.data.input, { output: 'table', categories, exclude: options().exclude ?? [] });
  } catch (e) {
    if (state.result === r) showError($('run-error'), e, { file: state.data.name });
    return;
  }
  if (state.result !== r) return;
  state.rows = buildRows(r, list);
  const rows = state.rows;
  checkGroup($('seg-picks'), r.segments.map((s) => ({ value: s.id, label: nameOf(s.id), checked: true, seg: s.id })), 'seg');
  for (const name of ['specialty', 'country']) {
    const fs = $(`filter-${name}`);
    const cat = rows.cats[name];
    fs.hidden = !cat;
    if (cat) checkGroup(fs, cat.order.map((c) => ({ value: c, label: cat.levels[c] })), name);
  }
  const consentNames = Object.keys(rows.consents);
  $('filter-consent').hidden = !consentNames.length;
  checkGroup($('filter-consent'), consentNames.map((c) => ({ value: c, label: c })), 'consent');
  // Test cells: stratify by specialty and country (the engine's default) when the file has them.
  const prev = new Set([...$('cells-strata').querySelectorAll('input:checked')].map((i) => i.value));
  const cats = r.report.categories;
  $('cells-strata').replaceChildren(...cats.map((c) => el('label', {}, el('input', { type: 'checkbox', value: c, checked: (prev.size ? prev.has(c) : ['specialty', 'country'].includes(c)) || null }), ` ${pretty(c)}`)));
  if (!cats.length) $('cells-strata').append(el('span', { class: 'muted', text: 'no category columns' }));
  state.cellsResult = null;
  state.cellsKey = '';
  fillForceChannels();
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

const engineInput = () => state.data.input;
let planTimer = 0;
let planSeq = 0;
function schedulePlan() {
  clearTimeout(planTimer);
  planTimer = setTimeout(computePlan, 80);
}

/** The budget, read in the user's locale; an ambiguous number is refused with how to write it. */
function readBudget() {
  const r = parseLocaleNumber($('budget-input').value, LOCALE);
  const err = $('budget-error');
  err.hidden = !r.error;
  err.textContent = r.error ?? '';
  $('budget-input').setAttribute('aria-invalid', r.error ? 'true' : 'false');
  return r.error ? null : r.value;
}

/** channelPlan's options from the controls; null while the budget is not a number. */
function planOptions() {
  const budget = readBudget();
  if (budget == null) return null;
  const percent = (id, dflt) => {
    const v = $(id).valueAsNumber;
    return Number.isFinite(v) ? Math.min(100, Math.max(0, v)) / 100 : dflt;
  };
  return {
    budget,
    currency: $('currency-select').value,
    minMixShare: percent('min-share-input', 0.02),
    explorationShare: percent('exploration-input', 0.1),
    forceChannels: [...$('force-channels').querySelectorAll('input:checked')].map((i) => i.value),
  };
}

/** The forced-channel choices: every channel of the run, by its display name. */
function fillForceChannels() {
  const r = state.result;
  const prev = new Set([...$('force-channels').querySelectorAll('input:checked')].map((i) => i.value));
  const chs = r?.segments[0]?.channels ?? [];
  $('force-channels').replaceChildren(...[...chs].sort((a, b) => (a.displayName ?? a.name).localeCompare(b.displayName ?? b.name))
    .map((c) => el('label', {}, el('input', { type: 'checkbox', name: 'force', value: c.name, checked: prev.has(c.name) || null }), ` ${c.displayName ?? c.name}`)));
}

async function computePlan() {
  if (!state.rows || !state.mask || !state.result) return;
  const seq = ++planSeq;
  const host = $('plan');
  const segs = planSegments(state.rows, state.mask, state.result.segments, nameOf);
  if (!segs.length) {
    state.plan = null; $('budget-bars').replaceChildren();
    clearError($('plan-error'));
    host.innerHTML = '<p class="muted">Select at least one segment with HCPs in it.</p>';
    $('export-plan').disabled = true;
    return;
  }
  const opts = planOptions();
  if (!opts) { state.plan = null; $('budget-bars').replaceChildren(); $('export-plan').disabled = true; host.replaceChildren(); return; }
  if (state.planResults) opts.results = state.planResults.input;
  host.setAttribute('aria-busy', 'true');
  try {
    const plan = await engine.channelPlan(segs, opts);
    if (seq !== planSeq) return; // a newer request is on its way
    state.plan = plan;
    clearError($('plan-error'));
    renderPlan(host, plan, { hasResults: !!state.planResults, locale: LOCALE });
    renderBudgetBars($('budget-bars'), plan, nameOf, LOCALE);
    $('plan-formula').textContent = plan.formula ?? '';
    host.dataset.seq = String(seq);
    $('export-plan').disabled = false;
  } catch (e) {
    if (seq !== planSeq) return;
    state.plan = null; $('budget-bars').replaceChildren();
    host.replaceChildren();
    $('export-plan').disabled = true;
    showError($('plan-error'), e, { file: state.planResults?.name ?? 'the channel plan', fileHint: state.planResults ? 'Fix that row of the campaign results file and load it again, or clear the results.' : null });
  } finally {
    if (seq === planSeq) host.removeAttribute('aria-busy');
  }
}

async function loadResults(file) {
  clearError($('plan-error'));
  // The engine reads the file (any dialect, encoding or workbook) when it plans.
  state.planResults = { name: file.name, input: new Uint8Array(await file.arrayBuffer()) };
  $('results-status').textContent = `Campaign results: ${file.name}. The plan updates each segment × channel's expected engagement rate with them; channels without results are labelled untested.`;
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
  $('export-cells').disabled = true;
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
    if (!ids.length) { state.cellsResult = null; state.cellsKey = key; $('cells-out').innerHTML = '<p class="muted">No HCP selected.</p>'; return; }
    try {
      const res = await engine.testCells(state.result.model, engineInput(), call);
      if (cellsKey() !== key) return;
      state.cellsResult = res;
      $('export-cells').disabled = false;
      state.cellsKey = key;
      clearError($('cells-error'));
      renderCells(res);
    } catch (e) {
      if (cellsKey() !== key) return;
      state.cellsResult = null;
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

const VERDICT_TEXT = { stable: 'stable', fuzzy: 'fuzzy', unreliable: 'unreliable', tooSmall: 'too small' };

/** null = checking, undefined = not known (cancelled / failed), else the report. */
function renderStability(rep) {
  for (const slot of $('cards').querySelectorAll('.stab')) {
    const id = Number(slot.dataset.seg);
    const s = rep?.segments.find((x) => x.id === id);
    if (rep === null) slot.innerHTML = 'Stability <span class="badge pending">checking…</span>';
    else if (!s) slot.innerHTML = 'Stability <span class="badge pending">not checked</span>';
    else {
      const why = s.verdict === 'tooSmall'
        ? `Fewer HCPs than the minimum segment size (${minSegmentSize()}): never judged stable. `
        : '';
      const title = `${why}Jaccard of the members over ${s.resamples} bootstrap resamples: mean ${s.meanJaccard.toFixed(2)}, ` +
        `10th percentile ${s.p10Jaccard?.toFixed(2) ?? '–'}, minimum ${s.minJaccard.toFixed(2)}. The verdict weighs the spread (10th percentile), not only the mean.`;
      slot.innerHTML = `Stability <span class="badge ${s.verdict}" data-verdict="${s.verdict}" title="${esc(title)}">${VERDICT_TEXT[s.verdict] ?? s.verdict}</span> ` +
        `<span title="${esc(title)}">Jaccard <span class="jaccard">${s.meanJaccard.toFixed(2)}</span> (p10 <span class="p10">${s.p10Jaccard?.toFixed(2) ?? '–'}</span>)</span>`;
    }
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
    const { kind, input } = await readFileInput(file);
    state.laData = await describeInput(file.name, input, kind);
    $('la-status').textContent = `Candidates: ${file.name} (${int(state.laData.rowCount)} rows, ${sourceLabel(state.laData.inspection.dialect)}).`;
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
    const res = await engine.lookalikes(modelWithNames(), d.input, { segment, top });
    state.laResult = res;
    const seen = res.sharedChannelShare == null ? '' : ` · the candidates' channels carry ${pct(res.sharedChannelShare)} of the segment's mix`;
    renderWarnings($('la-warnings'), res.warnings ?? []);
    $('export-la').disabled = !res.lookalikes.length;
    $('export-la').title = res.lookalikes.length ? '' : 'Nothing to export: no candidate was ranked';
    $('la-table').innerHTML = `<table id="la-ranking"><caption>Top ${int(res.lookalikes.length)} of ${int(res.candidates)} candidates for #${res.segment} ${esc(nameOf(res.segment))}` +
      `${res.usedFeatures ? ` · ranked on ${int(res.usedFeatures.length)} shared features${seen}` : ''}` +
      `${res.unscored ? ` · ${int(res.unscored)} not scored (too little of the profile known)` : ''}${res.missingFeatures.length ? ` · not in the file: ${esc(res.missingFeatures.slice(0, 6).join(', '))}${res.missingFeatures.length > 6 ? '…' : ''}` : ''}</caption>` +
      '<thead><tr><th scope="col" class="num">Rank</th><th scope="col">hcp_id</th><th scope="col" class="num">Score</th><th scope="col" class="num">Coverage</th><th scope="col">Nearest segment</th><th scope="col">Drivers</th></tr></thead><tbody>' +
      res.lookalikes.map((l) => `<tr data-id="${esc(l.hcpId)}"><td class="num">${l.rank}</td><td><code>${esc(l.hcpId)}</code></td><td class="num">${l.score.toFixed(3)}</td><td class="num">${pct(l.coverage)}</td>` +
        `<td><span class="c${l.nearestSegment % 12}"><span class="swatch" aria-hidden="true"></span></span>#${l.nearestSegment}</td><td class="drivers">${esc(l.drivers.map((x) => x.feature).join(', '))}</td></tr>`).join('') +
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

/** A result as the engine's writers take it: without the CSV text the engine once wrote itself. */
const withoutCsv = ({ csv, ...rest }) => rest;

function exportLookalikes() {
  const res = state.laResult;
  if (!res?.lookalikes.length) return;
  saveEngineCsv(`hcp-lookalikes-seg${res.segment}-${stamp()}.csv`, () => engine.exportCsv('lookalikes', withoutCsv(res), csvOptions()), $('la-error'), exportError);
}

// ---------------------------------------------------------------- exports

const stamp = () => new Date().toISOString().slice(0, 10);

const exportError = (host, e) => showError(host, e, { file: 'the export' });

async function exportTargets() {
  if (!state.rows || !state.mask) return;
  let cells = null;
  if ($('cells-on').checked) {
    // The cells of exactly this selection: wait for the pending computation.
    await computeCells();
    if (state.cellsKey !== cellsKey()) return; // failed (the error is shown)
    cells = state.cellsResult;
  }
  const sel = state.selection;
  const filter = {};
  for (const name of FILTER_CATEGORIES) {
    const cat = state.rows.cats[name];
    if (cat && sel[name].size) filter[name] = [...sel[name]].map((c) => cat.levels[c]);
  }
  const opts = { ...csvOptions(), ...templateOption(), segments: [...sel.segments], filter, requireConsent: [...sel.consent] };
  const ex = options().exclude;
  if (ex) opts.exclude = ex;
  if (cells) opts.cells = withoutCsv(cells);
  await saveEngineCsv(`hcp-targets-${stamp()}.csv`, () => engine.targetList(namedResult(), engineInput(), opts), $('export-error'), exportError);
}

function exportPlan() {
  if (state.plan) saveEngineCsv(`hcp-channel-plan-${stamp()}.csv`, () => engine.exportCsv('plan', state.plan, csvOptions()), $('export-error'), exportError);
}

function exportCells() {
  if (state.cellsResult && state.cellsKey === cellsKey()) {
    saveEngineCsv(`hcp-test-cells-${stamp()}.csv`, () => engine.exportCsv('testCells', withoutCsv(state.cellsResult), csvOptions()), $('export-error'), exportError);
  }
}

/** The engine's shareable summary (segmentSummary: small cells suppressed), with the names shown. */
async function exportSummaryJson() {
  try {
    const summary = await engine.segmentSummary(namedSegments());
    download(`hcp-segments-summary-${stamp()}.json`, JSON.stringify(summary, null, 2), 'application/json');
  } catch (e) {
    exportError($('export-error'), e);
  }
}

function exportSummaryCsv() {
  saveEngineCsv(`hcp-segments-summary-${stamp()}.csv`, () => engine.exportCsv('summary', namedSegments(), csvOptions()), $('export-error'), exportError);
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
    rememberModelMapping(m.columns);
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
  syncAssignButtons(); // no Assign / Fold in / Refresh on the previous file while this one is read
  try {
    const { kind, input } = await readFileInput(file);
    state.assignData = await describeInput(file.name, input, kind);
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
    const res = await engine.assign(state.model, d.input);
    state.assignResult = res;
    const names = modelSegmentNames(state.model);
    const counts = new Map();
    let confSum = 0;
    for (const a of res.assignments) { counts.set(a.segment, (counts.get(a.segment) ?? 0) + 1); confSum += a.confidence; }
    const ids = [...counts.keys()].sort((a, b) => a - b);
    const n = res.assignments.length;
    $('assign-table').innerHTML = `<table id="assign-counts"><caption>${int(n)} HCPs from ${esc(d.name)} assigned · mean confidence ${dec2(n ? confSum / n : null)}</caption>` +
      `<thead><tr><th scope="col">Segment</th><th scope="col" class="num">HCPs</th><th scope="col" class="num">Share</th></tr></thead><tbody>` +
      ids.map((id) => `<tr data-seg="${id}"><td><span class="c${id % 12}"><span class="swatch" aria-hidden="true"></span></span>#${id} ${esc(names.get(id) ?? assignName(id))}</td><td class="num">${int(counts.get(id))}</td><td class="num">${pct(counts.get(id) / n)}</td></tr>`).join('') +
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

/**
 * The model's segments as the engine's writers take segments (only the id and name are used: the
 * name column of an assignments export).
 */
function modelSegmentsForExport(model) {
  return [...modelSegmentNames(model)].map(([id, name]) => ({
    id, name, drivers: [], size: 0, share: 0, channels: [], formats: [], meanEngagements: 0, composition: [], reach: [], silhouette: null, cohesion: 0,
  }));
}

function exportAssignments() {
  const res = state.assignResult;
  if (!res) return;
  const value = { assignments: res.assignments, segments: modelSegmentsForExport(state.model) };
  saveEngineCsv(`hcp-assignments-${stamp()}.csv`, () => engine.exportCsv('assignments', value, csvOptions()), $('assign-error'), exportError);
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

/** Previous period's assignments: a file with hcp_id and segment columns (the page's exports have them), read by the engine on Refresh. */
async function loadPrevious(file) {
  clearError($('assign-error'));
  state.previous = { name: file.name, input: new Uint8Array(await file.arrayBuffer()) };
  $('model-status').textContent = `Previous assignments: ${file.name}.`;
}

async function runRefresh() {
  if (!state.model || !state.assignData) return;
  clearError($('assign-error'));
  const btn = $('refresh-btn');
  btn.disabled = true;
  btn.textContent = 'Refreshing…';
  try {
    const d = state.assignData;
    const res = await engine.refresh(state.model, d.input, state.previous?.input ?? null, {});
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
    rr.matches.map((m) => `<tr data-seg="${m.id}" data-prev="${m.previousId ?? ''}"><th scope="row" class="c${m.id % 12}"><span class="swatch" aria-hidden="true"></span>#${m.id} ${esc(m.name)}</th><td class="num">${int(m.size)}</td>` +
      `<td>${m.previousId == null ? '<strong>new segment</strong>' : `#${m.previousId} ${esc(oldNames.get(m.previousId) ?? '')}`}</td><td class="num">${m.distance == null ? '–' : m.distance.toFixed(3)}</td></tr>`).join('') + '</tbody></table>';
  let migration = '';
  if (hasPrev && rr.migration.length) {
    const newIds = res.segments.map((s) => s.id).sort((a, b) => a - b);
    migration = `<table id="migration" class="heatmap migration"><caption>Migration: HCPs in both periods, saved segment (rows) → new segment (columns); the diagonal stayed</caption>` +
      `<thead><tr><th scope="col">From \\ to</th>${newIds.map((j) => `<th scope="col" class="num c${j % 12}"><span class="swatch" aria-hidden="true"></span>#${j}</th>`).join('')}<th scope="col" class="num">Total</th></tr></thead><tbody>` +
      rr.migration.map((row, i) => `<tr data-from="${i}"><th scope="row" class="seg c${i % 12}"><span class="swatch" aria-hidden="true"></span>#${i} ${esc(oldNames.get(i) ?? '')}</th>` +
        newIds.map((j) => `<td class="cell${i === j ? ' diag' : ''}" data-to="${j}" data-n="${row[j] ?? 0}" title="#${i} → #${j}: ${int(row[j] ?? 0)} HCPs">${int(row[j] ?? 0)}</td>`).join('') +
        `<td class="num">${int(row.reduce((a, b) => a + b, 0))}</td></tr>`).join('') + '</tbody></table>';
  }
  $('refresh-out').innerHTML = matches + migration;
  if (migration) $('migration').before(el('div', { id: 'migration-flow' }));
  if (migration) renderFlow($('migration-flow'), rr.migration, (i) => oldNames.get(i) ?? `Segment ${i}`, (j) => res.segments.find((x) => x.id === j)?.name ?? `Segment ${j}`);
  // Shade the migration cells (CSSOM, allowed by the CSP) by their count.
  const max = Math.max(1, ...rr.migration.flat());
  $('refresh-out').querySelectorAll('#migration td.cell').forEach((td) => {
    const t = Math.sqrt(Number(td.dataset.n) / max);
    const a = 0.08 + 0.85 * t, bg = [0, 114, 178].map((c) => Math.round(255 - a * (255 - c)));
    td.style.backgroundColor = `rgb(${bg.join(',')})`;
    td.style.color = inkOnRgb(bg);
  });
}

function exportRefresh() {
  const res = state.refreshResult;
  if (!res) return;
  const value = { assignments: res.assignments, segments: res.segments };
  saveEngineCsv(`hcp-refreshed-assignments-${stamp()}.csv`, () => engine.exportCsv('assignments', value, csvOptions()), $('assign-error'), exportError);
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
    const input = d.input;
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
        `<th scope="row" class="c${d.id % 12}"><span class="swatch" aria-hidden="true"></span>#${d.id} ${esc(d.name)}</th>` +
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
  const value = { assignments: u.asg.assignments, segments: modelSegmentsForExport(u.res.model) };
  saveEngineCsv(`hcp-folded-in-assignments-${stamp()}.csv`, () => engine.exportCsv('assignments', value, csvOptions()), $('assign-error'), exportError);
}

// ---------------------------------------------------------------- wiring

function wire() {
  scatterUi = setupScatterInteraction({ canvas: $('scatter'), legend: $('scatter-legend'), list: $('segment-hcps'), nameOf, result: () => state.result, rows: () => state.rows });
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
  for (const id of ['budget-input', 'min-share-input', 'exploration-input']) $(id).addEventListener('input', schedulePlan);
  $('currency-select').addEventListener('change', schedulePlan);
  $('force-box').addEventListener('change', schedulePlan);
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
  $('export-cells').addEventListener('click', exportCells);
  $('sheet-select').addEventListener('change', pickSheet);
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

  const marks = localeMarks(LOCALE);
  $('budget-example').textContent = `${LOCALE}: ${new Intl.NumberFormat(LOCALE).format(250000.5)}, “${marks.group}” between thousands, “${marks.decimal}” before decimals`;
  const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
  $('csp-text').textContent = meta ? meta.content : '(development server: no policy; the production build carries it)';
}

setupDownloadControls();
wire();
// Start the engine's worker (and its one .wasm fetch) now, before any data is chosen.
engine.warmUp().then((ok) => { document.body.dataset.engine = ok ? 'ready' : 'failed'; });
