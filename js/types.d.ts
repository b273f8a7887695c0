// Types shared by every entry point of hcp-segments. Written by hand from the Rust structs (their
// serde camelCase names are what JS sees). Checked by `tsc --noEmit` against tests/types/consumer.ts,
// and against the engine itself by tests/js/types-fields.test.mjs: every field a result has at
// runtime is declared here and every declared field is there; every declared option is accepted.

/**
 * Role a column plays (the `columns` option). `channel:<name>` / `format:<name>` /
 * `category:<name>` also rename it. `inspect(...).roleChoices` lists the choices for a drop-down.
 */
export type ColumnRole =
  | "id" | "channel" | "format" | "category" | "recency" | "frequency" | "consent" | "ignore"
  | `channel:${string}` | `format:${string}` | `category:${string}`;

/** One HCP as a JS record: keys are column names, as in the CSV header. */
export type HcpRecord = Record<string, string | number | boolean | null | undefined>;
/**
 * CSV as text, or a file's bytes (its `ArrayBuffer`, a Node `Buffer`), decoded by the engine: a
 * byte-order mark decides (UTF-8, UTF-16LE/BE); without one, valid UTF-8 is UTF-8 and anything
 * else Windows-1252 (with a warning). `encoding` forces one. Malformed UTF-8/UTF-16 is a
 * `CSV_SYNTAX` error at its line.
 */
export type CsvInput = string | Uint8Array | ArrayBuffer;
/** CSV (text or bytes), or one plain object per HCP. */
export type SegmentInput = CsvInput | HcpRecord[];

/** The encoding a file's bytes were decoded with, as reported (`dialect.encoding`; WHATWG names). */
export type TextEncodingName = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";
/** The `encoding` option: a reported name, or an alias WHATWG maps to one (case-insensitive). */
export type EncodingOption = TextEncodingName | "utf8" | "utf-16" | "cp1252" | "latin1" | "iso-8859-1";

/** Total weight of each block in the distance. 0 switches a block off (0 to 1000). */
export interface BlockWeights {
  /** Channel mix (shares of the HCP's own channel total). Default 1. */
  channelMix?: number;
  /** Format mix (shares of the HCP's own format total). Default 1. */
  formatMix?: number;
  /** Intensity: log1p of total engagements (channels and formats). Default 1. */
  intensity?: number;
  /** Recency and frequency (days_since_last, active_weeks), when present. Default 0.5. */
  recency?: number;
  /** Category column → weight of its one-hot block. Categories not named only profile segments. Default none. */
  categories?: Record<string, number>;
}

export interface SegmentOptions {
  /** Number of segments, or "auto" to sweep kRange and pick by the stated rule. Default "auto". */
  k?: number | "auto";
  /** [min, max] k for "auto". Default [3, 8]. */
  kRange?: [number, number];
  /** Seed for k-means++ and sampling; same seed → same segments. Default 42. */
  seed?: number;
  /** k-means++ restarts; the best (lowest inertia) is kept. Default 10. */
  nRuns?: number;
  /** Maximum Lloyd iterations per restart. Default 300. */
  maxIterations?: number;
  /** Stop when the centroids' squared shift, summed, is at most this × the data's mean column variance (scikit-learn's `tol`). Default 1e-4. */
  tolerance?: number;
  /** k-means implementation: "fast" (Hamerly-accelerated Lloyd, default) or "linfa" (linfa-clustering, the reference). */
  engine?: KMeansEngine;
  /** Column name → role, overriding the ch_/fmt_/hcp_id conventions and the header synonyms. */
  columns?: Record<string, ColumnRole>;
  /** Feature block weights. */
  weights?: BlockWeights;
  /** hcp_ids to leave out before clustering (objections to profiling, GDPR Art. 21). */
  exclude?: string[];
  /** Cap counts at this quantile of each column before anything else. Default 0.99; null = no cap. */
  capQuantile?: number | null;
  /** Silhouette is computed on at most this many rows (seeded sample). Default 3000. */
  silhouetteSample?: number;
  /**
   * k: "auto" on many rows: when there are more than twice this many rows, the k sweep (every
   * k of kRange × nRuns restarts, scored) runs on a seeded random sample of this many rows, then
   * the chosen k's best (up to 3 distinct) solutions on the sample are refined by Lloyd on every
   * row, the lowest inertia kept (`kSweep.refinedStarts`). A whole number ≥ 1000, or "all"
   * to sweep on every row. Default 100000.
   */
  sweepSample?: number | "all";
  /** Breakdown cells with fewer HCPs are flagged `suppressed`. Default 10. */
  minCellSize?: number;
  /**
   * Fewest HCPs a segment may have. Default: `minCellSize`. `k: "auto"` rules out a k that leaves
   * a smaller segment (`kSweep.rows[].ruledOut`); with a fixed k such a segment is flagged
   * `tooSmall` and warned about in `report.warnings`.
   */
  minSegmentSize?: number;
  /** Workbooks (.xlsx, .xls, .ods): the sheet to read, by name or 0-based index. Default: the first visible sheet with a value. */
  sheet?: string | number;
  /** Force CSV delimiter (",", ";", "\t"); detected by default. */
  delimiter?: string;
  /** Force decimal comma on/off; detected by default. */
  decimalComma?: boolean;
  /** Force the encoding of a file given as bytes; detected when absent (text given as a string is already decoded). */
  encoding?: EncodingOption;
  /** "fail" (default): the first bad cell stops the run. "skip": rows with a bad cell are skipped and listed in report.skipped. */
  onError?: OnError;
  /** Replace every hcp_id in every output with a salted SHA-256 pseudonym (hex, 16 chars). */
  pseudonymize?: Pseudonymize;
  /** Channel (with or without `ch_`) → the name shown for it (persona names, cards, the plan), 1 to 60 characters; others are named by the channel catalog. */
  displayNames?: Record<string, string>;
}

/** "fast": our Hamerly-accelerated Lloyd (default); "linfa": linfa-clustering's KMeans (the reference). Same seeds, same k-means++ draws. */
export type KMeansEngine = "fast" | "linfa";

export interface KMeansOptions {
  k: number;
  /** k-means++ restarts; the one with the lowest final inertia wins. Default 10. */
  nRuns?: number;
  /** Default 300. */
  maxIterations?: number;
  /** Stop when the centroids' squared shift, summed, is at most this × the data's mean column variance (scikit-learn's `tol`). Default 1e-4. */
  tolerance?: number;
  /** Default 42. */
  seed?: number;
  engine?: KMeansEngine;
}

export interface KMeansResult {
  /** Segment index per row. */
  labels: Uint32Array;
  /** Row-major k × nCols. */
  centroids: Float64Array;
  /** Sum of squared distances to the nearest final centroid (scikit-learn's definition). */
  inertia: number;
  /** Iterations of the best restart. */
  iterations: number;
  /** Whether the best restart stopped by tolerance rather than maxIterations. */
  converged: boolean;
}

