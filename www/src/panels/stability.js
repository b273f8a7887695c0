// Stability (the engine's bootstrap check, in its own worker): a verdict on every card.
import * as engine from '../engine.js';
import { verdictShort } from '../explain.js';
import { esc, int } from '../util.js';
import { store, subscribe, minSegmentSize, engineInput } from '../store.js';
import { $, showError, clearError } from '../ui.js';
import { excludeIds, runSeed } from './run.js';

const stab = {
  /** the engine's last report for the shown result */
  report: null,
  abort: null,
};

export async function runStability() {
  const r = store.result;
  if (!r || !store.data) return;
  stab.abort?.abort();
  const ctrl = new AbortController();
  stab.abort = ctrl;
  clearError($('stab-error'));
  const resamples = Math.min(200, Math.max(2, Math.floor(Number($('stab-resamples').value) || 20)));
  const opts = { resamples, seed: runSeed() };
  const ex = excludeIds();
  if (ex) opts.exclude = ex;
  renderStability(null);
  $('stab-btn').disabled = true;
  $('stab-cancel').hidden = false;
  const t0 = performance.now();
  const tick = setInterval(() => { $('stab-status').textContent = `Re-clustering ${resamples} bootstrap resamples in the background… ${((performance.now() - t0) / 1000).toFixed(0)} s`; }, 500);
  $('stab-status').textContent = `Re-clustering ${resamples} bootstrap resamples in the background…`;
  try {
    const rep = await engine.stability(r.model, engineInput(), opts, { signal: ctrl.signal, background: true });
    if (store.result !== r) return;
    stab.report = rep;
    renderStability(rep);
    const ms = performance.now() - t0;
    $('stab-status').textContent = `Stability from ${rep.resamples} resamples of ${int(rep.sampleSize)} HCPs in ${(ms / 1000).toFixed(1)} s${rep.failedResamples ? ` (${rep.failedResamples} resamples failed)` : ''}.`;
    $('stab-status').dataset.ms = ms.toFixed(0);
  } catch (e) {
    if (store.result !== r) return;
    renderStability(undefined);
    if (engine.isAbort(e)) $('stab-status').textContent = 'Stability check cancelled.';
    else { $('stab-status').textContent = ''; showError($('stab-error'), e, { file: 'the stability check' }); }
  } finally {
    clearInterval(tick);
    if (stab.abort === ctrl) {
      stab.abort = null;
      $('stab-btn').disabled = false;
      $('stab-cancel').hidden = true;
    }
  }
}

const VERDICT_TEXT = { stable: 'stable', fuzzy: 'fuzzy', unreliable: 'unreliable', tooSmall: 'too small' };

/** null = checking, undefined = not known (cancelled / failed), else the report. */
export function renderStability(rep) {
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
        `<span class="stab-words">${esc(verdictShort(s.verdict))}</span> ` +
        `<span class="muted" title="${esc(title)}">(members kept: Jaccard <span class="jaccard">${s.meanJaccard.toFixed(2)}</span>, p10 <span class="p10">${s.p10Jaccard?.toFixed(2) ?? '–'}</span>)</span>`;
    }
  }
}

/** The stability settings a project keeps. */
/** The engine's last stability report for the shown result (the report reads it). */
export const currentStability = () => stab.report;
export const snapshot = () => ({ resamples: $('stab-resamples').value });
export function restore(s) {
  if (typeof s?.resamples === 'string') $('stab-resamples').value = s.resamples;
}

export function wireStability() {
  const stop = () => stab.abort?.abort();
  subscribe('data', stop);
  subscribe('run-start', stop);
  subscribe('result', () => { stab.report = null; runStability(); });
  $('stab-btn').addEventListener('click', runStability);
  $('stab-cancel').addEventListener('click', stop);
}
