// The page in a marketer's words: the first screen says what the page does and offers the sample
// and a template (both written by the engine); the chosen number of segments in one sentence, the
// sweep under "Advanced"; every number on a card explained where it appears; segment names, not
// ids, in the cards, legend, plan and test cells.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { start, shot, parseCsv, ROOT } from './harness.mjs';

const require = createRequire(join(ROOT, 'www', 'package.json'));
const hcp = require('hcp-segments');

describe('plain language', { concurrency: false }, () => {
  let h, page, ref;
  before(async () => {
    h = await start();
    page = h.page;
    page.setDefaultTimeout(60_000);
    ref = hcp.segment(hcp.generateSample(5000, 42), { k: 'auto', seed: 42, nRuns: 10 });
  });
  after(async () => { await h?.close(); });

  const download = (selector, name) => h.download(selector, name);

  it('the first screen says what the page does and what you get, without jargon', async () => {
    await page.goto(h.url);
    await page.waitForSelector('body[data-engine="ready"]');
    const intro = await page.innerText('#intro');
    assert.match(intro, /segments that behave alike/);
    assert.match(intro, /At the end you have persona cards, a budget split/);
    assert.ok(await page.isVisible('#intro-h'), 'the intro is on screen');
    const box = await page.$eval('#intro', (e) => e.getBoundingClientRect().bottom);
    assert.ok(box <= 800, `the intro fits the first screen (bottom at ${box}px)`);
    // Rendered text only (closed disclosures are not rendered): none of the method's jargon.
    const visible = await page.evaluate(() => document.body.innerText);
    for (const word of ['linfa', 'Hungarian', 'mini-batch']) assert.ok(!visible.includes(word), `no "${word}" on the first screen`);
    // …which is still there, under a disclosure.
    assert.match(await page.textContent('#assign details.method-note'), /Hungarian algorithm/);
    await shot(page, 'plain-01-first-screen');
  });

  it('offers the sample and a template, both written by the engine', async () => {
    const tpl = await download('#template-btn');
    assert.equal(tpl.filename, 'hcp-segments-template.csv');
    assert.equal(tpl.text, hcp.generateSample(3, 7), 'the engine\'s generateSample(3, 7)');
    const rows = parseCsv(tpl.text);
    assert.equal(rows.length, 4, 'a header and 3 example rows');
    assert.deepEqual(rows[0], parseCsv(hcp.generateSample(5000, 42))[0], 'the columns the page expects (those of the sample)');
    const sample = await download('#intro-sample-btn');
    assert.equal(sample.filename, 'hcp-sample-5000.csv');
    assert.equal(sample.text, hcp.generateSample(5000, 42));
  });

  it('says in one sentence why this many segments; the sweep is under Advanced', async () => {
    await page.click('#sample-btn');
    await page.waitForSelector('#dataset:not([hidden])');
    await page.click('#run-btn');
    await page.waitForSelector('#target:not([hidden])');
    const k = ref.kSweep.chosenK;
    assert.equal(await page.textContent('#k-sentence'),
      `${k} segments: the most distinct split of the ${ref.kSweep.rows.length} tried in which every segment has at least ${ref.kSweep.minSegmentSize} HCPs.`);
    assert.equal(await page.$eval('#k-advanced', (d) => d.open), false, 'the metrics are closed by default');
    assert.match(await page.textContent('#k-advanced > summary'), /^Advanced: how the number of segments was chosen$/);
    assert.equal(await page.$$eval('#k-advanced #sweep-chart svg circle', (c) => c.length), 4 * ref.kSweep.rows.length, 'the four metric charts are inside');
    assert.equal(await page.isVisible('#sweep-chart svg'), false);
    await page.click('#k-advanced > summary');
    assert.equal(await page.isVisible('#sweep-chart svg'), true);
  });

  it('explains each number on a card where it appears', async () => {
    await page.waitForSelector('#stab-status[data-ms]');
    const cards = await page.$$eval('#cards .card', (cs) => cs.map((c) => ({
      id: Number(c.dataset.seg),
      indexes: [...c.querySelectorAll('table.scores tbody tr')].map((tr) => [tr.dataset.name, tr.querySelector('.idx').textContent, tr.querySelector('.x-avg')?.textContent]),
      base: [...c.querySelectorAll('h4')].map((x) => x.textContent).join(' | '),
      explain: c.querySelector('details.card-explain')?.textContent ?? '',
      stab: c.querySelector('.stab .stab-words')?.textContent ?? '',
      verdict: c.querySelector('.stab .badge')?.dataset.verdict,
      seg: c.querySelector('.seg-no').textContent,
    })));
    assert.equal(cards.length, ref.segments.length);
    for (const [i, c] of cards.entries()) {
      const s = ref.segments.find((x) => x.id === c.id);
      assert.equal(c.seg, `Segment ${i + 1} of ${cards.length}`, 'no #id on the card');
      for (const [name, index, times] of c.indexes) {
        const score = [...s.channels, ...s.formats].find((x) => x.name === name);
        assert.equal(Number(index.replace(/,/g, '')), Math.round(score.index));
        assert.equal(times, `${(score.index / 100).toFixed(1)}×`, `${name}: index ${index} shown as a multiple of the average HCP`);
      }
      assert.match(c.base, new RegExp(`base: n = ${s.size.toLocaleString('en-US')} HCPs`));
      const top = [...s.channels].sort((a, b) => b.share - a.share)[0];
      assert.match(c.explain, new RegExp(`index ${Math.round(top.index)} = ${(top.index / 100).toFixed(1)}× the average HCP`), 'the top channel as the worked example');
      assert.match(c.explain, /stable = the segment comes back with nearly the same HCPs/);
      assert.match(c.explain, new RegExp(`over the segment's ${s.size.toLocaleString('en-US')} HCPs`));
      assert.ok(c.stab.length > 10, `the verdict "${c.verdict}" in visible words`);
    }
    await page.$eval('#cards .card details.card-explain', (d) => { d.open = true; });
    await page.$eval('#cards .card details.card-explain', (e) => e.scrollIntoView({ block: 'center' }));
    await shot(page, 'plain-02-card-explained');
  });

  it('names segments by their persona names, not ids, in the legend, plan and test cells', async () => {
    await page.fill('#cards .card[data-seg="1"] .persona', 'DACH learners');
    await page.check('#cells-on');
    await page.waitForSelector('#cells-table');
    await page.waitForFunction(() => /DACH learners/.test(document.querySelector('#plan-table thead')?.textContent ?? ''));
    const names = ref.segments.map((s) => (s.id === 1 ? 'DACH learners' : s.name));
    const legend = await page.$$eval('#scatter-legend [data-seg]', (l) => l.map((x) => x.textContent.trim()));
    assert.deepEqual(legend, names);
    const cellHeads = await page.$$eval('#cells-table th.seg-name', (t) => t.map((x) => x.textContent));
    assert.deepEqual(cellHeads, names);
    const planHeads = await page.$$eval('#plan-table th.seg-col', (t) => t.map((x) => x.firstChild.nextSibling.textContent));
    assert.deepEqual(planHeads, names);
    for (const sel of ['#scatter-legend', '#cells-table', '#plan', '#heatmap', '#seg-picks']) {
      assert.doesNotMatch(await page.textContent(sel), /#\d/, `no #id in ${sel}`);
    }
    for (const [sel, name] of [['#results-h', 'plain-03-results'], ['#plan-table', 'plain-04-plan'], ['#cells-table', 'plain-05-cells']]) {
      await page.$eval(sel, (e) => e.scrollIntoView({ block: 'start' }));
      await shot(page, name);
    }
  });
});