/** What happened to each column. */
export interface ColumnUse {
  name: string;
  /** id | channel | format | category | recency | frequency | consent | ignore */
  role: ColumnKind;
  /** How the role was decided: by the name's convention, a header synonym in a market's language (`Fachrichtung`), or the `columns` mapping. */
  source: ColumnSource;
}
/** A column's role as reported. */
export type ColumnKind = "id" | "channel" | "format" | "category" | "recency" | "frequency" | "consent" | "ignore";
export type ColumnSource = "convention" | "synonym" | "mapping";

/** How the input was read. */
export interface Dialect {
  /** "csv" (text or a file's bytes), "records", or the workbook format the rows came from. */
  source: "csv" | "records" | "events" | "xlsx" | "xlsb" | "xls" | "ods";
  delimiter: string | null;
  decimalComma: boolean;
  hadBom: boolean;
  /** The encoding the engine decoded the file's bytes with; null when it was given text (a string) or records. */
  encoding: TextEncodingName | null;
  /** Workbooks: the sheet read. */
  sheet?: string;
  /** Workbooks: every sheet, in workbook order. */
  sheets?: string[];
}

/** The parse report handed back with every result. */
export interface ParseReport {
  /** Data rows in the input (blank lines not counted). Always rowsRead = rowsUsed + rowsExcluded + rowsSkipped. */
  rowsRead: number;
  rowsExcluded: number;
  rowsUsed: number;
  /** ids on the exclusion list that were not in the input (count only: no ids echoed). */
  exclusionsNotFound: number;
  columns: ColumnUse[];
  channels: string[];
  formats: string[];
  categories: string[];
  ignored: string[];
  dialect: Dialect;
  /** Caveats about the input and the result (a guessed encoding, small segments, too few HCPs for k …). */
  warnings: string[];
  /** Rows left out by onError: "skip" (0 in the default "fail" mode). */
  rowsSkipped: number;
  /** Rows skipped in onError: "skip" mode (first 1,000, in line order). */
  skipped: SkippedRow[];
}

export type OnError = "fail" | "skip";
/** One row left out in lenient mode. */
export interface SkippedRow {
  line: number;
  /** Header name of the offending cell; null when the row as a whole is wrong. */
  column: string | null;
  code: ErrorCode;
  /** never contains an hcp_id */
  message: string;
  /** Workbooks: the sheet and cell, e.g. "HCPs!D17". */
  cell?: string;
}
export interface Pseudonymize { /** 8–1,024 characters, no NUL; keep it secret: it is what makes the pseudonyms irreversible. */ salt: string }
/** Options of `assign`: the same names and meaning as in `SegmentOptions`. */
export interface AssignOptions {
  exclude?: string[];
  onError?: OnError;
  pseudonymize?: Pseudonymize;
  /** Force the encoding of a file given as bytes; detected when absent. */
  encoding?: EncodingOption;
}

// ---- Inspecting a file before a run ----
/** Options of `inspect`: how to read, as for `segment`, and how many rows to show. */
export interface InspectOptions {
  columns?: Record<string, ColumnRole>;
  delimiter?: string;
  decimalComma?: boolean;
  encoding?: EncodingOption;
  /** Rows in `preview`. Default 5, at most 1000. */
  /** A workbook's sheet: its name or 0-based index (default: the first visible sheet with a value). */
  sheet?: string | number;
  previewRows?: number;
}
/** One column of the header. */
export interface ColumnInfo {
  /** The header as it is in the file. */
  name: string;
  /** id | channel | format | category | recency | frequency | consent | ignore */
  role: ColumnKind;
  /** The name the engine uses for it (`specialty` for `Fachrichtung`, `linkedin` for `ch_LinkedIn`); null when ignored. */
  nameUsed: string | null;
  source: ColumnSource;
  /** Why, in a sentence. */
  reason: string;
  /** The first non-empty value in the column; null when every cell is empty. */
  example: string | null;
}
/**
 * What `inspect` says about a file. A problem a run would refuse but a mapping or a few rows fix
 * (no id column, rows with the wrong number of fields) is a warning here, not an error.
 */
export interface Inspection {
  dialect: Dialect;
  /** Data rows (blank lines not counted; rows with the wrong number of fields counted). */
  rows: number;
  columns: ColumnInfo[];
  /** The first rows, every cell as text, in header order. */
  preview: string[][];
  /** One row per engagement (aggregate it first with `aggregateEvents`) rather than one row per HCP. */
  eventLog: boolean;
  eventLogReason: string;
  /** Every role a column can be given (`columns` option values), for a drop-down. */
  roleChoices: ColumnRole[];
  warnings: string[];
  /** The table's fingerprint: to recognise the same data later (a saved project). */
  fingerprint: Fingerprint;
}

/** SHA-256 of the table as read (header and every cell with its type), whatever the file's encoding. */
export interface Fingerprint { sha256: string; rows: number; columns: number }

/** A segmentation as `matchSegments` reads it; a `SegmentResult` qualifies. */
export interface LabelledRun { segments: { id: number; name?: string | null }[]; assignments: { hcpId: string; segment: number }[] }
export interface MatchOptions {
  /** The least share of a new segment's members that must come from the old segment it is paired with (0–1]. Default 0.5. */
  minOverlap?: number;
}
/** One segment of the new run: the old segment it continues (and its name), or new. */
export interface Continuation {
  id: number;
  previousId: number | null;
  /** The old segment's name when it continues one, else the new run's name. */
  name: string;
  /** HCPs in both this segment and previousId. */
  shared: number;
  shareOfNew: number;
  shareOfPrevious: number;
  isNew: boolean;
}
export interface Continuity { segments: Continuation[]; retired: number[] }

/** A shareable summary: cells under minCellSize have count/share/index null and suppressed: true. */
export interface SummaryOptions { /** Default 10. */ minCellSize?: number }
export interface SummaryLevel { value: string; count: number | null; share: number | null; index: number | null; suppressed: boolean }
export interface SummaryComposition { column: string; levels: SummaryLevel[] }
export interface SummaryReach { consent: string; count: number | null; share: number | null; suppressed: boolean }
export interface SummarySegment {
  id: number;
  /** "Segment N" when the name would draw on a withheld cell. */
  name: string;
  /** Drivers drawing on withheld cells are dropped (all of them for a withheld segment). */
  drivers: string[];
  size: number | null; share: number | null;
  /** The whole segment is below the minimum cell size: only id, name and drivers are shown. */
  suppressed: boolean;
  meanEngagements: number | null; channels: IndexScore[]; formats: IndexScore[];
  composition: SummaryComposition[]; reach: SummaryReach[]; silhouette: number | null;
}
export interface SegmentSummary {
  minCellSize: number;
  /** Cells withheld, primary and secondary (segments + levels + reach cells). */
  suppressedCells: number;
  segments: SummarySegment[];
}

/** One channel's or format's standing in a segment. */
export interface IndexScore {
  /** Channel or format name (without ch_/fmt_). */
  name: string;
  /** The name shown to people (channels: the user's `displayNames` or the catalog's; formats: a label). */
  displayName: string;
  /** Mean engagements per HCP in the segment (original units). */
  mean: number;
  /** Mean engagements per HCP in the whole universe. */
  universeMean: number;
  /** Segment mean ÷ universe mean × 100 (100 = average; null when the universe mean is 0). */
  index: number | null;
  /** Share of the segment's engagements on this channel/format (its mix). */
  share: number;
}

