use super::catalog::{format_label, network_balance, DisplayNames};
use super::naming::persona_name;
use super::segment::{CategoryLevel, Composition, IndexScore, Reach, Segment};
use crate::ingest::{CategoryColumn, Counts, Profiles};
use ndarray::{Array2, ArrayView2};

/// Renumber clusters by size, largest first (ties keep the lower label), so segment 0 is the
/// biggest and ids do not depend on k-means' arbitrary label order.
/// Returns the new labels, the reordered centroids and `order[new] = old`.
pub fn order_by_size(labels: &[u32], centroids: ArrayView2<f64>, sizes: &[u32]) -> (Vec<u32>, Array2<f64>, Vec<usize>) {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    crate::sort::sort_by(&mut order, |&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    let mut new_of_old = vec![0u32; sizes.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old] = new as u32;
    }
    let labels = labels.iter().map(|&l| new_of_old[l as usize]).collect();
    let mut c = Array2::zeros(centroids.raw_dim());
    for (new, &old) in order.iter().enumerate() {
        c.row_mut(new).assign(&centroids.row(old));
    }
    (labels, c, order)
}

fn index_of(seg: f64, uni: f64) -> Option<f64> {
    if uni > 0.0 {
        Some(seg / uni * 100.0)
    } else {
        None
    }
}

/// Column means of a row-major block, over the rows selected by `members` (all when None).
fn block_means(values: &Counts, width: usize, members: Option<&[usize]>, n: usize) -> Vec<f64> {
    let mut sums = vec![0.0; width];
    let mut count = 0usize;
    // A row at a time as f64 (one conversion per row, not a store match per value).
    let mut row = Vec::with_capacity(width);
    let mut add = |i: usize| {
        row.clear();
        values.append_to(i * width..(i + 1) * width, &mut row);
        for (s, v) in sums.iter_mut().zip(&row) {
            *s += v;
        }
        count += 1;
    };
    match members {
        Some(m) => m.iter().for_each(|&i| add(i)),
        None => (0..n).for_each(&mut add),
    }
    sums.iter().map(|s| if count > 0 { s / count as f64 } else { 0.0 }).collect()
}

fn scores(names: &[String], seg: &[f64], uni: &[f64], label: impl Fn(&str) -> String) -> Vec<IndexScore> {
    let total: f64 = seg.iter().sum();
    let mut out: Vec<IndexScore> = names
        .iter()
        .enumerate()
        .map(|(j, name)| IndexScore {
            name: name.clone(),
            display_name: label(name),
            mean: seg[j],
            universe_mean: uni[j],
            index: index_of(seg[j], uni[j]),
            share: if total > 0.0 { seg[j] / total } else { 0.0 },
        })
        .collect();
    // Ranked by index; channels nobody uses (no index) last, in column order.
    crate::sort::sort_by(&mut out, |a, b| b.index.unwrap_or(-1.0).total_cmp(&a.index.unwrap_or(-1.0)));
    out
}

/// Rows per level of a category column, over `members` (every row when None). Missing cells
/// (`CategoryColumn::MISSING`) are not a level.
fn level_counts(col: &CategoryColumn, members: Option<&[usize]>) -> Vec<u32> {
    let mut counts = vec![0u32; col.levels.len()];
    let mut add = |code: u32| {
        if let Some(c) = counts.get_mut(code as usize) {
            *c += 1;
        }
    };
    match members {
        Some(m) => m.iter().for_each(|&i| add(col.codes[i])),
        None => col.codes.iter().for_each(|&c| add(c)),
    }
    counts
}

