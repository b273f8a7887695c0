// What comes back from a worker, made into what the caller gets: errors with their fields,
// progress handed to the caller's callback, and packed assignments rebuilt as row objects in
// slices the page's main thread can breathe between (or handed over as columns).
import { AssignmentColumns, isPacked, packedRow } from "./columns.js";

export function codedError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}

/** The error an aborted call rejects with: the signal's own AbortError, else a fresh one. */
export function abortError(signal) {
  const reason = signal && signal.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return new DOMException("hcp-segments: the call was aborted", "AbortError");
}

/** An error worker.js serialised (serializeError), as an Error with the engine's fields. */
export function reviveError(e) {
  const err = new Error(e.message);
  if (e.name && e.name !== "Error") err.name = e.name;
  for (const k of ["code", "line", "column", "cell"]) if (e[k] !== undefined) err[k] = e[k];
  if (e.stack) err.stack = e.stack;
  return err;
}

/** Progress to the caller's callback (Pool.call's wrapper ends the call when it throws; should one still throw, it is the page's error, not the call's). */
export function report(onProgress, progress) {
  if (!onProgress) return;
  try {
    onProgress(progress);
  } catch (e) {
    setTimeout(() => {
      throw e;
    });
  }
}

// Hand the main thread back to the page between slices of work (a macrotask, no 4 ms clamp).
export function yieldToPage() {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

// Unpacking is sliced by time, not by a row count: a fixed row count per task overruns the
// 100 ms a page can spend without janking on a busy machine. The longest tasks left with 8 ms
// slices are garbage collections of the many new objects.
const UNPACK_BUDGET_MS = 8;
const UNPACK_CHECK = 256; // rows between clock reads

// The columns of segment()'s assignments (src/wasm/pool.rs packs them in this order).
const ASSIGNMENT_KEYS = ["hcpId", "segment", "distance", "confidence"];

/**
 * segment()'s assignments as object literals: V8 builds those from one template, several times
 * faster than adding the properties one by one. Same keys in the same order, same values:
 * identical objects.
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
  const makeRow = assignments ? assignmentRow(cols) : packedRow;
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

/**
 * A worker's result as the caller gets it: packed assignments rebuilt as objects, or, with the
 * call option `assignments: "columns"`, as AssignmentColumns (no object per row).
 */
export async function revive(result, form = "rows") {
  if (!result || typeof result !== "object" || !result.assignments) return result;
  if (form === "columns") {
    const a = result.assignments;
    return { ...result, assignments: isPacked(a) ? new AssignmentColumns(a) : Array.isArray(a) ? (AssignmentColumns.fromRows(a) ?? a) : a };
  }
  if (isPacked(result.assignments)) return { ...result, assignments: await unpackRows(result.assignments) };
  return result;
}
