//! `docket affected` outputs: the systems an advisory leaves exposed,
//! grouped by operating unit, as CSV, JSON lines or Markdown.

use super::cells::CellEscaping;
use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::inventory::{Advisory, Assessment, Exposure};
use crate::source::SourceMap;

/// The CSV header.
pub const CSV_HEADER: &[&str] = &[
    "unit",
    "system",
    "status",
    "product",
    "owner",
    "administrator",
    "reason",
    "location",
];

/// The unit shown for a system whose profile names none.
pub const NO_UNIT: &str = "(no unit)";

/// One listed system, as written out.
pub struct Row {
    /// Operating unit (or [`NO_UNIT`]).
    pub unit: String,
    /// Cells in [`CSV_HEADER`] order.
    pub cells: [String; 8],
}

/// The systems to list (affected or unknown), grouped by unit (sorted, a
/// missing unit last), in file order within a unit.
pub fn rows(assessments: &[Assessment<'_>], sources: &SourceMap) -> Vec<Row> {
    let mut groups: BTreeMap<(bool, String), Vec<Row>> = BTreeMap::new();
    for a in assessments.iter().filter(|a| a.needs_action()) {
        let unit = if a.unit().is_empty() {
            NO_UNIT.to_owned()
        } else {
            a.unit().to_owned()
        };
        let text = |s: &Option<crate::source::Spanned<String>>| {
            s.as_ref().map_or(String::new(), |s| s.value.clone())
        };
        let cells = [
            unit.clone(),
            a.system.id.value.clone(),
            a.exposure.as_str().to_owned(),
            a.product.clone(),
            text(&a.system.owner),
            text(&a.system.administrator),
            a.reason.clone(),
            sources.location(a.system.id.span),
        ];
        groups
            .entry((a.unit().is_empty(), unit.clone()))
            .or_default()
            .push(Row { unit, cells });
    }
    groups.into_values().flatten().collect()
}

/// Per-unit counts of affected and unknown systems, in [`rows`] order.
pub fn counts(rows: &[Row]) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    for row in rows {
        if out.last().is_none_or(|(u, _, _)| *u != row.unit) {
            out.push((row.unit.clone(), 0, 0));
        }
        if let Some(last) = out.last_mut() {
            if row.cells[2] == Exposure::Affected.as_str() {
                last.1 += 1;
            } else {
                last.2 += 1;
            }
        }
    }
    out
}

/// Writes the rows as CSV.
pub fn write_csv(out: &mut dyn Write, rows: &[Row], escaping: CellEscaping) -> io::Result<()> {
    let cells: Vec<&[String]> = rows.iter().map(|r| &r.cells[..]).collect();
    super::table::write_csv(out, CSV_HEADER, &cells, escaping)
}

/// Writes the rows as JSON lines.
pub fn write_jsonl(out: &mut dyn Write, rows: &[Row]) -> io::Result<()> {
    let cells: Vec<&[String]> = rows.iter().map(|r| &r.cells[..]).collect();
    super::table::write_jsonl(out, CSV_HEADER, &cells)
}

/// Writes the Markdown report: the counts, then a table per unit.
pub fn write_markdown(out: &mut dyn Write, advisory: &Advisory, rows: &[Row]) -> io::Result<()> {
    let title = advisory
        .title
        .as_deref()
        .map_or(String::new(), |t| format!(": {t}"));
    writeln!(out, "# Systems exposed to {}{title}\n", advisory.id.value)?;
    let fixes: Vec<&str> = advisory.fixed_by.iter().map(|p| p.value.as_str()).collect();
    writeln!(
        out,
        "Affected: runs an affected version and has none of the fixing patches ({}). \
         Unknown: the profile lacks what the question needs; never counted as safe.\n",
        fixes.join(", ")
    )?;
    let counts = counts(rows);
    writeln!(out, "| unit | affected | unknown |")?;
    writeln!(out, "|---|---:|---:|")?;
    for (unit, affected, unknown) in &counts {
        writeln!(out, "| {} | {affected} | {unknown} |", cell(unit))?;
    }
    let (a, u) = counts
        .iter()
        .fold((0, 0), |(a, u), (_, x, y)| (a + x, u + y));
    writeln!(out, "| **total** | {a} | {u} |")?;
    for (unit, affected, unknown) in &counts {
        writeln!(
            out,
            "\n## {} ({affected} affected, {unknown} unknown)\n",
            cell(unit)
        )?;
        writeln!(
            out,
            "| system | status | product | owner | administrator | why | profile |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
        for row in rows.iter().filter(|r| r.unit == *unit) {
            let c = &row.cells;
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&c[1]),
                c[2],
                cell(&c[3]),
                cell(&c[4]),
                cell(&c[5]),
                cell(&c[6]),
                cell(&c[7])
            )?;
        }
    }
    Ok(())
}

/// Text safe in a Markdown table cell.
pub fn cell(text: &str) -> String {
    let text = text.replace('|', "\\|").replace(['\n', '\r'], " ");
    if text.is_empty() {
        "—".to_owned()
    } else {
        text
    }
}
