// Native vs wasm: the lead's native test (cargo test) writes target/native-labels.json
// ({seed, n, k, labels}) from the sample universe; the packed wasm must give identical labels.
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
    const native = JSON.parse(readFileSync(file, "utf8"));
    for (const key of ["seed", "n", "k", "labels"]) assert.ok(key in native, `native-labels.json lacks ${key}`);
    assert.equal(native.labels.length, native.n);
    const hs = requireFrom(freshProject());
    const result = hs.segment(hs.generateSample(native.n, native.seed), { k: native.k, seed: native.seed });
    const labels = result.assignments.map((a) => a.segment);
    let differ = 0;
    labels.forEach((l, i) => (differ += l !== native.labels[i] ? 1 : 0));
    assert.equal(differ, 0, `${differ} of ${native.n} labels differ between native and wasm`);
  },
);
