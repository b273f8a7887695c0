// Types shared by every entry point of hcp-segments. Written by hand, checked by `tsc --noEmit`
// against tests/types/consumer.ts; the Rust side serialises exactly these shapes (camelCase).

/** Role a column plays. `channel:<name>` / `format:<name>` also rename it. */
export type ColumnRole =
  | "id" | "channel" | "format" | "category" | "recency" | "frequency" | "consent" | "ignore"
  | `channel:${string}` | `format:${string}`;

/** One HCP as a JS record: keys are column names, as in the CSV header. */
export type HcpRecord = Record<string, string | number | boolean | null | undefined>;
/** CSV as text, or as UTF-8 bytes (a file's `ArrayBuffer`, a Node `Buffer`); invalid UTF-8 is a `CSV_SYNTAX` error at its line. */
export type CsvInput = string | Uint8Array | ArrayBuffer;
/** CSV (text or bytes), or one plain object per HCP. */
export type SegmentInput = CsvInput | HcpRecord[];

export interface BlockWeights {
  /** Channel mix (shares of the HCP's own channel total). Default 1. */
  channelMix?: number;
  /** Format mix (shares of the HCP's own format total). Default 1. */
  formatMix?: number;
  /** Intensity: log1p of total engagements (channels and formats). Default 1. */
  intensity?: number;
  /** Recency and frequency (days_since_last, active_weeks), when present. Default 0.5. */
  recency?: number;
  /** Category columns added to the distance as one-hot blocks, name → total weight. Default none. */
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
  /** Stop when centroids move less than this (L2). Default 1e-4. */
  tolerance?: number;
  /** k-means implementation: "fast" (Hamerly-accelerated Lloyd, default) or "linfa" (linfa-clustering, the reference). */
  engine?: KMeansEngine;
  /** Column name → role, overriding the ch_/fmt_/hcp_id conventions. */
  columns?: Record<string, ColumnRole>;
  /** Feature block weights. */
  weights?: BlockWeights;
  /** hcp_ids to leave out before clustering (objections to profiling, GDPR Art. 21). */
  exclude?: string[];
  /** Cap counts at this quantile of each column before anything else. Default 0.99; null = no cap. */
  capQuantile?: number | null;
  /** Silhouette is computed on at most this many rows (seeded sample). Default 4000. */
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
  /** Force CSV delimiter (",", ";", "\t"); detected by default. */
  delimiter?: string;
  /** Force decimal comma on/off; detected by default. */
  decimalComma?: boolean;
  /** "fail" (default): the first bad cell stops the run. "skip": rows with a bad cell are skipped and listed in report.skipped. */
  onError?: OnError;
  /** Replace every hcp_id in every output with a salted SHA-256 pseudonym (hex, 16 chars). */
  pseudonymize?: Pseudonymize;
}

/** "fast": our Hamerly-accelerated Lloyd (default); "linfa": linfa-clustering's KMeans (the reference). Same seeds, same k-means++ draws. */
export type KMeansEngine = "fast" | "linfa";

export interface KMeansOptions {
  k: number;
  nRuns?: number;
  maxIterations?: number;
  tolerance?: number;
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

export interface ColumnUse { name: string; role: string; source: "convention" | "mapping" }

export interface ParseReport {
  rowsRead: number;
  rowsExcluded: number;
  rowsUsed: number;
  exclusionsNotFound: number;
  columns: ColumnUse[];
  channels: string[];
  formats: string[];
  categories: string[];
  ignored: string[];
  dialect: { source: "csv" | "records"; delimiter: string | null; decimalComma: boolean; hadBom: boolean };
  warnings: string[];
  /** rowsRead = rowsUsed + rowsExcluded + rowsSkipped, always. */
  rowsSkipped: number;
  /** Rows skipped in onError: "skip" mode (first 1,000, in line order). */
  skipped: SkippedRow[];
}

export type OnError = "fail" | "skip";
export interface SkippedRow { line: number; column: string | null; code: ErrorCode; /** never contains an hcp_id */ message: string }
export interface Pseudonymize { /** 8–1,024 characters, no NUL; keep it secret: it is what makes the pseudonyms irreversible. */ salt: string }
export interface AssignOptions { exclude?: string[]; onError?: OnError; pseudonymize?: Pseudonymize }

/** A shareable summary: cells under minCellSize have count/share/index null and suppressed: true. */
export interface SummaryOptions { /** Default 10. */ minCellSize?: number }
export interface SummaryLevel { value: string; count: number | null; share: number | null; index: number | null; suppressed: boolean }
export interface SummaryComposition { column: string; levels: SummaryLevel[] }
export interface SummaryReach { consent: string; count: number | null; share: number | null; suppressed: boolean }
export interface SummarySegment {
  id: number; name: string; drivers: string[]; size: number | null; share: number | null; suppressed: boolean;
  meanEngagements: number | null; channels: IndexScore[]; formats: IndexScore[];
  composition: SummaryComposition[]; reach: SummaryReach[]; silhouette: number | null;
}
export interface SegmentSummary { minCellSize: number; suppressedCells: number; segments: SummarySegment[] }

export interface IndexScore {
  /** Channel or format name (without ch_/fmt_). */
  name: string;
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
  /** count < minCellSize: hide it when showing or sharing. */
  suppressed: boolean;
}

export interface Composition { column: string; levels: CategoryLevel[] }

export interface Reach { consent: string; share: number; count: number }

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
}

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
}