export interface CategoryLevel {
  value: string;
  count: number;
  /** Share of the segment. */
  share: number;
  /** Share in segment ÷ share in universe × 100. */
  index: number | null;
  /** count < minCellSize: hide it when showing or sharing (re-identification). */
  suppressed: boolean;
}

export interface Composition { column: string; levels: CategoryLevel[] }

export interface Reach { consent: string; share: number; count: number }

/** What kind of place a channel is (the channel catalog; channels not in it are "other"). */
export type ChannelKind =
  /** Public networks anyone can join (LinkedIn, X, YouTube …). */
  | "openNetwork"
  /** HCP-only networks with licence or registration checks (Doximity, Sermo …). */
  | "walledGarden"
  /** HCP-only education sites and CME/CPD networks. */
  | "educationPortal"
  /** The brand's own email. */
  | "ownedEmail"
  /** The brand's own events (webinars, virtual booths). */
  | "ownedEvent"
  /** Sales representatives' visits and calls. */
  | "fieldForce"
  /** Not in the catalog. */
  | "other";

/** One kind's share of a segment's channel engagements. */
export interface KindShare {
  kind: ChannelKind;
  share: number;
  /** The segment's channels of this kind, most engaged first. */
  channels: string[];
}

/**
 * Where a segment's engagement happens: open networks (where HCPs build a reputation) versus
 * walled gardens (HCP-only platforms), from the members' mean engagements per channel.
 */
export interface NetworkBalance {
  /** Share of the segment's channel engagements on open networks. */
  open: number;
  /** … on walled gardens and HCP-only education portals. */
  walled: number;
  /** … on owned email and events, the field force and channels not in the catalog. */
  other: number;
  /** open ÷ (open + walled): 1 = only open networks, 0 = only walled gardens; null when the segment uses neither. */
  openShare: number | null;
  /** Share per kind (kinds with engagement only), largest first. */
  kinds: KindShare[];
}

export interface Segment {
  /** Stable id (0-based, ordered by size descending). */
  id: number;
  /** Generated persona name from its top drivers; editable by the host. */
  name: string;
  /** Drivers behind the name, e.g. ["format:congress", "channel:x", "specialty:oncology"]. */
  drivers: string[];
  size: number;
  share: number;
  /** Every channel, ranked by index descending. */
  channels: IndexScore[];
  /** Every format, ranked by index descending. */
  formats: IndexScore[];
  /** Mean total engagements per HCP in the segment. */
  meanEngagements: number;
  composition: Composition[];
  /** Share of members with each consent flag true. */
  reach: Reach[];
  /** Mean silhouette of the members (on the silhouette sample). */
  silhouette: number | null;
  /** Mean distance of members to the centroid (feature space). */
  cohesion: number;
  /** Open networks versus walled gardens, from the members' channel engagements. */
  networkBalance: NetworkBalance;
  /** Fewer HCPs than the minimum segment size (`minSegmentSize`): a handful of people, not a persona. */
  tooSmall: boolean;
}

/** One HCP's place in the segmentation. */
export interface Assignment {
  hcpId: string;
  segment: number;
  /** Euclidean distance to the segment centroid in feature space. */
  distance: number;
  /** (d2 − d1) / d2 with d1, d2 the nearest and second-nearest centroid distances: 0 = on the border, 1 = on the centroid. */
  confidence: number;
}

export interface KSweepRow {
  k: number;
  inertia: number;
  silhouette: number;
  calinskiHarabasz: number;
  daviesBouldin: number;
  /** HCPs per segment, largest first, on the rows the sweep ran on (the sample when sampled). */
  segmentSizes: number[];
  /** Why this k may not be chosen (a segment under the minimum segment size); null when it may. */
  ruledOut: string | null;
}

export interface KSweep {
  rows: KSweepRow[];
  chosenK: number;
  rule: string;
  /** Rows the sweep ran on: every row, or the `sweepSample` rows of a sampled sweep. */
  sampleSize: number;
  /** True when the sweep ran on a sample; the chosen k was then fitted on every row. */
  sampled: boolean;
  /**
   * With a sampled sweep: how many of the chosen k's solutions on the sample (its best distinct
   * restarts, at most 3) were refined by Lloyd iterations on every row to give the result (the
   * lowest inertia on every row kept), instead of fresh restarts on every row. 0 when not sampled.
   */
  refinedStarts: number;
  /** The minimum segment size (HCPs, on every row) a k had to meet to be chosen; 0: none. */
  minSegmentSize: number;
}

export interface Quality {
  k: number;
  inertia: number;
  silhouette: number | null;
  /** Rows the silhouette was measured on (at most `silhouetteSample`). */
  silhouetteSampleSize: number;
  calinskiHarabasz: number | null;
  daviesBouldin: number | null;
  iterations: number;
  converged: boolean;
  nFeatures: number;
  featureNames: string[];
}

/** 2-D PCA projection of the feature matrix, for plotting. */
export interface Projection {
  /** Row-major n × 2. */
  points: Float32Array;
  /** Row-major k × 2. */
  centroids: Float32Array;
  /** Share of variance explained by the two axes. */
  explainedVariance: [number, number];
}

/** The saved model: versioned JSON (see README, "Model format"). Treat as opaque. */
export interface Model {
  format: "hcp-segments-model";
  version: number;
  /** hcp-segments version that wrote it. */
  createdBy: string;
  /** SHA-256 over the model without persona names: a model edited other than by renaming is refused. */
  checksum: string;
  [key: string]: unknown;
}

export interface SegmentResult {
  segments: Segment[];
  assignments: Assignment[];
  quality: Quality;
  /** Present when k was "auto". */
  kSweep: KSweep | null;
  report: ParseReport;
  model: Model;
  projection: Projection;
}

/** Assignments of new HCPs plus the report on reading them. */
export interface AssignResult {
  assignments: Assignment[];
  report: ParseReport;
}

export type ProgressStage = "parse" | "encode" | "sweep" | "cluster" | "profile" | "project";
export interface Progress { stage: ProgressStage; k?: number; run?: number; done: number; total: number }

export type ErrorCode =
  | "EMPTY_INPUT" | "MISSING_ID_COLUMN" | "MISSING_COLUMN" | "MISSING_ID" | "DUPLICATE_ID" | "INVALID_VALUE"
  | "NEGATIVE_COUNT" | "NON_FINITE" | "FIELD_COUNT" | "CSV_SYNTAX" | "DUPLICATE_COLUMN"
  | "UNKNOWN_COLUMN" | "UNKNOWN_ROLE" | "NO_FEATURES" | "INVALID_OPTION" | "TOO_FEW_ROWS"
  | "TOO_FEW_DISTINCT" | "TOO_LARGE" | "INVALID_MODEL" | "MODEL_VERSION" | "MODEL_COLUMN_MISSING"
  | "INVALID_MATRIX" | "CLUSTERING_FAILED"
  /** A damaged or unsupported workbook (a zip or OLE file that holds no workbook, an unreadable sheet). */
  | "INVALID_WORKBOOK"
  /** A password-protected workbook: save it without a password. */
  | "WORKBOOK_ENCRYPTED"
  /** A workbook reached a module without the reader: in a browser, `await initWorkbooks()` first (the entry points then read it). */
  | "WORKBOOK_READER_MISSING"
  /** `engine: "linfa"` reached the segmentation module, which does not carry it: in a browser, `await initTools()` first (the entry points then run it in the tools module). */
  | "ENGINE_MISSING"
  /** Table bytes (`readTable`'s output) that are damaged. */
  | "INVALID_TABLE"
  // Raised by the JS wrappers, not the engine:
  /** A synchronous function was called in a browser before `init()` (or, for the tools, `initTools()`) resolved. */
  | "NOT_INITIALIZED"
  /** The wasm could not be fetched/compiled, or the worker failed to start or crashed. */
  | "WASM_LOAD_FAILED"
  /** The worker script at `workerUrl` could not be fetched, was cross-origin, or is not the package's worker. */
  | "WORKER_LOAD_FAILED"
  /** A worker-backed call after `dispose()`. */
  | "DISPOSED";

