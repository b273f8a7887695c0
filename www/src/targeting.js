// Targeting: the selection (segments × specialty / country / consent filters), its count, the
// segments handed to the engine's channel plan, and the plan's tables.
// No budget arithmetic here: the split is the engine's (channelPlan, in the worker). The row-level
// values the filters need (each HCP's specialty, country and consent flags) come from the engine
// too: its target list of every HCP, as a table of typed values (targetList's output: "table").
import { esc, int, pct, idx, dec2, kindLabel } from './util.js';

/** The category columns the filters offer. */
export const FILTER_CATEGORIES = ['specialty', 'country'];

/**
 * Row-level table aligned with the engine's assignments: segment, confidence, and the columns the
 * filters need, from the engine's target list of every HCP (rows in the assignments' order).
 * @param {import('hcp-segments').SegmentResult} result
 * @param {{headers: string[], rows: Array<Array<string|number|boolean|null>>}} list targetList(result, input, {output: "table"})
 */
export function buildRows(result, list) {
  const n = result.assignments.length;
  const table = list.rows;
  const head = list.headers;
  const first = head.indexOf('confidence') + 1;
  const segs = new Uint8Array(n);
  const conf = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    segs[i] = result.assignments[i].segment;
    conf[i] = result.assignments[i].confidence;
  }
  /** category column → {levels, codes, order} */
  const cats = {};
  /** consent column → Uint8Array flags */
  const consents = {};
  for (let j = first; j > 0 && j < head.length; j++) {
    const name = head[j];
    if (name === 'cell') continue;
    if (FILTER_CATEGORIES.includes(name)) {
      const levels = [], code = new Map(), codes = new Int16Array(n).fill(-1);
      for (let i = 0; i < n && i < table.length; i++) {
        const v = table[i][j] ?? '';
        if (typeof v !== 'string') continue;
        if (!v) continue;
        let c = code.get(v);
        if (c === undefined) { c = levels.length; levels.push(v); code.set(v, c); }
        codes[i] = c;
      }
      const order = levels.map((v, c) => c).sort((a, b) => levels[a].localeCompare(levels[b]));
      cats[name] = { levels, codes, order };
    } else {
      const f = new Uint8Array(n);
      for (let i = 0; i < n && i < table.length; i++) if (table[i][j] === true) f[i] = 1;
      consents[name] = f;
    }
  }
  return { n, ids: result.assignments.map((a) => a.hcpId), segs, conf, cats, consents };
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
        const c = consentNames.indexOf(r.consent);
        const count = c >= 0 ? reach[c][seg.id] : Math.round(r.share * cnt);
        return { consent: r.consent, share: count / cnt, count };
      }),
    });
  }
  return out;
}

const STATUS_TEXT = { tested: 'tested', untested: 'untested' };

/** What a segment × channel is: tested / untested (with results), forced, or why it gets nothing. */
function statusOf(c, a, hasResults) {
  if (!c.eligible && !a?.forced) return { cls: 'excluded', text: 'not funded' };
  const parts = [];
  if (a?.forced || c.forced) parts.push('forced');
  // Without campaign results every cell is untested: the label only says something with them.
  if (hasResults && a?.status && STATUS_TEXT[a.status]) parts.push(STATUS_TEXT[a.status]);
  return { cls: hasResults ? a?.status ?? 'planned' : 'planned', text: parts.join(' · ') || 'funded' };
}

/**
 * The engine's plan: a channels × segments table of amounts (in the plan's currency, formatted in
 * the user's locale), then per segment every channel with its base — engagements per HCP, share of
 * the mix, index, reachable HCPs —, its amount, its status and the engine's reason.
 * @param {import('hcp-segments').ChannelPlan} plan
 */
