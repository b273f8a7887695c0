//! The event aggregation and the saved model as SQL text, for data that lives in a warehouse.
//!
//! [`events_sql`] writes a query that turns an event table into the profile table
//! [`crate::targeting::aggregate_events`] makes; [`model_sql`] writes a query that scores a
//! profile table with a saved [`crate::model::Model`] as `assign` does. Three dialects: DuckDB,
//! Spark SQL (Databricks) and a PostgreSQL-flavoured standard SQL (`ansi`).
//!
//! Injection: every identifier (table, column) is quoted and its quote character doubled; every
//! text value is a quoted literal with the dialect's escapes (Spark reads `\` as an escape inside
//! literals, the others do not). Numbers are written by this code, never pasted from input.
//!
//! Floating point: every double is written in exponent form with the shortest digits that
//! round-trip (`1.25e-1`), so DuckDB and Spark read it as a DOUBLE (a plain `0.125` is a DECIMAL
//! there) and get the model's exact bits. Where results can still differ is `docs/warehouse.md`.

mod events;
mod model;

pub use events::{events_sql, EventsSqlOptions};
pub use model::{model_sql, ModelSqlOptions};

use crate::error::{echo, Result, SegError};
use serde::{Deserialize, Serialize};

/// Which SQL engine the text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqlDialect {
    #[default]
    Duckdb,
    Spark,
    /// Standard SQL as PostgreSQL and DuckDB read it (`EXTRACT(EPOCH …)`, `regexp_replace(…, 'g')`).
    Ansi,
}

impl SqlDialect {
    /// A quoted identifier; empty names and NUL characters are refused (`option` names the option).
    pub fn ident(self, name: &str, option: &str) -> Result<String> {
        if name.is_empty() || name.contains('\0') {
            return Err(SegError::option(option, format!("`{}` is not a usable table or column name (empty or with a NUL character)", echo(name))));
        }
        Ok(match self {
            SqlDialect::Spark => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        })
    }

    /// A quoted text literal.
    pub fn text(self, value: &str) -> String {
        match self {
            SqlDialect::Spark => format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'")),
            _ => format!("'{}'", value.replace('\'', "''")),
        }
    }

    /// A DOUBLE literal that reads back as exactly `v` (finite values only; callers check).
    pub fn double(self, v: f64) -> String {
        let digits = format!("{v:e}");
        let lit = match self {
            SqlDialect::Ansi => format!("CAST({digits} AS DOUBLE PRECISION)"),
            _ => digits,
        };
        if v.is_sign_negative() { format!("({lit})") } else { lit }
    }

    /// An integer literal (parenthesised when negative: `x - -1` would start a comment).
    pub fn int(self, v: i64) -> String {
        if v < 0 { format!("({v})") } else { v.to_string() }
    }

    /// The text type for CAST.
    pub fn text_type(self) -> &'static str {
        match self {
            SqlDialect::Spark => "STRING",
            _ => "VARCHAR",
        }
    }

    /// The double type for CAST.
    pub fn double_type(self) -> &'static str {
        match self {
            SqlDialect::Ansi => "DOUBLE PRECISION",
            _ => "DOUBLE",
        }
    }

    /// `expr` as trimmed text, empty when NULL.
    pub fn trimmed(self, expr: &str) -> String {
        format!("COALESCE(TRIM(CAST({expr} AS {})), '')", self.text_type())
    }

    /// Replace every match of `pattern` (a regular expression) in `expr`.
    pub fn replace_all(self, expr: &str, pattern: &str, with: &str) -> String {
        let (p, w) = (self.text(pattern), self.text(with));
        match self {
            SqlDialect::Spark => format!("regexp_replace({expr}, {p}, {w})"),
            _ => format!("regexp_replace({expr}, {p}, {w}, 'g')"),
        }
    }

    /// Name normalisation as `ingest::roles::normalise`: trimmed, lower case, runs of spaces,
    /// tabs, hyphens and underscores → one `_`, none at the start.
    pub fn normalised(self, expr: &str) -> String {
        let runs = self.replace_all(&format!("LOWER({})", self.trimmed(expr)), "[ \t_-]+", "_");
        self.replace_all(&runs, "^_", "")
    }

    /// Whole unix seconds (fractions dropped, as the engine's timestamp parser does) of a
    /// TIMESTAMP / TIMESTAMPTZ column.
    pub fn epoch_seconds(self, expr: &str) -> String {
        let million = self.double(1e6);
        match self {
            SqlDialect::Duckdb => format!("CAST(FLOOR(epoch_us({expr}) / {million}) AS BIGINT)"),
            SqlDialect::Spark => format!("CAST(FLOOR(unix_micros({expr}) / {million}) AS BIGINT)"),
            SqlDialect::Ansi => format!("CAST(FLOOR(EXTRACT(EPOCH FROM {expr})) AS BIGINT)"),
        }
    }

    /// `FLOOR(a / b)` for integers as a BIGINT (exact for |a| < 2^53 / b's magnitude).
    pub fn floor_div(self, a: &str, b: i64) -> String {
        format!("CAST(FLOOR(CAST({a} AS {}) / {}) AS BIGINT)", self.double_type(), self.double(b as f64))
    }

    /// The smallest of `items` (one item: itself; Spark's `least` wants two or more).
    pub fn least(self, items: &[String]) -> String {
        match items {
            [one] => one.clone(),
            _ => format!("LEAST({})", items.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SqlDialect::*;

    #[test]
    fn quoting_doubles_the_quote_character() {
        assert_eq!(Duckdb.ident("a\"b", "t").unwrap(), "\"a\"\"b\"");
        assert_eq!(Spark.ident("a`b", "t").unwrap(), "`a``b`");
        assert!(Duckdb.ident("", "table").is_err());
        assert!(Spark.ident("a\0b", "table").is_err());
        assert_eq!(Duckdb.text("it's \\"), "'it''s \\'");
        assert_eq!(Spark.text("it's \\"), "'it\\'s \\\\'");
    }

    #[test]
    fn doubles_round_trip_in_exponent_form() {
        for v in [0.1, -2.5, 1e-300, 123456.789, 0.0, f64::MIN_POSITIVE, 1.0 / 3.0] {
            let lit = Duckdb.double(v);
            let digits = lit.trim_start_matches('(').trim_end_matches(')');
            assert!(digits.contains('e'), "{lit}");
            assert_eq!(digits.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{lit}");
        }
        assert_eq!(Duckdb.double(-2.5), "(-2.5e0)");
        assert_eq!(Ansi.double(0.5), "CAST(5e-1 AS DOUBLE PRECISION)");
        assert_eq!(Spark.int(-3), "(-3)");
    }
}