/** Every error the engine throws is an Error with these extra fields. */
export interface HcpSegmentsError extends Error {
  code: ErrorCode;
  /** 1-based input line (CSV line; for records, index + 2). */
  line?: number;
  /** Column name. */
  column?: string;
  /** For a workbook, the sheet and cell, e.g. "HCPs!D17" (`line` is then the sheet's row). */
  cell?: string;
}

// ---- Loading the wasm ----
/** What `init` accepts: a URL of the .wasm file, a fetch Response, its bytes, or a compiled module. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;
/**
 * Loads and instantiates the wasm. Browsers (and bundlers): `await init()` once before calling the
 * synchronous functions; without an argument it fetches the .wasm shipped beside the JS
 * (`new URL("hcp_segments_bg.wasm", import.meta.url)`). Idempotent: later calls return the same
 * promise. In Node the wasm is loaded when the module is imported and `init()` resolves at once.
 */
export declare function init(input?: InitInput | Promise<InitInput>): Promise<void>;
/** Synchronous variant for workers or hosts that already hold the bytes or a compiled module. */
export declare function initSync(input: BufferSource | WebAssembly.Module): void;
/**
 * Loads the second wasm module, the tools: `assign`, `inspect`, `segmentSummary`, `matchSegments`,
 * `generateSample`, `exportCsv`, `targetList`, `eventsSql`, `modelSql` and the targeting functions
 * (`aggregateEvents` … `updateModel`).
 * Browsers: `await initTools()` before calling one of them; without an argument it fetches
 * `hcp_segments_tools_bg.wasm` beside the JS. `init()` does not load it, so a page that only
 * segments downloads only the segmentation module. Idempotent. In Node both modules are loaded on
 * import and `initTools()` resolves at once.
 */
export declare function initTools(input?: InitInput | Promise<InitInput>): Promise<void>;
/** Synchronous variant of `initTools`, from the bytes or a compiled module. */
export declare function initToolsSync(input: BufferSource | WebAssembly.Module): void;
/**
 * Browsers: load the third module, the workbook reader (`hcp_segments_workbooks_bg.wasm`, .xlsx,
 * .xls, .ods), from `input` or the file beside the JS. Every function that reads a file then
 * reads workbooks too (the sheet from its options' `sheet`); before it, a workbook is a
 * `WORKBOOK_READER_MISSING` error. The worker API loads it by itself. In Node it is loaded on import.
 */
export declare function initWorkbooks(input?: InitInput | Promise<InitInput>): Promise<void>;
/** Synchronous variant of `initWorkbooks`. */
export declare function initWorkbooksSync(input: BufferSource | WebAssembly.Module): void;
/** A workbook's sheet as the engine's table bytes (what every function reads in its place); `null` when the bytes are not a workbook. Workbook module. */
export declare function readTable(bytes: Uint8Array | ArrayBuffer, options?: { sheet?: string | number }): Uint8Array | null;

// ---- Functions (synchronous; in Node, in workers, or in pages after `init()`) ----
export declare function segment(input: SegmentInput, options?: SegmentOptions, onProgress?: (p: Progress) => void): SegmentResult;
export declare function kmeans(data: Float64Array | Float32Array, nCols: number, options: KMeansOptions): KMeansResult;
export declare function version(): string;
// The tools (in pages after `initTools()`):
export declare function assign(model: Model | string, input: SegmentInput, options?: AssignOptions): AssignResult;
/** What the engine makes of a file before a run: dialect, encoding, rows, every column's role and why, the first rows, whether it is an event log. */
export declare function inspect(input: SegmentInput, options?: InspectOptions): Inspection;
export declare function segmentSummary(result: SegmentResult | Segment[], options?: SummaryOptions): SegmentSummary;
/** Which segment of a new run on the same HCPs continues which old one (members shared, Hungarian matching), so names survive a re-run. */
export declare function matchSegments(previous: LabelledRun, next: LabelledRun, options?: MatchOptions): Continuity;
export declare function generateSample(n: number, seed: number): string;