/// Everything a segment carries, for clusters `0..k` given final labels.
/// `distances[i]` is row i's distance to its centroid; `silhouettes[c]` per cluster.
pub fn profile_segments(
    profiles: &Profiles,
    labels: &[u32],
    k: usize,
    distances: &[f64],
    silhouettes: &[Option<f64>],
    min_cell_size: u32,
    names: &DisplayNames,
) -> Vec<Segment> {
    // labels, not profiles.len(): `finish` has already moved the ids into the assignments.
    let n = labels.len();
    let (nc, nf) = (profiles.channels.len(), profiles.formats.len());
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, &l) in labels.iter().enumerate() {
        members[l as usize].push(i);
    }
    let uni_ch = block_means(&profiles.channel_counts, nc, None, n);
    let uni_fm = block_means(&profiles.format_counts, nf, None, n);
    let uni_total: f64 = uni_ch.iter().sum::<f64>() + uni_fm.iter().sum::<f64>();

    // Category cells are level codes, so the universe's and each segment's counts are array
    // increments rather than string comparisons per cell.
    let universe_levels: Vec<Vec<u32>> = profiles.categories.iter().map(|c| level_counts(c, None)).collect();

    let mut segments: Vec<Segment> = (0..k)
        .map(|c| {
            let m = &members[c];
            let size = m.len() as u32;
            let ch = block_means(&profiles.channel_counts, nc, Some(m), n);
            let fm = block_means(&profiles.format_counts, nf, Some(m), n);
            let composition = profiles
                .categories
                .iter()
                .zip(&universe_levels)
                .map(|(col, uni)| {
                    let counts = level_counts(col, Some(m));
                    let mut levels: Vec<CategoryLevel> = counts
                        .iter()
                        .zip(uni)
                        .zip(&col.levels)
                        .filter(|((&count, _), _)| count > 0)
                        .map(|((&count, &uni_count), value)| {
                            let share = count as f64 / size.max(1) as f64;
                            let uni_share = uni_count as f64 / n.max(1) as f64;
                            CategoryLevel {
                                value: value.to_string(),
                                count,
                                share,
                                index: index_of(share, uni_share),
                                suppressed: count < min_cell_size,
                            }
                        })
                        .collect();
                    // Levels are distinct, so this order is total (it does not depend on codes).
                    crate::sort::sort_by(&mut levels, |a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
                    Composition { column: col.name.clone(), levels }
                })
                .collect();
            let reach = profiles
                .consents
                .iter()
                .map(|flag| {
                    let count = m.iter().filter(|&&i| flag.values[i] == Some(true)).count() as u32;
                    Reach { consent: flag.name.clone(), share: count as f64 / size.max(1) as f64, count }
                })
                .collect();
            let cohesion = if m.is_empty() { 0.0 } else { m.iter().map(|&i| distances[i]).sum::<f64>() / m.len() as f64 };
            Segment {
                id: c as u32,
                name: String::new(),
                drivers: Vec::new(),
                size,
                share: size as f64 / n.max(1) as f64,
                channels: scores(&profiles.channels, &ch, &uni_ch, |c| names.name(c)),
                formats: scores(&profiles.formats, &fm, &uni_fm, format_label),
                network_balance: network_balance(&profiles.channels, &ch),
                mean_engagements: ch.iter().sum::<f64>() + fm.iter().sum::<f64>(),
                composition,
                reach,
                silhouette: silhouettes.get(c).copied().flatten(),
                cohesion,
                too_small: false,
            }
        })
        .collect();

    // Names use only what the shareable summary at this minCellSize shows.
    let sizes: Vec<u32> = segments.iter().map(|s| s.size).collect();
    let hidden = crate::privacy::hidden_segments(&sizes, min_cell_size);
    let mut taken: Vec<String> = Vec::new();
    for (s, &hide) in segments.iter_mut().zip(&hidden) {
        let (name, drivers) = persona_name(s, uni_total, &taken, names, hide, min_cell_size);
        taken.push(name.clone());
        s.name = name;
        s.drivers = drivers;
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;


    /// Composition counts, shares and indices against hand counts: missing cells are not a
    /// level, ties in count are ordered by value, a level absent from a segment is not listed.
    #[test]
    fn composition_counts_by_hand() {
        let n = 8;
        let profiles = Profiles {
            ids: (0..n).map(|i| format!("h{i}")).collect(),
            lines: (2..2 + n as u32).collect(),
            channels: vec!["email".into()],
            channel_counts: vec![1.0; n].into(),
            // Segment 0 = rows 0..5, segment 1 = rows 5..8.
            categories: vec![CategoryColumn::from_values(
                "specialty",
                &[Some("onc"), Some("gp"), Some("onc"), None, Some("gp"), Some("card"), Some("gp"), Some("gp")],
            )],
            ..Default::default()
        };
        let labels = [0, 0, 0, 0, 0, 1, 1, 1];
        let segs = profile_segments(&profiles, &labels, 2, &[0.0; 8], &[None, None], 2, &DisplayNames::default());
        let levels = |s: usize| -> Vec<(String, u32, f64, Option<f64>, bool)> {
            segs[s].composition[0].levels.iter().map(|l| (l.value.clone(), l.count, l.share, l.index, l.suppressed)).collect()
        };
        // Universe (8 rows): gp 4, onc 2, card 1 (one missing).
        // Segment 0 (5 rows): gp 2, onc 2 (tie: by value), no card.
        assert_eq!(
            levels(0),
            vec![
                ("gp".into(), 2, 0.4, Some(0.4 / 0.5 * 100.0), false),
                ("onc".into(), 2, 0.4, Some(0.4 / 0.25 * 100.0), false),
            ]
        );
        // Segment 1 (3 rows): gp 2, card 1 (under the cell size 2: suppressed).
        assert_eq!(
            levels(1),
            vec![
                ("gp".into(), 2, 2.0 / 3.0, Some(2.0 / 3.0 / 0.5 * 100.0), false),
                ("card".into(), 1, 1.0 / 3.0, Some(1.0 / 3.0 / 0.125 * 100.0), true),
            ]
        );
    }
}
