// End-to-end tests of the files a marketer brings to the page and takes away, and of the advice on
// small files: a German Excel export in Windows-1252 (made by LibreOffice, tests/corpus/encodings),
// spreadsheet formula injection through every download, the page's summary against the engine's
// segmentSummary, a 30-HCP file's guardrails, an empty look-alike list.
//
//   bash www/e2e.sh            (builds www against pkg/, then runs tests/e2e/)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { start, shot, parseCsv, ROOT, ARTIFACTS } from './harness.mjs';

const require = createRequire(join(ROOT, 'www', 'package.json'));
const hcp = require('hcp-segments');
const ENCODINGS = join(ROOT, 'tests', 'corpus', 'encodings');

/** A cell a spreadsheet would run as a formula: a trigger first, unless it is a plain number. */
const TRIGGER = /^[=+\-@\t\r]/;
const plainNumber = (s) => /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(s);
const startsFormula = (cell) => TRIGGER.test(cell) && !plainNumber(cell);
/** The project's readers undo the writer's neutralisation: one leading ' before a trigger goes. */
const restore = (cell) => cell.replace(/^'(?='*[=+\-@\t\r])/, '');

describe('files in and out', { concurrency: false }, () => {
  let h, page;

  before(async () => {
    h = await start({ width: 1280, height: 900 });
    page = h.page;
    page.setDefaultTimeout(60_000);
    await page.goto(h.url);
    await page.waitForSelector('body[data-engine="ready"]');
  });
  after(async () => { await h?.close(); });

  const download = (selector, name) => h.download(selector, name);

  async function load(path, name) {
    await page.setInputFiles('#file-input', path);
    await page.waitForFunction((n) => document.getElementById('dataset-summary').textContent.includes(n), name);
  }

  /** Run with k (a string as in the drop-down) and wait for the cards and the filters of this run. */
  async function run(k, expectCards) {
    if (await page.inputValue('#k-select') !== k) await page.selectOption('#k-select', k);
    await page.click('#run-btn');
    await page.waitForFunction((n) => document.querySelectorAll('#cards .card').length === n && !document.getElementById('target').hidden, expectCards);
  }

  const cards = () => page.$$eval('#cards .card', (cs) => cs.map((c) => ({
    id: Number(c.dataset.seg), size: Number(c.querySelector('.seg-size').textContent.replace(/\D/g, '')), name: c.querySelector('.persona').value,
    tooSmall: !!c.querySelector('header .badge.tooSmall'),
  })));

  it('reads a German Excel export in Windows-1252: says so, keeps the umlauts, segments like its UTF-8 twin', async () => {
    const cp1252 = join(ENCODINGS, 'german_export_1252.csv');
    const utf8 = join(ENCODINGS, 'german_export_utf8.csv');
    await load(cp1252, 'german_export_1252.csv');
    // What the engine says about the file: encoding (guessed, with its warning), delimiter, decimal comma.
    assert.equal(await page.getAttribute('#dialect', 'data-encoding'), 'windows-1252');
    assert.equal(await page.textContent('#dialect [data-key="encoding"] dd'), 'Windows-1252');
    assert.match(await page.textContent('#dialect [data-key="delimiter"] dd'), /semicolon/);
    assert.match(await page.textContent('#dialect [data-key="numbers"] dd'), /decimal comma/);
    assert.match(await page.textContent('#dialect [data-key="source"] dd'), /^CSV$/);
    assert.match(await page.textContent('#load-warnings'), /Windows-1252/);
    assert.match(await page.textContent('#dataset-summary'), /45 rows × 7 columns/);
    // Each column's role from the engine, with the reason; German header synonyms; the named categories offered.
    const roles = await page.$$eval('#columns-table .colitem', (items) => Object.fromEntries(items.map((i) => [i.querySelector('code').textContent,
      { role: i.dataset.role, source: i.dataset.source, why: i.querySelector('.why').textContent, ex: i.querySelector('.ex').textContent }])));
    assert.equal(roles['Kunden-Nr'].role, 'id');
    assert.equal(roles.Fachrichtung.role, 'category:specialty');
    assert.equal(roles.Fachrichtung.source, 'synonym');
    assert.equal(roles.Land.role, 'category:country');
    assert.equal(roles['ch_Außendienst'].role, 'channel');
    assert.equal(roles.Fachrichtung.ex, 'Hämatologie', 'the umlaut is intact in the example');
    for (const r of Object.values(roles)) assert.ok(r.why.length > 10, 'every role says why');
    const choices = await page.$$eval('#columns-table select[data-col="Land"] option', (os) => os.map((o) => o.value));
    assert.ok(choices.includes('category:specialty') && choices.includes('category:country'));
    await page.evaluate(() => document.getElementById('load').scrollIntoView());
    await shot(page, '10-load-german-1252');

    await run('auto', 3);
    const ref = hcp.segment(new Uint8Array(readFileSync(utf8)), { k: 'auto', seed: 42, nRuns: 10 });
    const fromCp1252 = await cards();
    assert.deepEqual(fromCp1252.map((c) => [c.size, c.name]), ref.segments.map((s) => [s.size, s.name]), 'the engine\'s segments of the UTF-8 twin');
    const specialties = await page.$$eval('#filter-specialty label .nm', (ls) => ls.map((l) => l.textContent));
    assert.ok(specialties.includes('Hämatologie'), `umlauts intact in the filters: ${specialties}`);
    const shownText = await page.textContent('#results') + await page.textContent('#target');
    assert.ok(!shownText.includes('\uFFFD'), 'no replacement character anywhere');
    assert.match(await page.textContent('#run-warnings'), /Windows-1252/, 'the run repeats the encoding warning');
    await page.evaluate(() => document.getElementById('cards').scrollIntoView());
    await shot(page, '11-cards-german');

    // The UTF-8 twin: the same segments, read as UTF-8 without a warning.
    await load(utf8, 'german_export_utf8.csv');
    assert.equal(await page.textContent('#dialect [data-key="encoding"] dd'), 'UTF-8');
    await run('auto', 3);
    assert.deepEqual((await cards()).map((c) => [c.size, c.name]), fromCp1252.map((c) => [c.size, c.name]));
  });

  it('reads an Excel workbook through the workbook module and segments it like the CSV it was made from', async () => {
    const WORKBOOKS = join(ROOT, 'tests', 'corpus', 'workbooks');
    const wasmBefore = h.log.requests.filter((r) => /workbooks_bg.*\.wasm$/.test(r.url)).length;
    await load(join(WORKBOOKS, 'second_sheet.xlsx'), 'second_sheet.xlsx');
    assert.match(await page.textContent('#dialect [data-key="source"] dd'), /xlsx/);
    assert.match(await page.textContent('#load-warnings'), /read sheet `HCPs`/);
    assert.ok(h.log.requests.filter((r) => /workbooks_bg.*\.wasm$/.test(r.url)).length > wasmBefore, 'the workbook module was fetched for the workbook');
    await load(join(WORKBOOKS, 'sample_500.xlsx'), 'sample_500.xlsx');
    await run('auto', 6);
    const ref = hcp.segment(new Uint8Array(readFileSync(join(WORKBOOKS, 'sample_500.csv'))), { k: 'auto', seed: 42, nRuns: 10 });
    assert.deepEqual((await cards()).map((c) => [c.size, c.name]), ref.segments.map((s) => [s.size, s.name]));
    await page.evaluate(() => document.getElementById('cards').scrollIntoView());
    await shot(page, '12c-cards-xlsx');
  });

  it('keeps a role mapping for a file with the same header', async () => {
    const utf8 = join(ENCODINGS, 'german_export_utf8.csv');
    await load(join(ENCODINGS, 'german_export_1252.csv'), 'german_export_1252.csv');
    await load(utf8, 'german_export_utf8.csv');
    await page.selectOption('#columns-table select[data-col="Land"]', 'ignore');
    await page.waitForSelector('#columns-table .colitem.changed[data-role="ignore"]');
    // Another header (one column renamed): no mapping.
    const other = join(h.tmp, 'other-header.csv');
    writeFileSync(other, readFileSync(utf8, 'utf8').replace('"Kunden-Nr"', '"Kundennummer"'));
    await load(other, 'other-header.csv');
    assert.equal(await page.inputValue('#columns-table select[data-col="Land"]'), '', 'another header, no mapping');
    // The same header, in another encoding or again: the mapping stays, and the engine applies it.
    await load(join(ENCODINGS, 'german_export_1252.csv'), 'german_export_1252.csv');
    assert.equal(await page.inputValue('#columns-table select[data-col="Land"]'), 'ignore', 'the same header (decoded) keeps it');
    await load(utf8, 'german_export_utf8.csv');
    assert.equal(await page.inputValue('#columns-table select[data-col="Land"]'), 'ignore', 'the same file again keeps it');
    assert.equal(await page.getAttribute('#columns-table .colitem:has(select[data-col="Land"])', 'data-source'), 'mapping');
    await page.selectOption('#columns-table select[data-col="Land"]', '');
    await page.waitForSelector('#columns-table .colitem[data-role="category:country"]:not(.changed)');
  });

  it('neutralises formulas in every download, and the target list reads back exactly', async () => {
    // Ids that start a formula, and a persona renamed to one.
    const rows = parseCsv(hcp.generateSample(400, 3));
    const head = rows[0];
    const evil = ['=HYPERLINK("http://example.invalid","x")', '+SUM(1,2)', '-2+3', '@cmd', '=1+1', '\tTAB'];
    rows.slice(1).forEach((r, i) => { if (i < 60) r[0] = `${evil[i % evil.length]}${i}`; });
    const quote = (v) => (/[",\t\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const text = rows.map((r) => r.map(quote).join(',')).join('\n') + '\n';
    const path = join(h.tmp, 'formula-ids.csv');
    writeFileSync(path, text);
    // The engine trims white space around an id (a tab first is trimmed, not written).
    const ids = new Set(rows.slice(1).map((r) => r[0].trim()));
    await load(path, 'formula-ids.csv');
    await run('3', 3);
    await page.fill('#cards .card[data-seg="0"] .persona', '=1+1');
    await page.check('#cells-on');
    await page.waitForSelector('#cells-table');
    await page.selectOption('#csv-dialect', 'plain');

    const files = {};
    files.targets = await download('#export-targets', 'targets.csv');
    files.summary = await download('#export-summary-csv', 'summary.csv');
    await page.waitForSelector('#plan-table');
    files.plan = await download('#export-plan', 'plan.csv');
    await page.waitForSelector('#export-cells:not([disabled])');
    files.cells = await download('#export-cells', 'cells.csv');
    // Look-alikes of segment 0 among candidates whose ids start formulas.
    const cand = [head, ...rows.slice(1, 41).map((r) => [`@cand${r[0]}`, ...r.slice(1)])];
    const candPath = join(h.tmp, 'formula-candidates.csv');
    writeFileSync(candPath, cand.map((r) => r.map(quote).join(',')).join('\n') + '\n');
    await page.setInputFiles('#la-input', candPath);
    await page.waitForFunction(() => /formula-candidates/.test(document.getElementById('la-status').textContent));
    await page.click('#la-btn');
    await page.waitForSelector('#la-result:not([hidden])');
    files.lookalikes = await download('#export-la', 'lookalikes.csv');
    // Assignments: the saved model assigns the same file.
    const model = await download('#save-model', 'model.json');
    await page.setInputFiles('#model-input', model.path);
    await page.waitForFunction(() => /Model loaded/.test(document.getElementById('model-status').textContent));
    await page.setInputFiles('#assign-input', path);
    await page.waitForSelector('#assign-btn:not([disabled])');
    await page.click('#assign-btn');
    await page.waitForSelector('#assign-result:not([hidden])');
    files.assignments = await download('#export-assign', 'assignments.csv');

    for (const [what, f] of Object.entries(files)) {
      const parsed = parseCsv(f.text);
      assert.ok(parsed.length > 1, `${what} has rows`);
      for (const row of parsed) for (const cell of row) assert.ok(!startsFormula(cell), `${what}: a cell starts a formula: ${JSON.stringify(cell)}`);
    }
    // Read back, the target list is exact: every id and the renamed persona.
    const list = parseCsv(files.targets.text).map((r) => r.map(restore));
    assert.deepEqual(new Set(list.slice(1).map((r) => r[0])), ids);
    for (const r of list.slice(1)) if (r[1] === '0') assert.equal(r[2], '=1+1');
    assert.ok(list.slice(1).some((r) => r[0].startsWith('=HYPERLINK(')));
    const la = parseCsv(files.lookalikes.text).map((r) => r.map(restore));
    for (const r of la.slice(1)) assert.match(r[la[0].indexOf('hcp_id')], /^@cand/);
    // The plain dialect has no byte-order mark; the Excel dialect has one.
    assert.notEqual(files.targets.text.charCodeAt(0), 0xfeff);
    await page.selectOption('#csv-dialect', 'excel');
    assert.equal((await download('#export-targets', 'targets-excel.csv')).text.charCodeAt(0), 0xfeff);
    await page.uncheck('#cells-on');
  });

  it('a 30-HCP file: too-small badges, the engine\'s warnings, ruled-out ks, no empty look-alike export', async () => {
    const small = hcp.generateSample(30, 5);
    const path = join(h.tmp, 'thirty.csv');
    writeFileSync(path, small);
    await load(path, 'thirty.csv');
    const ref = hcp.segment(small, { k: 'auto', seed: 42, nRuns: 10 });
    await run('auto', ref.segments.length);
    const cs = await cards();
    assert.deepEqual(cs.map((c) => c.tooSmall), ref.segments.map((s) => s.tooSmall), 'badges where the engine flags tooSmall');
    assert.ok(cs.some((c) => c.tooSmall));
    const warnings = await page.$$eval('#run-warnings li', (ls) => ls.map((l) => l.textContent));
    assert.deepEqual(warnings, ref.report.warnings);
    const ruled = await page.$$eval('#ruled-out [data-k]', (s) => s.map((x) => Number(x.dataset.k)));
    assert.deepEqual(ruled, ref.kSweep.rows.filter((r) => r.ruledOut).map((r) => r.k).sort((a, b) => a - b));
    // Stability: a too-small segment is never stable.
    await page.waitForFunction((n) => document.querySelectorAll('#cards .stab .badge[data-verdict]').length === n, ref.segments.length);
    const verdicts = await page.$$eval('#cards .card', (c) => c.map((x) => x.querySelector('.stab .badge').dataset.verdict));
    ref.segments.forEach((s, i) => { if (s.tooSmall) assert.equal(verdicts[i], 'tooSmall'); });
    await page.evaluate(() => document.getElementById('results').scrollIntoView());
    await shot(page, '12-small-file');
    await page.evaluate(() => document.getElementById('cards').scrollIntoView());
    await shot(page, '12a-small-file-cards');

    // A fixed k that leaves every segment too small: each card flagged, the warnings say why.
    const ref6 = hcp.segment(small, { k: 6, seed: 42, nRuns: 10 });
    await run('6', 6);
    assert.deepEqual((await cards()).map((c) => c.tooSmall), ref6.segments.map((s) => s.tooSmall));
    assert.deepEqual(await page.$$eval('#run-warnings li', (ls) => ls.map((l) => l.textContent)), ref6.report.warnings);
    await page.evaluate(() => document.getElementById('run-warnings').scrollIntoView({ block: 'start' }));
    await shot(page, '12b-small-file-k6');

    // Look-alikes from candidates that share no feature with the model: nothing ranked, nothing to export.
    const none = join(h.tmp, 'no-shared-features.csv');
    writeFileSync(none, 'hcp_id,ch_unknown_network\nX1,3\nX2,4\n');
    await page.setInputFiles('#la-input', none);
    await page.waitForFunction(() => /no-shared-features/.test(document.getElementById('la-status').textContent));
    await page.click('#la-btn');
    await page.waitForFunction(() => !document.getElementById('la-result').hidden || !document.getElementById('la-error').hidden);
    if (!(await page.isHidden('#la-result'))) {
      assert.equal(await page.$$eval('#la-ranking tbody tr', (r) => r.length), 0);
      assert.equal(await page.isDisabled('#export-la'), true, 'the export is disabled when the list is empty');
      assert.ok((await page.$$eval('#la-warnings li', (l) => l.length)) > 0, 'the engine says why');
    } else {
      assert.equal(await page.isHidden('#export-la'), true);
    }
  });
});
