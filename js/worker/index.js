// createSegmenter(): the async, worker-backed API for pages. One module Web Worker runs the
// wasm off the main thread; calls are queued and run one at a time, so aborting one call
// (which terminates the worker at once) never disturbs the others: the next call lazily starts
// a fresh worker.
//
// The worker is created with `new Worker(new URL("./worker.js", import.meta.url), {type:"module"})`
// so Vite and webpack 5 find it and bundle it (with the wasm it loads).

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
  for (const k of ["code", "line", "column"]) if (e[k] !== undefined) err[k] = e[k];
  if (e.stack) err.stack = e.stack;
  return err;
}

export function createSegmenter(options = {}) {
  const wasmUrl = options.wasmUrl === undefined ? undefined : String(options.wasmUrl);
  let worker = null;
  let disposed = false;
  let nextId = 1;
  let current = null; // the call running in the worker
  const queue = []; // calls waiting for it

  function startWorker() {
    const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "hcp-segments" });
    w.onmessage = (event) => {
      const msg = event.data;
      if (!current || msg.id !== current.id) return;
      if (msg.type === "progress") {
        if (current.onProgress) {
          try {
            current.onProgress(msg.progress);
          } catch (e) {
            setTimeout(() => {
              throw e;
            });
          }
        }
        return;
      }
      const call = current;
      current = null;
      call.settle();
      if (msg.type === "result") call.resolve(msg.result);
      else call.reject(reviveError(msg.error));
      pump();
    };
    // A failed module load or an uncaught error inside the worker: fail the running call,
    // drop the worker, go on with a fresh one.
    w.onerror = (event) => {
      event.preventDefault?.();
      const call = current;
      current = null;
      killWorker();
      if (call) {
        call.settle();
        call.reject(codedError("WASM_LOAD_FAILED", `hcp-segments worker failed: ${event.message || "could not start the worker"}`));
      }
      pump();
    };
    return w;
  }

  function killWorker() {
    if (worker) {
      worker.terminate();
      worker = null;
    }
  }

  function pump() {
    if (current || disposed || queue.length === 0) return;
    current = queue.shift();
    if (!worker) worker = startWorker();
    const { id, method, args, transfer, onProgress } = current;
    worker.postMessage({ type: "call", id, method, args, wasmUrl, progress: !!onProgress }, transfer);
  }

  function call(method, args, callOptions, transfer = []) {
    const { onProgress, signal } = callOptions || {};
    if (disposed) return Promise.reject(codedError("DISPOSED", "hcp-segments: the segmenter was disposed"));
    if (signal && signal.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const entry = { id: nextId++, method, args, transfer, onProgress, resolve, reject, settle: () => {} };
      if (signal) {
        const onAbort = () => {
          if (current === entry) {
            current = null;
            killWorker(); // stops the computation at once
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
    segment(input, segmentOptions, callOptions) {
      return call("segment", [input, segmentOptions], callOptions);
    },
    assign(model, input, callOptions) {
      return call("assign", [model, input], callOptions);
    },
    kmeans(data, nCols, kmeansOptions, callOptions) {
      const transfer = data && data.buffer instanceof ArrayBuffer ? [data.buffer] : [];
      return call("kmeans", [data, nCols, kmeansOptions], callOptions, transfer);
    },
    generateSample(n, seed) {
      return call("generateSample", [n, seed], undefined);
    },
    // Privacy and targeting: same arguments as the synchronous functions, plus call options.
    segmentSummary(result, options, callOptions) {
      return call("segmentSummary", [result, options], callOptions);
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
      killWorker();
      const err = codedError("DISPOSED", "hcp-segments: the segmenter was disposed");
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
