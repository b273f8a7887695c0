//! The segment summary as a table, from [`crate::privacy::segment_summary`]: every small cell
//! stays as that function suppressed it (an empty value and `suppressed = true`), nothing is
//! recomputed here.
//!
//! **Layout: long (tidy), one row per segment × section × item**, with the columns
//! `segment, segment_name, section, group, item, value, share, index, base, suppressed`.
//! Why not wide (one row per segment, a column per channel, format and composition level)? A
//! universe has 20 channels and formats and dozens of composition levels: a wide sheet runs to
//! a hundred columns that differ from file to file, and a suppressed level would blank a column
//! in one row only. The long layout has the same ten columns for every universe, reads top to
//! bottom per segment, filters with one click on `section` (Excel's AutoFilter), and pivots into
//! any wide view the reader wants (segments × channels of `index`).
//!
//! | section | group | item | value | share | index | base |
//! |---|---|---|---|---|---|---|
//! | `suppression` | | `minimum cell size` / `cells suppressed` | the number | | | |
//! | `size` | | `HCPs` | members | share of the universe | | |
//! | `driver` | | the driver | its rank | | | |
//! | `engagement` | | `mean engagements` | per member | | | |
//! | `quality` | | `silhouette` | the score | | | |
//! | `channel`, `format` | | the name | mean engagements per member | share of the segment's mix | index | universe mean |
//! | `composition` | the column | the level | members | share of the segment | index | |
//! | `reach` | | the consent column | consenting members | share of the segment | | |
//!
//! A segment below the minimum cell size has only its `size` row (suppressed) and its drivers.

use super::csv::{Table, Value};
use crate::privacy::SegmentSummary;

pub const SUMMARY_COLUMNS: [&str; 10] = ["segment", "segment_name", "section", "group", "item", "value", "share", "index", "base", "suppressed"];

/// One row of the summary table.
struct Row<'a> {
    section: &'a str,
    group: &'a str,
    item: &'a str,
    value: Value,
    share: Option<f64>,
    index: Option<f64>,
    base: Option<f64>,
    suppressed: bool,
}

impl<'a> Row<'a> {
    fn new(section: &'a str, item: &'a str, value: Value) -> Self {
        Row { section, group: "", item, value, share: None, index: None, base: None, suppressed: false }
    }
}

fn text_or_empty(s: &str) -> Value {
    if s.is_empty() {
        Value::Empty
    } else {
        Value::text(s)
    }
}

/// The shareable summary as a long table (see the module notes).
pub fn summary_table(summary: &SegmentSummary) -> Table {
    let mut t = Table::new(SUMMARY_COLUMNS);
    let mut push = |segment: Value, name: Value, r: Row| {
        t.rows.push(vec![
            segment,
            name,
            Value::text(r.section),
            text_or_empty(r.group),
            Value::text(r.item),
            r.value,
            Value::number(r.share),
            Value::number(r.index),
            Value::number(r.base),
            Value::Bool(r.suppressed),
        ]);
    };
    push(Value::Empty, Value::Empty, Row::new("suppression", "minimum cell size", summary.min_cell_size.into()));
    push(Value::Empty, Value::Empty, Row::new("suppression", "cells suppressed", summary.suppressed_cells.into()));
    for s in &summary.segments {
        let id = || Value::from(s.id);
        let name = || Value::text(s.name.as_str());
        let size = s.size.map_or(Value::Empty, Value::from);
        push(id(), name(), Row { share: s.share, suppressed: s.suppressed, ..Row::new("size", "HCPs", size) });
        for (rank, d) in s.drivers.iter().enumerate() {
            push(id(), name(), Row::new("driver", d, Value::Integer(rank as i64 + 1)));
        }
        if s.suppressed {
            continue;
        }
        push(id(), name(), Row::new("engagement", "mean engagements", Value::number(s.mean_engagements)));
        if let Some(q) = s.silhouette {
            push(id(), name(), Row::new("quality", "silhouette", Value::Number(q)));
        }
        for (section, scores) in [("channel", &s.channels), ("format", &s.formats)] {
            for c in scores {
                push(id(), name(), Row { share: Some(c.share), index: c.index, base: Some(c.universe_mean), ..Row::new(section, &c.name, Value::Number(c.mean)) });
            }
        }
        for c in &s.composition {
            for l in &c.levels {
                let count = l.count.map_or(Value::Empty, Value::from);
                push(id(), name(), Row { group: &c.column, share: l.share, index: l.index, suppressed: l.suppressed, ..Row::new("composition", &l.value, count) });
            }
        }
        for r in &s.reach {
            let count = r.count.map_or(Value::Empty, Value::from);
            push(id(), name(), Row { share: r.share, suppressed: r.suppressed, ..Row::new("reach", &r.consent, count) });
        }
    }
    t
}
