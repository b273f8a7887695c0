// sample: the synthetic sample universe (planted personas) as CSV.
import { writeFileSync } from "node:fs";
import { generateSample } from "../node/index.mjs";
import { UsageError, intArg, parseFlags } from "./args.js";

export const name = "sample";
export const usage = "hcp-segments sample --n N --seed S [--out FILE.csv]";
export const summary = "write the synthetic sample universe (planted personas) as CSV";
export const help = `Usage: hcp-segments sample [--n N] [--seed S] [--out FILE.csv]

Write the synthetic sample universe (planted personas) as CSV.

  --n N               number of HCPs (default 5000)
  --seed S            seed (default 42)
  --out FILE          write to FILE instead of stdout`;

export function run(args) {
  const { values, positionals } = parseFlags(args, { n: { type: "string" }, seed: { type: "string" }, out: { type: "string" } });
  if (positionals.length) throw new UsageError(`sample takes no positional arguments (got ${positionals.join(" ")})`);
  const n = values.n === undefined ? 5000 : intArg(values.n, "n", 1);
  const seed = values.seed === undefined ? 42 : intArg(values.seed, "seed");
  const csv = generateSample(n, seed);
  if (values.out) {
    writeFileSync(values.out, csv);
    process.stderr.write(`wrote ${values.out} (${n} HCPs, seed ${seed})\n`);
  } else {
    process.stdout.write(csv);
  }
}
