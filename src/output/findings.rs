//! Audit findings: one row per deadline per incident (and unit), per
//! data-quality problem, and per policy exception.

use std::io::{self, Write};

use serde::Serialize;

use super::Sink;
use super::cells::{CellEscaping, CellWriter};
use crate::audit::{Audit, Evaluation, OwedKind, Status};
use crate::classify::format_time;
use crate::ruleset::Ruleset;

/// The columns of the CSV output, in order.
pub const COLUMNS: &[&str] = &[
    "incident",
    "agency",
    "level",
    "kind",
    "rule",
    "citation",
    "status",
    "unit",
    "start_event",
    "start_at",
    "due_at",
    "end_event",
    "end_at",
    "margin_minutes",
    "working_days_late",
    "detail",
    "owed",
];

/// One finding.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FindingRow {
    /// Incident id (or exception id).
    pub incident: String,
    /// Agency.
    pub agency: String,
    /// Level.
    pub level: String,
    /// `deadline`, `data-quality` or `exception`.
    pub kind: String,
    /// The deadline id (or `exceptions`).
    pub rule: String,
    /// Its citation.
    pub citation: String,
    /// met, breached, overdue, pending, not-applicable; data-quality; active, expired, unapproved-extension.
    pub status: String,
    /// The unit, for per-unit deadlines.
    pub unit: String,
    /// The event that started the clock.
    pub start_event: String,
    /// When.
    pub start_at: String,
    /// When it was due.
    pub due_at: String,
    /// The event that stopped it.
    pub end_event: String,
    /// When.
    pub end_at: String,
    /// Minutes to spare (negative: late).
    pub margin_minutes: Option<i64>,
    /// Working days late, for working-day deadlines.
    pub working_days_late: Option<i64>,
    /// What happened, in words.
    pub detail: String,
    /// What the breach makes owed, and whether it was done.
    pub owed: Vec<String>,
}

/// Every finding of an audit, in a stable order: incidents in input order,
/// deadlines in ruleset order, then data quality, then exceptions. Rows are
/// made one at a time as the writer asks for them: an audit of a few
/// hundred thousand incidents has millions of findings, and holding them
/// all as rows of text took gigabytes.
pub fn rows<'a>(ruleset: &'a Ruleset, audit: &'a Audit) -> impl Iterator<Item = FindingRow> + 'a {
    let deadlines = audit
        .evaluations
        .iter()
        .filter_map(move |(index, evaluation)| deadline_row(ruleset, audit, *index, evaluation));
    let quality = audit.quality.iter().filter_map(move |(index, text)| {
        let view = audit.incidents.get(*index)?;
        Some(FindingRow {
            incident: view.incident.id.clone(),
            agency: view.agency.clone(),
            level: view.level.clone(),
            kind: "data-quality".to_owned(),
            status: "data-quality".to_owned(),
            detail: text.clone(),
            ..FindingRow::empty()
        })
    });
    let citation = ruleset
        .exceptions
        .as_ref()
        .map(|p| p.citation.value.clone())
        .unwrap_or_default();
    let exceptions = audit.exceptions.iter().map(move |finding| {
        let e = &finding.exception;
        FindingRow {
            incident: e.id.clone(),
            agency: e.agency.clone(),
            kind: "exception".to_owned(),
            rule: "exceptions".to_owned(),
            citation: citation.clone(),
            status: finding.status.as_str().to_owned(),
            start_at: e.approved.to_string(),
            due_at: finding.expiry.to_string(),
            detail: std::iter::once(format!(
                "{} ({} approved {})",
                e.requirement, e.approver, e.approved
            ))
            .chain(finding.notes.iter().cloned())
            .collect::<Vec<_>>()
            .join("; "),
            ..FindingRow::empty()
        }
    });
    deadlines.chain(quality).chain(exceptions)
}

