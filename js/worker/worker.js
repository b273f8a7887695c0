// The module Web Worker behind createSegmenter() in browsers: the web build of the wasm
// (fetched beside the package's files, or from the URLs the pool passes) serving the pool's
// calls (serve.js).
import * as api from "../web/index.js";
import * as segmentBindings from "../web/hcp_segments.js";
import * as toolsBindings from "../web/hcp_segments_tools.js";
import { serveCalls } from "./serve.js";

const onMessage = serveCalls({ api, segmentBindings, toolsBindings, post: (message, transfer) => self.postMessage(message, transfer) });
self.onmessage = (event) => onMessage(event.data);
