// Small helpers shared by the page's modules.

export { PALETTE, segColour, segClass } from './palette.js';

/** Escape text for innerHTML. */
export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const nf0 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const nf1 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
export const int = (x) => (x == null || !Number.isFinite(x) ? '–' : nf0.format(x));
export const dec1 = (x) => (x == null || !Number.isFinite(x) ? '–' : nf1.format(x));
export const dec2 = (x) => (x == null || !Number.isFinite(x) ? '–' : nf2.format(x));
export const pct = (x) => (x == null || !Number.isFinite(x) ? '–' : `${nf1.format(x * 100 || 0)}%`); // || 0: no “-0.0%”
export const idx = (x) => (x == null || !Number.isFinite(x) ? '–' : nf0.format(x));

/** Pretty channel / format name: "univadis_medscape" → "univadis medscape". */
export const pretty = (name) => String(name).replace(/_/g, ' ');

/** el('div', {class: 'x'}, 'text') — small DOM builder (no style attributes: the CSP forbids them). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** Save text as a file through a Blob and <a download> (no network). */
export function download(filename, text, type = 'text/csv') {
  const blob = new Blob([text], { type: `${type};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** How people read a channel's kind (the engine's catalog kinds). */
export const KIND_LABELS = {
  openNetwork: 'open network', walledGarden: 'walled garden (HCP-only)', educationPortal: 'education portal',
  ownedEmail: 'owned email', ownedEvent: 'owned events', fieldForce: 'field force', other: 'other',
};
export const kindLabel = (k) => KIND_LABELS[k] ?? String(k ?? '');
