//! Writing a diff: a report for people (plain text, or Markdown fit for a
//! pull-request comment) or one row per change for tools (CSV, JSON lines).

use std::io::{self, Write};

use serde::Serialize;

use crate::diff::deadlines::FindingChange;
use crate::diff::{Change, Totals};
use crate::output::cells::{CellEscaping, CellWriter};

/// The output formats of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// A plain-text report
    Text,
    /// A Markdown report, for a pull-request comment
    Md,
    /// One CSV row per change
    Csv,
    /// One JSON object per change
    Jsonl,
}

impl DiffFormat {
    /// Whether changes are written as they are found (rows), rather than
    /// gathered into a report.
    pub fn is_rows(self) -> bool {
        matches!(self, DiffFormat::Csv | DiffFormat::Jsonl)
    }
}

/// One change as a row: a record's outcome or an incident's finding.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ChangeRow {
    /// `record` or `finding`.
    pub kind: &'static str,
    /// Record id or incident id.
    pub id: String,
    /// `FILE:LINE` of a record.
    pub origin: String,
    /// `downgrade`, `upgrade` or `changed`.
    pub direction: &'static str,
    /// Deadline id of a finding.
    pub deadline: String,
    /// Unit of a per-unit finding.
    pub unit: String,
    /// Base level (records).
    pub base_level: String,
    /// Head level (records).
    pub head_level: String,
    /// Base declaration (records).
    pub base_declared: String,
    /// Head declaration (records).
    pub head_declared: String,
    /// Base deciding criterion (records).
    pub base_rule: String,
    /// Head deciding criterion (records).
    pub head_rule: String,
    /// Base deciding trigger (records).
    pub base_trigger: String,
    /// Head deciding trigger (records).
    pub head_trigger: String,
    /// Base due time: response (records) or deadline (findings).
    pub base_due: String,
    /// Head due time.
    pub head_due: String,
    /// Base finding status (findings).
    pub base_status: String,
    /// Head finding status (findings).
    pub head_status: String,
    /// Why a ruleset could not read the record (records at level `rejected`).
    pub reason: String,
}

/// The CSV columns of a change row, in the order of [`ChangeRow::cells`].
pub const CHANGE_COLUMNS: &[&str] = &[
    "kind",
    "id",
    "origin",
    "direction",
    "deadline",
    "unit",
    "base_level",
    "head_level",
    "base_declared",
    "head_declared",
    "base_rule",
    "head_rule",
    "base_trigger",
    "head_trigger",
    "base_due",
    "head_due",
    "base_status",
    "head_status",
    "reason",
];

impl ChangeRow {
    /// The row's cells, in the order of [`CHANGE_COLUMNS`].
    pub fn cells(&self) -> [&str; 19] {
        [
            self.kind,
            &self.id,
            &self.origin,
            self.direction,
            &self.deadline,
            &self.unit,
            &self.base_level,
            &self.head_level,
            &self.base_declared,
            &self.head_declared,
            &self.base_rule,
            &self.head_rule,
            &self.base_trigger,
            &self.head_trigger,
            &self.base_due,
            &self.head_due,
            &self.base_status,
            &self.head_status,
            &self.reason,
        ]
    }

    /// The row of a record change.
    pub fn record(change: &Change) -> Self {
        ChangeRow {
            kind: "record",
            id: change.id.clone(),
            origin: change.origin.to_string(),
            direction: change.direction.as_str(),
            base_level: change.base.level.clone(),
            head_level: change.head.level.clone(),
            base_declared: change.base.declared.to_owned(),
            head_declared: change.head.declared.to_owned(),
            base_rule: change.base.rule.clone(),
            head_rule: change.head.rule.clone(),
            base_trigger: change.base.trigger.clone(),
            head_trigger: change.head.trigger.clone(),
            base_due: change.base.due_by.clone(),
            head_due: change.head.due_by.clone(),
            reason: [&change.base.reason, &change.head.reason]
                .into_iter()
                .filter(|r| !r.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join("; "),
            ..ChangeRow::default()
        }
    }

    /// The row of a finding change.
    pub fn finding(change: &FindingChange) -> Self {
        ChangeRow {
            kind: "finding",
            id: change.incident.clone(),
            direction: if change.is_relaxation() {
                "downgrade"
            } else {
                "changed"
            },
            deadline: change.deadline.clone(),
            unit: change.unit.clone(),
            base_due: change.base.due_at.clone(),
            head_due: change.head.due_at.clone(),
            base_status: change.base.status.clone(),
            head_status: change.head.status.clone(),
            ..ChangeRow::default()
        }
    }
}

/// Writes change rows as CSV or JSON lines.
pub struct RowSink<W: Write> {
    csv: Option<CellWriter<W>>,
    json: Option<W>,
    header_written: bool,
}

impl<W: Write> RowSink<W> {
    /// A sink in `format` (CSV or JSON lines).
    pub fn new(writer: W, format: DiffFormat, escaping: CellEscaping) -> Self {
        if format == DiffFormat::Csv {
            RowSink {
                csv: Some(CellWriter::new(writer, escaping)),
                json: None,
                header_written: false,
            }
        } else {
            RowSink {
                csv: None,
                json: Some(writer),
                header_written: false,
            }
        }
    }

