// The page's pictures: the scatter answers hover, keyboard and clicks (with a grid index, fast at
// any size); segment sizes and the budget as bars; the migration as a flow; no sideways scroll on a
// phone (390 × 844) or a tablet (768 × 1024). References: the package's Node build.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { start, shot, shotFull, ROOT } from './harness.mjs';

const require = createRequire(join(ROOT, 'www', 'package.json'));
const hcp = require('hcp-segments');
const sample = hcp.generateSample(5000, 42);

/** Load the sample and run with a fixed k; resolves when the target panel is up. */
export async function loadAndRun(page, url, k = '4') {
  await page.goto(url);
  await page.waitForSelector('body[data-engine="ready"]');
  await page.click('#sample-btn');
  await page.waitForSelector('#dataset:not([hidden])');
  await page.selectOption('#k-select', k);
  await page.click('#run-btn');
  await page.waitForSelector('#cards .card');
  await page.waitForSelector('#target:not([hidden])');
  await page.waitForSelector('#plan-table');
}

describe('pictures', { concurrency: false }, () => {
  let h, page;
  const ref = hcp.segment(sample, { k: 4, seed: 42, nRuns: 10 });
  before(async () => { h = await start(); page = h.page; page.setDefaultTimeout(60_000); await loadAndRun(page, h.url); });
  after(async () => { await h?.close(); });

  it('hovering a point shows its HCP, segment name and confidence (the engine\'s)', async () => {
    await page.evaluate(() => document.getElementById('scatter').scrollIntoView({ block: 'center' }));
    // A point's place on screen, from the geometry the drawing kept.
    const target = await page.evaluate(() => {
      const c = document.getElementById('scatter'), g = c.scatterGeometry, r = c.getBoundingClientRect();
      for (let i = 0; i < g.n; i += 97) {
        const x = g.ox + (g.pts[2 * i] - g.x0) * g.sx, y = g.oy + g.ph - (g.pts[2 * i + 1] - g.y0) * g.sy;
        if (x > g.ox + 20 && x < g.ox + g.pw - 20 && y > g.oy + 20 && y < g.oy + g.ph - 20) return { x: r.left + x * r.width / g.W, y: r.top + y * r.width / g.W };
      }
      return null;
    });
    assert.ok(target);
    await page.mouse.move(target.x, target.y);
    await page.waitForSelector('#scatter-tip:not([hidden])');
    const tip = await page.textContent('#scatter-tip');
    const id = tip.match(/^(\S+?)#/)?.[1] ?? tip.split('#')[0].trim();
    const a = ref.assignments.find((x) => x.hcpId === id);
    assert.ok(a, `the tooltip names an HCP of the run: ${tip}`);
    assert.match(tip, new RegExp(`#${a.segment} ${ref.segments[a.segment].name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(tip, new RegExp(`confidence ${a.confidence.toFixed(2)}`));
    await shot(page, 'pictures-01-scatter-hover');
    // Moving away hides it.
    await page.mouse.move(1, 1);
    await page.waitForSelector('#scatter-tip', { state: 'hidden' });
  });

  it('the keyboard goes from segment to segment (announced) and Enter lists its HCPs', async () => {
    await page.focus('#scatter');
    await page.keyboard.press('ArrowRight');
    assert.match(await page.textContent('#scatter-live'), new RegExp(`Segment #0 .*: ${ref.segments[0].size.toLocaleString('en-GB')} HCPs`));
    await page.keyboard.press('ArrowRight');
    assert.match(await page.textContent('#scatter-live'), /Segment #1 /);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.match(await page.textContent('#scatter-live'), /Segment #3 /, 'wraps around');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#segment-hcps table.hcp-list[data-seg="3"]');
    const n = ref.segments[3].size;
    assert.equal(Number(await page.getAttribute('#segment-hcps table', 'data-count')), n);
    assert.equal(await page.$$eval('#segment-hcps tbody tr', (r) => r.length), Math.min(200, n));
  });

  it('a click on a legend entry lists that segment\'s HCPs: most typical first, 200 at most, with the count', async () => {
    await page.click('#scatter-legend button[data-seg="0"]');
    await page.waitForSelector('#segment-hcps table.hcp-list[data-seg="0"]');
    const rows = await page.$$eval('#segment-hcps tbody tr', (trs) => trs.map((t) => [t.children[0].textContent, Number(t.children[1].textContent)]));
    const members = ref.assignments.filter((a) => a.segment === 0).sort((a, b) => b.confidence - a.confidence);
    assert.equal(rows.length, Math.min(200, members.length));
    assert.deepEqual(rows.map((r) => r[1]), members.slice(0, rows.length).map((a) => Number(a.confidence.toFixed(2))));
    assert.ok(rows.every(([id]) => members.some((m) => m.hcpId === id)));
    if (members.length > 200) assert.match(await page.textContent('#segment-hcps'), new RegExp(`200 most typical of ${members.length.toLocaleString('en-GB')}.*Export target list`));
    await page.evaluate(() => document.getElementById('segment-hcps').scrollIntoView());
    await shot(page, 'pictures-02-segment-hcps');
  });

  it('the hover lookup is cheap: 100,000 points indexed, 500 mouse moves', async () => {
    const ms = await page.evaluate(() => {
      const c = document.getElementById('scatter'), g = c.scatterGeometry;
      const n = 100_000, pts = new Float64Array(2 * n), labels = new Uint8Array(n);
      for (let i = 0; i < n; i++) { pts[2 * i] = g.x0 + Math.random() * (g.pw / g.sx); pts[2 * i + 1] = g.y0 + Math.random() * (g.ph / g.sy); labels[i] = i % 4; }
      c.scatterGeometry = { ...g, n, pts, labels };
      const r = c.getBoundingClientRect();
      const t0 = performance.now();
      for (let j = 0; j < 500; j++) c.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + (j * 7) % r.width, clientY: r.top + (j * 13) % r.height, bubbles: true }));
      const t = performance.now() - t0;
      c.scatterGeometry = g;
      return t;
    });
    console.log(`# 500 mouse moves over 100,000 points (incl. one index build): ${ms.toFixed(1)} ms`);
    assert.ok(ms < 1500, `${ms} ms`);
  });

  it('segment sizes and the budget split are bars with their numbers written out', async () => {
    const sizes = await page.$$eval('#size-bars [data-seg]', (r) => r.map((x) => Number(x.dataset.size)));
    assert.deepEqual(sizes, ref.segments.map((s) => s.size));
    const total = Number(await page.getAttribute('#plan-total', 'data-cents'));
    const chCents = await page.$$eval('#budget-bars [data-channel]', (r) => r.map((x) => Number(x.dataset.cents)));
    assert.ok(chCents.length > 0);
    assert.equal(chCents.reduce((a, b) => a + b, 0), total, 'the channel bars add up to the budget');
    const planCh = await page.$$eval('#plan-table .ch-total', (t) => t.map((x) => Number(x.dataset.cents)));
    assert.deepEqual(chCents, planCh, 'same amounts, same order as the plan table');
    await page.evaluate(() => document.getElementById('sizes-fig').scrollIntoView());
    await shot(page, 'pictures-03-sizes');
    await page.evaluate(() => document.getElementById('budget-bars').scrollIntoView());
    await shot(page, 'pictures-04-budget');
  });

  it('the migration of a refresh is a flow whose bands carry the engine\'s counts', async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#save-model')]);
    const modelPath = join(h.tmp, 'model.json');
    await dl.saveAs(modelPath);
    const m = JSON.parse(readFileSync(modelPath, 'utf8'));
    // Previous period: the run's assignments with every 7th HCP of segment 0 put in segment 1.
    const prev = ref.assignments.map((a, i) => ({ hcpId: a.hcpId, segment: a.segment === 0 && i % 7 === 0 ? 1 : a.segment }));
    const prevPath = join(h.tmp, 'previous.csv'), newPath = join(h.tmp, 'period.csv');
    writeFileSync(prevPath, ['hcp_id,segment', ...prev.map((a) => `${a.hcpId},${a.segment}`)].join('\n') + '\n');
    writeFileSync(newPath, sample);
    await page.setInputFiles('#model-input', modelPath);
    await page.waitForFunction(() => /Model loaded/.test(document.getElementById('model-status').textContent));
    await page.setInputFiles('#assign-input', newPath);
    await page.setInputFiles('#previous-input', prevPath);
    await page.waitForFunction(() => /Previous assignments/.test(document.getElementById('model-status').textContent));
    await page.click('#refresh-btn');
    await page.waitForSelector('#migration-flow svg');
    const want = hcp.refresh(m, sample, prev).refresh.migration;
    const bands = await page.$$eval('#migration-flow path.flow-band', (p) => p.map((x) => [Number(x.dataset.from), Number(x.dataset.to), Number(x.dataset.n)]));
    const expected = [];
    want.forEach((row, i) => row.forEach((v, j) => { if (v) expected.push([i, j, v]); }));
    assert.deepEqual(bands, expected);
    assert.match(await page.getAttribute('#migration-flow svg', 'aria-label'), /moved/);
    await page.evaluate(() => document.getElementById('migration-flow').scrollIntoView());
    await shot(page, 'pictures-05-flow');
  });

  it('a too-small segment is drawn hatched and says so', async () => {
    const small = hcp.generateSample(60, 3);
    const want = hcp.segment(small, { k: 6, seed: 42, nRuns: 10 }).segments;
    assert.ok(want.some((s) => s.tooSmall), 'the reference has a too-small segment');
    const path = join(h.tmp, 'small.csv');
    writeFileSync(path, small);
    await page.setInputFiles('#file-input', path);
    await page.waitForFunction(() => /small\.csv/.test(document.getElementById('dataset-summary').textContent));
    await page.selectOption('#k-select', '6');
    await page.click('#run-btn');
    await page.waitForFunction(() => document.querySelectorAll('#size-bars [data-seg]').length === 6);
    const rows = await page.$$eval('#size-bars [data-seg]', (r) => r.map((x) => [Number(x.dataset.size), x.classList.contains('too-small'), x.textContent]));
    assert.deepEqual(rows.map((r) => [r[0], r[1]]), want.map((s) => [s.size, s.tooSmall]));
    for (const [, small, text] of rows) assert.equal(/too small/.test(text), small);
    await page.evaluate(() => document.getElementById('sizes-fig').scrollIntoView());
    await shot(page, 'pictures-06-sizes-too-small');
  });
});

