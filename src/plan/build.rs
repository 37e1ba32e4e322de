//! Building a plan from the ruleset's timeline, the exposed systems and
//! the call roster.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Contact, Notification, Plan, PlanUnit, Step};
use crate::inventory::{Advisory, Assessment, Exposure};
use crate::roster::{Person, Roster, SYSTEM_ADMINISTRATOR, SYSTEM_OWNER};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{Deadline, DurationUnit, EventId};

/// What a plan is built from.
pub struct PlanRequest<'a> {
    /// The ruleset whose timeline the plan follows.
    pub ruleset: &'a Ruleset,
    /// The event every step's clock runs from.
    pub start_event: EventId,
    /// When it happened.
    pub start_at: DateTime<Utc>,
    /// The advisory.
    pub advisory: &'a Advisory,
    /// Every system's verdict.
    pub assessments: &'a [Assessment<'a>],
    /// The call roster.
    pub roster: &'a Roster,
}

/// Builds the plan; `Err` when a due time cannot be computed.
pub fn build(request: &PlanRequest<'_>) -> Result<Plan, String> {
    let ruleset = request.ruleset;
    let calendar = crate::classify::calendar_of(ruleset);
    let tz = ruleset.meta.timezone.value;
    let (units, gaps) = units(request.assessments);
    let mut steps = Vec::new();
    let mut order = Vec::new();
    for (index, deadline) in ruleset.deadlines.iter().enumerate() {
        if !deadline.from.iter().any(|e| e.value == request.start_event) {
            continue;
        }
        let due = calendar
            .add(request.start_at, deadline.within.value)
            .map_err(|e| format!("deadline {}: {e}", deadline.id.value))?
            .due
            .fixed_offset();
        let scopes: Vec<Option<&PlanUnit>> = if deadline.per.is_some() {
            units.iter().map(Some).collect()
        } else {
            vec![None]
        };
        for unit in scopes {
            order.push((due, index, unit.map(|u| u.name.clone())));
            steps.push(step(request, deadline, due, unit));
        }
    }
    let mut keyed: Vec<_> = order.into_iter().zip(steps).collect();
    keyed.sort_by(|(a, _), (b, _)| a.cmp(b));
    let advisory = request.advisory;
    Ok(Plan {
        ruleset: format!(
            "{} {}",
            ruleset.meta.id.value,
            ruleset
                .meta
                .version
                .as_ref()
                .map_or("", |v| v.value.as_str())
        )
        .trim()
        .to_owned(),
        start_event: ruleset.event(request.start_event).id.value.clone(),
        start_at: request.start_at.with_timezone(&tz).fixed_offset(),
        advisory: match &advisory.title {
            Some(title) => format!("{} ({title})", advisory.id.value),
            None => advisory.id.value.clone(),
        },
        units,
        steps: keyed.into_iter().map(|(_, s)| s).collect(),
        gaps,
    })
}

