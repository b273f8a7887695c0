// The methods of createSegmenter()'s object, over a pool (pool.js) whatever runs its workers:
// they take the synchronous functions' arguments, plus call options ({onProgress, signal}).

/** The Segmenter API over `pool` (a Pool, or node.js's pool of worker threads). */
export function segmenterOver(pool) {
  return {
    /** Number of workers in the pool (created lazily, on the first call that needs them). */
    get workers() {
      return pool.size;
    },
    segment(input, segmentOptions, callOptions) {
      return pool.call("segment", [input, segmentOptions], callOptions);
    },
    assign(model, input, assignOptions, callOptions) {
      return pool.call("assign", [model, input, assignOptions], callOptions);
    },
    // Files in and out: the engine reads and writes them (same arguments as the sync functions).
    inspect(input, options, callOptions) {
      return pool.call("inspect", [input, options], callOptions);
    },
    readAssignments(input, options, callOptions) {
      return pool.call("readAssignments", [input, options], callOptions);
    },
    exportCsv(what, value, options, callOptions) {
      return pool.call("exportCsv", [what, value, options], callOptions);
    },
    targetList(result, input, options, callOptions) {
      return pool.call("targetList", [result, input, options], callOptions);
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
    // Privacy and targeting: same arguments as the synchronous functions, plus call options.
    segmentSummary(result, options, callOptions) {
      return pool.call("segmentSummary", [result, options], callOptions);
    },
    matchSegments(previous, next, options, callOptions) {
      return pool.call("matchSegments", [previous, next, options], callOptions);
    },
    aggregateEvents(text, options, callOptions) {
      return pool.call("aggregateEvents", [text, options], callOptions);
    },
    refresh(model, input, previous, options, callOptions) {
      return pool.call("refresh", [model, input, previous, options], callOptions);
    },
    stability(model, input, options, callOptions) {
      return pool.call("stability", [model, input, options], callOptions);
    },
    lookalikes(model, input, options, callOptions) {
      return pool.call("lookalikes", [model, input, options], callOptions);
    },
    testCells(model, input, options, callOptions) {
      return pool.call("testCells", [model, input, options], callOptions);
    },
    channelPlan(segments, options, callOptions) {
      return pool.call("channelPlan", [segments, options], callOptions);
    },
    updateModel(model, input, options, callOptions) {
      return pool.call("updateModel", [model, input, options], callOptions);
    },
    dispose() {
      pool.dispose();
    },
  };
}
