// Serve a folder on 127.0.0.1, open PAGE in headless Chromium (Debian's, via playwright-core),
// wait for the page to set window.__hcpResult, and fail unless it says ok.
// Also fails if the page requested anything outside its own origin.
//   node scripts/run-example-page.mjs DIR [PAGE=/index.html]
//   node scripts/run-example-page.mjs http://127.0.0.1:PORT [PAGE=/]   (a running server: vite, next start)
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { chromium } from "playwright-core";

const running = /^https?:\/\//.test(process.argv[2] || "") ? new URL(process.argv[2]).origin : null;
const dir = resolve(running ? "." : process.argv[2] || ".");
const pagePath = process.argv[3] || (running ? "/" : "/index.html");
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css" };

const server = createServer((req, res) => {
  let p = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^\/+/, "");
  let file = join(dir, p);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!file.startsWith(dir) || !existsSync(file)) return res.writeHead(404).end("not found");
  res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
  res.end(readFileSync(file));
});
if (!running) await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = running || `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
let code = 1;
try {
  const page = await browser.newPage();
  const requests = [];
  const errors = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(origin + pagePath);
  await page.waitForFunction(() => window.__hcpResult !== undefined, null, { timeout: 120_000 });
  const result = await page.evaluate(() => window.__hcpResult);
  const foreign = requests.filter((u) => !u.startsWith(origin));
  console.log(JSON.stringify({ result, requests: requests.length, foreign, errors }));
  code = result.ok && foreign.length === 0 ? 0 : 1;
} catch (e) {
  console.error(`run-example-page: ${e.message}`);
} finally {
  await browser.close();
  if (!running) server.close();
}
process.exit(code);
