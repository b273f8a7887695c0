// The pool of module Web Workers behind createSegmenter(): one wasm instance each. Calls are
// queued and run one at a time; aborting one call (which terminates every worker at once) never
// disturbs the others: the next call lazily starts fresh workers. segment() with two workers or
// more is split over them (pooled-segment.js); every other call runs on worker 0.
//
// In browsers the workers are module Web Workers (spawnWorker): `new Worker(new URL("./worker.js",
// import.meta.url), {type:"module"})` so Vite, webpack 5 and Parcel find the file and bundle it
// (with the wasm it loads); bundlers that do not rewrite that pattern (esbuild, Rollup without
// plugins) pass `workerUrl`: the package's worker/worker.js served as a static file, with web/
// beside it. In Node, worker threads (node.js overrides spawnWorker with an object that answers
// to the same calls).
import { packArgument } from "./columns.js";
import { tierUpSample } from "./input.js";
import { segmentOverPool } from "./pooled-segment.js";
import { abortError, codedError, report, reviveError, revive, yieldToPage } from "./results.js";

const MAX_WORKERS = 64;
const TEXT_SLICE = 1 << 22; // UTF-16 code units per message (8 MB)
const BYTES_SLICE = 1 << 23; // bytes per message, for CSV given as UTF-8 bytes
// Methods whose first argument may be CSV as UTF-8 bytes (decode.rs): bytes go as bytes, the
// cheapest way into the wasm (a copy). A string has to be converted to UTF-8 on the way in,
// which costs about as much whether by wasm-bindgen's loop or TextEncoder.
const BYTES_INPUT = new Set(["segment", "pool:prepare", "pool:readFirst", "pool:readPart", "aggregateEvents", "inspect", "readAssignments"]);

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

// A relative URL option is relative to the page, as everywhere else on it: resolved here,
// because the worker would resolve it against its own script's URL.
function urlOption(value) {
  if (value === undefined || value === null) return undefined;
  const base = globalThis.document?.baseURI ?? globalThis.location?.href;
  try {
    return base ? new URL(String(value), base).href : String(value);
  } catch {
    throw codedError("INVALID_OPTION", `hcp-segments: ${JSON.stringify(String(value))} is not a URL`);
  }
}

const NO_WORKER_SCRIPT =
  "could not start the worker (usually: its script did not load). If your bundler does not rewrite " +
  'new URL("./worker.js", import.meta.url) (esbuild, Rollup without plugins), serve the package\'s ' +
  "web/ and worker/ folders as static files and pass createSegmenter({ workerUrl, wasmUrl })";

/** Why a worker from `workerUrl` did not start, and what to do about it. */
function workerUrlError(url, cause) {
  const why = cause ? `: ${cause}` : "";
  return codedError(
    "WORKER_LOAD_FAILED",
    `hcp-segments: could not start the worker from workerUrl ${url}${why}. ` +
      "It must be the package's worker/worker.js, served from the page's origin as JavaScript " +
      "(Content-Type text/javascript), with the package's web/ folder beside worker/ (the worker imports ../web/index.js); " +
      "a Content-Security-Policy must allow it in worker-src.",
  );
}

export class Pool {
  /** `options`: createSegmenter's (`workers`, `workerUrl`, `wasmUrl`, `toolsWasmUrl`, `workbooksWasmUrl`). */
  constructor(options = {}) {
    /** The worker script (undefined: the package's own, found by the bundler). */
    this.workerUrl = urlOption(options.workerUrl);
    /** Where the workers load each wasm module from (undefined: beside the package's files). */
    this.wasmUrl = urlOption(options.wasmUrl);
    this.toolsWasmUrl = urlOption(options.toolsWasmUrl);
    this.workbooksWasmUrl = urlOption(options.workbooksWasmUrl);
    this.size = poolSize(options.workers);
    /** One slot per worker: its Worker once a call needed it, null before and after a kill. */
    this.workers = new Array(this.size).fill(null);
    /** Requests sent to a worker and not answered yet: id → {slot, resolve, reject, onProgress}. */
    this.requests = new Map();
    this.nextId = 1;
    /** The call running (an entry made by `call`), and the calls waiting for it, in order. */
    this.current = null;
    this.queue = [];
    this.disposed = false;
  }

  /** The worker in `slot`, started (and its wasm loading) if it is not running. */
  worker(slot) {
    if (!this.workers[slot]) this.workers[slot] = this.startWorker(slot);
    return this.workers[slot];
  }

