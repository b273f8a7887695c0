// hcp-segments for Node (CommonJS). The wasm-bindgen `nodejs` build reads and instantiates the
// .wasm synchronously when this module is loaded, so there is nothing to await.
"use strict";
const wasm = require("./hcp_segments.js");

module.exports = {
  segment: wasm.segment,
  assign: wasm.assign,
  kmeans: wasm.kmeans,
  generateSample: wasm.generateSample,
  version: wasm.version,
  /** Already loaded in Node; kept so the same code runs in browsers and Node. */
  init: () => Promise.resolve(),
  initSync: () => {},
};
