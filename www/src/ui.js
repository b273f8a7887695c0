// Small page helpers the panels share: element lookup, errors in plain words, export file names.
import { explainError } from './errors.js';
import { esc } from './util.js';

export const $ = (id) => document.getElementById(id);

export function showError(host, e, context) {
  const x = explainError(e, context);
  host.innerHTML = `<strong>${esc(x.title)}</strong>` +
    (x.where ? `<span class="where">${esc(x.where)}: </span>` : '') + `<span class="msg">${esc(x.message)}</span>` +
    (x.hint ? `<p class="hint">${esc(x.hint)}</p>` : '');
  host.hidden = false;
}
export const clearError = (host) => { host.hidden = true; host.replaceChildren(); };

export const exportError = (host, e) => showError(host, e, { file: 'the export' });

/** Today's date for file names. */
export const stamp = () => new Date().toISOString().slice(0, 10);

/** A result as the engine's writers take it: without the CSV text the engine once wrote itself. */
export const withoutCsv = ({ csv, ...rest }) => rest;

/** The first file of a file input's change event (the input is cleared when `clear`). */
export function onFile(input, fn, { clear = false } = {}) {
  input.addEventListener('change', (e) => {
    const f = e.target.files?.[0];
    if (f) fn(f);
    if (clear) e.target.value = '';
  });
}
