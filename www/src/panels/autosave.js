// Opt-in autosave: with "Keep my workspace in this browser" ticked, the project (never the HCP rows
// unless "Include the HCP rows" is ticked too) is written to this browser's IndexedDB a moment
// after each change. Nothing is written before the box is ticked; "Forget" (or unticking) deletes
// the database. On start, a kept workspace is offered back ("Restore your last workspace").
import { store, subscribe } from '../store.js';
import { $ } from '../ui.js';
import { workspace, openProjectText, markKept } from './project.js';

const DB = 'hcp-segments';
const STORE = 'workspace';
const KEY = 'last';

/** Is there a kept workspace? Asked without opening (opening would create the database). */
async function exists() {
  if (!indexedDB.databases) return false;
  return (await indexedDB.databases()).some((d) => d.name === DB);
}

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function request(mode, fn) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const read = () => request('readonly', (s) => s.get(KEY));
const write = (value) => request('readwrite', (s) => s.put(value, KEY));

function forget() {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

let timer = 0;
/** Write the workspace a moment after the last change (only while opted in). */
function schedule() {
  if (!$('autosave-on').checked || !store.result) return;
  clearTimeout(timer);
  timer = setTimeout(saveNow, 800);
}

async function saveNow() {
  clearTimeout(timer);
  if (!$('autosave-on').checked) return;
  const text = workspace({ includeRows: $('project-rows').checked });
  if (!text) { $('autosave-status').textContent = 'Your workspace will be kept in this browser once there are segments.'; return; }
  const savedAt = new Date().toISOString();
  try {
    await write({ savedAt, text });
    if (!$('autosave-on').checked) { await forget(); return; } // unticked meanwhile
    markKept();
    $('autosave-status').textContent = `Workspace kept in this browser at ${new Date(savedAt).toLocaleTimeString()}.`;
    $('autosave-status').dataset.savedAt = savedAt;
    $('autosave-forget').hidden = false;
  } catch (e) {
    $('autosave-status').textContent = `The workspace could not be kept in this browser (${e?.message ?? e}). Save the project to a file instead.`;
  }
}

async function forgetAll() {
  clearTimeout(timer);
  $('autosave-on').checked = false;
  await forget();
  $('autosave-offer').hidden = true;
  $('autosave-forget').hidden = true;
  $('autosave-status').textContent = 'Nothing is kept in this browser.';
  $('autosave-status').dataset.savedAt = '';
}

/** On start: offer a kept workspace back (it still needs the data file, like opening a project). */
async function offer() {
  if (!(await exists())) return;
  let kept;
  try { kept = await read(); } catch { kept = null; }
  if (!kept?.text) return;
  $('autosave-on').checked = true;
  $('autosave-forget').hidden = false;
  $('autosave-offer-text').textContent = `Restore your last workspace (saved ${new Date(kept.savedAt).toLocaleString()})?`;
  $('autosave-offer').hidden = false;
  $('autosave-restore').onclick = async () => {
    $('autosave-offer').hidden = true;
    await openProjectText(kept.text, 'your last workspace');
  };
}

export function wireAutosave() {
  $('autosave-on').addEventListener('change', () => { if ($('autosave-on').checked) saveNow(); else forgetAll(); });
  $('autosave-forget').addEventListener('click', forgetAll);
  $('autosave-dismiss').addEventListener('click', () => { $('autosave-offer').hidden = true; });
  for (const topic of ['result', 'names', 'selection']) subscribe(topic, schedule);
  $('main').addEventListener('input', schedule);
  $('main').addEventListener('change', schedule);
  offer();
}
