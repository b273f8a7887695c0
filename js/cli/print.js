// What the commands print: number formats, money, aligned tables, and the report-then-files
// ending the commands share.
import { writeOut, writeOutputs } from "./io.js";

export const pct = (x) => `${(100 * x).toFixed(1)}%`;
export const fix = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? "-" : Number(x).toFixed(d));
/** A channel or format with its index, by the name shown to people: `Email 142`. */
export const idx = (s) => `${s.displayName || s.name} ${s.index === null ? "-" : Math.round(s.index)}`;

/** Whole cents as currency units: -1234 → "-12.34". */
export const cents = (c) => `${c < 0 ? "-" : ""}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, "0")}`;
/** Cents with thousands separators: 10000000 → "100,000.00". */
export const money = (c) => cents(c).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

export const segName = (segments, id) => {
  const s = segments.find((x) => x.id === id);
  return s ? s.name : "?";
};

/** Columns padded to their widest cell (align: "r" or "l" per column), a rule under the header. */
export function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => (align[i] === "r" ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const rule = line(widths.map((w, i) => (headers[i] ? "-".repeat(w) : "")));
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

export const say = (lines) => process.stdout.write(lines.join("\n") + "\n");

/** FN's value and the seconds it took. */
export function timed(fn) {
  const t0 = performance.now();
  const value = fn();
  return { value, secs: (performance.now() - t0) / 1000 };
}

/** The end of most commands: the report on stdout, then the files asked for (io.writeOutputs). */
export function printThenWrite(lines, outputs = []) {
  say(lines);
  writeOutputs(outputs);
}

/**
 * The end of events and update, whose one output may be stdout itself: the output first, then
 * the report with a `wrote OUT<note>` line, on stderr when the data took stdout.
 */
export function writeThenPrint(out, text, lines, note) {
  writeOut(out, text);
  if (out !== "-") lines.push(`wrote ${out}${note}`);
  (out === "-" ? process.stderr : process.stdout).write(lines.join("\n") + "\n");
}