for (const [w, hgt, name] of [[390, 844, 'phone'], [768, 1024, 'tablet']]) {
  describe(`${w} px (${name})`, { concurrency: false }, () => {
    let h, page;
    before(async () => { h = await start({ width: w, height: hgt }); page = h.page; page.setDefaultTimeout(60_000); });
    after(async () => { await h?.close(); });
    const noSideways = async (where) => {
      const sw = await page.evaluate(() => document.documentElement.scrollWidth);
      const wide = await page.evaluate((vw) => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > vw + 1 && e.checkVisibility?.() && !e.closest('.table-wrap'))
        .slice(0, 5).map((e) => `${e.tagName}#${e.id}.${e.className}`), w);
      assert.ok(sw <= w, `${where}: scrollWidth ${sw} > ${w}; too wide: ${wide.join(', ')}`);
    };
    it('no horizontal scroll, header whole, before and after a run; targets ≥ 44 px', async () => {
      await page.goto(h.url);
      await page.waitForSelector('body[data-engine="ready"]');
      await noSideways('start');
      const head = await page.evaluate(() => { const r = document.querySelector('header.top').getBoundingClientRect(); return { left: r.left, right: r.right }; });
      assert.ok(head.left >= 0 && head.right <= w, `header inside the screen: ${JSON.stringify(head)}`);
      await shot(page, `pictures-${w}-01-start`);
      await loadAndRun(page, h.url, 'auto');
      await noSideways('results');
      // The sweep's text stays readable: its SVG is drawn at most 1.6× wider than shown.
      const sweep = await page.evaluate(() => { const s = document.querySelector('#sweep-chart svg'); return { vb: s.viewBox.baseVal.width, shown: s.getBoundingClientRect().width }; });
      assert.ok(sweep.vb / sweep.shown < 1.6, `sweep scaled down ${(sweep.vb / sweep.shown).toFixed(2)}×`);
      for (const sel of ['#run-btn', '#sample-btn', '#scatter-legend button']) {
        const box = await page.locator(sel).first().boundingBox();
        assert.ok(box.height >= 44 || sel === '#scatter-legend button', `${sel} is ${box.height} px high`);
      }
      await page.evaluate(() => document.getElementById('results').scrollIntoView());
      await shot(page, `pictures-${w}-02-results`);
      await page.evaluate(() => document.getElementById('sweep-fig').scrollIntoView());
      await shot(page, `pictures-${w}-03-sweep`);
      await page.evaluate(() => document.getElementById('cards').scrollIntoView());
      await shot(page, `pictures-${w}-04-cards`);
      await page.evaluate(() => document.getElementById('target').scrollIntoView());
      await shot(page, `pictures-${w}-05-target`);
      await page.evaluate(() => document.getElementById('budget-bars').scrollIntoView());
      await shot(page, `pictures-${w}-06-budget`);
      await shotFull(page, `pictures-${w}-full`);
    });
  });
}