/// The row of one deadline of the incident at position `index`.
fn deadline_row(
    ruleset: &Ruleset,
    audit: &Audit,
    index: usize,
    evaluation: &Evaluation,
) -> Option<FindingRow> {
    let tz = ruleset.meta.timezone.value;
    let time = |t: &chrono::DateTime<chrono::FixedOffset>| format_time(&t.with_timezone(&tz));
    let event = |e: crate::ruleset::model::EventId| ruleset.event(e).id.value.clone();
    let view = audit.incidents.get(index)?;
    let deadline = ruleset.deadline(evaluation.deadline);
    let owed = audit
        .owed_of(index)
        .iter()
        .filter(|o| o.deadline == evaluation.deadline)
        .map(|o| {
            let what = match &o.what {
                OwedKind::Notification(to) => format!("one-time notification to {to}"),
                OwedKind::Poam => "POA&M until the incident closes".to_owned(),
                OwedKind::Declaration => "declaration of a CS incident".to_owned(),
            };
            match o.done {
                Some(at) => format!("{what}: done {}", time(&at)),
                None => format!("{what}: owed"),
            }
        })
        .collect();
    let mut detail = evaluation.note.clone();
    if matches!(evaluation.status, Status::Breached | Status::Overdue) {
        if let Some(permits) = &deadline.on_breach.permits {
            detail.push_str(&format!(
                "; permits `{}`",
                ruleset.event(permits.value).id.value
            ));
        }
    }
    Some(FindingRow {
        incident: view.incident.id.clone(),
        agency: view.agency.clone(),
        level: view.level.clone(),
        kind: "deadline".to_owned(),
        rule: deadline.id.value.clone(),
        citation: deadline.citation.value.clone(),
        status: evaluation.status.as_str().to_owned(),
        unit: evaluation.scope.clone().unwrap_or_default(),
        start_event: evaluation
            .start
            .as_ref()
            .map(|m| event(m.event))
            .unwrap_or_default(),
        start_at: evaluation
            .start
            .as_ref()
            .map(|m| time(&m.at))
            .unwrap_or_default(),
        due_at: evaluation.due.as_ref().map(format_time).unwrap_or_default(),
        end_event: evaluation
            .end
            .as_ref()
            .map(|m| event(m.event))
            .unwrap_or_default(),
        end_at: evaluation
            .end
            .as_ref()
            .map(|m| time(&m.at))
            .unwrap_or_default(),
        margin_minutes: evaluation
            .margin
            .map(crate::audit::deadline::margin_minutes),
        working_days_late: evaluation.working_days_late,
        detail,
        owed,
    })
}

impl FindingRow {
    fn empty() -> Self {
        FindingRow {
            incident: String::new(),
            agency: String::new(),
            level: String::new(),
            kind: String::new(),
            rule: String::new(),
            citation: String::new(),
            status: String::new(),
            unit: String::new(),
            start_event: String::new(),
            start_at: String::new(),
            due_at: String::new(),
            end_event: String::new(),
            end_at: String::new(),
            margin_minutes: None,
            working_days_late: None,
            detail: String::new(),
            owed: Vec::new(),
        }
    }
}

/// Writes findings as CSV.
pub fn write_csv(
    sink: Sink,
    rows: impl IntoIterator<Item = FindingRow>,
    escaping: CellEscaping,
) -> io::Result<()> {
    let mut writer = CellWriter::new(sink, escaping);
    writer.write_header(COLUMNS)?;
    for row in rows {
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        writer.write_row([
            &row.incident,
            &row.agency,
            &row.level,
            &row.kind,
            &row.rule,
            &row.citation,
            &row.status,
            &row.unit,
            &row.start_event,
            &row.start_at,
            &row.due_at,
            &row.end_event,
            &row.end_at,
            &number(row.margin_minutes),
            &number(row.working_days_late),
            &row.detail,
            &row.owed.join("; "),
        ])?;
    }
    let sink = writer.into_inner()?;
    sink.commit()
}

/// Writes findings as JSON lines.
pub fn write_jsonl(mut sink: Sink, rows: impl IntoIterator<Item = FindingRow>) -> io::Result<()> {
    for row in rows {
        serde_json::to_writer(&mut sink, &row)?;
        sink.write_all(b"\n")?;
    }
    sink.commit()
}
