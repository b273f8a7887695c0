// events: an event log (one row per engagement) aggregated into one profile row per HCP.
import { aggregateEvents, eventsSql } from "../node/index.mjs";
import { UsageError, listArg, pairsArg, parse, required } from "./args.js";
import { readExclude, readData, writeOut } from "./io.js";
import { writeThenPrint } from "./print.js";

export const name = "events";
export const usage = "hcp-segments events LOG.csv [--from DATE] [--to DATE] --out PROFILES.csv | --sql DIALECT";
export const summary = "aggregate an event log (one row per engagement) into one profile row per HCP";
export const help = `Usage: hcp-segments events LOG.csv --out PROFILES.csv [options]

Aggregate an event log (one row per engagement: hcp_id, timestamp, channel, format, action)
into one row per HCP for a window: ch_* and fmt_* counts, days_since_last, active_weeks
(distinct ISO weeks active among the 12 before --to), and carried columns (specialty,
country, consent_*, ...: the latest non-empty value). Opens, impressions, sends and bounces
do not count by default. The output is the input of segment. LOG may be - (stdin).

  --out FILE          write the profiles CSV (- = stdout; the report then goes to stderr)
  --from DATE         window start, inclusive (ISO-8601 date/time or unix seconds)
  --to DATE           window end, exclusive (default: midnight UTC after the last event)
  --count-actions A,B only these actions count
  --ignore-actions A,B  actions that never count (replaces the default list)
  --column NAME=ROLE  column role (id, timestamp, channel, format, action, attribute,
                      ignore); repeatable
  --delimiter C       force the CSV delimiter (, ; or tab)
  --exclude FILE      hcp_ids to leave out (one per line)
  --sql DIALECT       instead of profiles, print the SQL that makes them from an event table
                      in a warehouse (duckdb, spark or ansi), with this log's channels, formats
                      and carried columns and the options above; docs/warehouse.md
  --table NAME        the event table the SQL reads (default events)`;

export function run(args) {
  const { values, positionals } = parse(
    args,
    {
      out: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      "count-actions": { type: "string" },
      "ignore-actions": { type: "string" },
      column: { type: "string", multiple: true },
      delimiter: { type: "string" },
      exclude: { type: "string" },
      sql: { type: "string" },
      table: { type: "string" },
    },
    ["LOG.csv"],
    name,
  );
  const options = {};
  if (values.from !== undefined) options.from = values.from;
  if (values.to !== undefined) options.to = values.to;
  if (values["count-actions"] !== undefined) options.countActions = listArg(values["count-actions"]);
  if (values["ignore-actions"] !== undefined) options.ignoreActions = listArg(values["ignore-actions"]);
  if (values.column) options.columns = pairsArg(values.column, "column", (v) => v);
  if (values.delimiter !== undefined) options.delimiter = values.delimiter === "tab" ? "\t" : values.delimiter;
  if (values.exclude !== undefined) options.exclude = readExclude(values.exclude);
  const sql = values.sql !== undefined ? sqlDialect(values.sql) : undefined;
  if (values.table !== undefined && !sql) throw new UsageError("--table goes with --sql (the table the query reads)");
  const out = sql ? values.out ?? "-" : required(values, "out", name);
  const agg = aggregateEvents(readData(positionals[0]), options);
  if (sql) {
    writeOut(out, warehouseQuery(agg.report, options, sql, values.table));
    if (out !== "-") process.stdout.write(`wrote ${out} (${sql} SQL: ${agg.report.channels.length} channels, ${agg.report.formats.length} formats)\n`);
    return;
  }
  const r = agg.report;
  const lines = [
    `${r.eventsRead} events read, ${r.eventsCounted} counted; not counted: ${r.eventsOutsideWindow} outside the window, ` +
      `${r.eventsIgnoredAction} ignored actions, ${r.eventsExcluded} excluded HCPs`,
    `window ${r.from ?? "(open)"} to ${r.to} (end exclusive)`,
    `${r.hcps} HCPs with at least one counted event`,
    `channels: ${r.channels.join(", ") || "-"}`,
    `formats:  ${r.formats.join(", ") || "-"}`,
    `carried:  ${r.carried.join(", ") || "-"}`,
  ];
  if (r.ignored.length) lines.push(`ignored columns: ${r.ignored.join(", ")}`);
  if (r.recencyCapped) lines.push(`${r.recencyCapped} HCPs' days_since_last capped at 365`);
  writeThenPrint(out, agg.csv, lines, ` (${r.hcps} rows; segment it with: hcp-segments segment ${out})`);
}

/** --sql: the dialect, checked here so a typo is a usage error. */
export function sqlDialect(value) {
  const dialect = value.toLowerCase();
  if (!["duckdb", "spark", "ansi"].includes(dialect)) throw new UsageError(`--sql must be duckdb, spark or ansi, got '${value}'`);
  return dialect;
}

/** The query with the columns this log has (a query's columns are fixed; the log names them). */
function warehouseQuery(report, options, dialect, table) {
  const roles = ["id", "timestamp", "channel", "format", "action", "ignore"];
  const columns = Object.fromEntries(Object.entries(options.columns ?? {}).filter(([, role]) => roles.includes(role)));
  const sqlOptions = { dialect, columns, channels: report.channels, formats: report.formats, carried: report.carried };
  for (const key of ["from", "to", "countActions", "ignoreActions", "exclude"]) {
    if (options[key] !== undefined) sqlOptions[key] = options[key];
  }
  if (table !== undefined) sqlOptions.table = table;
  return eventsSql(sqlOptions);
}
