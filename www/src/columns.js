// Column roles before a run: what the engine's naming conventions will make of each header
// (mirrors the rules in the engine's ingest, see the README), and the user's overrides that are
// passed as options.columns. After a run, the engine's parse report replaces the guess.

const CATEGORY_COLUMNS = ['specialty', 'country', 'region', 'practice_setting', 'access_level', 'funnel_stage', 'rx_decile'];

/** Trimmed, lower-case, runs of spaces / hyphens / underscores → "_" (as the engine does). */
export function normalise(name) {
  return String(name).trim().toLowerCase().replace(/[\s\-_]+/g, '_');
}

/** The role a header gets by convention: id | channel | format | category | recency | frequency | consent | ignore. */
export function conventionRole(header) {
  const n = normalise(header);
  if (n === 'hcp_id') return 'id';
  if (n.startsWith('ch_') && n.length > 3) return 'channel';
  if (n.startsWith('fmt_') && n.length > 4) return 'format';
  if (CATEGORY_COLUMNS.includes(n)) return 'category';
  if (n === 'days_since_last') return 'recency';
  if (n === 'active_weeks') return 'frequency';
  if (n.startsWith('consent_') && n.length > 8) return 'consent';
  return 'ignore';
}

export const ROLES = ['id', 'channel', 'format', 'category', 'recency', 'frequency', 'consent', 'ignore'];
