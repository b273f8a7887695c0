// Look-alikes (the engine's lookalikes, in the worker): candidates from another file ranked
// against one segment of the result; the ranking and its export.
import * as engine from '../engine.js';
import { readFileInput, describeInput, sourceLabel, renderWarnings } from '../load.js';
import { esc, el, int, pct } from '../util.js';
import { csvOptions, saveEngineCsv } from '../downloads.js';
import { store, subscribe, nameOf, modelWithNames } from '../store.js';
import { $, showError, clearError, exportError, stamp, withoutCsv, onFile } from '../ui.js';

const la = {
  /** the candidates file, described by the engine */
  data: null,
  /** the engine's last ranking */
  result: null,
};

function setupLookalikes() {
  $('lookalike').hidden = false;
  fillLaSegments();
  $('la-result').hidden = true;
  la.result = null;
  clearError($('la-error'));
  $('la-status').textContent = la.data ? `Candidates: ${la.data.name} (${int(la.data.rowCount)} rows).` : '';
  $('la-btn').disabled = !la.data;
}

function fillLaSegments() {
  const sel = $('la-segment');
  const r = store.result;
  if (!r) return;
  const v = sel.value;
  sel.replaceChildren(...r.segments.map((s) => el('option', { value: s.id, text: nameOf(s.id) })));
  if (v && r.segments.some((s) => String(s.id) === v)) sel.value = v;
}

async function loadCandidates(file) {
  clearError($('la-error'));
  la.data = null;
  try {
    const { kind, input } = await readFileInput(file);
    la.data = await describeInput(file.name, input, kind);
    $('la-status').textContent = `Candidates: ${file.name} (${int(la.data.rowCount)} rows, ${sourceLabel(la.data.inspection.dialect)}).`;
  } catch (e) {
    showError($('la-error'), e, { file: file.name });
  }
  $('la-btn').disabled = !(la.data && store.result);
}

async function runLookalikes() {
  const d = la.data;
  if (!d || !store.result) return;
  clearError($('la-error'));
  const btn = $('la-btn');
  btn.disabled = true;
  btn.textContent = 'Scoring…';
  try {
    const segment = Number($('la-segment').value);
    const top = Math.max(1, Math.floor(Number($('la-top').value) || 50));
    const res = await engine.lookalikes(modelWithNames(), d.input, { segment, top });
    la.result = res;
    const seen = res.sharedChannelShare == null ? '' : ` · the candidates' channels carry ${pct(res.sharedChannelShare)} of the segment's mix`;
    renderWarnings($('la-warnings'), res.warnings ?? []);
    $('export-la').disabled = !res.lookalikes.length;
    $('export-la').title = res.lookalikes.length ? '' : 'Nothing to export: no candidate was ranked';
    $('la-table').innerHTML = `<table id="la-ranking"><caption>Top ${int(res.lookalikes.length)} of ${int(res.candidates)} candidates for ${esc(nameOf(res.segment))}` +
      `${res.usedFeatures ? ` · ranked on ${int(res.usedFeatures.length)} shared features${seen}` : ''}` +
      `${res.unscored ? ` · ${int(res.unscored)} not scored (too little of the profile known)` : ''}${res.missingFeatures.length ? ` · not in the file: ${esc(res.missingFeatures.slice(0, 6).join(', '))}${res.missingFeatures.length > 6 ? '…' : ''}` : ''}</caption>` +
      '<thead><tr><th scope="col" class="num">Rank</th><th scope="col">hcp_id</th><th scope="col" class="num">Score</th><th scope="col" class="num">Coverage</th><th scope="col">Nearest segment</th><th scope="col">Drivers</th></tr></thead><tbody>' +
      res.lookalikes.map((l) => `<tr data-id="${esc(l.hcpId)}"><td class="num">${l.rank}</td><td><code>${esc(l.hcpId)}</code></td><td class="num">${l.score.toFixed(3)}</td><td class="num">${pct(l.coverage)}</td>` +
        `<td><span class="c${l.nearestSegment % 12}"><span class="swatch" aria-hidden="true"></span></span>${esc(nameOf(l.nearestSegment))}</td><td class="drivers">${esc(l.drivers.map((x) => x.feature).join(', '))}</td></tr>`).join('') +
      '</tbody></table>';
    $('la-result').hidden = false;
  } catch (e) {
    $('la-result').hidden = true;
    showError($('la-error'), e, { file: d.name, fileHint: 'Fix that cell of the candidates file (or leave it empty: a missing value is unknown) and load it again.' });
  } finally {
    btn.textContent = 'Find look-alikes';
    btn.disabled = !(la.data && store.result);
  }
}

function exportLookalikes() {
  const res = la.result;
  if (!res?.lookalikes.length) return;
  saveEngineCsv(`hcp-lookalikes-seg${res.segment}-${stamp()}.csv`, () => engine.exportCsv('lookalikes', withoutCsv(res), csvOptions()), $('la-error'), exportError);
}

export function wireLookalikes() {
  subscribe('data', () => { $('lookalike').hidden = true; });
  subscribe('result', setupLookalikes);
  subscribe('names', fillLaSegments);
  onFile($('la-input'), loadCandidates);
  $('la-btn').addEventListener('click', runLookalikes);
  $('export-la').addEventListener('click', exportLookalikes);
}
