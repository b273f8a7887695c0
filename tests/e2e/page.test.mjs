// End-to-end tests of the targeting page (www/) in Debian's headless Chromium, against the built
// page served on 127.0.0.1 and the real hcp-segments package (pkg/, as www's npm dependency).
// The same package's Node build computes the reference the page must agree with.
//
//   bash www/e2e.sh            (builds www against pkg/, then runs this file)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { start, shot, shotFull, parseCsv, ROOT, ARTIFACTS } from './harness.mjs';

const require = createRequire(join(ROOT, 'www', 'package.json'));
/** The package as www depends on it (Node build), for reference results. */
const hcp = require('hcp-segments');

const num = (s) => Number(String(s).replace(/[^0-9.\-]/g, ''));
/** The page's plan controls at their defaults, as channelPlan options. */
const PLAN = { currency: 'EUR', minMixShare: 0.02, explorationShare: 0.1, forceChannels: [] };
/** The page's default download dialect in the test browser (en-US). */
const EXCEL = { dialect: 'excel', locale: 'en-US' };
const timings = {};

describe('targeting page', { concurrency: false }, () => {
  let h, page, readyAt, readyRequests;
  const sample = hcp.generateSample(5000, 42);
  const sampleRows = parseCsv(sample);
  const header = sampleRows[0];

  before(async () => {
    h = await start();
    page = h.page;
    page.setDefaultTimeout(60_000);
  });

  after(async () => {
    writeFileSync(join(ARTIFACTS, 'timings.json'), JSON.stringify(timings, null, 2));
    console.log('# timings', JSON.stringify(timings));
    await h?.close();
  });

  const download = (selector, name) => h.download(selector, name);

  async function cards() {
    return page.$$eval('#cards .card', (cs) => cs.map((c) => ({
      id: Number(c.dataset.seg),
      size: Number(c.querySelector('.seg-size').textContent.replace(/[^0-9]/g, '')),
      name: c.querySelector('.persona').value,
    })));
  }

  it('loads with the strict CSP, starts the engine, and every control is labelled', async () => {
    await page.goto(h.url);
    await page.waitForSelector('body[data-engine]');
    assert.equal(await page.getAttribute('body', 'data-engine'), 'ready', 'the engine (worker + wasm) started');
    readyAt = Date.now();
    readyRequests = h.log.requests.length;
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /connect-src 'none'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    const unlabelled = await page.$$eval('input, select, textarea, button', (els) => els
      .filter((e) => !(e.type === 'hidden') && !e.closest('[hidden]'))
      .filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.textContent.trim()))
      .map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, []);
    await shot(page, '01-start');
  });

  it('loads the sample universe, shows its columns, and is keyboard-operable', async () => {
    await page.focus('#sample-btn');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#dataset:not([hidden])');
    const summary = await page.textContent('#dataset-summary');
    assert.match(summary, new RegExp(`5,000 rows × ${header.length} columns`));
    assert.equal(await page.$$eval('#columns-table select', (s) => s.length), header.length);
    assert.match(await page.textContent('#columns-count'), /11 channels, 8 formats/);
    // Focus went to Run: the next step is one key away.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'run-btn');
    await shot(page, '02-sample-loaded');
  });

  it('runs with k = auto: chart, scatter and cards agree with the engine', async () => {
    const t0 = Date.now();
    await page.click('#run-btn');
    await page.waitForSelector('#progress:not([hidden])', { timeout: 5000 }).then(() => shot(page, '03-progress'), () => {});
    await page.waitForSelector('#cards .card');
    timings.sample5000RunToCardsMs = Date.now() - t0;
    timings.sample5000EngineMs = num(await page.getAttribute('#run-status', 'data-ms'));
    await page.waitForSelector('#target:not([hidden])');

    const ref = hcp.segment(sample, { k: 'auto', seed: 42, nRuns: 10 });
    const shownK = num(await page.textContent('#shown-k'));
    const chosenK = num(await page.textContent('#chosen-k'));
    const cs = await cards();
    assert.equal(chosenK, ref.kSweep.chosenK, 'chosen k = the engine\'s');
    assert.equal(shownK, chosenK);
    assert.equal(cs.length, chosenK, 'one card per segment');
    assert.equal(cs.reduce((a, c) => a + c.size, 0), 5000, 'card sizes sum to the rows');
    assert.equal(num(await page.textContent('#rows-used')), 5000);
    assert.deepEqual(cs.map((c) => c.size), ref.segments.map((s) => s.size), 'sizes as the engine computes them');
    assert.deepEqual(cs.map((c) => c.name), ref.segments.map((s) => s.name), 'persona names as generated');
    // The sweep chart: one point per k per metric, the chosen k marked.
    const sweepRows = ref.kSweep.rows.length;
    assert.equal(await page.$$eval('#sweep-chart svg circle', (c) => c.length), 4 * sweepRows);
    assert.equal(await page.$$eval('#sweep-chart svg line[stroke="#D55E00"]', (l) => l.length), 4);
    // The scatter: every HCP drawn, on a canvas (no DOM node per point).
    assert.equal(await page.getAttribute('#scatter', 'data-points'), '5000');
    assert.equal(await page.$$eval('#scatter-legend [data-seg]', (l) => l.length), chosenK);
    // Heatmap: a row per segment.
    assert.equal(await page.$$eval('#heatmap tbody tr', (r) => r.length), chosenK);
    // Suppressed breakdown cells are shown as "<10", never with their count.
    const suppressedRef = ref.segments.flatMap((s) => s.composition.filter((c) => ['specialty', 'country'].includes(c.column)).flatMap((c) => c.levels.filter((l) => l.suppressed)));
    if (suppressedRef.length) {
      const lvls = await page.$$eval('.comp .lvl.suppressed', (l) => l.map((x) => x.textContent));
      for (const t of lvls) assert.match(t, /<10$/);
    }
    await page.evaluate(() => document.getElementById('results').scrollIntoView());
    await shot(page, '04-results-auto');
    await page.evaluate(() => document.getElementById('cards').scrollIntoView());
    await shot(page, '05-cards');
    await page.evaluate(() => document.getElementById('heatmap').scrollIntoView({ block: 'center' }));
    await shot(page, '06-heatmap');
  });

  it('changing k to 4 re-runs and shows 4 segments', async () => {
    await page.selectOption('#k-select', '4');
    await page.waitForFunction(() => document.getElementById('shown-k')?.textContent === '4' && document.querySelectorAll('#cards .card').length === 4);
    const ref = hcp.segment(sample, { k: 4, seed: 42, nRuns: 10 });
    const cs = await cards();
    assert.equal(cs.length, 4);
    assert.deepEqual(cs.map((c) => c.size), ref.segments.map((s) => s.size));
    assert.equal(cs.reduce((a, c) => a + c.size, 0), 5000);
    // The sweep from the auto run stays, with k = 4 marked as shown.
    assert.match(await page.textContent('#sweep-chart'), /showing k = 4/);
    await page.evaluate(() => document.getElementById('results').scrollIntoView());
    await shot(page, '07-results-k4');
  });

  it('shows bootstrap stability next to each persona, as the engine computes it', async () => {
    const ref = hcp.segment(sample, { k: 4, seed: 42, nRuns: 10 });
    await page.waitForFunction(() => document.querySelectorAll('#cards .stab .badge[data-verdict]').length === 4);
    const refStab = hcp.stability(ref.model, sample, { resamples: 20, seed: 42 });
    const shown = await page.$$eval('#cards .card', (cs) => cs.map((c) => ({
      id: Number(c.dataset.seg), verdict: c.querySelector('.stab .badge').dataset.verdict,
      jaccard: Number(c.querySelector('.stab .jaccard').textContent),
      p10: Number(c.querySelector('.stab .p10').textContent),
      title: c.querySelector('.stab .badge').title,
    })));
    for (const s of shown) {
      const r = refStab.segments.find((x) => x.id === s.id);
      assert.equal(s.verdict, r.verdict, `segment ${s.id} verdict`);
      assert.equal(s.jaccard, Number(r.meanJaccard.toFixed(2)), `segment ${s.id} Jaccard`);
      // The engine judges the spread too: its 10th percentile is shown and explained.
      assert.equal(s.p10, Number(r.p10Jaccard.toFixed(2)), `segment ${s.id} p10`);
      assert.match(s.title, /10th percentile/);
    }
    timings.stability5000Ms = num(await page.getAttribute('#stab-status', 'data-ms'));
    // Re-run with fewer resamples on the button; Cancel is offered while it runs.
    await page.fill('#stab-resamples', '6');
    await page.click('#stab-btn');
    await page.waitForFunction(() => /from 6 resamples/.test(document.getElementById('stab-status').textContent));
    const six = hcp.stability(ref.model, sample, { resamples: 6, seed: 42 });
    const j0 = Number(await page.textContent('#cards .card[data-seg="0"] .stab .jaccard'));
    assert.equal(j0, Number(six.segments.find((x) => x.id === 0).meanJaccard.toFixed(2)));
    await page.fill('#stab-resamples', '20');
    await page.click('#stab-btn');
    await page.waitForFunction(() => /from 20 resamples/.test(document.getElementById('stab-status').textContent));
    await page.evaluate(() => document.getElementById('cards').scrollIntoView());
    await shot(page, '07b-stability');
  });

  it('plans the budget with the engine\'s channelPlan and moves it with campaign results', async () => {
    await page.waitForSelector('#target:not([hidden])');
    const ref = hcp.segment(sample, { k: 4, seed: 42, nRuns: 10 });
    const readPlan = () => page.$$eval('#plan-table tbody td[data-seg]', (tds) => tds
      .map((td) => ({ segment: Number(td.dataset.seg), channel: td.dataset.channel, cents: Number(td.dataset.cents) })));
    const asMap = (cells) => new Map(cells.filter((c) => c.cents > 0).map((c) => [`${c.segment}|${c.channel}`, c.cents]));
    const refMap = (plan) => new Map(plan.allocations.filter((a) => a.cents > 0).map((a) => [`${a.segment}|${a.channel}`, a.cents]));
    const waitTotal = (cents) => page.waitForFunction((c) => document.getElementById('plan-total')?.dataset.cents === String(c), cents);

    // Whole universe, default budget and plan controls: exactly the engine's plan on the run's segments.
    await waitTotal(100000 * 100);
    let expected = hcp.channelPlan(ref.segments, { budget: 100000, ...PLAN });
    assert.deepEqual(asMap(await readPlan()), refMap(expected));
    // The budget is adjustable, and the amounts add up to it to the cent.
    await page.fill('#budget-input', '123456.78');
    await waitTotal(12345678);
    const cells = await readPlan();
    assert.equal(cells.reduce((a, c) => a + c.cents, 0), 12345678, 'segment × channel amounts sum to the budget');
    const segTotals = await page.$$eval('#plan-table td.seg-total', (t) => t.map((x) => Number(x.dataset.cents)));
    assert.equal(segTotals.reduce((a, b) => a + b, 0), 12345678);
    expected = hcp.channelPlan(ref.segments, { budget: 123456.78, ...PLAN });
    assert.deepEqual(asMap(cells), refMap(expected));
    // The plan follows use: every funded channel has at least 2 % of its segment's mix.
    for (const c of cells.filter((x) => x.cents > 0)) {
      assert.ok(ref.segments[c.segment].channels.find((x) => x.name === c.channel).share >= 0.02, `${c.segment}|${c.channel} is used`);
    }
    // Per segment, every channel in the engine's order, with its base (per HCP, share of mix, index, reachable) and status.
    const detail = await page.$$eval('.plan-seg', (ds) => ds.map((d) => [Number(d.dataset.seg), [...d.querySelectorAll('tbody tr')].map((r) => ({
      channel: r.dataset.channel, name: r.querySelector('th').firstChild.textContent, perHcp: r.querySelector('.per-hcp').textContent,
      mix: r.querySelector('.mix').textContent, status: r.querySelector('.status').textContent, reason: r.querySelector('.reason').textContent }))]));
    for (const [id, rows] of detail) {
      const seg = expected.segments.find((s) => s.id === id);
      assert.deepEqual(rows.map((r) => r.channel), seg.channels.map((c) => c.channel));
      for (const [i, c] of seg.channels.entries()) {
        assert.equal(rows[i].name, c.displayName, 'display names, not column names');
        assert.equal(num(rows[i].perHcp), Number(c.mean.toFixed(2)));
        assert.equal(num(rows[i].mix), Number((100 * c.mixShare).toFixed(1)));
        const a = expected.allocations.find((x) => x.segment === id && x.channel === c.channel);
        if (!c.eligible) assert.equal(rows[i].status, 'not funded');
        assert.equal(rows[i].reason, a?.reason ?? c.excludedReason ?? '', 'the engine\'s reason for every channel');
      }
    }
    assert.equal(await page.textContent('#plan-formula'), expected.formula);
    // Amounts in the chosen currency, formatted in the browser's locale.
    assert.equal(await page.textContent('#plan-total'), new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(123456.78));
    await page.selectOption('#currency-select', 'GBP');
    await page.waitForFunction(() => document.getElementById('plan-total')?.dataset.currency === 'GBP');
    assert.equal(await page.textContent('#plan-total'), '£123,456.78');
    await page.selectOption('#currency-select', 'EUR');
    await page.waitForFunction(() => document.getElementById('plan-total')?.dataset.currency === 'EUR');
    // The budget is read in the locale (en-US): an ambiguous number is refused with how to write it.
    for (const typed of ['250.000', '1,5']) {
      await page.fill('#budget-input', typed);
      await page.waitForSelector('#budget-error:not([hidden])');
      assert.match(await page.textContent('#budget-error'), /250,000\.5/, `“${typed}” is refused with an example`);
    }
    await page.fill('#budget-input', '123,456.78');
    await page.waitForSelector('#budget-error', { state: 'hidden' });
    await waitTotal(12345678);
    await page.evaluate(() => document.getElementById('target').scrollIntoView());
    await shot(page, '08a-plan');
    await page.locator('.plan-seg').first().screenshot({ path: join(ARTIFACTS, '08e-plan-detail.png') });

    // Campaign results: segment 0's best-funded channel engaged at 30 % (about 3× what the plan expects of it).
    const s0 = expected.allocations.filter((a) => a.segment === 0).sort((a, b) => b.cents - a.cents)[0].channel;
    // Segment 3 has no results: its channels stay untested (and keep the exploration share).
    const others = expected.allocations.filter((a) => !(a.segment === 0 && a.channel === s0) && a.segment !== 3 && a.cents > 0);
    const results = ['segment,channel,impressions,engagements', `0,${s0},20000,6000`,
      ...others.map((a) => `${a.segment},${a.channel},20000,400`)].join('\n') + '\n';
    const resultsPath = join(h.tmp, 'campaign-results.csv');
    writeFileSync(resultsPath, results);
    const before = asMap(cells);
    await page.setInputFiles('#results-input', resultsPath);
    await page.waitForSelector('#plan-table td.up');
    const after = asMap(await readPlan());
    const withResults = hcp.channelPlan(ref.segments, { budget: 123456.78, ...PLAN, results });
    assert.deepEqual(after, refMap(withResults), 'the engine\'s re-computed plan');
    assert.equal([...after.values()].reduce((a, b) => a + b, 0), 12345678, 'still sums to the budget');
    assert.ok(after.get(`0|${s0}`) > before.get(`0|${s0}`), 'budget moved towards what worked');
    // The plan follows beliefs, not multipliers: within a segment, budget moves from the cells the
    // results made look worse than expected (posterior < expected rate) to those that did better.
    const tested = withResults.allocations.filter((x) => x.status === 'tested' && before.get(`${x.segment}|${x.channel}`));
    const growth = (x) => (after.get(`${x.segment}|${x.channel}`) ?? 0) / before.get(`${x.segment}|${x.channel}`);
    let pairs = 0;
    for (const worse of tested.filter((x) => x.posteriorRate < x.expectedRate)) {
      for (const better of tested.filter((x) => x.segment === worse.segment && x.posteriorRate > x.expectedRate)) {
        assert.ok(growth(worse) < growth(better), `${worse.segment}|${worse.channel} gave budget up to ${better.channel}`);
        pairs++;
      }
    }
    assert.ok(pairs > 0, 'the results raised some cells and lowered others');
    const shownStatus = await page.$$eval('#plan-table tbody td[data-status]', (tds) => tds.map((td) => [`${td.dataset.seg}|${td.dataset.channel}`, td.dataset.status, td.classList.contains('untested')]));
    for (const [key, status, marked] of shownStatus) {
      const a = withResults.allocations.find((x) => `${x.segment}|${x.channel}` === key);
      assert.equal(status, a.status);
      assert.equal(marked, a.status === 'untested', `${key} is labelled untested exactly when it is`);
    }
    assert.ok(withResults.allocations.some((a) => a.status === 'untested' && a.cents > 0), 'the sample plan has funded untested cells');
    assert.match(await page.textContent('#plan-notes'), /untested channels/);
    await shot(page, '08b-plan-results');
    // The plan export is the engine's file for the plan on screen (Excel dialect in the browser's locale).
    const exported = await download('#export-plan', 'plan.csv');
    assert.equal(exported.text, hcp.exportCsv('plan', withResults, EXCEL));
    const rowsOut = parseCsv(exported.text);
    const amountCol = rowsOut[0].indexOf('amount');
    assert.equal(Math.round(rowsOut.slice(1).reduce((a, r) => a + Number(r[amountCol]) * 100, 0)), 12345678);

    // A broken results file: the engine's message with line and column; the page keeps working.
    const bad = join(h.tmp, 'bad-results.csv');
    writeFileSync(bad, `segment,channel,impressions,engagements\n0,${s0},1000,10\n1,email,lots,5\n`);
    await page.setInputFiles('#results-input', bad);
    await page.waitForSelector('#plan-error:not([hidden])');
    const err = await page.textContent('#plan-error');
    assert.match(err, /Line 3/);
    assert.match(err, /impressions/);
    assert.match(err, /lots/);
    await page.evaluate(() => document.getElementById('plan-error').scrollIntoView({ block: 'center' }));
    await shot(page, '08c-plan-bad-results');
    await page.click('#results-clear');
    await waitTotal(12345678);
    // No budget: nothing to split, no error; a minimum share no channel reaches: the engine says so.
    await page.fill('#budget-input', '0');
    await waitTotal(0);
    assert.match(await page.textContent('#plan-table tbody'), /Enter a budget/);
    await page.fill('#budget-input', '123456.78');
    await page.fill('#min-share-input', '100');
    await page.waitForSelector('#plan-error:not([hidden])');
    assert.match(await page.textContent('#plan-error'), /no segment × channel can be funded/);
    await page.fill('#min-share-input', '2');
    await page.waitForSelector('#plan-error', { state: 'hidden' });
    assert.deepEqual(asMap(await readPlan()), refMap(expected), 'back to the plan without results');
  });

  it('targets a selection, splits a budget, and exports the target list', async () => {
    await page.waitForSelector('#target:not([hidden])');
    const ref = hcp.segment(sample, { k: 4, seed: 42, nRuns: 10 });
    // Rename a persona: the export must carry the new name.
    await page.fill('#cards .card[data-seg="0"] .persona', 'Test persona zero');
    // Segments 0 and 2, specialty = oncology, consent_email required.
    await page.uncheck('#seg-picks input[value="1"]');
    await page.uncheck('#seg-picks input[value="3"]');
    const spec = await page.$$eval('#filter-specialty label', (ls) => ls.map((l) => [l.querySelector('input').value, l.textContent.trim()]));
    const onc = spec.find(([, t]) => t === 'oncology');
    assert.ok(onc, 'oncology is a specialty filter');
    await page.check(`#filter-specialty input[value="${onc[0]}"]`);
    await page.check('#filter-consent input[value="consent_email"]');
    await page.fill('#budget-input', '250000');

    // Reference count from the raw rows and the engine's assignments.
    const col = (n) => header.indexOf(n);
    const byId = new Map(sampleRows.slice(1).map((r) => [r[col('hcp_id')], r]));
    const expected = ref.assignments.filter((a) => {
      const r = byId.get(a.hcpId);
      return (a.segment === 0 || a.segment === 2) && r[col('specialty')] === 'oncology' && /^(true|1|yes)$/i.test(r[col('consent_email')]);
    });
    await page.waitForFunction((n) => document.getElementById('target-count').textContent.replace(/\D/g, '') === String(n), expected.length);

    // The plan covers the selected HCPs: segments 0 and 2 narrowed to them (size, consent shares),
    // computed here from the raw rows, then the engine's channelPlan: the page must show the same.
    await page.waitForFunction(() => document.getElementById('plan-total')?.dataset.cents === '25000000');
    const narrowed = [0, 2].map((id) => {
      const seg = ref.segments[id];
      const mine = expected.filter((a) => a.segment === id).map((a) => byId.get(a.hcpId));
      return { ...seg, size: mine.length, reach: seg.reach.map((r) => {
        const count = mine.filter((row) => /^(true|1|yes)$/i.test(row[col(r.consent)])).length;
        return { consent: r.consent, share: count / mine.length, count };
      }) };
    });
    const refPlan = hcp.channelPlan(narrowed, { budget: 250000, ...PLAN });
    const shownPlan = await page.$$eval('#plan-table tbody td[data-seg]', (tds) => tds
      .filter((td) => td.dataset.cents !== '0').map((td) => [`${td.dataset.seg}|${td.dataset.channel}`, Number(td.dataset.cents)]));
    assert.deepEqual(new Map(shownPlan), new Map(refPlan.allocations.filter((a) => a.cents > 0).map((a) => [`${a.segment}|${a.channel}`, a.cents])));
    assert.equal(shownPlan.reduce((a, [, c]) => a + c, 0), 25000000, 'the plan sums to the budget');
    // Consent filter on email: every selected HCP is reachable by email.
    const emailShares = await page.$$eval('.plan-seg tr[data-channel="email"] td.reach', (ls) => ls.map((l) => l.textContent));
    assert.ok(emailShares.length > 0);
    for (const t of emailShares) assert.match(t, /100\.0%/);

    // Test cells on the selection: A/B + 10% holdout, seed 7, stratified by specialty × country.
    await page.check('#cells-on');
    await page.fill('#cells-seed', '7');
    await page.waitForSelector('#cells-table');
    const refCells = hcp.testCells(ref.model, sample, { arms: ['A', 'B'], holdout: 0.1, seed: 7, strata: ['specialty', 'country'], ids: expected.map((a) => a.hcpId) });
    const shownCells = await page.$$eval('#cells-table tbody tr', (trs) => trs.map((t) => [t.dataset.cell, Number(t.querySelector('.cell-count').textContent.replace(/\D/g, ''))]));
    assert.deepEqual(shownCells, refCells.cells.map((c) => [c.cell, c.count]));
    assert.equal(shownCells.reduce((a, [, n]) => a + n, 0), expected.length);
    await page.evaluate(() => document.getElementById('target').scrollIntoView());
    await shot(page, '08-targeting');
    await page.evaluate(() => document.getElementById('cells-box').scrollIntoView({ block: 'center' }));
    await shot(page, '08d-test-cells');

    const { text, filename } = await download('#export-targets', 'targets.csv');
    assert.match(filename, /\.csv$/);
    const rows = parseCsv(text);
    // The engine's target list: id, segment, name, confidence, cell, then specialty, country and every consent flag.
    assert.deepEqual(rows[0], ['hcp_id', 'segment', 'segment_name', 'confidence', 'cell', 'specialty', 'country', ...header.filter((c) => c.startsWith('consent_'))]);
    for (const r of rows.slice(1)) {
      assert.equal(r[5], 'oncology');
      assert.equal(r[rows[0].indexOf('consent_email')], 'true');
    }
    // Each HCP's cell in the export = the engine's, and the per-cell counts on screen match the file.
    const refCell = new Map(refCells.assignments.map((a) => [a.hcpId, a.cell]));
    for (const r of rows.slice(1)) assert.equal(r[4], refCell.get(r[0]), `cell of ${r[0]}`);
    const fileCounts = new Map();
    for (const r of rows.slice(1)) fileCounts.set(r[4], (fileCounts.get(r[4]) ?? 0) + 1);
    assert.deepEqual(fileCounts, new Map(shownCells));
    // Same seed, same cells: a second export is identical; another seed moves HCPs.
    assert.equal((await download('#export-targets', 'targets-again.csv')).text, text);
    await page.fill('#cells-seed', '8');
    await page.waitForFunction(() => true);
    const other = parseCsv((await download('#export-targets', 'targets-seed8.csv')).text);
    assert.ok(other.slice(1).some((r, i) => r[4] !== rows[i + 1][4]), 'a different seed gives different cells');
    await page.fill('#cells-seed', '7');
    await page.uncheck('#cells-on');
    assert.equal(rows.length - 1, expected.length, 'one row per selected HCP');
    assert.deepEqual(new Set(rows.slice(1).map((r) => r[0])), new Set(expected.map((a) => a.hcpId)));
    const refById = new Map(ref.assignments.map((a) => [a.hcpId, a]));
    for (const [id, seg, name, conf] of rows.slice(1)) {
      assert.equal(Number(seg), refById.get(id).segment);
      assert.equal(name, seg === '0' ? 'Test persona zero' : ref.segments[2].name);
      assert.ok(Math.abs(Number(conf) - refById.get(id).confidence) < 1e-4);
    }
  });

  it('exports the segment summary (CSV and JSON): the engine\'s shareable summary, small cells suppressed', async () => {
    const ref = hcp.segment(sample, { k: 4, seed: 42, nRuns: 10 });
    const named = ref.segments.map((s) => (s.id === 0 ? { ...s, name: 'Test persona zero' } : s));
    const csvText = (await download('#export-summary-csv', 'summary.csv')).text;
    assert.equal(csvText, hcp.exportCsv('summary', named, EXCEL), 'the CSV is the engine\'s summary table');
    assert.ok(parseCsv(csvText).some((r) => r[1] === 'Test persona zero'), 'with the name as edited');
    const json = JSON.parse((await download('#export-summary-json', 'summary.json')).text);
    assert.deepEqual(json, JSON.parse(JSON.stringify(hcp.segmentSummary(named))), 'the JSON is segmentSummary\'s output');
    assert.equal(json.segments.length, 4);
    for (const s of json.segments) for (const c of s.composition) for (const l of c.levels) {
      if (l.suppressed) { assert.equal(l.count, null); assert.equal(l.share, null); }
      else assert.ok(l.count >= 10);
    }
  });

  let savedModel;
  it('saves the model and assigns a new file with it', async () => {
    const model = await download('#save-model', 'model.json');
    savedModel = model;
    const m = JSON.parse(model.text);
    assert.equal(m.format, 'hcp-segments-model');
    // The saved model keeps the persona names as edited on the page.
    if (Array.isArray(m.segments)) assert.equal(m.segments.find((s) => s.id === 0)?.name, 'Test persona zero');
    const fresh = hcp.generateSample(300, 7);
    const freshPath = join(h.tmp, 'new-hcps.csv');
    writeFileSync(freshPath, fresh);
    await page.setInputFiles('#model-input', model.path);
    await page.waitForFunction(() => /Model loaded/.test(document.getElementById('model-status').textContent));
    await page.setInputFiles('#assign-input', freshPath);
    await page.click('#assign-btn');
    await page.waitForSelector('#assign-result:not([hidden])');
    const ref = hcp.assign(m, fresh);
    const counts = await page.$$eval('#assign-counts tbody tr', (trs) => trs.map((t) => [Number(t.dataset.seg), Number(t.children[1].textContent.replace(/\D/g, ''))]));
    const refCounts = new Map();
    for (const a of ref.assignments) refCounts.set(a.segment, (refCounts.get(a.segment) ?? 0) + 1);
    assert.deepEqual(new Map(counts), refCounts);
    assert.equal(counts.reduce((a, [, n]) => a + n, 0), 300);
    const out = parseCsv((await download('#export-assign', 'assigned.csv')).text);
    assert.deepEqual(out[0], ['hcp_id', 'segment', 'segment_name', 'distance', 'confidence']);
    assert.equal(out.length - 1, 300);
    for (const [, seg, name] of out.slice(1)) if (seg === '0') assert.equal(name, 'Test persona zero');
    await page.evaluate(() => document.getElementById('assign').scrollIntoView());
    await shot(page, '09-assign');
  });

  it('refreshes a new period against the saved model: ids and names kept, migration, new and lapsed', async () => {
    const m = JSON.parse(savedModel.text);
    const ref4 = hcp.segment(sample, { k: 4, seed: 42, nRuns: 10 });
    // Previous period: the run's assignments. New period: the first 4,700 HCPs with 12% of
    // segment 1's members given segment 3's profile (a planted drift), plus 300 new HCPs.
    const prevCsv = ['hcp_id,segment', ...ref4.assignments.map((a) => `${a.hcpId},${a.segment}`)].join('\n') + '\n';
    const seg = new Map(ref4.assignments.map((a) => [a.hcpId, a.segment]));
    const body = sampleRows.slice(1, 4701);
    const donors = body.filter((r) => seg.get(r[0]) === 3);
    let moved = 0;
    const drifted = body.map((r) => {
      if (seg.get(r[0]) !== 1 || moved >= Math.round(0.12 * ref4.segments[1].size)) return r;
      const d = donors[moved++ % donors.length];
      return [r[0], ...d.slice(1)];
    });
    const fresh = parseCsv(hcp.generateSample(300, 11)).slice(1).map((r) => ['N' + r[0], ...r.slice(1)]);
    const newPeriod = [header, ...drifted, ...fresh].map((r) => r.join(',')).join('\n') + '\n';
    const newPath = join(h.tmp, 'new-period.csv');
    const prevPath = join(h.tmp, 'previous.csv');
    writeFileSync(newPath, newPeriod);
    writeFileSync(prevPath, prevCsv);
    await page.setInputFiles('#assign-input', newPath);
    await page.setInputFiles('#previous-input', prevPath);
    await page.waitForFunction(() => /Previous assignments/.test(document.getElementById('model-status').textContent));
    await page.click('#refresh-btn');
    await page.waitForSelector('#refresh-result:not([hidden])');
    const ref = hcp.refresh(m, newPeriod, ref4.assignments.map((a) => ({ hcpId: a.hcpId, segment: a.segment })));
    // New and lapsed from the two id lists (independent of the engine).
    assert.equal(num(await page.textContent('#rf-new')), 300);
    assert.equal(num(await page.textContent('#rf-lapsed')), 300);
    // Matches and names: matched segments keep the saved ids and (edited) names.
    const rows = await page.$$eval('#refresh-matches tbody tr', (trs) => trs.map((t) => [Number(t.dataset.seg), t.dataset.prev, t.querySelector('th').textContent.trim()]));
    assert.deepEqual(rows.map(([id, prev]) => [id, prev === '' ? null : Number(prev)]), ref.refresh.matches.map((x) => [x.id, x.previousId]));
    for (const x of ref.refresh.matches) if (x.previousId != null) assert.equal(x.id, x.previousId, 'same k: every segment keeps its id');
    assert.match(rows.find(([id]) => id === 0)[2], /Test persona zero/);
    // The migration matrix on screen = the engine's, and it shows the planted move 1 → 3.
    const cells = await page.$$eval('#migration td.cell', (tds) => tds.map((t) => [Number(t.closest('tr').dataset.from), Number(t.dataset.to), Number(t.dataset.n)]));
    for (const [i, j, n] of cells) assert.equal(n, ref.refresh.migration[i][j] ?? 0, `migration ${i} → ${j}`);
    assert.equal(cells.reduce((a, [, , n]) => a + n, 0), 4700, 'every continuing HCP counted once');
    const oneToThree = cells.find(([i, j]) => i === 1 && j === 3)[2];
    assert.ok(oneToThree >= 0.8 * moved, `the planted 1 → 3 migration shows (${oneToThree} of ${moved})`);
    assert.equal(num(await page.textContent('#rf-moved')), ref.refresh.moved);
    await page.evaluate(() => document.getElementById('refresh-result').scrollIntoView());
    await shot(page, '09a-refresh');
    const out = parseCsv((await download('#export-refresh', 'refreshed.csv')).text);
    assert.deepEqual(out[0], ['hcp_id', 'segment', 'segment_name', 'distance', 'confidence']);
    assert.equal(out.length - 1, 5000);
    // A previous-assignments file with a word for a segment: the engine reads it on Refresh and says where.
    const badPrev = join(h.tmp, 'bad-previous.csv');
    writeFileSync(badPrev, 'hcp_id,segment\nH1,2\nH2,two\n');
    await page.setInputFiles('#previous-input', badPrev);
    await page.waitForFunction(() => /bad-previous/.test(document.getElementById('model-status').textContent));
    await page.click('#refresh-btn');
    await page.waitForSelector('#assign-error:not([hidden])');
    assert.match(await page.textContent('#assign-error'), /Line 3.*segment/s);
    await page.setInputFiles('#previous-input', prevPath);
    await page.click('#refresh-btn');
    await page.waitForSelector('#assign-error', { state: 'hidden' });
    await page.waitForSelector('#refresh-result:not([hidden])');
  });

  it('folds new profiles into the saved model: drift and refresh verdict = updateModel(), saved model assigns, bad file', async () => {
    const m = JSON.parse(savedModel.text);
    // 2,000 new HCPs; those the saved model puts in segment 0 get ch_doctorsnetuk × 3 + 5: a drift
    // planted in one segment (the others are drawn from the same generator as the universe).
    const fresh = parseCsv(hcp.generateSample(2000, 13));
    const head = fresh[0];
    const body = fresh.slice(1).map((r) => ['U' + r[0], ...r.slice(1)]);
    const toCsv = (rows) => rows.map((r) => r.join(',')).join('\n') + '\n';
    const plain = toCsv([head, ...body]);
    const seg0 = new Set(hcp.assign(m, plain).assignments.filter((a) => a.segment === 0).map((a) => a.hcpId));
    const ci = head.indexOf('ch_doctorsnetuk');
    const driftedRows = body.map((r) => (seg0.has(r[0]) ? r.map((v, i) => (i === ci ? String(Number(v) * 3 + 5) : v)) : r));
    const drifted = toCsv([head, ...driftedRows]);
    const path = join(h.tmp, 'new-profiles.csv');
    writeFileSync(path, drifted);
    await page.setInputFiles('#assign-input', path);
    const t0 = Date.now();
    await page.click('#update-btn');
    await page.waitForSelector('#update-result:not([hidden])');
    timings.foldIn2000Ms = Date.now() - t0;
    assert.equal(await page.isHidden('#refresh-result'), true);
    // The page's options are the engine's defaults; passed explicitly so the reference is pinned.
    const ref = hcp.updateModel(m, drifted, { maxDrift: 0.2, maxReassigned: 0.05, maxNewShare: 0.5, priorWeight: 1 });
    const rows = await page.$$eval('#update-drift tbody tr', (trs) => trs.map((t) => ({
      id: Number(t.dataset.seg), added: Number(t.dataset.added), shift: Number(t.dataset.shift), rel: Number(t.dataset.rel),
      name: t.querySelector('th').textContent, shown: [...t.querySelectorAll('td.num')].map((td) => td.textContent),
    })));
    assert.deepEqual(rows.map((r) => [r.id, r.added]), ref.drift.map((d) => [d.id, d.added]));
    for (const [i, r] of rows.entries()) {
      assert.ok(Math.abs(r.shift - ref.drift[i].shift) < 1e-9 && Math.abs(r.rel - ref.drift[i].relativeShift) < 1e-9, `drift of segment ${r.id}`);
      assert.equal(r.shown[4].split(' ')[0], ref.drift[i].relativeShift.toFixed(3));
      assert.equal(/over/.test(r.shown[4]), ref.drift[i].relativeShift > 0.2, 'flagged exactly when over the maximum drift');
      assert.equal(num(r.shown[0]) + r.added, num(r.shown[2]), 'HCPs before + added = after');
    }
    assert.equal(rows.reduce((a, r) => a + r.added, 0), 2000, 'every new HCP added to one segment');
    // Planted truth: segment 0 moved past the default maximum drift, the others barely.
    assert.ok(rows[0].rel > 0.2, `segment 0 drifted (${rows[0].rel})`);
    for (const r of rows.slice(1)) assert.ok(r.rel < 0.05, `segment ${r.id} did not drift (${r.rel})`);
    assert.match(rows[0].name, /Test persona zero/);
    // The verdict and its reasons = the engine's.
    assert.equal(ref.refreshDue, true);
    assert.equal(await page.getAttribute('#update-verdict', 'data-due'), 'true');
    const reasons = await page.$$eval('#update-reasons li', (lis) => lis.map((l) => l.textContent));
    assert.equal(reasons.length, ref.reasons.length);
    assert.match(reasons[0], /^Segment 0 \(“Test persona zero”\) moved 0\.\d\d \(relative\), more than the maximum relative drift \(0\.2\)/);
    assert.equal(num(await page.textContent('#upd-rows')), 2000);
    assert.equal(num(await page.textContent('#upd-reassigned')), ref.reassigned);
    await page.evaluate(() => document.getElementById('update-result').scrollIntoView({ block: 'center' }));
    await shot(page, '09d-fold-in');
    // The updated model is the engine's, byte for byte as JSON.
    const saved = await download('#save-update-model', 'updated-model.json');
    assert.deepEqual(JSON.parse(saved.text), JSON.parse(JSON.stringify(ref.model)));
    // The new HCPs' assignments: their segments in the updated model.
    const out = parseCsv((await download('#export-update', 'folded-in.csv')).text);
    assert.deepEqual(out[0], ['hcp_id', 'segment', 'segment_name', 'distance', 'confidence']);
    const refAsg = hcp.assign(ref.model, drifted).assignments;
    assert.deepEqual(out.slice(1).map((r) => [r[0], Number(r[1])]), refAsg.map((a) => [a.hcpId, a.segment]));
    for (const r of out.slice(1)) if (r[1] === '0') assert.equal(r[2], 'Test persona zero');

    // A bad new-profiles file: line and column, a hint for this panel (no column table here), and the page keeps working.
    const badRows = drifted.split('\n');
    const cells = badRows[5].split(',');
    cells[head.indexOf('ch_email')] = 'many';
    badRows[5] = cells.join(',');
    const bad = join(h.tmp, 'bad-new-profiles.csv');
    writeFileSync(bad, badRows.join('\n'));
    await page.setInputFiles('#assign-input', bad);
    await page.click('#update-btn');
    await page.waitForSelector('#assign-error:not([hidden])');
    let err = await page.textContent('#assign-error');
    assert.match(err, /Line 6, column “ch_email”/);
    assert.match(err, /new file/);
    assert.doesNotMatch(err, /ignore|above/);
    assert.equal(await page.isHidden('#update-result'), true);
    await page.evaluate(() => document.getElementById('assign').scrollIntoView());
    await shot(page, '09e-fold-in-error');
    // The same hint for Assign (it used to suggest the column table of the load step).
    await page.click('#assign-btn');
    await page.waitForFunction(() => /Line 6/.test(document.getElementById('assign-error').textContent));
    err = await page.textContent('#assign-error');
    assert.doesNotMatch(err, /ignore|above/);

    // The saved updated model loads back and assigns.
    await page.setInputFiles('#model-input', saved.path);
    await page.waitForFunction(() => /updated-model\.json/.test(document.getElementById('model-status').textContent));
    const later = hcp.generateSample(300, 21);
    const laterPath = join(h.tmp, 'later.csv');
    writeFileSync(laterPath, later);
    await page.setInputFiles('#assign-input', laterPath);
    await page.click('#assign-btn');
    await page.waitForSelector('#assign-result:not([hidden])');
    assert.equal(await page.isHidden('#assign-error'), true);
    const counts = await page.$$eval('#assign-counts tbody tr', (trs) => trs.map((t) => [Number(t.dataset.seg), Number(t.children[1].textContent.replace(/\D/g, ''))]));
    const refCounts = new Map();
    for (const a of hcp.assign(ref.model, later).assignments) refCounts.set(a.segment, (refCounts.get(a.segment) ?? 0) + 1);
    assert.deepEqual(new Map(counts), refCounts);

    // Control: the same 2,000 HCPs without the planted drift, into the original model: no refresh due.
    await page.setInputFiles('#model-input', savedModel.path);
    await page.waitForFunction(() => /model\.json/.test(document.getElementById('model-status').textContent) && !/updated/.test(document.getElementById('model-status').textContent));
    const plainPath = join(h.tmp, 'new-profiles-plain.csv');
    writeFileSync(plainPath, plain);
    await page.setInputFiles('#assign-input', plainPath);
    await page.click('#update-btn');
    await page.waitForFunction(() => document.getElementById('update-verdict').dataset.due === 'false' && !document.getElementById('update-result').hidden);
    const refPlain = hcp.updateModel(m, plain, {});
    assert.equal(refPlain.refreshDue, false);
    const relPlain = await page.$$eval('#update-drift tbody tr', (trs) => trs.map((t) => Number(t.dataset.rel)));
    for (const [i, r] of relPlain.entries()) assert.ok(Math.abs(r - refPlain.drift[i].relativeShift) < 1e-9);
    assert.match(await page.textContent('#update-verdict'), /No full refresh needed/);

    // The thresholds are the engine's options: with a maximum drift of 0.3 the drifted file needs no refresh.
    await page.click('#update-options summary');
    await page.fill('#upd-max-drift', '0.3');
    await page.setInputFiles('#assign-input', path);
    await page.click('#update-btn');
    await page.waitForFunction(() => /new-profiles\.csv/.test(document.getElementById('update-summary').textContent));
    const ref03 = hcp.updateModel(m, drifted, { maxDrift: 0.3 });
    assert.equal(ref03.refreshDue, false);
    assert.equal(await page.getAttribute('#update-verdict', 'data-due'), 'false');
    assert.equal(await page.$$eval('#update-drift tr.over', (trs) => trs.length), 0);
    // … but with a maximum of 30 % new HCPs it is due again, for that reason only (2,000 of 5,000 = 40 %).
    await page.fill('#upd-max-new', '30');
    await page.click('#update-btn');
    await page.waitForFunction(() => document.getElementById('update-verdict').dataset.due === 'true');
    const refNew = hcp.updateModel(m, drifted, { maxDrift: 0.3, maxNewShare: 0.3 });
    const newReasons = await page.$$eval('#update-reasons li', (lis) => lis.map((l) => l.textContent));
    assert.equal(newReasons.length, refNew.reasons.length);
    assert.equal(newReasons.length, 1);
    assert.match(newReasons[0], /^2000 new rows are 40% of the model's universe, more than the maximum \(30%\)/);
    await page.fill('#upd-max-new', '50');
    // An unusable threshold: said in words, next to the panel.
    await page.fill('#upd-max-drift', '');
    await page.click('#update-btn');
    await page.waitForSelector('#assign-error:not([hidden])');
    assert.match(await page.textContent('#assign-error'), /maximum relative drift must be a number/);
    await page.fill('#upd-max-drift', '0.2');
    await page.click('#update-btn');
    await page.waitForSelector('#update-result:not([hidden])');
    assert.equal(await page.getAttribute('#update-verdict', 'data-due'), 'true');
    assert.equal(await page.isHidden('#assign-error'), true);
  });

  it('ranks look-alikes from a partial candidates file and exports them', async () => {
    const ref = hcp.segment(sample, { k: 4, seed: 42, nRuns: 10 });
    // Candidates outside the universe; partial profiles: no format columns at all, and some
    // channel cells left empty (unknown, not zero).
    const cand = parseCsv(hcp.generateSample(400, 9));
    const keep = cand[0].map((c, i) => (c.startsWith('fmt_') ? -1 : i)).filter((i) => i >= 0);
    const partial = cand.map((r, n) => keep.map((i) => (n > 0 && n % 3 === 0 && cand[0][i] === 'ch_x' ? '' : r[i])).join(',')).join('\n') + '\n';
    const path = join(h.tmp, 'candidates.csv');
    writeFileSync(path, partial);
    await page.setInputFiles('#la-input', path);
    await page.waitForFunction(() => /candidates\.csv/.test(document.getElementById('la-status').textContent));
    await page.selectOption('#la-segment', '2');
    await page.fill('#la-top', '25');
    await page.click('#la-btn');
    await page.waitForSelector('#la-result:not([hidden])');
    const refLa = hcp.lookalikes(ref.model, partial, { segment: 2, top: 25 });
    const shown = await page.$$eval('#la-ranking tbody tr', (trs) => trs.map((t) => [t.dataset.id, Number(t.children[2].textContent)]));
    assert.equal(shown.length, 25);
    assert.deepEqual(shown.map(([id]) => id), refLa.lookalikes.map((l) => l.hcpId), 'same ranking as the engine');
    for (const [i, [, score]] of shown.entries()) assert.ok(Math.abs(score - refLa.lookalikes[i].score) < 5e-4);
    for (let i = 1; i < shown.length; i++) assert.ok(shown[i - 1][1] >= shown[i][1], 'sorted by score');
    assert.ok(refLa.missingFeatures.length > 0, 'the candidates lack the format features');
    const out = await download('#export-la', 'lookalikes.csv');
    assert.equal(out.text, hcp.exportCsv('lookalikes', (({ csv, ...rest }) => rest)(refLa), EXCEL), 'the export is the engine\'s file');
    await page.evaluate(() => document.getElementById('lookalike').scrollIntoView());
    await shot(page, '09b-lookalikes');
    // A bad candidates file: the engine's message with the line; the page stays usable.
    const badRows = partial.split('\n');
    const cells = badRows[5].split(',');
    cells[keep.map((i) => cand[0][i]).indexOf('ch_email')] = 'many';
    badRows[5] = cells.join(',');
    const bad = join(h.tmp, 'bad-candidates.csv');
    writeFileSync(bad, badRows.join('\n'));
    await page.setInputFiles('#la-input', bad);
    await page.click('#la-btn');
    await page.waitForSelector('#la-error:not([hidden])');
    const err = await page.textContent('#la-error');
    assert.match(err, /Line 6/);
    assert.match(err, /ch_email/);
    await shot(page, '09c-lookalikes-error');
    await page.setInputFiles('#la-input', path);
    await page.click('#la-btn');
    await page.waitForSelector('#la-result:not([hidden])');
    assert.equal(await page.isHidden('#la-error'), true);
    // With every panel open (stability, plan, test cells, look-alikes, refresh), every control is labelled.
    await page.check('#cells-on');
    const unlabelled = await page.$$eval('input, select, textarea, button', (els) => els
      .filter((e) => !(e.type === 'hidden') && !e.closest('[hidden]'))
      .filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.textContent.trim()))
      .map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, []);
    await page.uncheck('#cells-on');
  });

  it('shows a broken CSV\'s error with its line and column, and stays usable', async () => {
    // Line 4 (header = line 1) has a word where ch_email's count should be.
    const lines = sample.split('\n').slice(0, 30);
    const cells = lines[3].split(',');
    cells[header.indexOf('ch_email')] = 'abc';
    lines[3] = cells.join(',');
    const broken = lines.join('\n') + '\n';
    // Dropped on the drop zone, as a user would.
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'broken.csv', { type: 'text/csv' }));
      document.getElementById('dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, broken);
    await page.waitForFunction(() => /broken\.csv/.test(document.getElementById('dataset-summary').textContent));
    await page.selectOption('#k-select', 'auto');
    await page.click('#run-btn');
    await page.waitForSelector('#run-error:not([hidden])');
    const err = await page.textContent('#run-error');
    assert.match(err, /Line 4/);
    assert.match(err, /ch_email/);
    assert.match(err, /abc/);
    await page.evaluate(() => document.getElementById('run').scrollIntoView());
    await shot(page, '10-broken-csv');
    // A JSON file that is not JSON: the page says where.
    const badJson = join(h.tmp, 'bad.json');
    writeFileSync(badJson, '[\n  {"hcp_id": "a", "ch_x": 1},\n  {"hcp_id": "b" "ch_x": 2}\n]\n');
    await page.setInputFiles('#file-input', badJson);
    await page.waitForSelector('#load-error:not([hidden])');
    assert.match(await page.textContent('#load-error'), /Line 3/);
    await page.evaluate(() => document.getElementById('load').scrollIntoView());
    await shot(page, '11-broken-json');
    // Still usable: the sample loads and runs again.
    await page.click('#sample-btn');
    await page.waitForFunction(() => /sample universe/.test(document.getElementById('dataset-summary').textContent));
    assert.equal(await page.isHidden('#load-error'), true);
    await page.click('#run-btn');
    await page.waitForSelector('#cards .card');
    assert.equal(await page.isHidden('#run-error'), true);
  });

  it('lets the user fix column roles before running', async () => {
    // An export with its own names: the id and one channel do not follow the conventions.
    const renamed = header.map((c) => (c === 'hcp_id' ? 'HCP token' : c === 'ch_linkedin' ? 'LinkedIn clicks' : c));
    const text = [renamed.join(','), ...sample.split('\n').slice(1)].join('\n');
    const path = join(h.tmp, 'custom-names.csv');
    writeFileSync(path, text);
    await page.setInputFiles('#file-input', path);
    await page.waitForFunction(() => /custom-names\.csv/.test(document.getElementById('dataset-summary').textContent));
    await page.selectOption('#k-select', '5');
    // As detected, there is no id column: the engine says so and the page says what to do.
    await page.click('#run-btn');
    await page.waitForSelector('#run-error:not([hidden])');
    assert.match(await page.textContent('#run-error'), /id/i);
    // Fix the two roles (options.columns) and run again.
    await page.selectOption('#columns-table select[data-col="HCP token"]', 'id');
    await page.waitForSelector('#columns-table .colitem.changed[data-role="id"]');
    await page.selectOption('#columns-table select[data-col="LinkedIn clicks"]', 'channel');
    // The engine inspects the file again with the mapping: both roles changed, with the engine's reason.
    await page.waitForFunction(() => document.querySelectorAll('#columns-table .colitem.changed').length === 2);
    assert.equal(await page.getAttribute('#columns-table .colitem:has(select[data-col="LinkedIn clicks"])', 'data-source'), 'mapping');
    await page.evaluate(() => document.getElementById('load').scrollIntoView());
    await shot(page, '12-roles-fixed');
    await page.click('#run-btn');
    await page.waitForSelector('#cards .card');
    assert.equal(await page.isHidden('#run-error'), true);
    assert.equal(await page.$$eval('#cards .card', (c) => c.length), 5);
    const ref = hcp.segment(text, { k: 5, seed: 42, nRuns: 10, columns: { 'HCP token': 'id', 'LinkedIn clicks': 'channel' } });
    assert.deepEqual((await cards()).map((c) => c.size), ref.segments.map((s) => s.size));
    assert.equal(await page.$$eval('#heatmap thead th', (t) => t.length), 1 + ref.report.channels.length);
  });

  it('aggregates an event log into profiles for a window, then segments them', async () => {
    // An event log built here from the sample's first 900 HCPs: one `click` per engagement (at most
    // 4 per channel), each with the HCP's top format, spread over Jan–Jun 2024; plus an `open` (not
    // counted) and a December 2023 click (outside the window) per HCP.
    const col = (n) => header.indexOf(n);
    const chCols = header.map((c, i) => [c, i]).filter(([c]) => c.startsWith('ch_'));
    const fmCols = header.map((c, i) => [c, i]).filter(([c]) => c.startsWith('fmt_'));
    const lines = ['hcp_id,timestamp,channel,format,action,specialty,country,consent_email,consent_tracking'];
    let counted = 0;
    const active = new Set();
    const day = (d) => new Date(Date.UTC(2024, 0, 1) + d * 86400000).toISOString().slice(0, 19) + 'Z';
    for (const [n, r] of sampleRows.slice(1, 901).entries()) {
      const carried = [r[col('specialty')], r[col('country')], r[col('consent_email')], r[col('consent_tracking')]].join(',');
      const fmt = fmCols.reduce((best, [c, i]) => (Number(r[i]) > Number(r[best[1]]) ? [c, i] : best), fmCols[0])[0].slice(4);
      let e = 0;
      for (const [c, i] of chCols) {
        for (let j = 0; j < Math.min(4, Math.round(Number(r[i]))); j++) {
          lines.push(`${r[0]},${day((n * 7 + e * 13) % 180)},${c.slice(3)},${fmt},click,${carried}`);
          e++; counted++; active.add(r[0]);
        }
      }
      lines.push(`${r[0]},${day(n % 180)},email,${fmt},open,${carried}`);
      lines.push(`${r[0]},2023-12-15T10:00:00Z,email,${fmt},click,${carried}`);
    }
    const log = lines.join('\n') + '\n';
    const logPath = join(h.tmp, 'events.csv');
    writeFileSync(logPath, log);
    await page.setInputFiles('#file-input', logPath);
    await page.waitForFunction(() => /event log/.test(document.getElementById('dataset-summary').textContent));
    assert.equal(await page.isChecked('#events-on'), true, 'the event log is detected');
    assert.equal(await page.isDisabled('#run-btn'), true, 'no run before aggregating');
    await page.fill('#events-from', '2024-01-01');
    await page.fill('#events-to', '2024-07-01');
    await page.evaluate(() => document.getElementById('load').scrollIntoView());
    await shot(page, '16-event-log');
    await page.click('#events-btn');
    await page.waitForSelector('#dataset-summary[data-events]');
    const rep = JSON.parse(await page.getAttribute('#dataset-summary', 'data-events'));
    assert.deepEqual(rep, { eventsRead: lines.length - 1, eventsCounted: counted, hcps: active.size }, 'counts from the generator');
    assert.match(await page.textContent('#dataset-summary'), new RegExp(`${active.size.toLocaleString('en-GB')} HCPs`));
    await shot(page, '17-event-log-aggregated');
    await page.selectOption('#k-select', '3');
    await page.click('#run-btn');
    await page.waitForFunction(() => document.querySelectorAll('#cards .card').length === 3 && /events\.csv/.test(document.getElementById('dataset-summary').textContent));
    await page.waitForSelector('#cards .card');
    const agg = hcp.aggregateEvents(log, { from: '2024-01-01', to: '2024-07-01' });
    const ref = hcp.segment(agg.csv, { k: 3, seed: 42, nRuns: 10 });
    await page.waitForFunction((n) => document.getElementById('rows-used')?.textContent.replace(/\D/g, '') === String(n), active.size);
    assert.deepEqual((await cards()).map((c) => c.size), ref.segments.map((s) => s.size));

    // A bad timestamp: the engine's message with line and column; the page keeps working.
    const bad = lines.slice(0, 40);
    bad[29] = bad[29].replace(/,20\d\d-[^,]*,/, ',31/12/2024,');
    const badPath = join(h.tmp, 'bad-events.csv');
    writeFileSync(badPath, bad.join('\n') + '\n');
    await page.setInputFiles('#file-input', badPath);
    await page.waitForFunction(() => /bad-events\.csv/.test(document.getElementById('dataset-summary').textContent));
    await page.click('#events-btn');
    await page.waitForSelector('#events-error:not([hidden])');
    const err = await page.textContent('#events-error');
    assert.match(err, /Line 30/);
    assert.match(err, /timestamp/);
    await page.evaluate(() => document.getElementById('load').scrollIntoView());
    await shot(page, '18-event-log-error');
  });

  it('cancels a long run, then segments 100,000 HCPs (timed) with a smooth scatter', { skip: process.env.HCP_E2E_SKIP_100K === '1' && 'HCP_E2E_SKIP_100K=1' }, async () => {
    const big = hcp.generateSample(100_000, 1);
    const bigPath = join(h.tmp, 'hcps-100k.csv');
    writeFileSync(bigPath, big);
    await page.setInputFiles('#file-input', bigPath);
    await page.waitForFunction(() => /100,000 rows/.test(document.getElementById('dataset-summary').textContent));
    await page.selectOption('#k-select', 'auto');
    // Cancel mid-run.
    await page.click('#run-btn');
    await page.waitForSelector('#cancel-btn:not([hidden])');
    // Cancel during the k sweep, the long stage.
    await page.waitForSelector('#stages li.active[data-stage="sweep"]', { timeout: 120_000 });
    await page.waitForFunction(() => /restart/.test(document.getElementById('progress-label').textContent));
    await page.evaluate(() => document.getElementById('run').scrollIntoView());
    await shot(page, '13-progress-100k');
    await page.click('#cancel-btn');
    await page.waitForFunction(() => /Cancelled/.test(document.getElementById('run-status').textContent));
    assert.equal(await page.isEnabled('#run-btn'), true);
    assert.equal(await page.isHidden('#progress'), true);
    // The full run, timed from the click to the cards.
    page.setDefaultTimeout(600_000);
    const t0 = Date.now();
    await page.click('#run-btn');
    await page.waitForSelector('#cards .card');
    timings.hcp100kRunToCardsMs = Date.now() - t0;
    timings.hcp100kEngineMs = num(await page.getAttribute('#run-status', 'data-ms'));
    const cs = await cards();
    assert.equal(cs.reduce((a, c) => a + c.size, 0), 100_000);
    assert.equal(cs.length, num(await page.textContent('#chosen-k')));
    assert.equal(await page.getAttribute('#scatter', 'data-points'), '100000');
    timings.scatter100kDrawMs = Number(await page.getAttribute('#scatter', 'data-render-ms'));
    // Re-drawing on a selection change stays interactive.
    await page.waitForSelector('#target:not([hidden])');
    await page.uncheck('#seg-picks input[value="0"]');
    timings.scatter100kRedrawMs = Number(await page.getAttribute('#scatter', 'data-render-ms'));
    assert.ok(timings.scatter100kRedrawMs < 500, `scatter redraw ${timings.scatter100kRedrawMs} ms`);
    await page.check('#seg-picks input[value="0"]');
    await page.evaluate(() => document.getElementById('results').scrollIntoView());
    await shot(page, '14-results-100k');
    // The engine's plan and stability on 100,000 HCPs: the plan adds up to the budget, and the
    // stability check (a second worker, bootstrap samples of 20,000) reports on every segment.
    const budgetCents = Math.round(Number(await page.inputValue('#budget-input')) * 100);
    await page.waitForFunction((c) => document.getElementById('plan-total')?.dataset.cents === String(c), budgetCents);
    const planCents = await page.$$eval('#plan-table tbody td[data-seg]', (t) => t.reduce((a, x) => a + Number(x.dataset.cents), 0));
    assert.equal(planCents, budgetCents);
    await page.waitForFunction((n) => document.querySelectorAll('#cards .stab .badge[data-verdict]').length === n, cs.length);
    timings.stability100kMs = num(await page.getAttribute('#stab-status', 'data-ms'));
    page.setDefaultTimeout(60_000);
  });

  it('made no request after start-up but the engine\'s own files, all same-origin, and logged no error', async () => {
    const origin = new URL(h.url).origin;
    const foreign = h.log.requests.filter((r) => !r.url.startsWith(origin + '/') && !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
    assert.deepEqual(foreign, [], 'every request is same-origin');
    const startup = new Set(h.log.requests.slice(0, readyRequests).map((r) => r.url));
    const later = h.log.requests.slice(readyRequests).filter((r) => !r.url.startsWith('blob:'));
    // After a Cancel the package restarts its worker, which loads the same worker script and .wasm
    // again. The tools module (hcp_segments_tools_bg.wasm) may arrive just after the engine is
    // ready: the page loads it in the background once the segmentation module is up (engine.js).
    const toolsWasm = (u) => /\/hcp_segments_tools_bg[^/]*\.wasm$/.test(new URL(u).pathname);
    const unexpected = later.filter((r) => !(startup.has(r.url) || toolsWasm(r.url)) || !/\.(js|wasm)$/.test(new URL(r.url).pathname));
    assert.deepEqual(unexpected, [], 'nothing but the engine\'s own files after start-up');
    const errors = h.log.console.filter((m) => m.type === 'error');
    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(h.log.pageErrors, [], 'no uncaught page errors');
    writeFileSync(join(ARTIFACTS, 'requests.json'), JSON.stringify(h.log.requests.map((r) => ({ ...r, afterStartup: r.t >= readyAt })), null, 2));
    // Nothing kept in the browser after all that work: keeping the workspace is opt-in (journey.test.mjs opts in and forgets).
    const stored = await page.evaluate(async () => ({
      databases: (await indexedDB.databases()).map((d) => d.name), local: localStorage.length, session: sessionStorage.length, cookies: document.cookie,
    }));
    assert.deepEqual(stored, { databases: [], local: 0, session: 0, cookies: '' }, 'no IndexedDB, localStorage, sessionStorage or cookie until opted in');
  });

  it('enforces the CSP: the page itself cannot connect anywhere', async () => {
    const res = await page.evaluate(async () => {
      const out = {};
      for (const [k, u] of [['self', '/'], ['other', 'http://127.0.0.2:9/']]) {
        try { await fetch(u); out[k] = 'allowed'; } catch { out[k] = 'blocked'; }
      }
      return out;
    });
    assert.deepEqual(res, { self: 'blocked', other: 'blocked' });
    await shotFull(page, '15-full-page');
  });
});
