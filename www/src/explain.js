// Plain words for the numbers the page and the report show: what an index means, what a
// stability verdict means, which way a segment leans, and why this many segments.
// Words only: every number comes from the engine.
import { dec1, int, pct } from './util.js';

/** "2.6× the average HCP" / "about average" / "half the average HCP's use". */
export function indexWords(index) {
  if (index == null || !Number.isFinite(index)) return 'no universe average to compare with';
  const ratio = index / 100;
  if (ratio >= 0.9 && ratio <= 1.1) return 'about as much as the average HCP';
  if (ratio > 1.1) return `${dec1(ratio)}× the average HCP`;
  if (ratio === 0) return 'none at all';
  return `${Math.round(index)}% of the average HCP's use`;
}

/** The base behind a channel's or format's index, in words. */
export function baseWords(score, size) {
  return `${dec1(score.mean)} vs ${dec1(score.universeMean)} engagements per HCP` + (size == null ? '' : `; base: ${int(size)} HCPs`);
}

const VERDICTS = {
  stable: 'stable: re-running on resampled data finds this segment again with nearly the same HCPs',
  fuzzy: 'fuzzy: the core of this segment comes back on resampled data, its edges move',
  unreliable: 'unreliable: resampled data often splits or merges it; do not build a campaign on it alone',
  tooSmall: 'too small to judge: fewer HCPs than the minimum segment size',
};
/** A stability verdict explained in one clause. */
export const verdictWords = (verdict) => VERDICTS[verdict] ?? 'not checked';

/** Which way a segment leans: "open", "walled", "balanced", "elsewhere" (under a fifth of its use on either), or null. */
export function leanOf(balance) {
  if (!balance || balance.openShare == null || !Number.isFinite(balance.openShare)) return null;
  if ((balance.open ?? 0) + (balance.walled ?? 0) < 0.2) return 'elsewhere';
  return balance.openShare >= 0.6 ? 'open' : balance.openShare <= 0.4 ? 'walled' : 'balanced';
}

/** Which way a segment leans between open networks and walled gardens, in words. */
export function leanWords(balance) {
  const lean = leanOf(balance);
  if (!lean) return 'uses neither open networks nor walled gardens';
  if (lean === 'elsewhere') return `engages mostly elsewhere (${pct(balance.other)} on owned channels, education portals, events or reps)`;
  if (lean === 'open') return `leans to open networks (${pct(balance.openShare)} of the two)`;
  if (lean === 'walled') return `leans to walled gardens (${pct(1 - balance.openShare)} of the two)`;
  return 'balanced between open networks and walled gardens';
}

/**
 * Why this many segments, in one sentence.
 * @param {import('hcp-segments').KSweep | null | undefined} sweep
 * @param {number} k the number of segments shown
 */
export function kSentence(sweep, k) {
  if (!sweep || sweep.chosenK !== k) return `${k} segments: the number chosen in the settings.`;
  const min = sweep.minSegmentSize;
  if (min && sweep.rows.length && sweep.rows.every((r) => r.ruledOut)) {
    return `${k} segments: no split tried kept every segment at ${int(min)} HCPs or more; of those with the fewest small segments, this is the most distinct.`;
  }
  return `${k} segments: the most distinct split of the ${sweep.rows.length} tried` +
    (min ? ` in which every segment has at least ${int(min)} HCPs.` : '.');
}

const VERDICTS_SHORT = {
  stable: 'found again with nearly the same HCPs when re-run on resampled data',
  fuzzy: 'its core comes back on resampled data, its edges move',
  unreliable: 'often splits or merges on resampled data: do not build on it alone',
  tooSmall: 'too few HCPs to judge',
};
/** A stability verdict in a few visible words, next to the badge. */
export const verdictShort = (verdict) => VERDICTS_SHORT[verdict] ?? '';
