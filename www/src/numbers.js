// Numbers typed by a person, read in their locale. "250.000" is 250 thousand in Germany and 250
// in the UK; "1,5" is one and a half in France and nothing in the US. A number whose marks could
// be read two ways is refused with a message that says how to write it, never guessed.

/** The locale's group and decimal marks ("," and "." for en-US; "." and "," for de-DE). */
export function localeMarks(locale) {
  const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  return { group, decimal };
}

const SPACES = /[\s\u00a0\u202f]/g;
const APOSTROPHES = /['\u2019]/g;

/** A groups part ("1.234.567" with the group mark ".") is well formed: 1–3 digits, then groups of 3. */
function wellGrouped(intPart, group) {
  const groups = intPart.split(group);
  return /^\d{1,3}$/.test(groups[0]) && groups.slice(1).every((g) => /^\d{3}$/.test(g));
}

/**
 * Read `text` as a number in `locale`. Returns {value} or {error} (a sentence for the user).
 * Accepted: digits; the locale's group mark in well-formed groups; one decimal mark of the locale.
 * Refused: a mark the locale does not use as written, and the locale's decimal mark followed by
 * exactly three digits with no group mark ("250.000" in en-GB: 250 or 250,000?).
 */
export function parseLocaleNumber(text, locale) {
  const { group, decimal } = localeMarks(locale);
  const example = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(250000.5);
  const plain = new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 2 }).format(250000.5);
  const how = `In ${locale} write it as ${plain} or ${example}`;
  let s = String(text).trim();
  if (!s) return { error: 'Enter a budget (a number, 0 or more).' };
  // Spaces and apostrophes are group marks in some locales (fr, de-CH): one kind of mark.
  const groupIsSpace = SPACES.test(group);
  SPACES.lastIndex = 0;
  if (groupIsSpace) s = s.replace(SPACES, ' ');
  else s = s.replace(SPACES, '');
  const g = groupIsSpace ? ' ' : APOSTROPHES.test(group) ? "'" : group;
  s = s.replace(APOSTROPHES, "'");
  if (s.startsWith('-')) return { error: `“${text}” is negative: a budget is 0 or more.` };
  const allowed = new Set(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', g, decimal]);
  const foreign = [...s].find((c) => !allowed.has(c));
  if (foreign !== undefined) {
    const isMark = [',', '.', "'", ' '].includes(foreign);
    return { error: isMark
      ? `“${text}” uses “${foreign}”, which ${locale} does not use in numbers like this, so it could be read two ways. ${how}.`
      : `“${text}” is not a number. ${how}.` };
  }
  const d = s.split(decimal);
  if (d.length > 2) return { error: `“${text}” has more than one decimal mark (“${decimal}”). ${how}.` };
  const [intPart, frac = null] = d;
  if (!intPart && frac == null) return { error: `“${text}” is not a number. ${how}.` };
  if (intPart.includes(g)) {
    if (!wellGrouped(intPart, g)) return { error: `“${text}” has its “${g}” marks in odd places, so it could be read two ways. ${how}.` };
  } else if (frac != null && /^\d{3}$/.test(frac) && /^\d{1,3}$/.test(intPart)) {
    // "250.000" in a locale whose decimal mark is ".": a thousands separator from another locale?
    return { error: `“${text}” is ambiguous: in ${locale} “${decimal}” is the decimal mark, but three digits after it look like thousands. ${how}.` };
  }
  if (frac != null && !/^\d+$/.test(frac)) return { error: `“${text}” is not a number. ${how}.` };
  const value = Number(`${intPart.split(g).join('') || '0'}${frac != null ? `.${frac}` : ''}`);
  if (!Number.isFinite(value)) return { error: `“${text}” is not a number. ${how}.` };
  return { value };
}
