// Test cells (the engine's testCells, in the worker) for the selected HCPs: arms, holdout, seed,
// strata; the cells table and its export.
import * as engine from '../engine.js';
import { esc, el, int, pct, pretty } from '../util.js';
import { csvOptions, saveEngineCsv } from '../downloads.js';
import { store, subscribe, nameOf, engineInput } from '../store.js';
import { $, showError, clearError, exportError, stamp, withoutCsv } from '../ui.js';
import { excludeIds } from './run.js';

const cells = {
  /** the engine's testCells result for the selection `key` */
  result: null,
  key: '',
  pending: null,
};

function cellsOptions() {
  const arms = $('cells-arms').value.split(',').map((a) => a.trim()).filter(Boolean);
  const holdout = Math.max(0, Number($('cells-holdout').value) || 0) / 100;
  const seed = Math.max(0, Math.floor(Number($('cells-seed').value) || 0));
  const strata = [...$('cells-strata').querySelectorAll('input:checked')].map((i) => i.value);
  return { arms: arms.length ? arms : ['A', 'B'], holdout, seed, strata };
}
/** What the current cells depend on: the selection and the options. */
function cellsKey() {
  if (!store.mask) return '';
  let h = 0;
  for (let i = 0; i < store.mask.length; i++) if (store.mask[i]) h = (Math.imul(h, 31) + i + 1) | 0;
  return `${h}|${JSON.stringify(cellsOptions())}|${store.result?.model?.checksum}`;
}

/** The test-cell settings (the report's test design). */
export const currentCellsOptions = () => cellsOptions();
export const cellsEnabled = () => $('cells-on').checked;

let cellsTimer = 0;
export function scheduleCells() {
  clearTimeout(cellsTimer);
  $('export-cells').disabled = true;
  if (!cellsEnabled()) { $('cells-out').replaceChildren(); clearError($('cells-error')); return; }
  cellsTimer = setTimeout(computeCells, 120);
}

export function computeCells() {
  const key = cellsKey();
  if (!store.rows || !key) return Promise.resolve();
  if (cells.key === key) return Promise.resolve();
  if (cells.pending && cells.pending.key === key) return cells.pending.promise;
  const opts = cellsOptions();
  const ids = [];
  for (let i = 0; i < store.rows.n; i++) if (store.mask[i]) ids.push(String(store.rows.ids[i]));
  const call = { ...opts, ids };
  const ex = excludeIds();
  if (ex) call.exclude = ex;
  const promise = (async () => {
    if (!ids.length) { cells.result = null; cells.key = key; $('cells-out').innerHTML = '<p class="muted">No HCP selected.</p>'; return; }
    try {
      const res = await engine.testCells(store.result.model, engineInput(), call);
      if (cellsKey() !== key) return;
      cells.result = res;
      $('export-cells').disabled = false;
      cells.key = key;
      clearError($('cells-error'));
      renderCells(res);
    } catch (e) {
      if (cellsKey() !== key) return;
      cells.result = null;
      cells.key = '';
      $('cells-out').replaceChildren();
      showError($('cells-error'), e, { file: 'test cells', fileHint: 'Check the arms and the holdout share.' });
    } finally {
      if (cells.pending?.key === key) cells.pending = null;
    }
  })();
  cells.pending = { key, promise };
  return promise;
}

/** The cells of exactly the current selection (null: none selected), once computed; undefined when they failed. */
export async function currentCells() {
  await computeCells();
  return cells.key === cellsKey() ? cells.result : undefined;
}

export function renderCells(res) {
  const segIds = [...new Set(res.assignments.map((a) => a.segment))].sort((a, b) => a - b);
  const by = new Map(res.cells.map((c) => [c.cell, new Map()]));
  for (const a of res.assignments) { const m = by.get(a.cell); m.set(a.segment, (m.get(a.segment) ?? 0) + 1); }
  const n = res.assignments.length;
  $('cells-out').innerHTML = `<table id="cells-table"><caption>${int(n)} HCPs in ${res.cells.length} cells${res.stratifiedBy.length ? `, stratified by segment × ${esc(res.stratifiedBy.join(' × '))} (${int(Object.keys(res.strata).length)} strata; every cell within ±1 of its quota in each)` : ', stratified by segment only'}</caption>` +
    `<thead><tr><th scope="col">Cell</th><th scope="col" class="num">Target share</th><th scope="col" class="num">HCPs</th>${segIds.map((s) => `<th scope="col" class="num seg-name" data-seg="${s}">${esc(nameOf(s))}</th>`).join('')}</tr></thead><tbody>` +
    res.cells.map((c) => `<tr data-cell="${esc(c.cell)}"><th scope="row">${esc(c.cell)}</th><td class="num">${pct(c.share)}</td><td class="num cell-count">${int(c.count)}</td>${segIds.map((s) => `<td class="num">${int(by.get(c.cell).get(s) ?? 0)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>';
}

/** Test cells: stratify by specialty and country (the engine's default) when the file has them. */
function fillStrata() {
  const prev = new Set([...$('cells-strata').querySelectorAll('input:checked')].map((i) => i.value));
  const cats = store.result.report.categories;
  $('cells-strata').replaceChildren(...cats.map((c) => el('label', {}, el('input', { type: 'checkbox', value: c, checked: (prev.size ? prev.has(c) : ['specialty', 'country'].includes(c)) || null }), ` ${pretty(c)}`)));
  if (!cats.length) $('cells-strata').append(el('span', { class: 'muted', text: 'no category columns' }));
  cells.result = null;
  cells.key = '';
}

function exportCells() {
  if (cells.result && cells.key === cellsKey()) {
    saveEngineCsv(`hcp-test-cells-${stamp()}.csv`, () => engine.exportCsv('testCells', withoutCsv(cells.result), csvOptions()), $('export-error'), exportError);
  }
}

/** The test-cell settings a project keeps. */
export function snapshot() {
  return {
    on: cellsEnabled(), arms: $('cells-arms').value, holdout: $('cells-holdout').value, seed: $('cells-seed').value,
    strata: [...$('cells-strata').querySelectorAll('input:checked')].map((i) => i.value),
  };
}

export function restore(s) {
  if (!s) return;
  $('cells-on').checked = !!s.on;
  for (const [key, id] of [['arms', 'cells-arms'], ['holdout', 'cells-holdout'], ['seed', 'cells-seed']]) {
    if (typeof s[key] === 'string') $(id).value = s[key];
  }
  const strata = new Set(s.strata ?? []);
  $('cells-strata').querySelectorAll('input').forEach((i) => { i.checked = strata.has(i.value); });
  scheduleCells();
}

export function wireCells() {
  subscribe('targeting', fillStrata);
  subscribe('selection', scheduleCells);
  subscribe('names', () => $('cells-out').querySelectorAll('th.seg-name').forEach((n) => { n.textContent = nameOf(Number(n.dataset.seg)); }));
  $('cells-box').addEventListener('change', scheduleCells);
  $('cells-box').addEventListener('input', scheduleCells);
  $('export-cells').addEventListener('click', exportCells);
}
