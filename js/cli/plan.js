// plan: ranked channels per segment, reachable share after consent, budget split.
import { channelPlan } from "../node/index.mjs";
import { UsageError, listArg, numArg, pairsArg, parse, required } from "./args.js";
import { CSV_FLAGS, csvOutput, jsonOutput, readData, readModel, systemLocale } from "./io.js";
import { fix, pct, printThenWrite, table } from "./print.js";

export const name = "plan";
export const usage = "hcp-segments plan RESULT.json --budget AMOUNT [--results CAMPAIGN.csv] [--out PLAN.csv]";
export const summary = "ranked channels per segment, reachable share after consent, budget split";
export const help = `Usage: hcp-segments plan RESULT.json --budget AMOUNT [options]

Per segment, every channel with its base (engagements per HCP, share of the segment's mix,
index, HCPs reachable after consent: email needs consent_email, rep none, other channels
consent_tracking), and a budget split that follows use: mean engagements per HCP x reachable
HCPs, with the index as a bounded qualifier (x0.8 to x1.25). Channels under --min-mix-share of a
segment's mix get nothing unless forced. Amounts are whole minor units of the currency and add
up to the budget exactly. With --results, each segment x channel's engagement rate is a
Beta-Binomial belief around its own expectation; untested channels keep at least --exploration
of the budget. RESULT.json is the --json of segment or refresh (the plan needs the segment
profiles, which a bare model does not have). docs/plan.md has the formula.

  --budget AMOUNT     total budget in currency units (required)
  --results FILE      campaign results (CSV in any encoding, or a workbook):
                      segment (id or name),channel,impressions,engagements
  --segment-weight ID=W   weight of a segment (default 1); repeatable
  --channel-weight CH=W   weight of a channel (default 1; 0 = off); repeatable
  --min-index N       channels below this index get no budget (default 0)
  --consent CH=COL    consent column gating a channel (none = ungated); repeatable
  --prior-impressions K   prior strength of each belief, in impressions (default 1000)
  --currency CODE     ISO 4217 currency of the budget (default EUR)
  --locale LOCALE     how amounts are printed, e.g. de-DE (default: the system's)
  --min-mix-share S   channels under this share of a segment's mix get nothing (default 0.02)
  --force CH[,CH]     give these channels budget even under the minimum share; repeatable
  --exploration S     with --results, least share of the budget kept on untested channels (default 0.1)
  --out FILE          write the allocations CSV (- = stdout)
  --excel LOCALE      write it for Excel in LOCALE (e.g. de-DE); default plain CSV
  --json OUT.json     write the whole plan as JSON`;

export function run(args) {
  const { values, positionals } = parse(
    args,
    {
      budget: { type: "string" },
      results: { type: "string" },
      "segment-weight": { type: "string", multiple: true },
      "channel-weight": { type: "string", multiple: true },
      "min-index": { type: "string" },
      consent: { type: "string", multiple: true },
      "prior-impressions": { type: "string" },
      currency: { type: "string" },
      locale: { type: "string" },
      "min-mix-share": { type: "string" },
      force: { type: "string", multiple: true },
      exploration: { type: "string" },
      out: { type: "string" },
      ...CSV_FLAGS,
      json: { type: "string" },
    },
    ["RESULT.json"],
    name,
  );
  const options = { budget: numArg(required(values, "budget", name), "budget", { min: 0 }) };
  if (values["segment-weight"]) options.segmentWeights = pairsArg(values["segment-weight"], "segment-weight", (v) => numArg(v, "segment-weight", { min: 0 }));
  if (values["channel-weight"]) options.channelWeights = pairsArg(values["channel-weight"], "channel-weight", (v) => numArg(v, "channel-weight", { min: 0 }));
  if (values["min-index"] !== undefined) options.minIndex = numArg(values["min-index"], "min-index", { min: 0 });
  if (values.consent) options.consentRules = pairsArg(values.consent, "consent", (v) => (v === "none" ? null : v));
  if (values["prior-impressions"] !== undefined) options.priorImpressions = numArg(values["prior-impressions"], "prior-impressions", { min: 0 });
  if (values.currency !== undefined) options.currency = values.currency.toUpperCase();
  if (values["min-mix-share"] !== undefined) options.minMixShare = numArg(values["min-mix-share"], "min-mix-share", { min: 0, max: 1 });
  if (values.force) options.forceChannels = values.force.flatMap(listArg);
  if (values.exploration !== undefined) options.explorationShare = numArg(values.exploration, "exploration", { min: 0, below: 1 });
  if (values.results !== undefined) options.results = readData(values.results);
  const locale = values.locale ?? systemLocale();
  const { segments } = readModel(positionals[0]);
  if (!segments) {
    throw new UsageError(`plan needs the segment profiles: pass the --json result of segment or refresh, not a bare model (${positionals[0]})`);
  }
  const plan = channelPlan(segments, options);
  const total = plan.allocations.reduce((s, a) => s + a.cents, 0);
  printThenWrite(planLines(plan, options, total, locale), [
    csvOutput(values.out, "plan", plan, values, ` (${plan.allocations.length} rows; amount in ${plan.currency}, adds up to ${(total / 10 ** plan.minorUnits).toFixed(plan.minorUnits)})`, true),
    jsonOutput(values.json, plan),
  ]);
}

