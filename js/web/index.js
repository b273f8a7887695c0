// hcp-segments for browsers and bundlers (the wasm-bindgen `web` build).
//
//   import { init, segment } from "hcp-segments";
//   await init();                 // fetches hcp_segments_bg.wasm beside this file, once
//   const result = segment(csvText, { k: "auto" });
//
// init() is explicit rather than a top-level await: TLA breaks Vite's and webpack's default
// build targets, and an explicit call lets the host pass its own URL/bytes (CDN, strict CSP).
//
// The wasm is two modules, so that a page's first download is only the segmentation:
// init() loads hcp_segments_bg.wasm (segment, kmeans, version); initTools() loads
// hcp_segments_tools_bg.wasm (assign, segmentSummary, generateSample and the targeting
// functions), when the page first needs one of them.
import wbInit, * as wasm from "./hcp_segments.js";
import toolsInit, * as tools from "./hcp_segments_tools.js";

let ready = null;
let initialized = false;
let toolsReady = null;
let toolsInitialized = false;

function codedError(code, message, cause) {
  const err = new Error(message, cause === undefined ? undefined : { cause });
  err.code = code;
  return err;
}

/** Load the wasm (idempotent). `input`: URL, Response, bytes or WebAssembly.Module; default: the file beside this module. */
export function init(input) {
  if (!ready) {
    const arg = input === undefined ? undefined : { module_or_path: input };
    ready = wbInit(arg).then(
      () => {
        initialized = true;
      },
      (e) => {
        ready = null; // allow a retry (e.g. with another URL)
        throw codedError("WASM_LOAD_FAILED", `hcp-segments: could not load the wasm: ${e && e.message ? e.message : e}`, e);
      },
    );
  }
  return ready;
}

/** Synchronous init from bytes or a compiled WebAssembly.Module (workers, tests). */
export function initSync(input) {
  if (initialized) return;
  wasm.initSync({ module: input });
  initialized = true;
  ready = Promise.resolve();
}

/** Load the second module, the tools (idempotent). `input` as for init(); default: the file beside this module. */
export function initTools(input) {
  if (!toolsReady) {
    const arg = input === undefined ? undefined : { module_or_path: input };
    toolsReady = toolsInit(arg).then(
      () => {
        toolsInitialized = true;
      },
      (e) => {
        toolsReady = null;
        throw codedError("WASM_LOAD_FAILED", `hcp-segments: could not load the tools wasm: ${e && e.message ? e.message : e}`, e);
      },
    );
  }
  return toolsReady;
}

/** Synchronous initTools from bytes or a compiled WebAssembly.Module (workers, tests). */
export function initToolsSync(input) {
  if (toolsInitialized) return;
  tools.initSync({ module: input });
  toolsInitialized = true;
  toolsReady = Promise.resolve();
}

function needTools(name) {
  if (!toolsInitialized) {
    throw codedError("NOT_INITIALIZED", `hcp-segments: await initTools() before calling ${name}() in a browser (it is in the second wasm module, hcp_segments_tools_bg.wasm)`);
  }
}

function need(name) {
  if (!initialized) {
    throw codedError("NOT_INITIALIZED", `hcp-segments: await init() before calling ${name}() in a browser`);
  }
}

// One wrapper per function the two modules export (segment, kmeans, version: init(); assign,
// generateSample and the rest of js/types.d.ts: initTools()), each checking that its module is
// loaded, is appended below by scripts/build-wasm.sh from the wasm-bindgen output, so no export
// can be forgotten here.
