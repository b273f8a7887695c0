// createSegmenter(): the async, worker-backed API for pages. A pool of module Web Workers runs
// the wasm off the main thread, one wasm instance each. Calls are queued and run one at a
// time; aborting one call (which terminates every worker at once) never disturbs the others:
// the next call lazily starts fresh workers.
//
// segment() with a pool of N ≥ 2 workers is split (src/pool.rs explains the why):
//   a long CSV is read in N parts at once, cut after line ends, which worker 0 merges
//   (src/ingest/parts.rs; when the parts cannot stand for one read, worker 0 reads it whole) →
//   worker 0 parses and encodes once and copies the encoded matrix out for the others
//   (transferred, never re-parsed) → every (k, restart) is a task any free worker takes →
//   for k: "auto", each k is scored (relabel, silhouette, CH, DB) by whichever worker is free
//   once all its restarts are in → with a sampled sweep (sweepSample, many rows: the fits and
//   scores above ran on the sample), the chosen k's best sample solutions are refined on
//   every row, each by whichever worker is free → worker 0 chooses k and finishes (profiles,
//   quality, projection, model). The result is identical to one worker's, bit for bit,
//   whatever N: each restart has its own RNG stream and the merges keep the sequential
//   tie-breaks.
// Every other method runs on worker 0 as before.
//
// Workers are created with `new Worker(new URL("./worker.js", import.meta.url), {type:"module"})`
// so Vite and webpack 5 find the file and bundle it (with the wasm it loads).

const MAX_WORKERS = 64;

function codedError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}

function abortError(signal) {
  const reason = signal && signal.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return new DOMException("hcp-segments: the call was aborted", "AbortError");
}

function reviveError(e) {
  const err = new Error(e.message);
  if (e.name && e.name !== "Error") err.name = e.name;
  for (const k of ["code", "line", "column", "cell"]) if (e[k] !== undefined) err[k] = e[k];
  if (e.stack) err.stack = e.stack;
  return err;
}

/** Pool size: `workers` if given, else min(navigator.hardwareConcurrency, 4); at least 1. */
function poolSize(workers) {
  if (workers === undefined) {
    const cores = typeof navigator !== "undefined" && Number.isInteger(navigator.hardwareConcurrency) ? navigator.hardwareConcurrency : 1;
    return Math.max(1, Math.min(cores, 4));
  }
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw codedError("INVALID_OPTION", `hcp-segments: workers must be a whole number from 1 to ${MAX_WORKERS}, got ${workers}`);
  }
  return workers;
}

// Hand the main thread back to the page between slices of work (a macrotask, no 4 ms clamp).
function yieldToPage() {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

// Unpacking is sliced by time, not by a row count: a fixed 25,000 rows per task took 70–175 ms
// on a busy 2-core machine (1M rows), over the 100 ms a page can spend without janking. With
// 8 ms slices the longest tasks left (70–96 ms, the last few slices) are garbage collections of
// the million new objects.
const UNPACK_BUDGET_MS = 8;
const UNPACK_CHECK = 256; // rows between clock reads
const TEXT_SLICE = 1 << 22; // UTF-16 code units per message (8 MB)
const BYTES_SLICE = 1 << 23; // bytes per message, for CSV given as UTF-8 bytes
// Methods whose first argument may be CSV as UTF-8 bytes (decode.rs): bytes go as bytes, the
// cheapest way into the wasm (a copy). A string has to be converted to UTF-8 on the way in:
// 0.7 s for 1M rows in Chromium's worker, whether by wasm-bindgen's loop or TextEncoder.
const BYTES_INPUT = new Set(["segment", "pool:prepare", "pool:readFirst", "pool:readPart", "aggregateEvents", "inspect", "readAssignments"]);
// A CSV this long (UTF-16 code units or bytes) is read in parts by the pool, one per worker.
// Shorter, the messages cost about what the parallel read saves.
const PARTS_MIN = 1 << 20;
// From this long a CSV (≈ 270,000 rows), each worker first warms the wasm up on a small sample
// (worker.js: tierUp): 0.1–0.5 s that pays off in V8's optimised code for the long calls.
const TIER_UP_MIN = 1 << 25;
// The warm-up's sample: the CSV's header and first rows, at most 1 MiB of it.
const TIER_UP_ROWS = 1200;
const TIER_UP_MAX = 1 << 20;

/** The first `lines` lines of a CSV (text or bytes), a copy; null if they are over TIER_UP_MAX. */
function leadingLines(input, lines) {
  const text = typeof input === "string";
  const bytes = text ? null : input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  let end = 0;
  for (let i = 0; i < lines; i++) {
    const at = text ? input.indexOf("\n", end) : bytes.indexOf(10, end);
    if (at < 0 || at + 1 > TIER_UP_MAX) return null;
    end = at + 1;
  }
  return text ? input.slice(0, end) : Uint8Array.prototype.slice.call(bytes, 0, end);
}

/**
 * The CSV cut after line ends into `n` parts of about equal length (src/ingest/parts.rs reads
 * them), with the file's first line (the header) for the later parts; null when not worth it
 * or not CSV text/bytes. Only `indexOf` from each cut point: nothing scans the whole text here.
 */
function cutCsv(input, n) {
  let len, find, part, copy;
  if (typeof input === "string") {
    len = input.length;
    find = (from) => input.indexOf("\n", from);
    part = copy = (a, b) => input.slice(a, b);
  } else if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
    len = bytes.length;
    find = (from) => bytes.indexOf(10, from);
    part = (a, b) => bytes.subarray(a, b); // post() copies it, in slices when long
    // A copy (a Node Buffer's own slice() is a view, whose clone would copy the whole file).
    copy = (a, b) => Uint8Array.prototype.slice.call(bytes, a, b);
  } else {
    return null;
  }
  const headEnd = find(0);
  if (n < 2 || len < PARTS_MIN || headEnd < 0) return null;
  const bounds = [0];
  for (let s = 1; s < n; s++) {
    const at = find(Math.max(Math.floor((len * s) / n), bounds[bounds.length - 1]));
    if (at < 0 || at + 1 >= len) break;
    if (at + 1 > bounds[bounds.length - 1]) bounds.push(at + 1);
  }
  if (bounds.length < 2) return null;
  bounds.push(len);
  const parts = [];
  for (let i = 0; i + 1 < bounds.length; i++) parts.push(part(bounds[i], bounds[i + 1]));
  return { head: copy(0, headEnd + 1), parts };
}

