// A marketer's journey in headless Chromium: load the sample → segment → rename two personas →
// change k (the names stay where the segments are matched, the new one is marked) → filter, plan,
// test cells → save the project → reload → open the project → the same cards, names, filters, plan
// and cells. Also: a project on a file asks for that file and refuses another one (the
// fingerprint); the HCP rows inside the project; a corrupt project is refused and the page works.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { start, shot, ROOT, ARTIFACTS } from './harness.mjs';

const require = createRequire(join(ROOT, 'www', 'package.json'));
/** The package as www depends on it (Node build): the sample, and reference runs. */
const hcp = require('hcp-segments');

describe('a marketer\'s journey: work that is kept', { concurrency: false }, () => {
  let h, page;
  const sample = hcp.generateSample(5000, 42);

  before(async () => {
    h = await start();
    page = h.page;
    page.setDefaultTimeout(60_000);
  });
  after(async () => { await h?.close(); });

  const download = (selector, name) => h.download(selector, name);

  const cards = () => page.$$eval('#cards .card', (cs) => cs.map((c) => ({
    id: Number(c.dataset.seg),
    size: Number(c.querySelector('.seg-size').textContent.replace(/[^0-9]/g, '')),
    name: c.querySelector('.persona').value,
    isNew: !!c.querySelector('[data-new]'),
  })));
  const waitCards = (n) => page.waitForFunction((k) => document.querySelectorAll('#cards .card').length === k && !document.getElementById('target').hidden, n);
  /** What the workspace shows: cards, filters, selected count, plan amounts, cells. */
  async function workspace() {
    await page.waitForFunction(() => document.getElementById('plan-total')?.dataset.cents && !document.getElementById('plan').hasAttribute('aria-busy'));
    await page.waitForSelector('#cells-table');
    return {
      cards: (await cards()).map(({ id, size, name }) => ({ id, size, name })),
      checked: await page.$$eval('#target-form .checks input:checked', (is) => is.map((i) => `${i.name}=${i.value}`)),
      count: await page.textContent('#target-count'),
      budget: await page.inputValue('#budget-input'),
      plan: await page.$$eval('#plan-table tbody td[data-seg]', (tds) => tds.map((td) => `${td.dataset.seg}|${td.dataset.channel}|${td.dataset.cents}`)),
      total: await page.getAttribute('#plan-total', 'data-cents'),
      cells: await page.$$eval('#cells-table tbody tr', (trs) => trs.map((t) => [t.dataset.cell, t.querySelector('.cell-count').textContent])),
      dialect: await page.inputValue('#csv-dialect'),
    };
  }
  /** Would leaving the page now ask first (the beforeunload handler cancels the unload)? */
  const asksBeforeLeaving = () => page.evaluate(() => {
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  });
  /** A fresh load of the page (a navigation: the browser refills no form field). */
  async function reload() {
    await page.goto(h.url);
    await page.waitForSelector('body[data-engine="ready"]');
  }
  /** Everything this origin keeps in the browser. */
  const storage = () => page.evaluate(async () => ({
    databases: (await indexedDB.databases()).map((d) => d.name), local: localStorage.length, session: sessionStorage.length, cookies: document.cookie,
  }));
  const NOTHING = { databases: [], local: 0, session: 0, cookies: '' };
  const openProject = (path) => page.setInputFiles('#project-input', path);
  const waitState = (state) => page.waitForFunction((s) => document.getElementById('project-status').dataset.state === s, state);

  let before5, projectPath, shownBefore;

  it('segments the sample, keeps two names across a change of k and marks the new segment', async () => {
    await page.goto(h.url);
    await page.waitForSelector('body[data-engine="ready"]');
    assert.equal(await asksBeforeLeaving(), false, 'nothing to lose yet: no warning');
    await page.click('#sample-btn');
    await page.waitForSelector('#dataset:not([hidden])');
    await page.selectOption('#k-select', '5');
    await page.click('#run-btn');
    await waitCards(5);
    before5 = hcp.segment(sample, { k: 5, seed: 42, nRuns: 10 });
    assert.deepEqual((await cards()).map((c) => c.size), before5.segments.map((s) => s.size));
    await page.fill('#cards .card[data-seg="0"] .persona', 'Congress regulars');
    await page.fill('#cards .card[data-seg="1"] .persona', 'Portal learners');
    await page.waitForFunction(() => /Congress regulars/.test(document.getElementById('heatmap').textContent));
    assert.equal(await asksBeforeLeaving(), true, 'results not saved: leaving asks first');
    await shot(page, 'j01-renamed');

    await page.selectOption('#k-select', '6');
    await waitCards(6);
    await page.waitForSelector('#names-notice:not([hidden])');
    const after6 = hcp.segment(sample, { k: 6, seed: 42, nRuns: 10 });
    const shown = await cards();
    assert.deepEqual(shown.map((c) => c.size), after6.segments.map((s) => s.size), 'the k = 6 run as the engine computes it');
    // The oracle: which k = 6 segment holds most of each renamed k = 5 segment's HCPs, counted here.
    const old = new Map(before5.assignments.map((a) => [a.hcpId, a.segment]));
    const overlap = (newId, oldId) => {
      const members = after6.assignments.filter((a) => a.segment === newId);
      return members.filter((a) => old.get(a.hcpId) === oldId).length / members.length;
    };
    const match = hcp.matchSegments({ ...before5, segments: before5.segments.map((s) => ({ id: s.id, name: s.id === 0 ? 'Congress regulars' : s.id === 1 ? 'Portal learners' : s.name })) }, after6);
    for (const [oldId, name] of [[0, 'Congress regulars'], [1, 'Portal learners']]) {
      const m = match.segments.find((s) => s.previousId === oldId);
      const card = shown.find((c) => c.name === name);
      if (m) {
        assert.ok(card, `“${name}” is kept`);
        assert.equal(card.id, m.id, `“${name}” is on the segment that continues #${oldId}`);
        assert.ok(overlap(card.id, oldId) >= 0.5, `at least half of #${card.id} was #${oldId}`);
      } else {
        assert.ok(!card, `“${name}” is dropped: no segment continues #${oldId}`);
      }
    }
    const newIds = match.segments.filter((s) => s.isNew).map((s) => s.id);
    assert.ok(newIds.length >= 1, 'one more segment than before: at least one is new');
    assert.deepEqual(shown.filter((c) => c.isNew).map((c) => c.id), newIds, 'the new segments carry the badge');
    for (const id of newIds) for (let o = 0; o < 5; o++) assert.ok(overlap(id, o) < 0.5 || match.segments.some((s) => s.previousId === o), 'a new segment has no unmatched old segment holding half of it');
    const notice = await page.textContent('#names-notice');
    assert.match(notice, /kept the 2 names you gave/);
    for (const s of match.segments.filter((x) => x.isNew)) assert.ok(notice.includes(`“${s.name}”`), `the notice names the new segment “${s.name}”: ${notice}`);
    await page.evaluate(() => document.getElementById('results').scrollIntoView());
    await shot(page, 'j02-k6-names-kept');
    await page.locator(`#cards .card[data-seg="${newIds[0]}"]`).screenshot({ path: join(ARTIFACTS, 'j02b-new-segment-card.png') });
  });

  it('filters, plans and draws cells, then saves the project (without HCP rows)', async () => {
    await page.uncheck('#seg-picks input[value="2"]');
    const spec = await page.$$eval('#filter-specialty label', (ls) => ls.map((l) => [l.querySelector('input').value, l.textContent.trim()]));
    await page.check(`#filter-specialty input[value="${spec.find(([, t]) => t === 'oncology')[0]}"]`);
    await page.check(`#filter-specialty input[value="${spec.find(([, t]) => t === 'cardiology')[0]}"]`);
    await page.fill('#budget-input', '180000');
    await page.selectOption('#currency-select', 'GBP');
    await page.check('#cells-on');
    await page.fill('#cells-arms', 'Email, Webinar');
    await page.fill('#cells-holdout', '20');
    await page.selectOption('#csv-dialect', 'plain');
    await page.waitForFunction(() => document.getElementById('plan-total')?.dataset.cents === '18000000');
    await page.waitForFunction(() => /Webinar/.test(document.getElementById('cells-table')?.textContent ?? ''));
    shownBefore = await workspace();
    assert.ok(shownBefore.cells.length === 3 && shownBefore.plan.length > 0);
    await page.evaluate(() => document.getElementById('target').scrollIntoView());
    await shot(page, 'j03-target-plan-cells');

    const saved = await download('#project-save', 'journey.hcp-project.json');
    projectPath = saved.path;
    assert.match(saved.filename, /\.hcp-project\.json$/);
    const p = JSON.parse(saved.text);
    assert.equal(p.format, 'hcp-segments-project');
    assert.equal(p.version, 1);
    assert.equal(p.data.rows, null, 'no HCP rows unless asked');
    const ids = sample.trim().split('\n').slice(1).map((l) => l.slice(0, l.indexOf(',')));
    assert.equal(ids.length, 5000);
    assert.deepEqual(ids.filter((id) => saved.text.includes(id)), [], 'no HCP id in the project');
    assert.deepEqual(p.data.fingerprint, hcp.inspect(sample).fingerprint, 'the engine\'s fingerprint of the data');
    assert.equal(p.model.segments.find((s) => s.name === 'Congress regulars')?.name, 'Congress regulars');
    assert.equal(await asksBeforeLeaving(), false, 'saved: no warning');
  });

  it('reloads, opens the project and shows the same workspace', async () => {
    await reload();
    assert.equal(await page.$$eval('#cards .card', (c) => c.length), 0, 'a reload forgets the workspace');
    assert.equal(await page.inputValue('#budget-input'), '100000', 'the controls are back at their defaults');
    await openProject(projectPath);
    await waitState('restored');
    await page.waitForFunction(() => document.getElementById('plan-total')?.dataset.cents === '18000000' && /Webinar/.test(document.getElementById('cells-table')?.textContent ?? ''));
    const status = await page.textContent('#project-status');
    assert.match(status, /the same centroids/);
    assert.equal(await page.getAttribute('#project-status', 'data-same'), 'true');
    assert.deepEqual(await workspace(), shownBefore, 'cards, names, filters, plan, cells and export choices as saved');
    assert.equal(await asksBeforeLeaving(), false, 'just opened: nothing unsaved');
    await page.evaluate(() => document.getElementById('project').scrollIntoView());
    await shot(page, 'j04-project-restored');
    await page.evaluate(() => document.getElementById('target').scrollIntoView());
    await shot(page, 'j05-restored-target');
  });

  it('a project on a file asks for that file and refuses another one', async () => {
    const samplePath = join(h.tmp, 'hcps.csv');
    writeFileSync(samplePath, hcp.generateSample(800, 5));
    const otherPath = join(h.tmp, 'other-hcps.csv');
    writeFileSync(otherPath, hcp.generateSample(800, 6));
    await page.setInputFiles('#file-input', samplePath);
    await page.waitForFunction(() => /hcps\.csv/.test(document.getElementById('dataset-summary').textContent));
    await page.selectOption('#k-select', '4');
    await page.click('#run-btn');
    await waitCards(4);
    await page.fill('#cards .card[data-seg="3"] .persona', 'Field-force loyalists');
    await page.waitForFunction(() => /Field-force loyalists/.test(document.getElementById('heatmap').textContent));
    const want = await cards();
    const saved = await download('#project-save', 'file.hcp-project.json');
    await reload();
    await openProject(saved.path);
    await waitState('needs-data');
    assert.match(await page.textContent('#project-data-text'), /hcps\.csv.*800 rows/);
    await page.setInputFiles('#project-data-input', otherPath);
    await page.waitForSelector('#project-error:not([hidden])');
    const err = await page.textContent('#project-error');
    assert.match(err, /not the data file the project was made from/);
    assert.match(err, /other-hcps\.csv/);
    assert.match(err, /Choose “hcps\.csv”/);
    assert.equal(await page.$$eval('#cards .card', (c) => c.length), 0, 'nothing restored from the wrong file');
    await page.evaluate(() => document.getElementById('project').scrollIntoView());
    await shot(page, 'j06-wrong-file');
    await page.setInputFiles('#project-data-input', samplePath);
    await waitState('restored');
    assert.equal(await page.isHidden('#project-error'), true);
    assert.deepEqual((await cards()).map(({ id, size, name }) => ({ id, size, name })), want.map(({ id, size, name }) => ({ id, size, name })));
  });

  it('keeps the HCP rows inside the project when asked, and refuses a corrupt project clearly', async () => {
    await page.check('#project-rows');
    const saved = await download('#project-save', 'rows.hcp-project.json');
    const p = JSON.parse(saved.text);
    assert.equal(typeof p.data.rows.base64, 'string', 'the rows, as the file\'s bytes');
    const want = await cards();
    await reload();
    await openProject(saved.path);
    await waitState('restored');
    assert.deepEqual(await cards(), want, 'restored without asking for the file');

    // Corrupt files: cut JSON, another format, a newer version, a damaged field.
    const cases = [
      ['cut.hcp-project.json', saved.text.slice(0, 200), /not valid JSON/],
      ['model.json', JSON.stringify(p.model), /a saved model, not a project/],
      ['newer.hcp-project.json', JSON.stringify({ ...p, version: 2 }), /newer version/],
      ['damaged.hcp-project.json', JSON.stringify({ ...p, names: { x: 1 } }), /field “names”/],
    ];
    for (const [name, text, re] of cases) {
      const path = join(h.tmp, name);
      writeFileSync(path, text);
      await openProject(path);
      await waitState('failed');
      assert.match(await page.textContent('#project-error'), re, name);
      if (name.startsWith('damaged')) {
        await page.evaluate(() => document.getElementById('project').scrollIntoView());
        await shot(page, 'j07-corrupt-project');
      }
      await page.evaluate(() => { document.getElementById('project-status').dataset.state = ''; });
    }
    // The page keeps working: the workspace is untouched and a run still works.
    assert.deepEqual(await cards(), want);
    await page.selectOption('#k-select', '3');
    await waitCards(3);
  });

  it('keeps the workspace in this browser only when asked, offers it back, and forgets it', async () => {
    assert.deepEqual(await storage(), NOTHING, 'nothing stored in the browser until opted in');
    const privacy = await page.textContent('#privacy-storage');
    for (const said of [/By default nothing/, /IndexedDB \(database hcp-segments/, /HCP rows only if/, /Forget/]) assert.match(privacy, said, 'the privacy panel says what is stored where');
    await page.uncheck('#project-rows');
    await page.fill('#cards .card[data-seg="1"] .persona', 'Kept in the browser');
    await page.waitForFunction(() => /Kept in the browser/.test(document.getElementById('heatmap').textContent));
    assert.equal(await asksBeforeLeaving(), true, 'a change not kept anywhere: leaving asks first');
    await page.check('#autosave-on');
    await page.waitForFunction(() => document.getElementById('autosave-status').dataset.savedAt);
    assert.deepEqual((await storage()).databases, ['hcp-segments']);
    const kept = await page.evaluate(() => new Promise((resolve, reject) => {
      const req = indexedDB.open('hcp-segments');
      req.onsuccess = () => {
        const get = req.result.transaction('workspace').objectStore('workspace').get('last');
        get.onsuccess = () => { resolve(get.result); req.result.close(); };
        get.onerror = () => reject(get.error);
      };
    }));
    const p = JSON.parse(kept.text);
    assert.equal(p.format, 'hcp-segments-project');
    assert.equal(p.data.rows, null, 'no HCP rows in the browser unless asked');
    assert.equal(p.names['1'], 'Kept in the browser');
    assert.equal(await asksBeforeLeaving(), false, 'kept in the browser: no warning');
    const want = await cards();

    await reload();
    await page.waitForSelector('#autosave-offer:not([hidden])');
    assert.match(await page.textContent('#autosave-offer-text'), /Restore your last workspace \(saved /);
    assert.equal(await page.isChecked('#autosave-on'), true);
    await page.evaluate(() => document.getElementById('project').scrollIntoView());
    await shot(page, 'j08-autosave-offer');
    await page.click('#autosave-restore');
    await waitState('needs-data');
    await page.setInputFiles('#project-data-input', join(h.tmp, 'hcps.csv'));
    await waitState('restored');
    assert.deepEqual(await cards(), want);

    await page.click('#autosave-forget');
    await page.waitForFunction(() => /Nothing is kept/.test(document.getElementById('autosave-status').textContent));
    assert.deepEqual(await storage(), NOTHING, 'after Forget, nothing');
    assert.equal(await page.isChecked('#autosave-on'), false);
    await reload();
    assert.equal(await page.isHidden('#autosave-offer'), true, 'nothing offered after Forget');
    assert.deepEqual(await storage(), NOTHING);
  });

  it('a project on an event log asks for the log and aggregates it for the same window again', async () => {
    // An event log built here from 300 sample HCPs: one click per engagement (at most 3 per channel) over Jan–Jun 2024.
    const rows = sample.trim().split('\n').map((l) => l.split(','));
    const header = rows[0];
    const chCols = header.map((c, i) => [c, i]).filter(([c]) => c.startsWith('ch_'));
    const lines = ['hcp_id,timestamp,channel,format,action,specialty,country'];
    const day = (d) => new Date(Date.UTC(2024, 0, 1) + d * 86400000).toISOString().slice(0, 19) + 'Z';
    for (const [n, r] of rows.slice(1, 301).entries()) {
      let e = 0;
      for (const [c, i] of chCols) {
        for (let j = 0; j < Math.min(3, Math.round(Number(r[i]))); j++) {
          lines.push(`${r[0]},${day((n * 7 + e * 13) % 180)},${c.slice(3)},webinar,click,${r[header.indexOf('specialty')]},${r[header.indexOf('country')]}`);
          e++;
        }
      }
    }
    const logPath = join(h.tmp, 'events.csv');
    writeFileSync(logPath, lines.join('\n') + '\n');
    await page.setInputFiles('#file-input', logPath);
    await page.waitForFunction(() => /event log/.test(document.getElementById('dataset-summary').textContent));
    await page.fill('#events-from', '2024-02-01');
    await page.click('#events-btn');
    await page.waitForFunction(() => /Aggregated from/.test(document.getElementById('dataset-summary').textContent));
    await page.selectOption('#k-select', '3');
    await page.click('#run-btn');
    await waitCards(3);
    await page.fill('#cards .card[data-seg="2"] .persona', 'Spring webinar crowd');
    await page.waitForFunction(() => /Spring webinar crowd/.test(document.getElementById('heatmap').textContent));
    const want = await cards();
    const saved = await download('#project-save', 'events.hcp-project.json');
    assert.deepEqual(JSON.parse(saved.text).data.events, { name: 'events.csv', from: '2024-02-01', to: null });
    await reload();
    await openProject(saved.path);
    await waitState('needs-data');
    assert.match(await page.textContent('#project-data-text'), /event log “events\.csv”, aggregated for 2024-02-01/);
    await page.setInputFiles('#project-data-input', logPath);
    await waitState('restored');
    assert.deepEqual(await cards(), want, 'the same profiles, segments and names');
    assert.equal(await page.inputValue('#events-from'), '2024-02-01');
    assert.match(await page.textContent('#dataset-summary'), /Aggregated from/);
  });

  it('logged no error on the way', () => {
    assert.deepEqual(h.log.console.filter((m) => m.type === 'error'), [], 'no console errors');
    assert.deepEqual(h.log.pageErrors, [], 'no uncaught page errors');
  });
});
