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

/**
 * Row objects (same keys, text or number values) as packed columns: each text field one joined
 * string and its end offsets (UTF-16 units), each number field a Float64Array; null when the
 * rows do not have that shape.
 */
export function packRows(rows) {
  if (!Array.isArray(rows) || !rows[0] || typeof rows[0] !== "object") return null;
  const keys = Object.keys(rows[0]);
  const cols = keys.map((k) => ({ k, t: typeof rows[0][k] === "string" ? "s" : typeof rows[0][k] === "number" ? "n" : null }));
  if (cols.some((c) => !c.t)) return null;
  for (const c of cols) {
    if (c.t === "s") {
      const ends = new Uint32Array(rows.length);
      const parts = new Array(rows.length);
      let at = 0;
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i][c.k];
        if (typeof v !== "string") return null;
        parts[i] = v;
        at += v.length;
        ends[i] = at;
      }
      c.text = parts.join("");
      c.ends = ends;
    } else {
      const values = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i][c.k];
        if (typeof v !== "number") return null;
        values[i] = v;
      }
      c.values = values;
    }
  }
  for (const row of rows) if (Object.keys(row).length !== keys.length) return null;
  return { __packedRows: rows.length, cols };
}

export function isPacked(value) {
  return !!value && typeof value === "object" && value.__packedRows !== undefined && Array.isArray(value.cols);
}

/** The columns of no assignments (an empty result still has its typed arrays). */
const NO_ROWS = () => [
  { k: "hcpId", t: "s", text: "", ends: new Uint32Array(0) },
  ...["segment", "distance", "confidence"].map((k) => ({ k, t: "n", values: new Float64Array(0) })),
];

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

  /**
   * Columns from row objects (a result too short to have been packed by the worker); null when
   * the rows have other than text and number fields.
   */
  static fromRows(rows) {
    const packed = rows.length ? packRows(rows) : { __packedRows: 0, cols: NO_ROWS() };
    return packed && new AssignmentColumns(packed);
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
