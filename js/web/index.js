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

function codedError(code, message, cause) {
  const err = new Error(message, cause === undefined ? undefined : { cause });
  err.code = code;
  return err;
}

/** One module's loading: async (idempotent; retried after a failure) or sync, and the check before a call. */
function loader(wbInitFn, bindings, what, how) {
  let ready = null;
  let loaded = false;
  return {
    load(input) {
      if (!ready) {
        const arg = input === undefined ? undefined : { module_or_path: input };
        ready = wbInitFn(arg).then(
          () => {
            loaded = true;
          },
          (e) => {
            ready = null; // allow a retry (e.g. with another URL)
            throw codedError("WASM_LOAD_FAILED", `hcp-segments: could not load ${what}: ${e && e.message ? e.message : e}`, e);
          },
        );
      }
      return ready;
    },
    loadSync(input) {
      if (loaded) return;
      bindings.initSync({ module: input });
      loaded = true;
      ready = Promise.resolve();
    },
    need(name) {
      if (!loaded) throw codedError("NOT_INITIALIZED", `hcp-segments: ${how} before calling ${name}() in a browser`);
    },
  };
}

const segmentation = loader(wbInit, wasm, "the wasm", "await init()");
const toolsModule = loader(toolsInit, tools, "the tools wasm", "await initTools() (the function is in the second wasm module, hcp_segments_tools_bg.wasm)");

/** Load the wasm (idempotent). `input`: URL, Response, bytes or WebAssembly.Module; default: the file beside this module. */
export function init(input) {
  return segmentation.load(input);
}

/** Synchronous init from bytes or a compiled WebAssembly.Module (workers, tests). */
export function initSync(input) {
  segmentation.loadSync(input);
}

/** Load the second module, the tools (idempotent). `input` as for init(); default: the file beside this module. */
export function initTools(input) {
  return toolsModule.load(input);
}

/** Synchronous initTools from bytes or a compiled WebAssembly.Module. */
export function initToolsSync(input) {
  toolsModule.loadSync(input);
}

const need = (name) => segmentation.need(name);
const needTools = (name) => toolsModule.need(name);

// One wrapper per function the two modules export (segment, kmeans, version: init(); assign,
// generateSample and the rest of js/types.d.ts: initTools()), each checking that its module is
// loaded, is appended below by scripts/build-wasm.sh from the wasm-bindgen output, so no export
// can be forgotten here.

// The segmentation module has no workbook reader (it would double its download): given a
// workbook's bytes it answers WORKBOOK_READER_MISSING before doing any work, and the tools
// module reads the workbook into the engine's table format, which the segmentation reads.
export function segment(input, options, onProgress) {
  need("segment");
  try {
    return wasm.segment(input, options, onProgress);
  } catch (e) {
    if (!e || e.code !== "WORKBOOK_READER_MISSING") throw e;
    needTools("segment (with a workbook)");
    return wasm.segment(tools.readTable(input, options), options, onProgress);
  }
}
