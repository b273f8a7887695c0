// The segment palette: every pair of the 12 colours stays apart for normal vision and for
// simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009, severity 1.0), measured
// as CIEDE2000 ΔE; the CSS classes .c0 … .c11 carry the same colours as www/src/palette.js.
//
// Threshold: ΔE2000 ≥ 10. A just-noticeable difference is about 1–2; 10 is "clearly another colour
// at a glance", which the scatter's small points and the thin bar and flow bands need. It is also
// what the well-tried Okabe–Ito set (the first seven colours) reaches under all four visions: its
// closest pair is orange vs reddish purple for a tritanope, ΔE 10.9.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { deltaE2000, rgbToLab, simulate, hexToRgb, minPairDelta, VISIONS, MACHADO } from './colour-science.mjs';
import { PALETTE, inkOn } from '../../www/src/palette.js';

const MIN_DELTA_E = 10;

test('CIEDE2000 matches Sharma, Wu & Dalal (2005) test pairs', () => {
  // [Lab1, Lab2, ΔE00] from the paper's Table 1.
  const pairs = [
    [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
    [[50, 3.1571, -77.2803], [50, 0, -82.7485], 2.8615],
    [[50, 0, 0], [50, -1, 2], 2.3669],
    [[50, 2.5, 0], [73, 25, -18], 27.1492],
    [[50, 2.5, 0], [61, -5, 29], 22.8977],
    [[50, 2.5, 0], [56, -27, -3], 31.9030],
    [[50, 2.5, 0], [58, 24, 15], 19.4535],
  ];
  for (const [a, b, want] of pairs) assert.ok(Math.abs(deltaE2000(a, b) - want) < 1e-4, `${a} vs ${b}: ${deltaE2000(a, b)} ≠ ${want}`);
});

test('sRGB → Lab and the CVD matrices behave: white is L* 100, greys stay grey', () => {
  const w = rgbToLab([255, 255, 255]);
  assert.ok(Math.abs(w[0] - 100) < 1e-3 && Math.abs(w[1]) < 1e-2 && Math.abs(w[2]) < 1e-2);
  for (const kind of Object.keys(MACHADO)) {
    for (const row of MACHADO[kind]) assert.ok(Math.abs(row[0] + row[1] + row[2] - 1) < 1e-3, `${kind}: rows sum to 1`);
    const g = simulate([128, 128, 128], kind);
    assert.ok(g.every((c) => Math.abs(c - 128) < 1), `${kind}: grey stays grey (${g})`);
  }
});

test('CVD simulation agrees with colorspacious 1.1.2 (sRGB1+CVD, severity 100)', () => {
  // Values printed by colorspacious's cspace_convert(rgb, {name: "sRGB1+CVD", …}, "sRGB1") × 255.
  const want = {
    '#0072B2': { protanopia: [82.72, 116.57, 180.68], deuteranopia: [58.72, 102.51, 176.8], tritanopia: [0, 129.76, 137.37] },
    '#E69F00': { protanopia: [185.05, 162.39, 0], deuteranopia: [201.76, 179.71, 16.84], tritanopia: [251.25, 139.61, 135.3] },
    '#CC79A7': { protanopia: [127.5, 138.91, 168.66], deuteranopia: [148.48, 152.45, 164.84], tritanopia: [214.27, 119.95, 137.58] },
  };
  for (const [hex, byKind] of Object.entries(want)) for (const [kind, rgb] of Object.entries(byKind)) {
    const got = simulate(hexToRgb(hex), kind);
    got.forEach((c, i) => assert.ok(Math.abs(c - rgb[i]) < 0.05, `${hex} ${kind}: ${got} ≠ ${rgb}`));
  }
});

test(`every pair of the ${PALETTE.length} segment colours differs by ΔE2000 ≥ ${MIN_DELTA_E} under all four visions`, () => {
  assert.equal(PALETTE.length, 12);
  for (const vision of VISIONS) {
    const { min, pair } = minPairDelta(PALETTE, vision);
    console.log(`# ${vision}: closest pair ${pair.join(' / ')} ΔE2000 ${min.toFixed(2)}`);
    assert.ok(min >= MIN_DELTA_E, `${vision}: ${pair.join(' vs ')} only ΔE ${min.toFixed(2)}`);
  }
});

test('every segment colour stands out from the white background and the grey of unselected points', () => {
  for (const vision of VISIONS) {
    const bg = [[255, 255, 255], [205, 209, 214]].map((c) => rgbToLab(simulate(c, vision)));
    for (const hex of PALETTE) {
      const lab = rgbToLab(simulate(hexToRgb(hex), vision));
      for (const b of bg) assert.ok(deltaE2000(lab, b) >= 15, `${vision}: ${hex} too close to the background`);
    }
  }
});

test('the CSS classes .c0 … .c11 carry the palette module\'s colours; the centroid ink contrasts', () => {
  const css = readFileSync(join(ROOT, 'www', 'src', 'style.css'), 'utf8');
  PALETTE.forEach((hex, i) => {
    const m = css.match(new RegExp(`\\.c${i} \\{ --c: (#[0-9A-Fa-f]{6}); \\}`));
    assert.ok(m, `.c${i} is defined`);
    assert.equal(m[1].toUpperCase(), hex.toUpperCase(), `.c${i}`);
  });
  assert.equal(inkOn(6), '#ffffff'); // white on black
  assert.equal(inkOn(1), '#000000'); // black on orange
});
