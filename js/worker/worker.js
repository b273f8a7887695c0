// The module Web Worker behind createSegmenter(): loads the web build and runs one call at a
// time. Protocol (main → worker): {type:"call", id, method, args, wasmUrl, progress}
// (worker → main): {type:"progress", id, progress} | {type:"result", id, result} |
// {type:"error", id, error:{name, message, code, line, column, stack}}
import * as api from "../web/index.js";

const { init } = api;
// Every engine function the web entry exports (generated from the wasm's exports at build time).
const methods = Object.fromEntries(
  Object.entries(api).filter(([name, f]) => typeof f === "function" && name !== "init" && name !== "initSync"),
);
let ready = null;

// Typed-array buffers in a result are transferred back, not copied.
function transferables(value, out = new Set(), depth = 0) {
  if (value && typeof value === "object" && depth < 4) {
    if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
    } else if (!Array.isArray(value)) {
      for (const k of Object.keys(value)) transferables(value[k], out, depth + 1);
    }
  }
  return [...out];
}

function serializeError(e) {
  if (e && typeof e === "object") {
    const out = { name: e.name || "Error", message: String(e.message ?? e), stack: e.stack };
    for (const k of ["code", "line", "column"]) if (e[k] !== undefined) out[k] = e[k];
    return out;
  }
  return { name: "Error", message: String(e) };
}

self.onmessage = async (event) => {
  const msg = event.data;
  if (!msg || msg.type !== "call") return;
  const { id, method, args } = msg;
  try {
    if (!ready) ready = init(msg.wasmUrl);
    await ready;
    const fn = methods[method];
    if (!fn) throw new Error(`hcp-segments worker: unknown method ${method}`);
    const callArgs = [...args];
    if (method === "segment" && msg.progress) {
      while (callArgs.length < 2) callArgs.push(undefined);
      callArgs[2] = (progress) => self.postMessage({ type: "progress", id, progress });
    }
    const result = fn(...callArgs);
    try {
      self.postMessage({ type: "result", id, result }, transferables(result));
    } catch {
      self.postMessage({ type: "result", id, result }); // e.g. a view on wasm memory: copy instead
    }
  } catch (e) {
    self.postMessage({ type: "error", id, error: serializeError(e) });
  }
};
