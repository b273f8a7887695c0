// Panel 2, segment: the run settings, the progress of a run in the worker, cancelling it.
import * as engine from '../engine.js';
import { el, int } from '../util.js';
import { store, notify } from '../store.js';
import { $, showError, clearError } from '../ui.js';

const STAGES = [
  ['parse', 'Parsing'], ['encode', 'Encoding'], ['sweep', 'k sweep (k = 3…8)'], ['cluster', 'Clustering (restarts)'],
  ['profile', 'Profiling'], ['project', 'Projection'],
];

let abort = null;

/** HCP ids to leave out of every call (the "exclude" box), or undefined. */
export function excludeIds() {
  const ex = $('exclude-input').value.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  return ex.length ? ex : undefined;
}

/** segment's options from the controls and the column roles of the loaded data. */
export function runOptions() {
  const kv = $('k-select').value;
  const opts = { k: kv === 'auto' ? 'auto' : Number(kv), seed: Number($('seed-input').value) || 0, nRuns: Math.max(1, Number($('runs-input').value) || 10) };
  if (store.data?.roles.size) opts.columns = Object.fromEntries(store.data.roles);
  if (store.data?.sheet != null) opts.sheet = store.data.sheet;
  const ex = excludeIds();
  if (ex) opts.exclude = ex;
  return opts;
}

/** The seed of the run settings (stability uses it too). */
export const runSeed = () => Number($('seed-input').value) || 0;

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

/**
 * Segment the loaded data with the run settings. `keepNames` (a function of the previous and the
 * new result, resolving to the names to keep) runs before the new result is shown.
 * Resolves to the result, or null (cancelled, failed, nothing loaded).
 */
export async function run({ keepNames = null } = {}) {
  if (!store.data || store.running) return null;
  notify('run-start');
  clearError($('run-error'));
  clearError($('load-error'));
  const opts = runOptions();
  startProgress(opts.k !== 'auto');
  const ctrl = new AbortController();
  abort = ctrl;
  store.running = true;
  $('run-btn').disabled = true;
  $('cancel-btn').hidden = false;
  $('run-status').textContent = '';
  const t0 = performance.now();
  const previous = store.result;
  try {
    const result = await engine.segment(store.data.input, opts, { onProgress, signal: ctrl.signal });
    const ms = performance.now() - t0;
    const kept = keepNames ? await keepNames(previous, result) : null;
    store.result = result;
    if (result.kSweep) store.sweep = result.kSweep;
    store.names = kept?.names ?? new Map(); // names are per result unless matched to the previous one
    store.newSegments = kept?.newSegments ?? new Set();
    const secs = (ms / 1000).toFixed(ms < 10000 ? 2 : 1);
    $('run-status').textContent = `Segmented ${int(result.report.rowsUsed)} HCPs into ${result.segments.length} segments in ${secs} s.`;
    $('run-status').dataset.ms = ms.toFixed(0);
    notify('result', result);
    $('columns-details').open = false;
    return result;
  } catch (e) {
    if (engine.isAbort(e)) {
      $('run-status').textContent = 'Cancelled. Nothing was kept; you can run again.';
    } else {
      showError($('run-error'), e, { file: store.data.name });
      $('columns-details').open = true;
    }
    return null;
  } finally {
    store.running = false;
    abort = null;
    $('run-btn').disabled = !store.data;
    $('cancel-btn').hidden = true;
    $('progress').hidden = true;
  }
}

/** The run settings a project keeps (the controls' text, so a restore shows them as typed). */
export function snapshot() {
  return { k: $('k-select').value, seed: $('seed-input').value, nRuns: $('runs-input').value, exclude: $('exclude-input').value };
}

export function restore(s) {
  if (!s) return;
  if (typeof s.k === 'string' && [...$('k-select').options].some((o) => o.value === s.k)) $('k-select').value = s.k;
  if (typeof s.seed === 'string') $('seed-input').value = s.seed;
  if (typeof s.nRuns === 'string') $('runs-input').value = s.nRuns;
  if (typeof s.exclude === 'string') $('exclude-input').value = s.exclude;
}

export function wireRun(onRun) {
  $('run-form').addEventListener('submit', (e) => { e.preventDefault(); onRun(); });
  $('cancel-btn').addEventListener('click', () => abort?.abort());
  $('k-select').addEventListener('change', () => { if (store.result && !store.running) onRun(); });
}
