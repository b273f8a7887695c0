// The package used without a bundler, as a page a browser loads: <script type="module"> from a
// static folder (a fresh project with the packed tarball installed) under a strict
// Content-Security-Policy. Shared by the Chromium suite (browser.test.mjs, playwright-core) and
// the three-engine suite (tests/browsers/, W3C WebDriver).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
/** What a locked-down portal sends: no inline script, wasm compiled only by 'wasm-unsafe-eval'. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; style-src 'self'";

/**
 * Write index.html, record.js and app.js into `dir` (which has node_modules/hcp-segments).
 * record.js (a classic script, so it runs before any module) keeps what a WebDriver client cannot
 * read from every engine's logs: CSP violations and uncaught errors, in window.pageProblems.
 * app.js exposes the web build as window.hs and the worker API as window.createSegmenter.
 */
export function writePackagePage(dir) {
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><meta charset="utf-8"><title>hcp-segments</title><script src="/record.js"></script><script type="module" src="/app.js"></script>`,
  );
  writeFileSync(
    join(dir, "record.js"),
    `window.pageProblems = [];
     document.addEventListener("securitypolicyviolation", (e) => window.pageProblems.push("CSP " + e.violatedDirective + " " + e.blockedURI));
     window.addEventListener("error", (e) => window.pageProblems.push("error " + e.message));
     window.addEventListener("unhandledrejection", (e) => window.pageProblems.push("unhandled rejection " + String(e.reason)));`,
  );
  writeFileSync(
    join(dir, "app.js"),
    `import * as hs from "/node_modules/hcp-segments/web/index.js";
     import { createSegmenter } from "/node_modules/hcp-segments/worker/index.js";
     window.hs = hs; window.createSegmenter = createSegmenter; window.appReady = true;`,
  );
}

/**
 * Serve `dir` on 127.0.0.1 with the CSP on every response. /cdn/engine.wasm and /cdn/tools.wasm
 * are second copies of the wasm modules at other URLs (for the wasmUrl options). `served` lists
 * every path asked for, in order (what the server saw, the same in every engine).
 */
export async function servePackageSite(dir) {
  const served = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    served.push(url.pathname);
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, "");
    if (path === "") path = "index.html";
    if (path === "cdn/engine.wasm") path = "node_modules/hcp-segments/web/hcp_segments_bg.wasm";
    if (path === "cdn/tools.wasm") path = "node_modules/hcp-segments/web/hcp_segments_tools_bg.wasm";
    const file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream", "content-security-policy": CSP });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, served, close: () => new Promise((r) => server.close(r)) };
}
