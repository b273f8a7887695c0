//! `model_sql`: a saved model's scoring (`Model::assign`) as one SQL query.
//!
//! Every step is generated from the model: the capped counts, the shares (0 when an HCP has no
//! engagement), `log1p` of the capped totals, recency and frequency with the fit-time medians
//! for empty cells, one-hot categories, then `(value − mean) / scale × weight` per feature, the
//! squared distance to every centroid added in the order the engine's kernel adds it (even
//! columns, odd columns, then the two sums), the nearest centroid (lowest index on ties), the
//! distance and the confidence `(d2 − d1) / d2`. Output: the id column, `segment`,
//! `segment_name`, `distance`, `confidence`, ordered by the id.
//!
//! The profile table has the columns `events_sql` writes (`ch_<channel>`, `fmt_<format>`,
//! `days_since_last`, `active_weeks`, the category columns by name); empty counts are 0.

use super::SqlDialect;
use crate::error::{Result, SegError};
use crate::features::{FeatureKind, FeaturePipeline};
use crate::model::Model;
use serde::{Deserialize, Serialize};

/// Options of `modelSql` (JS: `ModelSqlOptions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ModelSqlOptions {
    pub dialect: SqlDialect,
    /// The profile table (one identifier). Default `profiles`.
    pub table: String,
    /// The id column. Default `hcp_id`.
    pub id_column: String,
}

impl Default for ModelSqlOptions {
    fn default() -> Self {
        ModelSqlOptions { dialect: SqlDialect::Duckdb, table: "profiles".into(), id_column: "hcp_id".into() }
    }
}

/// Raw (unscaled) value of every feature, as SQL expressions over the `totals` CTE's columns.
fn raw_features(q: SqlDialect, p: &FeaturePipeline) -> Result<Vec<String>> {
    let zero = q.double(0.0);
    let share = |col: String, total: &str| format!("CASE WHEN {total} > {zero} THEN {col} / {total} ELSE {zero} END");
    let position = |list: &[String], name: &str| list.iter().position(|c| c == name);
    p.features
        .iter()
        .map(|f| {
            Ok(match &f.kind {
                FeatureKind::ChannelShare { channel } => {
                    let j = position(&p.channels, channel).ok_or_else(|| bad_model(&f.name))?;
                    share(format!("c_{j}"), "ch_total")
                }
                FeatureKind::FormatShare { format } => {
                    let j = position(&p.formats, format).ok_or_else(|| bad_model(&f.name))?;
                    share(format!("f_{j}"), "fmt_total")
                }
                FeatureKind::ChannelIntensity => log1p(q, "ch_total"),
                FeatureKind::FormatIntensity => log1p(q, "fmt_total"),
                FeatureKind::Recency => fill(q, "days_since_last", p.recency_fill)?,
                FeatureKind::Frequency => fill(q, "active_weeks", p.frequency_fill)?,
                FeatureKind::Category { column, value } => {
                    let cell = q.ident(column, "model")?;
                    // rx_decile is read as a whole number 1-10 (the engine's level is its text).
                    let test = match value.parse::<i64>() {
                        Ok(d) if column == "rx_decile" => format!("CAST({cell} AS {}) = {}", q.double_type(), q.double(d as f64)),
                        _ => format!("TRIM(CAST({cell} AS {})) = {}", q.text_type(), q.text(value)),
                    };
                    format!("CASE WHEN {test} THEN {} ELSE {zero} END", q.double(1.0))
                }
            })
        })
        .collect()
}

fn bad_model(feature: &str) -> SegError {
    SegError::InvalidModel { message: format!("feature `{feature}` refers to a column the pipeline does not list") }
}

/// `ln(1 + x)`: Spark has `log1p`; DuckDB and PostgreSQL do not (`1 + x` is exact for counts).
fn log1p(q: SqlDialect, x: &str) -> String {
    match q {
        SqlDialect::Spark => format!("log1p({x})"),
        _ => format!("LN({} + {x})", q.double(1.0)),
    }
}

fn fill(q: SqlDialect, column: &str, median: Option<f64>) -> Result<String> {
    let cell = format!("CAST({} AS {})", q.ident(column, "model")?, q.double_type());
    Ok(format!("COALESCE({cell}, {})", q.double(median.unwrap_or(0.0))))
}

