//! Guardrails on small data: segments too small to act on are flagged, and the report says so.
//!
//! Rules (each one a warning in `report.warnings`, none an error: the analyst still sees the
//! result, with the caveat next to it):
//! - **Minimum segment size** (`minSegmentSize`, default `minCellSize`, 10): a segment with fewer
//!   HCPs is flagged `tooSmall`. `k: "auto"` does not choose a k that leaves one (the sweep's rows
//!   say which ks were ruled out and why: `clustering::sweep::rule_out_small`); when every k in
//!   `kRange` does, it keeps those with the fewest segments under it and warns.
//! - **HCPs per segment**: fewer than [`MIN_HCPS_PER_SEGMENT`] HCPs per segment on average, i.e.
//!   n < 10·k, is too few for the k asked (or chosen), whatever the split.
//!
//! Downstream: stability never calls a segment under the minimum `stable` (verdict `tooSmall`),
//! and names and drivers never use a cell that the shareable summary suppresses
//! (`privacy::disclosable`).

use crate::clustering::sweep::every_k_ruled_out;
use crate::clustering::KSweep;
use crate::segments::Segment;

/// The documented floor on the average segment size: n HCPs support at most n / 10 segments.
pub const MIN_HCPS_PER_SEGMENT: u32 = 10;

/// Flag the segments under the minimum segment size (`Segment::too_small`) and return the
/// warnings for the report (none when the segmentation is large enough). `min`: the minimum
/// segment size; `auto_k_range`: `kRange` when k was chosen by k: "auto", None for a fixed k.
pub fn check_sizes(segments: &mut [Segment], min: u32, auto_k_range: Option<[u32; 2]>, sweep: Option<&KSweep>) -> Vec<String> {
    let k = segments.len() as u32;
    let n: u64 = segments.iter().map(|s| s.size as u64).sum();
    let mut warnings = Vec::new();

    let needed = MIN_HCPS_PER_SEGMENT as u64 * k as u64;
    if n < needed {
        let how = match auto_k_range {
            None => format!("k = {k}"),
            Some(range) => format!("k = {k} (chosen by k: \"auto\" from kRange {range:?})"),
        };
        let most = n / MIN_HCPS_PER_SEGMENT as u64;
        let advice = if most >= 2 {
            format!("use k ≤ {most} or add HCPs")
        } else {
            "add HCPs: this file is too small to segment reliably".to_string()
        };
        warnings.push(format!(
            "too few HCPs for {how}: {n} HCPs is fewer than {MIN_HCPS_PER_SEGMENT} per segment on average (needs at least {needed}); {advice}"
        ));
    }

    if let Some(sweep) = sweep.filter(|s| every_k_ruled_out(s)) {
        warnings.push(format!(
            "k: \"auto\": every k in kRange {:?} leaves a segment under the minimum segment size of {min} HCPs (see kSweep.rows[].ruledOut); \
             k = {} was chosen as it leaves the fewest segments under it; lower kRange, lower minSegmentSize or add HCPs",
            auto_k_range.unwrap_or_default(), sweep.chosen_k
        ));
    }

    let mut small = Vec::new();
    for s in segments.iter_mut() {
        s.too_small = s.size < min;
        if s.too_small {
            small.push(s.id);
        }
    }
    if !small.is_empty() {
        let ids: Vec<String> = small.iter().map(|id| id.to_string()).collect();
        warnings.push(format!(
            "{} of {k} segments have fewer than {min} HCPs (minSegmentSize), flagged tooSmall: segment id {}; \
             their profiles describe a handful of people, not a persona: lower k or add HCPs before acting on them",
            small.len(),
            ids.join(", ")
        ));
    }
    warnings
}
