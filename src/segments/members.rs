use crate::clustering::kmeans::for_each_nearest;
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

/// Nearest centroid, distance and confidence for every row of `data`, and the inertia (the sum
/// of the squared distances, in row order: the bits of summing `nearest_centroids`'s). Distances
/// come from the k-means kernel (`nearest_two`), so a member's segment is the one k-means and
/// every targeting function give it, to the last bit. The ids move into the assignments (no
/// copy of a million strings).
pub fn assign_members(ids: Vec<String>, data: ArrayView2<f64>, centroids: ArrayView2<f64>) -> (Vec<Assignment>, f64) {
    let mut out = Vec::with_capacity(ids.len());
    let mut ids = ids.into_iter();
    let mut inertia = 0.0;
    // Rows come in order 0, 1, …, so the next id is row i's.
    for_each_nearest(data, centroids, |_, best, sq1, sq2| {
        let Some(id) = ids.next() else { return };
        inertia += sq1;
        let (d1, d2) = (sq1.sqrt(), sq2.sqrt());
        let confidence = if d2.is_finite() && d2 > 0.0 { (d2 - d1) / d2 } else { 1.0 };
        out.push(Assignment { hcp_id: id, segment: best, distance: d1, confidence });
    });
    (out, inertia)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clustering::kmeans::nearest_centroids;
    use ndarray::{Array2, ShapeBuilder};

    /// Members get the segment and distance k-means gives them, bit for bit, also on exact ties
    /// (rows equidistant from two centroids) and with a non-contiguous data view.
    #[test]
    fn members_agree_with_the_kmeans_assignment_bit_for_bit() {
        let (n, d, k) = (500, 7, 5);
        let data = Array2::from_shape_fn((n, d), |(i, j)| (((i * 31 + j * 17) % 97) as f64 * 0.173).sin() * 3.0);
        let mut centroids = Array2::from_shape_fn((k, d), |(c, j)| ((c * 13 + j * 5) as f64 * 0.41).cos());
        // Centroid 3 = centroid 1: every row nearest to them is an exact tie (lowest index wins).
        let c1 = centroids.row(1).to_owned();
        centroids.row_mut(3).assign(&c1);
        let ids: Vec<String> = (0..n).map(|i| format!("h{i}")).collect();
        // The same values in column-major order: each row is a strided (non-contiguous) view.
        let column_major = Array2::from_shape_fn((n, d).f(), |(i, j)| data[[i, j]]);
        assert!(column_major.row(0).as_slice().is_none());
        for view in [data.view(), column_major.view()] {
            let (members, inertia) = assign_members(ids.clone(), view, centroids.view());
            let (labels, sq) = nearest_centroids(view, centroids.view());
            assert_eq!(inertia.to_bits(), sq.iter().sum::<f64>().to_bits());
            for (i, m) in members.iter().enumerate() {
                assert_eq!(m.segment, labels[i], "row {i}");
                assert_ne!(m.segment, 3, "row {i}: a tie goes to the lower index");
                assert_eq!(m.distance.to_bits(), sq[i].sqrt().to_bits(), "row {i}");
            }
        }
    }
}
