// A saved model on new data: assign, refresh (re-segment and match, with the migration from the
// previous assignments) and fold in (updateModel). The three actions share one shape — the model
// and the new file loaded here, one runner (run in the worker, render, show its result), one
// export of the assignments and one model download — and differ only in ACTIONS below.
import * as engine from '../engine.js';
import { readFileInput, describeInput, rememberModelMapping } from '../load.js';
import { download } from '../util.js';
import { csvOptions, saveEngineCsv } from '../downloads.js';
import { jsonError } from '../errors.js';
import { $, showError, clearError, exportError, stamp, onFile } from '../ui.js';
import { modelSegmentNames, renderAssign, renderRefresh, renderUpdate } from './saved-views.js';

const saved = {
  /** the model loaded from a file */
  model: null,
  /** the new file, described by the engine */
  data: null,
  /** the previous period's assignments (refresh's migration): {name, input} */
  previous: null,
  /** each action's last output: {out, model, name} */
  last: {},
};

/**
 * The model's segments as the engine's writers take segments (only the id and name are used: the
 * name column of an assignments export).
 */
function modelSegmentsForExport(model) {
  return [...modelSegmentNames(model)].map(([id, name]) => ({
    id, name, drivers: [], size: 0, share: 0, channels: [], formats: [], meanEngagements: 0, composition: [], reach: [], silhouette: null, cohesion: 0,
  }));
}

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

/**
 * Each action: its button and labels, the section that shows its result, what it computes in the
 * worker, how it renders, what its export and model download hold.
 */
const ACTIONS = {
  assign: {
    button: 'assign-btn', busy: 'Assigning…', idle: 'Assign', section: 'assign-result',
    compute: async (model, input) => ({ res: await engine.assign(model, input) }),
    render: renderAssign,
    assignments: ({ res }, model) => ({ assignments: res.assignments, segments: modelSegmentsForExport(model) }),
    exportName: 'hcp-assignments', exportButton: 'export-assign',
  },
  refresh: {
    button: 'refresh-btn', busy: 'Refreshing…', idle: 'Refresh segments', section: 'refresh-result',
    compute: async (model, input) => ({ res: await engine.refresh(model, input, saved.previous?.input ?? null, {}), hasPrevious: !!saved.previous }),
    render: renderRefresh,
    assignments: ({ res }) => ({ assignments: res.assignments, segments: res.segments }),
    exportName: 'hcp-refreshed-assignments', exportButton: 'export-refresh',
    model: ({ res }) => res.model, modelName: 'hcp-segments-model-refreshed', modelButton: 'save-refresh-model',
  },
  update: {
    button: 'update-btn', busy: 'Folding in…', idle: 'Fold in new profiles', section: 'update-result',
    compute: async (model, input) => {
      const opts = updateOptions();
      const res = await engine.updateModel(model, input, opts);
      // The new HCPs' segments in the updated model (the export), also computed in the worker.
      return { res, opts, asg: await engine.assign(res.model, input) };
    },
    render: renderUpdate,
    assignments: ({ res, asg }) => ({ assignments: asg.assignments, segments: modelSegmentsForExport(res.model) }),
    exportName: 'hcp-folded-in-assignments', exportButton: 'export-update',
    model: ({ res }) => res.model, modelName: 'hcp-segments-model-updated', modelButton: 'save-update-model',
    errorContext: (e) => (e?.code === 'INVALID_OPTION' ? { file: 'the fold-in options', hints: { INVALID_OPTION: 'Correct it under “Fold in: when is a full refresh due?”.' } } : null),
  },
};

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
const newFileContext = () => ({ file: saved.data?.name, hints: NEW_FILE_HINTS });

/** The one runner: the model on the new file, in the worker; its result shown, the others hidden. */
async function runSaved(name) {
  const a = ACTIONS[name];
  if (!saved.model || !saved.data) return;
  clearError($('assign-error'));
  const btn = $(a.button);
  btn.disabled = true;
  btn.textContent = a.busy;
  try {
    const d = saved.data;
    const model = saved.model;
    const out = await a.compute(model, d.input);
    saved.last[name] = { out, model, name: d.name };
    a.render(out, model, d.name);
    for (const [other, o] of Object.entries(ACTIONS)) $(o.section).hidden = other !== name;
  } catch (e) {
    $(a.section).hidden = true;
    showError($('assign-error'), e, a.errorContext?.(e) ?? newFileContext());
  } finally {
    btn.textContent = a.idle;
    syncButtons();
  }
}

function exportSaved(name) {
  const a = ACTIONS[name];
  const last = saved.last[name];
  if (!last) return;
  const value = a.assignments(last.out, last.model);
  saveEngineCsv(`${a.exportName}-${stamp()}.csv`, () => engine.exportCsv('assignments', value, csvOptions()), $('assign-error'), exportError);
}

function saveModelOf(name) {
  const a = ACTIONS[name];
  const last = saved.last[name];
  if (last) download(`${a.modelName}-${stamp()}.json`, JSON.stringify(a.model(last.out)), 'application/json');
}

function syncButtons() {
  const ok = !!(saved.model && saved.data);
  for (const a of Object.values(ACTIONS)) $(a.button).disabled = !ok;
}

async function loadModel(file) {
  clearError($('assign-error'));
  saved.model = null;
  try {
    const text = await file.text();
    let m;
    try { m = JSON.parse(text); } catch (err) { throw jsonError(err, text); }
    if (m?.format !== 'hcp-segments-model') throw Object.assign(new Error('This JSON file is not an hcp-segments model (its "format" is not "hcp-segments-model"). Save one with “Save model (JSON)”.'), { code: 'INVALID_MODEL' });
    saved.model = m;
    rememberModelMapping(m.columns);
    const names = modelSegmentNames(m);
    $('model-status').textContent = `Model loaded: ${file.name} (format version ${m.version}${names.size ? `, ${names.size} segments` : ''}).`;
  } catch (e) {
    $('model-status').textContent = '';
    showError($('assign-error'), e, { file: file.name });
  }
  syncButtons();
}

async function loadNewFile(file) {
  clearError($('assign-error'));
  saved.data = null;
  syncButtons(); // no Assign / Fold in / Refresh on the previous file while this one is read
  try {
    const { kind, input } = await readFileInput(file);
    saved.data = await describeInput(file.name, input, kind);
  } catch (e) {
    showError($('assign-error'), e, { file: file.name });
  }
  syncButtons();
}

/** Previous period's assignments: a file with hcp_id and segment columns (the page's exports have them), read by the engine on Refresh. */
async function loadPrevious(file) {
  clearError($('assign-error'));
  saved.previous = { name: file.name, input: new Uint8Array(await file.arrayBuffer()) };
  $('model-status').textContent = `Previous assignments: ${file.name}.`;
}

export function wireSaved() {
  onFile($('model-input'), loadModel);
  onFile($('assign-input'), loadNewFile);
  onFile($('previous-input'), loadPrevious);
  for (const [name, a] of Object.entries(ACTIONS)) {
    $(a.button).addEventListener('click', () => runSaved(name));
    $(a.exportButton).addEventListener('click', () => exportSaved(name));
    if (a.modelButton) $(a.modelButton).addEventListener('click', () => saveModelOf(name));
  }
}
