// The packed tarball as a user gets it: install, require, import, subpaths, contents.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { freshProject, requireFrom, runIn, tarballPath } from "./helpers.mjs";

let dir;
before(() => {
  dir = freshProject();
});

describe("packed tarball", () => {
  test("ships the web, node and worker builds, types, CLI, and nothing else", () => {
    const files = execFileSync("tar", ["-tzf", tarballPath()], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((f) => f.replace(/^package\//, ""))
      .sort();
    for (const f of [
      "package.json",
      "index.d.ts",
      "index.d.cts",
      "cli.js",
      ...["args", "io", "print", "segment", "sample", "events", "stability", "cells", "plan", "lookalikes", "refresh", "update"].map((m) => `cli/${m}.js`),
      "web/index.js",
      "web/hcp_segments.js",
      "web/hcp_segments_bg.wasm",
      "web/hcp_segments_tools.js",
      "web/hcp_segments_tools_bg.wasm",
      "web/hcp_segments_workbooks.js",
      "web/hcp_segments_workbooks_bg.wasm",
      "node/index.cjs",
      "node/index.mjs",
      "node/hcp_segments.js",
      "node/hcp_segments_bg.wasm",
      "node/hcp_segments_tools.js",
      "node/hcp_segments_tools_bg.wasm",
      "node/hcp_segments_workbooks.js",
      "node/hcp_segments_workbooks_bg.wasm",
      "node/package.json",
      "worker/index.js",
      "worker/worker.js",
      "worker/index.d.ts",
      "worker/index.d.cts",
      "worker/node.js",
      "worker/node.cjs",
      "worker/node-thread.js",
      "worker/serve.js",
      "worker/segmenter.js",
    ]) {
      assert.ok(files.includes(f), `missing ${f}`);
    }
    const unexpected = files.filter((f) => !/^(package\.json|README\.md|LICENSE.*|index\.d\.c?ts|cli\.js|(cli|web|node|worker)\/.+)$/.test(f));
    assert.deepEqual(unexpected, []);
  });

  test("package.json: name, version = Cargo.toml, ESM, exports map, bin", () => {
    const pkg = JSON.parse(readFileSync(join(dir, "node_modules/hcp-segments/package.json"), "utf8"));
    const cargoVersion = readFileSync(new URL("../../Cargo.toml", import.meta.url), "utf8").match(/^version\s*=\s*"([^"]+)"/m)[1];
    assert.equal(pkg.name, "hcp-segments");
    assert.equal(pkg.version, cargoVersion);
    assert.equal(pkg.type, "module");
    assert.equal(pkg.bin["hcp-segments"], "./cli.js");
    assert.deepEqual(Object.keys(pkg.exports["."]), ["node", "browser", "default"]);
    assert.ok(pkg.exports["./worker"]);
  });

  test("require('hcp-segments') works in CommonJS", () => {
    const r = runIn(
      dir,
      "probe.cjs",
      `const hs = require("hcp-segments");
       const csv = hs.generateSample(300, 3);
       const res = hs.segment(csv, { k: 4, seed: 1 });
       console.log(JSON.stringify({ keys: Object.keys(hs).sort(), version: hs.version(), k: res.segments.length,
         n: res.assignments.length, init: typeof hs.init }));`,
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    for (const k of ["assign", "channelPlan", "generateSample", "init", "initSync", "initTools", "initToolsSync", "kmeans", "segment", "version"]) assert.ok(out.keys.includes(k), k);
    assert.equal(out.k, 4);
    assert.equal(out.n, 300);
    assert.equal(out.init, "function");
  });

  test("import { segment } from 'hcp-segments' works in ESM, default export too", () => {
    const r = runIn(
      dir,
      "probe.mjs",
      `import { segment, generateSample, version, init } from "hcp-segments";
       import hs from "hcp-segments";
       await init(); // a no-op in Node, so browser code runs unchanged
       const res = segment(generateSample(300, 3), { k: 4, seed: 1 });
       console.log(JSON.stringify({ version: version(), same: hs.segment === segment, k: res.segments.length }));`,
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.k, 4);
    assert.equal(out.same, true);
  });

  test("import and require in one process share one wasm instance", () => {
    const r = runIn(
      dir,
      "probe2.mjs",
      `import { createRequire } from "node:module";
       import { segment } from "hcp-segments";
       const hs = createRequire(import.meta.url)("hcp-segments");
       console.log(hs.segment === segment);`,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "true");
  });

  test("every function js/types.d.ts declares exists in the CommonJS, ESM and web entries", () => {
    const declared = [...readFileSync(new URL("../../js/types.d.ts", import.meta.url), "utf8").matchAll(/^export declare function (\w+)/gm)]
      .map((m) => m[1])
      .filter((n) => n !== "createSegmenter");
    assert.ok(declared.includes("segment") && declared.includes("init"));
    const r = runIn(
      dir,
      "probe-all.mjs",
      `import { createRequire } from "node:module";
       import * as esm from "hcp-segments";
       import * as web from "hcp-segments/web";
       const cjs = createRequire(import.meta.url)("hcp-segments");
       const names = JSON.parse(process.argv[2]);
       const missing = [];
       for (const [where, mod] of [["cjs", cjs], ["esm", esm], ["web", web]])
         for (const n of names) if (typeof mod[n] !== "function") missing.push(where + ":" + n);
       console.log(JSON.stringify(missing));`,
      [JSON.stringify(declared)],
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  test("version() matches package.json", () => {
    const hs = requireFrom(dir);
    const pkg = JSON.parse(readFileSync(join(dir, "node_modules/hcp-segments/package.json"), "utf8"));
    assert.equal(hs.version(), pkg.version);
  });

  test("subpaths resolve: worker, web, package.json, the raw wasm", () => {
    const r = runIn(
      dir,
      "probe3.mjs",
      `import { createSegmenter } from "hcp-segments/worker";
       import * as web from "hcp-segments/web";
       import { createRequire } from "node:module";
       const require = createRequire(import.meta.url);
       console.log(JSON.stringify({
         createSegmenter: typeof createSegmenter,
         webInit: typeof web.init,
         pkg: require("hcp-segments/package.json").name,
         wasm: require.resolve("hcp-segments/hcp_segments_bg.wasm").endsWith("web/hcp_segments_bg.wasm"),
       }));`,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { createSegmenter: "function", webInit: "function", pkg: "hcp-segments", wasm: true });
  });

  test("the web build runs in Node too once init() gets the bytes", () => {
    const r = runIn(
      dir,
      "probe4.mjs",
      `import { readFileSync } from "node:fs";
       import { createRequire } from "node:module";
       import * as web from "hcp-segments/web";
       let err;
       try { web.version(); } catch (e) { err = e; }
       const resolve = createRequire(import.meta.url).resolve;
       await web.init(readFileSync(resolve("hcp-segments/hcp_segments_bg.wasm")));
       await web.init(); // idempotent
       let toolsErr;
       try { web.generateSample(200, 5); } catch (e) { toolsErr = e; }
       await web.initTools(readFileSync(resolve("hcp-segments/hcp_segments_tools_bg.wasm")));
       const res = web.segment(web.generateSample(200, 5), { k: 3, seed: 2 });
       console.log(JSON.stringify({ code: err && err.code, isError: err instanceof Error, toolsCode: toolsErr && toolsErr.code, k: res.segments.length }));`,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { code: "NOT_INITIALIZED", isError: true, toolsCode: "NOT_INITIALIZED", k: 3 });
  });
});
