// Node, ES modules: segment the sample universe and print one line per segment.
import { generateSample, segment, version } from "hcp-segments";

const csv = generateSample(3000, 42); // or: readFileSync("hcps.csv", "utf8")
const result = segment(csv, { k: "auto", seed: 42 });

console.log(`hcp-segments ${version()}: k = ${result.quality.k} (${result.kSweep.rule})`);
for (const s of result.segments) {
  const channels = s.channels.slice(0, 2).map((c) => `${c.name} ${Math.round(c.index)}`).join(", ");
  console.log(`${s.id}  ${s.name}  n=${s.size}  ${channels}`);
}
if (result.segments.length < 3) process.exit(1);
