// Node, CommonJS: segment, save the model, assign new HCPs against it.
const { generateSample, segment, assign } = require("hcp-segments");

const csv = generateSample(2000, 7);
const result = segment(csv, { k: 5, seed: 1 });
const savedModel = JSON.stringify(result.model); // store it anywhere: it is plain JSON

const newHcps = generateSample(50, 99);
const { assignments } = assign(savedModel, newHcps);
for (const a of assignments.slice(0, 5)) {
  console.log(`${a.hcpId} -> segment ${a.segment} (${result.segments[a.segment].name}), confidence ${a.confidence.toFixed(2)}`);
}
if (assignments.length !== 50) process.exit(1);