// ---- Exports: the files a user takes away, written by the engine's one CSV writer ----
/** "plain" (machines: UTF-8, `,`, `.` decimals, `\n`) or "excel" (people: UTF-8 with BOM, CRLF, the locale's separator and decimal mark). */
export type CsvDialect = "plain" | "excel";
/** One output column: from an export column (`from`, matched after normalising), or a constant (`value`). */
export interface TemplateColumn {
  /** A column of the export (`HCP ID` finds `hcp_id`). Give `from` or `value`, not both. */
  from?: string;
  /** The header written. Default: `from`. */
  to?: string;
  /** The same text on every row (a campaign id, a source tag), instead of `from`. */
  value?: string;
  /** Leave the column out, instead of failing, when the export does not have `from`. */
  optional?: boolean;
}
/** Select, order and rename an export's columns (columns not named are left out). */
export interface ColumnTemplate { columns: TemplateColumn[] }
/** Shipped templates: readable names for any CRM ("generic"), Salesforce `CampaignMember` (`ContactId`), Veeva Vault CRM `account__v`. */
export type TemplatePreset = "generic" | "salesforceCampaignMember" | "veevaVaultCrmAccount";
/** How an export is written. */
export interface CsvExportOptions {
  /** Default "plain". */
  dialect?: CsvDialect;
  /** BCP 47 tag; decides Excel's separator and decimal mark. Default "en-US". Not used by the plain dialect. */
  locale?: string;
  /** A column template or a preset's name. */
  template?: ColumnTemplate | TemplatePreset;
  /** `"summary"` only: cells under this many HCPs are withheld. Default 10. */
  minCellSize?: number;
}
/** What each `exportCsv` kind takes: a result of `segment`/`refresh`/`assign`, a result or its segments, or what `testCells`, `lookalikes`, `channelPlan` return. */
export interface ExportValues {
  assignments: { assignments: Assignment[]; segments?: Segment[] };
  summary: { segments: Segment[] } | Segment[];
  testCells: TestCells;
  lookalikes: LookalikeResult;
  plan: ChannelPlan;
}
export type ExportKind = keyof ExportValues;
/** Options of `targetList`: which HCPs and columns, how the file is written, the test cells. */
export interface TargetListOptions {
  dialect?: CsvDialect;
  locale?: string;
  template?: ColumnTemplate | TemplatePreset;
  /** Category columns shown next to the id, those present. Default ["specialty", "country"]. */
  categories?: string[];
  /** Only members of these segments. Default: all. */
  segments?: number[];
  /** Category column → the values kept (e.g. `{ country: ["DE", "AT"] }`). */
  filter?: Record<string, string[]>;
  /** Consent columns that must be true (an empty cell is not consent). */
  requireConsent?: string[];
  /** The salt the assignments were pseudonymised with, if they were: the input's ids are hashed the same way to find each member's row. */
  pseudonymize?: Pseudonymize;
  /** hcp_ids to leave out. */
  exclude?: string[];
  /** A `testCells` result whose cells fill the `cell` column (empty for members outside the test). */
  cells?: TestCells;
  /** "csv" (default): the file's text; "table": `{headers, rows}` with typed values, for a page that shows or filters the list. */
  output?: "csv" | "table";
}
/** One of the exports as CSV text. */
/** Options of `readAssignments` (which columns hold the id and the segment, how to read the file). */
export interface ReadAssignmentsOptions {
  /** Header → "id" | "segment", when the columns are not called hcp_id and segment. */
  columns?: Record<string, "id" | "segment">;
  /** Force the encoding of bytes: "utf-8" | "utf-16le" | "utf-16be" | "windows-1252". */
  encoding?: string;
  /** Force the CSV delimiter. */
  delimiter?: string;
}
/** A file of assignments (an assignments or target-list export, any dialect, encoding or workbook) read by the engine, as `refresh` reads `previous`. Tools module. */
export declare function readAssignments(input: CsvInput, options?: ReadAssignmentsOptions): PreviousAssignment[];
export declare function exportCsv<W extends ExportKind>(what: W, value: ExportValues[W], options?: CsvExportOptions): string;
/** The CSV a person checks before loading a CRM — id, segment and name, confidence, test cell, chosen categories and every consent flag — for the HCPs of `input` (the file the result was made from, read again with the model's columns). */
/** The target list as typed values (`output: "table"`): strings, numbers, booleans, null for an empty cell. */
export interface TargetTable {
  headers: string[];
  rows: Array<Array<string | number | boolean | null>>;
}
export declare function targetList(result: { model: Model | string; assignments: Assignment[]; segments?: Segment[] }, input: SegmentInput, options: TargetListOptions & { output: "table" }): TargetTable;
export declare function targetList(result: { model: Model | string; assignments: Assignment[]; segments?: Segment[] }, input: SegmentInput, options?: TargetListOptions): string;

// ---- Worker-backed async API (`hcp-segments/worker`: module Web Workers; in Node, worker threads) ----
export interface CallOptions {
  onProgress?: (p: Progress) => void;
  /** Aborting terminates the workers (the run stops at once) and rejects with an AbortError. */
  signal?: AbortSignal;
  /**
   * How a result's `assignments` arrive: `"rows"` (default), one object per HCP, rebuilt on the
   * page's thread in slices of ~8 ms; `"columns"`, an {@link AssignmentColumns} (typed arrays,
   * no object per HCP): for a page with a million rows, where building and collecting a million
   * objects costs the main thread pauses over 50 ms.
   */
  assignments?: "rows" | "columns";
}
/**
 * Rows held as columns (call option `assignments: "columns"`): each number field a Float64Array
 * (`segment`, `distance`, `confidence`), each text field a function of the row index
 * (`hcpId(i)`). `row(i)`, iteration and `toJSON()` give the row objects. Any Segmenter call
 * that takes assignments (exportCsv, targetList, refresh, matchSegments) takes these too.
 */
export type AssignmentColumns<Row = Assignment> = {
  readonly length: number;
  row(i: number): Row;
  toJSON(): Row[];
  [Symbol.iterator](): IterableIterator<Row>;
} & { readonly [K in keyof Row as Row[K] extends number ? K : never]: Float64Array } & { readonly [K in keyof Row as Row[K] extends string ? K : never]: (i: number) => string };
/** A result with its `assignments` as {@link AssignmentColumns}. */
export type WithAssignmentColumns<R extends { assignments: object[] }> = Omit<R, "assignments"> & { assignments: AssignmentColumns<R["assignments"][number]> };
/** Call options asking for columns. */
export type ColumnsCall = CallOptions & { assignments: "columns" };
/** What a Segmenter call takes where the synchronous function takes `T`: assignments may be columns. */
type OrColumns<T> = T extends { assignments: Array<infer Row> } ? Omit<T, "assignments"> & { assignments: Row[] | AssignmentColumns<Row> } : T extends Array<infer Row> ? T | AssignmentColumns<Row> : T;
export interface SegmenterOptions {
  /**
   * Where the worker script is: the package's `worker/worker.js`, served with its `web/` folder
   * beside it, from the page's origin (relative URLs are relative to the page). For bundlers that
   * do not rewrite `new URL("./worker.js", import.meta.url)` (esbuild, Rollup without plugins)
   * and static hosts. Default: the package's own worker, found by the bundler. A URL that does
   * not load rejects calls with `WORKER_LOAD_FAILED`. Browsers only.
   */
  workerUrl?: string | URL;
  /** Where the wasm file is (CDN, CSP-restricted hosts). Defaults to the file shipped beside the JS. Browsers only: Node threads read the package's own files. */
  wasmUrl?: string | URL;
  /** Where the tools' wasm file is (`hcp_segments_tools_bg.wasm`); a worker loads it on its first tools call. */
  toolsWasmUrl?: string | URL;
  /** Where the workbook reader's wasm file is (`hcp_segments_workbooks_bg.wasm`); a worker loads it on its first workbook. */
  workbooksWasmUrl?: string | URL;
  /**
   * Workers in the pool (Web Workers; in Node, worker threads), one wasm instance each (1–64).
   * Default: min(navigator.hardwareConcurrency, 4), 1 where that is unknown; in Node,
   * min(os.availableParallelism(), 4). `segment()` spreads its k-means restarts and the `k: "auto"` sweep over
   * them; the result is identical to one worker's, bit for bit, for any count. Other calls use one worker.
   * `1`: one worker, no split. Workers start lazily; an abort terminates all of them.
   */
  workers?: number;
}
export interface Segmenter {
  /** The pool size (workers are started on the first call that needs them). */
  readonly workers: number;
  segment(input: SegmentInput, options: SegmentOptions | undefined, call: ColumnsCall): Promise<WithAssignmentColumns<SegmentResult>>;
  segment(input: SegmentInput, options?: SegmentOptions, call?: CallOptions): Promise<SegmentResult>;
  assign(model: Model | string, input: SegmentInput, options: AssignOptions | undefined, call: ColumnsCall): Promise<WithAssignmentColumns<AssignResult>>;
  assign(model: Model | string, input: SegmentInput, options?: AssignOptions, call?: CallOptions): Promise<AssignResult>;
  inspect(input: SegmentInput, options?: InspectOptions, call?: CallOptions): Promise<Inspection>;
  readAssignments(input: CsvInput, options?: ReadAssignmentsOptions, call?: CallOptions): Promise<PreviousAssignment[]>;
  exportCsv<W extends ExportKind>(what: W, value: OrColumns<ExportValues[W]>, options?: CsvExportOptions, call?: CallOptions): Promise<string>;
  targetList(result: { model: Model | string; assignments: Assignment[] | AssignmentColumns; segments?: Segment[] }, input: SegmentInput, options: TargetListOptions & { output: "table" }, call?: CallOptions): Promise<TargetTable>;
  targetList(result: { model: Model | string; assignments: Assignment[] | AssignmentColumns; segments?: Segment[] }, input: SegmentInput, options?: TargetListOptions, call?: CallOptions): Promise<string>;
  /** The data buffer is transferred to the worker (it becomes detached in the caller). */
  kmeans(data: Float64Array | Float32Array, nCols: number, options: KMeansOptions, call?: CallOptions): Promise<KMeansResult>;
  generateSample(n: number, seed: number): Promise<string>;
  /** The package version; also starts a worker and loads the segmentation module (the tools are loaded by the first tools call). */
  version(): Promise<string>;
  segmentSummary(result: SegmentResult | Segment[], options?: SummaryOptions, call?: CallOptions): Promise<SegmentSummary>;
  matchSegments(previous: OrColumns<LabelledRun>, next: OrColumns<LabelledRun>, options?: MatchOptions, call?: CallOptions): Promise<Continuity>;
  eventsSql(options: EventsSqlOptions, call?: CallOptions): Promise<string>;
  modelSql(model: Model | string, options?: ModelSqlOptions, call?: CallOptions): Promise<string>;
  aggregateEvents(text: CsvInput, options?: EventOptions, call?: CallOptions): Promise<EventAggregate>;
  refresh(model: Model | string, input: SegmentInput, previous: PreviousAssignments | AssignmentColumns<PreviousAssignment> | null | undefined, options: RefreshOptions | undefined, call: ColumnsCall): Promise<WithAssignmentColumns<RefreshResult>>;
  refresh(model: Model | string, input: SegmentInput, previous?: PreviousAssignments | AssignmentColumns<PreviousAssignment> | null, options?: RefreshOptions, call?: CallOptions): Promise<RefreshResult>;
  stability(model: Model | string, input: SegmentInput, options?: StabilityOptions, call?: CallOptions): Promise<StabilityReport>;
  lookalikes(model: Model | string, input: SegmentInput, options: LookalikeOptions, call?: CallOptions): Promise<LookalikeResult>;
  testCells(model: Model | string, input: SegmentInput, options: CellOptions | undefined, call: ColumnsCall): Promise<WithAssignmentColumns<TestCells>>;
  testCells(model: Model | string, input: SegmentInput, options?: CellOptions, call?: CallOptions): Promise<TestCells>;
  channelPlan(segments: Segment[], options: PlanOptions, call?: CallOptions): Promise<ChannelPlan>;
  updateModel(model: Model | string, input: SegmentInput, options?: UpdateOptions, call?: CallOptions): Promise<UpdateResult>;
  /** Terminates the workers (in Node: ends the threads); pending and later calls reject with DISPOSED. */
  dispose(): void;
}
export declare function createSegmenter(options?: SegmenterOptions): Segmenter;

