// The worker thread behind createSegmenter() in Node (node.js): the Node build of the wasm,
// read from the package's files (no fetch), serving the pool's calls (serve.js).
import { createRequire } from "node:module";
import { parentPort } from "node:worker_threads";
import { serveCalls } from "./serve.js";

// wasm-bindgen's Node bindings are CommonJS and compile their module when first required.
const require = createRequire(import.meta.url);
const api = require("../node/index.cjs");
const segmentBindings = require("../node/hcp_segments.js");
const toolsBindings = require("../node/hcp_segments_tools.js");

const onMessage = serveCalls({ api, segmentBindings, toolsBindings, post: (message, transfer) => parentPort.postMessage(message, transfer) });
parentPort.on("message", onMessage);