  /**
   * A new worker: anything with postMessage(message, transfer), terminate(), and onmessage /
   * onerror handlers that get `{data}` / `{message}`. Written `new Worker(new URL("./worker.js",
   * import.meta.url), {type:"module"})` so Vite and webpack 5 find the file and bundle it (with
   * the wasm it loads), or from `workerUrl` when the host serves the package's files itself.
   */
  spawnWorker(slot) {
    const name = `hcp-segments-${slot}`;
    // Kept literally as bundlers look for it (no variable URL, an object literal for options).
    if (this.workerUrl === undefined) return new Worker(new URL("./worker.js", import.meta.url), { type: "module", name });
    try {
      return new Worker(this.workerUrl, { type: "module", name });
    } catch (e) {
      // A cross-origin or malformed URL throws here (SecurityError, SyntaxError).
      throw workerUrlError(this.workerUrl, e && e.message);
    }
  }

  startWorker(slot) {
    const w = this.spawnWorker(slot);
    w.onmessage = (event) => {
      const msg = event.data;
      const req = this.requests.get(msg.id);
      if (!req) return;
      if (msg.type === "progress") {
        report(req.onProgress, msg.progress);
        return;
      }
      this.requests.delete(msg.id);
      if (msg.type === "result") revive(msg.result, req.form).then(req.resolve, req.reject);
      else req.reject(reviveError(msg.error));
    };
    // A failed module load or an uncaught error inside the worker: fail its requests, drop the
    // worker; the next request to this slot starts a fresh one.
    w.onerror = (event) => {
      event.preventDefault?.();
      // A script that could not be fetched or parsed gives an event without a message.
      const error =
        this.workerUrl !== undefined && !event.message
          ? workerUrlError(this.workerUrl)
          : codedError("WASM_LOAD_FAILED", `hcp-segments worker failed: ${event.message || NO_WORKER_SCRIPT}`);
      this.killWorker(slot, error);
    };
    w.postMessage({ type: "warm", wasmUrl: this.wasmUrl });
    return w;
  }

  /** Terminate the worker in `slot` (its computation stops at once, its memory is freed) and fail its requests. */
  killWorker(slot, reason) {
    if (this.workers[slot]) {
      this.workers[slot].terminate();
      this.workers[slot] = null;
    }
    for (const [id, req] of this.requests) {
      if (req.slot === slot) {
        this.requests.delete(id);
        req.reject(reason);
      }
    }
  }

  killAll(reason) {
    for (let slot = 0; slot < this.size; slot++) this.killWorker(slot, reason);
  }

  /** Before a long CSV, the first `n` workers warm their wasm up (worker.js: tierUp) on its first rows. */
  tierUp(input, segmentOptions, n) {
    const sample = tierUpSample(input);
    if (!sample) return;
    const options = segmentOptions && typeof segmentOptions === "object" ? segmentOptions : {};
    for (let slot = 0; slot < n; slot++) this.worker(slot).postMessage({ type: "tierUp", wasmUrl: this.wasmUrl, sample, options });
  }

