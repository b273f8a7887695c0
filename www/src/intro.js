// The first screen's downloads (the sample and a template, both written by the engine's
// generateSample in the worker: the page writes no CSV) and the one sentence that says why the
// result has this many segments.
import * as engine from './engine.js';
import { download } from './util.js';
import { explainError } from './errors.js';
import { kSentence } from './explain.js';

import { $ } from './ui.js';
import { SAMPLE } from './panels/load.js';

/** The template: three rows of the engine's sample, so its columns are exactly what a run reads. */
export const TEMPLATE = { n: 3, seed: 7 };

async function save(button, filename, { n, seed }) {
  const err = $('intro-error');
  err.hidden = true;
  button.disabled = true;
  $('intro-status').textContent = 'Writing the file…';
  try {
    download(filename, await engine.generateSample(n, seed));
    $('intro-status').textContent = `Saved ${filename}.`;
  } catch (e) {
    $('intro-status').textContent = '';
    const x = explainError(e, { file: filename });
    err.textContent = `${x.title}: ${x.message}`;
    err.hidden = false;
  } finally {
    button.disabled = false;
  }
}

export function setupIntro() {
  $('intro-sample-btn').addEventListener('click', (e) => save(e.currentTarget, 'hcp-sample-5000.csv', SAMPLE));
  $('template-btn').addEventListener('click', (e) => save(e.currentTarget, 'hcp-segments-template.csv', TEMPLATE));
}

/** "6 segments: the most distinct split …", shown above the charts (the sweep is under Advanced). */
export function explainK(result, sweep) {
  $('k-sentence').textContent = kSentence(result.kSweep ?? sweep, result.quality.k);
}
