// What the three saved-model actions show: assigned counts, the refresh (matches, migration) and
// the fold-in (verdict, drift). Each takes the action's output and the model it ran with.
import { esc, el, int, pct, dec2 } from '../util.js';
import { renderFlow } from '../charts/flow.js';
import { inkOnRgb } from '../palette.js';
import { $ } from '../ui.js';

/** The segment names a saved model carries, by id. */
export function modelSegmentNames(model) {
  const segs = Array.isArray(model?.segments) ? model.segments : null;
  const names = new Map();
  if (segs) segs.forEach((s, i) => { if (s && typeof s.name === 'string') names.set(typeof s.id === 'number' ? s.id : i, s.name); });
  return names;
}

/** A name for an assigned segment the model does not name. */
function assignName(id) {
  return `Segment ${id}`;
}

export function renderAssign({ res }, model, fileName) {
  const names = modelSegmentNames(model);
  const counts = new Map();
  let confSum = 0;
  for (const a of res.assignments) { counts.set(a.segment, (counts.get(a.segment) ?? 0) + 1); confSum += a.confidence; }
  const ids = [...counts.keys()].sort((a, b) => a - b);
  const n = res.assignments.length;
  $('assign-table').innerHTML = `<table id="assign-counts"><caption>${int(n)} HCPs from ${esc(fileName)} assigned · mean confidence ${dec2(n ? confSum / n : null)}</caption>` +
    `<thead><tr><th scope="col">Segment</th><th scope="col" class="num">HCPs</th><th scope="col" class="num">Share</th></tr></thead><tbody>` +
    ids.map((id) => `<tr data-seg="${id}"><td><span class="c${id % 12}"><span class="swatch" aria-hidden="true"></span></span>${esc(names.get(id) ?? assignName(id))}</td><td class="num">${int(counts.get(id))}</td><td class="num">${pct(counts.get(id) / n)}</td></tr>`).join('') +
    '</tbody></table>';
}

export function renderRefresh({ res, hasPrevious }, model, fileName) {
  const rr = res.refresh;
  const oldNames = modelSegmentNames(model);
  const hasPrev = hasPrevious;
  $('refresh-summary').innerHTML =
    `<div><span>New period</span> <strong>${esc(fileName)}</strong></div>` +
    `<div><span>HCPs</span> <strong>${int(res.assignments.length)}</strong></div>` +
    `<div><span>Segments</span> <strong>${res.segments.length}</strong> (${int(rr.matches.filter((m) => m.previousId != null).length)} matched${rr.retired.length ? `, retired: ${esc(rr.retired.map((i) => oldNames.get(i) ?? `Segment ${i}`).join(', '))}` : ''})</div>` +
    (hasPrev ? `<div><span>Same segment</span> <strong id="rf-continuing">${int(rr.continuing)}</strong></div><div><span>Moved</span> <strong id="rf-moved">${int(rr.moved)}</strong></div>` +
      `<div><span>New HCPs</span> <strong id="rf-new">${int(rr.newHcps)}</strong></div><div><span>Lapsed HCPs</span> <strong id="rf-lapsed">${int(rr.lapsedHcps)}</strong></div>` : '<div class="warn">Load the previous assignments to see the migration and the new / lapsed HCPs.</div>');
  const matches = `<table id="refresh-matches"><caption>New segments and the saved segment each continues</caption><thead><tr><th scope="col">New segment</th><th scope="col" class="num">HCPs</th><th scope="col">Continues</th><th scope="col" class="num">Centroid distance</th></tr></thead><tbody>` +
    rr.matches.map((m) => `<tr data-seg="${m.id}" data-prev="${m.previousId ?? ''}"><th scope="row" class="c${m.id % 12}"><span class="swatch" aria-hidden="true"></span>${esc(m.name)}</th><td class="num">${int(m.size)}</td>` +
      `<td>${m.previousId == null ? '<strong>new segment</strong>' : esc(oldNames.get(m.previousId) ?? `Segment ${m.previousId}`)}</td><td class="num">${m.distance == null ? '–' : m.distance.toFixed(3)}</td></tr>`).join('') + '</tbody></table>';
  const newName = new Map(res.segments.map((s) => [s.id, s.name]));
  let migration = '';
  if (hasPrev && rr.migration.length) {
    const newIds = res.segments.map((s) => s.id).sort((a, b) => a - b);
    migration = `<table id="migration" class="heatmap migration"><caption>Migration: HCPs in both periods, saved segment (rows) → new segment (columns); the diagonal stayed</caption>` +
      `<thead><tr><th scope="col">From \\ to</th>${newIds.map((j) => `<th scope="col" class="num c${j % 12}"><span class="swatch" aria-hidden="true"></span>${esc(newName.get(j) ?? `Segment ${j}`)}</th>`).join('')}<th scope="col" class="num">Total</th></tr></thead><tbody>` +
      rr.migration.map((row, i) => `<tr data-from="${i}"><th scope="row" class="seg c${i % 12}"><span class="swatch" aria-hidden="true"></span>${esc(oldNames.get(i) ?? `Segment ${i}`)}</th>` +
        newIds.map((j) => `<td class="cell${i === j ? ' diag' : ''}" data-to="${j}" data-n="${row[j] ?? 0}" title="${esc(`${oldNames.get(i) ?? `Segment ${i}`} → ${newName.get(j) ?? `Segment ${j}`}`)}: ${int(row[j] ?? 0)} HCPs">${int(row[j] ?? 0)}</td>`).join('') +
        `<td class="num">${int(row.reduce((a, b) => a + b, 0))}</td></tr>`).join('') + '</tbody></table>';
  }
  $('refresh-out').innerHTML = matches + migration;
  if (migration) {
    $('migration').before(el('div', { id: 'migration-flow' }));
    renderFlow($('migration-flow'), rr.migration, (i) => oldNames.get(i) ?? `Segment ${i}`, (j) => newName.get(j) ?? `Segment ${j}`);
  }
  // Shade the migration cells (CSSOM, allowed by the CSP) by their count.
  const max = Math.max(1, ...rr.migration.flat());
  $('refresh-out').querySelectorAll('#migration td.cell').forEach((td) => {
    const t = Math.sqrt(Number(td.dataset.n) / max);
    const a = 0.08 + 0.85 * t, bg = [0, 114, 178].map((c) => Math.round(255 - a * (255 - c)));
    td.style.backgroundColor = `rgb(${bg.join(',')})`;
    td.style.color = inkOnRgb(bg);
  });
}