// The columns of segment()'s assignments (src/wasm/pool.rs packs them in this order).
const ASSIGNMENT_KEYS = ["hcpId", "segment", "distance", "confidence"];

/** One row from the columns: any keys, one property at a time. */
function genericRow(cols, i) {
  const row = {};
  for (const c of cols) row[c.k] = c.t === "s" ? c.text.slice(i === 0 ? 0 : c.ends[i - 1], c.ends[i]) : c.values[i];
  return row;
}

/**
 * segment()'s assignments as object literals: V8 builds those from one template, 2.5–4× faster
 * than adding the properties one by one (1M rows in Node: ~180 against 450–850 ms of the page's
 * main thread). Same keys in the same order, same values: identical objects.
 */
function assignmentRow(cols) {
  const [id, segment, distance, confidence] = cols;
  const { text, ends } = id;
  return (_, i) => ({ hcpId: text.slice(i === 0 ? 0 : ends[i - 1], ends[i]), segment: segment.values[i], distance: distance.values[i], confidence: confidence.values[i] });
}

/** Rebuild the row objects worker.js packed into columns, ~8 ms of work per task. */
async function unpackRows(packed) {
  const n = packed.__packedRows;
  const cols = packed.cols;
  const assignments = cols.length === ASSIGNMENT_KEYS.length && cols.every((c, j) => c.k === ASSIGNMENT_KEYS[j] && c.t === (j === 0 ? "s" : "n"));
  const makeRow = assignments ? assignmentRow(cols) : genericRow;
  const rows = new Array(n);
  let i = 0;
  while (i < n) {
    const deadline = performance.now() + UNPACK_BUDGET_MS;
    do {
      const end = Math.min(n, i + UNPACK_CHECK);
      for (; i < end; i++) rows[i] = makeRow(cols, i);
    } while (i < n && performance.now() < deadline);
    if (i < n) await yieldToPage();
  }
  return rows;
}

async function revive(result) {
  if (result && typeof result === "object" && result.assignments && result.assignments.__packedRows !== undefined) {
    return { ...result, assignments: await unpackRows(result.assignments) };
  }
  return result;
}

function report(onProgress, progress) {
  if (!onProgress) return;
  try {
    onProgress(progress);
  } catch (e) {
    setTimeout(() => {
      throw e;
    });
  }
}

