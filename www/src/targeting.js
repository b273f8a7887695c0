// Targeting: the selection (segments × specialty / country / consent filters), its count, the
// segments handed to the engine's channel plan, the plan's tables, and the row-level exports.
// No budget arithmetic here: the split is the engine's (channelPlan, in the worker).
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
 * The segments as the engine's channelPlan sees them, narrowed to the selection: a segment wholly
 * selected is passed as the engine made it; a partly selected one with its selected HCP count as
 * `size` and its consent shares over those HCPs as `reach` (its channel and format indexes stay the
 * whole segment's). Unselected segments are left out.
 * @returns {import('hcp-segments').Segment[]}
 */
export function planSegments(rows, mask, segments, nameOf) {
  const k = segments.length;
  const n = new Float64Array(k);
  const consentNames = Object.keys(rows.consents);
  const reach = consentNames.map(() => new Float64Array(k));
  for (let i = 0; i < rows.n; i++) {
    if (!mask[i]) continue;
    const s = rows.segs[i];
    n[s]++;
    for (let c = 0; c < consentNames.length; c++) if (rows.consents[consentNames[c]][i]) reach[c][s]++;
  }
  const out = [];
  for (const seg of segments) {
    const cnt = n[seg.id];
    if (!cnt) continue;
    const name = nameOf(seg.id);
    if (cnt === seg.size) { out.push({ ...seg, name }); continue; }
    out.push({
      ...seg, name, size: cnt, share: cnt / rows.n,
      reach: seg.reach.map((r) => {
        const c = consentNames.indexOf(normalise(r.consent));
        const count = c >= 0 ? reach[c][seg.id] : Math.round(r.share * cnt);
        return { consent: r.consent, share: count / cnt, count };
      }),
    });
  }
  return out;
}

const money = (cents) => int(cents / 100);

/**
 * The engine's plan: a segments × channels table of amounts (channels with budget, by total), totals,
 * then per segment its ranked channels (index, reachable share, priority) and formats.
 * @param {import('hcp-segments').ChannelPlan} plan
 */
export function renderPlan(host, plan, { hasResults }) {
  const chTotal = new Map();
  for (const a of plan.allocations) chTotal.set(a.channel, (chTotal.get(a.channel) ?? 0) + a.cents);
  const channels = [...chTotal.keys()].filter((c) => chTotal.get(c) > 0).sort((a, b) => chTotal.get(b) - chTotal.get(a));
  const cell = new Map(plan.allocations.map((a) => [`${a.segment}|${a.channel}`, a]));
  // Rows = channels (by total amount), columns = segments: k stays narrow, channels can be many.
  const segHead = plan.segments.map((s) => `<th scope="col" class="num seg-col c${s.id % 8}" data-seg="${s.id}" title="${esc(s.name)}"><span class="swatch" aria-hidden="true"></span>#${s.id}<span class="sub">${int(s.size)} HCPs</span></th>`).join('');
  const head = `<thead><tr><th scope="col">Channel</th>${segHead}<th scope="col" class="num total">Total</th><th scope="col" class="num">Share</th></tr></thead>`;
  const body = channels.length ? channels.map((c) => {
    const tds = plan.segments.map((s) => {
      const a = cell.get(`${s.id}|${c}`);
      if (!a || !a.cents) return `<td class="num zero" data-seg="${s.id}" data-channel="${esc(c)}" data-cents="0">–</td>`;
      const m = a.multiplier;
      const moved = hasResults && Math.abs(m - 1) > 0.005;
      const title = `${s.name} × ${pretty(c)}: ${(a.amount).toFixed(2)} (${pct(a.share)} of the budget); weight ${a.weight.toFixed(1)}` +
        (a.observedRate != null ? `; observed rate ${pct(a.observedRate)} on ${int(a.impressions)} impressions, multiplier ×${m.toFixed(2)}` : '');
      return `<td class="num amount${moved ? (m > 1 ? ' up' : ' down') : ''}" data-seg="${s.id}" data-channel="${esc(c)}" data-cents="${a.cents}" title="${esc(title)}">${money(a.cents)}${moved ? `<span class="mult">×${m.toFixed(2)}</span>` : ''}</td>`;
    }).join('');
    const tot = chTotal.get(c);
    return `<tr data-channel="${esc(c)}"><th scope="row">${esc(pretty(c))}</th>${tds}<td class="num total ch-total" data-cents="${tot}">${money(tot)}</td><td class="num">${pct(plan.budgetCents ? tot / plan.budgetCents : 0)}</td></tr>`;
  }).join('') : `<tr><td colspan="${plan.segments.length + 3}" class="muted">Enter a budget above 0 to split it.</td></tr>`;
  const foot = `<tfoot><tr><th scope="row">Total</th>${plan.segments.map((s) => `<td class="num seg-total" data-seg="${s.id}" data-cents="${s.budgetCents}">${money(s.budgetCents)}</td>`).join('')}<td class="num total" id="plan-total" data-cents="${plan.budgetCents}">${money(plan.budgetCents)}</td><td class="num">100%</td></tr></tfoot>`;
  const table = `<table id="plan-table"><caption class="visually-hidden">Budget by channel and segment</caption>${head}<tbody>${body}</tbody>${foot}</table>`;
  const segs = plan.segments.map((s) => {
    const chs = s.channels.slice(0, 5).map((c) => `<li data-channel="${esc(c.channel)}">${esc(pretty(c.channel))} <span class="muted">index ${idx(c.index)} · reachable ${c.consent ? `${pct(c.reachableShare)} (${esc(c.consent)}${c.consentKnown ? '' : ': not in the file, counted as 100%'})` : '100% (no consent gate)'}</span></li>`).join('');
    const fms = s.formats.slice(0, 3).map((f) => `${esc(pretty(f.format))} <span class="muted">${idx(f.index)}</span>`).join(' · ');
    return `<div class="plan-seg c${s.id % 8}" data-seg="${s.id}"><h4>#${s.id} ${esc(s.name)} <span class="muted">· ${money(s.budgetCents)}</span></h4><ol>${chs}</ol><div>Formats: ${fms}</div></div>`;
  }).join('');
  host.innerHTML = table + (hasResults ? `<p class="muted small">Amounts marked ×m moved with the campaign results (multiplier = shrunk observed rate ÷ pooled rate ${plan.meanRate == null ? '' : pct(plan.meanRate)}).${plan.unmatchedResults ? ` ${int(plan.unmatchedResults)} result rows named no segment or channel of this plan and were not used.` : ''}</p>` : '') +
    `<h4 class="plan-h">Channel and format priority per segment</h4><div class="plan-segs">${segs}</div>`;
}

/** The plan as CSV: segment,segment_name,channel,index,reachable_share,multiplier,amount. */
export function planCsv(plan) {
  const out = ['segment,segment_name,channel,index,reachable_share,multiplier,amount'];
  for (const a of plan.allocations) {
    const s = plan.segments.find((x) => x.id === a.segment);
    const c = s?.channels.find((x) => x.channel === a.channel);
    out.push(csvLine([a.segment, s?.name ?? '', a.channel, c ? c.index.toFixed(1) : '', c ? c.reachableShare.toFixed(4) : '', a.multiplier.toFixed(4), (a.cents / 100).toFixed(2)]));
  }
  return out.join('\n') + '\n';
}

/** Target list CSV: hcp_id,segment,segment_name,confidence[,cell] for the selected rows. */
export function targetListCsv(rows, mask, names, cells = null) {
  const out = ['hcp_id,segment,segment_name,confidence' + (cells ? ',cell' : '')];
  for (let i = 0; i < rows.n; i++) {
    if (!mask[i]) continue;
    const f = [rows.ids[i], rows.segs[i], names(rows.segs[i]), rows.conf[i].toFixed(4)];
    if (cells) f.push(cells.get(String(rows.ids[i])) ?? '');
    out.push(csvLine(f));
  }
  return out.join('\n') + '\n';
}