  /** One request to one worker; resolves with its result. */
  request(slot, method, args, { transfer = [], onProgress, form } = {}) {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.requests.set(id, { slot, resolve, reject, onProgress, form });
      // A worker that cannot start, or arguments that cannot be cloned (a function, …),
      // reject this call; they must not become an unhandled rejection.
      this.post(slot, id, method, args, transfer, !!onProgress).catch((e) => {
        if (!this.requests.delete(id)) return;
        reject(e && typeof e.code === "string" ? e : codedError(e && e.name === "DataCloneError" ? "INVALID_OPTION" : "WASM_LOAD_FAILED", `hcp-segments: ${e && e.message ? e.message : e}`));
      });
    });
  }

  // A long input goes in slices, one message per task: cloning 100 MB of text in one
  // postMessage blocks the page's main thread for a noticeable time. The worker joins them back.
  async post(slot, id, method, args, transfer, progress) {
    const w = this.worker(slot);
    const first = args[0];
    const aborted = () => this.workers[slot] !== w || !this.requests.has(id);
    if (typeof first === "string" && first.length > TEXT_SLICE) {
      for (let at = 0; at < first.length; at += TEXT_SLICE) {
        w.postMessage({ type: "text", id, text: first.slice(at, at + TEXT_SLICE) });
        await yieldToPage();
        if (aborted()) return;
      }
      args = [{ textSlices: id }, ...args.slice(1)];
    } else if (BYTES_INPUT.has(method) && (first instanceof Uint8Array || first instanceof ArrayBuffer) && first.byteLength > BYTES_SLICE) {
      // Copied slice by slice (the caller's buffer stays theirs), each copy transferred.
      const bytes = first instanceof ArrayBuffer ? new Uint8Array(first) : first;
      for (let at = 0; at < bytes.length; at += BYTES_SLICE) {
        // Uint8Array's slice, a copy (a Node Buffer's own slice() is a view: transferring
        // its buffer would detach the caller's whole file).
        const part = Uint8Array.prototype.slice.call(bytes, at, at + BYTES_SLICE);
        w.postMessage({ type: "text", id, text: part }, [part.buffer]);
        await yieldToPage();
        if (aborted()) return;
      }
      args = [{ textSlices: id }, ...args.slice(1)];
    } else if (BYTES_INPUT.has(method) && first instanceof Uint8Array && first.byteLength !== first.buffer.byteLength) {
      // A view on part of a buffer (a part of a file): cloning it would copy the whole buffer.
      args = [Uint8Array.prototype.slice.call(first), ...args.slice(1)];
    }
    const { wasmUrl, toolsWasmUrl, workbooksWasmUrl } = this;
    w.postMessage({ type: "call", id, method, args, wasmUrl, toolsWasmUrl, workbooksWasmUrl, progress }, transfer);
  }

  /**
   * A public method's call, queued behind the call running: resolves with its result, or
   * rejects with its error, an AbortError when `callOptions.signal` aborts, or DISPOSED.
   */
  call(method, args, callOptions, transfer = []) {
    const { onProgress: userProgress, signal, assignments: form = "rows" } = callOptions || {};
    if (this.disposed) return Promise.reject(codedError("DISPOSED", "hcp-segments: the segmenter was disposed"));
    if (signal && signal.aborted) return Promise.reject(abortError(signal));
    if (form !== "rows" && form !== "columns") {
      return Promise.reject(codedError("INVALID_OPTION", `hcp-segments: the call option assignments must be "rows" or "columns", got ${JSON.stringify(form)}`));
    }
    args = args.map(packArgument);
    return new Promise((resolve, reject) => {
      const pooled = method === "segment" && this.size > 1;
      // A progress callback that throws ends the call with its error, as it ends the
      // synchronous segment() (thrown later instead, it would bring a Node process down).
      const onProgress =
        userProgress &&
        ((p) => {
          try {
            userProgress(p);
          } catch (e) {
            stop(e);
          }
        });
      const single = async () => {
        // A pool of one: its segment() is one long call, which the warm-up speeds up as well.
        if (method === "segment") this.tierUp(args[0], args[1], 1);
        return this.request(0, method, args, { transfer, onProgress, form });
      };
      const entry = {
        pooled,
        run: pooled ? () => segmentOverPool(this, entry, args[0], args[1], onProgress, form) : single,
        resolve,
        reject,
        settle: () => {},
        over: false,
      };
      // The call ends early with `error`: running, its workers are terminated (the computation
      // stops at once, in every worker); queued, it leaves the queue.
      const stop = (error) => {
        if (entry.over) return;
        entry.over = true;
        if (this.current === entry) {
          this.current = null;
          this.killAll(error);
        } else {
          const i = this.queue.indexOf(entry);
          if (i >= 0) this.queue.splice(i, 1);
        }
        entry.settle();
        reject(error);
        this.pump();
      };
      if (signal) {
        const onAbort = () => stop(abortError(signal));
        signal.addEventListener("abort", onAbort, { once: true });
        entry.settle = () => signal.removeEventListener("abort", onAbort);
      }
      this.queue.push(entry);
      this.pump();
    });
  }

  /** Start the next queued call when none is running. */
  pump() {
    if (this.current || this.disposed || this.queue.length === 0) return;
    const entry = (this.current = this.queue.shift());
    let running;
    try {
      running = entry.run();
    } catch (e) {
      running = Promise.reject(e); // e.g. options a worker cannot receive: this call fails, the queue goes on
    }
    running.then(
      (result) => this.finish(entry, () => entry.resolve(result)),
      (error) => this.finish(entry, () => entry.reject(error)),
    );
  }

  finish(entry, settle) {
    if (this.current !== entry) return; // aborted or disposed meanwhile: already settled
    this.current = null;
    entry.over = true;
    if (entry.pooled) for (const w of this.workers) w?.postMessage({ type: "release" });
    entry.settle();
    settle();
    this.pump();
  }

  /** Terminate every worker; the call running and those queued reject with DISPOSED. */
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    const err = codedError("DISPOSED", "hcp-segments: the segmenter was disposed");
    this.killAll(err);
    const pending = this.current ? [this.current, ...this.queue] : [...this.queue];
    this.current = null;
    this.queue.length = 0;
    for (const entry of pending) {
      entry.over = true;
      entry.settle();
      entry.reject(err);
    }
  }
}
