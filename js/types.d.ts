// Types shared by every entry point of hcp-segments. Written by hand, checked by `tsc --noEmit`
// against tests/types/consumer.ts; the Rust side serialises exactly these shapes (camelCase).

/** Role a column plays. `channel:<name>` / `format:<name>` also rename it. */
export type ColumnRole =
  | "id" | "channel" | "format" | "category" | "recency" | "frequency" | "consent" | "ignore"
  | `channel:${string}` | `format:${string}`;

/** One HCP as a JS record: keys are column names, as in the CSV header. */
export type HcpRecord = Record<string, string | number | boolean | null | undefined>;

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
  /** Breakdown cells with fewer HCPs are flagged `suppressed`. Default 10. */
  minCellSize?: number;
  /** Force CSV delimiter (",", ";", "\t"); detected by default. */
  delimiter?: string;
  /** Force decimal comma on/off; detected by default. */
  decimalComma?: boolean;
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
}

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

export interface KSweep { rows: KSweepRow[]; chosenK: number; rule: string }

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
  /** A synchronous function was called in a browser before `init()` resolved. */
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

// ---- Functions (synchronous; in Node, in workers, or in pages after `init()`) ----
export declare function segment(input: string | HcpRecord[], options?: SegmentOptions, onProgress?: (p: Progress) => void): SegmentResult;
export declare function assign(model: Model | string, input: string | HcpRecord[]): AssignResult;
export declare function kmeans(data: Float64Array | Float32Array, nCols: number, options: KMeansOptions): KMeansResult;
export declare function generateSample(n: number, seed: number): string;
export declare function version(): string;

// ---- Worker-backed async API (module Web Worker; `hcp-segments/worker`) ----
export interface CallOptions {
  onProgress?: (p: Progress) => void;
  /** Aborting terminates the worker (the run stops at once) and rejects with an AbortError. */
  signal?: AbortSignal;
}
export interface SegmenterOptions {
  /** Where the wasm file is (CDN, CSP-restricted hosts). Defaults to the file shipped beside the JS. */
  wasmUrl?: string | URL;
}
export interface Segmenter {
  segment(input: string | HcpRecord[], options?: SegmentOptions, call?: CallOptions): Promise<SegmentResult>;
  assign(model: Model | string, input: string | HcpRecord[], call?: CallOptions): Promise<AssignResult>;
  /** The data buffer is transferred to the worker (it becomes detached in the caller). */
  kmeans(data: Float64Array | Float32Array, nCols: number, options: KMeansOptions, call?: CallOptions): Promise<KMeansResult>;
  generateSample(n: number, seed: number): Promise<string>;
  /** Terminates the worker; later calls reject. */
  dispose(): void;
}
export declare function createSegmenter(options?: SegmenterOptions): Segmenter;