/** Per segment its budget and channel table (every index next to its base), then the totals. */
function planLines(plan, options, total, locale) {
  const money = moneyFormat(plan, locale);
  const lines = [];
  for (const sp of plan.segments) {
    const alloc = new Map(plan.allocations.filter((a) => a.segment === sp.id).map((a) => [a.channel, a]));
    const share = plan.budgetCents ? ` (${pct(sp.budgetCents / plan.budgetCents)})` : "";
    lines.push(`segment ${sp.id}  ${sp.name}  (${sp.size} HCPs): ${money(sp.budgetCents)}${share}`);
    lines.push(
      table(
        ["rank", "channel", "per HCP", "of mix", "index", "reachable", "budget", "of total", "note"],
        sp.channels.map((c, i) => {
          const a = alloc.get(c.channel);
          // The engine's full reason is in --json; here a short one.
          const note = !c.eligible ? `not funded: under ${pct(plan.minMixShare)} of the mix` : c.forced ? "forced" : a && options.results !== undefined ? a.status : "";
          return [
            i + 1,
            c.displayName ?? c.channel,
            fix(c.mean, 2),
            pct(c.mixShare),
            Math.round(c.index),
            `${c.reachable} (${pct(c.reachableShare)})`,
            a ? money(a.cents) : "-",
            a ? pct(a.share) : "-",
            note,
          ];
        }),
        ["r", "l", "r", "r", "r", "r", "r", "r", "l"],
      ).replace(/^/gm, "  "),
    );
    lines.push(`  formats: ${sp.formats.slice(0, 4).map((f) => `${f.displayName ?? f.format} ${Math.round(f.index)} (${pct(f.mixShare)} of mix)`).join(", ")}`);
    if (options.results !== undefined) {
      for (const a of plan.allocations.filter((x) => x.segment === sp.id && x.reason)) lines.push(`  ${a.displayName ?? a.channel}: ${a.reason}`);
    }
    lines.push("");
  }
  lines.push(`budget ${money(plan.budgetCents)} split into ${plan.allocations.filter((a) => a.cents > 0).length} segment x channel cells; total ${money(total)}`);
  lines.push(`rule: ${plan.formula}`);
  if (options.results !== undefined) {
    lines.push(
      `campaign results: pooled engagement rate ${plan.meanRate === null ? "-" : pct(plan.meanRate)} (for reference: each segment x channel is judged against its own expectation); ` +
        `${pct(plan.untestedShare)} of the budget on untested channels (at least ${pct(plan.explorationShare)})` +
        (plan.unmatchedResults ? `; ${plan.unmatchedResults} result rows matched no segment x channel` : ""),
    );
  }
  return lines;
}

/** Minor units (cents) → the plan's currency in LOCALE's format: 12345 EUR, de-DE → "123,45 €". */
function moneyFormat(plan, locale) {
  const f = new Intl.NumberFormat(locale, { style: "currency", currency: plan.currency, minimumFractionDigits: plan.minorUnits, maximumFractionDigits: plan.minorUnits });
  return (minor) => f.format(minor / 10 ** plan.minorUnits);
}