/// The SQL that scores a profile table with `model` (see the module notes).
pub fn model_sql(model: &Model, options: &ModelSqlOptions) -> Result<String> {
    let q = options.dialect;
    let p = &model.pipeline;
    p.validate()?;
    let table = q.ident(&options.table, "table")?;
    let id = q.ident(&options.id_column, "idColumn")?;
    let k = model.centroids.len();
    if k == 0 || model.centroids.iter().any(|c| c.len() != p.n_features()) {
        return Err(SegError::InvalidModel { message: "the centroids do not match the feature pipeline".into() });
    }

    // 1. Capped counts, in the pipeline's channel and format order.
    let capped = |prefix: &str, names: &[String], caps: &Option<Vec<f64>>, alias: &str| -> Result<Vec<String>> {
        names
            .iter()
            .enumerate()
            .map(|(j, n)| {
                let cell = format!("COALESCE(CAST({} AS {}), {})", q.ident(&format!("{prefix}{n}"), "model")?, q.double_type(), q.double(0.0));
                let v = match caps.as_ref().and_then(|c| c.get(j)) {
                    Some(&cap) => q.least(&[cell, q.double(cap)]),
                    None => cell,
                };
                Ok(format!("{v} AS {alias}_{j}"))
            })
            .collect()
    };
    let mut counts = vec![format!("TRIM(CAST({id} AS {})) AS hcp_id", q.text_type())];
    counts.extend(capped("ch_", &p.channels, &p.channel_caps, "c")?);
    counts.extend(capped("fmt_", &p.formats, &p.format_caps, "f")?);
    let mut raw_inputs = Vec::new();
    for f in &p.features {
        match &f.kind {
            FeatureKind::Recency | FeatureKind::Frequency | FeatureKind::Category { .. } => raw_inputs.push(f),
            _ => {}
        }
    }
    // 2. Totals, added left to right as the engine adds them.
    let total = |alias: &str, n: usize| {
        if n == 0 { q.double(0.0) } else { (0..n).map(|j| format!("{alias}_{j}")).collect::<Vec<_>>().join(" + ") }
    };
    // 3. Scaled features.
    let raw = raw_features(q, p)?;
    let scaled: Vec<String> = raw
        .iter()
        .zip(&p.features)
        .enumerate()
        .map(|(i, (r, f))| format!("(({r} - {}) / {}) * {} AS x_{i}", q.double(f.mean), q.double(f.scale), q.double(f.weight)))
        .collect();
    // 4. Squared distances: even columns, odd columns, then the two (the kernel's lanes).
    let distances: Vec<String> = model
        .centroids
        .iter()
        .enumerate()
        .map(|(c, centroid)| {
            let term = |j: usize| {
                let diff = format!("(x_{j} - {})", q.double(centroid[j]));
                format!("{diff} * {diff}")
            };
            let lane = |start: usize| (start..centroid.len()).step_by(2).map(term).collect::<Vec<_>>();
            let (even, odd) = (lane(0), lane(1));
            let sum = if odd.is_empty() { format!("({})", even.join(" + ")) } else { format!("({}) + ({})", even.join(" + "), odd.join(" + ")) };
            format!("{sum} AS d_{c}")
        })
        .collect();
    // 5. Nearest (lowest index on ties) and second nearest.
    let all: Vec<String> = (0..k).map(|c| format!("d_{c}")).collect();
    let nearest = if k == 1 {
        "0".to_string()
    } else {
        format!("CASE {} END", (0..k - 1).map(|c| format!("WHEN d_{c} = sq1 THEN {c}")).chain([format!("ELSE {}", k - 1)]).collect::<Vec<_>>().join(" "))
    };
    let second = if k == 1 {
        "sq1".to_string() // unused: one segment has confidence 1
    } else {
        let others = |c: usize| all.iter().enumerate().filter(|&(i, _)| i != c).map(|(_, d)| d.clone()).collect::<Vec<_>>();
        format!("CASE segment {} END", (0..k).map(|c| format!("WHEN {c} THEN {}", q.least(&others(c)))).collect::<Vec<_>>().join(" "))
    };
    let names = format!(
        "CASE segment {} END",
        model.segments.iter().map(|s| format!("WHEN {} THEN {}", s.id, q.text(&s.name))).collect::<Vec<_>>().join(" ")
    );
    let confidence = if k == 1 {
        q.double(1.0)
    } else {
        format!("CASE WHEN sq2 > {z} THEN (SQRT(sq2) - SQRT(sq1)) / SQRT(sq2) ELSE {one} END", z = q.double(0.0), one = q.double(1.0))
    };
    let mut carried: Vec<String> = Vec::new();
    for f in raw_inputs {
        let column = match &f.kind {
            FeatureKind::Recency => "days_since_last",
            FeatureKind::Frequency => "active_weeks",
            FeatureKind::Category { column, .. } => column.as_str(),
            _ => continue,
        };
        let quoted = q.ident(column, "model")?;
        if !carried.contains(&quoted) {
            carried.push(quoted);
        }
    }
    counts.extend(carried);
    Ok(format!(
        "-- hcp-segments {version}: profiles -> segments of a saved model ({k} segments, {d} features). Dialect: {q:?}.\n\
         WITH counts AS (\n  SELECT\n    {counts}\n  FROM {table}\n),\n\
         totals AS (\n  SELECT *, {ch_total} AS ch_total, {fmt_total} AS fmt_total FROM counts\n),\n\
         features AS (\n  SELECT hcp_id,\n    {scaled}\n  FROM totals\n),\n\
         distances AS (\n  SELECT hcp_id,\n    {distances}\n  FROM features\n),\n\
         nearest AS (\n  SELECT hcp_id, {all}, {least} AS sq1 FROM distances\n),\n\
         ranked AS (\n  SELECT *, {nearest} AS segment FROM nearest\n),\n\
         scored AS (\n  SELECT hcp_id, segment, sq1, {second} AS sq2 FROM ranked\n)\n\
         SELECT hcp_id AS {id}, segment, {names} AS segment_name, SQRT(sq1) AS distance,\n  {confidence} AS confidence\nFROM scored\nORDER BY hcp_id\n",
        version = env!("CARGO_PKG_VERSION"),
        d = p.n_features(),
        counts = counts.join(",\n    "),
        ch_total = total("c", p.channels.len()),
        fmt_total = total("f", p.formats.len()),
        scaled = scaled.join(",\n    "),
        distances = distances.join(",\n    "),
        all = all.join(", "),
        least = q.least(&all),
    ))
}
