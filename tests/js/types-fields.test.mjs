// js/types.d.ts against the engine, both ways, so the hand-written types cannot drift:
// - results: every key an object has at runtime is declared, and every declared key that is not
//   optional is present, recursively (values checked by kind: null only where declared nullable,
//   string literals only those declared);
// - options: the option names the engine knows (listed by its refusal of an unknown one) are the
//   declared ones; each declared option, given a harmless value, is accepted; a misspelt one is
//   refused with INVALID_OPTION naming it;
// - functions: the Node entry exports exactly the declared functions; ErrorCode lists every code
//   in src/error.rs.
// The d.ts is read with the TypeScript compiler API (the root devDependency's checker); the engine
// is the packed tarball installed as a user would (helpers.mjs).
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { API, SymbolFlags, TypeFlags } from "typescript/unstable/sync";
import { ROOT, freshProject, requireFrom } from "./helpers.mjs";

/** Declared classes a value is checked against by its constructor, not by its keys. */
const BUILTIN_CLASSES = new Set(["Float32Array", "Float64Array", "Uint32Array", "Uint8Array", "ArrayBuffer"]);

/** js/types.d.ts through the compiler's checker, each type reduced to a shape to check values against. */
class Declarations {
  constructor(file) {
    this.dir = mkdtempSync(join(tmpdir(), "hcp-dts-"));
    copyFileSync(file, join(this.dir, "types.d.ts"));
    const compilerOptions = { strict: true, noEmit: true, target: "es2022", module: "nodenext", lib: ["es2022", "dom"], types: [] };
    writeFileSync(join(this.dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["types.d.ts"] }));
    this.api = new API({ cwd: this.dir });
    const project = this.api.updateSnapshot({ openProjects: [join(this.dir, "tsconfig.json")] }).getProjects()[0];
    this.program = project.program;
    this.checker = project.checker;
    const sourceFile = this.program.getSourceFile(join(this.dir, "types.d.ts"));
    const module = this.checker.getSymbolAtLocation(sourceFile);
    this.exports = new Map(this.checker.getExportsOfModule(module).map((s) => [s.name, s]));
    this.shapes = new Map();
  }

  close() {
    this.api.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  diagnostics() {
    return [...this.program.getSyntacticDiagnostics(), ...this.program.getSemanticDiagnostics()];
  }

  /** Names of the exported functions. */
  functions() {
    return [...this.exports.values()].filter((s) => s.flags & SymbolFlags.Function).map((s) => s.name);
  }

  /** The shape of an exported interface or type alias. */
  shape(name) {
    const symbol = this.exports.get(name);
    assert.ok(symbol, `js/types.d.ts exports no type \`${name}\``);
    return this.shapeOf(this.checker.getDeclaredTypeOfSymbol(symbol));
  }

  /** Declared property names of an exported object type. */
  propertyNames(name) {
    return this.shape(name).props.map((p) => p.name);
  }

  shapeOf(type) {
    let shape = this.shapes.get(type.id);
    if (!shape) {
      shape = { text: this.checker.typeToString(type) };
      this.shapes.set(type.id, shape); // before filling it in: a type may refer to itself
      Object.assign(shape, this.describeType(type, shape.text));
    }
    return shape;
  }

  describeType(type, text) {
    const f = type.flags;
    if (f & (TypeFlags.Any | TypeFlags.Unknown)) return { kind: "any" };
    // Before unions: `boolean` is the union `true | false` (and `boolean | null` is `true | false | null`).
    if (f & (TypeFlags.Boolean | TypeFlags.BooleanLiteral)) return { kind: "boolean" };
    if (f & TypeFlags.Union) return { kind: "union", members: type.getTypes().map((t) => this.shapeOf(t)) };
    if (f & TypeFlags.Null) return { kind: "null" };
    if (f & (TypeFlags.Undefined | TypeFlags.Void)) return { kind: "undefined" };
    if (f & TypeFlags.StringLiteral) return { kind: "string", literal: type.value };
    if (f & (TypeFlags.String | TypeFlags.TemplateLiteral | TypeFlags.StringMapping)) return { kind: "string" };
    if (f & TypeFlags.NumberLiteral) return { kind: "number", literal: type.value };
    if (f & TypeFlags.Number) return { kind: "number" };
    if (f & TypeFlags.Object) {
      const className = type.getSymbol()?.name;
      if (BUILTIN_CLASSES.has(className)) return { kind: "builtin", name: className };
      if (this.checker.isTupleType(type)) return { kind: "tuple", elements: this.checker.getTypeArguments(type).map((t) => this.shapeOf(t)) };
      if (this.checker.isArrayType(type)) return { kind: "array", element: this.shapeOf(this.checker.getTypeArguments(type)[0]) };
      const symbols = this.checker.getPropertiesOfType(type);
      const types = symbols.length ? this.checker.getTypeOfSymbol(symbols) : [];
      const props = symbols.map((s, i) => ({ name: s.name, optional: Boolean(s.flags & SymbolFlags.Optional), type: types[i] }));
      const stringIndex = this.checker.getIndexInfosOfType(type).find((info) => info.keyType.flags & TypeFlags.String);
      return { kind: "object", props, index: stringIndex ? stringIndex.valueType : null };
    }
    throw new Error(`the test cannot check values of type ${text} (flags ${f})`);
  }
}

