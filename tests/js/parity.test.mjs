// Native vs wasm: the lead's native test (cargo test) writes target/native-labels.json
// from the sample universe; the packed wasm must give identical labels (and inertia).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { ROOT, freshProject, requireFrom } from "./helpers.mjs";

const candidates = [
  process.env.CARGO_TARGET_DIR && join(resolve(ROOT, process.env.CARGO_TARGET_DIR), "native-labels.json"),
  join(ROOT, "target", "native-labels.json"),
].filter(Boolean);
const file = candidates.find((f) => existsSync(f));

test(
  "native and wasm give identical labels for the same seed",
  { skip: file ? false : `no native-labels.json (looked in ${candidates.join(", ")}): run cargo test first` },
  () => {
    // {sample: {n, seed}, options: {k, seed}, inertia, labels} (or flat {n, seed, k, labels}).
    const native = JSON.parse(readFileSync(file, "utf8"));
    const n = native.sample?.n ?? native.n;
    const sampleSeed = native.sample?.seed ?? native.seed;
    const k = native.options?.k ?? native.k;
    const seed = native.options?.seed ?? native.seed;
    for (const [name, v] of Object.entries({ n, sampleSeed, k, seed })) assert.equal(typeof v, "number", `native-labels.json: no ${name}`);
    assert.equal(native.labels.length, n);
    const hs = requireFrom(freshProject());
    const result = hs.segment(hs.generateSample(n, sampleSeed), { k, seed });
    const labels = result.assignments.map((a) => a.segment);
    let differ = 0;
    labels.forEach((l, i) => (differ += l !== native.labels[i] ? 1 : 0));
    assert.equal(differ, 0, `${differ} of ${n} labels differ between native and wasm`);
    if (typeof native.inertia === "number") {
      assert.ok(Math.abs(result.quality.inertia - native.inertia) <= 1e-9 * Math.abs(native.inertia), `inertia: wasm ${result.quality.inertia}, native ${native.inertia}`);
    }
  },
);
