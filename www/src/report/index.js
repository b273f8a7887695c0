// "Print report / save as PDF" and "Download report": the report (render.js) from a snapshot of the
// workspace that main.js assembles, with the engine's shareable summary (segmentSummary) for every
// count. Printing renders it into #print-report, the only thing the print stylesheet shows; the
// download is one self-contained HTML file (inline CSS and SVG, no script, no external request).
import * as engine from '../engine.js';
import { download } from '../util.js';
import { renderReport } from './render.js';
import REPORT_CSS from './report.css?raw';
import './report.css';
import './report-page.css';

const $ = (id) => document.getElementById(id);

/** The report's HTML (an <article>) for a snapshot (see render.js: ReportSnapshot). */
export async function buildReport(snap) {
  const named = snap.result.segments.map((s) => ({ ...s, name: snap.names[s.id] ?? s.name }));
  const summary = await engine.segmentSummary(named);
  return renderReport({ createdAt: new Date().toISOString(), ...snap }, summary);
}

/** A standalone HTML document around the report: its own policy allows nothing but its inline CSS. */
export function reportDocument(article, title) {
  const esc = (t) => t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${esc(title)}</title><style>${REPORT_CSS}</style></head><body>${article}</body></html>\n`;
}

/**
 * Wire the two buttons.
 * @param {() => Promise<import('./render.js').ReportSnapshot | null>} getSnapshot
 * @param {(error: unknown) => void} onError shows an engine error next to the buttons
 */
export function setupReport(getSnapshot, onError) {
  const status = $('report-status');
  async function make(label) {
    const snap = await getSnapshot();
    if (!snap) return null;
    status.textContent = `${label}…`;
    try {
      const html = await buildReport(snap);
      status.textContent = '';
      return html;
    } catch (e) {
      status.textContent = '';
      onError(e);
      return null;
    }
  }
  $('print-report-btn').addEventListener('click', async () => {
    const html = await make('Preparing the report');
    if (!html) return;
    $('print-report').innerHTML = html;
    document.body.classList.add('report-ready');
    window.print();
  });
  // After printing, Ctrl+P prints the page again (without its controls), not a report gone stale.
  window.addEventListener('afterprint', () => document.body.classList.remove('report-ready'));
  $('download-report-btn').addEventListener('click', async () => {
    const html = await make('Writing the report');
    if (!html) return;
    const date = new Date().toISOString().slice(0, 10);
    download(`hcp-segments-report-${date}.html`, reportDocument(html, `HCP segmentation report ${date}`), 'text/html');
  });
}
