// Names that survive re-runs: a re-run on the same data (another k, seed, weights, restarts) is
// matched to the run shown (the engine's matchSegments, on the HCPs they share); the matched
// segments keep the names the user gave, the unmatched ones are marked new, and a notice says so.
import * as engine from '../engine.js';
import { store, subscribe, nameOf } from '../store.js';
import { $ } from '../ui.js';

/** What a result is to matchSegments: ids, names and who is in which segment. */
const matchable = (result, name) => ({
  segments: result.segments.map((s) => ({ id: s.id, name: name(s) })),
  assignments: result.assignments,
});

let notice = '';

/**
 * The names to keep on `next`, matched to `previous` (the result shown, with its names as shown):
 * {names, newSegments}; null when there is nothing to match (a first run) or the matching failed
 * (then the new run keeps the engine's names, and the notice says why).
 */
export async function keepNames(previous, next) {
  notice = '';
  if (!previous) return null;
  let match;
  try {
    match = await engine.matchSegments(matchable(previous, (s) => nameOf(s.id)), matchable(next, (s) => s.name), {});
  } catch (e) {
    notice = `The new segments could not be matched to the previous ones (${e?.message ?? e}), so they have the engine's names.`;
    return null;
  }
  // The names the user gave stay with their segments; a matched segment the user never renamed
  // takes the engine's name for its new profile.
  const names = new Map();
  const newSegments = new Set();
  let matched = 0;
  for (const s of match.segments) {
    if (s.isNew || s.previousId == null) { newSegments.add(s.id); continue; }
    matched += 1;
    if (store.names.has(s.previousId)) names.set(s.id, store.names.get(s.previousId));
  }
  const lost = [...store.names.keys()].filter((id) => !match.segments.some((s) => s.previousId === id));
  const quote = (list) => list.map((n) => `“${n}”`).join(', ');
  const parts = [`Matched ${matched} of ${match.segments.length} segments to the previous run`];
  if (names.size) parts.push(`kept ${names.size === 1 ? 'the name' : `the ${names.size} names`} you gave (${quote([...names.values()])})`);
  const newOnes = match.segments.filter((s) => newSegments.has(s.id)).map((s) => `“${s.name}”`);
  if (newOnes.length) parts.push(`${newOnes.length === 1 ? 'segment' : 'segments'} ${newOnes.join(', ')} ${newOnes.length === 1 ? 'is' : 'are'} new`);
  if (lost.length) parts.push(`no longer found: ${quote(lost.map((id) => store.names.get(id)))}`);
  notice = `${parts.join('; ')}.`;
  return { names, newSegments };
}

function showNotice() {
  const p = $('names-notice');
  p.textContent = notice;
  p.hidden = !notice;
  p.dataset.kept = String(store.names.size);
  p.dataset.new = [...store.newSegments].join(',');
}

export function wireNames() {
  subscribe('data', () => { notice = ''; showNotice(); });
  subscribe('run-start', () => { notice = ''; });
  subscribe('result', showNotice);
}
