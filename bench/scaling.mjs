// The worker pool's scaling in Node (worker_threads): `segment(csv, options)` through the
// package's `createSegmenter({ workers: N })` (hcp-segments/worker), timing the clustering stages
// from the progress reports: "cluster" (a fixed k: its restarts spread over the pool) and, for
// k = "auto", "sweep" (every k × restarts, scored) + "cluster". Target: with N workers at least
// 0.7·N times faster than with one. Each worker count gets a fresh pool, one call to start its
// workers and compile their wasm, then `reps` timed calls; medians are reported.
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Stage durations (ms) of one `segment` call, from its progress reports. */
async function timedSegment(seg, csv, options) {
  const marks = [];
  let last = null;
  const t0 = performance.now();
  const r = await seg.segment(csv, options, {
    onProgress: (p) => {
      if (p.stage !== last) marks.push([p.stage, performance.now()]);
      last = p.stage;
    },
  });
  const end = performance.now();
  marks.push(["end", end]);
  const stages = {};
  for (let i = 0; i + 1 < marks.length; i++) stages[marks[i][0]] = (stages[marks[i][0]] ?? 0) + marks[i + 1][1] - marks[i][1];
  return { ms: end - t0, stages, inertia: r.quality.inertia, chosenK: r.quality.k };
}

/**
 * Rows `{ k, workers, reps, clusterMs, totalMs, speedup, target, inertia }`: for each k in `ks`
 * and each worker count, the median clustering time (sweep + cluster) and its speedup over one
 * worker (the first count must be 1 for the speedup).
 */
export async function scalingRows({ pkg, csv, ks, workerCounts, reps, seed, runs }) {
  const { createSegmenter } = await import(pathToFileURL(join(pkg, "worker", "node.js")).href);
  const rows = [];
  for (const k of ks) {
    let base = null;
    for (const workers of workerCounts) {
      const seg = createSegmenter({ workers });
      const options = { k, seed, nRuns: runs };
      try {
        await timedSegment(seg, csv, options); // start-up and compile, not timed
        const calls = [];
        for (let i = 0; i < reps; i++) calls.push(await timedSegment(seg, csv, options));
        const clusterMs = median(calls.map((c) => (c.stages.sweep ?? 0) + (c.stages.cluster ?? 0)));
        if (workers === 1) base = clusterMs;
        rows.push({
          k, workers, reps, clusterMs, clusterAll: calls.map((c) => (c.stages.sweep ?? 0) + (c.stages.cluster ?? 0)),
          totalMs: median(calls.map((c) => c.ms)), speedup: base ? base / clusterMs : null, target: 0.7 * workers,
          inertia: calls[0].inertia, chosenK: calls[0].chosenK,
        });
      } finally {
        seg.dispose();
      }
    }
  }
  // Any worker count must give the same segments as one worker.
  for (const k of ks) {
    const inertias = new Set(rows.filter((r) => r.k === k).map((r) => r.inertia));
    if (inertias.size !== 1) throw new Error(`k = ${k}: the pool sizes disagree on the inertia: ${[...inertias].join(", ")}`);
  }
  return rows;
}

/** The table `make bench` prints under "worker pool scaling". */
export function scalingReport(rows, n, fmtMs) {
  if (!rows?.length) return;
  console.log(`\n## worker pool scaling, Node worker_threads: ${n.toLocaleString("en")} profiles from CSV text, clustering stages (sweep + cluster), medians`);
  console.log("| k | workers | reps | clustering | speedup over 1 worker | target (0.7·N) | whole call | chosen k |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const base = r.workers === 1;
    const ok = base || r.speedup == null ? "" : r.speedup >= r.target ? " ✓" : " ✗";
    const speedup = base ? "(baseline)" : `${r.speedup?.toFixed(2) ?? "-"}×${ok}`;
    console.log(`| ${r.k} | ${r.workers} | ${r.reps} | ${fmtMs(r.clusterMs)} | ${speedup} | ${base ? "-" : `${r.target.toFixed(1)}×`} | ${fmtMs(r.totalMs)} | ${r.chosenK} |`);
  }
}
