// Compiled with `tsc --noEmit --strict` against the installed tarball (scripts/test-types.sh):
// every export, option and result field of the public API, as a portal's TypeScript would use it.
import {
  aggregateEvents,
  assign,
  channelPlan,
  exportCsv,
  generateSample,
  init,
  initSync,
  initTools,
  initToolsSync,
  inspect,
  kmeans,
  lookalikes,
  refresh,
  segment,
  segmentSummary,
  stability,
  targetList,
  testCells,
  updateModel,
  version,
  type Allocation,
  type AssignResult,
  type Assignment,
  type ChannelKind,
  type ChannelPlan,
  type ChannelPriority,
  type ColumnRole,
  type ColumnTemplate,
  type CsvExportOptions,
  type ErrorCode,
  type EventAggregate,
  type HcpRecord,
  type HcpSegmentsError,
  type InitInput,
  type Inspection,
  type KMeansResult,
  type LookalikeResult,
  type Model,
  type NetworkBalance,
  type PlanOptions,
  type Progress,
  type RefreshResult,
  type SegmentOptions,
  type SegmentResult,
  type SegmentSummary,
  type StabilityReport,
  type StabilityVerdict,
  type TargetListOptions,
  type TestCells,
  type UpdateResult,
} from "hcp-segments";
import { createSegmenter, type AssignmentColumns, type CallOptions, type Segmenter, type SegmenterOptions } from "hcp-segments/worker";

