// The engine: hcp-segments' worker API, used exactly as a portal would use the npm package.
// All clustering runs in the package's module Web Worker; this page only sends input and options
// and receives results. Cancelling aborts the call (the package terminates its worker at once).
import { createSegmenter } from 'hcp-segments/worker';

/** @type {import('hcp-segments/worker').Segmenter | null} */
let segmenter = null;
/** A second worker for long background checks (stability), so the plan and cells never queue behind them. */
let background = null;

function get(bg) {
  if (bg) return (background ??= createSegmenter({ workers: 1 })); // stability is one call: one worker
  if (!segmenter) segmenter = createSegmenter();
  return segmenter;
}

// A call that is aborted rejects with an AbortError; the package terminates its worker and starts
// a fresh one lazily on the next call, so the same segmenter is kept.
function call(fn, bg = false) {
  return fn(get(bg));
}

export const isAbort = (e) => e?.name === 'AbortError';

/** @returns {Promise<import('hcp-segments').SegmentResult>} */
export function segment(input, options, { onProgress, signal } = {}) {
  return call((s) => s.segment(input, options, { onProgress, signal }));
}

/** @returns {Promise<import('hcp-segments').AssignResult>} */
export function assign(model, input, options, { onProgress, signal } = {}) {
  return call((s) => s.assign(model, input, options, { onProgress, signal }));
}

/** @returns {Promise<string>} */
export function generateSample(n, seed) {
  return call((s) => s.generateSample(n, seed));
}

/**
 * Start the worker early: the segmentation module first (the engine is ready once it is loaded),
 * then the tools module (sample data, plan, cells, …) in the background, so no request is made
 * once data is loaded.
 */
export function warmUp() {
  return call((s) => s.version()).then(
    () => {
      generateSample(20, 1).catch(() => {}); // loads the tools; a failure shows on their first use
      return true;
    },
    () => false,
  );
}

// ---- targeting: the engine's own functions, all in the worker ----
const callOpts = ({ onProgress, signal } = {}) => ({ onProgress, signal });

/** @returns {Promise<import('hcp-segments').ChannelPlan>} */
export function channelPlan(segments, options, c) {
  return call((s) => s.channelPlan(segments, options, callOpts(c)));
}
/** @returns {Promise<import('hcp-segments').StabilityReport>} */
export function stability(model, input, options, c) {
  return call((s) => s.stability(model, input, options, callOpts(c)), !!c?.background);
}
/** @returns {Promise<import('hcp-segments').TestCells>} */
export function testCells(model, input, options, c) {
  return call((s) => s.testCells(model, input, options, callOpts(c)));
}
/** @returns {Promise<import('hcp-segments').LookalikeResult>} */
export function lookalikes(model, input, options, c) {
  return call((s) => s.lookalikes(model, input, options, callOpts(c)));
}
/** @returns {Promise<import('hcp-segments').RefreshResult>} */
export function refresh(model, input, previous, options, c) {
  return call((s) => s.refresh(model, input, previous, options, callOpts(c)));
}
/** @returns {Promise<import('hcp-segments').EventAggregate>} */
export function aggregateEvents(text, options, c) {
  return call((s) => s.aggregateEvents(text, options, callOpts(c)));
}
/** @returns {Promise<import('hcp-segments').UpdateResult>} */
export function updateModel(model, input, options, c) {
  return call((s) => s.updateModel(model, input, options, callOpts(c)));
}

// ---- files in and out: the engine reads every file and writes every download ----

/** What the engine makes of a file before a run (dialect, encoding, sheets, roles, first rows). */
export function inspect(input, options, c) {
  return call((s) => s.inspect(input, options, callOpts(c)));
}
/** One of the engine's CSV exports ("assignments", "summary", "testCells", "lookalikes", "plan"). */
export function exportCsv(what, value, options, c) {
  return call((s) => s.exportCsv(what, value, options, callOpts(c)));
}
/** The target list CSV (id, segment, name, confidence, cell, specialty, country, consents). */
export function targetList(result, input, options, c) {
  return call((s) => s.targetList(result, input, options, callOpts(c)));
}
/** The shareable summary, small cells suppressed. */
export function segmentSummary(result, options, c) {
  return call((s) => s.segmentSummary(result, options, callOpts(c)));
}

// ---- continuity: a re-run's segments matched to the previous run's (names survive re-runs) ----

/**
 * The engine's matching of two results on the HCPs they share (Hungarian, joined by hcpId); a pair
 * sharing less than `minOverlap` of the new segment is no match.
 * @returns {Promise<{segments: {id: number, previousId: number|null, name: string, shared: number, shareOfNew: number, shareOfPrevious: number, isNew: boolean}[], retired: number[]}>}
 */
export function matchSegments(previous, next, options, c) {
  return call((s) => s.matchSegments(previous, next, options, callOpts(c)));
}
