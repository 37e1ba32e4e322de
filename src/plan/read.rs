//! Reading back a plan written as CSV by `docket plan --format csv`.
//!
//! A plan has one row per notification; the rows of one step (same
//! deadline, event and unit) are read as one planned step. Every problem
//! is a diagnostic at its row and column.

use std::path::Path;

use chrono::{DateTime, FixedOffset};

use super::render::CSV_HEADER;
use crate::datafile::{Inputs, field_spans};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

/// The columns `docket audit --plan` needs.
const NEEDED: &[&str] = &[
    "step",
    "due_at",
    "unit",
    "deadline",
    "event",
    "citation",
    "start_event",
    "start_at",
];

/// One planned step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedStep {
    /// Its number in the plan.
    pub step: String,
    /// The deadline.
    pub deadline: String,
    /// The event that completes it.
    pub event: String,
    /// The unit, for per-unit steps.
    pub unit: Option<String>,
    /// The policy section.
    pub citation: String,
    /// When it is due.
    pub due_at: DateTime<FixedOffset>,
}

/// A plan as read back.
#[derive(Clone, Debug, Default)]
pub struct PlannedSteps {
    /// The start event (`data_call`).
    pub start_event: String,
    /// When the plan's E is.
    pub start_at: Option<DateTime<FixedOffset>>,
    /// The steps, in plan order, each once.
    pub steps: Vec<PlannedStep>,
}

/// Reads a plan CSV; problems go to `inputs`.
pub fn read(path: &Path, inputs: &mut Inputs) -> PlannedSteps {
    let mut plan = PlannedSteps::default();
    let Some(file) = inputs.read(path) else {
        return plan;
    };
    let text = inputs.sources.file(file).text().clone();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut columns: Vec<usize> = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let offset = error.position().map_or(0, |p| p.byte() as usize);
                inputs.diagnostics.push(Diagnostic::error(
                    Code::InvalidValue,
                    Span::new(file, offset, 0),
                    format!("not a valid CSV row: {error}"),
                ));
                continue;
            }
        };
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let row = Span::new(file, start, 0);
        let spans = field_spans(&text, start, file);
        if index == 0 {
            let header: Vec<&str> = record.iter().map(str::trim).collect();
            for name in NEEDED {
                match header.iter().position(|h| h == name) {
                    Some(at) => columns.push(at),
                    None => inputs.diagnostics.push(
                        Diagnostic::error(
                            Code::MissingKey,
                            row,
                            format!("the plan has no `{name}` column"),
                        )
                        .with_help(format!(
                            "write the plan with `docket plan --format csv`; its columns are {}",
                            CSV_HEADER.join(", ")
                        )),
                    ),
                }
            }
            if columns.len() < NEEDED.len() {
                return plan;
            }
            continue;
        }
        let column = |i: usize| columns.get(i).copied().unwrap_or(usize::MAX);
        let cell = |i: usize| {
            let text = record.get(column(i)).unwrap_or("").trim();
            crate::output::cells::restore(text).to_owned()
        };
        let span = |i: usize| spans.get(column(i)).copied().unwrap_or(row);
        let due_at = match DateTime::parse_from_rfc3339(&cell(1)) {
            Ok(t) => t,
            Err(e) => {
                inputs.diagnostics.push(Diagnostic::error(
                    Code::InvalidValue,
                    span(1),
                    format!("`{}` is not an RFC 3339 time: {e}", cell(1)),
                ));
                continue;
            }
        };
        if plan.start_at.is_none() {
            plan.start_event = cell(6);
            plan.start_at = DateTime::parse_from_rfc3339(&cell(7)).ok();
        }
        let step = PlannedStep {
            step: cell(0),
            deadline: cell(3),
            event: cell(4),
            unit: Some(cell(2)).filter(|u| !u.is_empty()),
            citation: cell(5),
            due_at,
        };
        if step.event.is_empty() {
            inputs.diagnostics.push(Diagnostic::error(
                Code::MissingKey,
                span(4),
                "this plan row names no event",
            ));
            continue;
        }
        let seen = plan
            .steps
            .iter()
            .any(|s| s.deadline == step.deadline && s.event == step.event && s.unit == step.unit);
        if !seen {
            plan.steps.push(step);
        }
    }
    plan
}
