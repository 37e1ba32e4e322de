//! Events the policy allows only after another one.
//!
//! An event may name one that must come first (`requires`): USDA 3c(5)
//! returns no compromised system to normal operation (`restored`) without
//! ACIO CS's approval (`restore_decision`). A deadline whose breach
//! `permits` the event lifts that: without an answer within one working day
//! the agency may restore the system itself. A history that shows the event
//! with neither before it is a data-quality finding.

use chrono::{DateTime, Utc};

use super::deadline::{Evaluation, Status};
use super::history::{Incident, Occurrence};
use crate::ruleset::Ruleset;
use crate::ruleset::model::EventId;

/// A finding for every occurrence (up to `as_of`) of an event that
/// `requires` another, when neither that event nor the breach of a deadline
/// permitting it comes at or before it. `evaluations` are the incident's.
pub fn unmet_requirements(
    ruleset: &Ruleset,
    incident: &Incident,
    evaluations: &[&Evaluation],
    as_of: DateTime<Utc>,
) -> Vec<String> {
    let name = |e: EventId| ruleset.event(e).id.value.as_str();
    let satisfies = |o: &Occurrence, target: EventId| {
        o.event == target
            || ruleset
                .event(o.event)
                .counts_as
                .as_ref()
                .is_some_and(|c| c.value == target)
    };
    let seen = |o: &&Occurrence| o.at.with_timezone(&Utc) <= as_of;
    let mut out = Vec::new();
    for occurrence in incident.events.iter().filter(seen) {
        let Some(required) = &ruleset.event(occurrence.event).requires else {
            continue;
        };
        let required = required.value;
        let scoped = ruleset.event(required).per.is_some();
        let preceded = incident.events.iter().filter(seen).any(|o| {
            satisfies(o, required)
                && o.at <= occurrence.at
                && (!scoped || o.scope == occurrence.scope)
        });
        if preceded {
            continue;
        }
        let permitting: Vec<&Evaluation> = evaluations
            .iter()
            .copied()
            .filter(|e| {
                ruleset
                    .deadline(e.deadline)
                    .on_breach
                    .permits
                    .as_ref()
                    .is_some_and(|p| p.value == occurrence.event)
                    && (e.scope.is_none() || e.scope == occurrence.scope)
            })
            .collect();
        let permitted = permitting.iter().any(|e| {
            matches!(e.status, Status::Breached | Status::Overdue)
                && e.due.is_some_and(|due| due.fixed_offset() <= occurrence.at)
        });
        if permitted {
            continue;
        }
        let deadlines: Vec<String> = ruleset
            .deadlines
            .iter()
            .filter(|d| {
                d.on_breach
                    .permits
                    .as_ref()
                    .is_some_and(|p| p.value == occurrence.event)
            })
            .map(|d| format!("`{}`", d.id.value))
            .collect();
        let unless = if deadlines.is_empty() {
            String::new()
        } else {
            format!(
                ", and no breach of {} permitted it by then",
                deadlines.join(" or ")
            )
        };
        let citation = ruleset
            .event(occurrence.event)
            .citation
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        out.push(format!(
            "{}: `{}` at {} has no `{}` at or before it{unless}{citation}",
            occurrence.origin,
            name(occurrence.event),
            occurrence.at.to_rfc3339(),
            name(required),
        ));
    }
    out
}