// ---- Targeting: from segments to campaigns ----
// The targeting functions, tools too: the same synchronous rules as `assign` (Node, workers, pages after initTools()).

/** Roles of event-log columns (`columns` maps a column name to one of these). */
export type EventColumnRole = "id" | "timestamp" | "channel" | "format" | "action" | "attribute" | "ignore";
export interface EventOptions {
  /** Column name → role; by default hcp_id/id, timestamp/time/date, channel, format, action/event; specialty, country, region, practice_setting, access_level, funnel_stage, rx_decile and consent_* are carried (latest event's non-empty value wins). */
  columns?: Record<string, EventColumnRole>;
  /** Window start (inclusive): ISO-8601 date/time or unix seconds. Default: unbounded. */
  from?: string;
  /** Window end (exclusive). Default: midnight UTC after the latest event. */
  to?: string;
  /** Only these actions count (normalised names). Default: all but `ignoreActions`. */
  countActions?: string[];
  /** Actions that never count. Default: open, opened, email_open, impression(s), delivered, sent, send, bounce(d). */
  ignoreActions?: string[];
  /** Force the delimiter (",", ";", "\t"); detected from the header by default. */
  delimiter?: string;
  /** hcp_ids whose events are skipped (objections to profiling). */
  exclude?: string[];
  /** Force the encoding of a log given as bytes; detected when absent, as for profile files. */
  encoding?: EncodingOption;
  /** A workbook's sheet holding the log: its name or 0-based index. */
  sheet?: string | number;
}
/** What the aggregation read, counted and skipped. */
export interface EventReport {
  eventsRead: number; eventsCounted: number; eventsOutsideWindow: number; eventsIgnoredAction: number; eventsExcluded: number;
  hcps: number;
  /** The window applied, ISO-8601 UTC (`from` null when unbounded). */
  from: string | null; to: string;
  channels: string[]; formats: string[];
  /** Profile columns carried from the log. */
  carried: string[];
  /** Columns not used (data minimisation). */
  ignored: string[];
  /** HCPs whose days_since_last was capped at 365. */
  recencyCapped: number;
  /** The encoding the log's bytes were decoded with; null when it was given as text. */
  encoding: TextEncodingName | null;
  /** How the log was read, where it was guessed (an encoding). */
  warnings: string[];
}
/** `csv`: one row per HCP (ch_*, fmt_*, days_since_last, active_weeks = distinct ISO weeks active among the 12 before `to`, carried columns); feed it to `segment`. */
export interface EventAggregate { csv: string; report: EventReport }

export interface RefreshOptions {
  /** k of the new period: a number or "auto". Default: the model's k (then every segment keeps its id). */
  k?: number | "auto";
  /** k-means++ restarts. Default: the model's. More restarts make a local optimum (a merge plus a split in the migration matrix) less likely. */
  nRuns?: number;
  /** Pairs further apart (old feature space, Euclidean) are not matched. Default: none. */
  maxMatchDistance?: number;
  /** One extra Lloyd run started from the old segments (carried into the new feature space) next to the k-means++ restarts; the lowest inertia wins. Only with the model's k. Default true. */
  warmStart?: boolean;
  exclude?: string[];
  delimiter?: string;
  decimalComma?: boolean;
  /** Force the encoding of a file given as bytes; detected when absent. */
  encoding?: EncodingOption;
}
/** One HCP's segment in the previous period (other fields, such as an `Assignment`'s `distance`, are allowed and ignored). */
export interface PreviousAssignment { hcpId: string; segment: number }
/**
 * The previous period's assignments: the `assignments` of the earlier result, or a file (CSV text or
 * bytes) with `hcp_id` and `segment` columns — an assignments or target-list export — read by the
 * engine's reader.
 */
