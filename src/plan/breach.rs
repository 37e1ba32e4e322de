//! What a step's breach sets off, as its `if_late` lines: the ruleset's
//! `on_breach` (a declaration, a one-time notification, a POA&M, an event
//! the breach permits), with the people who would carry it out.

use super::PlanUnit;
use super::build::{PlanRequest, nobody, place_of, resolve};
use crate::ruleset::model::{Deadline, EventId};

/// Adds to `out` what follows if the step is not done in time.
pub(super) fn notes(
    request: &PlanRequest<'_>,
    deadline: &Deadline,
    unit: Option<&PlanUnit>,
    out: &mut Vec<String>,
) {
    let on_breach = &deadline.on_breach;
    if let Some(note) = &on_breach.note {
        out.push(note.clone());
    } else if on_breach.declare {
        out.push("an incident is declared".to_owned());
    }
    for event in [
        &on_breach.notified_by,
        &on_breach.poam_opened_by,
        &on_breach.permits,
    ]
    .into_iter()
    .flatten()
    {
        out.push(then(request, event.value, unit));
    }
}

/// `<event>: <title> — by <people> (`role`), to <people> (`role`)`.
fn then(request: &PlanRequest<'_>, event: EventId, unit: Option<&PlanUnit>) -> String {
    let def = request.ruleset.event(event);
    let place = place_of(request, unit);
    let mut ignored = Vec::new();
    let mut people = |role: &str| {
        let found: Vec<String> = resolve(request, role, place, &mut ignored)
            .into_iter()
            .map(|(c, _)| format!("{} [{}]", c.label, c.methods))
            .collect();
        if found.is_empty() {
            nobody(role, place)
        } else {
            format!("{} as `{role}`", found.join(", "))
        }
    };
    let mut text = format!(
        "`{}`: {}",
        def.id.value,
        def.title.as_deref().unwrap_or(def.id.value.as_str())
    );
    match &def.by {
        Some(role) => text.push_str(&format!(" — by {}", people(&role.value))),
        None => text.push_str(" — the ruleset names no roster role for it"),
    }
    let to: Vec<String> = def.notifies.iter().map(|r| people(&r.value)).collect();
    if !to.is_empty() {
        text.push_str(&format!("; notifies {}", to.join(", ")));
    }
    text
}
