// The report as one HTML string, from a plain snapshot of the workspace and the engine's shareable
// summary: an executive summary, one page per segment (its card and its channel mix against the
// universe), then the method and data notes. Every count comes from the summary, so a cell the
// engine withholds (fewer HCPs than its minimum cell size) is never printed.
import { esc, int, pct, dec1, idx, pretty, segColour } from '../util.js';
import { indexWords, baseWords, verdictWords, leanOf, leanWords, kSentence } from '../explain.js';
import { mixChart } from './chart.js';

const TOP = 4;

/**
 * @typedef {object} ReportSnapshot
 * @property {string} fileName
 * @property {number} rowsRead
 * @property {number} excluded rows left out by the exclusion list
 * @property {string[]} warnings the engine's warnings on the run
 * @property {import('hcp-segments').SegmentResult} result
 * @property {Record<number, string>} names persona names as shown on the page
 * @property {import('hcp-segments').StabilityReport | null} stability
 * @property {import('hcp-segments').ChannelPlan | null} plan
 * @property {import('hcp-segments').TestCells | null} cells
 * @property {{k: string|number, seed: number, nRuns: number, locale: string, cells?: {arms: string[], holdout: number, seed: number, strata: string[]}}} settings
 * @property {string} [createdAt] ISO date
 */

/**
 * @param {ReportSnapshot} snap
 * @param {import('hcp-segments').SegmentSummary} summary segmentSummary of the named segments
 */
export function renderReport(snap, summary) {
  const segments = summary.segments;
  const ctx = {
    snap, summary, min: summary.minCellSize,
    stab: new Map((snap.stability?.segments ?? []).map((s) => [s.id, s])),
    bySeg: new Map(snap.result.segments.map((s) => [s.id, s])),
    name: new Map(segments.map((s) => [s.id, s.name])),
  };
  return `<article class="hcp-report">` + summaryPage(ctx) +
    segments.map((s, i) => segmentPage(ctx, s, i, segments.length)).join('') + notesPage(ctx) + '</article>';
}

const swatch = (id) => `<span class="rp-swatch" aria-hidden="true"><svg viewBox="0 0 10 10" width="10" height="10"><rect width="10" height="10" fill="${segColour(id)}"/></svg></span>`;
/** A count the summary may withhold. */
const count = (v, min) => (v == null ? `fewer than ${int(min)} (withheld)` : int(v));
const top = (list, n = TOP) => [...(list ?? [])].sort((a, b) => b.share - a.share).slice(0, n);

