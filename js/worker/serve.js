// One engine thread's side of the pool (pool.js), for any runtime: the module Web Worker
// (worker.js) and the Node worker thread (node-thread.js) each load their build of the wasm
// and hand this file its bindings and a way to post back. One call at a time. Protocol
// (main → worker): {type:"call", id, method, args, wasmUrl, toolsWasmUrl, workbooksWasmUrl,
// progress} | {type:"warm", wasmUrl} (load the wasm now) | {type:"tierUp", wasmUrl, sample,
// options} (load it and warm it up on the sample: tierUp() below) | {type:"release"} (drop the
// pool session)
// (worker → main): {type:"progress", id, progress} | {type:"result", id, result} |
// {type:"error", id, error:{name, message, code, line, column, stack}}
//
// Methods "pool:*" are one worker's part of a segment() split over the pool (pooled-segment.js): this
// worker holds at most one PoolSession (src/wasm/pool.rs, internal, not in the typed API).
import { packRows, unpackArgument } from "./columns.js";

/**
 * The message handler of one engine thread. `api`: the entry's exports (init, initTools,
 * initWorkbooks, readTable and the engine functions); `segmentBindings`, `toolsBindings`: the
 * wasm-bindgen bindings of the segmentation and tools modules; `post(message, transfer)`.
 */
