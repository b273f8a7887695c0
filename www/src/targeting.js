// Targeting: the selection (segments × specialty / country / consent filters), its count, the
// ranked channel priority and budget split, and the row-level exports.
import { esc, int, pct, idx, pretty, csvLine } from './util.js';
import { normalise } from './columns.js';

const TRUE = new Set(['true', '1', 'yes', 'y', 't', 'ja', 'oui', 'si', 'sí']);
const truthy = (v) => v === true || v === 1 || TRUE.has(String(v ?? '').trim().toLowerCase());

/**
 * Row-level table aligned with the engine's assignments: segment, confidence, and the columns the
 * filters need, read from the page's own copy of the input.
 * @param {import('hcp-segments').SegmentResult} result
 * @param {{headers:string[], rows:(string|number|boolean|null)[][]}} table the input as rows
 */
export function buildRows(result, table) {
  const n = result.assignments.length;
  const norm = table.headers.map(normalise);
  const col = (name) => norm.indexOf(normalise(name));
  const idIdx = (() => {
    const id = result.report.columns.find((c) => c.role === 'id');
    return id ? col(id.name) : col('hcp_id');
  })();
  const rowById = new Map();
  if (idIdx >= 0) for (let r = 0; r < table.rows.length; r++) rowById.set(String(table.rows[r][idIdx] ?? '').trim(), r);

  const segs = new Uint8Array(n);
  const conf = new Float32Array(n);
  const src = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const a = result.assignments[i];
    segs[i] = a.segment;
    conf[i] = a.confidence;
    src[i] = rowById.get(String(a.hcpId).trim()) ?? -1;
  }
  /** category column → {levels, codes} */
  const cats = {};
  for (const name of ['specialty', 'country']) {
    const j = col(name);
    if (j < 0 || !result.report.categories.map(normalise).includes(name)) continue;
    const levels = [], code = new Map(), codes = new Int16Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      if (src[i] < 0) continue;
      const v = String(table.rows[src[i]][j] ?? '').trim();
      if (!v) continue;
      let c = code.get(v);
      if (c === undefined) { c = levels.length; levels.push(v); code.set(v, c); }
      codes[i] = c;
    }
    const order = levels.map((v, c) => c).sort((a, b) => levels[a].localeCompare(levels[b]));
    cats[name] = { levels, codes, order };
  }
  /** consent column (normalised) → Uint8Array flags */
  const consents = {};
  for (const c of result.report.columns.filter((c) => c.role === 'consent')) {
    const j = col(c.name);
    if (j < 0) continue;
    const f = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (src[i] >= 0 && truthy(table.rows[src[i]][j])) f[i] = 1;
    consents[normalise(c.name)] = f;
  }
  return { n, ids: result.assignments.map((a) => a.hcpId), segs, conf, cats, consents, matched: src.filter((x) => x >= 0).length };
}

/**
 * @param {ReturnType<typeof buildRows>} rows
 * @param {{segments:Set<number>, specialty:Set<number>, country:Set<number>, consent:Set<string>}} sel
 * @returns {Uint8Array} 1 = selected
 */
export function selectRows(rows, sel) {
  const out = new Uint8Array(rows.n);
  const sp = rows.cats.specialty, co = rows.cats.country;
  const cons = [...sel.consent].map((c) => rows.consents[c]).filter(Boolean);
  for (let i = 0; i < rows.n; i++) {
    if (!sel.segments.has(rows.segs[i])) continue;
    if (sp && sel.specialty.size && !sel.specialty.has(sp.codes[i])) continue;
    if (co && sel.country.size && !sel.country.has(co.codes[i])) continue;
    let ok = true;
    for (const f of cons) if (!f[i]) { ok = false; break; }
    if (ok) out[i] = 1;
  }
  return out;
}

/**
 * Channel priority and budget split for the selection (the formula is written out on the page):
 * weight(c) = Σ_s n_s × index_{s,c} / 100 × reach_{s,c}; budget(c) = budget × weight(c) / Σ weight.
 */
