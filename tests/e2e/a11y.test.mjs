// Accessibility: axe-core (the root devDependency) on every panel of the page, before and after a
// run, with the panels' results on show; no serious or critical violation is allowed.
// The page's CSP (script-src 'self') forbids an injected <script>, so axe's source is evaluated
// through the DevTools protocol (page.evaluate), which the CSP does not govern.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { start, ROOT } from './harness.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const hcpRequire = createRequire(join(ROOT, 'www', 'package.json'));
const hcp = hcpRequire('hcp-segments');

describe('accessibility (axe-core)', { concurrency: false }, () => {
  let h, page;
  before(async () => { h = await start(); page = h.page; page.setDefaultTimeout(60_000); });
  after(async () => { await h?.close(); });

  /** axe on one panel: the serious and critical violations, as readable lines. */
  async function audit(selector) {
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
    const res = await page.evaluate(async (sel) => {
      const r = await window.axe.run(sel, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary.split('\n').slice(0, 2).join(' ')) }));
    }, selector);
    for (const v of res) console.log(`# ${selector} [${v.impact}] ${v.id}: ${v.help}\n#   ${v.nodes.join('\n#   ')}`);
    return res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }
  const clean = async (...sels) => {
    for (const s of sels) {
      assert.equal(await page.isVisible(s), true, `${s} is on show`);
      const bad = await audit(s);
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes[0]}`), [], `${s}: no serious or critical violation`);
    }
  };

  it('on load: header, load, segment, saved segments and privacy panels', async () => {
    await page.goto(h.url);
    await page.waitForSelector('body[data-engine="ready"]');
    await clean('header.top', '#load', '#run', '#assign', '#privacy');
  });

  it('after a run: load (columns), results, target (plan, cells), look-alikes', async () => {
    await page.click('#sample-btn');
    await page.waitForSelector('#dataset:not([hidden])');
    await page.click('#run-btn');
    await page.waitForSelector('#cards .card');
    await page.waitForSelector('#plan-table');
    await page.click('#scatter-legend button[data-seg="0"]');
    await page.waitForSelector('#segment-hcps table');
    await page.check('#cells-on');
    await page.waitForSelector('#cells-out table');
    await clean('#load', '#results', '#target');
    const cands = join(h.tmp, 'cands.csv');
    writeFileSync(cands, hcp.generateSample(300, 9));
    await page.setInputFiles('#la-input', cands);
    await page.waitForFunction(() => /cands\.csv/.test(document.getElementById('la-status').textContent));
    await page.click('#la-btn');
    await page.waitForSelector('#la-result:not([hidden])');
    await clean('#lookalike');
  });

  it('saved segments with results (assign, refresh with its flow) and the privacy panel', async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#save-model')]);
    const modelPath = join(h.tmp, 'model.json');
    await dl.saveAs(modelPath);
    const sample = hcp.generateSample(5000, 42);
    const m = JSON.parse(readFileSync(modelPath, 'utf8'));
    const prev = hcp.assign(m, sample).assignments;
    const prevPath = join(h.tmp, 'prev.csv'), newPath = join(h.tmp, 'new.csv');
    writeFileSync(prevPath, ['hcp_id,segment', ...prev.map((a, i) => `${a.hcpId},${i % 9 === 0 ? (a.segment + 1) % m.centroids.length : a.segment}`)].join('\n') + '\n');
    writeFileSync(newPath, sample);
    await page.setInputFiles('#model-input', modelPath);
    await page.waitForFunction(() => /Model loaded/.test(document.getElementById('model-status').textContent));
    await page.setInputFiles('#assign-input', newPath);
    await page.click('#assign-btn');
    await page.waitForSelector('#assign-result:not([hidden])');
    await clean('#assign');
    await page.setInputFiles('#previous-input', prevPath);
    await page.waitForFunction(() => /Previous assignments/.test(document.getElementById('model-status').textContent));
    await page.click('#refresh-btn');
    await page.waitForSelector('#migration-flow svg');
    await clean('#assign', '#privacy', 'header.top');
  });
});
