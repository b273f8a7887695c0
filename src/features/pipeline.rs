use crate::error::{Result, SegError};
use crate::ingest::{Counts, Profiles};
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Total weight of each block in the distance. 0 switches a block off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct BlockWeights {
    pub channel_mix: f64,
    pub format_mix: f64,
    pub intensity: f64,
    pub recency: f64,
    /// Category column → weight of its one-hot block. Categories not named only profile segments.
    pub categories: BTreeMap<String, f64>,
}

impl Default for BlockWeights {
    fn default() -> Self {
        BlockWeights { channel_mix: 1.0, format_mix: 1.0, intensity: 1.0, recency: 0.5, categories: BTreeMap::new() }
    }
}

pub const MAX_BLOCK_WEIGHT: f64 = 1000.0;

impl BlockWeights {
    pub fn check(&self) -> Result<()> {
        let named = [
            ("weights.channelMix", self.channel_mix),
            ("weights.formatMix", self.format_mix),
            ("weights.intensity", self.intensity),
            ("weights.recency", self.recency),
        ];
        let cats = self.categories.iter().map(|(k, v)| (k.as_str(), *v));
        for (name, w) in named.into_iter().chain(cats) {
            if !(w.is_finite() && (0.0..=MAX_BLOCK_WEIGHT).contains(&w)) {
                return Err(SegError::option(
                    if name.starts_with("weights.") { name } else { "weights.categories" },
                    format!("weight of `{name}` must be a number from 0 to {MAX_BLOCK_WEIGHT}, got {w}"),
                ));
            }
        }
        Ok(())
    }
}

/// What one feature column is computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FeatureKind {
    ChannelShare { channel: String },
    FormatShare { format: String },
    ChannelIntensity,
    FormatIntensity,
    Recency,
    Frequency,
    Category { column: String, value: String },
}

/// One feature column: how to compute it, and the scaling learned at fit time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureSpec {
    pub name: String,
    #[serde(flatten)]
    pub kind: FeatureKind,
    pub block: String,
    pub mean: f64,
    /// Standard deviation at fit time; 1 for constant features (they then contribute 0).
    pub scale: f64,
    /// sqrt(block weight / features in block).
    pub weight: f64,
}

/// The recorded feature pipeline (serialised into the model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeaturePipeline {
    pub channels: Vec<String>,
    pub formats: Vec<String>,
    /// Per-channel cap (the fit-time quantile), None when capping is off.
    pub channel_caps: Option<Vec<f64>>,
    pub format_caps: Option<Vec<f64>>,
    pub cap_quantile: Option<f64>,
    /// Medians used for empty recency / frequency cells.
    pub recency_fill: Option<f64>,
    pub frequency_fill: Option<f64>,
    pub weights: BlockWeights,
    pub features: Vec<FeatureSpec>,
}

/// Quantile by linear interpolation between order statistics (numpy's default "linear").
/// Selection, not a sort (O(n): 1M rows × 16 columns took seconds to sort); the order
/// statistics under `total_cmp` are the same values a sort would put there. `values` is left
/// partially reordered.
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let pos = q * (values.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (_, &mut at_lo, above) = values.select_nth_unstable_by(lo, |a, b| a.total_cmp(b));
    let at_hi = if hi == lo { at_lo } else { above.iter().copied().min_by(|a, b| a.total_cmp(b)).unwrap_or(at_lo) };
    at_lo + (at_hi - at_lo) * (pos - lo as f64)
}

fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.collect();
    if v.is_empty() {
        None
    } else {
        Some(quantile(&mut v, 0.5))
    }
}

