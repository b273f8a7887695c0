// Panel 4, target: the filters (segments, specialty, country, consent) over the engine's target
// list, the count they select, and the target-list export (with the test cells when drawn).
import * as engine from '../engine.js';
import { buildRows, selectRows, FILTER_CATEGORIES } from '../targeting.js';
import { el, int, pct, pretty } from '../util.js';
import { csvOptions, templateOption, saveEngineCsv } from '../downloads.js';
import { store, notify, subscribe, nameOf, namedResult, engineInput } from '../store.js';
import { $, showError, exportError, stamp, withoutCsv } from '../ui.js';
import { excludeIds } from './run.js';
import { cellsEnabled, currentCells } from './cells.js';

export function checkGroup(fieldset, items, name) {
  const host = fieldset.querySelector('.checks');
  host.replaceChildren(...items.map(({ value, label, checked, seg }) => el('label', seg != null ? { 'data-seg': seg, class: `c${seg % 12}` } : {},
    el('input', { type: 'checkbox', name, value, checked: checked || null }), ' ',
    seg != null ? el('span', { class: 'swatch', 'aria-hidden': 'true' }) : null,
    el('span', { class: 'nm', text: label }))));
}

/** Build the filters for a new result; resolves once they are on screen (false when superseded or failed). */
export async function setupTargeting() {
  const r = store.result;
  if (!r) return false;
  let list;
  try {
    const categories = FILTER_CATEGORIES.filter((c) => r.report.categories.includes(c));
    list = await engine.targetList({ model: r.model, assignments: r.assignments }, store.data.input, { output: 'table', categories, exclude: excludeIds() ?? [] });
  } catch (e) {
    if (store.result === r) showError($('run-error'), e, { file: store.data.name });
    return false;
  }
  if (store.result !== r) return false;
  store.rows = buildRows(r, list);
  const rows = store.rows;
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
  notify('targeting', r);
  $('target').hidden = false;
  updateTargeting();
  return true;
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

export function updateTargeting() {
  if (!store.rows) return;
  store.selection = readSelection();
  store.mask = selectRows(store.rows, store.selection);
  let count = 0;
  for (let i = 0; i < store.mask.length; i++) count += store.mask[i];
  $('target-count').textContent = int(count);
  $('target-share').textContent = `(${pct(count / store.rows.n)} of ${int(store.rows.n)})`;
  $('export-targets').disabled = count === 0;
  notify('selection', store.selection);
}

async function exportTargets() {
  if (!store.rows || !store.mask) return;
  let cells = null;
  if (cellsEnabled()) {
    // The cells of exactly this selection: wait for the pending computation.
    cells = await currentCells();
    if (cells === undefined) return; // failed (the error is shown)
  }
  const sel = store.selection;
  const filter = {};
  for (const name of FILTER_CATEGORIES) {
    const cat = store.rows.cats[name];
    if (cat && sel[name].size) filter[name] = [...sel[name]].map((c) => cat.levels[c]);
  }
  const opts = { ...csvOptions(), ...templateOption(), segments: [...sel.segments], filter, requireConsent: [...sel.consent] };
  const ex = excludeIds();
  if (ex) opts.exclude = ex;
  if (cells) opts.cells = withoutCsv(cells);
  await saveEngineCsv(`hcp-targets-${stamp()}.csv`, () => engine.targetList(namedResult(), engineInput(), opts), $('export-error'), exportError);
}

/** The filters a project keeps: segment ids, and category levels and consents by their values. */
export function snapshot() {
  if (!store.rows || !store.selection) return null;
  const sel = store.selection;
  const levels = (name) => [...sel[name]].map((c) => store.rows.cats[name]?.levels[c]).filter((v) => v != null);
  return { segments: [...sel.segments], specialty: levels('specialty'), country: levels('country'), consent: [...sel.consent] };
}

/** Tick the kept filters (values the data no longer has are left out) and select again. */
export function restore(s) {
  if (!s || !store.rows) return;
  const f = $('target-form');
  const tick = (name, values) => {
    const want = new Set((values ?? []).map(String));
    f.querySelectorAll(`input[name="${name}"]`).forEach((i) => { i.checked = want.has(i.value); });
  };
  tick('seg', s.segments);
  for (const name of ['specialty', 'country']) {
    const cat = store.rows.cats[name];
    if (!cat) continue;
    const codes = (s[name] ?? []).map((v) => cat.order.find((c) => cat.levels[c] === v)).filter((c) => c != null);
    tick(name, codes);
  }
  tick('consent', s.consent);
  updateTargeting();
}

let ready = Promise.resolve(false);
/** Resolves once the filters of the result shown are on screen (false when they failed). */
export const targetingReady = () => ready;

export function wireTarget() {
  subscribe('data', () => { $('target').hidden = true; });
  subscribe('result', () => { $('target').hidden = true; ready = setupTargeting(); });
  subscribe('names', () => {
    $('seg-picks').querySelectorAll('label[data-seg] span.nm').forEach((n) => { n.textContent = nameOf(Number(n.parentElement.dataset.seg)); });
  });
  $('target-form').addEventListener('change', updateTargeting);
  $('export-targets').addEventListener('click', exportTargets);
}
