//! The main job: HCP rows in, targetable segments out. Every stage is a call into its module;
//! this file only sequences them and reports progress.
//!
//! read → ingest (roles, validation, exclusions) → features → k-means (the job's tasks: `job`)
//! → segments ordered by size → members, profiles, names → projection → model.

use crate::clustering::kmeans::{cluster_sizes, KMeansFit};
use crate::clustering::metrics::{calinski_harabasz, davies_bouldin, silhouette, SampleDistances};
use crate::clustering::warm::fit_with_warm_start;
use crate::clustering::KSweep;
use crate::error::{Result, SegError};
use crate::features::{FeaturePipeline, Pca2};
use crate::job::{self, Runner};
use crate::ingest::{self, Cell, IngestOptions, ParseReport, Profiles, RawTable};
use crate::model::{AssignOptions, Model, ModelSegment, MODEL_FORMAT, MODEL_VERSION};
use crate::segments::{assign_members, order_by_size, profile_segments, Assignment, DisplayNames, Segment};
use ndarray::Array2;
use serde::Serialize;

/// Input rows: CSV text, a file's bytes (the engine works out what they are: see
/// [`ingest::source`]), or records (key order kept) as decoded from JS objects.
#[derive(Clone)]
pub enum Input {
    Csv(String),
    Bytes(Vec<u8>),
    Records(Vec<Vec<(String, Cell)>>),
}

impl Input {
    pub fn read(self, options: &IngestOptions) -> Result<RawTable> {
        match self {
            Input::Csv(text) => ingest::csv::read_csv(&text, options),
            Input::Bytes(bytes) => ingest::source::read_bytes(bytes, options),
            Input::Records(records) => ingest::records::read_records(records),
        }
    }
}

pub use crate::options::{AutoK, KChoice, Progress, SegmentOptions};


