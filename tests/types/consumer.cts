// The CommonJS side: `require("hcp-segments")` gets the same types (index.d.cts).
import hs = require("hcp-segments");

const csv: string = hs.generateSample(100, 1);
const r: hs.SegmentResult = hs.segment(csv, { k: 3, seed: 1 });
const n: number = r.segments.length;
const p: Promise<void> = hs.init();
void [n, p];

const seen: hs.Inspection = hs.inspect(csv);
const role: hs.ColumnSource = seen.columns[0].source;
const file: string = hs.exportCsv("assignments", r, { dialect: "excel", locale: "fr-FR" });
const list: string = hs.targetList(r, csv, { template: "salesforceCampaignMember" });
const small: boolean = r.segments.some((s) => s.tooSmall);
void [role, file, list, small];

// require("hcp-segments/worker") in Node: createSegmenter on worker threads (worker/index.d.cts).
import worker = require("hcp-segments/worker");
const segmenter: worker.Segmenter = worker.createSegmenter({ workers: 2 });
const pending: Promise<worker.SegmentResult> = segmenter.segment(csv, { k: 3 }, { signal: AbortSignal.timeout(1000) });
void pending;
segmenter.dispose();