/// Per column of `m`: the sum of the values, and the sum of squared deviations from the column
/// mean (sum ÷ rows). Both are added in row order, as `column(j).sum()` and
/// `column(j).iter().map(…).sum()` add them, but in two row-major passes over the matrix instead
/// of two strided passes per column. A one-column matrix's column is contiguous, and ndarray
/// sums a contiguous slice eight lanes at a time, so that case keeps ndarray's sum.
fn column_moments(m: ndarray::ArrayView2<f64>) -> (Vec<f64>, Vec<f64>) {
    let (n, d) = m.dim();
    let sums: Vec<f64> = if d == 1 {
        vec![m.column(0).sum()]
    } else {
        let mut sums = vec![0.0; d];
        for row in m.rows() {
            for (s, v) in sums.iter_mut().zip(row) {
                *s += v;
            }
        }
        sums
    };
    let means: Vec<f64> = sums.iter().map(|s| s / n as f64).collect();
    let mut squares = vec![0.0; d];
    for row in m.rows() {
        for ((s, v), mean) in squares.iter_mut().zip(row).zip(&means) {
            *s += (v - mean) * (v - mean);
        }
    }
    (sums, squares)
}

fn column_caps(counts: &Counts, width: usize, q: f64) -> Vec<f64> {
    (0..width).map(|j| quantile(&mut counts.column(j, width), q)).collect()
}

/// Map the pipeline's channel (or format) names onto the columns of `profiles`.
/// A channel the model knows but the input lacks is an error: silently zero-filling it would
/// move every HCP towards the low-engagement segments.
fn column_index(names: &[String], present: &[String], prefix: &str) -> Result<Vec<usize>> {
    names
        .iter()
        .map(|n| {
            present.iter().position(|p| p == n).ok_or_else(|| SegError::ModelColumnMissing { column: format!("{prefix}{n}") })
        })
        .collect()
}

/// Raw (unscaled) feature values of one block source, row by row.
struct RawFeatures<'a> {
    profiles: &'a Profiles,
    channel_idx: Vec<usize>,
    format_idx: Vec<usize>,
    channel_caps: Option<&'a [f64]>,
    format_caps: Option<&'a [f64]>,
}

impl RawFeatures<'_> {
    fn capped_into(row: &[f64], idx: &[usize], caps: Option<&[f64]>, out: &mut Vec<f64>) {
        out.clear();
        out.extend(idx.iter().enumerate().map(|(j, &src)| {
            let v = row[src];
            match caps {
                Some(c) => v.min(c[j]),
                None => v,
            }
        }));
    }
    /// Row i's channel values into `out`; `row` is scratch for the row's counts as f64.
    fn channels_into(&self, i: usize, row: &mut Vec<f64>, out: &mut Vec<f64>) {
        self.profiles.channel_row_into(i, row);
        Self::capped_into(row, &self.channel_idx, self.channel_caps, out)
    }
    fn formats_into(&self, i: usize, row: &mut Vec<f64>, out: &mut Vec<f64>) {
        self.profiles.format_row_into(i, row);
        Self::capped_into(row, &self.format_idx, self.format_caps, out)
    }
}

/// `total` is `values.iter().sum()`.
fn share(values: &[f64], total: f64, j: usize) -> f64 {
    if total > 0.0 {
        values[j] / total
    } else {
        0.0 // an HCP with no engagement has no mix; 0 keeps the row finite
    }
}

impl FeaturePipeline {
    /// Learn the pipeline from the universe.
    pub fn fit(profiles: &Profiles, weights: &BlockWeights, cap_quantile: Option<f64>) -> Result<Self> {
        let mut pipeline = Self::fit_unscaled(profiles, weights, cap_quantile)?;
        pipeline.learn_scaling(profiles)?;
        Ok(pipeline)
    }

