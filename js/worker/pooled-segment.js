// segment() over a pool of N ≥ 2 workers (src/pool.rs explains the why):
//   a long CSV is read in N parts at once, cut after line ends, which worker 0 merges
//   (src/ingest/parts.rs; when the parts cannot stand for one read, worker 0 reads it whole) →
//   worker 0 parses and encodes once and copies the encoded matrix out for the others
//   (transferred, never re-parsed) → worker 0 holds the job (src/job/): it hands out batches of
//   tasks (restarts, scores, refines), which run here on whichever worker is free, and takes
//   their outputs back for the next batch → worker 0 finishes (profiles, quality, projection,
//   model). What the tasks are, their order and the progress they count for come from the job:
//   this file only schedules them. The result is identical to one worker's, bit for bit,
//   whatever N.
import { cutCsv } from "./input.js";
import { codedError, report } from "./results.js";

/** The result of `segment(input, segmentOptions)` for the pool's call `entry` (`form`: its assignments as "rows" or "columns"). */
export async function segmentOverPool(pool, entry, input, segmentOptions, onProgress, form) {
  // Once the call is aborted (or disposed) it must not start anything in the fresh workers
  // the next call gets.
  const request = (...a) => (pool.current === entry ? pool.request(...a) : Promise.reject(codedError("ABORTED", "stale pool task")));
  const size = pool.size;
  for (let slot = 1; slot < size; slot++) pool.worker(slot); // they load their wasm while worker 0 parses
  pool.tierUp(input, segmentOptions, size);

  const { batch: first, nCols, matrices } = await prepare(request, size, input, segmentOptions, onProgress);
  // Each worker but 0 loads its copy of the matrix before its first task.
  const loaded = [Promise.resolve(), ...matrices.map((m, i) => request(i + 1, "pool:load", [m, nCols, segmentOptions], { transfer: [m.buffer] }))];
  for (let batch = first; batch; ) {
    const outputs = await runBatch(request, loaded, batch, onProgress);
    batch = await request(0, "pool:next", [outputs]);
  }
  return request(0, "pool:finish", [], { onProgress, form });
}

/**
 * Parse and encode in worker 0: `{batch, nCols, matrices}`: the job's first batch, a copy of the
 * matrix per other worker.
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

const WAITING = 0;
const RUNNING = 1;
const DONE = 2;

/**
 * A batch of the job's tasks (`{stage, k, total, tasks: [{work, after, step}]}`), each run by
 * whichever worker is free once the tasks it comes `after` are done (their outputs are its
 * inputs), the first ready in the batch's order; its progress is the batch's stage with the
 * tasks' steps counted. Resolves with the outputs, in task order.
 */
async function runBatch(request, loaded, batch, onProgress) {
  const { stage, total, tasks } = batch;
  const outputs = new Array(tasks.length);
  const state = new Array(tasks.length).fill(WAITING);
  let done = 0;
  let running = 0;
  let failed = null;
  let wake = [];
  const notify = () => {
    const w = wake;
    wake = [];
    for (const f of w) f();
  };
  const nextReady = () => state.findIndex((s, i) => s === WAITING && tasks[i].after.every((j) => state[j] === DONE));
  report(onProgress, { stage, k: batch.k, done: 0, total });

  async function loop(slot) {
    await loaded[slot];
    for (;;) {
      if (failed) return;
      const i = nextReady();
      if (i < 0) {
        if (running === 0) return;
        await new Promise((r) => wake.push(r)); // a running task may make another ready
        continue;
      }
      const task = tasks[i];
      state[i] = RUNNING;
      running++;
      try {
        outputs[i] = await request(slot, "pool:run", [task.work, task.after.map((j) => outputs[j])]);
        state[i] = DONE;
        if (task.step) {
          done++;
          report(onProgress, { stage, k: task.step.k, run: task.step.run, done, total });
        }
      } catch (e) {
        failed = failed || e;
      } finally {
        running--;
        notify();
      }
    }
  }
  // Started from the last worker: when every worker is free, worker 0 (which goes on with the
  // job afterwards) takes a task last.
  const loops = [];
  for (let slot = loaded.length - 1; slot >= 0; slot--) loops.push(loop(slot).catch((e) => (failed = failed || e)));
  await Promise.all(loops);
  if (failed) throw failed;
  return outputs;
}