async function main(): Promise<void> {
  await init();
  await init(new URL("https://cdn.example/hcp_segments_bg.wasm"));
  await init(fetch("/hcp_segments_bg.wasm"));
  const input: InitInput = new Uint8Array(8);
  initSync(input as BufferSource);
  await initTools();
  await initTools(new URL("https://cdn.example/hcp_segments_tools_bg.wasm"));
  initToolsSync(input as BufferSource);
  const v: string = version();

  const csv: string = generateSample(5000, 42);
  const roles: Record<string, ColumnRole> = { email_clicks: "channel:email", npi_hash: "id", spec: "category", x: "ignore" };
  const options: SegmentOptions = {
    k: "auto",
    kRange: [3, 8],
    seed: 42,
    nRuns: 10,
    maxIterations: 300,
    tolerance: 1e-4,
    columns: roles,
    weights: { channelMix: 1, formatMix: 1, intensity: 1, recency: 0.5, categories: { specialty: 0.5 } },
    exclude: ["HCP-000017"],
    capQuantile: null,
    silhouetteSample: 4000,
    sweepSample: 100000,
    minCellSize: 10,
    minSegmentSize: 25,
    delimiter: ";",
    decimalComma: true,
    encoding: "windows-1252",
    onError: "skip",
    pseudonymize: { salt: "kept secret by the portal" },
    displayNames: { ch_doximity: "Doximity (US)" },
  };
  const onProgress = (p: Progress): void => {
    const stage: "parse" | "encode" | "sweep" | "cluster" | "profile" | "project" = p.stage;
    const frac: number = p.done / p.total;
    void [stage, frac, p.k, p.run];
  };
  const result: SegmentResult = segment(csv, options, onProgress);
  for (const s of result.segments) {
    const top = s.channels[0];
    const idx: number | null = top.index;
    const share: number = s.formats[0].share;
    const comp = s.composition.map((c) => c.levels.filter((l) => !l.suppressed).map((l) => `${c.column}=${l.value}:${l.index ?? "-"}`));
    const reach: number[] = s.reach.map((r) => r.share);
    const sil: number | null = s.silhouette;
    const shown: string = top.displayName;
    const balance: NetworkBalance = s.networkBalance;
    const openShare: number | null = balance.openShare;
    const kinds: ChannelKind[] = balance.kinds.map((k) => k.kind);
    const tooSmall: boolean = s.tooSmall;
    void [s.id, s.name, s.drivers, s.size, s.share, s.meanEngagements, s.cohesion, idx, share, comp, reach, sil, shown, balance.open, balance.walled, balance.other, openShare, kinds, tooSmall];
  }
  const a: Assignment = result.assignments[0];
  const conf: number = a.confidence;
  const q = result.quality;
  const metrics: (number | null)[] = [q.inertia, q.silhouette, q.calinskiHarabasz, q.daviesBouldin, q.nFeatures];
  const chosen: number | undefined = result.kSweep?.chosenK;
  const sweptOn: [number, boolean, number] | undefined = result.kSweep ? [result.kSweep.sampleSize, result.kSweep.sampled, result.kSweep.refinedStarts] : undefined;
  const allRows: SegmentOptions = { sweepSample: "all" };
  void [sweptOn, allRows];
  const rows = result.kSweep?.rows.map((r) => [r.k, r.inertia, r.silhouette, r.calinskiHarabasz, r.daviesBouldin, r.segmentSizes.length]);
  const ruledOut: (string | null)[] = result.kSweep?.rows.map((r) => r.ruledOut) ?? [];
  const minSize: number | undefined = result.kSweep?.minSegmentSize;
  const sampledOn: number = q.silhouetteSampleSize;
  void [ruledOut, minSize, sampledOn];
  const points: Float32Array = result.projection.points;
  const ev: [number, number] = result.projection.explainedVariance;
  const rep = result.report;
  const dialect: "csv" | "records" | "events" | "xlsx" | "xlsb" | "xls" | "ods" = rep.dialect.source;
  const used: string[] = rep.columns.map((c) => `${c.name}:${c.role}:${c.source}`);
  const synonyms: boolean = rep.columns.some((c) => c.source === "synonym");
  const encoding: "utf-8" | "utf-16le" | "utf-16be" | "windows-1252" | null = rep.dialect.encoding;
  const skipped: (string | null)[] = rep.skipped.map((s) => s.column);
  void [synonyms, encoding, skipped, rep.rowsSkipped];
  void [conf, metrics, chosen, rows, points, ev, dialect, used, rep.ignored, rep.warnings, v];

  const model: Model = result.model;
  const fmt: "hcp-segments-model" = model.format;
  const records: HcpRecord[] = [{ hcp_id: "x1", specialty: "oncology", ch_x: 3, fmt_congress: 2, consent_email: true, rx_decile: null }];
  const again: AssignResult = assign(model, records);
  const fromJson: AssignResult = assign(JSON.stringify(model), csv);
  // CSV as UTF-8 bytes (a file's ArrayBuffer, a Node Buffer is a Uint8Array).
  const bytes: Uint8Array = new TextEncoder().encode(csv);
  const fromBytes: SegmentResult = segment(bytes, { k: 2 });
  assign(model, bytes.buffer as ArrayBuffer);
  void fromBytes.quality.k;
  assign(model, bytes, { encoding: "utf-8", onError: "skip", exclude: ["x1"] });
  void [fmt, again.assignments[0].segment, fromJson.report.rowsUsed];

  const km: KMeansResult = kmeans(new Float64Array([1, 2, 3, 4]), 2, { k: 1, nRuns: 1, maxIterations: 10, tolerance: 0, seed: 1 });
  const labels: Uint32Array = km.labels;
  const centroids: Float64Array = km.centroids;
  const converged: boolean = km.converged;
  kmeans(new Float32Array(4), 2, { k: 1 });
  void [labels, centroids, converged, km.inertia, km.iterations];

  try {
    segment("", {});
  } catch (e) {
    const err = e as HcpSegmentsError;
    const code: ErrorCode = err.code;
    const line: number | undefined = err.line;
    const column: string | undefined = err.column;
    if (code === "EMPTY_INPUT" || code === "MISSING_COLUMN" || code === "NOT_INITIALIZED" || code === "DISPOSED") void [line, column, err.message];
  }

  // worker-backed API
  const so: SegmenterOptions = { wasmUrl: new URL("https://cdn.example/x.wasm") };
  const seg: Segmenter = createSegmenter(so);
  createSegmenter();
  const pool: Segmenter = createSegmenter({ workers: 2, wasmUrl: "/x.wasm", toolsWasmUrl: new URL("https://cdn.example/t.wasm") });
  const pv: Promise<string> = pool.version();
  void pv;
  const poolSize: number = pool.workers;
  void poolSize;
  // a worker served as a static file (esbuild, Rollup, a CDN on the page's origin)
  createSegmenter({ workerUrl: "/static/hcp-segments/worker/worker.js", wasmUrl: new URL("/static/hcp-segments/web/hcp_segments_bg.wasm", "https://portal.example") });
  createSegmenter({ workerUrl: new URL("https://portal.example/worker.js") });
  // @ts-expect-error workerUrl is a string or a URL
  createSegmenter({ workerUrl: 1 });
  const workerFailed: ErrorCode = "WORKER_LOAD_FAILED";
  void workerFailed;
  // @ts-expect-error workers is a number
  createSegmenter({ workers: "2" });
  // @ts-expect-error the pool size is read-only
  pool.workers = 3;
  const ctrl = new AbortController();
  const call: CallOptions = { signal: ctrl.signal, onProgress };
  const r2: SegmentResult = await seg.segment(csv, { k: 6 }, call);
  const r3: AssignResult = await seg.assign(r2.model, csv, { exclude: [] }, { signal: ctrl.signal });
  const r4: KMeansResult = await seg.kmeans(new Float64Array(8), 2, { k: 2 }, call);
  const sample: string = await seg.generateSample(100, 1);
  // A million rows without a million objects: assignments as columns, handed back as they are.
  const big = await seg.segment(csv, { k: "auto" }, { assignments: "columns", onProgress });
  const cols: AssignmentColumns = big.assignments;
  const first: Assignment = cols.row(0);
  const perSegment: Float64Array = cols.segment;
  const id: string = cols.hcpId(0);
  const confident: number = [...cols].filter((a) => a.confidence > 0.5).length;
  // @ts-expect-error columns are not an array
  cols.map((a) => a.hcpId);
  const exported: string = await seg.exportCsv("assignments", big);
  const list: string = await seg.targetList(big, csv, { segments: [0] });
  const moved = await seg.refresh(big.model, csv, big.assignments, { k: 6 }, { assignments: "columns" });
  const movedIds: (i: number) => string = moved.assignments.hcpId;
  // @ts-expect-error "objects" is not a form
  await seg.segment(csv, {}, { assignments: "objects" });
  seg.dispose();
  void [r3, r4, sample, first, perSegment, id, confident, exported, list, movedIds];
}

