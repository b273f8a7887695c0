// The k-sweep chart: four small multiples (inertia elbow, silhouette, Calinski-Harabasz,
// Davies-Bouldin) as inline SVG, with the k the rule chose and the k shown marked.
import { esc } from './util.js';

const NS = 'http://www.w3.org/2000/svg';
const METRICS = [
  { key: 'inertia', label: 'Inertia (elbow)', better: 'lower; look for the bend' },
  { key: 'silhouette', label: 'Silhouette', better: 'higher is better' },
  { key: 'calinskiHarabasz', label: 'Calinski-Harabasz', better: 'higher is better' },
  { key: 'daviesBouldin', label: 'Davies-Bouldin', better: 'lower is better' },
];

function fmt(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 10) return v.toFixed(0);
  return v.toFixed(2);
}

/**
 * @param {HTMLElement} host
 * @param {import('hcp-segments').KSweep | null} sweep
 * @param {number} shownK the k of the segments on screen
 */
export function renderSweep(host, sweep, shownK) {
  host.replaceChildren();
  if (!sweep || !sweep.rows.length) {
    host.innerHTML = `<p class="note">No sweep yet: run with k = auto to compare k = 3…8. Showing k = ${esc(shownK)}.</p>`;
    return;
  }
  const rows = [...sweep.rows].sort((a, b) => a.k - b.k);
  const left = 40, pw = 250, gapX = 24, ph = 150, top = 22, gapY = 34;
  // On a phone the four charts stack in one column, so their text keeps a readable size.
  const cols = (host.clientWidth || 600) < 480 ? 1 : 2, nRows = 4 / cols;
  const W = cols * (left + pw) + (cols - 1) * gapX + 6, H = nRows * (top + ph) + (nRows - 1) * gapY + 4;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', 'sweep-title sweep-desc');
  const desc = rows.map((r) => `k=${r.k}: inertia ${fmt(r.inertia)}, silhouette ${r.silhouette.toFixed(3)}, CH ${fmt(r.calinskiHarabasz)}, DB ${r.daviesBouldin.toFixed(2)}`).join('; ');
  let out = `<title id="sweep-title">k sweep; chosen k = ${sweep.chosenK}</title><desc id="sweep-desc">${esc(desc)}</desc>`;
  const ks = rows.map((r) => r.k);
  const kmin = Math.min(...ks), kmax = Math.max(...ks);
  METRICS.forEach((m, i) => {
    const ox = (i % cols) * (left + pw + gapX) + left, oy = Math.floor(i / cols) * (top + ph + gapY) + top;
    const vals = rows.map((r) => r[m.key]).filter(Number.isFinite);
    let lo = Math.min(...vals), hi = Math.max(...vals);
    if (hi === lo) { hi += 1; lo -= 1; }
    const pad = (hi - lo) * 0.12; lo -= pad; hi += pad;
    const x = (k) => ox + ((k - kmin) / Math.max(1, kmax - kmin)) * pw;
    const y = (v) => oy + ph - ((v - lo) / (hi - lo)) * ph;
    out += `<g class="panel-${m.key}">`;
    out += `<text x="${ox}" y="${oy - 6}" font-size="12" font-weight="600" fill="#1b1f24">${esc(m.label)}</text>`;
    out += `<text x="${ox + pw}" y="${oy - 6}" font-size="10.5" fill="#57606a" text-anchor="end">${esc(m.better)}</text>`;
    out += `<rect x="${ox}" y="${oy}" width="${pw}" height="${ph}" fill="#fafbfc" stroke="#d0d7de"/>`;
    // chosen k (the rule's pick)
    out += `<line x1="${x(sweep.chosenK)}" x2="${x(sweep.chosenK)}" y1="${oy}" y2="${oy + ph}" stroke="#D55E00" stroke-width="2" stroke-dasharray="5 3"/>`;
    // y ticks: min & max
    for (const v of [lo + pad, hi - pad]) {
      out += `<text x="${ox - 4}" y="${y(v) + 3.5}" font-size="10" fill="#57606a" text-anchor="end">${fmt(v)}</text>`;
      out += `<line x1="${ox}" x2="${ox + pw}" y1="${y(v)}" y2="${y(v)}" stroke="#e4e8ec"/>`;
    }
    for (const k of ks) out += `<text x="${x(k)}" y="${oy + ph + 13}" font-size="10.5" fill="#57606a" text-anchor="middle">${k}</text>`;
    out += `<text x="${ox - 6}" y="${oy + ph + 13}" font-size="10.5" font-style="italic" fill="#57606a" text-anchor="end">k</text>`;
    const pts = rows.filter((r) => Number.isFinite(r[m.key])).map((r) => `${x(r.k).toFixed(1)},${y(r[m.key]).toFixed(1)}`).join(' ');
    out += `<polyline points="${pts}" fill="none" stroke="#0072B2" stroke-width="2"/>`;
    for (const r of rows) {
      if (!Number.isFinite(r[m.key])) continue;
      const chosen = r.k === sweep.chosenK, shown = r.k === shownK;
      out += `<circle cx="${x(r.k)}" cy="${y(r[m.key])}" r="${chosen || shown ? 5 : 3.2}" fill="${chosen ? '#D55E00' : shown ? '#fff' : '#0072B2'}" stroke="${shown ? '#1b1f24' : chosen ? '#D55E00' : '#0072B2'}" stroke-width="${shown ? 2 : 1}"><title>k = ${r.k}: ${esc(m.label)} ${fmt(r[m.key])}</title></circle>`;
    }
    out += '</g>';
  });
  svg.innerHTML = out;
  host.append(svg);
  const note = document.createElement('p');
  note.className = 'note';
  note.innerHTML = `<span class="swatch sw-chosen"></span>Chosen k = <strong id="chosen-k">${esc(sweep.chosenK)}</strong> — ${esc(sweep.rule)}` +
    (shownK !== sweep.chosenK ? ` · showing k = <strong>${esc(shownK)}</strong> (open circle)` : '');
  host.append(note);
  const ruledOut = rows.filter((r) => r.ruledOut);
  if (ruledOut.length) {
    const ruled = document.createElement('p');
    ruled.className = 'note ruled-out';
    ruled.id = 'ruled-out';
    ruled.innerHTML = `Ruled out${sweep.minSegmentSize ? ` (a segment under ${esc(sweep.minSegmentSize)} HCPs)` : ''}: ` +
      ruledOut.map((r) => `<span data-k="${r.k}" title="${esc(r.ruledOut)}">k = ${r.k}</span>`).join(', ') + '.';
    host.append(ruled);
  }
  // The same numbers as a table (readable without the chart, and by screen readers).
  const table = document.createElement('table');
  table.className = 'sweep-table';
  table.innerHTML = `<caption class="visually-hidden">k sweep values</caption><thead><tr><th scope="col" class="num">k</th><th scope="col" class="num">Inertia</th><th scope="col" class="num">Silhouette</th><th scope="col" class="num">Calinski-Harabasz</th><th scope="col" class="num">Davies-Bouldin</th><th scope="col">Note</th></tr></thead><tbody>` +
    rows.map((r) => `<tr class="${r.k === sweep.chosenK ? 'chosen' : ''}${r.k === shownK ? ' shown' : ''}${r.ruledOut ? ' ruled' : ''}"><td class="num">${r.k}${r.k === sweep.chosenK ? ' ◆' : ''}</td><td class="num">${fmt(r.inertia)}</td><td class="num">${r.silhouette.toFixed(3)}</td><td class="num">${fmt(r.calinskiHarabasz)}</td><td class="num">${r.daviesBouldin.toFixed(3)}</td><td class="small">${r.ruledOut ? `ruled out: ${esc(r.ruledOut)}` : ''}</td></tr>`).join('') +
    '</tbody>';
  host.append(table);
}
