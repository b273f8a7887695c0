// Split js/types.d.ts (the one hand-written source of the API types) into self-contained
// declaration files, one per entry point of the package:
//   index.d.ts / index.d.cts  shared types + the synchronous functions + init/initSync/initTools/initToolsSync
//   worker/index.d.ts / .d.cts shared types + createSegmenter
// Self-contained on purpose: a .d.cts must not re-export from an ESM .d.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [src, outDir] = process.argv.slice(2);
const text = readFileSync(src, "utf8");
const lines = text.split("\n");
const isValue = (l) => /^export declare function /.test(l);
const fnName = (l) => l.match(/^export declare function (\w+)/)[1];

const shared = lines.filter((l) => !isValue(l)).join("\n").trimEnd();
const values = lines.filter(isValue);
const WORKER = new Set(["createSegmenter"]);
const mainFns = values.filter((l) => !WORKER.has(fnName(l)));
const workerFns = values.filter((l) => WORKER.has(fnName(l)));

const need = ["segment", "assign", "kmeans", "generateSample", "version", "init", "initSync", "initTools", "initToolsSync"];
for (const n of need) {
  if (mainFns.filter((l) => fnName(l) === n).length !== 1) {
    throw new Error(`${src}: expected exactly one 'export declare function ${n}' on one line`);
  }
}
if (workerFns.length !== 1) throw new Error(`${src}: expected one 'export declare function createSegmenter'`);

const banner = "// Generated from js/types.d.ts by scripts/assemble-types.mjs. Do not edit.\n";
const main = `${banner}${shared}\n\n${mainFns.join("\n")}\n`;
writeFileSync(join(outDir, "index.d.ts"), main);
writeFileSync(join(outDir, "index.d.cts"), main);
const worker = `${banner}${shared}\n\n${workerFns.join("\n")}\n`;
writeFileSync(join(outDir, "worker", "index.d.ts"), worker);
writeFileSync(join(outDir, "worker", "index.d.cts"), worker);
