// One card per segment (editable persona name, size and share, top channels and formats with
// each index and its base — engagements per HCP, share of the segment's mix, HCPs behind it —,
// the open-network / walled-garden balance, composition with small cells suppressed, a too-small
// badge) and the channel-index heatmap. Names are the engine's display names.
import { esc, int, pct, idx, dec1, dec2, pretty, el, kindLabel } from './util.js';
import { indexWords, leanOf, leanWords } from './explain.js';
import { inkOnRgb } from './palette.js';

const TOP = 4;

function indexClass(v) {
  return v == null ? '' : v >= 120 ? 'hi' : v <= 80 ? 'lo' : '';
}

/** Channels or formats: name, engagements per HCP, share of the mix, index (with its base in the title). */
function scoreTable(title, scores, size) {
  const rows = scores.slice(0, TOP).map((s) => {
    const base = `${s.displayName ?? s.name}: ${dec2(s.mean)} engagements per HCP against ${dec2(s.universeMean)} in the universe, ` +
      `${pct(s.share)} of the segment's mix, ${int(size)} HCPs`;
    return `<tr data-name="${esc(s.name)}"><td>${esc(s.displayName ?? pretty(s.name))}</td>` +
      `<td class="num per-hcp" title="engagements per HCP">${dec2(s.mean)}</td>` +
      `<td class="num mix" title="share of the segment's mix">${pct(s.share)}</td>` +
      `<td class="num"><span class="idx ${indexClass(s.index)}" title="${esc(`index ${idx(s.index)} = ${base}`)}">${idx(s.index)}</span>${timesAverage(s.index)}</td></tr>`;
  }).join('');
  return `<h4>${esc(title)} <span class="muted base">base: n = ${int(size)} HCPs</span></h4><table class="scores"><thead><tr><th scope="col">name</th>` +
    `<th scope="col" class="num" title="mean engagements per HCP">per HCP</th><th scope="col" class="num" title="share of the segment's own engagements">mix</th>` +
    `<th scope="col" class="num" title="segment mean ÷ universe mean × 100">index</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The index as a multiple of the average HCP, visible next to it (a title alone is lost on touch screens). */
function timesAverage(index) {
  return index == null || !Number.isFinite(index) ? '' : `<span class="x-avg">${dec1(index / 100)}×</span>`;
}

/** A disclosure under the card: each of its numbers in words, with this segment's own top channel as the example. */
function explainNumbers(s, top) {
  const ex = top ? `${esc(top.displayName ?? pretty(top.name))}: ${dec2(top.mean)} engagements per HCP here against ${dec2(top.universeMean)} for the average HCP, so index ${idx(top.index)} = ${esc(indexWords(top.index))}` : '';
  return `<details class="card-explain"><summary>What these numbers mean</summary><ul class="small">` +
    `<li><strong>per HCP</strong>: the segment's mean engagements per HCP on the channel or format${ex ? ` (${ex})` : ''}.</li>` +
    `<li><strong>index</strong>: that mean against the average HCP's × 100: 100 is average, 200 is twice as much (shown as 2.0×), 50 half as much.</li>` +
    `<li><strong>mix</strong>: the channel's share of this segment's own engagements: where its attention goes.</li>` +
    `<li><strong>base</strong>: every figure is over the segment's ${int(s.size)} HCPs.</li>` +
    `<li><strong>stability</strong>: the segmentation is re-run on resampled data; stable = the segment comes back with nearly the same HCPs, fuzzy = its core does, unreliable = it does not.</li>` +
    `<li><strong>silhouette</strong> (−1 to 1): how much closer its HCPs are to each other than to the next segment; higher = more distinct. <strong>cohesion</strong>: how spread out its HCPs are around its centre; lower = tighter.</li>` +
    `</ul></details>`;
}

/** Open networks (reputation) versus walled gardens (clinical discussion): a bar and words. */
function balance(b) {
  if (!b) return '';
  const open = b.open ?? 0, walled = b.walled ?? 0, other = b.other ?? 0;
  const words = b.openShare == null || leanOf(b) === 'elsewhere' ? leanWords(b)
    : `between the two, ${pct(b.openShare)} open: it ${b.openShare >= 0.6 ? 'leans to open networks, where HCPs build their reputation'
      : b.openShare <= 0.4 ? 'leans to walled gardens, where HCPs discuss clinical decisions'
        : 'is balanced between open networks and walled gardens'}`;
  const kinds = (b.kinds ?? []).map((k) => `${kindLabel(k.kind)} ${pct(k.share)}`).join(' · ');
  return `<div class="balance" data-open="${open}" data-walled="${walled}" data-open-share="${b.openShare ?? ''}">` +
    `<h4>Where it engages</h4><div class="balance-bar" role="img" aria-label="${esc(`open networks ${pct(open)}, walled gardens ${pct(walled)}, other ${pct(other)}`)}">` +
    `<span class="bal-open" data-w="${open}"></span><span class="bal-walled" data-w="${walled}"></span><span class="bal-other" data-w="${other}"></span></div>` +
    `<p class="small"><span class="key-open">open networks ${pct(open)}</span> · <span class="key-walled">walled gardens ${pct(walled)}</span> · other ${pct(other)}: ` +
    `${esc(words)}.</p>${kinds ? `<p class="muted small" title="share of the segment's channel engagements per kind">${esc(kinds)}</p>` : ''}</div>`;
}