export type PreviousAssignments = PreviousAssignment[] | CsvInput;
export interface SegmentMatch {
  /** Id in the refreshed model. */
  id: number; name: string;
  /** The old segment it continues (Hungarian matching on centroid distance); null = new segment. */
  previousId: number | null;
  /** Distance between the old centroid and the new members' mean (old feature space). */
  distance: number | null;
  size: number;
}
export interface RefreshReport {
  /** One per new segment, by id. */
  matches: SegmentMatch[];
  /** Old ids with no successor. */
  retired: number[];
  /** migration[oldId][newId]: HCPs present in both periods. */
  migration: number[][];
  /** HCPs in both periods. */
  continuing: number;
  /** Of those, HCPs whose new segment does not continue their old one. */
  moved: number;
  newHcps: number; lapsedHcps: number;
  newHcpIds: string[]; lapsedHcpIds: string[];
  /** Whether the segmentation came from the warm start (lower inertia than every restart). */
  warmStart: boolean;
}
export interface RefreshResult extends SegmentResult { refresh: RefreshReport }

export interface StabilityOptions {
  /** Bootstrap resamples. Default 20. Cost ∝ resamples × nRuns × sampleSize × k × features. */
  resamples?: number;
  /** Rows per resample. Default min(n, 20000). */
  sampleSize?: number;
  /** k-means++ restarts per resample. Default 10, as `segment`'s `nRuns`: fewer restarts judge the optimiser's misses as instability. */
  nRuns?: number;
  /** Default: the model's seed. */
  seed?: number;
  exclude?: string[];
  /** A segment with fewer rows is `tooSmall`, never `stable`. Default 10 (the segmentation's default `minSegmentSize`). */
  minSegmentSize?: number;
}
/**
 * First match wins: tooSmall (fewer rows than minSegmentSize); stable (mean Jaccard ≥ 0.75 and
 * p10 ≥ 0.6); unreliable (mean < 0.6, or p10 < 0.4, or no resample had the segment's rows); fuzzy.
 */
export type StabilityVerdict = "stable" | "fuzzy" | "unreliable" | "tooSmall";
export interface SegmentStability {
  id: number; meanJaccard: number; minJaccard: number;
  /** 10th percentile of the Jaccards over the resamples in which the segment had members. */
  p10Jaccard: number;
  /** Rows of the reference segment. */
  size: number;
  verdict: StabilityVerdict;
  /** Resamples in which the segment had members. */
  resamples: number;
}
export interface StabilityReport {
  segments: SegmentStability[]; resamples: number; sampleSize: number;
  /** Resamples whose k-means failed (e.g. fewer distinct rows than k); not counted. */
  failedResamples: number;
}

export interface LookalikeOptions {
  /** Segment id to score against (required). */
  segment: number;
  /** Keep at most this many (best first). Default: all. */
  top?: number;
  /** Drop candidates scoring below this. Default 0. */
  minScore?: number;
  /** Drop candidates covering less of the model's feature weight. Default 0: every candidate sharing a feature with the model is ranked (a partial profile ranks on what it has). */
  minCoverage?: number;
  /** Ids to leave out (e.g. the modelled universe, objections to profiling). */
  exclude?: string[];
  /** Drivers per candidate. Default 3. */
  drivers?: number;
}
export interface LookalikeDriver { feature: string; contribution: number }
export interface Lookalike {
  hcpId: string; rank: number;
  /** exp(−d²/W) in (0, 1]; missing columns are unknown, not zero (distance over known features, rescaled). */
  score: number;
  /** Estimated full-feature distance to the segment centroid. */
  distance: number;
  /** Share of the model's feature weight the candidate's columns cover (0–1). */
  coverage: number;
  /** The segment the candidate is nearest to (same estimate). */
  nearestSegment: number;
  drivers: LookalikeDriver[];
}
export interface LookalikeResult {
  segment: number; segmentName: string; candidates: number;
  /** Below `minCoverage` (too little known to score). */
  unscored: number;
  lookalikes: Lookalike[];
  /** Model features no candidate column covers. */
  missingFeatures: string[];
  /** Model features the ranking used: known for at least one candidate (the rest are in `missingFeatures`). */
  usedFeatures: string[];
  /** The target segment's share of its own channel mix on the channels the candidates have (1 with every channel; null when the model has no channel mix): how much of what defines the segment the ranking can see. */
  sharedChannelShare: number | null;
  /** What limits the ranking: the segment's main channels missing from the file (the shared channels carry under half of its mix), or why no candidate is listed. */
  warnings: string[];
  /** Target list: rank,hcp_id,score,coverage,nearest_segment,drivers. */
  csv: string;
}

export interface CellOptions {
  /** Cells: names (equal weights) or { name, weight }. Default ["A", "B"]. */
  arms?: (string | { name: string; weight: number })[];
  /** Share held out (no contact), in [0, 1). Default 0.1; 0 = no holdout cell. */
  holdout?: number;
  /** Default 42. */
  seed?: number;
  /** Category columns to stratify by (those present). Default ["specialty", "country"]. */
  strata?: string[];
  /** Only members of these segments. Default: all. */
  segments?: number[];
  /** Only these hcp_ids. Default: all. */
  ids?: string[];
  exclude?: string[];
}
export interface CellAssignment {
  hcpId: string; segment: number; cell: string;
  /** Stratum values joined with `|`, in `strata` order. */
  stratum: string;
}
export interface CellCount { cell: string; share: number; count: number }
export interface TestCells {
  assignments: CellAssignment[];
  cells: CellCount[];
  /** Stratum (`<segment>|<values of stratifiedBy>`, or `<segment>`) → count per cell (cells order); each within ±1 of its quota. */
  strata: Record<string, number[]>;
  /** Stratification columns used (those of `strata` present in the input). */
  stratifiedBy: string[];
  /** Target list: hcp_id,segment,cell,<strata>. */
  csv: string;
}

/**
 * Options of `channelPlan`. Budget weight of segment × channel: mean engagements per HCP ×
 * reachable HCPs × clamp(index/100, 0.8, 1.25) × segment and channel weights × posterior ÷
 * expected engagement rate (1 without results); see `ChannelPlan.formula` and docs/plan.md.
 */