    /// Everything but the means, scales and weights.
    fn fit_unscaled(profiles: &Profiles, weights: &BlockWeights, cap_quantile: Option<f64>) -> Result<Self> {
        weights.check()?;
        if let Some(q) = cap_quantile {
            if !(q.is_finite() && q > 0.0 && q <= 1.0) {
                return Err(SegError::option("capQuantile", format!("must be in (0, 1] or null, got {q}")));
            }
        }
        if profiles.is_empty() {
            return Err(SegError::EmptyInput { what: "no HCP rows to learn features from".into() });
        }
        for name in weights.categories.keys() {
            if profiles.category(name).is_none() {
                let found: Vec<&str> = profiles.categories.iter().map(|c| c.name.as_str()).collect();
                return Err(SegError::option(
                    "weights.categories",
                    format!("`{name}` is not a category column of the input (found: {})", found.join(", ")),
                ));
            }
        }
        let (nc, nf) = (profiles.channels.len(), profiles.formats.len());
        let channel_caps = cap_quantile.map(|q| column_caps(&profiles.channel_counts, nc, q));
        let format_caps = cap_quantile.map(|q| column_caps(&profiles.format_counts, nf, q));
        let recency_fill = profiles.recency.as_ref().and_then(|r| median(r.iter().flatten().copied()));
        let frequency_fill = profiles.frequency.as_ref().and_then(|r| median(r.iter().flatten().copied()));

        let mut features = Vec::new();
        let mut push = |name: String, kind: FeatureKind, block: &str| {
            features.push(FeatureSpec { name, kind, block: block.to_string(), mean: 0.0, scale: 1.0, weight: 0.0 });
        };
        if weights.channel_mix > 0.0 && nc > 0 {
            for c in &profiles.channels {
                push(format!("channel_mix:{c}"), FeatureKind::ChannelShare { channel: c.clone() }, "channelMix");
            }
        }
        if weights.format_mix > 0.0 && nf > 0 {
            for f in &profiles.formats {
                push(format!("format_mix:{f}"), FeatureKind::FormatShare { format: f.clone() }, "formatMix");
            }
        }
        if weights.intensity > 0.0 {
            if nc > 0 {
                push("intensity:channels".into(), FeatureKind::ChannelIntensity, "intensity");
            }
            if nf > 0 {
                push("intensity:formats".into(), FeatureKind::FormatIntensity, "intensity");
            }
        }
        if weights.recency > 0.0 {
            if recency_fill.is_some() {
                push("recency:days_since_last".into(), FeatureKind::Recency, "recency");
            }
            if frequency_fill.is_some() {
                push("recency:active_weeks".into(), FeatureKind::Frequency, "recency");
            }
        }
        for (column, &w) in &weights.categories {
            if w > 0.0 {
                if let Some(cat) = profiles.category(column) {
                    let levels: std::collections::BTreeSet<&String> = cat.levels.iter().collect();
                    for value in levels {
                        push(
                            format!("{column}:{value}"),
                            FeatureKind::Category { column: column.clone(), value: value.clone() },
                            &format!("category:{column}"),
                        );
                    }
                }
            }
        }
        if features.is_empty() {
            return Err(SegError::option("weights", "every feature block has weight 0 or no columns: nothing to cluster on"));
        }

        Ok(FeaturePipeline {
            channels: profiles.channels.clone(),
            formats: profiles.formats.clone(),
            channel_caps,
            format_caps,
            cap_quantile,
            recency_fill,
            frequency_fill,
            weights: weights.clone(),
            features,
        })
    }

    /// [`fit`](Self::fit) then [`transform`](Self::transform) on the same profiles, building the
    /// raw matrix once (same bits as the two calls).
    pub fn fit_transform(profiles: &Profiles, weights: &BlockWeights, cap_quantile: Option<f64>) -> Result<(Self, Array2<f64>)> {
        let mut pipeline = Self::fit_unscaled(profiles, weights, cap_quantile)?;
        let mut raw = pipeline.learn_scaling(profiles)?;
        pipeline.scale_in_place(&mut raw);
        Ok((pipeline, raw))
    }

    /// Learn means and scales from the raw values, then the per-feature block weights; returns
    /// the raw matrix.
    fn learn_scaling(&mut self, profiles: &Profiles) -> Result<Array2<f64>> {
        let pipeline = self;
        let raw = pipeline.raw_matrix(profiles)?;
        let n = raw.nrows() as f64;
        let (means, vars) = column_moments(raw.view());
        for ((spec, mean), var) in pipeline.features.iter_mut().zip(means).zip(vars) {
            let var = var / n;
            spec.mean = mean / n;
            spec.scale = if var > 1e-24 { var.sqrt() } else { 1.0 };
        }
        let mut block_sizes: BTreeMap<String, usize> = BTreeMap::new();
        for s in &pipeline.features {
            *block_sizes.entry(s.block.clone()).or_default() += 1;
        }
        for s in pipeline.features.iter_mut() {
            let w = pipeline.weights.block_weight(&s.block);
            s.weight = (w / block_sizes[&s.block] as f64).sqrt();
        }
        Ok(raw)
    }

