//! Hard limits, all in one place. Each is checked up front, before the work that would need the
//! memory, and exceeding one is a `TOO_LARGE` error with a memory estimate in its message rather
//! than an out-of-memory trap half-way through (wasm32 has at most 4 GiB of linear memory, and
//! browsers often give a tab less).
//!
//! | limit | value | checked |
//! |---|---|---|
//! | input size (CSV text) | 512 MiB | before parsing |
//! | data rows | 2,000,000 | CSV: while reading, as soon as row 2,000,001 is seen; records: before decoding |
//! | columns | 1,000 | after the header (CSV) / the first pass over keys (records) |
//! | estimated working memory | 3 GiB | after the header, from the line count × columns |
//! | distinct values per category column | 1,000 | after typing the cells, before features |
//! | k (`segment`: fixed k or the top of `kRange`; `kmeans`) | 64 | when options are read |
//! | k-means restarts (`nRuns`) / iterations (`maxIterations`) | 1,000 / 100,000 | idem |
//! | model JSON | 16 MiB | before parsing the model |
//! | rows listed in `ParseReport.skipped` | 1,000 | always counted in full in `rowsSkipped` |
//! | workbook file size | 512 MiB (as CSV) | before the zip is opened |
//! | workbook: declared unpacked size of all zip entries | 2 GiB | from the zip directory, before any entry is inflated |
//! | workbook: declared unpacked size of one part read whole (shared strings, styles …) | 256 MiB | idem |
//! | workbook: cells in the sheet read | 20,000,000 | the sheet's declared used range first, then while reading cells |
//!
//! The zip reader stops inflating an entry past its declared size, so the declared sizes bound
//! what is inflated: a zip bomb is refused from its directory, or fails when an entry inflates
//! past what it declared.

/// Largest CSV text accepted, in bytes.
pub const MAX_INPUT_BYTES: usize = 512 * 1024 * 1024;
/// Most data rows (HCPs) in one input, before exclusions.
pub const MAX_ROWS: usize = 2_000_000;
/// Most columns in one input.
pub const MAX_COLUMNS: usize = 1_000;
/// Most distinct values in one category column (specialty, country, …). More means the column
/// is an identifier or free text, not a category: map it to "ignore".
pub const MAX_CATEGORY_LEVELS: usize = 1_000;
/// Largest k, for `segment` and `kmeans` alike (personas are useful up to ~8; 64 leaves room
/// for micro-segments).
pub const MAX_K: u32 = 64;
/// Most k-means++ restarts (`nRuns`) and Lloyd iterations (`maxIterations`) of one fit: caps
/// that keep a typo from turning into an hour-long run.
pub const MAX_RUNS: u32 = 1000;
pub const MAX_ITERATIONS: u32 = 100_000;
/// Largest model JSON accepted (a model is a few KB; this stops a wrong file early).
pub const MAX_MODEL_BYTES: usize = 16 * 1024 * 1024;
/// Working-memory budget the up-front estimate is compared with.
pub const MAX_ESTIMATED_BYTES: u64 = 3 * 1024 * 1024 * 1024;
/// Skipped rows described one by one in the report (the count is always complete).
pub const MAX_SKIPPED_LISTED: usize = 1_000;
/// Sum of the declared unpacked sizes of a workbook's zip entries (.xlsx, .xlsb, .ods). A
/// 1,000,000-row × 30-column .xlsx unpacks to about 1 GB, almost all of it the sheet's XML,
/// which is read as a stream.
pub const MAX_WORKBOOK_UNPACKED_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Declared unpacked size of one workbook part other than a worksheet: those (the shared
/// strings above all) are held in memory whole while the sheet is read.
pub const MAX_WORKBOOK_PART_BYTES: u64 = 256 * 1024 * 1024;
/// Cells (with a value) in the worksheet read; also the most its declared used range may span.
/// About 1,000,000 rows × 20 columns, or 500,000 × 40: each cell takes ~40 bytes while read.
pub const MAX_SHEET_CELLS: u64 = 20_000_000;

/// Rough peak working memory, in bytes, to read and segment `rows` × `columns` cells from an
/// input of `input_bytes`: the input itself, ~48 bytes per parsed cell (a 32-byte `Cell` plus its
/// text's allocation), ~24 bytes per cell for the typed profiles and the feature matrix with
/// k-means' working copies, and ~200 bytes per row for ids, assignments and the projection.
/// So 2,000,000 rows fit the budget up to about 15 columns, 1,000,000 rows up to about 30.
pub fn estimate_bytes(rows: u64, columns: u64, input_bytes: u64) -> u64 {
    let cells = rows.saturating_mul(columns);
    input_bytes
        .saturating_add(cells.saturating_mul(48 + 24))
        .saturating_add(rows.saturating_mul(200))
}

/// Bytes → whole megabytes, rounded up, for messages ("about 640 MB needed").
pub fn megabytes(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

/// The `detail` of a `TOO_LARGE` error: the memory estimate and what to do.
pub fn memory_hint(rows: u64, columns: u64, input_bytes: u64) -> String {
    format!(
        "about {} MB needed; split the input, or drop columns that are not used",
        megabytes(estimate_bytes(rows, columns, input_bytes))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_are_monotone_and_saturate() {
        assert!(estimate_bytes(2_000, 30, 400_000) < estimate_bytes(2_000_000, 30, 400_000_000));
        assert_eq!(estimate_bytes(u64::MAX, u64::MAX, u64::MAX), u64::MAX);
        assert_eq!(megabytes(1), 1);
        assert_eq!(megabytes(1024 * 1024), 1);
        // The sample universe's width (~30 columns): a million rows fit, two million do not.
        assert!(estimate_bytes(1_000_000, 30, 200 << 20) < MAX_ESTIMATED_BYTES);
        assert!(estimate_bytes(MAX_ROWS as u64, 30, 400 << 20) > MAX_ESTIMATED_BYTES);
        assert!(estimate_bytes(MAX_ROWS as u64, 12, 200 << 20) < MAX_ESTIMATED_BYTES);
        assert!(memory_hint(10, 10, 0).starts_with("about 1 MB needed"));
    }
}
