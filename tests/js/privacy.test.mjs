// Nothing leaves the machine: the package's JavaScript (as installed from the packed tarball)
// uses no network, storage or telemetry API, and a Node run makes no request.
//
// The one allowed exception, precisely: the wasm-bindgen glue for browsers (`web/…` and any copy
// of it for the worker) contains `module_or_path = fetch(module_or_path);`, reached only when
// `init()` is called without bytes, a Response or a compiled Module; the URL it fetches is then
// `new URL('<name>_bg.wasm', import.meta.url)`: the package's own .wasm, next to the glue, from
// wherever the host serves the package. So per glue file: exactly one `fetch(`, in that
// statement, and every `new URL(` names a `_bg.wasm` file relative to `import.meta.url`. Any other
// occurrence of a pattern below, in any file, fails the test.
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { before, describe, test } from "node:test";
import { freshProject, requireFrom, runIn } from "./helpers.mjs";

const FORBIDDEN = [
  ["fetch(", /\bfetch\s*\(/g],
  ["XMLHttpRequest", /XMLHttpRequest/g],
  ["WebSocket", /WebSocket/g],
  ["sendBeacon", /sendBeacon/g],
  ["EventSource", /EventSource/g],
  ["localStorage", /localStorage/g],
  ["sessionStorage", /sessionStorage/g],
  ["indexedDB", /indexedDB/gi],
  ["document.cookie", /document\s*\.\s*cookie/g],
  ["caches", /\bcaches\s*\.\s*open/g],
  ["importScripts(", /importScripts\s*\(/g],
  ["http(s):// URL", /\bhttps?:\/\/[^\s'"`)]*/g],
  ["ws(s):// URL", /\bwss?:\/\/[^\s'"`)]*/g],
  ["navigator.sendBeacon", /navigator\s*\.\s*sendBeacon/g],
  ["dynamic import of a URL", /import\s*\(\s*['"`]https?:/g],
];
/** The glue's fetch of its own wasm, and the URL it builds. */
const GLUE_FETCH = /^\s*module_or_path = fetch\(module_or_path\);\s*$/;
const OWN_WASM_URL = /new URL\(\s*'[A-Za-z0-9_]+_bg\.wasm'\s*,\s*import\.meta\.url\s*\)/g;

let pkgDir;
let jsFiles;
before(() => {
  const dir = freshProject("hcp-privacy-");
  pkgDir = join(dir, "node_modules", "hcp-segments");
  const walk = (d) =>
    readdirSync(d).flatMap((name) => {
      const p = join(d, name);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  jsFiles = walk(pkgDir).filter((p) => /\.(c|m)?js$/.test(p));
});

function scan(file) {
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  const hits = [];
  for (const [name, re] of FORBIDDEN) {
    for (const m of text.matchAll(re)) {
      const line = text.slice(0, m.index).split("\n").length;
      hits.push({ name, line, text: lines[line - 1].trim().slice(0, 160) });
    }
  }
  return { text, hits };
}

describe("no network, storage or telemetry API in the package's JavaScript", () => {
  test("the package has JavaScript to scan", () => {
    assert.ok(jsFiles.length >= 4, `only ${jsFiles.length} JS files in ${pkgDir}`);
    assert.ok(jsFiles.some((f) => /web[\\/]hcp_segments\.js$/.test(f)), "the web glue is in the package");
  });

  test("only the glue's own-wasm fetch, exactly once per glue file", () => {
    const unexpected = [];
    let glueFiles = 0;
    for (const file of jsFiles) {
      const rel = relative(pkgDir, file);
      const { text, hits } = scan(file);
      const fetches = hits.filter((h) => h.name === "fetch(");
      const isGlue = fetches.length > 0 && fetches.every((h) => GLUE_FETCH.test(h.text)) && /wasm-bindgen|__wbg_/.test(text);
      if (isGlue) {
        glueFiles += 1;
        assert.equal(fetches.length, 1, `${rel}: the glue fetches more than once`);
        const urls = [...text.matchAll(/new URL\(/g)].length;
        const own = [...text.matchAll(OWN_WASM_URL)].length;
        assert.equal(urls, own, `${rel}: a \`new URL(\` that is not the package's own _bg.wasm`);
        assert.ok(own >= 1, `${rel}: the glue's fetch has no own-wasm URL`);
      }
      for (const h of hits) {
        if (isGlue && h.name === "fetch(") continue;
        unexpected.push(`${rel}:${h.line}: ${h.name}: ${h.text}`);
      }
    }
    assert.deepEqual(unexpected, [], `network/storage/telemetry API in the package:\n${unexpected.join("\n")}`);
    assert.ok(glueFiles >= 1, "the web glue's fetch was not found: did the wasm-bindgen output change? Re-check the exception.");
  });

  test("the scanner catches what it is meant to catch", () => {
    const samples = [
      "fetch('https://x.example/collect', {method: 'POST'})",
      "navigator.sendBeacon('/t', data)",
      "new XMLHttpRequest()",
      "new WebSocket('wss://x')",
      "localStorage.setItem('k', v)",
      "window.indexedDB.open('db')",
      "document.cookie = 'a=b'",
      "importScripts('https://cdn.example/x.js')",
      "const u = 'http://tracker.example/p.gif'",
    ];
    for (const s of samples) {
      const found = FORBIDDEN.some(([, re]) => new RegExp(re.source, re.flags).test(s));
      assert.ok(found, `not caught: ${s}`);
    }
    assert.ok(GLUE_FETCH.test("        module_or_path = fetch(module_or_path);"));
    assert.ok(!GLUE_FETCH.test("module_or_path = fetch('https://evil.example/' + x);"));
  });

  test("each wasm module imports only from its own glue", () => {
    const wasmFiles = readdirSync(join(pkgDir, "node")).filter((f) => f.endsWith(".wasm")).sort();
    assert.deepEqual(wasmFiles, ["hcp_segments_bg.wasm", "hcp_segments_tools_bg.wasm", "hcp_segments_workbooks_bg.wasm"]);
    for (const file of wasmFiles) {
      const glue = new RegExp(`^(\\./${file.replace(".wasm", "")}\\.js|__wbindgen_placeholder__|wbg|\\./snippets/)`);
      const mod = new WebAssembly.Module(readFileSync(join(pkgDir, "node", file)));
      const modules = new Set(WebAssembly.Module.imports(mod).map((i) => i.module));
      for (const m of modules) assert.match(m, glue, `${file}: unexpected import module ${m}`);
    }
  });
});

describe("a Node run makes no request", () => {
  test("segment, assign and a thrown error with every network API trapped", () => {
    const script = `
      const hits = [];
      const trap = (name) => function () { hits.push(name); throw new Error("network call: " + name); };
      globalThis.fetch = trap("fetch");
      globalThis.XMLHttpRequest = trap("XMLHttpRequest");
      globalThis.WebSocket = trap("WebSocket");
      globalThis.EventSource = trap("EventSource");
      const net = require("node:net"), http = require("node:http"), https = require("node:https"), dgram = require("node:dgram"), dns = require("node:dns");
      net.Socket.prototype.connect = trap("net.connect");
      http.request = trap("http.request"); http.get = trap("http.get");
      https.request = trap("https.request"); https.get = trap("https.get");
      dgram.createSocket = trap("dgram"); dns.lookup = trap("dns.lookup");
      const hs = require("hcp-segments");
      const csv = hs.generateSample(500, 3);
      const r = hs.segment(csv, { k: 4, nRuns: 2 });
      hs.assign(r.model, csv);
      try { hs.segment("hcp_id,ch_x\\na,-1\\n"); } catch (e) { if (e.code !== "NEGATIVE_COUNT") throw e; }
      console.log(JSON.stringify({ hits, n: r.assignments.length }));
    `;
    const dir = join(pkgDir, "..", "..");
    const out = runIn(dir, "no-network.cjs", script);
    assert.equal(out.status, 0, out.stderr);
    const { hits, n } = JSON.parse(out.stdout.trim().split("\n").pop());
    assert.equal(n, 500);
    assert.deepEqual(hits, []);
  });
});

describe("pseudonyms and lenient mode through the package", () => {
  test("pseudonymize.salt: SHA-256(salt + NUL + id), 16 hex, as documented", async () => {
    const { createHash } = await import("node:crypto");
    const hs = requireFrom(join(pkgDir, "..", ".."));
    const csv = hs.generateSample(300, 5);
    const plain = hs.segment(csv, { k: 3, nRuns: 2 });
    const salt = "a long secret salt";
    const hashed = hs.segment(csv, { k: 3, nRuns: 2, pseudonymize: { salt } });
    plain.assignments.forEach((a, i) => {
      const want = createHash("sha256").update(salt + "\0" + a.hcpId).digest("hex").slice(0, 16);
      assert.equal(hashed.assignments[i].hcpId, want);
    });
    // A misspelt option is an error, never silently ignored (raw ids would go out).
    for (const bad of [{ pseudonymise: { salt } }, { pseudonymize: { salt, pepper: 1 } }, { pseudonymize: { sallt: salt } }]) {
      assert.throws(() => hs.segment(csv, { k: 3, ...bad }), (e) => e.code === "INVALID_OPTION", JSON.stringify(bad));
    }
    // undefined-valued keys still count as absent.
    assert.equal(hs.segment(csv, { k: 3, nRuns: 2, pseudonymize: undefined, delimiter: undefined }).assignments[0].hcpId, plain.assignments[0].hcpId);
    const text = JSON.stringify(hashed, (k, v) => (ArrayBuffer.isView(v) ? undefined : v));
    for (const a of plain.assignments.slice(0, 50)) assert.ok(!text.includes(`"${a.hcpId}"`), `raw id ${a.hcpId} in the result`);
  });

  test("onError: skip reports each skipped row and the counts add up", () => {
    const hs = requireFrom(join(pkgDir, "..", ".."));
    const csv = hs.generateSample(200, 2).trimEnd() + "\nbad_1,oops\n";
    assert.throws(() => hs.segment(csv, { k: 3 }), (e) => e.code === "FIELD_COUNT" && e.line === 202);
    const r = hs.segment(csv, { k: 3, nRuns: 2, onError: "skip" });
    const rep = r.report;
    assert.equal(rep.rowsRead, rep.rowsUsed + rep.rowsExcluded + rep.rowsSkipped);
    assert.deepEqual([rep.rowsRead, rep.rowsUsed, rep.rowsSkipped], [201, 200, 1]);
    assert.deepEqual({ line: rep.skipped[0].line, code: rep.skipped[0].code }, { line: 202, code: "FIELD_COUNT" });
  });
});
