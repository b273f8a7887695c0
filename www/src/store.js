// What the panels share: the loaded data, the result, the persona names, the selection. Each panel
// owns the rest of its state. A panel changes the store and notifies a topic; the panels that
// depend on it subscribe (main.js wires them):
//   'data'      a new input was loaded (store.data)             — results, target, look-alikes reset
//   'result'    a segmentation finished (store.result)           — cards, filters, look-alikes, stability
//   'names'     a persona was renamed (store.names, debounced)   — every list that shows names
//   'selection' the filters changed (store.selection, store.mask) — plan, cells, scatter
const listeners = new Map();

export const store = {
  /** The loaded input and the engine's inspection of it (load.js: describeInput). */
  data: null,
  /** @type {import('hcp-segments').SegmentResult | null} */
  result: null,
  /** The k sweep of the last automatic run (kept when k is then fixed). */
  sweep: null,
  /** Persona names edited on the page, by segment id. */
  names: new Map(),
  /** Segment ids the last re-run could not match to a previous segment (shown as "new"). */
  newSegments: new Set(),
  /** Row-level values for the filters (targeting.js: buildRows). */
  rows: null,
  /** The filters' choice (targeting.js: readSelection) and the rows it selects (one byte a row). */
  selection: null,
  mask: null,
  running: false,
};

export function subscribe(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, []);
  listeners.get(topic).push(fn);
}

export function notify(topic, detail) {
  for (const fn of listeners.get(topic) ?? []) fn(detail);
}

/** The name shown for a segment: the page's edit, else the engine's name. */
export const nameOf = (id) => store.names.get(id) ?? store.result?.segments.find((s) => s.id === id)?.name ?? `Segment ${id}`;

/** The minimum segment size the engine applied (the sweep says it; 10 = minCellSize by default). */
export const minSegmentSize = () => store.result?.kSweep?.minSegmentSize || store.sweep?.minSegmentSize || 10;

/** The result's segments with the names shown. */
export const namedSegments = () => store.result.segments.map((s) => ({ ...s, name: nameOf(s.id) }));

/** The model as the engine made it, with the persona names as edited on the page. */
export function modelWithNames() {
  const m = structuredClone(store.result.model);
  if (Array.isArray(m.segments)) for (const s of m.segments) if (s && typeof s.id === 'number') s.name = nameOf(s.id);
  return m;
}

/** The result as the engine's writers take it: model, assignments, segments with the names shown. */
export function namedResult() {
  return { model: modelWithNames(), assignments: store.result.assignments, segments: namedSegments() };
}

/** The input the engine reads for every call on the loaded data. */
export const engineInput = () => store.data.input;