    pub fn feature_names(&self) -> Vec<String> {
        self.features.iter().map(|f| f.name.clone()).collect()
    }

    pub fn n_features(&self) -> usize {
        self.features.len()
    }

    /// Unscaled feature values (n × features).
    fn raw_matrix(&self, profiles: &Profiles) -> Result<Array2<f64>> {
        let channel_idx = column_index(&self.channels, &profiles.channels, "ch_")?;
        let format_idx = column_index(&self.formats, &profiles.formats, "fmt_")?;
        let needs = |k: fn(&FeatureKind) -> bool| self.features.iter().any(|f| k(&f.kind));
        if needs(|k| matches!(k, FeatureKind::Recency)) && profiles.recency.is_none() {
            return Err(SegError::ModelColumnMissing { column: "days_since_last".into() });
        }
        if needs(|k| matches!(k, FeatureKind::Frequency)) && profiles.frequency.is_none() {
            return Err(SegError::ModelColumnMissing { column: "active_weeks".into() });
        }
        for f in &self.features {
            if let FeatureKind::Category { column, .. } = &f.kind {
                if profiles.category(column).is_none() {
                    return Err(SegError::ModelColumnMissing { column: column.clone() });
                }
            }
        }
        let src = RawFeatures {
            profiles,
            channel_idx,
            format_idx,
            channel_caps: self.channel_caps.as_deref(),
            format_caps: self.format_caps.as_deref(),
        };
        // Each feature resolved once (names → positions, category → its column), not per row.
        enum Source<'p> {
            ChannelShare(usize),
            FormatShare(usize),
            ChannelIntensity,
            FormatIntensity,
            Recency,
            Frequency,
            /// The column's codes and the code of this feature's level (None: not in these rows).
            Category(&'p [u32], Option<u32>),
        }
        let channel_pos = |name: &str| self.channels.iter().position(|c| c == name).unwrap_or(0);
        let format_pos = |name: &str| self.formats.iter().position(|c| c == name).unwrap_or(0);
        let sources: Vec<Source> = self
            .features
            .iter()
            .map(|f| match &f.kind {
                FeatureKind::ChannelShare { channel } => Source::ChannelShare(channel_pos(channel)),
                FeatureKind::FormatShare { format } => Source::FormatShare(format_pos(format)),
                FeatureKind::ChannelIntensity => Source::ChannelIntensity,
                FeatureKind::FormatIntensity => Source::FormatIntensity,
                FeatureKind::Recency => Source::Recency,
                FeatureKind::Frequency => Source::Frequency,
                FeatureKind::Category { column, value } => match profiles.category(column) {
                    // A level these rows do not have: the feature is 0 in every row.
                    Some(c) => Source::Category(&c.codes, c.code_of(value)),
                    None => Source::Category(&[], None),
                },
            })
            .collect();
        let n = profiles.len();
        let d = self.features.len();
        let mut out = Array2::zeros((n, d));
        let (mut ch, mut fm, mut counts) = (Vec::new(), Vec::new(), Vec::new());
        for (i, mut row) in out.outer_iter_mut().enumerate() {
            src.channels_into(i, &mut counts, &mut ch);
            src.formats_into(i, &mut counts, &mut fm);
            // The same sums share() and the intensities computed per feature before.
            let (ch_total, fm_total) = (ch.iter().sum::<f64>(), fm.iter().sum::<f64>());
            for (slot, source) in row.iter_mut().zip(&sources) {
                *slot = match *source {
                    Source::ChannelShare(j) => share(&ch, ch_total, j),
                    Source::FormatShare(j) => share(&fm, fm_total, j),
                    Source::ChannelIntensity => libm::log1p(ch_total),
                    Source::FormatIntensity => libm::log1p(fm_total),
                    Source::Recency => profiles
                        .recency
                        .as_ref()
                        .and_then(|r| r[i])
                        .or(self.recency_fill)
                        .unwrap_or(0.0),
                    Source::Frequency => profiles
                        .frequency
                        .as_ref()
                        .and_then(|r| r[i])
                        .or(self.frequency_fill)
                        .unwrap_or(0.0),
                    Source::Category(codes, code) => {
                        if code.is_some() && codes.get(i).copied() == code { 1.0 } else { 0.0 }
                    }
                };
            }
        }
        Ok(out)
    }

