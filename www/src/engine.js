// The engine: hcp-segments' worker API, used exactly as a portal would use the npm package.
// All clustering runs in the package's module Web Worker; this page only sends input and options
// and receives results. Cancelling aborts the call (the package terminates its worker at once).
import { createSegmenter } from 'hcp-segments/worker';

/** @type {import('hcp-segments/worker').Segmenter | null} */
let segmenter = null;

function get() {
  if (!segmenter) segmenter = createSegmenter();
  return segmenter;
}

// A call that is aborted rejects with an AbortError; the package terminates its worker and starts
// a fresh one lazily on the next call, so the same segmenter is kept.
function call(fn) {
  return fn(get());
}

export const isAbort = (e) => e?.name === 'AbortError';

/** @returns {Promise<import('hcp-segments').SegmentResult>} */
export function segment(input, options, { onProgress, signal } = {}) {
  return call((s) => s.segment(input, options, { onProgress, signal }));
}

/** @returns {Promise<import('hcp-segments').AssignResult>} */
export function assign(model, input, { onProgress, signal } = {}) {
  return call((s) => s.assign(model, input, { onProgress, signal }));
}

/** @returns {Promise<string>} */
export function generateSample(n, seed) {
  return call((s) => s.generateSample(n, seed));
}

/** Start the worker (and the .wasm fetch) early, so no request is made once data is loaded. */
export function warmUp() {
  return generateSample(20, 1).then(() => true, () => false);
}
