// Rows of a result (segment()'s assignments …) held as columns: the form the worker sends them
// in (`{__packedRows: n, cols: [{k, t: "s", text, ends} | {k, t: "n", values}]}`, built by the
// wasm or by serve.js's packRows), and the AssignmentColumns a caller gets with
// `{ assignments: "columns" }`: a million rows without a million objects on the page's thread.

/** A packed column set's row `i` as an object, keys in the columns' order. */
export function packedRow(cols, i) {
  const row = {};
  for (const c of cols) row[c.k] = c.t === "s" ? c.text.slice(i === 0 ? 0 : c.ends[i - 1], c.ends[i]) : c.values[i];
  return row;
}

export function isPacked(value) {
  return !!value && typeof value === "object" && value.__packedRows !== undefined && Array.isArray(value.cols);
}

/**
 * Rows as columns: each number column a typed array (`segment`, `distance`, `confidence` for
 * assignments), each text column a function of the row index (`hcpId(i)`); `row(i)`, iteration
 * and `toJSON()` give the objects the rows form holds. Passed back to a Segmenter call
 * (exportCsv, targetList, refresh …) it travels as columns and becomes objects in the worker.
 */
export class AssignmentColumns {
  #cols;

  constructor(packed) {
    this.#cols = packed.cols;
    Object.defineProperty(this, "length", { value: packed.__packedRows, enumerable: true });
    for (const c of packed.cols) {
      const value = c.t === "s" ? (i) => c.text.slice(i === 0 ? 0 : c.ends[i - 1], c.ends[i]) : c.values;
      Object.defineProperty(this, c.k, { value, enumerable: true });
    }
  }

  /** Columns from row objects (a result too short to have been packed by the worker). */
  static fromRows(rows) {
    const keys = rows.length ? Object.keys(rows[0]) : ["hcpId", "segment", "distance", "confidence"];
    const cols = keys.map((k) => {
      if (rows.length && typeof rows[0][k] === "string") {
        const ends = new Uint32Array(rows.length);
        let at = 0;
        rows.forEach((r, i) => (ends[i] = at += r[k].length));
        return { k, t: "s", text: rows.map((r) => r[k]).join(""), ends };
      }
      return { k, t: "n", values: Float64Array.from(rows, (r) => r[k]) };
    });
    return new AssignmentColumns({ __packedRows: rows.length, cols });
  }

  /** Row `i` as an object (`{hcpId, segment, distance, confidence}` for assignments). */
  row(i) {
    if (!(Number.isInteger(i) && i >= 0 && i < this.length)) throw new RangeError(`row ${i} is outside 0..${this.length - 1}`);
    return packedRow(this.#cols, i);
  }

  *[Symbol.iterator]() {
    for (let i = 0; i < this.length; i++) yield packedRow(this.#cols, i);
  }

  toJSON() {
    return Array.from(this);
  }

  /** The packed form, for a message to a worker (its typed arrays are copied, not transferred). */
  packed() {
    return { __packedRows: this.length, cols: this.#cols };
  }
}

/** A call's argument with AssignmentColumns (itself, or as a result's `assignments`) packed for postMessage. */
export function packArgument(arg) {
  if (arg instanceof AssignmentColumns) return arg.packed();
  if (arg && typeof arg === "object" && arg.assignments instanceof AssignmentColumns) return { ...arg, assignments: arg.assignments.packed() };
  return arg;
}

/** packArgument's packed columns back as row objects, in the worker: the engine reads objects. */
export function unpackArgument(arg) {
  const rows = (p) => Array.from({ length: p.__packedRows }, (_, i) => packedRow(p.cols, i));
  if (isPacked(arg)) return rows(arg);
  if (arg && typeof arg === "object" && !Array.isArray(arg) && isPacked(arg.assignments)) return { ...arg, assignments: rows(arg.assignments) };
  return arg;
}
