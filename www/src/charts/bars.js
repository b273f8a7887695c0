// Bars people read at any width: HTML rows whose bar widths are set through the CSSOM (the CSP
// blocks style attributes). Every number is written next to its bar, so the list is its own text
// alternative; the bars themselves are hidden from assistive technology.
import { esc, el, int, pct } from '../util.js';
import { segClass } from '../palette.js';

const setWidths = (host) => host.querySelectorAll('[data-w]').forEach((e) => { e.style.width = `${(100 * Number(e.dataset.w)).toFixed(2)}%`; });

/**
 * Segment sizes: one row per segment, bar ∝ HCPs; a too-small segment is drawn hatched and says so.
 * @param {HTMLElement} host
 * @param {import('hcp-segments').Segment[]} segments
 * @param {(id:number)=>string} nameOf
 * @param {number} minSize the minimum segment size the engine applied
 */
export function renderSizeBars(host, segments, nameOf, minSize) {
  const max = Math.max(1, ...segments.map((s) => s.size));
  host.innerHTML = `<ul class="hbars" aria-label="Segment sizes">${segments.map((s) => {
    const note = s.tooSmall ? ` · <strong class="too-small-note">too small</strong> (fewer than ${int(minSize)} HCPs: not a persona)` : '';
    return `<li class="hbar-row ${segClass(s.id)}${s.tooSmall ? ' too-small' : ''}" data-seg="${s.id}" data-size="${s.size}">` +
      `<span class="hbar-label"><span class="swatch" aria-hidden="true"></span><span class="nm">${esc(nameOf(s.id))}</span></span>` +
      `<span class="hbar-track" aria-hidden="true"><span class="hbar" data-w="${s.size / max}"></span></span>` +
      `<span class="hbar-value">${int(s.size)} HCPs · ${pct(s.share)}${note}</span></li>`;
  }).join('')}</ul>`;
  setWidths(host);
}

/**
 * The plan's budget: first each segment's total, then each channel's amount split by segment
 * (stacked, one colour per segment), largest channel first.
 * @param {HTMLElement} host
 * @param {import('hcp-segments').ChannelPlan} plan
 * @param {(id:number)=>string} nameOf
 * @param {string} locale
 */
export function renderBudgetBars(host, plan, nameOf, locale) {
  const unit = 10 ** (plan.minorUnits ?? 2);
  const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency: plan.currency || 'EUR', maximumFractionDigits: 0 });
  const money = (cents) => fmt.format(cents / unit);
  const total = plan.budgetCents || 0;
  if (!total) { host.replaceChildren(); return; }
  const byChannel = new Map();
  for (const a of plan.allocations) {
    if (!a.cents) continue;
    const c = byChannel.get(a.channel) ?? { name: a.displayName ?? a.channel, cents: 0, parts: [] };
    c.cents += a.cents;
    c.parts.push(a);
    byChannel.set(a.channel, c);
  }
  const channels = [...byChannel.values()].sort((a, b) => b.cents - a.cents);
  const max = Math.max(1, ...channels.map((c) => c.cents));
  const piece = (id, cents, scale) => `<span class="hbar ${segClass(id)}" data-w="${cents / scale}" title="${esc(`${nameOf(id)}: ${money(cents)}`)}"></span>`;
  const segRow = `<li class="hbar-row stacked" data-row="segments"><span class="hbar-label">All channels, by segment</span>` +
    `<span class="hbar-track" aria-hidden="true">${plan.segments.map((s) => piece(s.id, s.budgetCents, total)).join('')}</span>` +
    `<span class="hbar-value">${plan.segments.map((s) => `<span class="${segClass(s.id)}"><span class="swatch" aria-hidden="true"></span>${esc(nameOf(s.id))} ${money(s.budgetCents)} (${pct(s.budgetCents / total)})</span>`).join(' · ')}</span></li>`;
  const chRows = channels.map((c) => `<li class="hbar-row stacked" data-channel="${esc(c.name)}" data-cents="${c.cents}">` +
    `<span class="hbar-label">${esc(c.name)}</span>` +
    `<span class="hbar-track" aria-hidden="true">${c.parts.map((a) => piece(a.segment, a.cents, max)).join('')}</span>` +
    `<span class="hbar-value">${money(c.cents)} (${pct(c.cents / total)}): ${c.parts.map((a) => `${esc(nameOf(a.segment))} ${money(a.cents)}`).join(', ')}</span></li>`).join('');
  host.innerHTML = `<h4 class="chart-h">Budget split: by segment, then by channel</h4><ul class="hbars budget-bars" aria-label="Budget split by segment and channel">${segRow}${chRows}</ul>`;
  setWidths(host);
}
