// The scatter, made readable: hover or keyboard focus shows which HCP / segment a point is, with
// its confidence; a click on a point or a legend entry lists that segment's HCPs. A grid index
// over the drawn pixels (built once per drawing) answers a mouse move from the few cells around
// the pointer, so 100,000 points cost nothing per move.
import { esc, el, int, pct, dec2, pretty } from '../util.js';
import { segClass } from '../palette.js';

const CELL = 12; // grid cell, device pixels
const REACH = 8; // how far from a point the pointer still "hits" it, CSS pixels
const LIST_MAX = 200;

/** Bucket every drawn point by its pixel cell: a head per cell and a next-link per point. */
function buildIndex(g) {
  const cols = Math.ceil(g.W / CELL), rows = Math.ceil(g.H / CELL);
  const head = new Int32Array(cols * rows).fill(-1);
  const next = new Int32Array(g.n);
  const px = new Float32Array(g.n), py = new Float32Array(g.n);
  for (let i = 0; i < g.n; i++) {
    const x = g.ox + (g.pts[2 * i] - g.x0) * g.sx, y = g.oy + g.ph - (g.pts[2 * i + 1] - g.y0) * g.sy;
    px[i] = x; py[i] = y;
    if (x < g.ox || y < g.oy || x > g.ox + g.pw || y > g.oy + g.ph) { next[i] = -2; continue; }
    const c = Math.floor(y / CELL) * cols + Math.floor(x / CELL);
    next[i] = head[c];
    head[c] = i;
  }
  return { cols, rows, head, next, px, py };
}

/** The nearest drawn point within `reach` device pixels of (x, y), or -1. */
function nearest(ix, x, y, reach) {
  let best = -1, bd = reach * reach;
  const c0 = Math.max(0, Math.floor((x - reach) / CELL)), c1 = Math.min(ix.cols - 1, Math.floor((x + reach) / CELL));
  const r0 = Math.max(0, Math.floor((y - reach) / CELL)), r1 = Math.min(ix.rows - 1, Math.floor((y + reach) / CELL));
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) {
    for (let i = ix.head[r * ix.cols + c]; i >= 0; i = ix.next[i]) {
      const d = (ix.px[i] - x) ** 2 + (ix.py[i] - y) ** 2;
      if (d <= bd) { bd = d; best = i; }
    }
  }
  return best;
}

/**
 * Wire the scatter once; call `update` after every drawing and renaming.
 * @param {{canvas: HTMLCanvasElement, legend: HTMLElement, list: HTMLElement, nameOf: (id:number)=>string,
 *   result: () => import('hcp-segments').SegmentResult | null, rows: () => any}} opts
 */
