// The report's renderer on its own (no browser): fed the engine's result and shareable summary of
// a small universe in which three segments fall under the minimum cell size, it must print none of
// the counts, names or profiles the summary withholds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { renderReport } from '../../www/src/report/render.js';

const require = createRequire(join(ROOT, 'www', 'package.json'));
const hcp = require('hcp-segments');
/** The text of an HTML fragment (tags dropped, entities of the renderer's escaping undone). */
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, ' ');

describe('report renderer', () => {
  // 60 HCPs in 6 segments: sizes 15, 11, 10, 9, 8, 7 (the last three under 10).
  const input = hcp.generateSample(60, 3);
  const result = hcp.segment(input, { k: 6, seed: 1, minSegmentSize: 0 });
  const summary = hcp.segmentSummary(result);
  const cells = hcp.testCells(result.model, input, { arms: ['A', 'B'], holdout: 0.1, seed: 7 });
  const snap = {
    fileName: 'small.csv', rowsRead: 60, excluded: 0, warnings: [], result, names: {}, stability: null, plan: null, cells,
    settings: { k: 6, seed: 1, nRuns: 10, locale: 'en-US', cells: { arms: ['A', 'B'], holdout: 0.1, seed: 7, strata: [] } },
    createdAt: '2026-01-02T00:00:00Z',
  };
  const html = renderReport(snap, summary);
  const pages = html.split('<section').slice(1);

  it('has a summary page, one page per segment and a notes page', () => {
    assert.equal(pages.length, 1 + result.segments.length + 1);
    assert.match(pages[0], /Executive summary/);
    assert.match(pages.at(-1), /Method and data notes/);
  });

  it('withholds the small segments: no size, no profile, the summary\'s name', () => {
    const small = summary.segments.filter((s) => s.suppressed);
    assert.equal(small.length, 3, 'the oracle: three segments under 10 HCPs');
    for (const s of small) {
      const full = result.segments.find((x) => x.id === s.id);
      const page = text(pages[1 + summary.segments.indexOf(s)]);
      assert.ok(page.includes(s.name), `the summary's name "${s.name}"`);
      assert.ok(!page.includes(`${full.size} HCPs`), `segment ${s.id}'s size (${full.size}) is not printed`);
      assert.match(page, /fewer than 10 HCPs: its size and profile are withheld/);
      assert.ok(!/Top channels|index \d/.test(page), 'no profile');
      if (full.name !== s.name) assert.ok(!text(html).includes(full.name), `the withheld name "${full.name}" appears nowhere`);
    }
    const summaryTable = text(pages[0].split('</table>')[0]);
    assert.equal(summaryTable.split('fewer than 10 (withheld)').length - 1, 3, 'the summary table withholds the three sizes');
  });

  it('withholds a test cell under 10 HCPs and says what was withheld', () => {
    const holdout = cells.cells.find((c) => c.cell === 'holdout');
    assert.ok(holdout.count < 10, 'the oracle: the holdout is under 10');
    assert.match(text(pages[0]), /holdout: 10\.0% \(fewer than 10 HCPs, withheld\)/);
    assert.ok(!text(pages[0]).includes(`(${holdout.count} HCPs)`));
    const notes = text(pages.at(-1));
    assert.match(notes, new RegExp(`Withheld in this report: ${summary.suppressedCells} cells, among them 3 whole segments`));
    assert.match(notes, /Rows read: 60/);
  });

  it('writes no script and no URL', () => {
    assert.ok(!/<script/i.test(html));
    assert.ok(!/https?:\/\//i.test(html));
  });
});

describe('plain words for the numbers', async () => {
  const { indexWords, kSentence, leanOf, verdictWords } = await import('../../www/src/explain.js');
  it('says what an index means', () => {
    assert.equal(indexWords(260), '2.6× the average HCP');
    assert.equal(indexWords(414.17), '4.1× the average HCP');
    assert.equal(indexWords(105), 'about as much as the average HCP');
    assert.equal(indexWords(60.3), "60% of the average HCP's use");
    assert.equal(indexWords(null), 'no universe average to compare with');
  });
  it('says why this many segments', () => {
    const rows = [3, 4, 5, 6, 7, 8].map((k) => ({ k, ruledOut: null }));
    assert.equal(kSentence({ chosenK: 6, minSegmentSize: 10, rows }, 6), '6 segments: the most distinct split of the 6 tried in which every segment has at least 10 HCPs.');
    assert.equal(kSentence({ chosenK: 6, minSegmentSize: 10, rows }, 4), '4 segments: the number chosen in the settings.');
    assert.equal(kSentence(null, 5), '5 segments: the number chosen in the settings.');
    const none = rows.map((r) => ({ ...r, ruledOut: 'a segment under 10' }));
    assert.match(kSentence({ chosenK: 3, minSegmentSize: 10, rows: none }, 3), /^3 segments: no split tried kept every segment at 10 HCPs or more/);
  });
  it('says which way a segment leans', () => {
    assert.equal(leanOf({ open: 0.81, walled: 0.15, other: 0.04, openShare: 0.85 }), 'open');
    assert.equal(leanOf({ open: 0.04, walled: 0.86, other: 0.1, openShare: 0.04 }), 'walled');
    assert.equal(leanOf({ open: 0.4, walled: 0.4, other: 0.2, openShare: 0.5 }), 'balanced');
    assert.equal(leanOf({ open: 0.018, walled: 0.022, other: 0.96, openShare: 0.45 }), 'elsewhere');
    assert.equal(leanOf({ open: 0, walled: 0, other: 1, openShare: null }), null);
    assert.match(verdictWords('fuzzy'), /^fuzzy: the core/);
  });
});