export function serveCalls({ api, segmentBindings, toolsBindings, post }) {
  const { PoolSession } = segmentBindings;
  const { init, initTools, initWorkbooks, readTable } = api;
  const LOADERS = new Set(["init", "initSync", "initTools", "initToolsSync", "initWorkbooks", "initWorkbooksSync", "readTable"]);
  // Every engine function the entry exports (the web one: generated from the wasm's exports at
  // build time), classes left out.
  const methods = Object.fromEntries(Object.entries(api).filter(([name, f]) => typeof f === "function" && !LOADERS.has(name) && !/^[A-Z]/.test(name)));
  // The functions of the second wasm module (assign, targeting, …): it is loaded on the first of
  // them, so a worker that only segments never downloads or compiles it.
  const TOOLS = new Set(Object.keys(toolsBindings).filter((name) => !(name in segmentBindings) && name in methods));
  let ready = null;
  let toolsReady = null;

  // V8 runs a call of a wasm function in the code it had when the call began: there is no
  // on-stack replacement for wasm, so a function's first call runs to its end in the baseline
  // tier (Liftoff), and each stage of a pooled segment() is one long call (a 1M-row read, the
  // encoding, the result), as is the whole segment() of a pool of one. Before a long input
  // (index.js: "tierUp"), each worker runs the pooled pipeline once on a small sample, which
  // makes V8 compile the functions it uses with its optimising tier: at 1M rows the long stages
  // then run faster by more than the 0.1–0.5 s the warm-up takes (bench/README.md). The sample is
  // the input's own first rows (index.js: tierUpFor), read with the call's options, so the
  // warm-up runs the code paths of these columns.
  let tieredUp = false;

  function tierUp(sample, userOptions) {
    if (tieredUp) return;
    tieredUp = true;
    try {
      const csv = typeof sample === "string" ? new TextEncoder().encode(sample) : sample;
      const cut = csv.indexOf(10, csv.length >> 1) + 1;
      const head = csv.slice(0, csv.indexOf(10) + 1);
      const options = { ...userOptions, k: "auto", kRange: [2, 3], nRuns: 2, seed: 1, silhouetteSample: 200 };
      const first = PoolSession.readFirstPart(csv.subarray(0, cut), options);
      const part = PoolSession.readPart(csv.subarray(cut), head, options);
      if (part) first.mergeParts([part]);
      first.free();
      PoolSession.segmentPacked(csv, options);
    } catch {
      // Only a warm-up: the call that follows reports its own errors.
    }
  }

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

  // A result's `assignments` (one object per HCP: 1M of them for a national universe) is sent as
  // columns — one joined string + offsets for text fields, a Float64Array per number field — and
  // rebuilt by index.js in slices between which the page's main thread stays free. Structured
  // cloning 1M objects would be one long main-thread task on arrival. Numbers are f64 either way,
  // so the rebuilt objects are identical (same keys, same order, same bits).
  const PACK_MIN_ROWS = 20000;

  function packResult(result) {
    // Already packed by the wasm (PoolSession.finish / segmentPacked): transfer its columns.
    if (result && typeof result === "object" && result.assignments && result.assignments.__packedRows !== undefined) {
      return { result, extra: result.assignments.cols.map((c) => (c.t === "s" ? c.ends.buffer : c.values.buffer)) };
    }
    if (result && typeof result === "object" && Array.isArray(result.assignments)) {
      const packed = result.assignments.length >= PACK_MIN_ROWS ? packRows(result.assignments) : null;
      if (packed) {
        const transfer = packed.cols.map((c) => (c.t === "s" ? c.ends.buffer : c.values.buffer));
        return { result: { ...result, assignments: packed }, extra: transfer };
      }
    }
    return { result, extra: [] };
  }

  function serializeError(e) {
    if (e && typeof e === "object") {
      const out = { name: e.name || "Error", message: String(e.message ?? e), stack: e.stack };
      for (const k of ["code", "line", "column", "cell"]) if (e[k] !== undefined) out[k] = e[k];
      return out;
    }
    return { name: "Error", message: String(e) };
  }

  const texts = new Map(); // call id → slices of its input (strings, or Uint8Arrays of UTF-8)

  function joinSlices(slices) {
    if (!slices.every((p) => p instanceof Uint8Array)) return slices.join("");
    const out = new Uint8Array(slices.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of slices) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  let session = null; // this worker's PoolSession of the pooled call in progress

  function release() {
    if (session) {
      session.free(); // its matrix and parsed rows go back to the allocator
      session = null;
    }
  }

  // The pool methods that start a session (or need none), and those that report progress.
  const SESSIONLESS = new Set(["pool:prepare", "pool:load", "pool:readFirst", "pool:readPart"]);
  const WITH_PROGRESS = new Set(["pool:prepare", "pool:finish", "pool:readFirst", "pool:merge"]);

  // What pool:prepare and pool:merge answer: the job's first batch (or the error segment() raises
  // before clustering), and `copies` copies of the encoded matrix for the other workers.
  function prepared(copies) {
    const batch = session.nextBatch([]);
    const matrices = [];
    for (let i = 0; i < copies; i++) matrices.push(session.matrix());
    return { batch, nCols: session.nCols(), matrices };
  }

  // The methods that start a session take the bindings whose PoolSession to use (see withEngine).
  const pool = {
    // Parse + encode once; hand back `copies` copies of the encoded matrix for the other workers.
    "pool:prepare"(input, options, copies, onProgress, bindings = segmentBindings) {
      release();
      session = bindings.PoolSession.prepare(input, options, onProgress);
      return prepared(copies);
    },
    // A long CSV read in parts, one per worker (src/ingest/parts.rs): this worker's is the first
    // and it keeps it for pool:merge; the others hand theirs over as bytes (or null: unreadable).
    "pool:readFirst"(text, options, onProgress) {
      release();
      session = PoolSession.readFirstPart(text, options, onProgress);
      return null;
    },
    "pool:readPart"(text, head, options) {
      return PoolSession.readPart(text, head, options) ?? null;
    },
    // The parts merged and encoded as pool:prepare would: its answer, or null (read the whole file).
    "pool:merge"(parts, copies, onProgress) {
      if (!session.mergeParts(parts, onProgress)) return null;
      return prepared(copies);
    },
    "pool:load"(matrix, nCols, options, bindings = segmentBindings) {
      release();
      session = bindings.PoolSession.fromMatrix(matrix, nCols, options);
      return null;
    },
    // The job (src/job/): worker 0 hands out its batches of tasks; any worker runs any task.
    "pool:next"(outputs) {
      return session.nextBatch(outputs);
    },
    "pool:run"(work, inputs) {
      return session.run(work, inputs);
    },
    // The session is released after the result is posted (onmessage's finally): freeing a
    // million parsed rows is a wait the page need not sit through.
    "pool:finish"(onProgress) {
      return session.finish(onProgress);
    },
  };

  function loadTools(toolsWasmUrl) {
    if (!toolsReady) {
      toolsReady = initTools(toolsWasmUrl);
      toolsReady.catch(() => (toolsReady = null)); // the next tools call tries again
    }
    return toolsReady;
  }

  let workbooksReady = null;

  function loadWorkbooks(workbooksWasmUrl) {
    if (!workbooksReady) {
      workbooksReady = initWorkbooks(workbooksWasmUrl);
      workbooksReady.catch(() => (workbooksReady = null)); // the next workbook tries again
    }
    return workbooksReady;
  }

  // The segmentation and tools modules have no workbook reader: given a workbook they answer
  // WORKBOOK_READER_MISSING before any work. The workbook module is loaded then (the first
  // workbook only), reads each file argument into the engine's table, and the call is made again.
  async function withWorkbook(msg, run, args) {
    try {
      return run(...args);
    } catch (e) {
      if (!e || e.code !== "WORKBOOK_READER_MISSING") throw e;
      await loadWorkbooks(msg.workbooksWasmUrl);
      const options = args.find((a) => a && typeof a === "object" && !ArrayBuffer.isView(a) && !(a instanceof ArrayBuffer) && "sheet" in a);
      return run(...args.map((a) => (ArrayBuffer.isView(a) || a instanceof ArrayBuffer ? readTable(a, options) ?? a : a)));
    }
  }

  // engine: "linfa" (the reference k-means) is in the tools module only: the segmentation module
  // answers it with ENGINE_MISSING before any work, and the call is made again with the tools
  // module's bindings (loaded then). `run(bindings)` makes the call.
  async function withEngine(msg, run) {
    try {
      return await run(segmentBindings);
    } catch (e) {
      if (!e || e.code !== "ENGINE_MISSING") throw e;
      await loadTools(msg.toolsWasmUrl);
      return run(toolsBindings);
    }
  }

  return async function onMessage(msg) {
    if (msg && msg.type === "warm") {
      if (!ready) ready = init(msg.wasmUrl);
      ready.catch(() => {}); // reported by the next call
      return;
    }
    if (msg && msg.type === "tierUp") {
      if (!ready) ready = init(msg.wasmUrl);
      ready = ready.then(() => tierUp(msg.sample, msg.options));
      ready.catch(() => {}); // reported by the next call
      return;
    }
    if (msg && msg.type === "release") {
      release();
      return;
    }
    if (msg && msg.type === "text") {
      // A long input (text, or UTF-8 bytes), sliced by index.js; joined when its call arrives.
      if (!texts.has(msg.id)) texts.set(msg.id, []);
      texts.get(msg.id).push(msg.text);
      return;
    }
    if (!msg || msg.type !== "call") return;
    const { id, method } = msg;
    let { args } = msg;
    if (args[0] && typeof args[0] === "object" && args[0].textSlices === id) {
      args = [joinSlices(texts.get(id) || []), ...args.slice(1)];
      texts.delete(id);
    }
    try {
      if (!ready) ready = init(msg.wasmUrl);
      await ready;
      if (TOOLS.has(method)) await loadTools(msg.toolsWasmUrl);
      if (method.startsWith("pool:")) {
        const onProgress = msg.progress ? (progress) => post({ type: "progress", id, progress }) : undefined;
        const fn = pool[method];
        if (!fn || (!SESSIONLESS.has(method) && !session)) {
          throw new Error(`hcp-segments worker: ${method} without a pool session`);
        }
        const call = (bindings) => (...a) => (WITH_PROGRESS.has(method) ? fn(...a, onProgress, bindings) : fn(...a, bindings));
        const raw =
          method === "pool:prepare" ? await withEngine(msg, (b) => withWorkbook(msg, call(b), args))
          : method === "pool:load" ? await withEngine(msg, (b) => call(b)(...args))
          : call(segmentBindings)(...args);
        const { result, extra } = packResult(raw);
        const transfer = result && result.matrices ? result.matrices.map((m) => m.buffer) : [...transferables(result), ...extra];
        post({ type: "result", id, result }, transfer);
        return;
      }
      const fn = methods[method];
      if (!fn) throw new Error(`hcp-segments worker: unknown method ${method}`);
      // Assignments the caller holds as columns arrive packed: the engine reads objects.
      const callArgs = args.map(unpackArgument);
      if (method === "segment" && msg.progress) {
        while (callArgs.length < 2) callArgs.push(undefined);
        callArgs[2] = (progress) => post({ type: "progress", id, progress });
      }
      // segment: the wasm packs `assignments` itself (no n JS objects to build and pack here).
      // (kmeans: the web entry's own routing runs it in the tools module once withEngine loaded it.)
      const run = (b) => (method === "segment" ? b.PoolSession.segmentPacked : fn);
      const { result, extra } = packResult(await withEngine(msg, (b) => withWorkbook(msg, run(b), callArgs)));
      try {
        post({ type: "result", id, result }, [...transferables(result), ...extra]);
      } catch {
        post({ type: "result", id, result }); // e.g. a view on wasm memory: copy instead
      }
    } catch (e) {
      post({ type: "error", id, error: serializeError(e) });
    } finally {
      if (method === "pool:finish") release();
    }
  };
}
