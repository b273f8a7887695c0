// The methods of createSegmenter()'s object, over a pool (pool.js) whatever runs its workers:
// they take the synchronous functions' arguments, plus call options ({onProgress, signal}).

/**
 * Every engine function the worker API forwards as it is, with the number of arguments the
 * synchronous function takes; the call options come after them.
 */
const FORWARDED = {
  segment: 2,
  assign: 3,
  // Files in and out: the engine reads and writes them.
  inspect: 2,
  readAssignments: 2,
  exportCsv: 3,
  targetList: 3,
  // Privacy, continuity, the warehouse and targeting.
  segmentSummary: 2,
  matchSegments: 3,
  eventsSql: 1,
  modelSql: 2,
  aggregateEvents: 2,
  refresh: 4,
  stability: 3,
  lookalikes: 3,
  testCells: 3,
  channelPlan: 2,
  updateModel: 3,
};

/** The Segmenter API over `pool` (a Pool, or node.js's pool of worker threads). */
export function segmenterOver(pool) {
  const api = {
    /** Number of workers in the pool (created lazily, on the first call that needs them). */
    get workers() {
      return pool.size;
    },
    kmeans(data, nCols, kmeansOptions, callOptions) {
      const transfer = data && data.buffer instanceof ArrayBuffer ? [data.buffer] : [];
      return pool.call("kmeans", [data, nCols, kmeansOptions], callOptions, transfer);
    },
    generateSample(n, seed) {
      return pool.call("generateSample", [n, seed], undefined);
    },
    version() {
      return pool.call("version", [], undefined);
    },
    dispose() {
      pool.dispose();
    },
  };
  for (const [name, arity] of Object.entries(FORWARDED)) {
    api[name] = (...args) => pool.call(name, args.slice(0, arity), args[arity]);
  }
  return api;
}