export interface Quality {
  k: number;
  inertia: number;
  silhouette: number | null;
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

export interface AssignResult {
  assignments: Assignment[];
  report: ParseReport;
}

export type ProgressStage = "parse" | "encode" | "sweep" | "cluster" | "profile" | "project";
export interface Progress { stage: ProgressStage; k?: number; run?: number; done: number; total: number }

export type ErrorCode =
  | "EMPTY_INPUT" | "MISSING_ID_COLUMN" | "MISSING_ID" | "DUPLICATE_ID" | "INVALID_VALUE"
  | "NEGATIVE_COUNT" | "NON_FINITE" | "FIELD_COUNT" | "CSV_SYNTAX" | "DUPLICATE_COLUMN"
  | "UNKNOWN_COLUMN" | "UNKNOWN_ROLE" | "NO_FEATURES" | "INVALID_OPTION" | "TOO_FEW_ROWS"
  | "TOO_FEW_DISTINCT" | "TOO_LARGE" | "INVALID_MODEL" | "MODEL_VERSION" | "MODEL_COLUMN_MISSING"
  | "INVALID_MATRIX" | "CLUSTERING_FAILED"
  // Raised by the JS wrappers, not the engine:
  /** A synchronous function was called in a browser before `init()` (or, for the tools, `initTools()`) resolved. */
  | "NOT_INITIALIZED"
  /** The wasm could not be fetched/compiled, or the worker failed to start or crashed. */
  | "WASM_LOAD_FAILED"
  /** A worker-backed call after `dispose()`. */
  | "DISPOSED";

/** Every error the engine throws is an Error with these extra fields. */
export interface HcpSegmentsError extends Error {
  code: ErrorCode;
  /** 1-based input line (CSV line; for records, index + 2). */
  line?: number;
  /** Column name. */
  column?: string;
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
 * Loads the second wasm module, the tools: `assign`, `segmentSummary`, `generateSample` and the
 * targeting functions (`aggregateEvents` … `updateModel`). Browsers: `await initTools()` before
 * calling one of them; without an argument it fetches `hcp_segments_tools_bg.wasm` beside the JS.
 * `init()` does not load it, so a page that only segments downloads only the segmentation module.
 * Idempotent. In Node both modules are loaded on import and `initTools()` resolves at once.
 */
export declare function initTools(input?: InitInput | Promise<InitInput>): Promise<void>;
/** Synchronous variant of `initTools`, from the bytes or a compiled module. */
export declare function initToolsSync(input: BufferSource | WebAssembly.Module): void;

// ---- Functions (synchronous; in Node, in workers, or in pages after `init()`) ----
export declare function segment(input: SegmentInput, options?: SegmentOptions, onProgress?: (p: Progress) => void): SegmentResult;
export declare function kmeans(data: Float64Array | Float32Array, nCols: number, options: KMeansOptions): KMeansResult;
export declare function version(): string;
// The tools (in pages after `initTools()`):
export declare function assign(model: Model | string, input: SegmentInput, options?: AssignOptions): AssignResult;
export declare function segmentSummary(result: SegmentResult | Segment[], options?: SummaryOptions): SegmentSummary;
export declare function generateSample(n: number, seed: number): string;

// ---- Worker-backed async API (module Web Worker; `hcp-segments/worker`) ----
export interface CallOptions {
  onProgress?: (p: Progress) => void;
  /** Aborting terminates the worker (the run stops at once) and rejects with an AbortError. */
  signal?: AbortSignal;
}
export interface SegmenterOptions {
  /** Where the wasm file is (CDN, CSP-restricted hosts). Defaults to the file shipped beside the JS. */
  wasmUrl?: string | URL;
  /** Where the tools' wasm file is (`hcp_segments_tools_bg.wasm`); a worker loads it on its first tools call. */
  toolsWasmUrl?: string | URL;
  /**
   * Web Workers in the pool, one wasm instance each (1–64). Default: min(navigator.hardwareConcurrency, 4),
   * 1 where that is unknown. `segment()` spreads its k-means restarts and the `k: "auto"` sweep over
   * them; the result is identical to one worker's, bit for bit, for any count. Other calls use one worker.
   * `1`: one worker, no split. Workers start lazily; an abort terminates all of them.
   */
  workers?: number;
}
export interface Segmenter {
  /** The pool size (workers are started on the first call that needs them). */
  readonly workers: number;
  segment(input: SegmentInput, options?: SegmentOptions, call?: CallOptions): Promise<SegmentResult>;
  assign(model: Model | string, input: SegmentInput, call?: CallOptions): Promise<AssignResult>;
  /** The data buffer is transferred to the worker (it becomes detached in the caller). */
  kmeans(data: Float64Array | Float32Array, nCols: number, options: KMeansOptions, call?: CallOptions): Promise<KMeansResult>;
  generateSample(n: number, seed: number): Promise<string>;
  /** The package version; also starts a worker and loads the segmentation module (the tools are loaded by the first tools call). */
  version(): Promise<string>;
  segmentSummary(result: SegmentResult | Segment[], options?: SummaryOptions, call?: CallOptions): Promise<SegmentSummary>;
  aggregateEvents(text: CsvInput, options?: EventOptions, call?: CallOptions): Promise<EventAggregate>;
  refresh(model: Model | string, input: SegmentInput, previous?: PreviousAssignment[] | null, options?: RefreshOptions, call?: CallOptions): Promise<RefreshResult>;
  stability(model: Model | string, input: SegmentInput, options?: StabilityOptions, call?: CallOptions): Promise<StabilityReport>;
  lookalikes(model: Model | string, input: SegmentInput, options: LookalikeOptions, call?: CallOptions): Promise<LookalikeResult>;
  testCells(model: Model | string, input: SegmentInput, options?: CellOptions, call?: CallOptions): Promise<TestCells>;
  channelPlan(segments: Segment[], options: PlanOptions, call?: CallOptions): Promise<ChannelPlan>;
  updateModel(model: Model | string, input: SegmentInput, options?: UpdateOptions, call?: CallOptions): Promise<UpdateResult>;
  /** Terminates the workers; later calls reject. */
  dispose(): void;
}
export declare function createSegmenter(options?: SegmenterOptions): Segmenter;

// ---- Targeting (issue 7): from segments to campaigns ----
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
  /** Only these actions count. Default: all but `ignoreActions`. */
  countActions?: string[];
  /** Actions that never count. Default: open, opened, email_open, impression(s), delivered, sent, send, bounce(d). */
  ignoreActions?: string[];
  delimiter?: string;
  exclude?: string[];
}
export interface EventReport {
  eventsRead: number; eventsCounted: number; eventsOutsideWindow: number; eventsIgnoredAction: number; eventsExcluded: number;
  hcps: number;
  /** The window applied, ISO-8601 UTC. */
  from: string | null; to: string;
  channels: string[]; formats: string[]; carried: string[]; ignored: string[];
  /** HCPs whose days_since_last was capped at 365. */
  recencyCapped: number;
}
/** `csv`: one row per HCP (ch_*, fmt_*, days_since_last, active_weeks = distinct ISO weeks active among the 12 before `to`, carried columns); feed it to `segment`. */
export interface EventAggregate { csv: string; report: EventReport }

export interface RefreshOptions {
  /** k of the new period; default the model's k (then every segment keeps its id). */
  k?: number | "auto";
  /** k-means++ restarts; default the model's. */
  nRuns?: number;
  /** Pairs further apart (old feature space) are not matched. Default: none. */
  maxMatchDistance?: number;
  /** One extra Lloyd run started from the old segments (carried into the new feature space) next to the k-means++ restarts; the lowest inertia wins. Only with the model's k. Default true. */
  warmStart?: boolean;
  exclude?: string[];
  delimiter?: string;
  decimalComma?: boolean;
}
export interface PreviousAssignment { hcpId: string; segment: number }
export interface SegmentMatch {
  id: number; name: string;
  /** The old segment it continues (Hungarian matching on centroid distance); null = new segment. */
  previousId: number | null;
  distance: number | null;
  size: number;
}
export interface RefreshReport {
  matches: SegmentMatch[];
  /** Old ids with no successor. */
  retired: number[];
  /** migration[oldId][newId]: HCPs present in both periods. */
  migration: number[][];
  continuing: number; moved: number;
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
  /** Restarts per resample. Default 3. */
  nRuns?: number;
  seed?: number;
  exclude?: string[];
}
export interface SegmentStability {
  id: number; meanJaccard: number; minJaccard: number;
  /** stable ≥ 0.75, fuzzy 0.6–0.75, unreliable < 0.6 (mean Jaccard). */
  verdict: "stable" | "fuzzy" | "unreliable";
  resamples: number;
}
export interface StabilityReport { segments: SegmentStability[]; resamples: number; sampleSize: number; failedResamples: number }

export interface LookalikeOptions {
  /** Segment id to score against. */
  segment: number;
  top?: number;
  /** Default 0. */
  minScore?: number;
  /** Candidates covering less of the model's feature weight are not scored. Default 0.25. */
  minCoverage?: number;
  exclude?: string[];
  /** Drivers per candidate. Default 3. */
  drivers?: number;
}
export interface LookalikeDriver { feature: string; contribution: number }
export interface Lookalike {
  hcpId: string; rank: number;
  /** exp(−d²/W) in (0, 1]; missing columns are unknown, not zero (distance over known features, rescaled). */
  score: number;
  distance: number;
  /** Share of the model's feature weight the candidate's columns cover. */
  coverage: number;
  nearestSegment: number;
  drivers: LookalikeDriver[];
}
export interface LookalikeResult {
  segment: number; segmentName: string; candidates: number; unscored: number;
  lookalikes: Lookalike[];
  missingFeatures: string[];
  /** Target list: rank,hcp_id,score,coverage,nearest_segment,drivers. */
  csv: string;
}

export interface CellOptions {
  /** Cells: names (equal weights) or { name, weight }. Default ["A", "B"]. */
  arms?: (string | { name: string; weight: number })[];
  /** Share held out, in [0, 1). Default 0.1. */
  holdout?: number;
  seed?: number;
  /** Stratify by these category columns. Default ["specialty", "country"]. */
  strata?: string[];
  /** Only these segments. */
  segments?: number[];
  /** Only these hcp_ids. */
  ids?: string[];
  exclude?: string[];
}
export interface CellAssignment { hcpId: string; segment: number; cell: string; stratum: string }
export interface TestCells {
  assignments: CellAssignment[];
  cells: { cell: string; share: number; count: number }[];
  /** Stratum (`<segment>|<values of stratifiedBy>`, or `<segment>`) → count per cell (cells order); each within ±1 of its quota. */
  strata: Record<string, number[]>;
  stratifiedBy: string[];
  /** Target list: hcp_id,segment,cell,<strata>. */
  csv: string;
}

export interface PlanOptions {
  /** Budget in currency units, split in whole cents that add up exactly. */
  budget: number;
  /** Segment id → weight (default 1). */
  segmentWeights?: Record<string, number>;
  /** Channel → weight (default 1; 0 = off). */
  channelWeights?: Record<string, number>;
  /** Channels below this index get no budget. Default 0. */
  minIndex?: number;
  /** Channel → gating consent column (null = none). Default: email → consent_email, rep → none, others → consent_tracking. */
  consentRules?: Record<string, string | null>;
  /** Campaign results CSV: segment (id or name), channel, impressions, engagements. */
  results?: string;
  /** κ: observed rates are shrunk as (e + κ·mean) / (i + κ). Default 1000. */
  priorImpressions?: number;
}
export interface ChannelPriority {
  channel: string; index: number; consent: string | null; consentKnown: boolean;
  reachableShare: number; reachable: number;
  /** index / 100 × reachable share. */
  priority: number;
}
export interface SegmentPlan {
  id: number; name: string; size: number;
  channels: ChannelPriority[];
  formats: { format: string; index: number }[];
  budgetCents: number;
}
export interface Allocation {
  segment: number; channel: string;
  /** index / 100 × reachable × weights × multiplier. */
  weight: number;
  /** Shrunk observed rate ÷ pooled rate (1 without results). */
  multiplier: number;
  observedRate: number | null; impressions: number | null;
  cents: number; amount: number; share: number;
}
export interface ChannelPlan {
  segments: SegmentPlan[]; allocations: Allocation[]; budgetCents: number;
  meanRate: number | null; unmatchedResults: number;
}

export interface UpdateOptions {
  /** Rows per mini-batch. Default 1024. */
  batchSize?: number;
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
export interface SegmentDrift { id: number; name: string; added: number; shift: number; relativeShift: number }
export interface UpdateResult {
  model: Model; drift: SegmentDrift[]; rows: number;
  reassigned: number; reassignedShare: number; newShare: number;
  refreshDue: boolean; reasons: string[];
}

export declare function aggregateEvents(text: CsvInput, options?: EventOptions): EventAggregate;
export declare function refresh(model: Model | string, input: SegmentInput, previous?: PreviousAssignment[] | null, options?: RefreshOptions): RefreshResult;
export declare function stability(model: Model | string, input: SegmentInput, options?: StabilityOptions): StabilityReport;
export declare function lookalikes(model: Model | string, input: SegmentInput, options: LookalikeOptions): LookalikeResult;
export declare function testCells(model: Model | string, input: SegmentInput, options?: CellOptions): TestCells;
export declare function channelPlan(segments: Segment[], options: PlanOptions): ChannelPlan;
export declare function updateModel(model: Model | string, input: SegmentInput, options?: UpdateOptions): UpdateResult;
