// Shared by the three-engine tests: results as comparable text, the engine features the package
// needs, and a skip that says why.
import assert from "node:assert/strict";
import { inPage } from "./webdriver.mjs";

/** A result as JSON text, typed arrays as plain arrays (the page does the same). */
export const toText = (r) => JSON.stringify(r, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));

/** Equal text, or a failure that shows where the two first differ (a whole result is ~300 KB). */
export function sameText(actual, expected, what) {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const around = (s) => JSON.stringify(s.slice(Math.max(0, i - 80), i + 80));
  assert.fail(`${what}: differs from Node's answer at character ${i} of ${expected.length}\n  browser: ${around(actual)}\n  node:    ${around(expected)}`);
}

/** What the package needs from an engine, and how its absence shows. */
const NEEDS = {
  simd128: "WebAssembly SIMD (simd128): WebAssembly.validate() of a v128 function is false; the build targets simd128",
  moduleWorker: "module workers: new Worker(url, { type: \"module\" }) does not read the type option; the worker API is a module worker",
};

/** Probe the page's engine for each feature in NEEDS. */
export function probeFeatures(driver) {
  return inPage(driver, () => {
    // (module (func (result v128) v128.const i32x4 0 0 0 0))
    const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, ...new Array(16).fill(0), 11]);
    let moduleWorker = false;
    // The options are read before anything is fetched; the worker is stopped before it loads.
    new Worker("/feature-probe-worker.js", { get type() { moduleWorker = true; return "module"; } }).terminate();
    return { simd128: WebAssembly.validate(simd), moduleWorker };
  });
}

/**
 * Skip test `t` when the engine lacks one of `needs`, printing the engine, its version and what
 * is missing (a skip is never silent). Returns true when skipped.
 */
export function skipUnless(t, session, features, ...needs) {
  const missing = needs.filter((n) => !features[n]);
  if (!missing.length) return false;
  const reason = `${session.label} lacks ${missing.map((n) => NEEDS[n]).join("; and ")}`;
  console.log(`# SKIP ${t.name}: ${reason}`);
  t.skip(reason);
  return true;
}