export function createSegmenter(options = {}) {
  const wasmUrl = options.wasmUrl === undefined ? undefined : String(options.wasmUrl);
  const toolsWasmUrl = options.toolsWasmUrl === undefined ? undefined : String(options.toolsWasmUrl);
  const workbooksWasmUrl = options.workbooksWasmUrl === undefined ? undefined : String(options.workbooksWasmUrl);
  const size = poolSize(options.workers);
  const workers = new Array(size).fill(null);
  const requests = new Map(); // request id → {slot, resolve, reject, onProgress}
  let disposed = false;
  let nextId = 1;
  let current = null; // the call running
  const queue = []; // calls waiting for it

  function startWorker(slot) {
    const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: `hcp-segments-${slot}` });
    w.onmessage = (event) => {
      const msg = event.data;
      const req = requests.get(msg.id);
      if (!req) return;
      if (msg.type === "progress") {
        report(req.onProgress, msg.progress);
        return;
      }
      requests.delete(msg.id);
      if (msg.type === "result") revive(msg.result).then(req.resolve, req.reject);
      else req.reject(reviveError(msg.error));
    };
    // A failed module load or an uncaught error inside the worker: fail its requests, drop the
    // worker; the next request to this slot starts a fresh one.
    w.onerror = (event) => {
      event.preventDefault?.();
      killWorker(slot, codedError("WASM_LOAD_FAILED", `hcp-segments worker failed: ${event.message || "could not start the worker"}`));
    };
    w.postMessage({ type: "warm", wasmUrl });
    return w;
  }

  function worker(slot) {
    if (!workers[slot]) workers[slot] = startWorker(slot);
    return workers[slot];
  }

  function killWorker(slot, reason) {
    if (workers[slot]) {
      workers[slot].terminate(); // stops its computation at once and frees its memory
      workers[slot] = null;
    }
    for (const [id, req] of requests) {
      if (req.slot === slot) {
        requests.delete(id);
        req.reject(reason);
      }
    }
  }

  function killAll(reason) {
    for (let slot = 0; slot < size; slot++) killWorker(slot, reason);
  }

  /** Before a long CSV, the first `n` workers warm their wasm up (worker.js: tierUp) on its first rows. */
  function tierUpFor(input, segmentOptions, n) {
    const length = typeof input === "string" ? input.length : input instanceof Uint8Array || input instanceof ArrayBuffer ? input.byteLength : 0;
    if (length < TIER_UP_MIN) return;
    const sample = leadingLines(input, TIER_UP_ROWS + 1);
    if (!sample) return;
    const options = segmentOptions && typeof segmentOptions === "object" ? segmentOptions : {};
    for (let slot = 0; slot < n; slot++) worker(slot).postMessage({ type: "tierUp", wasmUrl, sample, options });
  }

  /** One request to one worker; resolves with its result. */
  function requestTo(slot, method, args, { transfer = [], onProgress } = {}) {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      requests.set(id, { slot, resolve, reject, onProgress });
      post(slot, id, method, args, transfer, !!onProgress);
    });
  }

  // A long CSV text goes in slices, one message per task: cloning 120 MB of text in one
  // postMessage blocks the page's main thread for ~0.2 s. The worker joins them back.
  async function post(slot, id, method, args, transfer, progress) {
    const w = worker(slot);
    const first = args[0];
    if (typeof first === "string" && first.length > TEXT_SLICE) {
      for (let at = 0; at < first.length; at += TEXT_SLICE) {
        w.postMessage({ type: "text", id, text: first.slice(at, at + TEXT_SLICE) });
        await yieldToPage();
        if (workers[slot] !== w || !requests.has(id)) return; // aborted meanwhile
      }
      args = [{ textSlices: id }, ...args.slice(1)];
    } else if (BYTES_INPUT.has(method) && (first instanceof Uint8Array || first instanceof ArrayBuffer) && first.byteLength > BYTES_SLICE) {
      // Copied slice by slice (the caller's buffer stays theirs), each copy transferred.
      const bytes = first instanceof ArrayBuffer ? new Uint8Array(first) : first;
      for (let at = 0; at < bytes.length; at += BYTES_SLICE) {
        const part = bytes.slice(at, at + BYTES_SLICE);
        w.postMessage({ type: "text", id, text: part }, [part.buffer]);
        await yieldToPage();
        if (workers[slot] !== w || !requests.has(id)) return; // aborted meanwhile
      }
      args = [{ textSlices: id }, ...args.slice(1)];
    } else if (BYTES_INPUT.has(method) && first instanceof Uint8Array && first.byteLength !== first.buffer.byteLength) {
      // A view on part of a buffer (a part of a file): cloning it would copy the whole buffer.
      args = [Uint8Array.prototype.slice.call(first), ...args.slice(1)];
    }
    w.postMessage({ type: "call", id, method, args, wasmUrl, toolsWasmUrl, workbooksWasmUrl, progress }, transfer);
  }

  async function pooledSegment(entry, input, segmentOptions, onProgress) {
    // Once the call is aborted (or disposed) it must not start anything in the fresh workers
    // the next call gets.
    const request = (...a) => (current === entry ? requestTo(...a) : Promise.reject(codedError("ABORTED", "stale pool task")));
    const others = size - 1;
    for (let slot = 1; slot < size; slot++) worker(slot); // they load their wasm while worker 0 parses
    tierUpFor(input, segmentOptions, size);

    // A long CSV is read in parts, one per worker, and merged by worker 0 (src/ingest/parts.rs);
    // null when it is short, or when the parts cannot stand for one read of the file (an error
    // in it, a duplicate id across parts …): worker 0 then reads the whole file, which gives
    // the error one read gives.
    let triedParts = false;
    async function readInParts() {
      const cut = cutCsv(input, size);
      if (!cut) return null;
      triedParts = true;
      const reads = cut.parts.map((part, slot) =>
        slot === 0 ? request(0, "pool:readFirst", [part, segmentOptions], { onProgress }) : request(slot, "pool:readPart", [part, cut.head, segmentOptions]),
      );
      const later = (await Promise.all(reads)).slice(1);
      if (later.some((p) => !p)) return null;
      return request(0, "pool:merge", [later, others], { onProgress, transfer: later.map((p) => p.buffer) });
    }
    let prep = await readInParts();
    if (!prep) {
      // The parse stage was reported by the read in parts already (if tried): not twice.
      const progress = onProgress && ((p) => (triedParts && p.stage === "parse" ? undefined : onProgress(p)));
      prep = await request(0, "pool:prepare", [input, segmentOptions, others], { onProgress: progress });
    }
    const { plan, nCols, matrices } = prep;
    const runs = plan.nRuns;
    // Bigger k first, so the longest tasks do not come last.
    const tasks = [];
    for (const k of [...plan.ks].reverse()) for (let r = 0; r < runs; r++) tasks.push({ op: "fit", k, r });
    const parts = new Map(plan.ks.map((k) => [k, []]));
    const rows = [];
    const auto = plan.stage === "sweep";
    let done = 0;
    let running = 0;
    let failed = null;
    let wake = [];
    const notify = () => {
      const w = wake;
      wake = [];
      for (const f of w) f();
    };
    report(onProgress, { stage: plan.stage, k: plan.ks[0], done: 0, total: plan.total });

    async function loop(slot, load) {
      if (load && slot > 0) await request(slot, "pool:load", [matrices[slot - 1], nCols, segmentOptions], { transfer: [matrices[slot - 1].buffer] });
      for (;;) {
        if (failed) return;
        const task = tasks.shift();
        if (!task) {
          if (running === 0) return;
          await new Promise((r) => wake.push(r)); // a running task may add a score task
          continue;
        }
        running++;
        try {
          if (task.op === "fit") {
            const part = await request(slot, "pool:fit", [task.k, task.r, task.r + 1, true]);
            const mine = parts.get(task.k);
            mine.push(part);
            done++;
            report(onProgress, { stage: plan.stage, k: task.k, run: task.r, done, total: plan.total });
            if (auto && mine.length === runs) tasks.unshift({ op: "score", k: task.k });
          } else {
            rows.push(await request(slot, "pool:score", [task.k, parts.get(task.k)]));
          }
        } catch (e) {
          failed = failed || e;
        } finally {
          running--;
          notify();
        }
      }
    }
    async function runTasks(load) {
      const loops = [];
      for (let slot = 0; slot < size; slot++) loops.push(loop(slot, load).catch((e) => (failed = failed || e)));
      await Promise.all(loops);
      if (failed) throw failed;
    }
    await runTasks(true);
    const all = [].concat(...parts.values());
    // A sampled sweep: the chosen k's best sample solutions are refined on every row, each by
    // whichever worker is free (every worker holds the whole matrix), then worker 0 keeps the
    // best of them in their order — what one worker's finish would do alone.
    let refined = null;
    const refine = auto && plan.sampled ? await request(0, "pool:refinePlan", [all, rows]) : null;
    if (refine) {
      const { k, starts } = refine;
      refined = new Array(starts.length);
      const total = starts.length;
      let next = 0;
      let finished = 0;
      report(onProgress, { stage: "cluster", k, done: 0, total });
      // The last worker takes the first start: worker 0 is the one that finishes afterwards.
      const order = Array.from({ length: size }, (_, i) => size - 1 - i);
      await Promise.all(
        order.map(async (slot) => {
          while (next < total) {
            const i = next++;
            refined[i] = await request(slot, "pool:refine", [starts[i]]);
            finished++;
            report(onProgress, { stage: "cluster", k, run: i, done: finished, total });
          }
        }),
      );
    }
    return request(0, "pool:finish", [all, auto ? rows : null, refined], { onProgress });
  }

  function pump() {
    if (current || disposed || queue.length === 0) return;
    const call = (current = queue.shift());
    call.run().then(
      (result) => finish(call, () => call.resolve(result)),
      (error) => finish(call, () => call.reject(error)),
    );
  }

  function finish(call, settle) {
    if (current !== call) return; // aborted or disposed meanwhile: already settled
    current = null;
    if (call.pooled) for (const w of workers) w?.postMessage({ type: "release" });
    call.settle();
    settle();
    pump();
  }

  function call(method, args, callOptions, transfer = []) {
    const { onProgress, signal } = callOptions || {};
    if (disposed) return Promise.reject(codedError("DISPOSED", "hcp-segments: the segmenter was disposed"));
    if (signal && signal.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const pooled = method === "segment" && size > 1;
      const single = () => {
        // A pool of one: its segment() is one long call, which the warm-up speeds up as well.
        if (method === "segment") tierUpFor(args[0], args[1], 1);
        return requestTo(0, method, args, { transfer, onProgress });
      };
      const entry = {
        pooled,
        run: pooled ? () => pooledSegment(entry, args[0], args[1], onProgress) : single,
        resolve,
        reject,
        settle: () => {},
      };
      if (signal) {
        const onAbort = () => {
          if (current === entry) {
            current = null;
            killAll(abortError(signal)); // stops the computation at once, in every worker
          } else {
            const i = queue.indexOf(entry);
            if (i >= 0) queue.splice(i, 1);
          }
          entry.settle();
          reject(abortError(signal));
          pump();
        };
        signal.addEventListener("abort", onAbort, { once: true });
        entry.settle = () => signal.removeEventListener("abort", onAbort);
      }
      queue.push(entry);
      pump();
    });
  }

  return {
    /** Number of workers in the pool (created lazily, on the first call that needs them). */
    get workers() {
      return size;
    },
    segment(input, segmentOptions, callOptions) {
      return call("segment", [input, segmentOptions], callOptions);
    },
    assign(model, input, assignOptions, callOptions) {
      return call("assign", [model, input, assignOptions], callOptions);
    },
    // Files in and out: the engine reads and writes them (same arguments as the sync functions).
    inspect(input, options, callOptions) {
      return call("inspect", [input, options], callOptions);
    },
    readAssignments(input, options, callOptions) {
      return call("readAssignments", [input, options], callOptions);
    },
    exportCsv(what, value, options, callOptions) {
      return call("exportCsv", [what, value, options], callOptions);
    },
    targetList(result, input, options, callOptions) {
      return call("targetList", [result, input, options], callOptions);
    },
    kmeans(data, nCols, kmeansOptions, callOptions) {
      const transfer = data && data.buffer instanceof ArrayBuffer ? [data.buffer] : [];
      return call("kmeans", [data, nCols, kmeansOptions], callOptions, transfer);
    },
    generateSample(n, seed) {
      return call("generateSample", [n, seed], undefined);
    },
    version() {
      return call("version", [], undefined);
    },
    // Privacy and targeting: same arguments as the synchronous functions, plus call options.
    segmentSummary(result, options, callOptions) {
      return call("segmentSummary", [result, options], callOptions);
    },
    matchSegments(previous, next, options, callOptions) {
      return call("matchSegments", [previous, next, options], callOptions);
    },
    aggregateEvents(text, options, callOptions) {
      return call("aggregateEvents", [text, options], callOptions);
    },
    refresh(model, input, previous, options, callOptions) {
      return call("refresh", [model, input, previous, options], callOptions);
    },
    stability(model, input, options, callOptions) {
      return call("stability", [model, input, options], callOptions);
    },
    lookalikes(model, input, options, callOptions) {
      return call("lookalikes", [model, input, options], callOptions);
    },
    testCells(model, input, options, callOptions) {
      return call("testCells", [model, input, options], callOptions);
    },
    channelPlan(segments, options, callOptions) {
      return call("channelPlan", [segments, options], callOptions);
    },
    updateModel(model, input, options, callOptions) {
      return call("updateModel", [model, input, options], callOptions);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      const err = codedError("DISPOSED", "hcp-segments: the segmenter was disposed");
      killAll(err);
      const pending = current ? [current, ...queue] : [...queue];
      current = null;
      queue.length = 0;
      for (const c of pending) {
        c.settle();
        c.reject(err);
      }
    },
  };
}