function summaryPage(ctx) {
  const { snap, summary, min } = ctx;
  const segs = summary.segments;
  const k = snap.result.quality.k;
  const used = snap.result.report.rowsUsed;
  const leans = { open: 0, walled: 0, balanced: 0, elsewhere: 0 };
  const rows = segs.map((s) => {
    const full = ctx.bySeg.get(s.id);
    const bal = s.suppressed ? null : full?.networkBalance;
    const lean = leanOf(bal);
    if (lean) leans[lean]++;
    const chs = top(s.channels, 2), fm = top(s.formats)[0];
    const st = ctx.stab.get(s.id);
    return `<tr><th scope="row">${swatch(s.id)}${esc(s.name)}</th><td class="num">${count(s.size, min)}</td><td class="num">${s.share == null ? '–' : pct(s.share)}</td>` +
      `<td>${chs.map((ch) => `${esc(ch.displayName ?? pretty(ch.name))} <span class="rp-idx">index ${idx(ch.index)}</span>`).join('<br>') || '–'}</td>` +
      `<td>${fm ? `${esc(fm.displayName ?? pretty(fm.name))} <span class="rp-idx">index ${idx(fm.index)}</span>` : '–'}</td>` +
      `<td>${lean ? esc(leanWords(bal).replace(/ \(.*\)$/, '')) : '–'}</td><td>${st ? esc(st.verdict === 'tooSmall' ? 'too small' : st.verdict) : 'not checked'}</td></tr>`;
  }).join('');
  const leanLine = `${leans.open} of ${segs.length} segments lean to open networks (where HCPs build their reputation), ` +
    `${leans.walled} to walled gardens (HCP-only networks where they discuss clinical decisions)${leans.balanced ? `, ${leans.balanced} balanced` : ''}${leans.elsewhere ? `; ${leans.elsewhere} engage${leans.elsewhere === 1 ? 's' : ''} mostly on other channels (email, events, reps, education portals)` : ''}.`;
  return `<section class="rp-page rp-summary"><header class="rp-head"><p class="rp-kicker">HCP segmentation report</p>` +
    `<h1>Executive summary</h1><p class="rp-meta">${esc(snap.fileName)} · ${int(used)} HCPs · ${esc((snap.createdAt ?? new Date().toISOString()).slice(0, 10))}</p></header>` +
    `<p class="rp-lead">${int(used)} HCPs fall into ${esc(kSentence(snap.result.kSweep, k)).replace(/^\d+ segments/, '<strong>$&</strong>')}</p>` +
    `<table class="rp-table"><caption>Segments, their size, what reaches them best and how reliable they are</caption><thead><tr><th scope="col">Segment (persona)</th><th scope="col" class="num">HCPs</th><th scope="col" class="num">Share</th>` +
    `<th scope="col">Top channels</th><th scope="col">Top format</th><th scope="col">Open networks vs walled gardens</th><th scope="col">Stability</th></tr></thead><tbody>${rows}</tbody></table>` +
    `<p class="rp-note">Top = the largest share of the segment's engagements. Index = the segment's engagements per HCP against the average HCP's × 100 (200 = twice as much).</p>` +
    `<h2>Open networks and walled gardens</h2><p>${esc(leanLine)}</p>` +
    planSection(ctx) + cellsSection(ctx) + '</section>';
}

function planSection(ctx) {
  const plan = ctx.snap.plan;
  if (!plan || !plan.budgetCents) return '<h2>Channel plan</h2><p>No budget was split for this report.</p>';
  const fmt = new Intl.NumberFormat(ctx.snap.settings.locale || 'en-US', { style: 'currency', currency: plan.currency || 'EUR' });
  const unit = 10 ** (plan.minorUnits ?? 2);
  const money = (cents) => fmt.format(cents / unit);
  const rows = plan.segments.map((s) => {
    const chs = plan.allocations.filter((a) => a.segment === s.id && a.cents > 0).sort((a, b) => b.cents - a.cents).slice(0, 3)
      .map((a) => `${esc(a.displayName ?? a.channel)} ${money(a.cents)}`).join(' · ');
    return `<tr><th scope="row">${swatch(s.id)}${esc(ctx.name.get(s.id) ?? s.name)}</th><td class="num">${money(s.budgetCents)}</td><td class="num">${pct(s.budgetCents / plan.budgetCents)}</td><td>${chs || '–'}</td></tr>`;
  }).join('');
  const k = ctx.summary.segments.length;
  const scope = plan.segments.length < k ? ` (for ${plan.segments.length} of the ${k} segments, as selected on the page)` : '';
  return `<h2>Channel plan: ${money(plan.budgetCents)}${esc(scope)}</h2><table class="rp-table"><caption>The budget split by the engine's channel plan</caption><thead><tr><th scope="col">Segment</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Share</th><th scope="col">Largest channels</th></tr></thead><tbody>${rows}</tbody></table>` +
    `<p class="rp-note">Each segment × channel gets budget in proportion to how much its HCPs use the channel and how many of them can be reached there; channels under ${pct(plan.minMixShare)} of a segment's mix get nothing unless forced.</p>`;
}

