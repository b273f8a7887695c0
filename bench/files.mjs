// Reading files in wasm (Node, one thread): the same HCPs as CSV bytes and as an .xlsx workbook,
// through the package's own readers. Prints, per format and run, the read time (inspect: every
// row read, roles decided), segment()'s time (medians), and each module's wasm memory after them.
//
//   node bench/files.mjs FILE.csv FILE.xlsx [runs]      (after `make wasm`)
//
// The workbook goes through the workbook module (readTable) first, as every entry point does.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const [csvPath, xlsxPath, runsArg] = process.argv.slice(2);
if (!csvPath || !xlsxPath) {
  console.error("usage: node bench/files.mjs FILE.csv FILE.xlsx [runs]");
  process.exit(2);
}
const hs = require("../pkg/node/index.cjs");
const tools = require("../pkg/node/hcp_segments_tools.js");
const workbooks = require("../pkg/node/hcp_segments_workbooks.js");
const seconds = (f) => {
  const t0 = performance.now();
  const value = f();
  return { value, s: (performance.now() - t0) / 1000 };
};
const mb = (bytes) => (bytes / 1048576).toFixed(0);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const runs = Number(runsArg ?? 3);
const rows = [];
for (const [format, path] of [["csv", csvPath], ["xlsx", xlsxPath]]) {
  const bytes = readFileSync(path);
  const read = [], seg = [];
  for (let r = 0; r < runs; r++) {
    const i = seconds(() => hs.inspect(bytes, { previewRows: 1 }));
    read.push(i.s);
    const s = seconds(() => hs.segment(bytes, { k: 6, seed: 42 }));
    seg.push(s.s);
    if (r === 0) console.log(`${format}: ${i.value.rows} rows, ${s.value.report.rowsUsed} HCPs segmented`);
  }
  // wasm memory only grows: after a format's runs it is that format's peak so far.
  const memory = `segmentation ${mb(hs.debugMemoryBytes())}, tools ${mb(tools.debugMemoryBytes())}, workbooks ${mb(workbooks.debugMemoryBytes())}`;
  rows.push({ format, "file MB": (bytes.length / 1e6).toFixed(1), "read s": median(read).toFixed(2), "segment s": median(seg).toFixed(2), "wasm MiB (seg, tools, workbooks)": memory });
}
console.table(rows);