export function renderPlan(host, plan, { hasResults, locale }) {
  const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency: plan.currency || 'EUR' });
  const money = (a) => fmt.format(a);
  const unit = 10 ** (plan.minorUnits ?? 2);
  const chTotal = new Map();
  const display = new Map();
  for (const a of plan.allocations) {
    chTotal.set(a.channel, (chTotal.get(a.channel) ?? 0) + a.cents);
    display.set(a.channel, a.displayName ?? a.channel);
  }
  const channels = [...chTotal.keys()].filter((c) => chTotal.get(c) > 0).sort((a, b) => chTotal.get(b) - chTotal.get(a));
  const cell = new Map(plan.allocations.map((a) => [`${a.segment}|${a.channel}`, a]));
  // Rows = channels (by total amount), columns = segments: k stays narrow, channels can be many.
  const segHead = plan.segments.map((s) => `<th scope="col" class="num seg-col c${s.id % 12}" data-seg="${s.id}" ><span class="swatch" aria-hidden="true"></span>${esc(s.name)}<span class="sub">${int(s.size)} HCPs</span></th>`).join('');
  const head = `<thead><tr><th scope="col">Channel</th>${segHead}<th scope="col" class="num total">Total</th><th scope="col" class="num">Share</th></tr></thead>`;
  const body = channels.length ? channels.map((c) => {
    const tds = plan.segments.map((s) => {
      const a = cell.get(`${s.id}|${c}`);
      if (!a || !a.cents) return `<td class="num zero" data-seg="${s.id}" data-channel="${esc(c)}" data-cents="0">–</td>`;
      const moved = hasResults && a.posteriorRate != null && a.expectedRate != null && Math.abs(a.posteriorRate - a.expectedRate) > 1e-9;
      const dir = moved ? (a.posteriorRate > a.expectedRate ? ' up' : ' down') : '';
      const untested = hasResults && a.status === 'untested';
      return `<td class="num amount${dir}${untested ? ' untested' : ''}" data-seg="${s.id}" data-channel="${esc(c)}" data-cents="${a.cents}" data-status="${esc(a.status ?? '')}" title="${esc(`${s.name} × ${a.displayName}: ${money(a.amount)} (${pct(a.share)} of the budget). ${a.reason ?? ''}`)}">${money(a.amount)}${untested ? '<span class="mult">untested</span>' : ''}</td>`;
    }).join('');
    const tot = chTotal.get(c);
    return `<tr data-channel="${esc(c)}"><th scope="row">${esc(display.get(c))}</th>${tds}<td class="num total ch-total" data-cents="${tot}">${money(tot / unit)}</td><td class="num">${pct(plan.budgetCents ? tot / plan.budgetCents : 0)}</td></tr>`;
  }).join('') : `<tr><td colspan="${plan.segments.length + 3}" class="muted">Enter a budget above 0 to split it.</td></tr>`;
  const foot = `<tfoot><tr><th scope="row">Total</th>${plan.segments.map((s) => `<td class="num seg-total" data-seg="${s.id}" data-cents="${s.budgetCents}">${money(s.budgetCents / unit)}</td>`).join('')}<td class="num total" id="plan-total" data-cents="${plan.budgetCents}" data-currency="${esc(plan.currency)}">${money(plan.budgetCents / unit)}</td><td class="num">100%</td></tr></tfoot>`;
  const table = `<table id="plan-table"><caption class="visually-hidden">Budget by channel and segment</caption>${head}<tbody>${body}</tbody>${foot}</table>`;
  const segs = plan.segments.map((s) => {
    const rows = s.channels.map((c) => {
      const a = cell.get(`${s.id}|${c.channel}`);
      const st = statusOf(c, a, hasResults);
      const reach = c.consent ? `${int(c.reachable)} (${pct(c.reachableShare)}${c.consentKnown ? '' : ', no consent column: counted as all'})` : `${int(c.reachable)} (no consent gate)`;
      return `<tr data-channel="${esc(c.channel)}" class="st-${esc(st.cls)}"><th scope="row">${esc(c.displayName ?? c.channel)}<span class="sub">${esc(kindLabel(c.kind))}</span></th>` +
        `<td class="num per-hcp">${dec2(c.mean)}</td><td class="num mix">${pct(c.mixShare)}</td>` +
        `<td class="num"><span title="${esc(`index ${idx(c.index)}: the segment's ${dec2(c.mean)} per HCP against the universe; n = ${int(c.hcps)} HCPs`)}">${idx(c.index)}</span></td>` +
        `<td class="num reach">${reach}</td><td class="num amount" data-cents="${a?.cents ?? 0}">${a && a.cents ? money(a.amount) : '–'}</td>` +
        `<td class="status"><span class="badge st ${esc(st.cls)}">${esc(st.text)}</span></td><td class="reason small">${esc(a?.reason ?? c.excludedReason ?? '')}</td></tr>`;
    }).join('');
    const fms = s.formats.slice(0, 3).map((f) => `${esc(f.displayName ?? f.format)} <span class="muted">${pct(f.mixShare)} of mix · index ${idx(f.index)}</span>`).join(' · ');
    return `<div class="plan-seg c${s.id % 12}" data-seg="${s.id}"><h4>${esc(s.name)} <span class="muted">· ${int(s.size)} HCPs · ${money(s.budgetCents / unit)}</span></h4>` +
      `<div class="table-wrap" tabindex="0" role="region" aria-label="Channels of ${esc(s.name)}"><table class="plan-detail"><caption class="visually-hidden">Channels of segment ${s.id}</caption><thead><tr><th scope="col">Channel</th>` +
      `<th scope="col" class="num" title="mean engagements per HCP">Per HCP</th><th scope="col" class="num" title="share of the segment's channel engagements">Share of mix</th>` +
      `<th scope="col" class="num">Index</th><th scope="col" class="num">Reachable HCPs</th><th scope="col" class="num">Amount</th><th scope="col">Status</th><th scope="col">Why</th></tr></thead>` +
      `<tbody>${rows}</tbody></table></div><p class="small">Formats: ${fms}</p></div>`;
  }).join('');
  const notes = [`Channels under ${pct(plan.minMixShare)} of a segment's mix get nothing unless forced.`];
  if (hasResults) {
    notes.push(`${pct(plan.untestedShare)} of the budget is with untested channels (at least ${pct(plan.explorationShare)}, the exploration share); ▲/▼ mark cells whose expected engagement rate rose or fell with the results.`);
    if (plan.unmatchedResults) notes.push(`${int(plan.unmatchedResults)} result rows named no segment or channel of this plan and were not used.`);
  }
  host.innerHTML = table + `<p class="muted small" id="plan-notes">${esc(notes.join(' '))}</p>` +
    `<h4 class="plan-h">Every channel per segment: its use, reach, amount and why</h4><div class="plan-segs">${segs}</div>`;
}