export interface PlanOptions {
  /** Total budget in currency units, split in whole minor units that add up exactly. */
  budget: number;
  /** ISO 4217 code (three letters, any case). Default "EUR". */
  currency?: string;
  /** Segment id (as text) → weight. Default 1 each. */
  segmentWeights?: Record<string, number>;
  /** Channel name → weight. Default 1 each; 0 switches a channel off. */
  channelWeights?: Record<string, number>;
  /** Channels below this index get no budget (unless forced). Default 0. */
  minIndex?: number;
  /** Channels under this share of a segment's channel engagements get no budget in it (unless forced). Default 0.02. */
  minMixShare?: number;
  /** Channels funded in every segment whatever their share or index (e.g. to test them). */
  forceChannels?: string[];
  /** Channel → consent column gating it (null: none). Default: email → consent_email, rep → none, others → consent_tracking. */
  consentRules?: Record<string, string | null>;
  /** Campaign results: `segment` (id or persona name), `channel`, `impressions`, `engagements`; CSV text, a file's bytes or records, read by the engine's reader. */
  results?: SegmentInput | null;
  /** Prior strength κ in impressions (Beta–Binomial beliefs per segment × channel). Default 1000. */
  priorImpressions?: number;
  /** With results: the least share of the budget that stays with untested cells. Default 0.1. */
  explorationShare?: number;
  /** Channel → the name shown for it. */
  displayNames?: Record<string, string>;
}
export interface ChannelPriority {
  channel: string; displayName: string; kind: ChannelKind;
  index: number;
  /** The index's base: mean engagements per HCP of the segment on this channel … */
  mean: number;
  /** … its share of the segment's channel engagements … */
  mixShare: number;
  /** … and the HCPs behind it (the segment's size). */
  hcps: number;
  /** Consent column gating the channel, if any. */
  consent: string | null;
  /** false: the gate's column was not in the data (treated as 100 % reachable). */
  consentKnown: boolean;
  reachableShare: number; reachable: number;
  /** The ranking key: mean engagements per HCP × reachable × clamp(index/100, 0.8, 1.25); 0 when not eligible. */
  priority: number;
  /** Gets budget: at least minMixShare of the mix and minIndex, or forced; channel weight not 0. */
  eligible: boolean;
  /** In `forceChannels`. */
  forced: boolean;
  /** Why an ineligible channel gets nothing. */
  excludedReason: string | null;
}
export interface FormatPriority { format: string; displayName: string; index: number; mean: number; mixShare: number }
export interface SegmentPlan {
  id: number; name: string; size: number;
  channels: ChannelPriority[];
  formats: FormatPriority[];
  /** In minor units of the plan's currency. */
  budgetCents: number;
  networkBalance: NetworkBalance;
}
export type AllocationStatus = "tested" | "untested";
export interface Allocation {
  segment: number; channel: string; displayName: string; kind: ChannelKind;
  /** "tested" (results for this cell) or "untested". */
  status: AllocationStatus;
  forced: boolean;
  /** The base, as on the channel row. */
  mean: number; mixShare: number; index: number; hcps: number; reachable: number;
  /** Final weight (see `ChannelPlan.formula`). */
  weight: number;
  /** Posterior ÷ expected engagement rate (1 without results). */
  multiplier: number;
  /** μ, the cell's own expected engagements per impression (results loaded only). */
  expectedRate: number | null;
  /** p̂, the posterior mean (results loaded only). */
  posteriorRate: number | null;
  posteriorSd: number | null;
  /** Observed engagement rate in the loaded results, if any. */
  observedRate: number | null;
  impressions: number | null; engagements: number | null;
  /** Why this amount: base, raised, lowered, held, untested — in a sentence. */
  reason: string;
  /** In minor units of the plan's currency (cents for EUR, yen for JPY). */
  cents: number;
  /** In currency units. */
  amount: number;
  share: number;
}
export interface ChannelPlan {
  segments: SegmentPlan[];
  /** Every segment × channel with weight > 0, in segment then priority order. */
  allocations: Allocation[];
  /** The budget in minor units. */
  budgetCents: number;
  currency: string;
  /** Decimals of the currency's minor unit (2 for EUR, 0 for JPY). */
  minorUnits: number;
  /** Pooled engagement rate of the matched results (for reference only: cells are judged against their own expectation). */
  meanRate: number | null;
  /** λ, fitted to the results. */
  rateScale: number | null;
  minMixShare: number; explorationShare: number; priorImpressions: number;
  /** Share of the budget on untested cells. */
  untestedShare: number;
  /** Result rows whose segment or channel is not in the plan (count). */
  unmatchedResults: number;
  /** The weight rule in one line. */
  formula: string;
}

export interface UpdateOptions {
  /** Rows per mini-batch. Default 1024. */
  batchSize?: number;
  /** Default: the model's seed. */
  seed?: number;
  /** Saved segment sizes count this much as prior weight. Default 1. */
  priorWeight?: number;
  /** Refresh due above this relative centroid shift. Default 0.2. */
  maxDrift?: number;
  /** … or above this share of new rows changing segment. Default 0.05. */
  maxReassigned?: number;
  /** … or when new rows exceed this share of the universe. Default 0.5. */
  maxNewShare?: number;
  exclude?: string[];
}
export interface SegmentDrift {
  id: number; name: string;
  /** New rows folded into this segment. */
  added: number;
  shift: number; relativeShift: number;
}
export interface UpdateResult {
  model: Model; drift: SegmentDrift[]; rows: number;
  reassigned: number; reassignedShare: number;
  /** rows ÷ the model's universe size before the update. */
  newShare: number;
  refreshDue: boolean; reasons: string[];
}

export declare function aggregateEvents(text: CsvInput, options?: EventOptions): EventAggregate;

/** A SQL engine `eventsSql` / `modelSql` write for: DuckDB, Spark SQL (Databricks), or PostgreSQL-style standard SQL. */
export type SqlDialect = "duckdb" | "spark" | "ansi";

/** Options of `eventsSql`: the query's table, columns and window, and the counting rules of `EventOptions`. */
export interface EventsSqlOptions {
  /** Default "duckdb". */
  dialect?: SqlDialect;
  /** The event table, one identifier (quoted as given). Default "events". */
  table?: string;
  /** Column name → "id" | "timestamp" | "channel" | "format" | "action" | "ignore"; unmapped roles use hcp_id, timestamp, channel, format, action. The timestamp column is a TIMESTAMP (UTC) or TIMESTAMPTZ. */
  columns?: Record<string, "id" | "timestamp" | "channel" | "format" | "action" | "ignore">;
  /** Window start (inclusive): ISO-8601 date/time or unix seconds. Default: unbounded. */
  from?: string;
  /** Window end (exclusive). Default: midnight UTC after the table's latest event. */
  to?: string;
  countActions?: string[];
  /** Default: the same list as `aggregateEvents`. */
  ignoreActions?: string[];
  exclude?: string[];
  /** The ch_<name> columns of the result (the query's columns are fixed: `aggregateEvents`'s report lists a log's). */
  channels?: string[];
  /** The fmt_<name> columns. */
  formats?: string[];
  /** Columns carried into the profile (latest non-empty value). */
  carried?: string[];
}

/** Options of `modelSql`. */
export interface ModelSqlOptions {
  /** Default "duckdb". */
  dialect?: SqlDialect;
  /** The profile table (the columns `eventsSql` writes). Default "profiles". */
  table?: string;
  /** Default "hcp_id". */
  idColumn?: string;
}

/** SQL text whose result is the profile table `aggregateEvents` makes, from an event table in a warehouse (docs/warehouse.md). Tools module. */
export declare function eventsSql(options: EventsSqlOptions): string;
/** SQL text that scores a profile table with a saved model: columns id, segment, segment_name, distance, confidence, the segments `assign` gives except at near-ties (docs/warehouse.md). Tools module. */
export declare function modelSql(model: Model | string, options?: ModelSqlOptions): string;
export declare function refresh(model: Model | string, input: SegmentInput, previous?: PreviousAssignments | null, options?: RefreshOptions): RefreshResult;
export declare function stability(model: Model | string, input: SegmentInput, options?: StabilityOptions): StabilityReport;
export declare function lookalikes(model: Model | string, input: SegmentInput, options: LookalikeOptions): LookalikeResult;
export declare function testCells(model: Model | string, input: SegmentInput, options?: CellOptions): TestCells;
export declare function channelPlan(segments: Segment[], options: PlanOptions): ChannelPlan;
export declare function updateModel(model: Model | string, input: SegmentInput, options?: UpdateOptions): UpdateResult;
