"""Run a query written by hcp-segments' SQL generators on DuckDB or Spark (local mode).

    run_sql.py ENGINE SQL_FILE TABLE INPUT.csv OUT.csv [--timestamp COL] [--parquet]

INPUT.csv is loaded as a table of text columns named TABLE (empty cells are NULL, as a
warehouse's missing values); --timestamp casts that column to TIMESTAMP (UTC); --parquet writes
the table to Parquet with DuckDB first and queries the Parquet file. The result goes to OUT.csv
(header, NULL as an empty cell, doubles in Python's shortest round-trip form). Used by
tests/warehouse.rs (the oracles are the engine's own aggregate_events and assign) and bench/.
"""
import csv
import os
import sys
import time


def rows_to_csv(path, names, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(names)
        for r in rows:
            w.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in r])


def run_duckdb(sql, table, src, out, ts, parquet):
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rel = con.read_csv(src, header=True, all_varchar=True)
    if ts:
        cols = []
        for c in rel.columns:
            q = '"' + c.replace('"', '""') + '"'
            cols.append(f"CAST({q} AS TIMESTAMP) AS {q}" if c == ts else q)
        rel = rel.project(", ".join(cols))
    if parquet:
        pq = out + ".input.parquet"
        rel.write_parquet(pq)
        rel = con.read_parquet(pq)
    rel.create_view(table)
    t0 = time.time()
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    rows_to_csv(out, names, rows)
    return time.time() - t0


def run_spark(sql, table, src, out, ts, parquet):
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import col

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("hcp-segments-warehouse-test")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.read.option("header", True).option("escape", '"').csv(src)
    if ts:
        df = df.withColumn(ts, col("`" + ts.replace("`", "``") + "`").cast("timestamp"))
    df.createOrReplaceTempView(table)
    t0 = time.time()
    result = spark.sql(sql)
    names = result.columns
    rows = [tuple(r) for r in result.collect()]
    rows_to_csv(out, names, rows)
    took = time.time() - t0
    spark.stop()
    return took


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    engine, sql_file, table, src, out = argv[:5]
    ts = argv[argv.index("--timestamp") + 1] if "--timestamp" in argv else None
    parquet = "--parquet" in argv
    with open(sql_file, encoding="utf-8") as f:
        sql = f.read()
    run = {"duckdb": run_duckdb, "spark": run_spark}[engine]
    took = run(sql, table, src, out, ts, parquet)
    print(f"{engine}: query {took:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    main(sys.argv[1:])
