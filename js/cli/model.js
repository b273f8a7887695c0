// model: a saved model as SQL that scores a profile table where the data lives (a warehouse).
import { modelSql } from "../node/index.mjs";
import { parse, required } from "./args.js";
import { readModel, writeOut } from "./io.js";
import { sqlDialect } from "./events.js";

export const name = "model";
export const usage = "hcp-segments model MODEL.json --sql duckdb|spark|ansi [--table PROFILES] [--out QUERY.sql]";
export const summary = "print the SQL that puts a profile table into a model's segments (DuckDB, Spark)";
export const help = `Usage: hcp-segments model MODEL.json --sql DIALECT [options]

Print the SQL that scores a profile table with the model, in the warehouse: the model's feature
pipeline (caps, shares, log1p, z-scores, block weights, one-hot categories), then the nearest
segment. Each row of the result: the id, segment, segment_name, distance, confidence, the same
segments assign gives (docs/warehouse.md says where the numbers can differ: near-ties). The
profile table has the columns events --sql makes (ch_*, fmt_*, days_since_last, active_weeks,
the category columns). MODEL.json is the --json result of segment or refresh, or a bare model.

  --sql DIALECT       duckdb, spark (Databricks) or ansi (PostgreSQL-style) (required)
  --table NAME        the profile table (default profiles)
  --id-column NAME    its id column (default hcp_id)
  --out FILE          write the query to FILE (default: print it)`;

export function run(args) {
  const { values, positionals } = parse(
    args,
    {
      sql: { type: "string" },
      table: { type: "string" },
      "id-column": { type: "string" },
      out: { type: "string" },
    },
    ["MODEL.json"],
    name,
  );
  const dialect = sqlDialect(required(values, "sql", name));
  const { model } = readModel(positionals[0]);
  const options = { dialect };
  if (values.table !== undefined) options.table = values.table;
  if (values["id-column"] !== undefined) options.idColumn = values["id-column"];
  const out = values.out ?? "-";
  writeOut(out, modelSql(model, options));
  if (out !== "-") process.stdout.write(`wrote ${out} (${dialect} SQL, ${model.centroids.length} segments)\n`);
}