/** "format:cme_module" → "cme module (format)". */
function driver(d, display) {
  const i = d.indexOf(':');
  if (i < 0) return esc(pretty(d));
  const name = d.slice(i + 1);
  return `${esc(display.get(name) ?? pretty(name))} <span class="kind">(${esc(pretty(d.slice(0, i)))})</span>`;
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
export function renderCards(host, segments, names, onRename, { minSize = 10 } = {}) {
  host.replaceChildren();
  for (const [position, s] of segments.entries()) {
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
    const byMix = (list) => [...list].sort((a, b) => b.share - a.share);
    const display = new Map([...s.channels, ...s.formats].map((c) => [c.name, c.displayName ?? pretty(c.name)]));
    body.innerHTML =
      `<p class="size"><strong class="seg-size">${int(s.size)}</strong> HCPs · <span class="seg-share">${pct(s.share)}</span> of the universe · ${dec2(s.meanEngagements)} engagements/HCP</p>` +
      (s.tooSmall ? `<p class="small-note">Fewer than ${int(minSize)} HCPs: too few to profile reliably or to fund on its own. Merge it (a smaller k) or collect more data.</p>` : '') +
      (s.drivers.length ? `<p class="drivers">Drivers: ${s.drivers.map((d) => driver(d, display)).join(' · ')}</p>` : '') +
      scoreTable('Top channels (by share of mix)', byMix(s.channels), s.size) + scoreTable('Top formats (by share of mix)', byMix(s.formats), s.size) +
      balance(s.networkBalance) +
      comps.map(composition).join('') + reach +
      `<p class="quality">Silhouette ${s.silhouette == null ? '–' : s.silhouette.toFixed(2)} · cohesion ${dec2(s.cohesion)}</p>` +
      explainNumbers(s, byMix(s.channels)[0]);
    const card = el('article', { class: `card c${s.id % 12}`, 'data-seg': s.id, 'aria-label': `Segment ${s.id}` },
      el('header', {}, el('span', { class: 'swatch', 'aria-hidden': 'true' }), el('span', { class: 'seg-no', text: `Segment ${position + 1} of ${segments.length}` }),
        s.tooSmall ? el('span', { class: 'badge tooSmall', 'data-too-small': 'true', title: `Fewer than ${minSize} HCPs (the minimum segment size)`, text: 'too small' }) : null,
        el('span', { class: 'edit-hint', text: 'persona name (editable)' })),
      input, el('p', { class: 'stab', 'data-seg': s.id }), body);
    host.append(card);
  }
  // Bar widths through the CSSOM (inline style attributes are blocked by the CSP).
  host.querySelectorAll('.balance-bar [data-w]').forEach((e) => { e.style.width = `${(100 * Number(e.dataset.w)).toFixed(1)}%`; });
}

/** Heatmap: rows = segments, columns = channels (in the universe's order), cells coloured by index. */
export function renderHeatmap(host, segments, names) {
  if (!segments.length) { host.replaceChildren(); return; }
  const channels = segments[0].channels.map((c) => c.name).sort();
  const table = el('table', { class: 'heatmap' });
  const display = new Map(segments[0].channels.map((c) => [c.name, c.displayName ?? pretty(c.name)]));
  table.innerHTML = `<caption class="visually-hidden">Channel index by segment</caption><thead><tr><th scope="col">Segment</th>${channels.map((c) => `<th scope="col" class="num">${esc(display.get(c))}</th>`).join('')}</tr></thead>`;
  const tbody = el('tbody');
  for (const s of segments) {
    const tr = el('tr');
    tr.append(el('th', { scope: 'row', class: `seg c${s.id % 12}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), names.get(s.id) ?? s.name));
    const byName = new Map(s.channels.map((c) => [c.name, c]));
    for (const c of channels) {
      const sc = byName.get(c);
      const v = sc?.index;
      const td = el('td', { class: 'cell', title: `${names.get(s.id) ?? s.name} × ${display.get(c)}: index ${idx(v)} (${dec2(sc?.mean)} per HCP, ${pct(sc?.share)} of the mix, n = ${int(s.size)})` }, idx(v));
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
  const fg = inkOnRgb(c) === '#ffffff' ? '#ffffff' : '#1b1f24'; // whichever contrasts more
  return [`rgb(${c.join(',')})`, fg];
}