export function channelPriority(rows, mask, segments, { budget, overIndexedOnly }) {
  const k = segments.length;
  const nS = new Float64Array(k);
  const channels = segments[0]?.channels.map((c) => c.name) ?? [];
  // Which consent column gates a channel: its own `consent_<channel>` if the file has one;
  // else, as the engine's channelPlan: reps are not gated, email needs consent_email (above),
  // every other (digital) channel needs consent_tracking.
  const gateFor = (ch) => {
    const own = normalise(`consent_${ch}`);
    if (rows.consents[own]) return own;
    if (ch === 'rep' || ch === 'email') return null;
    return rows.consents.consent_tracking ? 'consent_tracking' : null;
  };
  const gates = channels.map(gateFor);
  const reachCount = channels.map(() => new Float64Array(k));
  const flags = gates.map((g) => (g ? rows.consents[g] : null));
  for (let i = 0; i < rows.n; i++) {
    if (!mask[i]) continue;
    const s = rows.segs[i];
    nS[s]++;
    for (let c = 0; c < channels.length; c++) if (flags[c] && flags[c][i]) reachCount[c][s]++;
  }
  const total = nS.reduce((a, b) => a + b, 0);
  const list = channels.map((name, c) => {
    let weight = 0, idxSum = 0, reachSum = 0;
    for (const seg of segments) {
      const s = seg.id, n = nS[s];
      if (!n) continue;
      const index = seg.channels.find((x) => x.name === name)?.index ?? 0;
      const reach = flags[c] ? reachCount[c][s] / n : 1;
      weight += n * (index / 100) * reach;
      idxSum += n * index;
      reachSum += n * reach;
    }
    return { name, weight, index: total ? idxSum / total : null, reach: total ? reachSum / total : null, consentColumn: gates[c] };
  }).sort((a, b) => b.weight - a.weight);
  // Over-used = selection index above 101 (so a whole-universe selection, all ≈ 100, does not
  // split on rounding noise); when no channel is over-used, the split covers every channel.
  const over = list.filter((x) => x.weight > 0 && (x.index ?? 0) > 101);
  const fallback = overIndexedOnly && over.length === 0;
  const eligible = overIndexedOnly && !fallback ? over : list.filter((x) => x.weight > 0);
  const sumW = eligible.reduce((a, x) => a + x.weight, 0);
  for (const x of list) {
    const on = eligible.includes(x);
    x.budgetShare = on && sumW ? x.weight / sumW : 0;
    x.budget = x.budgetShare * budget;
  }
  return { total, list, fallback };
}

export function renderPriority(host, pr, currency = '') {
  if (!pr.total) { host.innerHTML = '<p class="muted">Select at least one segment with HCPs in it.</p>'; return; }
  const rows = pr.list.map((x, r) => `<tr data-channel="${esc(x.name)}"><td class="num">${r + 1}</td><td>${esc(pretty(x.name))}</td>` +
    `<td class="num">${idx(x.index)}</td><td class="num" title="${x.consentColumn ? esc(`share with ${x.consentColumn} = true`) : 'no consent column for this channel: counted as reachable'}">${x.consentColumn ? pct(x.reach) : '—'}</td>` +
    `<td class="num">${pct(x.budgetShare)}</td><td class="num budget-amount">${x.budget ? currency + int(x.budget) : '–'}</td></tr>`).join('');
  const note = `<p class="muted small">Reachable “—”: no consent column gates that channel (reps; or the file has no consent_&lt;channel&gt; or consent_tracking column), so all selected HCPs count as reachable. Email is gated by consent_email, other digital channels by consent_tracking, unless the file has a consent column of their own.${pr.fallback ? ' No channel is over-used by this selection (all indexes ≈ 100), so the split covers every channel.' : ''}</p>`;
  host.innerHTML = `<table><caption class="visually-hidden">Channel priority and budget split</caption><thead><tr><th scope="col" class="num">#</th><th scope="col">Channel</th><th scope="col" class="num">Index</th><th scope="col" class="num">Reachable</th><th scope="col" class="num">Split</th><th scope="col" class="num">Budget</th></tr></thead><tbody>${rows}</tbody></table>${note}`;
}

/** Target list CSV: hcp_id,segment,segment_name,confidence for the selected rows. */
export function targetListCsv(rows, mask, names) {
  const out = ['hcp_id,segment,segment_name,confidence'];
  for (let i = 0; i < rows.n; i++) {
    if (!mask[i]) continue;
    out.push(csvLine([rows.ids[i], rows.segs[i], names(rows.segs[i]), rows.conf[i].toFixed(4)]));
  }
  return out.join('\n') + '\n';
}