export function setupScatterInteraction({ canvas, legend, list, nameOf, result, rows }) {
  const fig = canvas.parentElement;
  const tip = el('div', { class: 'scatter-tip', role: 'tooltip', id: 'scatter-tip', hidden: true });
  const live = el('p', { class: 'visually-hidden', 'aria-live': 'polite', id: 'scatter-live' });
  fig.append(tip, live);
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'application');
  canvas.setAttribute('aria-roledescription', 'scatter plot');
  canvas.setAttribute('aria-describedby', 'scatter-keys');
  fig.append(el('p', { class: 'muted small', id: 'scatter-keys', text: 'Point at a dot, or focus the plot and use the arrow keys to go from segment to segment; click or press Enter to list that segment\u2019s HCPs.' }));
  let index = null, indexFor = null, focusSeg = -1;

  const geometry = () => {
    const g = canvas.scatterGeometry;
    if (g && indexFor !== g) { index = buildIndex(g); indexFor = g; }
    return g;
  };
  const segmentLine = (id) => {
    const s = result()?.segments.find((x) => x.id === id);
    return s ? `Segment #${id} ${nameOf(id)}: ${int(s.size)} HCPs, ${pct(s.share)}` : `Segment #${id}`;
  };
  const place = (g, x, y, html) => {
    tip.innerHTML = html;
    tip.hidden = false;
    const scale = canvas.clientWidth / g.W; // device → CSS pixels
    const left = canvas.offsetLeft + x * scale, top = canvas.offsetTop + y * scale;
    const w = tip.offsetWidth;
    tip.style.left = `${Math.max(0, Math.min(left + 12, canvas.offsetLeft + canvas.clientWidth - w))}px`;
    tip.style.top = `${top + 14}px`;
  };
  const hide = () => { tip.hidden = true; };

  const pointAt = (ev) => {
    const g = geometry();
    if (!g) return null;
    const rect = canvas.getBoundingClientRect();
    const k = g.W / rect.width;
    const x = (ev.clientX - rect.left) * k, y = (ev.clientY - rect.top) * k;
    const i = nearest(index, x, y, REACH * g.dpr);
    return { g, i, x, y };
  };

  canvas.addEventListener('mousemove', (ev) => {
    const hit = pointAt(ev);
    if (!hit || hit.i < 0) { hide(); canvas.style.cursor = ''; return; }
    const a = result()?.assignments[hit.i];
    if (!a) return hide();
    canvas.style.cursor = 'pointer';
    place(hit.g, index.px[hit.i], index.py[hit.i],
      `<strong>${esc(a.hcpId)}</strong><br><span class="${segClass(a.segment)}"><span class="swatch" aria-hidden="true"></span></span>` +
      `#${a.segment} ${esc(nameOf(a.segment))}<br>confidence ${dec2(a.confidence)} <span class="muted">(0 = on a border, 1 = at the centre)</span>`);
  });
  canvas.addEventListener('mouseleave', hide);
  canvas.addEventListener('click', (ev) => {
    const hit = pointAt(ev);
    if (hit && hit.i >= 0) showList(hit.g.labels[hit.i]);
  });

  const focusSegment = (id) => {
    const g = geometry();
    if (!g) return;
    focusSeg = id;
    const cx = g.ox + (g.centroids[2 * id] - g.x0) * g.sx, cy = g.oy + g.ph - (g.centroids[2 * id + 1] - g.y0) * g.sy;
    const line = segmentLine(id);
    place(g, cx, cy, `${esc(line)}<br><span class="muted">Enter: list its HCPs</span>`);
    live.textContent = `${line}. Press Enter to list its HCPs.`;
  };
  canvas.addEventListener('keydown', (ev) => {
    const k = result()?.segments.length ?? 0;
    if (!k) return;
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[ev.key];
    if (step) { ev.preventDefault(); focusSegment(((focusSeg < 0 ? (step > 0 ? -1 : 0) : focusSeg) + step + k) % k); }
    else if (ev.key === 'Home') { ev.preventDefault(); focusSegment(0); }
    else if (ev.key === 'End') { ev.preventDefault(); focusSegment(k - 1); }
    else if ((ev.key === 'Enter' || ev.key === ' ') && focusSeg >= 0) { ev.preventDefault(); showList(focusSeg); }
    else if (ev.key === 'Escape') hide();
  });
  canvas.addEventListener('focus', () => { if (focusSeg >= 0) focusSegment(focusSeg); else live.textContent = 'Scatter plot: arrow keys go from segment to segment.'; });
  canvas.addEventListener('blur', hide);
  legend.addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-seg]');
    if (b) showList(Number(b.dataset.seg));
  });

  /** The segment's HCPs, most typical first (highest confidence), at most LIST_MAX rows. */
  function showList(id) {
    const r = result();
    if (!r) return;
    const members = [];
    for (let i = 0; i < r.assignments.length; i++) if (r.assignments[i].segment === id) members.push(i);
    members.sort((a, b) => r.assignments[b].confidence - r.assignments[a].confidence);
    const shown = members.slice(0, LIST_MAX);
    const rw = rows();
    const cats = rw ? Object.keys(rw.cats) : [];
    const s = r.segments.find((x) => x.id === id);
    const top = s ? [...s.channels].sort((a, b) => b.share - a.share).slice(0, 3).map((c) => c.displayName ?? pretty(c.name)).join(', ') : '';
    list.hidden = false;
    list.innerHTML =
      `<h3 class="${segClass(id)}"><span class="swatch" aria-hidden="true"></span>HCPs of segment #${id} ${esc(nameOf(id))}</h3>` +
      `<p class="small">${members.length > shown.length ? `The ${int(shown.length)} most typical of ${int(members.length)} HCPs (highest confidence first). ` +
        'For the full list, use “Export target list” in step 4 (Target).' : `All ${int(members.length)} HCPs, highest confidence first.`}` +
      `${top ? ` The segment's top channels by share of its mix: ${esc(top)}.` : ''}</p>` +
      `<div class="table-wrap hcp-list-wrap" tabindex="0" role="region" aria-label="HCPs of segment #${id}"><table class="hcp-list" data-seg="${id}" data-count="${members.length}"><thead><tr><th scope="col">hcp_id</th><th scope="col" class="num">confidence</th>` +
      `${cats.map((c) => `<th scope="col">${esc(pretty(c))}</th>`).join('')}</tr></thead><tbody>` +
      shown.map((i) => `<tr><td>${esc(r.assignments[i].hcpId)}</td><td class="num">${dec2(r.assignments[i].confidence)}</td>` +
        cats.map((c) => { const code = rw.cats[c].codes[i]; return `<td>${code >= 0 ? esc(rw.cats[c].levels[code]) : ''}</td>`; }).join('') + '</tr>').join('') +
      '</tbody></table></div>';
    live.textContent = `Listed ${int(shown.length)} of ${int(members.length)} HCPs of segment #${id} ${nameOf(id)} below the plot.`;
  }

  return {
    /** After a new result: forget the focus and the list. */
    reset() { focusSeg = -1; hide(); list.hidden = true; list.replaceChildren(); },
    showList,
  };
}

/** The legend as buttons (a click lists the segment's HCPs); the text after the swatch is the name. */
export function renderLegend(host, segments, nameOf) {
  host.replaceChildren(...segments.map((s) => el('button', { type: 'button', class: `legend-item ${segClass(s.id)}`, 'data-seg': s.id, title: 'List this segment\u2019s HCPs' },
    el('span', { class: 'swatch', 'aria-hidden': 'true' }), nameOf(s.id))));
}
