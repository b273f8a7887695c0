// PCA scatter on a canvas: every point is written into one ImageData buffer (a few pixels each),
// then centroids are drawn on top. 100,000 points cost one pass over a typed array, no DOM nodes.
import { PALETTE, inkOn } from './palette.js';

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
const COLOURS = PALETTE.map(rgb);
const GREY = [205, 209, 214];

/**
 * @param {HTMLCanvasElement} canvas
 * @param {import('hcp-segments').Projection} projection
 * @param {Uint32Array | number[]} labels segment per point
 * @param {number} k
 * @param {Set<number> | null} highlight segments to colour (others grey); null = all
 */
export function renderScatter(canvas, projection, labels, k, highlight = null) {
  const t0 = performance.now();
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const cssW = canvas.clientWidth || 560;
  const cssH = Math.round(cssW * 5 / 7);
  const W = Math.round(cssW * dpr), H = Math.round(cssH * dpr);
  if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
  const ctx = canvas.getContext('2d');
  const pts = projection.points;
  const n = Math.min(labels.length, pts.length >> 1);

  // Robust extent (0.5 %–99.5 % quantiles of a sample) so a few outliers do not squash the cloud.
  const ext = (axis) => {
    const step = Math.max(1, Math.floor(n / 20000));
    const s = [];
    for (let i = 0; i < n; i += step) s.push(pts[2 * i + axis]);
    for (let j = 0; j < projection.centroids.length / 2; j++) s.push(projection.centroids[2 * j + axis]);
    s.sort((a, b) => a - b);
    const lo = s[Math.floor(s.length * 0.005)], hi = s[Math.ceil(s.length * 0.995) - 1];
    const pad = (hi - lo || 1) * 0.06;
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = ext(0), [y0, y1] = ext(1);
  const m = Math.round(28 * dpr); // margin for axis labels
  const pw = W - m - Math.round(8 * dpr), ph = H - m - Math.round(8 * dpr);
  const sx = pw / (x1 - x0), sy = ph / (y1 - y0);
  const ox = m, oy = Math.round(8 * dpr);

  const img = ctx.createImageData(W, H);
  const buf = new Uint32Array(img.data.buffer);
  buf.fill(0xffffffff); // white, opaque
  const packed = COLOURS.map(([r, g, b]) => (255 << 24) | (b << 16) | (g << 8) | r); // little-endian RGBA
  const grey = (255 << 24) | (GREY[2] << 16) | (GREY[1] << 8) | GREY[0];
  const size = n > 30000 ? Math.max(1, Math.round(dpr)) : Math.max(2, Math.round(2 * dpr));
  // Greyed-out points first, then highlighted ones on top.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      const lab = labels[i];
      const on = !highlight || highlight.has(lab);
      if ((pass === 0) === on) continue;
      const px = Math.round(ox + (pts[2 * i] - x0) * sx), py = Math.round(oy + ph - (pts[2 * i + 1] - y0) * sy);
      if (px < ox || py < oy || px + size > ox + pw || py + size > oy + ph) continue;
      const c = on ? packed[lab % packed.length] : grey;
      for (let dy = 0; dy < size; dy++) {
        const row = (py + dy) * W + px;
        for (let dx = 0; dx < size; dx++) buf[row + dx] = c;
      }
    }
  }
  ctx.putImageData(img, 0, 0);

  // Frame and axis labels.
  ctx.strokeStyle = '#d0d7de';
  ctx.lineWidth = dpr;
  ctx.strokeRect(ox + 0.5, oy + 0.5, pw, ph);
  ctx.fillStyle = '#57606a';
  ctx.font = `${11 * dpr}px system-ui, sans-serif`;
  const [ev1, ev2] = projection.explainedVariance;
  ctx.textAlign = 'center';
  ctx.fillText(`PC1 (${(ev1 * 100).toFixed(1)}% of variance)`, ox + pw / 2, H - 8 * dpr);
  ctx.save();
  ctx.translate(12 * dpr, oy + ph / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(`PC2 (${(ev2 * 100).toFixed(1)}%)`, 0, 0);
  ctx.restore();

  // Centroids: a ringed disc with the segment number.
  const c = projection.centroids;
  for (let j = 0; j < Math.min(k, c.length / 2); j++) {
    if (highlight && !highlight.has(j)) continue;
    const px = ox + (c[2 * j] - x0) * sx, py = oy + ph - (c[2 * j + 1] - y0) * sy;
    ctx.beginPath();
    ctx.arc(px, py, 10 * dpr, 0, Math.PI * 2);
    ctx.fillStyle = PALETTE[j % PALETTE.length];
    ctx.fill();
    ctx.lineWidth = 2.5 * dpr;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
    ctx.lineWidth = 1 * dpr;
    ctx.strokeStyle = '#1b1f24';
    ctx.beginPath();
    ctx.arc(px, py, 11.5 * dpr, 0, Math.PI * 2);
    ctx.stroke();
    ctx.fillStyle = inkOn(j);
    ctx.font = `bold ${11 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(String(j), px, py + 0.5 * dpr);
    ctx.textBaseline = 'alphabetic';
  }
  // Where each point landed, for hover and keyboard (charts/scatter-interact.js).
  canvas.scatterGeometry = { n, W, H, dpr, x0, y0, sx, sy, ox, oy, pw, ph, pts, labels, centroids: c, k };
  canvas.dataset.points = String(n);
  canvas.dataset.renderMs = (performance.now() - t0).toFixed(1);
}