    /// Writes one row.
    pub fn write(&mut self, row: &ChangeRow) -> io::Result<()> {
        if let Some(csv) = &mut self.csv {
            if !self.header_written {
                csv.write_header(CHANGE_COLUMNS)?;
                self.header_written = true;
            }
            csv.write_row(row.cells())?;
        }
        if let Some(json) = &mut self.json {
            serde_json::to_writer(&mut *json, row)?;
            json.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Flushes and returns the writer.
    pub fn finish(self) -> io::Result<W> {
        if let Some(csv) = self.csv {
            return csv.into_inner();
        }
        self.json
            .ok_or_else(|| io::Error::other("a row sink holds a writer"))
    }
}

/// Everything a report shows.
pub struct Report<'a> {
    /// The base ruleset, as given.
    pub base: &'a str,
    /// The head ruleset, as given.
    pub head: &'a str,
    /// The counts and the level matrix.
    pub totals: &'a Totals,
    /// Levels in severity order.
    pub levels: &'a [String],
    /// The first changed records.
    pub changes: &'a [Change],
    /// Changed findings of the history corpus.
    pub findings: &'a [FindingChange],
    /// Whether histories were compared at all.
    pub histories: bool,
}

/// The report as Markdown (`markdown`) or plain text.
pub fn report(r: &Report<'_>, markdown: bool) -> String {
    let t = r.totals;
    let mut out = String::new();
    let heading = |out: &mut String, text: &str| {
        if markdown {
            out.push_str(&format!("### {text}\n\n"));
        } else {
            out.push_str(&format!("{text}\n{}\n", "-".repeat(text.chars().count())));
        }
    };
    if markdown {
        out.push_str(&format!("## docket diff: `{}` → `{}`\n\n", r.base, r.head));
    } else {
        out.push_str(&format!("docket diff: {} -> {}\n\n", r.base, r.head));
    }
    out.push_str(&format!(
        "{} records read, {} compared ({} skipped, {} unreadable by both rulesets). \
         {} changed: {} downgraded, {} upgraded, {} otherwise changed. \
         Newly declared: {}. No longer declared: {}.\n\n",
        t.read,
        t.compared,
        t.skipped,
        t.unreadable,
        t.changed,
        t.downgrades,
        t.upgrades,
        t.changed - t.downgrades - t.upgrades,
        t.newly_declared,
        t.no_longer_declared,
    ));
    heading(&mut out, "Level: base (rows) against head (columns)");
    let used: Vec<&String> = r
        .levels
        .iter()
        .filter(|l| t.matrix.keys().any(|(a, b)| a == *l || b == *l))
        .collect();
    let mut rows = vec![
        std::iter::once("base \\ head".to_owned())
            .chain(used.iter().map(|l| (*l).clone()))
            .collect::<Vec<_>>(),
    ];
    for from in &used {
        let mut row = vec![(*from).clone()];
        for to in &used {
            let n = t
                .matrix
                .get(&((*from).clone(), (*to).clone()))
                .copied()
                .unwrap_or(0);
            row.push(if from == to {
                n.to_string()
            } else if n == 0 {
                "·".to_owned()
            } else if markdown {
                format!("**{n}**")
            } else {
                n.to_string()
            });
        }
        rows.push(row);
    }
    out.push_str(&table(&rows, markdown));
    out.push('\n');
    if t.changed > 0 {
        heading(&mut out, "Changed records");
        let mut rows = vec![
            [
                "record", "where", "change", "level", "declared", "rule", "trigger", "due by",
            ]
            .map(str::to_owned)
            .to_vec(),
        ];
        let arrow = |a: &str, b: &str| {
            if a == b {
                a.to_owned()
            } else {
                format!("{} → {}", blank(a), blank(b))
            }
        };
        for c in r.changes {
            rows.push(vec![
                c.id.clone(),
                c.origin.to_string(),
                c.direction.as_str().to_owned(),
                arrow(&c.base.level, &c.head.level),
                arrow(c.base.declared, c.head.declared),
                arrow(&c.base.rule, &c.head.rule),
                arrow(&c.base.trigger, &c.head.trigger),
                arrow(&c.base.due_by, &c.head.due_by),
            ]);
        }
        out.push_str(&table(&rows, markdown));
        let unlisted = t.changed.saturating_sub(r.changes.len() as u64);
        if unlisted > 0 {
            out.push_str(&format!(
                "\n{unlisted} more changed records are not listed (raise --max-listed, or use --format csv).\n"
            ));
        }
        out.push('\n');
    }
    if r.histories {
        heading(&mut out, "Deadline findings");
        if r.findings.is_empty() {
            out.push_str("No finding of the history corpus changes.\n");
        } else {
            let mut rows = vec![
                ["incident", "deadline", "unit", "status", "due at"]
                    .map(str::to_owned)
                    .to_vec(),
            ];
            for f in r.findings {
                rows.push(vec![
                    f.incident.clone(),
                    f.deadline.clone(),
                    f.unit.clone(),
                    format!("{} → {}", f.base.status, f.head.status),
                    format!("{} → {}", blank(&f.base.due_at), blank(&f.head.due_at)),
                ]);
            }
            out.push_str(&table(&rows, markdown));
        }
    }
    out
}

fn blank(text: &str) -> &str {
    if text.is_empty() { "(none)" } else { text }
}

/// A table: Markdown with `|` separators, or aligned plain columns.
fn table(rows: &[Vec<String>], markdown: bool) -> String {
    let mut out = String::new();
    if markdown {
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
            if i == 0 {
                out.push_str(&format!("|{}\n", "---|".repeat(row.len())));
            }
        }
        return out;
    }
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