function describeValue(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return `a ${v.constructor.name}`;
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

/** Could `value` be of this (non-union) shape at all? */
function fitsKind(value, shape) {
  switch (shape.kind) {
    case "any": return true;
    case "null": return value === null;
    case "undefined": return value === undefined;
    case "boolean": return typeof value === "boolean";
    case "string": return typeof value === "string" && (shape.literal === undefined || value === shape.literal);
    case "number": return typeof value === "number" && (shape.literal === undefined || value === shape.literal);
    case "builtin": return value != null && value.constructor?.name === shape.name;
    case "array": case "tuple": return Array.isArray(value);
    case "object": return value !== null && typeof value === "object" && !Array.isArray(value) && !ArrayBuffer.isView(value);
    default: return shape.members.some((m) => fitsKind(value, m));
  }
}

/** Problems of `value` against `shape`, as "path: what" lines (array elements and map entries share one path). */
function check(decl, value, shape, path, problems) {
  if (shape.kind === "union") {
    const candidates = shape.members.filter((m) => fitsKind(value, m));
    if (candidates.length === 0) {
      problems.add(`${path}: ${describeValue(value)} at runtime, declared ${shape.text}`);
      return;
    }
    let fewest = null;
    for (const m of candidates) {
      const found = new Set();
      check(decl, value, m, path, found);
      if (found.size === 0) return;
      if (!fewest || found.size < fewest.size) fewest = found;
    }
    fewest.forEach((p) => problems.add(p));
    return;
  }
  if (!fitsKind(value, shape)) {
    problems.add(`${path}: ${describeValue(value)} at runtime, declared ${shape.text}`);
    return;
  }
  if (shape.kind === "array") {
    for (const item of value) check(decl, item, shape.element, `${path}[]`, problems);
  } else if (shape.kind === "tuple") {
    if (value.length !== shape.elements.length) problems.add(`${path}: ${value.length} elements at runtime, declared ${shape.text}`);
    value.forEach((item, i) => shape.elements[i] && check(decl, item, shape.elements[i], `${path}[${i}]`, problems));
  } else if (shape.kind === "object") {
    const declared = new Map(shape.props.map((p) => [p.name, p]));
    for (const key of Object.keys(value)) {
      const prop = declared.get(key);
      if (prop) check(decl, value[key], decl.shapeOf(prop.type), `${path}.${key}`, problems);
      else if (shape.index) check(decl, value[key], decl.shapeOf(shape.index), `${path}[*]`, problems);
      else problems.add(`${path}.${key}: present at runtime, not declared in ${shape.text}`);
    }
    for (const prop of shape.props) {
      if (!prop.optional && !(prop.name in value)) problems.add(`${path}.${prop.name}: declared in ${shape.text} (not optional), missing at runtime`);
    }
  }
}

let decl;
let hs;
let sample;
let result;
const progress = [];

/** The CSV of `text` with only the columns whose header passes `keep`. */
function columns(text, keep) {
  const rows = text.trim().split("\n").map((l) => l.split(","));
  const idx = rows[0].map((h, i) => (keep(h) ? i : -1)).filter((i) => i >= 0);
  return rows.map((r) => idx.map((i) => r[i]).join(",")).join("\n") + "\n";
}

function records(text) {
  const [head, ...rows] = text.trim().split("\n").map((l) => l.split(","));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

const EVENTS =
  "hcp_id,timestamp,channel,format,action,specialty,consent_email\n" +
  "H1,2024-01-02T10:00:00Z,linkedin,webinar,click,oncology,true\n" +
  "H2,2024-01-03,email,news,open,primary_care,false\n" +
  "H1,2024-02-01,x,news,click,oncology,true\n" +
  "H3,2023-01-01,email,news,click,cardiology,\n";

before(() => {
  decl = new Declarations(join(ROOT, "js", "types.d.ts"));
  hs = requireFrom(freshProject("hcp-types-fields-"));
  sample = hs.generateSample(600, 7);
  result = hs.segment(sample, { kRange: [3, 5], nRuns: 3, seed: 1, minSegmentSize: 120 }, (p) => progress.push(p));
});
after(() => decl?.close());

/** Throws with every problem of `value` against the exported type `typeName`. */
function assertDeclared(typeName, value) {
  const problems = new Set();
  check(decl, value, decl.shape(typeName), typeName, problems);
  assert.deepEqual([...problems], [], `js/types.d.ts and the runtime ${typeName} differ:\n  ${[...problems].join("\n  ")}`);
}

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected an error, nothing was thrown");
}

describe("js/types.d.ts", () => {
  test("compiles without diagnostics", () => {
    assert.deepEqual(decl.diagnostics().map((d) => `TS${d.code} at ${d.pos}: ${d.text}`), []);
  });
});

describe("results: every runtime key declared, every required declared key present", () => {
  const otherPeriod = () => hs.generateSample(500, 8);
  const cases = [
    ["segment, k: \"auto\", segments under minSegmentSize", "SegmentResult", () => result],
    ["segment, fixed k, a file's bytes", "SegmentResult", () => hs.segment(Buffer.from(sample), { k: 4, nRuns: 2, minSegmentSize: 150 })],
    [
      "segment, records with a bad row skipped",
      "SegmentResult",
      () => {
        const rows = records(sample);
        rows[3].ch_x = "many";
        return hs.segment(rows, { k: 3, nRuns: 1, onError: "skip" });
      },
    ],
    ["segment's progress reports", "Progress", () => progress],
    ["inspect, a file's bytes", "Inspection", () => hs.inspect(Buffer.from(sample), { previewRows: 2 })],
    [
      "inspect, header synonyms and no id column",
      "Inspection",
      () => hs.inspect("Kundennummer;Fachrichtung;Land;ch_x;Notiz\nA1;Kardiologie;DE;3;\nA2;;AT;;x\n"),
    ],
    ["inspect, an event log", "Inspection", () => hs.inspect(EVENTS)],
    ["assign", "AssignResult", () => hs.assign(result.model, otherPeriod())],
    ["stability", "StabilityReport", () => hs.stability(result.model, sample, { resamples: 3, nRuns: 1, minSegmentSize: 150 })],
    [
      "lookalikes, partial profiles",
      "LookalikeResult",
      () => hs.lookalikes(result.model, columns(otherPeriod(), (h) => h === "hcp_id" || h === "ch_x" || h === "ch_email" || h === "specialty"), { segment: 0, top: 20 }),
    ],
    ["testCells", "TestCells", () => hs.testCells(result.model, sample, { arms: ["A", { name: "B", weight: 2 }] })],
    ["channelPlan, no results", "ChannelPlan", () => hs.channelPlan(result.segments, { budget: 10000 })],
    [
      "channelPlan, with results, forced channel",
      "ChannelPlan",
      () =>
        hs.channelPlan(result.segments, {
          budget: 12345.67,
          currency: "JPY",
          forceChannels: ["rep"],
          results: "segment,channel,impressions,engagements\n0,linkedin,1000,30\n1,email,500,20\n9,nowhere,1,1\n",
        }),
    ],
    ["updateModel", "UpdateResult", () => hs.updateModel(result.model, otherPeriod())],
    ["aggregateEvents, text", "EventAggregate", () => hs.aggregateEvents(EVENTS, { from: "2024-01-01" })],
    ["aggregateEvents, bytes", "EventAggregate", () => hs.aggregateEvents(Buffer.from(EVENTS, "latin1"))],
    ["refresh, previous assignments", "RefreshResult", () => hs.refresh(result.model, otherPeriod(), result.assignments, { nRuns: 2 })],
    [
      "refresh, previous assignments as an exported file, k: \"auto\"",
      "RefreshResult",
      () => hs.refresh(result.model, otherPeriod(), hs.exportCsv("assignments", result), { k: "auto", nRuns: 1 }),
    ],
    ["segmentSummary", "SegmentSummary", () => hs.segmentSummary(result)],
    ["matchSegments, a re-run with another k", "Continuity", () => hs.matchSegments(result, hs.segment(sample, { k: result.segments.length + 1, nRuns: 2 }))],
    ["segmentSummary, withheld segments", "SegmentSummary", () => hs.segmentSummary(result.segments, { minCellSize: 150 })],
    ["kmeans", "KMeansResult", () => hs.kmeans(new Float64Array([0, 0, 0, 1, 5, 5, 5, 6]), 2, { k: 2 })],
    ["the saved model", "Model", () => result.model],
    ["an error at a line", "HcpSegmentsError", () => thrown(() => hs.segment("hcp_id,ch_x\nA,1\nB,1,2\n"))],
    ["an error at a cell", "HcpSegmentsError", () => thrown(() => hs.segment("hcp_id,ch_x\nA,1\nB,lots\n"))],
    ["an option error", "HcpSegmentsError", () => thrown(() => hs.segment(sample, { k: -1 }))],
  ];
  for (const [label, typeName, make] of cases) {
    test(`${label} (${typeName})`, () => {
      const value = make();
      if (typeName === "Progress") {
        assert.ok(value.length > 0, "no progress reported");
        value.forEach((p) => assertDeclared(typeName, p));
      } else {
        assertDeclared(typeName, value);
      }
    });
  }

  test("the runs above reach the branches they are meant to", () => {
    assert.ok(result.kSweep.rows.some((r) => r.ruledOut !== null), "a k ruled out");
    assert.ok(result.report.warnings.length > 0);
    const inspected = hs.inspect("Kundennummer;Fachrichtung;ch_x\nA1;Kardiologie;3\n");
    assert.ok(inspected.columns.some((c) => c.source === "synonym"), "a synonym column");
    assert.ok(hs.inspect(EVENTS).eventLog);
    const stable = hs.stability(result.model, sample, { resamples: 3, nRuns: 1, minSegmentSize: 150 });
    assert.ok(stable.segments.some((s) => s.verdict === "tooSmall"));
    assert.equal(hs.aggregateEvents(Buffer.from(EVENTS)).report.encoding, "utf-8");
  });
});

// Harmless values for every declared option: each one alone, on top of `base`, must run.
const tiny = () => hs.generateSample(300, 3);
const SALT = "a salt for the test";
let small;
let pseudonymised;
function smallRun() {
  small ??= hs.segment(tiny(), { k: 3, nRuns: 2, seed: 1 });
  return small;
}
function pseudonymisedRun() {
  pseudonymised ??= hs.segment(tiny(), { k: 3, nRuns: 2, seed: 1, pseudonymize: { salt: SALT } });
  return pseudonymised;
}

const OPTIONS = {
  SegmentOptions: {
    call: (o) => hs.segment(Buffer.from(tiny()), { k: 3, nRuns: 1, ...o }),
    values: {
      k: 3, kRange: [3, 4], seed: 1, nRuns: 1, maxIterations: 50, tolerance: 1e-3, engine: "linfa",
      columns: { specialty: "category" }, weights: { recency: 0.25 }, exclude: ["nobody"], capQuantile: null,
      silhouetteSample: 200, sweepSample: "all", minCellSize: 5, minSegmentSize: 5, delimiter: ",",
      decimalComma: false, encoding: "utf-8", onError: "skip", pseudonymize: { salt: SALT },
      displayNames: { linkedin: "LinkedIn (DE)" }, sheet: 0,
    },
  },
  AssignOptions: {
    call: (o) => hs.assign(smallRun().model, Buffer.from(tiny()), o),
    values: { exclude: ["nobody"], onError: "skip", pseudonymize: { salt: SALT }, encoding: "windows-1252" },
  },
  InspectOptions: {
    call: (o) => hs.inspect(Buffer.from(tiny()), o),
    values: { columns: { country: "ignore" }, delimiter: ",", decimalComma: false, encoding: "utf-8", sheet: "HCPs", previewRows: 3 },
  },
  MatchOptions: {
    call: (o) => hs.matchSegments(smallRun(), smallRun(), o),
    values: { minOverlap: 0.6 },
  },
  SummaryOptions: {
    call: (o) => hs.segmentSummary(smallRun(), o),
    values: { minCellSize: 5 },
  },
  EventOptions: {
    call: (o) => hs.aggregateEvents(Buffer.from(EVENTS), o),
    values: {
      columns: { consent_email: "attribute" }, from: "2023-06-01", to: "2024-03-01", countActions: ["click"], ignoreActions: ["open"],
      delimiter: ",", exclude: ["nobody"], encoding: "utf-8", sheet: 0,
    },
  },
  EventsSqlOptions: {
    call: (o) => hs.eventsSql({ channels: ["email"], ...o }),
    values: {
      dialect: "spark", table: "events", columns: { ts: "timestamp" }, from: "2023-06-01", to: "2024-03-01", countActions: ["click"],
      ignoreActions: ["open"], exclude: ["nobody"], channels: ["email"], formats: ["webinar"], carried: ["specialty"],
    },
  },
  ModelSqlOptions: {
    call: (o) => hs.modelSql(smallRun().model, o),
    values: { dialect: "ansi", table: "profiles", idColumn: "hcp_id" },
  },
  RefreshOptions: {
    call: (o) => hs.refresh(smallRun().model, Buffer.from(tiny()), null, { nRuns: 1, ...o }),
    values: { k: 3, nRuns: 1, maxMatchDistance: 100, warmStart: false, exclude: ["nobody"], delimiter: ",", decimalComma: false, encoding: "utf-8" },
  },
  StabilityOptions: {
    call: (o) => hs.stability(smallRun().model, tiny(), { resamples: 2, nRuns: 1, ...o }),
    values: { resamples: 2, sampleSize: 200, nRuns: 1, seed: 1, exclude: ["nobody"], minSegmentSize: 5 },
  },
  LookalikeOptions: {
    call: (o) => hs.lookalikes(smallRun().model, tiny(), { segment: 0, ...o }),
    values: { segment: 1, top: 5, minScore: 0.1, minCoverage: 0.5, exclude: ["nobody"], drivers: 2 },
  },
  CellOptions: {
    call: (o) => hs.testCells(smallRun().model, tiny(), o),
    values: {
      arms: ["A", { name: "B", weight: 2 }], holdout: 0, seed: 1, strata: ["specialty"], segments: [0],
      ids: () => smallRun().assignments.slice(0, 20).map((a) => a.hcpId), exclude: ["nobody"],
    },
  },
  PlanOptions: {
    call: (o) => hs.channelPlan(smallRun().segments, { budget: 1000, ...o }),
    values: {
      budget: 999.99, currency: "usd", segmentWeights: { 0: 2 }, channelWeights: { x: 0 }, minIndex: 50, minMixShare: 0.05,
      forceChannels: ["rep"], consentRules: { email: null }, results: "segment,channel,impressions,engagements\n0,email,100,5\n",
      priorImpressions: 500, explorationShare: 0.2, displayNames: { email: "E-Mail" },
    },
  },
  UpdateOptions: {
    call: (o) => hs.updateModel(smallRun().model, tiny(), o),
    values: { batchSize: 64, seed: 1, priorWeight: 2, maxDrift: 0.3, maxReassigned: 0.1, maxNewShare: 0.9, exclude: ["nobody"] },
  },
  KMeansOptions: {
    call: (o) => hs.kmeans(new Float64Array([0, 0, 0, 1, 5, 5, 5, 6]), 2, { k: 2, ...o }),
    values: { k: 2, nRuns: 2, maxIterations: 10, tolerance: 1e-6, seed: 1, engine: "linfa" },
  },
  CsvExportOptions: {
    call: (o) => hs.exportCsv("assignments", smallRun(), o),
    values: { dialect: "excel", locale: "de-DE", template: "generic", minCellSize: 5 },
  },
  TargetListOptions: {
    // The salt must be the one the result's ids were pseudonymised with.
    call: (o) => hs.targetList(o.pseudonymize ? pseudonymisedRun() : smallRun(), tiny(), o),
    values: {
      dialect: "excel", locale: "fr-FR", template: { columns: [{ from: "hcp_id", to: "Id" }, { to: "Campaign", value: "Q3" }] },
      categories: ["specialty"], segments: [0], filter: { country: ["DE", "US"] }, requireConsent: ["consent_email"],
      pseudonymize: { salt: SALT }, exclude: ["nobody"], output: "table", cells: () => hs.testCells(smallRun().model, tiny()),
    },
    // Taken out of the options by the wasm boundary before the rest is decoded.
    notInEngineList: ["cells"],
  },
};

/** The option names the engine knows: its refusal of an unknown one lists them. */
function engineOptionNames(call) {
  const err = thrown(() => call({ notAnOption: 1 }));
  assert.equal(err.code, "INVALID_OPTION", err.message);
  const m = err.message.match(/unknown field `notAnOption`, (?:expected (?:one of )?(.*)|there are no fields)$/);
  assert.ok(m, `unexpected message: ${err.message}`);
  return [...(m[1] ?? "").matchAll(/`([^`]+)`/g)].map((x) => x[1]);
}

/** A misspelling a user makes: snake_case for a camelCase name, else a plural. */
const misspelt = (name) => (/[A-Z]/.test(name) ? name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : `${name}s`);

describe("options: the declared names are the engine's, and each is accepted", () => {
  for (const [typeName, spec] of Object.entries(OPTIONS)) {
    test(`${typeName}: the engine knows exactly the declared options`, () => {
      const engine = new Set([...engineOptionNames(spec.call), ...(spec.notInEngineList ?? [])]);
      const declared = new Set(decl.propertyNames(typeName));
      const undeclared = [...engine].filter((n) => !declared.has(n));
      const unknown = [...declared].filter((n) => !engine.has(n));
      assert.deepEqual({ undeclared, unknown }, { undeclared: [], unknown: [] }, `${typeName}: accepted by the engine but not declared / declared but refused`);
    });

    test(`${typeName}: each declared option, alone, is accepted; a misspelt one is refused`, () => {
      const declared = decl.propertyNames(typeName);
      const untested = declared.filter((n) => !(n in spec.values));
      assert.deepEqual(untested, [], `give ${typeName}'s new options a harmless value in OPTIONS`);
      for (const name of declared) {
        const value = typeof spec.values[name] === "function" ? spec.values[name]() : spec.values[name];
        try {
          spec.call({ [name]: value });
        } catch (e) {
          assert.fail(`${typeName}.${name} = ${JSON.stringify(value)} was refused: ${e.code} ${e.message}`);
        }
        const wrong = misspelt(name);
        const err = thrown(() => spec.call({ [wrong]: value }));
        assert.equal(err.code, "INVALID_OPTION", `${typeName}: \`${wrong}\`: ${err.message}`);
        assert.match(err.message, new RegExp(`unknown field \`${wrong}\``));
      }
    });
  }

  test("nested options refuse a misspelt field: pseudonymize", () => {
    const err = thrown(() => hs.segment(tiny(), { k: 3, pseudonymize: { salt: SALT, pepper: "x" } }));
    assert.equal(err.code, "INVALID_OPTION");
    assert.match(err.message, /unknown field `pepper`/);
  });

  test("nested options refuse a misspelt field: weights", () => {
    const err = thrown(() => hs.segment(tiny(), { k: 3, nRuns: 1, weights: { channel_mix: 0 } }));
    assert.equal(err.code, "INVALID_OPTION");
  });
});

