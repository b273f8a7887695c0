// The module Web Worker behind createSegmenter(): loads the web build and runs one call at a
// time. Protocol (main → worker): {type:"call", id, method, args, wasmUrl, progress} |
// {type:"warm", wasmUrl} (load the wasm now) | {type:"release"} (drop the pool session)
// (worker → main): {type:"progress", id, progress} | {type:"result", id, result} |
// {type:"error", id, error:{name, message, code, line, column, stack}}
//
// Methods "pool:*" are one worker's part of a segment() split over the pool (index.js): this
// worker holds at most one PoolSession (src/wasm/pool.rs, internal, not in the typed API).
import * as api from "../web/index.js";
import { PoolSession } from "../web/hcp_segments.js";

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

let session = null; // this worker's PoolSession of the pooled call in progress

function release() {
  if (session) {
    session.free(); // its matrix and parsed rows go back to the allocator
    session = null;
  }
}

const pool = {
  // Parse + encode once; hand back `copies` copies of the encoded matrix for the other workers.
  "pool:prepare"(input, options, copies, onProgress) {
    release();
    session = PoolSession.prepare(input, options, onProgress);
    const plan = session.plan();
    const matrices = [];
    for (let i = 0; i < copies; i++) matrices.push(session.matrix());
    return { plan, nCols: session.nCols(), matrices };
  },
  "pool:load"(matrix, nCols, options) {
    release();
    session = PoolSession.fromMatrix(matrix, nCols, options);
    return null;
  },
  "pool:fit"(k, start, end) {
    return session.fitRestarts(k, start, end);
  },
  "pool:score"(k, parts) {
    return session.score(k, parts);
  },
  "pool:finish"(parts, rows, onProgress) {
    try {
      return session.finish(parts, rows, onProgress);
    } finally {
      release();
    }
  },
};

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg && msg.type === "warm") {
    if (!ready) ready = init(msg.wasmUrl);
    ready.catch(() => {}); // reported by the next call
    return;
  }
  if (msg && msg.type === "release") {
    release();
    return;
  }
  if (!msg || msg.type !== "call") return;
  const { id, method, args } = msg;
  try {
    if (!ready) ready = init(msg.wasmUrl);
    await ready;
    if (method.startsWith("pool:")) {
      const onProgress = msg.progress ? (progress) => self.postMessage({ type: "progress", id, progress }) : undefined;
      const fn = pool[method];
      if (!fn || (method !== "pool:prepare" && method !== "pool:load" && !session)) {
        throw new Error(`hcp-segments worker: ${method} without a pool session`);
      }
      const result = method === "pool:prepare" || method === "pool:finish" ? fn(...args, onProgress) : fn(...args);
      const transfer = method === "pool:prepare" ? result.matrices.map((m) => m.buffer) : transferables(result);
      self.postMessage({ type: "result", id, result }, transfer);
      return;
    }
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
