"use client";
// A client component: segments in a module Web Worker once the page is in the browser.
import { useEffect, useState } from "react";
import { createSegmenter } from "hcp-segments/worker";

export default function Segments() {
  const [status, setStatus] = useState("loading…");
  const [segments, setSegments] = useState([]);

  useEffect(() => {
    const segmenter = createSegmenter();
    (async () => {
      const csv = await segmenter.generateSample(3000, 42);
      const result = await segmenter.segment(csv, { k: "auto", seed: 42 }, {
        onProgress: (p) => setStatus(`${p.stage} ${p.done}/${p.total}`),
      });
      setSegments(result.segments);
      setStatus(`k = ${result.quality.k}`);
      const serverK = Number(document.getElementById("server-k")?.textContent);
      window.__hcpResult = { ok: serverK === 3, k: result.segments.length, serverK };
    })()
      .catch((e) => {
        setStatus(`error: ${e.message}`);
        window.__hcpResult = { ok: false, error: String(e && e.stack ? e.stack : e) };
      })
      .finally(() => segmenter.dispose());
    return () => segmenter.dispose();
  }, []);

  return (
    <>
      <p id="status">{status}</p>
      <ol id="segments">
        {segments.map((s) => (
          <li key={s.id}>{`${s.name}: ${s.size} HCPs (${(100 * s.share).toFixed(1)}%)`}</li>
        ))}
      </ol>
    </>
  );
}