/** The tools module: inspect before a run, targeting after it, the files a user takes away. */
function tools(csv: string, bytes: Uint8Array, result: SegmentResult): void {
  const seen: Inspection = inspect(bytes, { columns: { Kundennummer: "id", Fach: "category:specialty" }, encoding: "latin1", previewRows: 10 });
  const roleChoices: ColumnRole[] = seen.roleChoices;
  const why: string[] = seen.columns.map((c) => `${c.name} → ${c.nameUsed ?? "ignored"} (${c.role}, ${c.source}): ${c.reason}; e.g. ${c.example ?? "-"}`);
  const firstRow: string[] = seen.preview[0];
  const isLog: boolean = seen.eventLog;
  void [roleChoices, why, firstRow, isLog, seen.eventLogReason, seen.rows, seen.warnings, seen.dialect.encoding];
  inspect([{ hcp_id: "x1", ch_x: 1 }]);

  const events: EventAggregate = aggregateEvents(bytes, { from: "2024-01-01", to: "2024-04-01", encoding: "utf-16le", countActions: ["click"] });
  const logEncoding: string | null = events.report.encoding;
  void [logEncoding, events.report.warnings, events.csv];

  const model: Model = result.model;
  const next: RefreshResult = refresh(model, csv, result.assignments, { k: "auto", warmStart: false, encoding: "utf-8" });
  refresh(model, csv, bytes);
  refresh(model, csv, assignmentsFile(result));
  refresh(model, csv, null, { nRuns: 5 });
  const moved: number = next.refresh.moved;
  const previousId: number | null = next.refresh.matches[0].previousId;
  void [moved, previousId];

  const st: StabilityReport = stability(model, csv, { resamples: 10, nRuns: 10, minSegmentSize: 25 });
  const verdict: StabilityVerdict = st.segments[0].verdict;
  if (verdict === "tooSmall") void [st.segments[0].p10Jaccard, st.segments[0].size];

  const look: LookalikeResult = lookalikes(model, csv, { segment: 0, top: 100, minCoverage: 0, drivers: 3 });
  const seeing: number | null = look.sharedChannelShare;
  void [seeing, look.usedFeatures, look.missingFeatures, look.warnings, look.lookalikes[0]?.coverage];

  const cells: TestCells = testCells(model, csv, { arms: ["A", { name: "B", weight: 2 }], holdout: 0.1, strata: ["specialty"] });
  void cells.cells[0].count;

  const planOptions: PlanOptions = {
    budget: 250000,
    currency: "GBP",
    minMixShare: 0.05,
    forceChannels: ["doctorsnetuk"],
    explorationShare: 0.15,
    consentRules: { rep: null, email: "consent_email" },
    results: [{ segment: "0", channel: "email", impressions: 12000, engagements: 492 }],
    displayNames: { doctorsnetuk: "Doctors.net.uk" },
  };
  const plan: ChannelPlan = channelPlan(result.segments, planOptions);
  channelPlan(result.segments, { budget: 1000, results: bytes });
  const top: ChannelPriority = plan.segments[0].channels[0];
  const base: [number, number, number, boolean, boolean, string | null] = [top.mean, top.mixShare, top.hcps, top.eligible, top.forced, top.excludedReason];
  const alloc: Allocation = plan.allocations[0];
  const status: "tested" | "untested" = alloc.status;
  const rates: (number | null)[] = [alloc.expectedRate, alloc.posteriorRate, alloc.posteriorSd, alloc.observedRate, plan.rateScale];
  void [base, status, rates, alloc.reason, alloc.kind, plan.currency, plan.minorUnits, plan.untestedShare, plan.formula, plan.segments[0].networkBalance];

  const updated: UpdateResult = updateModel(model, csv, { batchSize: 512 });
  void updated.refreshDue;

  const summary: SegmentSummary = segmentSummary(result, { minCellSize: 20 });
  void summary.suppressedCells;

  const excel: CsvExportOptions = { dialect: "excel", locale: "de-DE", template: "generic" };
  const files: string[] = [
    exportCsv("assignments", result, excel),
    exportCsv("assignments", next),
    exportCsv("summary", result.segments, { minCellSize: 20 }),
    exportCsv("testCells", cells),
    exportCsv("lookalikes", look),
    exportCsv("plan", plan, { dialect: "plain" }),
  ];
  const crm: ColumnTemplate = { columns: [{ from: "hcp_id", to: "ContactId" }, { to: "CampaignId", value: "701xx" }, { from: "cell", optional: true }] };
  const listOptions: TargetListOptions = { template: crm, cells, segments: [0, 1], filter: { country: ["DE", "AT"] }, requireConsent: ["consent_email"] };
  const list: string = targetList(result, csv, listOptions);
  targetList(result, bytes);
  void [files, list];
}

function assignmentsFile(result: SegmentResult): string {
  return exportCsv("assignments", result);
}

void main;
void tools;

// @ts-expect-error a plan is not a test-cells export
exportCsv("testCells", channelPlan([], { budget: 1 }));
// @ts-expect-error not an export
exportCsv("everything", []);
// @ts-expect-error the stability verdicts are a closed set
const badVerdict: StabilityVerdict = "wobbly";
void badVerdict;
// @ts-expect-error encodings are named
segment("", { encoding: "ebcdic" });

// @ts-expect-error sweepSample is a number or "all"
segment("", { sweepSample: "none" });
// @ts-expect-error k must be a number or "auto"
segment("", { k: "six" });
// @ts-expect-error kmeans needs options with k
kmeans(new Float64Array(4), 2, {});
// @ts-expect-error unknown error codes are not ErrorCodes
const badCode: ErrorCode = "NOPE";
void badCode;
