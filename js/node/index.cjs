// hcp-segments for Node (CommonJS). The wasm-bindgen `nodejs` builds read and instantiate their
// .wasm synchronously when this module is loaded, so there is nothing to await. All three
// modules (the segmentation, the tools and the workbook reader, see web/index.js) are loaded:
// Node has no download to save.
"use strict";
const segmentation = require("./hcp_segments.js");
const tools = require("./hcp_segments_tools.js");
const workbooks = require("./hcp_segments_workbooks.js");

const api = {};
// Every function the first two modules export (segment, kmeans, version; assign, generateSample, the
// targeting functions, …), without wasm-bindgen's internals and the start hook (it already ran
// at load). Where both export one (version), the segmentation module's is kept.
for (const wasm of [tools, segmentation]) {
  for (const [name, value] of Object.entries(wasm)) {
    if (typeof value === "function" && !name.startsWith("__") && name !== "start") api[name] = value;
  }
}
// A workbook goes to the workbook module first (see web/index.js: readingWorkbooks).
function readingWorkbooks(fn) {
  return (...args) => {
    try {
      return fn(...args);
    } catch (e) {
      if (!e || e.code !== "WORKBOOK_READER_MISSING") throw e;
      const options = args.find((a) => a && typeof a === "object" && !ArrayBuffer.isView(a) && !(a instanceof ArrayBuffer) && "sheet" in a);
      return fn(...args.map((a) => (ArrayBuffer.isView(a) || a instanceof ArrayBuffer ? workbooks.readTable(a, options) ?? a : a)));
    }
  };
}
// engine: "linfa" (the reference k-means) is in the tools module only: the segmentation module
// answers it with ENGINE_MISSING before any work, and the tools module's function runs the call.
function routingEngine(name) {
  const [first, second] = [readingWorkbooks(segmentation[name]), readingWorkbooks(tools[name])];
  return (...args) => {
    try {
      return first(...args);
    } catch (e) {
      if (!e || e.code !== "ENGINE_MISSING") throw e;
      return second(...args);
    }
  };
}
// (Classes such as the pool's session are left as they are.)
for (const name of Object.keys(api)) {
  if (/^[A-Z]/.test(name)) continue;
  api[name] = name === "segment" || name === "kmeans" ? routingEngine(name) : readingWorkbooks(api[name]);
}
api.readTable = workbooks.readTable;
/** Already loaded in Node; kept so the same code runs in browsers and Node. */
api.init = () => Promise.resolve();
api.initSync = () => {};
api.initTools = () => Promise.resolve();
api.initToolsSync = () => {};
api.initWorkbooks = () => Promise.resolve();
api.initWorkbooksSync = () => {};

module.exports = api;
