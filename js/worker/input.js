// A long CSV input seen from the main thread, without scanning it: cut into parts for the
// workers to read at once, and its first rows for the workers' warm-up.

// A CSV this long (UTF-16 code units or bytes) is read in parts by the pool, one per worker.
// Shorter, the messages cost about what the parallel read saves.
const PARTS_MIN = 1 << 20;
// From this long a CSV (≈ 270,000 rows), each worker first warms the wasm up on a small sample
// (worker.js: tierUp): V8's optimised code then runs the long calls faster than the warm-up costs.
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

/** The warm-up sample of a CSV long enough to be worth one (worker.js: tierUp), else null. */
export function tierUpSample(input) {
  const length = typeof input === "string" ? input.length : input instanceof Uint8Array || input instanceof ArrayBuffer ? input.byteLength : 0;
  if (length < TIER_UP_MIN) return null;
  return leadingLines(input, TIER_UP_ROWS + 1);
}

/**
 * The CSV cut after line ends into `n` parts of about equal length (src/ingest/parts.rs reads
 * them), with the file's first line (the header) for the later parts; null when not worth it
 * or not CSV text/bytes. Only `indexOf` from each cut point: nothing scans the whole text here.
 */
export function cutCsv(input, n) {
  let len, find, part, copy;
  if (typeof input === "string") {
    len = input.length;
    find = (from) => input.indexOf("\n", from);
    part = copy = (a, b) => input.slice(a, b);
  } else if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
    len = bytes.length;
    find = (from) => bytes.indexOf(10, from);
    part = (a, b) => bytes.subarray(a, b); // Pool.post copies it, in slices when long
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
