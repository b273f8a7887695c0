// Shared setup for the page's end-to-end tests: serve the built page on 127.0.0.1, drive Debian's
// Chromium with playwright-core, record every request and console message.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../www/serve.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
export const DIST = process.env.HCP_E2E_DIST ?? join(ROOT, 'www', 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function start({ width = 1280, height = 800 } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { server, url } = await serve({ dir: DIST, port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const log = { requests: [], console: [], pageErrors: [], cspViolations: [] };
  // Every request from the page and its workers (context-level sees worker fetches too).
  context.on('request', (r) => log.requests.push({ url: r.url(), t: Date.now(), type: r.resourceType() }));
  page.on('console', (m) => log.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  const tmp = mkdtempSync(join(tmpdir(), 'hcp-e2e-'));
  return {
    url, browser, context, page, log, tmp,
    async close() { await browser.close(); await new Promise((r) => server.close(r)); },
    /** Click `selector` and take the file the page hands the browser (its Blob + a[download]). */
    async download(selector, name) {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
      const path = join(tmp, name ?? dl.suggestedFilename());
      await dl.saveAs(path);
      return { text: readFileSync(path, 'utf8'), path, filename: dl.suggestedFilename() };
    },
  };
}

export const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
export const shotFull = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/**
 * Parse a small CSV (the page's exports: quoted fields possible, no embedded newlines expected).
 * A leading byte-order mark (the "For Excel" dialect writes one) is not part of the first field.
 */
export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    const out = [];
    let f = '', q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) { if (c === '"') { if (line[i + 1] === '"') { f += '"'; i++; } else q = false; } else f += c; }
      else if (c === '"') q = true;
      else if (c === ',') { out.push(f); f = ''; }
      else f += c;
    }
    out.push(f);
    rows.push(out);
  }
  return rows;
}
