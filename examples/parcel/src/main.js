// The same page code works in the Vite, webpack and Parcel examples (they copy it).
import { init, initTools, generateSample, segment } from "hcp-segments";
import { createSegmenter } from "hcp-segments/worker";

const status = document.getElementById("status");
const list = document.getElementById("segments");

async function main() {
  // 1. Synchronous API on the main thread: fine for small inputs. init() loads the segmentation
  //    module; initTools() the second one (generateSample, assign, targeting), when needed.
  await init();
  await initTools();
  const small = segment(generateSample(500, 1), { k: 3, seed: 1 });

  // 2. Worker-backed API for real data: the page stays responsive, progress, cancel.
  const segmenter = createSegmenter();
  const csv = await segmenter.generateSample(3000, 42);
  const result = await segmenter.segment(csv, { k: "auto", seed: 42 }, {
    onProgress: (p) => (status.textContent = `${p.stage} ${p.done}/${p.total}`),
  });
  segmenter.dispose();

  for (const s of result.segments) {
    const li = document.createElement("li");
    li.textContent = `${s.name}: ${s.size} HCPs (${(100 * s.share).toFixed(1)}%)`;
    list.append(li);
  }
  status.textContent = `k = ${result.quality.k}`;
  window.__hcpResult = { ok: true, k: result.segments.length, smallK: small.segments.length };
}

main().catch((e) => {
  status.textContent = `error: ${e.message}`;
  window.__hcpResult = { ok: false, error: String(e && e.stack ? e.stack : e) };
});
