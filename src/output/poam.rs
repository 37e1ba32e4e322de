//! The POA&M file, with the columns FISMA POA&M reporting uses.

use std::io;

use super::Sink;
use super::cells::{CellEscaping, CellWriter};
use crate::audit::Poam;

/// The columns, in order.
pub const COLUMNS: &[&str] = &[
    "POA&M ID",
    "Weakness",
    "Source",
    "Identifier",
    "Point of Contact",
    "Resources Required",
    "Original Detection Date",
    "Scheduled Completion Date",
    "Milestones",
    "Status",
    "Completion Date",
    "Comments",
    "Citation",
];

/// Writes POA&M items as CSV.
pub fn write(sink: Sink, items: &[Poam], escaping: CellEscaping) -> io::Result<()> {
    let mut writer = CellWriter::new(sink, escaping);
    writer.write_header(COLUMNS)?;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for p in items {
        writer.write_row([
            &p.id,
            &p.weakness,
            &p.source,
            &p.identifier,
            &p.point_of_contact,
            &p.resources_required,
            &date(p.detected),
            &date(p.scheduled_completion),
            &p.milestones,
            p.status.as_str(),
            &date(p.completed),
            &p.comments,
            &p.citation,
        ])?;
    }
    let sink = writer.into_inner()?;
    sink.commit()
}
