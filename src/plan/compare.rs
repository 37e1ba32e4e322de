//! What actually happened against what the plan said: each planned step
//! met, late, missed or pending, per incident, and the units the history
//! names that the plan did not foresee.

use chrono::{DateTime, FixedOffset, Utc};

use super::read::{PlannedStep, PlannedSteps};
use crate::audit::Incident;
use crate::audit::deadline::{human, margin_minutes};
use crate::ruleset::Ruleset;

/// The CSV header of a comparison.
pub const CSV_HEADER: &[&str] = &[
    "incident",
    "step",
    "deadline",
    "event",
    "unit",
    "citation",
    "due_at",
    "status",
    "done_at",
    "margin_minutes",
    "detail",
];

/// How a planned step went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    /// Done by its due time.
    Met,
    /// Done after its due time.
    Late,
    /// Not done, and past due at the audit time.
    Missed,
    /// Not done, not yet due.
    Pending,
    /// The history names a unit for this event that the plan did not.
    Unplanned,
}

impl StepStatus {
    /// The word used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Met => "met",
            StepStatus::Late => "late",
            StepStatus::Missed => "missed",
            StepStatus::Pending => "pending",
            StepStatus::Unplanned => "unplanned",
        }
    }
}

/// One compared step.
#[derive(Clone, Debug)]
pub struct Compared {
    /// The incident.
    pub incident: String,
    /// The planned step (for unplanned units: the step of the same
    /// deadline, with the unit the history gives).
    pub step: PlannedStep,
    /// How it went.
    pub status: StepStatus,
    /// When it was done.
    pub done_at: Option<DateTime<FixedOffset>>,
    /// Minutes to spare (negative when late).
    pub margin: Option<i64>,
    /// In words.
    pub detail: String,
}

/// Compares every incident that has the plan's start event with the plan.
/// `Err` names an event of the plan the ruleset does not define.
pub fn compare(
    ruleset: &Ruleset,
    plan: &PlannedSteps,
    incidents: &[Incident],
    as_of: DateTime<Utc>,
) -> Result<Vec<Compared>, String> {
    let start = ruleset.event_id(&plan.start_event).ok_or_else(|| {
        format!(
            "the plan starts from `{}`, an event the ruleset does not define",
            plan.start_event
        )
    })?;
    let mut out = Vec::new();
    for incident in incidents {
        let Some(started) = incident.events.iter().find(|o| o.event == start) else {
            continue;
        };
        let shift = plan
            .start_at
            .filter(|p| *p != started.at)
            .map(|p| {
                format!(
                    "; the history's {} is at {}, the plan's at {}",
                    plan.start_event,
                    started.at.to_rfc3339(),
                    p.to_rfc3339()
                )
            })
            .unwrap_or_default();
        for step in &plan.steps {
            let event = ruleset.event_id(&step.event).ok_or_else(|| {
                format!(
                    "the plan's step {} names `{}`, an event the ruleset does not define",
                    step.step, step.event
                )
            })?;
            let done = incident
                .events
                .iter()
                .filter(|o| o.event == event)
                .filter(|o| step.unit.is_none() || o.scope == step.unit)
                .map(|o| o.at)
                .min();
            let (status, margin, detail) = match done {
                Some(at) => {
                    let margin = margin_minutes(step.due_at.signed_duration_since(at));
                    if at <= step.due_at {
                        (
                            StepStatus::Met,
                            Some(margin),
                            format!("done with {} to spare", human(step.due_at - at)),
                        )
                    } else {
                        (
                            StepStatus::Late,
                            Some(margin),
                            format!("done {} late", human(at - step.due_at)),
                        )
                    }
                }
                None if as_of > step.due_at.with_timezone(&Utc) => (
                    StepStatus::Missed,
                    None,
                    format!("not in the history; due {}", step.due_at.to_rfc3339()),
                ),
                None => (StepStatus::Pending, None, "not yet due".to_owned()),
            };
            out.push(Compared {
                incident: incident.id.clone(),
                step: step.clone(),
                status,
                done_at: done,
                margin,
                detail: format!("{detail}{shift}"),
            });
        }
        out.extend(unplanned(ruleset, plan, incident));
    }
    Ok(out)
}

/// Events of the history for units the plan has no step for.
fn unplanned(ruleset: &Ruleset, plan: &PlannedSteps, incident: &Incident) -> Vec<Compared> {
    let mut out: Vec<Compared> = Vec::new();
    for occurrence in &incident.events {
        let Some(unit) = &occurrence.scope else {
            continue;
        };
        let name = &ruleset.event(occurrence.event).id.value;
        let planned_units = plan
            .steps
            .iter()
            .filter(|s| s.event == *name && s.unit.is_some());
        let mut same_event = planned_units.clone();
        if same_event.any(|s| s.unit.as_deref() == Some(unit.as_str())) {
            continue;
        }
        let Some(model) = planned_units.clone().next() else {
            continue;
        };
        if out
            .iter()
            .any(|c| c.step.event == *name && c.step.unit.as_deref() == Some(unit))
        {
            continue;
        }
        out.push(Compared {
            incident: incident.id.clone(),
            step: PlannedStep {
                step: String::new(),
                unit: Some(unit.clone()),
                ..model.clone()
            },
            status: StepStatus::Unplanned,
            done_at: Some(occurrence.at),
            margin: None,
            detail: format!(
                "the history has {name} for {unit} ({}), a unit the plan does not cover",
                occurrence.origin
            ),
        });
    }
    out
}

/// The comparison as rows of [`CSV_HEADER`] cells.
pub fn rows(compared: &[Compared]) -> Vec<Vec<String>> {
    compared
        .iter()
        .map(|c| {
            vec![
                c.incident.clone(),
                c.step.step.clone(),
                c.step.deadline.clone(),
                c.step.event.clone(),
                c.step.unit.clone().unwrap_or_default(),
                c.step.citation.clone(),
                c.step.due_at.to_rfc3339(),
                c.status.as_str().to_owned(),
                c.done_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                c.margin.map(|m| m.to_string()).unwrap_or_default(),
                c.detail.clone(),
            ]
        })
        .collect()
}
