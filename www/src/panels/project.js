// The project: "Save project" writes the whole workspace to one file (project.js); "Open project"
// reads it, gets the data (the rows inside it, the sample regenerated, or the file the user
// chooses), checks the data's fingerprint, re-runs the segmentation with the saved settings,
// checks the centroids are the saved ones, then restores names, filters, plan, cells and exports.
import * as engine from '../engine.js';
import { readFileInput, describeInput, rememberModelMapping } from '../load.js';
import { esc, int, download } from '../util.js';
import * as downloads from '../downloads.js';
import { writeProject, readProject, projectRows, sameCentroids, toBase64, ProjectError } from '../project.js';
import { store, subscribe, modelWithNames } from '../store.js';
import { $, showError, clearError, stamp, onFile } from '../ui.js';
import { setData, setProfiles, profilesOf } from './load.js';
import * as runPanel from './run.js';
import * as target from './target.js';
import * as plan from './plan.js';
import * as cells from './cells.js';
import * as stability from './stability.js';

/** Each panel's settings, by the name the project file keeps them under. */
const PANELS = { run: runPanel, stability, target, plan, cells, downloads };

/** The data's fingerprint as the engine gives it (inspect: the table as read, whatever its encoding), or null from an engine without one. */
const fingerprintOf = (data) => data?.base?.fingerprint ?? data?.inspection?.fingerprint ?? null;
const tableSize = (fp) => `${int(fp.rows)} rows × ${int(fp.columns)} columns`;

/** The HCP rows as the project keeps them (only when the user ticks the box). */
function rowsOf(data) {
  if (data.kind === 'json') return { records: data.input };
  const bytes = typeof data.input === 'string' ? new TextEncoder().encode(data.input) : data.input;
  return { base64: toBase64(bytes) };
}

/** The workspace as a project document (null while there is no result to keep). */
export function workspace({ includeRows = false } = {}) {
  const d = store.data;
  if (!d || !store.result) return null;
  const panels = Object.fromEntries(Object.entries(PANELS).map(([name, p]) => [name, p.snapshot()]));
  panels.load = { roles: Object.fromEntries(d.roles) };
  return writeProject({
    data: {
      name: d.name, kind: d.kind, sheet: d.sheet ?? null, fingerprint: fingerprintOf(d),
      sample: d.sample ?? null, events: d.aggregatedFrom ?? null, rows: includeRows ? rowsOf(d) : null,
    },
    model: modelWithNames(),
    names: store.names,
    panels,
    createdBy: store.result.model.createdBy ?? null,
  });
}

/** A problem in the page's error box (title, where, what, what to do). */
function showProblem(e) {
  if (!(e instanceof ProjectError)) { showError($('project-error'), e, { file: 'the project' }); return; }
  const host = $('project-error');
  host.innerHTML = `<strong>${esc(e.title)}</strong>` + (e.where ? `<span class="where">${esc(e.where)}: </span>` : '') +
    `<span class="msg">${esc(e.message)}</span>` + (e.hint ? `<p class="hint">${esc(e.hint)}</p>` : '');
  host.dataset.code = e.code;
  host.hidden = false;
}

let saved = { dirty: false };
/**
 * Work that leaving would lose: a result changed since it was last kept (a project saved, or
 * opened), while the workspace is not being kept in this browser.
 */
export const unsaved = () => !!store.result && saved.dirty && !$('autosave-on').checked;
export const markKept = () => { saved.dirty = false; };

function saveProject() {
  const text = workspace({ includeRows: $('project-rows').checked });
  if (!text) return;
  download(`hcp-segments-project-${stamp()}.hcp-project.json`, text, 'application/json');
  markKept();
  $('project-status').textContent = `Project saved${$('project-rows').checked ? ' with the HCP rows' : ' (without the HCP rows: opening it asks for the data file)'}.`;
}

/** The project being opened, while the page waits for its data file. */
let pending = null;

export async function openProjectText(text, label) {
  clearError($('project-error'));
  $('project-status').textContent = '';
  $('project-status').dataset.state = 'opening';
  let p;
  try {
    p = readProject(text);
  } catch (e) {
    showProblem(e);
    $('project-status').dataset.state = 'failed';
    return false;
  }
  pending = { project: p, label };
  try {
    const rows = projectRows(p.data);
    if (rows) return await restoreWith(rows, p.data.kind, 'the HCP rows inside the project');
    if (p.data.sample) {
      const text = await engine.generateSample(p.data.sample.n, p.data.sample.seed);
      return await restoreWith(text, 'file', 'the sample universe, generated again');
    }
  } catch (e) {
    showProblem(e);
    // The sample generated again (another engine version) or the rows inside are not the data the
    // project was made from: the file itself may still be at hand.
    if (e?.code === 'PROJECT_OTHER_DATA') askForData(p);
    else $('project-status').dataset.state = 'failed';
    return false;
  }
  askForData(p);
  return false;
}