function cellsSection(ctx) {
  const cells = ctx.snap.cells;
  const set = ctx.snap.settings.cells;
  if (!cells) return '<h2>Test design</h2><p>No test cells were drawn for this report.</p>';
  const parts = cells.cells.map((c) => `${esc(c.cell)}: ${pct(c.share)} (${c.count >= ctx.min ? `${int(c.count)} HCPs` : `fewer than ${int(ctx.min)} HCPs, withheld`})`).join(' · ');
  const strata = cells.stratifiedBy.length ? `segment × ${cells.stratifiedBy.map(pretty).join(' × ')}` : 'segment';
  return `<h2>Test design</h2><p>The selected HCPs are split at random into ${cells.cells.length} cells, balanced within each ${esc(strata)} ` +
    `(every cell within one HCP of its quota in each group)${set ? `, seed ${esc(set.seed)}` : ''}: ${parts}.</p>`;
}

function scoreTable(title, list, size, n) {
  if (!list?.length) return '';
  const rows = top(list, n).map((c) => `<tr><th scope="row">${esc(c.displayName ?? pretty(c.name))}</th><td class="num">${pct(c.share)}</td><td class="num">${idx(c.index)}</td>` +
    `<td>${esc(indexWords(c.index))} <span class="rp-base">(${esc(baseWords(c))})</span></td></tr>`).join('');
  return `<table class="rp-table rp-scores"><caption>${esc(title)} <span class="rp-base">· base: ${int(size)} HCPs</span></caption><thead><tr><th scope="col">Name</th><th scope="col" class="num">Share of mix</th><th scope="col" class="num">Index</th><th scope="col">What the index means</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`;
}

function compositionLine(comp, min) {
  const levels = [...comp.levels].sort((a, b) => (a.suppressed - b.suppressed) || (b.share ?? 0) - (a.share ?? 0));
  const shown = levels.slice(0, 5).map((l) => (l.suppressed ? `${esc(pretty(l.value))} (fewer than ${int(min)}, withheld)` : `${esc(pretty(l.value))} ${pct(l.share)} (index ${idx(l.index)})`));
  const more = levels.length - 5;
  return `<p><strong>${esc(pretty(comp.column))}:</strong> ${shown.join(' · ')}${more > 0 ? ` · ${more} more` : ''}</p>`;
}

function segmentPage(ctx, s, i, n) {
  const head = `<header class="rp-head"><p class="rp-kicker">Segment ${i + 1} of ${n}</p><h1>${swatch(s.id)}<span class="rp-name">${esc(s.name)}</span></h1>`;
  if (s.suppressed) {
    return `<section class="rp-page rp-segment" data-seg="${s.id}">${head}</header><p>This segment has fewer than ${int(ctx.min)} HCPs: its size and profile are withheld from this report` +
      ' so that no HCP can be recognised. Merge it (fewer segments) or collect more data before planning for it.</p></section>';
  }
  const full = ctx.bySeg.get(s.id);
  const st = ctx.stab.get(s.id);
  const bal = full?.networkBalance;
  const drivers = s.drivers.map((d) => pretty(d.includes(':') ? d.slice(d.indexOf(':') + 1) : d)).join(', ');
  const comps = s.composition.filter((c) => ['specialty', 'country'].includes(c.column)).map((c) => compositionLine(c, ctx.min)).join('');
  return `<section class="rp-page rp-segment" data-seg="${s.id}">${head}` +
    `<p class="rp-meta">${count(s.size, ctx.min)} HCPs · ${pct(s.share)} of all HCPs · ${dec1(s.meanEngagements)} engagements per HCP${drivers ? ` · what sets it apart: ${esc(drivers)}` : ''}</p></header>` +
    `<dl class="rp-facts"><div><dt>Stability</dt><dd>${st ? `${esc(verdictWords(st.verdict))} (members kept on average ${pct(st.meanJaccard)} over ${int(st.resamples)} resamples)` : 'not checked for this report'}</dd></div>` +
    `<div><dt>Where it engages</dt><dd>${bal ? `${esc(leanWords(bal))}: open networks ${pct(bal.open)}, walled gardens ${pct(bal.walled)}, other ${pct(bal.other)} of its channel engagements` : '–'}</dd></div></dl>` +
    scoreTable('Top channels (largest share of the segment\'s engagements)', s.channels, s.size, 4) +
    scoreTable('Top formats', s.formats, s.size, 3) + comps +
    `<figure class="rp-figure">${mixChart(s.channels, segColour(s.id), `Channel mix of ${s.name} against all HCPs`)}` +
    `<figcaption>Channel mix: the share of the segment's engagements on each channel (coloured) against the share for all HCPs (grey).</figcaption></figure></section>`;
}