describe("functions and error codes", () => {
  // Exported by the wasm for the package's own use, not part of the typed API.
  const INTERNAL = new Set(["debugMemoryBytes", "PoolSession"]);
  // Declared for another entry point (hcp-segments/worker).
  const OTHER_ENTRY = new Set(["createSegmenter"]);

  test("the Node entry exports exactly the declared functions", () => {
    const runtime = Object.keys(hs).filter((k) => typeof hs[k] === "function" && !INTERNAL.has(k));
    const declared = decl.functions().filter((n) => !OTHER_ENTRY.has(n));
    const undeclared = runtime.filter((n) => !declared.includes(n)).sort();
    const missing = declared.filter((n) => !runtime.includes(n)).sort();
    assert.deepEqual({ undeclared, missing }, { undeclared: [], missing: [] });
  });

  test("ErrorCode lists every code in src/error.rs, and only those and the JS wrappers'", () => {
    const engine = new Set([...readFileSync(join(ROOT, "src", "error.rs"), "utf8").matchAll(/=> "([A-Z_]+)"/g)].map((m) => m[1]));
    const JS_WRAPPERS = new Set(["NOT_INITIALIZED", "WASM_LOAD_FAILED", "WORKER_LOAD_FAILED", "DISPOSED"]);
    const shape = decl.shape("ErrorCode");
    const declared = new Set(shape.members.map((m) => m.literal));
    const missing = [...engine].filter((c) => !declared.has(c));
    const extra = [...declared].filter((c) => !engine.has(c) && !JS_WRAPPERS.has(c));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
  });
});
