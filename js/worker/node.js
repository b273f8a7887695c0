// createSegmenter() in Node: the same API and the same pool as in browsers (pool.js), its
// workers worker threads (node-thread.js) that each load the Node build of the wasm.
//
// A thread keeps the process alive only while it has a call to answer: once every call has
// settled, a process that forgot dispose() still exits on its own. dispose() ends the threads.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { Pool } from "./pool.js";
import { segmenterOver } from "./segmenter.js";

const THREAD_SCRIPT = new URL("./node-thread.js", import.meta.url);

/** A worker thread seen as pool.js sees a Web Worker: postMessage, terminate, onmessage, onerror. */
class NodeThread {
  constructor(slot) {
    this.onmessage = null;
    this.onerror = null;
    this.calls = 0; // calls posted and not answered: the thread is ref'd while there are any
    this.ended = false;
    this.thread = new Worker(THREAD_SCRIPT, { name: `hcp-segments-${slot}` });
    this.thread.unref();
    this.thread.on("message", (data) => {
      if (data && (data.type === "result" || data.type === "error") && --this.calls === 0) this.thread.unref();
      this.onmessage?.({ data });
    });
    // A thread that throws, runs out of memory or exits: its calls reject, the pool starts a
    // fresh one for the next (pool.js: onerror).
    this.thread.on("error", (e) => this.fail(`the worker thread failed: ${e && e.message ? e.message : e}`));
    this.thread.on("exit", (code) => this.fail(`the worker thread exited (code ${code})`));
  }

  fail(message) {
    if (this.ended) return;
    this.ended = true;
    this.thread.unref();
    this.onerror?.({ message });
  }

  postMessage(message, transfer) {
    this.thread.postMessage(message, transfer);
    if (message && message.type === "call" && this.calls++ === 0) this.thread.ref();
  }

  terminate() {
    this.ended = true;
    this.thread.terminate();
  }
}

class ThreadPool extends Pool {
  spawnWorker(slot) {
    return new NodeThread(slot);
  }
}

/** Default pool size in Node: the cores, at most 4 (as in browsers). */
const defaultWorkers = () => Math.max(1, Math.min(availableParallelism(), 4));

export function createSegmenter(options = {}) {
  const workers = options && options.workers !== undefined ? options.workers : defaultWorkers();
  return segmenterOver(new ThreadPool({ ...options, workers }));
}