/// The units with systems to act on, and the systems the plan cannot
/// route because their profile names no unit.
fn units(assessments: &[Assessment<'_>]) -> (Vec<PlanUnit>, Vec<String>) {
    let mut units: BTreeMap<String, PlanUnit> = BTreeMap::new();
    let mut gaps = Vec::new();
    for a in assessments.iter().filter(|a| a.needs_action()) {
        if a.unit().is_empty() {
            gaps.push(format!(
                "system {} ({}) names no operating unit: nobody is planned to act on it",
                a.system.id.value,
                a.exposure.as_str()
            ));
            continue;
        }
        let unit = units
            .entry(a.unit().to_owned())
            .or_insert_with(|| PlanUnit {
                name: a.unit().to_owned(),
                affected: Vec::new(),
                unknown: Vec::new(),
            });
        let list = if a.exposure == Exposure::Affected {
            &mut unit.affected
        } else {
            &mut unit.unknown
        };
        list.push(a.system.id.value.clone());
    }
    (units.into_values().collect(), gaps)
}

fn step(
    request: &PlanRequest<'_>,
    deadline: &Deadline,
    due_at: chrono::DateTime<chrono::FixedOffset>,
    unit: Option<&PlanUnit>,
) -> Step {
    let ruleset = request.ruleset;
    let event = deadline.to.first().map(|e| ruleset.event(e.value));
    let mut notes = Vec::new();
    if deadline.applies.is_some() {
        notes.push("applies only when the deadline's `applies` condition holds".to_owned());
    }
    let by_role = event.and_then(|e| e.by.as_ref()).map(|r| r.value.clone());
    let by = match &by_role {
        Some(role) => {
            let people = resolve(request, role, unit, &mut notes);
            if people.is_empty() {
                notes.push(nobody(role, unit));
            }
            people.into_iter().map(|(c, _)| c).collect()
        }
        None => {
            let actor = deadline
                .actor
                .clone()
                .or_else(|| event.and_then(|e| e.actor.clone()));
            notes.push(match actor {
                Some(actor) => {
                    format!("the ruleset names no roster role for this step (actor: {actor})")
                }
                None => "the ruleset names no roster role for this step".to_owned(),
            });
            Vec::new()
        }
    };
    let mut notifications = Vec::new();
    for role in event.map_or(&[][..], |e| e.notifies.as_slice()) {
        let people = resolve(request, &role.value, unit, &mut notes);
        if people.is_empty() {
            notes.push(nobody(&role.value, unit));
            notifications.push(Notification {
                role: role.value.clone(),
                to: None,
                systems: Vec::new(),
            });
        }
        for (contact, systems) in people {
            notifications.push(Notification {
                role: role.value.clone(),
                to: Some(contact),
                systems,
            });
        }
    }
    Step {
        deadline: deadline.id.value.clone(),
        event: event.map_or_else(String::new, |e| e.id.value.clone()),
        citation: deadline.citation.value.clone(),
        offset: offset(deadline),
        due_at,
        unit: unit.map(|u| u.name.clone()),
        action: event
            .and_then(|e| e.title.clone())
            .or_else(|| deadline.title.clone())
            .unwrap_or_else(|| deadline.id.value.clone()),
        by_role,
        by,
        notifications,
        notes,
    }
}

fn nobody(role: &str, unit: Option<&PlanUnit>) -> String {
    match unit {
        Some(unit) => format!("nobody on the roster holds role `{role}` for {}", unit.name),
        None => format!("nobody on the roster holds role `{role}`"),
    }
}

/// The people who hold `role` for the step, each with the systems that
/// make them concerned (for owners and administrators). An owner or
/// administrator the roster lacks, or a system that names none, is noted.
fn resolve(
    request: &PlanRequest<'_>,
    role: &str,
    unit: Option<&PlanUnit>,
    notes: &mut Vec<String>,
) -> Vec<(Contact, Vec<String>)> {
    let roster = request.roster;
    if role == SYSTEM_OWNER || role == SYSTEM_ADMINISTRATOR {
        let mut by_person: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut order = Vec::new();
        for a in request
            .assessments
            .iter()
            .filter(|a| a.needs_action() && unit.is_none_or(|u| u.name == a.unit()))
        {
            let who = if role == SYSTEM_OWNER {
                &a.system.owner
            } else {
                &a.system.administrator
            };
            let Some(id) = who.as_ref().map(|w| w.value.clone()) else {
                notes.push(format!("system {} names no {role}", a.system.id.value));
                continue;
            };
            if !by_person.contains_key(&id) {
                order.push(id.clone());
            }
            by_person
                .entry(id)
                .or_default()
                .push(a.system.id.value.clone());
        }
        return order
            .into_iter()
            .filter_map(|id| {
                let systems = by_person.remove(&id).unwrap_or_default();
                let person = roster.person(&id);
                if person.is_none() {
                    notes.push(format!(
                        "{role} `{id}` of {} is not on the roster",
                        systems.join(", ")
                    ));
                }
                person.map(|p| (contact(p), systems))
            })
            .collect();
    }
    roster
        .holders(role, unit.map(|u| u.name.as_str()))
        .into_iter()
        .map(|p| (contact(p), Vec::new()))
        .collect()
}

fn contact(person: &Person) -> Contact {
    Contact {
        id: person.id.value.clone(),
        label: person.label(),
        methods: person.methods_text(),
        coverage: person.coverage.clone().unwrap_or_default(),
    }
}

/// `E+2h`, `E+30m`, `E+15d`, `E+1 working day`.
fn offset(deadline: &Deadline) -> String {
    let d = deadline.within.value;
    match d.unit {
        DurationUnit::Minutes => format!("E+{}m", d.amount),
        DurationUnit::Hours => format!("E+{}h", d.amount),
        DurationUnit::CalendarDays => format!("E+{}d", d.amount),
        DurationUnit::WorkingDays => format!("E+{d}"),
    }
}
