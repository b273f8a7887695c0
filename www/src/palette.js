// Segment colours, one module for the scatter, the cards, the bars and the flow. The CSS classes
// .c0 … .c11 in style.css carry the same colours (the CSP allows no inline style attributes);
// tests/e2e/palette.test.mjs checks both lists agree and that every pair stays apart (CIEDE2000)
// for normal vision and simulated protanopia, deuteranopia and tritanopia.
//
// The first seven are Okabe & Ito's colour-blind-safe set without its yellow (too light on white);
// the five after them were searched for the largest smallest difference to all the others under
// the four visions, with enough chroma not to read as the scatter's grey of unselected points.
export const PALETTE = [
  '#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9',
  '#000000', '#871E3C', '#B40000', '#874B78', '#3C00E1', '#8778FF',
];

/** Colour of segment `id` (ids beyond 12 repeat the palette). */
export const segColour = (id) => PALETTE[id % PALETTE.length];

/** The CSS class carrying segment `id`'s colour as `--c`. */
export const segClass = (id) => `c${id % PALETTE.length}`;

/** Black or white text on segment `id`'s colour, whichever contrasts more (WCAG relative luminance). */
export function inkOn(id) {
  const n = parseInt(segColour(id).slice(1), 16);
  return inkOnRgb([(n >> 16) & 255, (n >> 8) & 255, n & 255]);
}

/** Black or white text on an [r, g, b] background (0..255), whichever contrasts more. */
export function inkOnRgb([r, g, b]) {
  const lin = (c) => { const v = c / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const L = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return (L + 0.05) / 0.05 > 1.05 / (L + 0.05) ? '#000000' : '#ffffff';
}
