// The CommonJS side: `require("hcp-segments")` gets the same types (index.d.cts).
import hs = require("hcp-segments");

const csv: string = hs.generateSample(100, 1);
const r: hs.SegmentResult = hs.segment(csv, { k: 3, seed: 1 });
const n: number = r.segments.length;
const p: Promise<void> = hs.init();
void [n, p];