#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quality {
    pub k: u32,
    pub inertia: f64,
    pub silhouette: Option<f64>,
    pub silhouette_sample_size: u32,
    pub calinski_harabasz: Option<f64>,
    pub davies_bouldin: Option<f64>,
    pub iterations: u32,
    pub converged: bool,
    pub n_features: u32,
    pub feature_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Projection {
    /// Row-major n × 2.
    pub points: Vec<f32>,
    /// Row-major k × 2.
    pub centroids: Vec<f32>,
    pub explained_variance: [f64; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentResult {
    pub segments: Vec<Segment>,
    pub assignments: Vec<Assignment>,
    pub quality: Quality,
    pub k_sweep: Option<KSweep>,
    pub report: ParseReport,
    pub model: Model,
    pub projection: Projection,
}

/// Segment HCP rows. `progress` is called at each stage and after every k-means restart.
pub fn segment(input: Input, options: &SegmentOptions, progress: &mut dyn FnMut(&Progress)) -> Result<SegmentResult> {
    segment_warm(input, options, progress, None).map(|(r, _)| r)
}

/// A warm start for a fixed-k fit: given the ingested profiles, a label per row (0..k−1), e.g.
/// the nearest centroid of a previous model. The label groups' means in this run's feature
/// space seed one extra Lloyd run next to the k-means++ restarts; the lower inertia wins.
pub(crate) type WarmStart<'a> = &'a dyn Fn(&ingest::Profiles) -> Result<Vec<u32>>;

/// `segment` with an optional warm start; also says whether the warm start won. The warm start
/// is used only with a fixed k and when every label group is non-empty.
pub(crate) fn segment_warm(
    input: Input,
    options: &SegmentOptions,
    progress: &mut dyn FnMut(&Progress),
    warm: Option<WarmStart>,
) -> Result<(SegmentResult, bool)> {
    let mut encoded = prepare(input, options, progress)?;
    let mut runner = Runner::new(std::mem::take(&mut encoded.x), options.clone());
    let (fit, k_sweep) = job::run_here(&mut runner, progress)?;
    let (fit, warm_won) = match (warm, options.k) {
        (Some(labels_of), KChoice::Fixed(k)) => fit_with_warm_start(runner.matrix(), &labels_of(&encoded.profiles)?, &options.kmeans_params(k), fit),
        _ => (fit, false),
    };
    let (matrix, sample) = runner.into_parts(k_sweep.as_ref());
    encoded.x = matrix;
    let (result, _spent) = finish(options, encoded, fit, k_sweep, sample.as_ref(), progress)?;
    Ok((result, warm_won))
}

/// Rows read, checked and encoded: everything `segment` has before it clusters.
pub struct Encoded {
    pub profiles: ingest::Profiles,
    pub report: ParseReport,
    pub pipeline: FeaturePipeline,
    /// The feature matrix k-means runs on (n × features, row-major).
    pub x: Array2<f64>,
}

/// The parse and encode stages of `segment`.
pub fn prepare(input: Input, options: &SegmentOptions, progress: &mut dyn FnMut(&Progress)) -> Result<Encoded> {
    options.check()?;
    progress(&Progress::stage("parse"));
    let ingest_options = options.ingest_options();
    let table = input.read(&ingest_options)?;
    let (profiles, report) = ingest::ingest_table(table, &ingest_options)?;
    encode(profiles, report, options, progress)
}

/// The `encode` stage of [`prepare`], on profiles read already (by [`prepare`], or merged from
/// the parts of a file read by several workers: `pool::Session::prepare_parts`).
pub fn encode(profiles: Profiles, report: ParseReport, options: &SegmentOptions, progress: &mut dyn FnMut(&Progress)) -> Result<Encoded> {
    if profiles.is_empty() {
        let what = if report.rows_skipped > 0 {
            format!("no rows left to segment: {} excluded, {} skipped as invalid (see report.skipped)", report.rows_excluded, report.rows_skipped)
        } else {
            "no rows left to segment after exclusions".to_string()
        };
        return Err(SegError::EmptyInput { what });
    }

    progress(&Progress::stage("encode"));
    let (pipeline, x) = FeaturePipeline::fit_transform(&profiles, &options.weights, options.cap_quantile)?;
    Ok(Encoded { profiles, report, pipeline, x })
}

/// Largest silhouette sample whose pairwise distances are kept for the result's silhouette:
/// 4096 rows hold 67 MB of distances (the default 3000 rows, 36 MB).
const PAIRWISE_SILHOUETTE_MAX_ROWS: usize = 4096;

/// The stages of `segment` after clustering: segments ordered by size, members, profiles,
/// quality, projection, model. `sample` is the k sweep's silhouette sample (k: "auto" only).
/// Also hands back what it used ([`Spent`]), for the caller to drop when it suits it.
pub fn finish(
    options: &SegmentOptions,
    encoded: Encoded,
    fit: KMeansFit,
    k_sweep: Option<KSweep>,
    sample: Option<&SampleDistances>,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(SegmentResult, Spent)> {
    let Encoded { mut profiles, mut report, pipeline, x } = encoded;
    let k = fit.centroids.nrows();

    progress(&Progress::stage("profile"));
    let (labels, centroids, _) = order_by_size(&fit.labels, fit.centroids.view(), &fit.sizes);
    let (mut assignments, inertia) = assign_members(std::mem::take(&mut profiles.ids), x.view(), centroids.view());
    let distances: Vec<f64> = assignments.iter().map(|a| a.distance).collect();
    let sil = match sample {
        Some(sample) => sample.silhouette(&labels, k),
        None => {
            let rows = options.silhouette_rows(x.nrows());
            // Each pair's distance once (from one end, kept) instead of from both ends: half the
            // distance work, the same bits (metrics tests); up to rows²/2 distances are held.
            if rows.len() <= PAIRWISE_SILHOUETTE_MAX_ROWS {
                SampleDistances::new(x.view(), rows).silhouette(&labels, k)
            } else {
                silhouette(x.view(), &labels, k, &rows)
            }
        }
    };
    let names = DisplayNames::new(&options.display_names)?;
    let mut segments = profile_segments(&profiles, &labels, k, &distances, &sil.per_cluster, options.min_cell_size, &names);
    debug_assert_eq!(cluster_sizes(&labels, k), segments.iter().map(|s| s.size).collect::<Vec<_>>());
    report.warnings.extend(crate::guardrails::check_sizes(
        &mut segments,
        options.min_segment_size(),
        matches!(options.k, KChoice::Auto(_)).then_some(options.k_range),
        k_sweep.as_ref(),
    ));
    let multi = k >= 2;
    let quality = Quality {
        k: k as u32,
        inertia,
        silhouette: multi.then_some(sil.mean),
        silhouette_sample_size: sil.sample_size as u32,
        calinski_harabasz: multi.then(|| calinski_harabasz(x.view(), &labels, k)),
        davies_bouldin: multi.then(|| davies_bouldin(x.view(), &labels, k)),
        iterations: fit.iterations,
        converged: fit.converged,
        n_features: pipeline.n_features() as u32,
        feature_names: pipeline.feature_names(),
    };

    progress(&Progress::stage("project"));
    let pca = Pca2::fit(x.view())?;
    let projection = Projection {
        points: pca.project(x.view()),
        centroids: pca.project(centroids.view()),
        explained_variance: pca.explained_variance,
    };

    let model = Model {
        format: MODEL_FORMAT.to_string(),
        version: MODEL_VERSION,
        created_by: format!("hcp-segments {}", env!("CARGO_PKG_VERSION")),
        columns: options.columns.clone(),
        pipeline,
        params: options.kmeans_params(k as u32),
        centroids: centroids.outer_iter().map(|r| r.to_vec()).collect(),
        segments: segments.iter().map(|s| ModelSegment { id: s.id, name: s.name.clone(), size: s.size }).collect(),
        projection: pca,
        checksum: String::new(),
    }
    .seal()?;
    if let Some(p) = &options.pseudonymize {
        p.apply(&mut assignments)?;
    }
    let result = SegmentResult { segments, assignments, quality, k_sweep, report, model, projection };
    Ok((result, Spent { _profiles: profiles, _matrix: x }))
}

/// What `finish` used and the result does not keep: the parsed rows and the feature matrix.
/// Freeing a million rows' strings takes a noticeable time (~0.6 s natively), so the pool's
/// worker frees them after it has posted the result instead of before.
pub struct Spent {
    _profiles: ingest::Profiles,
    _matrix: Array2<f64>,
}

/// Segment CSV text with options, without progress reporting.
pub fn segment_csv(text: &str, options: &SegmentOptions) -> Result<SegmentResult> {
    segment(Input::Csv(text.to_string()), options, &mut |_| {})
}

/// Assign new rows to a saved model's segments.
pub fn assign(model: &Model, input: Input, exclude: Vec<String>) -> Result<crate::model::AssignResult> {
    assign_with(model, input, &AssignOptions { exclude, ..Default::default() })
}

/// [`assign`] with the lenient mode and pseudonymised ids.
pub fn assign_with(model: &Model, input: Input, options: &AssignOptions) -> Result<crate::model::AssignResult> {
    if let Some(p) = &options.pseudonymize {
        p.validate()?;
    }
    let table = input.read(&IngestOptions { columns: model.columns.clone(), on_error: options.on_error, encoding: options.encoding.clone(), ..Default::default() })?;
    model.assign_with(table, options)
}
