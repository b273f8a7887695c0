// createSegmenter() for require("hcp-segments/worker") in Node: node.js (an ES module) loaded on
// the first call, behind the same synchronous createSegmenter(). Every method returns a Promise
// anyway, so a call made before node.js is loaded waits for it.
"use strict";

let loading = null;
const load = () => (loading ??= import("./node.js"));

const MAX_WORKERS = 64;
// segmenter.js's methods (the tests check the two lists are the same).
const METHODS = ["segment", "assign", "inspect", "readAssignments", "exportCsv", "targetList", "kmeans", "generateSample", "version",
  "segmentSummary", "matchSegments", "eventsSql", "modelSql", "aggregateEvents", "refresh", "stability", "lookalikes", "testCells", "channelPlan", "updateModel"];

function codedError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}

function createSegmenter(options = {}) {
  const workers = options && options.workers;
  // pool.js checks this too; checked here as well so a bad count throws at once, as with import.
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS)) {
    throw codedError("INVALID_OPTION", `hcp-segments: workers must be a whole number from 1 to ${MAX_WORKERS}, got ${workers}`);
  }
  let disposed = false;
  const segmenter = load().then((m) => {
    const s = m.createSegmenter(options);
    if (disposed) s.dispose();
    return s;
  });
  segmenter.catch(() => {}); // reported by each call
  const size = workers !== undefined ? workers : Math.max(1, Math.min(require("node:os").availableParallelism(), 4));
  const api = {
    get workers() {
      return size;
    },
    dispose() {
      disposed = true;
      segmenter.then((s) => s.dispose(), () => {});
    },
  };
  for (const name of METHODS) {
    api[name] = (...args) =>
      disposed ? Promise.reject(codedError("DISPOSED", "hcp-segments: the segmenter was disposed")) : segmenter.then((s) => s[name](...args));
  }
  return api;
}

module.exports = { createSegmenter };
