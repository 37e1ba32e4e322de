//! Plan of Action and Milestones items.
//!
//! Two things owe POA&Ms under the USDA policy: an incident open more than
//! 15 days ("a POA&M will also be initiated until incident(s) are closed",
//! USDA 3b(1)), and every granted policy exception ("report this Granted
//! Policy Exception as a POA&M ... with a GPE notation, until full
//! compliance is achieved", USDA 2).

use chrono::NaiveDate;
use serde::Serialize;

use super::exceptions::ExceptionFinding;
use super::{Audit, OwedKind};
use crate::ruleset::Ruleset;
use crate::ruleset::model::ExceptionPolicy;

/// The status column of a POA&M.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PoamStatus {
    /// Work is under way.
    Ongoing,
    /// Past its scheduled completion.
    Delayed,
    /// Done.
    Completed,
}

impl PoamStatus {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            PoamStatus::Ongoing => "Ongoing",
            PoamStatus::Delayed => "Delayed",
            PoamStatus::Completed => "Completed",
        }
    }
}

/// One POA&M item, with the usual columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Poam {
    /// POA&M ID.
    pub id: String,
    /// The weakness.
    pub weakness: String,
    /// Where the weakness was identified.
    pub source: String,
    /// The identifier in that source (incident or exception id).
    pub identifier: String,
    /// Who is responsible.
    pub point_of_contact: String,
    /// Resources required.
    pub resources_required: String,
    /// When the weakness was found.
    pub detected: Option<NaiveDate>,
    /// When it is to be resolved.
    pub scheduled_completion: Option<NaiveDate>,
    /// Milestones so far.
    pub milestones: String,
    /// Ongoing, Delayed or Completed.
    pub status: PoamStatus,
    /// When it was completed.
    pub completed: Option<NaiveDate>,
    /// Comments (the GPE notation for exceptions).
    pub comments: String,
    /// The policy citation.
    pub citation: String,
}

/// POA&Ms for incidents whose missed deadlines owe one.
pub fn from_incidents(ruleset: &Ruleset, audit: &Audit) -> Vec<Poam> {
    let tz = ruleset.meta.timezone.value;
    let date = |t: &chrono::DateTime<chrono::FixedOffset>| t.with_timezone(&tz).date_naive();
    audit
        .owed
        .iter()
        .filter(|o| o.what == OwedKind::Poam)
        .filter_map(|owed| {
            let view = audit.incidents.get(owed.incident)?;
            let deadline = ruleset.deadline(owed.deadline);
            let evaluation = audit
                .evaluations_of(owed.incident)
                .iter()
                .find(|(_, e)| e.deadline == owed.deadline)
                .map(|(_, e)| e)?;
            let milestones = view
                .incident
                .events
                .iter()
                .filter(|o| o.at.with_timezone(&chrono::Utc) <= audit.as_of)
                .map(|o| format!("{} {}", ruleset.event(o.event).id.value, date(&o.at)))
                .collect::<Vec<_>>()
                .join("; ");
            let completed = view.closed.as_ref().map(date).filter(|_| {
                view.closed
                    .is_some_and(|c| c.with_timezone(&chrono::Utc) <= audit.as_of)
            });
            Some(Poam {
                id: format!("POAM-{}-{}", view.incident.id, deadline.id.value),
                weakness: format!(
                    "Incident {}: {} (due {})",
                    view.incident.id,
                    deadline.title.as_deref().unwrap_or(&deadline.id.value),
                    evaluation
                        .due
                        .map(|d| d.format("%Y-%m-%d %H:%M %Z").to_string())
                        .unwrap_or_default()
                ),
                source: "Incident response compliance audit".to_owned(),
                identifier: view.incident.id.clone(),
                point_of_contact: format!("{} CIO", view.agency),
                resources_required: "Corrective actions to be reported by the agency CIO"
                    .to_owned(),
                detected: evaluation.due.map(|d| d.date_naive()),
                scheduled_completion: None,
                milestones,
                status: if completed.is_some() {
                    PoamStatus::Completed
                } else {
                    PoamStatus::Ongoing
                },
                completed,
                comments: deadline.on_breach.note.clone().unwrap_or_default(),
                citation: deadline.citation.value.clone(),
            })
        })
        .collect()
}

/// POA&Ms for granted policy exceptions, with the policy's notation.
pub fn from_exceptions(policy: &ExceptionPolicy, findings: &[ExceptionFinding]) -> Vec<Poam> {
    if !policy.poam {
        return Vec::new();
    }
    let notation = policy.notation.clone().unwrap_or_default();
    findings
        .iter()
        .map(|finding| {
            let e = &finding.exception;
            let mut comments = vec![notation.clone()];
            comments.extend(finding.notes.iter().cloned());
            Poam {
                id: format!("POAM-{notation}-{}", e.id),
                weakness: format!(
                    "{notation}: {} cannot yet comply with \"{}\"",
                    e.agency, e.requirement
                ),
                source: "Granted Policy Exception".to_owned(),
                identifier: e.id.clone(),
                point_of_contact: format!("{} CIO", e.agency),
                resources_required: "As stated in the exception request".to_owned(),
                detected: Some(e.approved),
                scheduled_completion: Some(finding.expiry),
                milestones: format!(
                    "approved {} by {}; expires {}",
                    e.approved, e.approver, finding.expiry
                ),
                status: if finding.expired {
                    PoamStatus::Delayed
                } else {
                    PoamStatus::Ongoing
                },
                completed: None,
                comments: comments
                    .into_iter()
                    .filter(|c| !c.is_empty())
                    .collect::<Vec<_>>()
                    .join("; "),
                citation: policy.citation.value.clone(),
            }
        })
        .collect()
}
