// Compiled with `tsc --noEmit --strict` against the installed tarball (scripts/test-types.sh):
// every export, option and result field of the public API, as a portal's TypeScript would use it.
import {
  assign,
  generateSample,
  init,
  initSync,
  initTools,
  initToolsSync,
  kmeans,
  segment,
  version,
  type AssignResult,
  type Assignment,
  type ColumnRole,
  type ErrorCode,
  type HcpRecord,
  type HcpSegmentsError,
  type InitInput,
  type KMeansResult,
  type Model,
  type Progress,
  type SegmentOptions,
  type SegmentResult,
} from "hcp-segments";
import { createSegmenter, type CallOptions, type Segmenter, type SegmenterOptions } from "hcp-segments/worker";

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
    delimiter: ";",
    decimalComma: true,
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
    void [s.id, s.name, s.drivers, s.size, s.share, s.meanEngagements, s.cohesion, idx, share, comp, reach, sil];
  }
  const a: Assignment = result.assignments[0];
  const conf: number = a.confidence;
  const q = result.quality;
  const metrics: (number | null)[] = [q.inertia, q.silhouette, q.calinskiHarabasz, q.daviesBouldin, q.nFeatures];
  const chosen: number | undefined = result.kSweep?.chosenK;
  const sweptOn: [number, boolean, number] | undefined = result.kSweep ? [result.kSweep.sampleSize, result.kSweep.sampled, result.kSweep.refinedStarts] : undefined;
  const allRows: SegmentOptions = { sweepSample: "all" };
  void [sweptOn, allRows];
  const rows = result.kSweep?.rows.map((r) => [r.k, r.inertia, r.silhouette, r.calinskiHarabasz, r.daviesBouldin]);
  const points: Float32Array = result.projection.points;
  const ev: [number, number] = result.projection.explainedVariance;
  const rep = result.report;
  const dialect: "csv" | "records" = rep.dialect.source;
  const used: string[] = rep.columns.map((c) => `${c.name}:${c.role}:${c.source}`);
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
    if (code === "EMPTY_INPUT" || code === "NOT_INITIALIZED" || code === "DISPOSED") void [line, column, err.message];
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
  // @ts-expect-error workers is a number
  createSegmenter({ workers: "2" });
  // @ts-expect-error the pool size is read-only
  pool.workers = 3;
  const ctrl = new AbortController();
  const call: CallOptions = { signal: ctrl.signal, onProgress };
  const r2: SegmentResult = await seg.segment(csv, { k: 6 }, call);
  const r3: AssignResult = await seg.assign(r2.model, csv, { signal: ctrl.signal });
  const r4: KMeansResult = await seg.kmeans(new Float64Array(8), 2, { k: 2 }, call);
  const sample: string = await seg.generateSample(100, 1);
  seg.dispose();
  void [r3, r4, sample];
}

void main;

// @ts-expect-error sweepSample is a number or "all"
segment("", { sweepSample: "none" });
// @ts-expect-error k must be a number or "auto"
segment("", { k: "six" });
// @ts-expect-error kmeans needs options with k
kmeans(new Float64Array(4), 2, {});
// @ts-expect-error unknown error codes are not ErrorCodes
const badCode: ErrorCode = "NOPE";
void badCode;
