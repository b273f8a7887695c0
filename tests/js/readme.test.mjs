// Every code block in README.md, docs/package.md and the package's own README (js/README.md,
// shipped as the tarball's README.md) runs against the packed tarball, so the docs stay true. A block's runner comes from an HTML comment right before its fence:
//   <!-- snippet: node -->          (default for js) Node, ESM if it imports, else CommonJS
//   <!-- snippet: browser -->       a module script in headless Chromium (import map for the package)
//   <!-- snippet: browser-page -->  an HTML fragment served as a page in headless Chromium
//   <!-- snippet: config -->        syntax-checked only (e.g. vite.config.js)
// sh blocks run when every line is an `npx hcp-segments …` command. Output shown in comments
// (the trailing comment lines of a block, and comment lines right after a console.log) must
// appear in the snippet's output.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";
import { ROOT, freshProject } from "./helpers.mjs";

function blocks(file) {
  const text = readFileSync(join(ROOT, file), "utf8");
  const out = [];
  const re = /(?:<!--\s*snippet:\s*([\w-]+)\s*-->\s*\n)?```(\w+)?\n([\s\S]*?)```/g;
  let m;
  while ((m = re.exec(text))) {
    const line = text.slice(0, m.index).split("\n").length;
    out.push({ file, line, marker: m[1], lang: m[2] || "", code: m[3] });
  }
  return out;
}

function expectedOutput(code) {
  const lines = code.trimEnd().split("\n");
  const expected = [];
  for (let i = lines.length - 1; i >= 0 && /^\s*\/\/ /.test(lines[i]); i--) expected.unshift(lines[i]);
  for (let i = 1; i < lines.length; i++) {
    if (/^\s*\/\/ /.test(lines[i]) && /console\.log\(/.test(lines[i - 1]) && !expected.includes(lines[i])) expected.push(lines[i]);
  }
  return expected.map((l) => l.replace(/^\s*\/\/ /, "").trim()).filter((l) => l !== "…" && l !== "...");
}

const docs = ["README.md", "docs/package.md", "js/README.md"].filter((f) => existsSync(join(ROOT, f)));
const all = docs.flatMap(blocks);
let dir, server, origin, browser;
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
const IMPORT_MAP = `<script type="importmap">{"imports":{"hcp-segments":"/node_modules/hcp-segments/web/index.js","hcp-segments/worker":"/node_modules/hcp-segments/worker/index.js"}}</script>`;

before(async () => {
  dir = freshProject("hcp-readme-");
  server = createServer((req, res) => {
    const p = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^\/+/, "");
    const file = join(dir, p);
    if (!file.startsWith(dir) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function openPage(path, done) {
  browser ??= await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage();
  const errors = [];
  const logs = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => (m.type() === "error" ? errors.push(m.text()) : logs.push(m.text())));
  await page.goto(origin + path);
  await Promise.race([
    page.waitForFunction(done, null, { timeout: 120_000 }),
    new Promise((_, rej) => {
      const t = setInterval(() => errors.length && (clearInterval(t), rej(new Error(errors.join("\n")))), 100);
      page.on("close", () => clearInterval(t));
    }),
  ]);
  await page.close();
  assert.deepEqual(errors, []);
  return logs.join("\n");
}

function checkOutput(code, output) {
  const got = output.split("\n").map((l) => l.trim());
  for (const line of expectedOutput(code)) assert.ok(got.includes(line), `expected output line not printed: ${line}\n--- got:\n${output}`);
}

describe("documentation snippets", () => {
  test("the docs have snippets to run", () => {
    assert.ok(all.some((b) => b.lang === "js"), "no js blocks found in " + docs.join(", "));
  });

  all.forEach((b, i) => {
    const name = `${b.file}:${b.line} (${b.marker || b.lang || "text"})`;
    let kind = b.marker || (b.lang === "js" ? "node" : b.lang === "sh" ? "sh" : "none");
    if (kind === "sh" && !b.code.trim().split("\n").every((c) => /^npx hcp-segments\b/.test(c))) kind = "none";
    if (kind === "none") return; // prose, shell setup, output samples
    test(name, async () => {
      if (kind === "node") {
        const esm = /^\s*import\s/m.test(b.code);
        const fileName = `snippet-${i}.${esm ? "mjs" : "cjs"}`;
        writeFileSync(join(dir, fileName), b.code);
        const r = spawnSync(process.execPath, [fileName], { cwd: dir, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        checkOutput(b.code, r.stdout);
      } else if (kind === "browser") {
        writeFileSync(join(dir, `snippet-${i}.js`), b.code);
        writeFileSync(join(dir, `run-${i}.js`), `import "./snippet-${i}.js";\nwindow.__snippetDone = true;\n`);
        writeFileSync(join(dir, `snippet-${i}.html`), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">${IMPORT_MAP}<script type="module" src="/run-${i}.js"></script>`);
        const logs = await openPage(`/snippet-${i}.html`, () => window.__snippetDone === true);
        checkOutput(b.code, logs);
      } else if (kind === "browser-page") {
        writeFileSync(join(dir, `page-${i}.html`), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><body></body>${b.code}`);
        await openPage(`/page-${i}.html`, () => document.body && document.body.textContent.trim().length > 0);
      } else if (kind === "config") {
        writeFileSync(join(dir, `config-${i}.mjs`), b.code);
        const r = spawnSync(process.execPath, ["--check", `config-${i}.mjs`], { cwd: dir, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
      } else if (kind === "sh") {
        const cmds = b.code.trim().split("\n");
        for (const c of cmds) {
          const r = spawnSync("sh", ["-c", c], { cwd: dir, encoding: "utf8" });
          assert.equal(r.status, 0, `${c}\n${r.stderr}`);
        }
      } else {
        assert.fail(`unknown snippet marker '${kind}'`);
      }
    });
  });
});
