// The channel plan (the engine's channelPlan, in the worker) for the selected segments: budget in
// the user's locale, currency, minimum share, exploration, forced channels, campaign results.
import * as engine from '../engine.js';
import { planSegments, renderPlan } from '../targeting.js';
import { renderBudgetBars } from '../charts/bars.js';
import { el } from '../util.js';
import { csvOptions, saveEngineCsv, LOCALE } from '../downloads.js';
import { parseLocaleNumber, localeMarks } from '../numbers.js';
import { store, subscribe, nameOf } from '../store.js';
import { $, showError, clearError, exportError, stamp, onFile } from '../ui.js';
import { toBase64, fromBase64 } from '../project.js';

const plan = {
  /** campaign results file (channelPlan's `results`): {name, input} */
  results: null,
  /** the engine's last plan for the selection */
  value: null,
};

/** The engine's last plan for the selection (the report reads it). */
export const currentPlan = () => plan.value;

let planTimer = 0;
let planSeq = 0;
export function schedulePlan() {
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
  const r = store.result;
  const prev = new Set([...$('force-channels').querySelectorAll('input:checked')].map((i) => i.value));
  const chs = r?.segments[0]?.channels ?? [];
  $('force-channels').replaceChildren(...[...chs].sort((a, b) => (a.displayName ?? a.name).localeCompare(b.displayName ?? b.name))
    .map((c) => el('label', {}, el('input', { type: 'checkbox', name: 'force', value: c.name, checked: prev.has(c.name) || null }), ` ${c.displayName ?? c.name}`)));
}

export async function computePlan() {
  if (!store.rows || !store.mask || !store.result) return;
  const seq = ++planSeq;
  const host = $('plan');
  const segs = planSegments(store.rows, store.mask, store.result.segments, nameOf);
  if (!segs.length) {
    plan.value = null; $('budget-bars').replaceChildren();
    clearError($('plan-error'));
    host.innerHTML = '<p class="muted">Select at least one segment with HCPs in it.</p>';
    $('export-plan').disabled = true;
    return;
  }
  const opts = planOptions();
  if (!opts) { plan.value = null; $('budget-bars').replaceChildren(); $('export-plan').disabled = true; host.replaceChildren(); return; }
  if (plan.results) opts.results = plan.results.input;
  host.setAttribute('aria-busy', 'true');
  try {
    const value = await engine.channelPlan(segs, opts);
    if (seq !== planSeq) return; // a newer request is on its way
    plan.value = value;
    clearError($('plan-error'));
    renderPlan(host, value, { hasResults: !!plan.results, locale: LOCALE });
    renderBudgetBars($('budget-bars'), value, nameOf, LOCALE);
    $('plan-formula').textContent = value.formula ?? '';
    host.dataset.seq = String(seq);
    $('export-plan').disabled = false;
  } catch (e) {
    if (seq !== planSeq) return;
    plan.value = null; $('budget-bars').replaceChildren();
    host.replaceChildren();
    $('export-plan').disabled = true;
    showError($('plan-error'), e, { file: plan.results?.name ?? 'the channel plan', fileHint: plan.results ? 'Fix that row of the campaign results file and load it again, or clear the results.' : null });
  } finally {
    if (seq === planSeq) host.removeAttribute('aria-busy');
  }
}

/** The engine reads the file (any dialect, encoding or workbook) when it plans. */
async function loadResults(file) {
  setResults({ name: file.name, input: new Uint8Array(await file.arrayBuffer()) });
}

function setResults(results) {
  clearError($('plan-error'));
  plan.results = results;
  $('results-status').textContent = `Campaign results: ${results.name}. The plan updates each segment × channel's expected engagement rate with them; channels without results are labelled untested.`;
  $('results-clear').hidden = false;
  schedulePlan();
}

const resultsHint = document.getElementById('results-status').innerHTML;
function clearResults() {
  plan.results = null;
  $('results-status').innerHTML = resultsHint;
  $('results-clear').hidden = true;
  $('results-input').value = '';
  schedulePlan();
}

function exportPlan() {
  if (plan.value) saveEngineCsv(`hcp-channel-plan-${stamp()}.csv`, () => engine.exportCsv('plan', plan.value, csvOptions()), $('export-error'), exportError);
}

/** The plan inputs a project keeps (the campaign results file too: segment × channel results, no HCP rows). */
export function snapshot() {
  return {
    budget: $('budget-input').value,
    currency: $('currency-select').value,
    minShare: $('min-share-input').value,
    exploration: $('exploration-input').value,
    forceChannels: [...$('force-channels').querySelectorAll('input:checked')].map((i) => i.value),
    results: plan.results ? { name: plan.results.name, base64: toBase64(plan.results.input) } : null,
  };
}

export function restore(s) {
  if (!s) return;
  for (const [key, id] of [['budget', 'budget-input'], ['minShare', 'min-share-input'], ['exploration', 'exploration-input']]) {
    if (typeof s[key] === 'string') $(id).value = s[key];
  }
  if (typeof s.currency === 'string' && [...$('currency-select').options].some((o) => o.value === s.currency)) $('currency-select').value = s.currency;
  const force = new Set(s.forceChannels ?? []);
  $('force-channels').querySelectorAll('input').forEach((i) => { i.checked = force.has(i.value); });
  if (s.results?.name && typeof s.results.base64 === 'string') setResults({ name: s.results.name, input: fromBase64(s.results.base64, 'panels.plan.results.base64') });
  else if (plan.results) clearResults();
  schedulePlan();
}

export function wirePlan() {
  subscribe('targeting', fillForceChannels);
  subscribe('selection', schedulePlan);
  subscribe('names', schedulePlan);
  for (const id of ['budget-input', 'min-share-input', 'exploration-input']) $(id).addEventListener('input', schedulePlan);
  $('currency-select').addEventListener('change', schedulePlan);
  $('force-box').addEventListener('change', schedulePlan);
  onFile($('results-input'), loadResults);
  $('results-clear').addEventListener('click', clearResults);
  $('export-plan').addEventListener('click', exportPlan);
  const marks = localeMarks(LOCALE);
  $('budget-example').textContent = `${LOCALE}: ${new Intl.NumberFormat(LOCALE).format(250000.5)}, “${marks.group}” between thousands, “${marks.decimal}” before decimals`;
}
