// Migration as a flow: saved segments on the left, new segments on the right, one band per
// old → new pair with a height ∝ its HCPs (a Sankey diagram with a fixed two-column layout, so no
// layout library). Drawn in SVG at the host's own width so labels keep their size on a phone;
// the migration table next to it stays the full text alternative.
import { esc, int } from '../util.js';
import { segColour } from '../palette.js';

/**
 * @param {HTMLElement} host
 * @param {number[][]} migration migration[oldId][newId]: HCPs present in both periods
 * @param {(id:number)=>string} oldName
 * @param {(id:number)=>string} newName
 */
export function renderFlow(host, migration, oldName, newName) {
  const nOld = migration.length, nNew = Math.max(0, ...migration.map((r) => r.length));
  const outOf = migration.map((r) => r.reduce((a, b) => a + (b || 0), 0));
  const into = Array.from({ length: nNew }, (_, j) => migration.reduce((a, r) => a + (r[j] || 0), 0));
  const total = outOf.reduce((a, b) => a + b, 0);
  if (!total) { host.replaceChildren(); return; }
  // The host may still be hidden when drawn: fall back on its panel's width.
  const avail = host.clientWidth || (host.closest('.panel')?.clientWidth ?? 640) - 40;
  const W = Math.max(300, Math.min(900, avail));
  const narrow = W < 520;
  const labelW = narrow ? 0 : Math.min(230, W * 0.3); // on a phone the labels go inside the bands' ends
  const fitChars = Math.floor((narrow ? W * 0.4 : labelW - 8) / 7); // ~7 px per character at 12 px
  const nodeW = 12, gap = 8, top = 22;
  const H = Math.max(160, Math.min(520, 26 * Math.max(nOld, nNew) + 160));
  const usable = H - top - 8 - gap * (Math.max(nOld, nNew) - 1);
  const scale = usable / total;
  const xL = labelW, xR = W - labelW - nodeW;
  const place = (sizes) => { let y = top; return sizes.map((v) => { const r = { y, h: Math.max(1, v * scale) }; y += r.h + gap; return r; }); };
  const L = place(outOf), R = place(into);
  const lOff = L.map((n) => n.y), rOff = R.map((n) => n.y);
  const bands = [];
  for (let i = 0; i < nOld; i++) for (let j = 0; j < nNew; j++) {
    const v = migration[i][j] || 0;
    if (!v) continue;
    const h = v * scale, y0 = lOff[i], y1 = rOff[j];
    lOff[i] += h; rOff[j] += h;
    const a = xL + nodeW, b = xR, m = (a + b) / 2;
    bands.push(`<path class="flow-band${i === j ? ' stay' : ''}" data-from="${i}" data-to="${j}" data-n="${v}" fill="${segColour(i)}" fill-opacity="${i === j ? 0.45 : 0.3}" ` +
      `d="M${a},${y0} C${m},${y0} ${m},${y1} ${b},${y1} L${b},${y1 + h} C${m},${y1 + h} ${m},${y0 + h} ${a},${y0 + h} Z"><title>${esc(`${oldName(i)} → ${newName(j)}: ${int(v)} HCPs`)}</title></path>`);
  }
  const node = (x, n, id, name, count, side) => {
    const label = name;
    const room = Math.max(4, fitChars - int(count).length - 1);
    const short = label.length > room ? `${label.slice(0, room - 1)}…` : label;
    const tx = narrow ? (side === 'l' ? x + nodeW + 4 : x - 4) : (side === 'l' ? x - 6 : x + nodeW + 6);
    const anchor = (side === 'l') === narrow ? 'start' : 'end';
    return `<rect x="${x}" y="${n.y}" width="${nodeW}" height="${n.h}" fill="${segColour(id)}"><title>${esc(`${label}: ${int(count)} HCPs`)}</title></rect>` +
      `<text x="${tx}" y="${n.y + n.h / 2}" dy="0.35em" text-anchor="${anchor}" class="flow-label">${esc(short)} <tspan class="flow-n">${int(count)}</tspan></text>`;
  };
  const nodes = migration.map((_, i) => node(xL, L[i], i, oldName(i), outOf[i], 'l')).join('') +
    into.map((v, j) => node(xR, R[j], j, newName(j), v, 'r')).join('');
  const stayed = migration.reduce((a, r, i) => a + (r[i] || 0), 0);
  const moves = [];
  migration.forEach((r, i) => r.forEach((v, j) => { if (i !== j && v) moves.push([v, i, j]); }));
  moves.sort((a, b) => b[0] - a[0]);
  const summary = `Migration flow of ${int(total)} HCPs present in both periods: ${int(stayed)} stayed in their segment, ${int(total - stayed)} moved` +
    (moves.length ? `; the largest moves: ${moves.slice(0, 3).map(([v, i, j]) => `${oldName(i)} to ${newName(j)}, ${int(v)} HCPs`).join('; ')}` : '') + '. The table below has every count.';
  host.innerHTML = `<figure class="flow-fig"><figcaption>Where the HCPs went: saved segments (left) → new segments (right); band height ∝ HCPs</figcaption>` +
    `<svg class="flow" role="img" aria-label="${esc(summary)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">` +
    `<text x="${narrow ? xL : xL + nodeW}" y="12" class="flow-head" text-anchor="${narrow ? 'start' : 'end'}">saved</text>` +
    `<text x="${narrow ? xR + nodeW : xR}" y="12" class="flow-head" text-anchor="${narrow ? 'end' : 'start'}">new</text>${bands.join('')}${nodes}</svg></figure>`;
}
