// Downloads: every CSV the page saves is written by the engine (exportCsv / targetList), in the
// dialect chosen here: "For Excel" in the browser's locale (a BOM; `;` and decimal commas where
// the locale writes them) or plain CSV (UTF-8, `,`, `.`) for machines. The page writes no CSV.
import { el, download } from './util.js';

const $ = (id) => document.getElementById(id);
/** The browser's locale, when Intl knows it (a POSIX "C" locale, as WebKitGTK reports under LANG=C, is not a language tag). */
export const LOCALE = (() => {
  try { return Intl.getCanonicalLocales(navigator.language || 'en-US')[0]; } catch { return 'en-US'; }
})();

/** The CRM templates the engine ships (their field names are documented in the engine's docs). */
const TEMPLATES = [
  ['', 'All columns (hcp_id, segment, name, confidence, cell, specialty, country, consents)'],
  ['generic', 'Generic CRM import'],
  ['salesforceCampaignMember', 'Salesforce: Campaign Member'],
  ['veevaVaultCrmAccount', 'Veeva Vault CRM: Account'],
];

/** Fill the dialect and template controls (the dialect defaults to Excel in this locale). */
export function setupDownloadControls() {
  const d = $('csv-dialect');
  d.replaceChildren(
    el('option', { value: 'excel', text: `For Excel (${LOCALE})` }),
    el('option', { value: 'plain', text: 'Plain CSV (UTF-8, comma)' }));
  d.value = 'excel';
  $('crm-template').replaceChildren(...TEMPLATES.map(([v, t]) => el('option', { value: v, text: t })));
}

/** exportCsv / targetList options: the dialect and the locale. */
export function csvOptions() {
  return { dialect: $('csv-dialect').value === 'plain' ? 'plain' : 'excel', locale: LOCALE };
}

/** The target list's column template (a preset name), or none. */
export function templateOption() {
  const v = $('crm-template').value;
  return v ? { template: v } : {};
}

/**
 * Save what the engine wrote; an engine error (e.g. a template that needs a column the export
 * lacks) is shown in `errorHost` with `show(host, error)`.
 */
export async function saveEngineCsv(filename, produce, errorHost, show) {
  try {
    const text = await produce();
    errorHost.hidden = true;
    download(filename, text);
  } catch (e) {
    show(errorHost, e);
  }
}

/** The export choices a project keeps. */
export const snapshot = () => ({ dialect: $('csv-dialect').value, template: $('crm-template').value });
export function restore(s) {
  if (s?.dialect === 'excel' || s?.dialect === 'plain') $('csv-dialect').value = s.dialect;
  if (typeof s?.template === 'string' && TEMPLATES.some(([v]) => v === s.template)) $('crm-template').value = s.template;
}
