// One card per segment (editable persona name, size and share, top channels and formats with
// index scores, composition with small cells suppressed) and the channel-index heatmap.
import { esc, int, pct, idx, dec2, pretty, el } from './util.js';

const TOP = 4;

function indexClass(v) {
  return v == null ? '' : v >= 120 ? 'hi' : v <= 80 ? 'lo' : '';
}

function scoreTable(title, scores) {
  const rows = scores.slice(0, TOP).map((s) =>
    `<tr><td>${esc(pretty(s.name))}</td><td class="num"><span class="idx ${indexClass(s.index)}" title="index">${idx(s.index)}</span></td>` +
    `<td class="num muted" title="mean engagements per HCP">${dec2(s.mean)}</td></tr>`).join('');
  return `<h4>${esc(title)}</h4><table><thead><tr><th scope="col">name</th><th scope="col" class="num">index</th><th scope="col" class="num">mean</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** "format:cme_module" → "cme module (format)". */
function driver(d) {
  const i = d.indexOf(':');
  return i < 0 ? esc(pretty(d)) : `${esc(pretty(d.slice(i + 1)))} <span class="kind">(${esc(pretty(d.slice(0, i)))})</span>`;
}

/** A composition line: the largest levels; a level with fewer than 10 HCPs (suppressed) shows as "<10". */
function composition(comp) {
  if (!comp) return '';
  const levels = [...comp.levels].sort((a, b) => (b.suppressed - a.suppressed ? a.suppressed - b.suppressed : b.share - a.share));
  const shown = levels.slice(0, 4);
  const rest = levels.length - shown.length;
  const parts = shown.map((l) => l.suppressed
    ? `<span class="lvl suppressed" title="${esc(l.value)}: fewer than 10 HCPs, not shown">${esc(pretty(l.value))} &lt;10</span>`
    : `<span class="lvl" title="${esc(l.value)}: ${int(l.count)} HCPs, ${pct(l.share)} of the segment, index ${idx(l.index)}">${esc(pretty(l.value))} ${pct(l.share)} <span class="idx ${indexClass(l.index)}">${idx(l.index)}</span></span>`);
  if (rest > 0) parts.push(`<span class="lvl more">+${rest} more</span>`);
  return `<h4>${esc(pretty(comp.column))} <span class="muted">share · index</span></h4><p class="comp">${parts.join('')}</p>`;
}

/**
 * @param {HTMLElement} host
 * @param {import('hcp-segments').Segment[]} segments
 * @param {Map<number,string>} names edited names by id
 * @param {(id:number, name:string)=>void} onRename
 */
export function renderCards(host, segments, names, onRename) {
  host.replaceChildren();
  for (const s of segments) {
    const name = names.get(s.id) ?? s.name;
    // A one-line textarea that grows to fit long names (field-sizing), Enter does not add lines.
    const input = el('textarea', {
      class: 'persona', rows: 1, spellcheck: 'false', maxlength: 120, 'aria-label': `Persona name of segment ${s.id}`, 'data-seg': s.id,
      oninput: (e) => onRename(s.id, e.target.value.replace(/\s*\n\s*/g, ' ')),
      onkeydown: (e) => { if (e.key === 'Enter') e.preventDefault(); },
    });
    input.value = name;
    const body = el('div');
    const comps = s.composition.filter((c) => ['specialty', 'country'].includes(c.column));
    const reach = s.reach.length ? `<p class="quality">Reachable: ${s.reach.map((r) => `${esc(pretty(r.consent))} ${pct(r.share)}`).join(' · ')}</p>` : '';
    body.innerHTML =
      `<p class="size"><strong class="seg-size">${int(s.size)}</strong> HCPs · <span class="seg-share">${pct(s.share)}</span> of the universe · ${dec2(s.meanEngagements)} engagements/HCP</p>` +
      (s.drivers.length ? `<p class="drivers">Drivers: ${s.drivers.map(driver).join(' · ')}</p>` : '') +
      scoreTable('Top channels', s.channels) + scoreTable('Top formats', s.formats) +
      comps.map(composition).join('') + reach +
      `<p class="quality">Silhouette ${s.silhouette == null ? '–' : s.silhouette.toFixed(2)} · cohesion ${dec2(s.cohesion)}</p>`;
    const card = el('article', { class: `card c${s.id % 8}`, 'data-seg': s.id, 'aria-label': `Segment ${s.id}` },
      el('header', {}, el('span', { class: 'swatch', 'aria-hidden': 'true' }), el('span', { class: 'seg-no', text: `Segment #${s.id}` }),
        el('span', { class: 'edit-hint', text: 'persona name (editable)' })),
      input, el('p', { class: 'stab', 'data-seg': s.id }), body);
    host.append(card);
  }
}

/** Heatmap: rows = segments, columns = channels (in the universe's order), cells coloured by index. */
export function renderHeatmap(host, segments, names) {
  if (!segments.length) { host.replaceChildren(); return; }
  const channels = segments[0].channels.map((c) => c.name).sort();
  const table = el('table', { class: 'heatmap' });
  table.innerHTML = `<caption class="visually-hidden">Channel index by segment</caption><thead><tr><th scope="col">Segment</th>${channels.map((c) => `<th scope="col" class="num">${esc(pretty(c))}</th>`).join('')}</tr></thead>`;
  const tbody = el('tbody');
  for (const s of segments) {
    const tr = el('tr');
    tr.append(el('th', { scope: 'row', class: `seg c${s.id % 8}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), `#${s.id} ${names.get(s.id) ?? s.name}`));
    const byName = new Map(s.channels.map((c) => [c.name, c]));
    for (const c of channels) {
      const v = byName.get(c)?.index;
      const td = el('td', { class: 'cell', title: `${names.get(s.id) ?? s.name} × ${pretty(c)}: index ${idx(v)}` }, idx(v));
      const [bg, fg] = heat(v);
      td.style.backgroundColor = bg; // CSSOM, not a style attribute: allowed by the CSP
      td.style.color = fg;
      tr.append(td);
    }
    tbody.append(tr);
  }
  table.append(tbody);
  host.replaceChildren(table);
}

/** Diverging blue (over-index) / orange (under-index) scale around 100, on a log scale; colour-blind safe. */
function heat(v) {
  if (v == null || !Number.isFinite(v)) return ['#f6f8fa', '#57606a'];
  // log2 scale: ×4 saturates the blue; under-use is drawn lighter (at most 55 % orange) so the
  // eye goes to the channels a segment over-uses.
  let t = Math.max(-1, Math.min(1, Math.log2(Math.max(v, 1) / 100) / 2));
  if (t < 0) t *= 0.55;
  const white = [255, 255, 255];
  const hi = [0, 114, 178]; // Okabe-Ito blue
  const lo = [230, 159, 0]; // Okabe-Ito orange
  const tgt = t >= 0 ? hi : lo;
  const a = Math.abs(t);
  const c = white.map((w, i) => Math.round(w + (tgt[i] - w) * a));
  const fg = t > 0.55 ? '#ffffff' : '#1b1f24';
  return [`rgb(${c.join(',')})`, fg];
}
