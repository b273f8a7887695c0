// The report: after segmenting the sample (with a plan and test cells), "Print report / save as
// PDF" prints the report alone (Chromium's page.pdf, print media, A4), which poppler-utils'
// pdftoppm turns into one image per page and pdftotext reads back per page; "Download report"
// gives a self-contained HTML file. Needs Debian's poppler-utils (pdftoppm, pdftotext).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { start, ROOT, ARTIFACTS } from './harness.mjs';

const require = createRequire(join(ROOT, 'www', 'package.json'));
const hcp = require('hcp-segments');
/** Text as pdftotext lays it out, with every run of white space made one space (names may wrap). */
const flat = (t) => t.replace(/\s+/g, ' ').trim();
const RENAMED = 'Reputation builders on X';

describe('report', { concurrency: false }, () => {
  let h, page, pdfPages, segments;

  before(async () => {
    h = await start();
    page = h.page;
    page.setDefaultTimeout(60_000);
    await page.goto(h.url);
    await page.waitForSelector('body[data-engine="ready"]');
    await page.click('#sample-btn');
    await page.waitForSelector('#dataset:not([hidden])');
    await page.click('#run-btn');
    await page.waitForSelector('#target:not([hidden])');
    await page.waitForSelector('#plan-table');
    await page.waitForSelector('#stab-status[data-ms]');
    await page.fill('#cards .card[data-seg="0"] .persona', RENAMED);
    await page.check('#cells-on');
    await page.waitForSelector('#cells-table');
    // The reference: the engine's own result and shareable summary of the same run.
    const ref = hcp.segment(hcp.generateSample(5000, 42), { k: 'auto', seed: 42, nRuns: 10 });
    segments = hcp.segmentSummary(ref.segments.map((s) => (s.id === 0 ? { ...s, name: RENAMED } : s))).segments;
  });

  after(async () => { await h?.close(); });

  it('printing without the button still drops the controls and the privacy text', async () => {
    await page.emulateMedia({ media: 'print' });
    for (const sel of ['#run-btn', '#sample-btn', '#file-input', '#privacy', '#print-report-btn', '#budget-input', '.dropzone', '#model-input']) {
      assert.equal(await page.$eval(sel, (e) => getComputedStyle(e).display), 'none', `${sel} is not printed`);
    }
    assert.notEqual(await page.$eval('#cards', (e) => getComputedStyle(e).display), 'none', 'the cards are');
    await page.emulateMedia({ media: 'screen' });
  });

  it('prints the report alone: a summary, one A4 page per segment, then the notes', async () => {
    // Headless Chromium has no print dialog: record the call instead.
    await page.evaluate(() => { window.print = () => { document.body.dataset.printed = 'yes'; }; });
    await page.click('#print-report-btn');
    await page.waitForSelector('body[data-printed="yes"].report-ready');
    const pdf = join(ARTIFACTS, 'report.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
    await page.emulateMedia({ media: 'screen' });
    for (const f of readdirSync(ARTIFACTS)) if (/^report-page-\d+\.png$/.test(f)) rmSync(join(ARTIFACTS, f));
    execFileSync('pdftoppm', ['-png', '-r', '70', pdf, join(ARTIFACTS, 'report-page')]);
    const pngs = readdirSync(ARTIFACTS).filter((f) => /^report-page-\d+\.png$/.test(f));
    const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))[1]);
    assert.equal(pngs.length, count, 'one image per PDF page');
    pdfPages = [];
    for (let p = 1; p <= count; p++) {
      pdfPages.push(flat(execFileSync('pdftotext', ['-f', String(p), '-l', String(p), '-layout', pdf, '-'], { encoding: 'utf8' })));
    }
    // Page kinds: the summary's pages, then "Segment i of k" pages, then the notes' pages.
    const k = segments.length;
    const first = pdfPages.findIndex((t) => t.includes(`Segment 1 of ${k}`));
    const notes = pdfPages.findIndex((t) => t.includes('Method and data notes'));
    assert.ok(first >= 1 && first <= 2, `the executive summary fills 1–2 pages (${first})`);
    assert.match(pdfPages[0], /Executive summary/);
    assert.equal(notes, first + k, 'one page per segment, then the notes');
    assert.ok(count - notes >= 1 && count - notes <= 2, 'the notes fill 1–2 pages');
    assert.equal(count, first + k + (count - notes), 'pages = summary + one per segment + notes');
    segments.forEach((s, i) => {
      const text = pdfPages[first + i];
      assert.ok(text.includes(`Segment ${i + 1} of ${k}`), `page ${first + i + 1} is segment ${i + 1}'s`);
      assert.ok(text.includes(flat(s.name)), `segment ${s.id}'s name "${s.name}" on its own page`);
      for (const [j, other] of segments.entries()) if (j !== i) assert.ok(!text.includes(`Segment ${j + 1} of ${k}`));
      assert.ok(text.includes(`${s.size.toLocaleString('en-GB')} HCPs`), 'its size as the summary gives it');
    });
    // No control, file picker or privacy text in the printout.
    const all = pdfPages.join(' ');
    for (const control of ['Choose a file', 'Run segmentation', 'Print report', 'Download report', 'Export target list', 'Use sample universe',
      'Drop a CSV', 'Your data never leaves', 'Save model', 'Number of segments (k)', 'Budget to split', 'Load HCP profiles',
      'Look-alikes', 'Saved segments', 'Re-check stability', 'Persona name', 'persona name (editable)', 'Content-Security-Policy']) {
      assert.ok(!all.includes(control), `no "${control}" in the PDF`);
    }
    // What the summary withholds is not printed: its suppressed levels show as withheld.
    const withheld = segments.flatMap((s) => s.composition.flatMap((c) => c.levels.filter((l) => l.suppressed)));
    if (withheld.length) assert.match(all, /withheld/);
    const summary = pdfPages.slice(0, first).join(' ');
    assert.match(summary, /Channel plan: €100,000\.00/);
    assert.match(summary, /Test design .* seed 7: A: 45\.0%/);
    assert.match(pdfPages[notes], /Rows read: 5,000/);
    assert.match(pdfPages[notes], /fewer than 10 HCPs is withheld/);
  });

  it('downloads a self-contained HTML report: no script, no external URL, every segment named', async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download-report-btn')]);
    assert.match(dl.suggestedFilename(), /^hcp-segments-report-\d{4}-\d{2}-\d{2}\.html$/);
    const path = join(h.tmp, dl.suggestedFilename());
    await dl.saveAs(path);
    const html = readFileSync(path, 'utf8');
    assert.ok(!/<script/i.test(html), 'no <script');
    assert.ok(!/https?:\/\//i.test(html), 'no http(s) URL');
    assert.ok(!/\b(src|href)\s*=/i.test(html), 'no src/href: nothing loaded from anywhere');
    assert.match(html, /<style>/);
    assert.match(html, /<svg class="mix-chart"/);
    for (const s of segments) assert.ok(html.includes(s.name.replace(/&/g, '&amp;')), `segment ${s.id}'s name in the file`);
    assert.ok(html.includes(RENAMED), 'the persona name as edited on the page');
    // The file renders on its own: open it in the browser, nothing is requested.
    const before = h.log.requests.length;
    const view = await h.context.newPage();
    await view.setContent(html);
    assert.equal(await view.$$eval('.rp-segment', (s) => s.length), segments.length);
    await view.close();
    assert.equal(h.log.requests.filter((r, i) => i >= before && !r.url.startsWith('about:')).length, 0, 'the file loads nothing');
  });
});