// The engine's reasons name its option keys; the page shows the labels of its own inputs.
function plainReason(r) {
  return r.replace(/`([^`]*)`/g, '“$1”')
    .replace(/more than maxDrift ([\d.]+)/, 'more than the maximum relative drift ($1)')
    .replace(/more than maxReassigned ([\d.]+) %/, 'more than the maximum ($1%)')
    .replace(/more than maxNewShare ([\d.]+) %/, 'more than the maximum ($1%)')
    .replace(/(\d) %/g, '$1%')
    .replace(/^./, (c) => c.toUpperCase());
}

export function renderUpdate({ res, opts }, before, name) {
  const sizeBefore = new Map((before.segments ?? []).map((s, i) => [typeof s.id === 'number' ? s.id : i, s.size]));
  const sizeAfter = new Map(res.model.segments.map((s) => [s.id, s.size]));
  $('update-verdict').className = `verdict ${res.refreshDue ? 'due' : 'ok'}`;
  $('update-verdict').dataset.due = String(res.refreshDue);
  $('update-verdict').innerHTML = res.refreshDue
    ? `<strong>A full refresh is due.</strong> The folded-in model can be used for now, but re-segment (Refresh segments, or a new run) because:` +
      `<ul id="update-reasons">${res.reasons.map((r) => `<li>${esc(plainReason(r))}</li>`).join('')}</ul>`
    : `<strong>No full refresh needed.</strong> Every segment moved less than ${esc(String(opts.maxDrift))} (relative), ` +
      `${pct(res.reassignedShare)} of the new HCPs changed segment (maximum ${esc(String(opts.maxReassigned * 100))}%), and they are ${pct(res.newShare)} of the saved universe (maximum ${esc(String(opts.maxNewShare * 100))}%).`;
  $('update-summary').innerHTML =
    `<div><span>New profiles</span> <strong>${esc(name)}</strong></div>` +
    `<div><span>HCPs folded in</span> <strong id="upd-rows">${int(res.rows)}</strong></div>` +
    `<div><span>Changed segment by the update</span> <strong id="upd-reassigned">${int(res.reassigned)}</strong> (${pct(res.reassignedShare)})</div>` +
    `<div><span>Share of the saved universe</span> <strong id="upd-new-share">${pct(res.newShare)}</strong></div>`;
  const maxRel = Math.max(opts.maxDrift, ...res.drift.map((d) => d.relativeShift), 1e-9);
  $('update-out').innerHTML = `<table id="update-drift"><caption>Drift per segment: how far each centre moved when the new HCPs were folded in ` +
    `(shift in the model's scaled feature space; relative = shift ÷ the typical distance of an HCP from the universe mean; the mark is the maximum drift)</caption>` +
    `<thead><tr><th scope="col">Segment</th><th scope="col" class="num">HCPs before</th><th scope="col" class="num">Added</th><th scope="col" class="num">HCPs after</th>` +
    `<th scope="col" class="num">Shift</th><th scope="col" class="num">Relative shift</th><th scope="col" class="drift-bar-h"><span class="visually-hidden">Relative shift against the maximum</span></th></tr></thead><tbody>` +
    res.drift.map((d) => {
      const over = d.relativeShift > opts.maxDrift;
      return `<tr data-seg="${d.id}" data-added="${d.added}" data-shift="${d.shift}" data-rel="${d.relativeShift}"${over ? ' class="over"' : ''}>` +
        `<th scope="row" class="c${d.id % 12}"><span class="swatch" aria-hidden="true"></span>${esc(d.name)}</th>` +
        `<td class="num">${int(sizeBefore.get(d.id))}</td><td class="num">${int(d.added)}</td><td class="num">${int(sizeAfter.get(d.id))}</td>` +
        `<td class="num">${d.shift.toFixed(3)}</td><td class="num">${d.relativeShift.toFixed(3)}${over ? ' <span class="badge unreliable">over</span>' : ''}</td>` +
        `<td class="drift-cell"><span class="drift-track"><span class="drift-bar" data-w="${(d.relativeShift / maxRel).toFixed(4)}"></span><span class="drift-mark" data-w="${(opts.maxDrift / maxRel).toFixed(4)}"></span></span></td></tr>`;
    }).join('') + '</tbody></table>';
  // Bar widths through the CSSOM (inline style attributes are blocked by the CSP).
  $('update-out').querySelectorAll('[data-w]').forEach((e) => {
    const w = `${(100 * Number(e.dataset.w)).toFixed(1)}%`;
    if (e.classList.contains('drift-mark')) e.style.left = w; else e.style.width = w;
  });
}