function notesPage(ctx) {
  const { snap, summary } = ctx;
  const rep = snap.result.report;
  const k = snap.result.quality.k;
  const set = snap.settings;
  const items = [
    `Data: ${esc(snap.fileName)}. Rows read: ${int(snap.rowsRead)}; used: ${int(rep.rowsUsed)}.`,
    `Excluded: ${int(snap.excluded)} rows (HCPs on the exclusion list, e.g. objections to profiling)${rep.rowsSkipped ? `; skipped: ${int(rep.rowsSkipped)} rows with an unreadable cell` : ''}.`,
    `Columns used: ${rep.channels.length} channels, ${rep.formats.length} formats${rep.categories.length ? `; described by ${esc(rep.categories.map(pretty).join(', '))}` : ''}${rep.ignored.length ? `; not read: ${esc(rep.ignored.join(', '))}` : ''}.`,
    `Suppression: any group of fewer than ${int(summary.minCellSize)} HCPs is withheld (its count, share and index are not printed, and figures that would reveal it are withheld too). Withheld in this report: ${int(summary.suppressedCells)} cell${summary.suppressedCells === 1 ? '' : 's'}${withheldWords(summary)}.`,
    snap.stability ? `Stability: the segmentation was re-run on ${int(snap.stability.resamples)} random resamples of ${int(snap.stability.sampleSize)} HCPs; a segment is stable when its members come back together in nearly every resample, fuzzy when its core does, unreliable otherwise.`
      : 'Stability: not checked for this report.',
    `Number of segments: ${esc(kSentence(snap.result.kSweep, k))}`,
    `Method: k-means clustering on the engagement profiles, best of ${int(set.nRuns)} starts, seed ${esc(set.seed)} (the same file and settings give the same segments).`,
    ...(snap.warnings ?? []).map((w) => `Note from the engine: ${esc(w)}`),
  ];
  return `<section class="rp-page rp-notes"><header class="rp-head"><p class="rp-kicker">Method and data notes</p><h1>How these segments were made</h1></header>` +
    `<ul class="rp-list">${items.map((t) => `<li>${t}</li>`).join('')}</ul></section>`;
}

/** Which kinds of cells the summary withheld: whole segments, levels per column, reach cells. */
function withheldWords(summary) {
  const parts = [];
  const whole = summary.segments.filter((s) => s.suppressed).length;
  if (whole) parts.push(`${whole} whole segment${whole === 1 ? '' : 's'}`);
  const byColumn = new Map();
  for (const s of summary.segments) {
    for (const c of s.composition) {
      const n = c.levels.filter((l) => l.suppressed).length;
      if (n) byColumn.set(c.column, (byColumn.get(c.column) ?? 0) + n);
    }
  }
  for (const [column, n] of byColumn) parts.push(`${int(n)} ${pretty(column)} group${n === 1 ? '' : 's'}`);
  const reach = summary.segments.reduce((a, s) => a + s.reach.filter((r) => r.suppressed).length, 0);
  if (reach) parts.push(`${int(reach)} consent count${reach === 1 ? '' : 's'}`);
  return parts.length ? `, among them ${esc(parts.join(', '))}` : '';
}
