// createSegmenter(): the async, worker-backed API for pages. A pool of module Web Workers runs
// the wasm off the main thread (pool.js: the workers, the call queue, aborts); segment() is
// split over the workers when there are two or more (pooled-segment.js). The methods take the
// synchronous functions' arguments, plus call options ({onProgress, signal}): segmenter.js.
// In Node, the package's "./worker" export is node.js instead: the same API on worker threads.
import { Pool } from "./pool.js";
import { segmenterOver } from "./segmenter.js";

export function createSegmenter(options = {}) {
  return segmenterOver(new Pool(options));
}
