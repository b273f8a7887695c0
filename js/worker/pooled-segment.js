// segment() over a pool of N ≥ 2 workers (src/pool.rs explains the why):
//   a long CSV is read in N parts at once, cut after line ends, which worker 0 merges
//   (src/ingest/parts.rs; when the parts cannot stand for one read, worker 0 reads it whole) →
//   worker 0 parses and encodes once and copies the encoded matrix out for the others
//   (transferred, never re-parsed) → every (k, restart) is a task any free worker takes →
//   for k: "auto", each k is scored (relabel, silhouette, CH, DB) by whichever worker is free
//   once all its restarts are in → with a sampled sweep (sweepSample, many rows: the fits and
//   scores above ran on the sample), the chosen k's best sample solutions are refined on
//   every row, each by whichever worker is free → worker 0 chooses k and finishes (profiles,
//   quality, projection, model). The result is identical to one worker's, bit for bit,
//   whatever N: each restart has its own RNG stream and the merges keep the sequential
//   tie-breaks.
import { cutCsv } from "./input.js";
import { codedError, report } from "./results.js";

/** The result of `segment(input, segmentOptions)` for the pool's call `entry`. */
export async function segmentOverPool(pool, entry, input, segmentOptions, onProgress) {
  // Once the call is aborted (or disposed) it must not start anything in the fresh workers
  // the next call gets.
  const request = (...a) => (pool.current === entry ? pool.request(...a) : Promise.reject(codedError("ABORTED", "stale pool task")));
  const size = pool.size;
  for (let slot = 1; slot < size; slot++) pool.worker(slot); // they load their wasm while worker 0 parses
  pool.tierUp(input, segmentOptions, size);

  const prep = await prepare(request, size, input, segmentOptions, onProgress);
  const { plan } = prep;
  const { parts, rows } = await fitAndScore(request, size, prep, segmentOptions, onProgress);
  const all = [].concat(...parts.values());
  const auto = plan.stage === "sweep";
  const refine = auto && plan.sampled ? await request(0, "pool:refinePlan", [all, rows]) : null;
  const refined = refine ? await refineOnAllRows(request, size, refine, onProgress) : null;
  return request(0, "pool:finish", [all, auto ? rows : null, refined], { onProgress });
}

/**
 * Parse and encode in worker 0: `{plan, nCols, matrices}` (a copy of the matrix per other worker).
 * A long CSV is read in parts, one per worker, and merged by worker 0 (src/ingest/parts.rs);
 * when it is short, or when the parts cannot stand for one read of the file (an error in it, a
 * duplicate id across parts …), worker 0 reads the whole file, which gives the error one read gives.
 */
async function prepare(request, size, input, segmentOptions, onProgress) {
  const others = size - 1;
  const cut = cutCsv(input, size);
  if (cut) {
    const reads = cut.parts.map((part, slot) =>
      slot === 0 ? request(0, "pool:readFirst", [part, segmentOptions], { onProgress }) : request(slot, "pool:readPart", [part, cut.head, segmentOptions]),
    );
    const later = (await Promise.all(reads)).slice(1);
    if (!later.some((p) => !p)) {
      const merged = await request(0, "pool:merge", [later, others], { onProgress, transfer: later.map((p) => p.buffer) });
      if (merged) return merged;
    }
  }
  // The parse stage was reported by the read in parts already (if tried): not twice.
  const progress = onProgress && ((p) => (cut && p.stage === "parse" ? undefined : onProgress(p)));
  return request(0, "pool:prepare", [input, segmentOptions, others], { onProgress: progress });
}

/**
 * Every restart of every k of the plan, each a task for whichever worker is free (every worker
 * but 0 first loads its copy of the matrix); for k: "auto", a k is scored as soon as all its
 * restarts are in. `parts`: k → its restarts' winners in the order they finished; `rows`: the
 * sweep's scored rows.
 */
async function fitAndScore(request, size, prep, segmentOptions, onProgress) {
  const { plan, nCols, matrices } = prep;
  const runs = plan.nRuns;
  const auto = plan.stage === "sweep";
  // Bigger k first, so the longest tasks do not come last.
  const tasks = [];
  for (const k of [...plan.ks].reverse()) for (let r = 0; r < runs; r++) tasks.push({ op: "fit", k, r });
  const parts = new Map(plan.ks.map((k) => [k, []]));
  const rows = [];
  let done = 0;
  let running = 0;
  let failed = null;
  let wake = [];
  const notify = () => {
    const w = wake;
    wake = [];
    for (const f of w) f();
  };
  report(onProgress, { stage: plan.stage, k: plan.ks[0], done: 0, total: plan.total });

  async function loop(slot) {
    if (slot > 0) await request(slot, "pool:load", [matrices[slot - 1], nCols, segmentOptions], { transfer: [matrices[slot - 1].buffer] });
    for (;;) {
      if (failed) return;
      const task = tasks.shift();
      if (!task) {
        if (running === 0) return;
        await new Promise((r) => wake.push(r)); // a running task may add a score task
        continue;
      }
      running++;
      try {
        if (task.op === "fit") {
          const part = await request(slot, "pool:fit", [task.k, task.r, task.r + 1, true]);
          const mine = parts.get(task.k);
          mine.push(part);
          done++;
          report(onProgress, { stage: plan.stage, k: task.k, run: task.r, done, total: plan.total });
          if (auto && mine.length === runs) tasks.unshift({ op: "score", k: task.k });
        } else {
          rows.push(await request(slot, "pool:score", [task.k, parts.get(task.k)]));
        }
      } catch (e) {
        failed = failed || e;
      } finally {
        running--;
        notify();
      }
    }
  }
  const loops = [];
  for (let slot = 0; slot < size; slot++) loops.push(loop(slot).catch((e) => (failed = failed || e)));
  await Promise.all(loops);
  if (failed) throw failed;
  return { parts, rows };
}

/**
 * A sampled sweep: the chosen k's best sample solutions (`refine`: {k, starts}) refined on
 * every row, each by whichever worker is free (every worker holds the whole matrix); worker 0
 * then keeps the best of them in their order — what one worker's finish would do alone.
 */
async function refineOnAllRows(request, size, { k, starts }, onProgress) {
  const refined = new Array(starts.length);
  const total = starts.length;
  let next = 0;
  let finished = 0;
  report(onProgress, { stage: "cluster", k, done: 0, total });
  // The last worker takes the first start: worker 0 is the one that finishes afterwards.
  const order = Array.from({ length: size }, (_, i) => size - 1 - i);
  await Promise.all(
    order.map(async (slot) => {
      while (next < total) {
        const i = next++;
        refined[i] = await request(slot, "pool:refine", [starts[i]]);
        finished++;
        report(onProgress, { stage: "cluster", k, run: i, done: finished, total });
      }
    }),
  );
  return refined;
}
