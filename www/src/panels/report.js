// The report panel's wiring: the workspace as the report reads it (report/render.js:
// ReportSnapshot), assembled from the panels that own each part.
import { setupReport } from '../report/index.js';
import { store, nameOf } from '../store.js';
import { $, showError } from '../ui.js';
import { LOCALE } from '../downloads.js';
import { runOptions } from './run.js';
import { currentPlan } from './plan.js';
import { currentStability } from './stability.js';
import { cellsEnabled, currentCells, currentCellsOptions } from './cells.js';

async function reportSnapshot() {
  const r = store.result;
  if (!r || !store.data) return null;
  const cells = cellsEnabled() ? await currentCells() : null;
  const { k, seed, nRuns } = runOptions();
  return {
    fileName: store.data.name, rowsRead: r.report.rowsRead, excluded: r.report.rowsExcluded, warnings: r.report.warnings,
    result: r, names: Object.fromEntries(r.segments.map((s) => [s.id, nameOf(s.id)])), stability: currentStability(),
    plan: currentPlan(), cells: cells ?? null,
    settings: { k, seed, nRuns, locale: LOCALE, cells: cells ? currentCellsOptions() : undefined },
  };
}

export function wireReport() {
  setupReport(reportSnapshot, (e) => showError($('report-error'), e, { file: 'the report' }));
}
