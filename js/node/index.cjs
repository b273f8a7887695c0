// hcp-segments for Node (CommonJS). The wasm-bindgen `nodejs` build reads and instantiates the
// .wasm synchronously when this module is loaded, so there is nothing to await.
"use strict";
const wasm = require("./hcp_segments.js");

const api = {};
// Every function the wasm exports (segment, assign, kmeans, generateSample, version, …),
// without wasm-bindgen's internals and the start hook (it already ran at load).
for (const [name, value] of Object.entries(wasm)) {
  if (typeof value === "function" && !name.startsWith("__") && name !== "start") api[name] = value;
}
/** Already loaded in Node; kept so the same code runs in browsers and Node. */
api.init = () => Promise.resolve();
api.initSync = () => {};

module.exports = api;