    /// The scaled, weighted matrix k-means clusters on.
    pub fn transform(&self, profiles: &Profiles) -> Result<Array2<f64>> {
        let mut m = self.raw_matrix(profiles)?;
        self.scale_in_place(&mut m);
        Ok(m)
    }

    fn scale_in_place(&self, m: &mut Array2<f64>) {
        // Row by row: the matrix is row-major, and a column at a time touched every cache line
        // of it once per feature.
        for mut row in m.rows_mut() {
            for (v, f) in row.iter_mut().zip(&self.features) {
                *v = (*v - f.mean) / f.scale * f.weight;
            }
        }
    }

    /// Check a deserialised pipeline for values that would make `transform` misbehave.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(SegError::InvalidModel { message: m });
        if self.features.is_empty() {
            return bad("the feature pipeline has no features".into());
        }
        for f in &self.features {
            if !(f.mean.is_finite() && f.scale.is_finite() && f.scale > 0.0 && f.weight.is_finite() && f.weight >= 0.0) {
                return bad(format!("feature `{}` has an invalid mean/scale/weight", f.name));
            }
            let known = match &f.kind {
                FeatureKind::ChannelShare { channel } => self.channels.contains(channel),
                FeatureKind::FormatShare { format } => self.formats.contains(format),
                _ => true,
            };
            if !known {
                return bad(format!("feature `{}` refers to a column the pipeline does not list", f.name));
            }
        }
        for (caps, width, what) in [(&self.channel_caps, self.channels.len(), "channel"), (&self.format_caps, self.formats.len(), "format")] {
            if let Some(c) = caps {
                if c.len() != width || c.iter().any(|v| !v.is_finite()) {
                    return bad(format!("{what} caps do not match the {what} list"));
                }
            }
        }
        Ok(())
    }
}

impl BlockWeights {
    fn block_weight(&self, block: &str) -> f64 {
        match block {
            "channelMix" => self.channel_mix,
            "formatMix" => self.format_mix,
            "intensity" => self.intensity,
            "recency" => self.recency,
            other => other
                .strip_prefix("category:")
                .and_then(|c| self.categories.get(c))
                .copied()
                .unwrap_or(0.0),
        }
    }
}

#[cfg(test)]
mod moment_tests {
    use super::column_moments;
    use ndarray::Array2;

    /// The row-major passes give the bits of the per-column sums they replace (ndarray's
    /// `column(j).sum()` and an iterator sum of squared deviations), for one column (which
    /// ndarray sums eight lanes at a time), fewer than eight rows, and values of mixed magnitude.
    #[test]
    fn column_moments_match_the_per_column_sums_bit_for_bit() {
        for (n, d) in [(1, 1), (5, 1), (1000, 1), (1, 4), (7, 3), (8, 5), (1001, 23)] {
            let m = Array2::from_shape_fn((n, d), |(i, j)| {
                let x = ((i * 31 + j * 17) as f64 * 0.731).sin() * 10f64.powi(((i + j) % 9) as i32 - 4);
                if (i + j) % 13 == 0 { -0.0 } else { x }
            });
            let (sums, squares) = column_moments(m.view());
            for j in 0..d {
                let col = m.column(j);
                let sum = col.sum();
                let mean = sum / n as f64;
                let sq = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>();
                assert_eq!(sums[j].to_bits(), sum.to_bits(), "sum n={n} d={d} j={j}");
                assert_eq!(squares[j].to_bits(), sq.to_bits(), "squares n={n} d={d} j={j}");
            }
        }
    }
}
