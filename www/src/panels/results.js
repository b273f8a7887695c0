// Panel 3, segments: the run's report, the k sweep, the scatter, the persona cards (names edited
// here), the heatmap; the shareable summary and the model downloads.
import * as engine from '../engine.js';
import { renderWarnings } from '../load.js';
import { renderSweep } from '../sweep.js';
import { explainK } from '../intro.js';
import { renderScatter } from '../scatter.js';
import { renderCards, renderHeatmap } from '../cards.js';
import { setupScatterInteraction, renderLegend } from '../charts/scatter-interact.js';
import { renderSizeBars } from '../charts/bars.js';
import { esc, el, int, download } from '../util.js';
import { csvOptions, saveEngineCsv } from '../downloads.js';
import { store, notify, subscribe, nameOf, minSegmentSize, namedSegments, modelWithNames } from '../store.js';
import { $, exportError, stamp } from '../ui.js';

export function renderResult() {
  const r = store.result;
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
  renderSweep($('sweep-chart'), store.sweep, r.quality.k);
  explainK(r, store.sweep);
  drawScatter();
  $('scatter-caption').textContent = `${int(r.assignments.length)} HCPs on the first two principal components (${(100 * (r.projection.explainedVariance[0] + r.projection.explainedVariance[1])).toFixed(0)}% of variance), centroids numbered`;
  renderLegend($('scatter-legend'), r.segments, nameOf);
  scatterUi?.reset();
  renderSizeBars($('size-bars'), r.segments, nameOf, minSegmentSize());
  renderCards($('cards'), r.segments, store.names, rename, { minSize: minSegmentSize() });
  markNewSegments();
  renderHeatmap($('heatmap'), r.segments, store.names);
}

/** The "new" badge on the cards of segments a re-run could not match to a previous one. */
function markNewSegments() {
  for (const id of store.newSegments) {
    const header = $('cards').querySelector(`.card[data-seg="${id}"] header`);
    header?.querySelector('.seg-no')?.after(el('span', { class: 'badge new-seg', 'data-new': 'true', title: 'Not matched to a segment of the previous run: name it', text: 'new' }));
  }
}

let labelsCache = null;
let scatterUi = null;
export function drawScatter() {
  const r = store.result;
  if (!r) return;
  if (!labelsCache || labelsCache.r !== r) {
    const labels = new Uint8Array(r.assignments.length);
    for (let i = 0; i < labels.length; i++) labels[i] = r.assignments[i].segment;
    labelsCache = { r, labels };
  }
  const sel = store.selection?.segments;
  const highlight = sel && sel.size < r.segments.length ? sel : null;
  renderScatter($('scatter'), r.projection, labelsCache.labels, r.segments.length, highlight);
}

let renameTimer = 0;
export function rename(id, name) {
  store.names.set(id, name.trim() || store.result.segments.find((s) => s.id === id).name);
  clearTimeout(renameTimer);
  renameTimer = setTimeout(() => notify('names'), 150);
}

/** Every name shown outside the cards follows an edit. */
function showNames() {
  renderHeatmap($('heatmap'), store.result.segments, store.names);
  $('scatter-legend').querySelectorAll('[data-seg]').forEach((n) => { n.lastChild.textContent = nameOf(Number(n.dataset.seg)); });
  $('size-bars').querySelectorAll('[data-seg] .nm').forEach((n) => { n.textContent = nameOf(Number(n.closest('[data-seg]').dataset.seg)); });
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

function saveModel() {
  download(`hcp-segments-model-k${store.result.quality.k}-${stamp()}.json`, JSON.stringify(modelWithNames()), 'application/json');
}

export function wireResults() {
  scatterUi = setupScatterInteraction({ canvas: $('scatter'), legend: $('scatter-legend'), list: $('segment-hcps'), nameOf, result: () => store.result, rows: () => store.rows });
  subscribe('data', () => { $('results').hidden = true; });
  subscribe('result', renderResult);
  subscribe('names', showNames);
  subscribe('selection', drawScatter);
  $('export-summary-csv').addEventListener('click', exportSummaryCsv);
  $('export-summary-json').addEventListener('click', exportSummaryJson);
  $('save-model').addEventListener('click', saveModel);
  let t = 0;
  window.addEventListener('resize', () => { clearTimeout(t); t = setTimeout(drawScatter, 120); });
}
