// hcp-segments for browsers and bundlers (the wasm-bindgen `web` build).
//
//   import { init, segment } from "hcp-segments";
//   await init();                 // fetches hcp_segments_bg.wasm beside this file, once
//   const result = segment(csvText, { k: "auto" });
//
// init() is explicit rather than a top-level await: TLA breaks Vite's and webpack's default
// build targets, and an explicit call lets the host pass its own URL/bytes (CDN, strict CSP).
//
// The wasm is three modules, so that a page's first download is only the segmentation:
// init() loads hcp_segments_bg.wasm (segment, kmeans, version); initTools() loads
// hcp_segments_tools_bg.wasm (assign, inspect, the writers, segmentSummary, matchSegments,
// generateSample, the SQL generators and the targeting functions), when the page first needs one of them; initWorkbooks() loads
// hcp_segments_workbooks_bg.wasm, the .xlsx/.xls/.ods reader, when a workbook arrives.
import wbInit, * as wasm from "./hcp_segments.js";
import toolsInit, * as tools from "./hcp_segments_tools.js";
import workbooksInit, * as workbooks from "./hcp_segments_workbooks.js";

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
    get loaded() {
      return loaded;
    },
  };
}

const segmentation = loader(wbInit, wasm, "the wasm", "await init()");
const toolsModule = loader(toolsInit, tools, "the tools wasm", "await initTools() (the function is in the second wasm module, hcp_segments_tools_bg.wasm)");
const workbooksModule = loader(workbooksInit, workbooks, "the workbook wasm", "await initWorkbooks() (reading .xlsx/.xls/.ods is the third wasm module, hcp_segments_workbooks_bg.wasm)");

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

/** Load the workbook reader (idempotent): .xlsx, .xls and .ods files need it. `input` as for init(). */
export function initWorkbooks(input) {
  return workbooksModule.load(input);
}

/** Synchronous initWorkbooks from bytes or a compiled WebAssembly.Module. */
export function initWorkbooksSync(input) {
  workbooksModule.loadSync(input);
}

const need = (name) => segmentation.need(name);
const needTools = (name) => toolsModule.need(name);
const needWorkbooks = (name) => workbooksModule.need(name);

/**
 * `fn(...args)`; when the engine answers that a file is a workbook (WORKBOOK_READER_MISSING,
 * before any work), every file argument is read by the workbook module into the engine's table
 * (the sheet from the call's options) and the call is made again with the tables.
 */
function readingWorkbooks(fn, args) {
  try {
    return fn(...args);
  } catch (e) {
    if (!e || e.code !== "WORKBOOK_READER_MISSING") throw e;
    if (!workbooksModule.loaded) {
      e.message += ": call await initWorkbooks() first";
      throw e;
    }
    const options = args.find((a) => a && typeof a === "object" && !ArrayBuffer.isView(a) && !(a instanceof ArrayBuffer) && "sheet" in a);
    return fn(...args.map((a) => (ArrayBuffer.isView(a) || a instanceof ArrayBuffer ? workbooks.readTable(a, options) ?? a : a)));
  }
}

/**
 * `segment` and `kmeans`: the segmentation module's; `engine: "linfa"` (the reference k-means)
 * is in the tools module only, so the segmentation module answers it with ENGINE_MISSING
 * before any work and the call is made again by the tools module's function.
 */
function routingEngine(name, args) {
  try {
    return readingWorkbooks(wasm[name], args);
  } catch (e) {
    if (!e || e.code !== "ENGINE_MISSING") throw e;
    if (!toolsModule.loaded) {
      e.message += ": call await initTools() first";
      throw e;
    }
    return readingWorkbooks(tools[name], args);
  }
}

export function segment(...args) {
  need("segment");
  return routingEngine("segment", args);
}

export function kmeans(...args) {
  need("kmeans");
  return routingEngine("kmeans", args);
}

// One wrapper per function the modules export (segment, kmeans, version: init(); assign,
// generateSample and the rest of js/types.d.ts: initTools(); readTable: initWorkbooks()), each
// checking that its module is loaded, is appended below by scripts/build-wasm.sh from the
// wasm-bindgen output, so no export can be forgotten here.