function askForData(p) {
  const fp = p.data.fingerprint;
  const ev = p.data.events;
  $('project-data-text').textContent = (ev
    ? `This project was made from the event log “${ev.name}”, aggregated for ${ev.from ?? 'the first event'} → ${ev.to ?? 'the last event'}${fp ? ` into ${int(fp.rows)} HCP profiles` : ''}. `
    : `This project was made from “${p.data.name}”${fp ? ` (${tableSize(fp)})` : ''}. `) +
    'The project holds no HCP rows: choose that file to restore the workspace.';
  $('project-data').hidden = false;
  $('project-status').dataset.state = 'needs-data';
  $('project-data-input').focus();
}

async function onDataFile(file) {
  if (!pending) return;
  clearError($('project-error'));
  try {
    const { kind, input } = await readFileInput(file);
    await restoreWith(input, kind, `“${file.name}”`, file.name);
  } catch (e) {
    showProblem(e);
  }
}

/** Check the data against the project's fingerprint, re-run, restore. */
async function restoreWith(input, kind, source, fileName = null) {
  const { project: p, label } = pending;
  const roles = p.panels.load?.roles;
  rememberModelMapping(roles && typeof roles === 'object' ? roles : p.model.columns);
  let data = await describeInput(fileName ?? p.data.name, input, kind, { sheet: p.data.sheet ?? null });
  // Profiles from an event log: the log again, aggregated for the same window.
  const ev = p.data.events;
  if (ev && data.eventLog && data.kind === 'file') data = await profilesOf(data, { ...(ev.from ? { from: ev.from } : {}), ...(ev.to ? { to: ev.to } : {}) });
  const want = p.data.fingerprint;
  const got = fingerprintOf(data);
  if (want && got && want.sha256.toLowerCase() !== got.sha256.toLowerCase()) {
    const same = want.rows === got.rows && want.columns === got.columns;
    const wanted = ev?.name ?? p.data.name;
    const what = ev ? `an event log; its HCP profiles: ${tableSize(want)}` : tableSize(want);
    throw new ProjectError('PROJECT_OTHER_DATA', {
      title: 'This is not the data file the project was made from',
      where: fileName ? `file “${fileName}”` : null,
      message: `The project was made from “${wanted}” (${what}); ${source} holds other data (${tableSize(got)}${same ? ': the same size, but other values' : ''}).`,
      hint: `Choose “${wanted}” as it was when the project was saved. If the data has changed since, load the new file and segment it; to carry the segments over, save the model and use “Refresh segments”.`,
    });
  }
  $('project-data').hidden = true;
  pending = null;
  if (p.data.sample) data.sample = p.data.sample;
  if (data.aggregatedFrom) setProfiles(data); else setData(data);
  for (const name of ['run', 'stability', 'downloads']) PANELS[name].restore(p.panels[name]);
  const result = await runPanel.run({ keepNames: async () => ({ names: new Map(p.names), newSegments: new Set() }) });
  if (!result) {
    showProblem(new ProjectError('PROJECT_RUN', { title: 'The segmentation could not be run again', message: 'The data was read, but the run with the saved settings failed (the error is shown under “Segment”).', hint: 'Fix what the error says and run the segmentation; the names will then not be restored.' }));
    $('project-status').dataset.state = 'failed';
    return false;
  }
  const same = sameCentroids(result.model.centroids, p.model.centroids);
  if (await target.targetingReady()) {
    target.restore(p.panels.target);
    plan.restore(p.panels.plan);
    cells.restore(p.panels.cells);
  }
  markKept();
  const when = typeof p.savedAt === 'string' ? new Date(p.savedAt).toLocaleString() : 'at an unknown time';
  $('project-status').dataset.state = 'restored';
  $('project-status').dataset.same = String(same);
  $('project-status').textContent = `Opened ${label} (saved ${when}) on ${source}${want && got ? ' (fingerprint checked: the same file)' : want ? '' : ' (the project holds no fingerprint: not checked)'}. ` +
    (same ? 'The segmentation, run again with the saved settings, gave the saved segments (the same centroids). '
      : 'Warning: the segmentation, run again with the saved settings, did not give the saved centroids (another engine version?): check the segments before using the names. ') +
    'Names, filters, plan, test cells and export choices restored.';
  return true;
}

export function wireProject() {
  $('project-save').addEventListener('click', saveProject);
  onFile($('project-input'), async (f) => openProjectText(await f.text(), `the project “${f.name}”`), { clear: true });
  onFile($('project-data-input'), onDataFile, { clear: true });
  $('project-cancel').addEventListener('click', () => {
    pending = null;
    $('project-data').hidden = true;
    $('project-status').textContent = 'Opening the project was cancelled.';
    $('project-status').dataset.state = 'cancelled';
  });
  const touch = () => { saved.dirty = true; };
  for (const topic of ['result', 'names', 'selection']) subscribe(topic, touch);
  subscribe('result', () => { $('project-save').disabled = false; });
  subscribe('data', () => { $('project-save').disabled = true; });
  $('main').addEventListener('input', touch);
  $('main').addEventListener('change', touch);
  // Leaving with work not kept anywhere: the browser asks first (never when there is nothing to lose).
  window.addEventListener('beforeunload', (e) => {
    if (!unsaved()) return;
    e.preventDefault();
    e.returnValue = '';
  });
}
