// hcp-segments for Node (CommonJS). The wasm-bindgen `nodejs` builds read and instantiate their
// .wasm synchronously when this module is loaded, so there is nothing to await. Both modules
// (the segmentation and the tools, see web/index.js) are loaded: Node has no download to save.
"use strict";
const segmentation = require("./hcp_segments.js");
const tools = require("./hcp_segments_tools.js");

const api = {};
// Every function the two modules export (segment, kmeans, version; assign, generateSample, the
// targeting functions, …), without wasm-bindgen's internals and the start hook (it already ran
// at load). Where both export one (version), the segmentation module's is kept.
for (const wasm of [tools, segmentation]) {
  for (const [name, value] of Object.entries(wasm)) {
    if (typeof value === "function" && !name.startsWith("__") && name !== "start") api[name] = value;
  }
}
// The segmentation module has no workbook reader: the tools module reads a workbook into the
// engine's table format first (see web/index.js).
api.segment = (input, options, onProgress) => {
  try {
    return segmentation.segment(input, options, onProgress);
  } catch (e) {
    if (!e || e.code !== "WORKBOOK_READER_MISSING") throw e;
    return segmentation.segment(tools.readTable(input, options), options, onProgress);
  }
};
/** Already loaded in Node; kept so the same code runs in browsers and Node. */
api.init = () => Promise.resolve();
api.initSync = () => {};
api.initTools = () => Promise.resolve();
api.initToolsSync = () => {};

module.exports = api;
