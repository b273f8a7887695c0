// The targeting page: load (profiles or an event log) → segment (in the package's Web Worker) → see
// (with stability) → target (the engine's channel plan, test cells) → export; look-alikes; assign,
// fold in (updateModel) or refresh with a saved model. Every computation is an engine call in the
// worker (engine.js). Each panel (panels/*.js) owns its state and DOM; what they share is in
// store.js; this file only wires them.
import * as engine from './engine.js';
import { setupDownloadControls } from './downloads.js';
import { $ } from './ui.js';
import { wireLoad } from './panels/load.js';
import { run, wireRun } from './panels/run.js';
import { wireResults } from './panels/results.js';
import { wireTarget } from './panels/target.js';
import { wirePlan } from './panels/plan.js';
import { wireCells } from './panels/cells.js';
import { wireStability } from './panels/stability.js';
import { wireLookalikes } from './panels/lookalikes.js';
import { wireSaved } from './panels/saved.js';
import { keepNames, wireNames } from './panels/names.js';
import { wireProject } from './panels/project.js';
import { wireAutosave } from './panels/autosave.js';
import { wireReport } from './panels/report.js';
import { setupIntro } from './intro.js';

setupDownloadControls();
wireLoad();
wireRun(() => run({ keepNames }));
wireResults();
wireTarget();
wirePlan();
wireCells();
wireStability();
wireLookalikes();
wireSaved();
wireNames();
wireProject();
wireAutosave();
wireReport();
setupIntro();
const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
$('csp-text').textContent = meta ? meta.content : '(development server: no policy; the production build carries it)';
// Start the engine's worker (and its one .wasm fetch) now, before any data is chosen.
engine.warmUp().then((ok) => { document.body.dataset.engine = ok ? 'ready' : 'failed'; });
