// plan: ranked channels per segment, reachable share after consent, budget split.
import { channelPlan } from "../node/index.mjs";
import { UsageError, numArg, pairsArg, parse, required } from "./args.js";
import { csvCell, jsonOutput, readModel, readText } from "./io.js";
import { cents, fix, money, pct, printThenWrite, table } from "./print.js";

export const name = "plan";
export const usage = "hcp-segments plan RESULT.json --budget AMOUNT [--results CAMPAIGN.csv] [--out PLAN.csv]";
export const summary = "ranked channels per segment, reachable share after consent, budget split";
export const help = `Usage: hcp-segments plan RESULT.json --budget AMOUNT [options]

Per segment, channels ranked by index / 100 x reachable share (after consent: email needs
consent_email, rep none, other channels consent_tracking), formats by index, and a budget split
across segments x channels proportional to index x reachable HCPs, in whole cents that add up
to the budget exactly. With --results, observed engagement rates (shrunk towards the pooled
rate) move budget towards what works. RESULT.json is the --json of segment or refresh (the
plan needs the segment profiles, which a bare model does not have).

  --budget AMOUNT     total budget in currency units (required)
  --results FILE      campaign results CSV: segment (id or name),channel,impressions,engagements
  --segment-weight ID=W   weight of a segment (default 1); repeatable
  --channel-weight CH=W   weight of a channel (default 1; 0 = off); repeatable
  --min-index N       channels below this index get no budget (default 0)
  --consent CH=COL    consent column gating a channel (none = ungated); repeatable
  --prior-impressions K   shrinkage strength for --results (default 1000)
  --out FILE          write the allocations CSV (- = stdout)
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
      out: { type: "string" },
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
  if (values.results !== undefined) options.results = readText(values.results);
  const { segments } = readModel(positionals[0]);
  if (!segments) {
    throw new UsageError(`plan needs the segment profiles: pass the --json result of segment or refresh, not a bare model (${positionals[0]})`);
  }
  const plan = channelPlan(segments, options);
  const total = plan.allocations.reduce((s, a) => s + a.cents, 0);
  printThenWrite(planLines(plan, options, total), [
    {
      file: values.out,
      text: () => allocationsCsv(plan),
      note: ` (${plan.allocations.length} rows; amount in currency units, adds up to ${cents(total)})`,
      quietOnStdout: true,
    },
    jsonOutput(values.json, plan),
  ]);
}

/** Per segment its budget and channel table, then the totals. */
function planLines(plan, options, total) {
  const lines = [];
  for (const sp of plan.segments) {
    const alloc = new Map(plan.allocations.filter((a) => a.segment === sp.id).map((a) => [a.channel, a]));
    const share = plan.budgetCents ? ` (${pct(sp.budgetCents / plan.budgetCents)})` : "";
    lines.push(`segment ${sp.id}  ${sp.name}  (${sp.size} HCPs): ${money(sp.budgetCents)}${share}`);
    lines.push(
      table(
        ["rank", "channel", "index", "consent", "reachable", "priority", "budget", "of total"],
        sp.channels.map((c, i) => {
          const a = alloc.get(c.channel);
          return [
            i + 1,
            c.channel,
            Math.round(c.index),
            c.consent ? `${c.consent}${c.consentKnown ? "" : " (not in data)"}` : "-",
            `${c.reachable} (${pct(c.reachableShare)})`,
            fix(c.priority, 2),
            a ? money(a.cents) : "0.00",
            a ? pct(a.share) : "0.0%",
          ];
        }),
        ["r", "l", "r", "l", "r", "r", "r", "r"],
      ).replace(/^/gm, "  "),
    );
    lines.push(`  formats: ${sp.formats.slice(0, 4).map((f) => `${f.format} ${Math.round(f.index)}`).join(", ")}`);
    lines.push("");
  }
  lines.push(`budget ${money(plan.budgetCents)} split into ${plan.allocations.filter((a) => a.cents > 0).length} segment x channel cells; total ${money(total)}`);
  if (options.results !== undefined) {
    lines.push(
      `campaign results: pooled engagement rate ${plan.meanRate === null ? "-" : pct(plan.meanRate)}; budget moved by observed rate (shrunk with ${options.priorImpressions ?? 1000} prior impressions)` +
        (plan.unmatchedResults ? `; ${plan.unmatchedResults} result rows matched no segment x channel` : ""),
    );
  }
  return lines;
}

/** --out: one row per segment x channel, amount in currency units. */
function allocationsCsv(plan) {
  const bySeg = new Map(plan.segments.map((s) => [s.id, s]));
  const rows = ["segment,segment_name,channel,index,reachable,weight,multiplier,observed_rate,impressions,amount,share"];
  for (const a of plan.allocations) {
    const sp = bySeg.get(a.segment);
    const ch = sp.channels.find((c) => c.channel === a.channel);
    rows.push(
      [a.segment, sp.name, a.channel, ch ? ch.index.toFixed(1) : "", ch ? ch.reachable : "", a.weight.toFixed(6), a.multiplier.toFixed(6), a.observedRate ?? "", a.impressions ?? "", cents(a.cents), a.share.toFixed(6)]
        .map(csvCell)
        .join(","),
    );
  }
  return rows.join("\n") + "\n";
}
