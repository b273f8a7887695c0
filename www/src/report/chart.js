// The report's chart: a segment's channel mix (share of its engagements per channel) against the
// universe's mix, as horizontal bars in an SVG string (no script, no external reference, no style
// attribute: it is printed and saved inside a self-contained HTML file).
import { esc, pct } from '../util.js';

const ROW = 18, LABEL = 150, PLOT = 420, TOP = 30, RIGHT = 52;

/**
 * @param {Array<{name: string, displayName?: string, share: number, universeMean: number}>} channels
 *   the segment's channel scores (the shareable summary's)
 * @param {string} colour the segment's colour
 * @param {string} title what the chart shows, for screen readers
 */
export function mixChart(channels, colour, title) {
  const universeTotal = channels.reduce((a, c) => a + (c.universeMean || 0), 0);
  const rows = channels
    .map((c) => ({ label: c.displayName ?? c.name, seg: c.share || 0, uni: universeTotal ? (c.universeMean || 0) / universeTotal : 0 }))
    .sort((a, b) => b.seg - a.seg || b.uni - a.uni);
  const max = Math.max(0.01, ...rows.map((r) => Math.max(r.seg, r.uni)));
  const width = LABEL + PLOT + RIGHT;
  const height = TOP + rows.length * ROW + 8;
  const x = (v) => ((v / max) * PLOT).toFixed(1);
  let out = `<svg class="mix-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">` +
    `<rect x="${LABEL}" y="4" width="12" height="12" fill="${esc(colour)}"/><text x="${LABEL + 17}" y="14" font-size="11" fill="#1b1f24">this segment</text>` +
    `<rect x="${LABEL + 110}" y="4" width="12" height="12" fill="#b6bec8"/><text x="${LABEL + 127}" y="14" font-size="11" fill="#1b1f24">all HCPs (the universe)</text>`;
  rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    out += `<text x="${LABEL - 8}" y="${y + 12}" font-size="11" fill="#1b1f24" text-anchor="end">${esc(r.label)}</text>` +
      `<rect x="${LABEL}" y="${y + 2}" width="${x(r.seg)}" height="8" fill="${esc(colour)}"/>` +
      `<rect x="${LABEL}" y="${y + 10}" width="${x(r.uni)}" height="5" fill="#b6bec8"/>` +
      `<text x="${LABEL + Number(x(r.seg)) + 5}" y="${y + 9.5}" font-size="10" fill="#1b1f24">${pct(r.seg)}</text>`;
  });
  out += `<line x1="${LABEL}" x2="${LABEL}" y1="${TOP - 4}" y2="${height - 6}" stroke="#57606a"/></svg>`;
  return out;
}
