use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

/// One HCP's place in the segmentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub hcp_id: String,
    pub segment: u32,
    /// Euclidean distance to the segment's centroid, in feature space.
    pub distance: f64,
    /// (d2 − d1) / d2, d1 and d2 the nearest and second-nearest centroid distances:
    /// 0 on the border between two segments, 1 on the centroid.
    pub confidence: f64,
}

/// Nearest centroid, distance and confidence for every row of `data`.
pub fn assign_members(ids: &[String], data: ArrayView2<f64>, centroids: ArrayView2<f64>) -> Vec<Assignment> {
    ids.iter()
        .zip(data.outer_iter())
        .map(|(id, row)| {
            let (mut best, mut d1, mut d2) = (0u32, f64::INFINITY, f64::INFINITY);
            for (c, centroid) in centroids.outer_iter().enumerate() {
                let d: f64 = row.iter().zip(centroid.iter()).map(|(x, y)| (x - y) * (x - y)).sum();
                if d < d1 {
                    d2 = d1;
                    d1 = d;
                    best = c as u32;
                } else if d < d2 {
                    d2 = d;
                }
            }
            let (d1, d2) = (d1.sqrt(), d2.sqrt());
            let confidence = if d2.is_finite() && d2 > 0.0 { (d2 - d1) / d2 } else { 1.0 };
            Assignment { hcp_id: id.clone(), segment: best, distance: d1, confidence }
        })
        .collect()
}
