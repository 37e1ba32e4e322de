//! Building a plan from the ruleset's timeline, the exposed systems (or
//! the one agency concerned) and the call roster.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::conditions::{Known, decide, describe};
use super::{Contact, Notification, Plan, PlanUnit, Step};
use crate::inventory::{Advisory, Assessment, Exposure};
use crate::roster::{Person, Roster, SYSTEM_ADMINISTRATOR, SYSTEM_OWNER};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{Deadline, DurationUnit, EventId};

/// What a plan is built from.
pub struct PlanRequest<'a> {
    /// The ruleset whose timeline the plan follows.
    pub ruleset: &'a Ruleset,
    /// The event that starts the plan (E: `data_call`, `declared`) and
    /// when it happened.
    pub start: (EventId, DateTime<Utc>),
    /// Other events whose time is known (`detected`, `reported`): a
    /// deadline runs from the first of its `from` events with a time.
    pub clocks: Vec<(EventId, DateTime<Utc>)>,
    /// Whom the plan concerns.
    pub scope: PlanScope<'a>,
    /// The incident attributes given, which decide `applies` conditions.
    pub known: &'a Known,
    /// The call roster.
    pub roster: &'a Roster,
}

/// Whom a plan concerns.
pub enum PlanScope<'a> {
    /// The units with systems an advisory leaves exposed (DOC).
    Exposure {
        /// The advisory.
        advisory: &'a Advisory,
        /// Every system's verdict.
        assessments: &'a [Assessment<'a>],
    },
    /// One agency (USDA): its people carry out and receive the steps.
    Agency(String),
}

/// Builds the plan; `Err` when a due time cannot be computed.
pub fn build(request: &PlanRequest<'_>) -> Result<Plan, String> {
    let ruleset = request.ruleset;
    let calendar = crate::classify::calendar_of(ruleset);
    let tz = ruleset.meta.timezone.value;
    let (units, mut gaps) = match &request.scope {
        PlanScope::Exposure { assessments, .. } => units(assessments),
        PlanScope::Agency(_) => (Vec::new(), Vec::new()),
    };
    let mut not_planned = Vec::new();
    let mut steps = Vec::new();
    let mut order = Vec::new();
    for (index, deadline) in ruleset.deadlines.iter().enumerate() {
        let condition = match &deadline.applies {
            None => None,
            Some(applies) => match decide(applies, request.known) {
                Some(false) => {
                    not_planned.push(format!(
                        "`{}` does not apply: it needs {} [{}]",
                        deadline.id.value,
                        describe(applies, ruleset),
                        deadline.citation.value
                    ));
                    continue;
                }
                Some(true) => Some(format!("applies: {}", describe(applies, ruleset))),
                None => Some(format!(
                    "conditional: applies only if {}",
                    describe(applies, ruleset)
                )),
            },
        };
        let Some((clock, started)) = clock(request, deadline) else {
            let from: Vec<String> = deadline
                .from
                .iter()
                .map(|e| format!("`{}`", ruleset.event(e.value).id.value))
                .collect();
            not_planned.push(format!(
                "`{}` runs from {}, which this plan has no time for [{}]",
                deadline.id.value,
                from.join(" or "),
                deadline.citation.value
            ));
            continue;
        };
        let due = calendar
            .add(started, deadline.within.value)
            .map_err(|e| format!("deadline {}: {e}", deadline.id.value))?
            .due
            .fixed_offset();
        let scopes: Vec<Option<&PlanUnit>> = if deadline.per.is_some() {
            units.iter().map(Some).collect()
        } else {
            vec![None]
        };
        let prefix = if clock == request.start.0 {
            "E".to_owned()
        } else {
            ruleset.event(clock).id.value.clone()
        };
        for unit in scopes {
            order.push((due, index, unit.map(|u| u.name.clone())));
            let mut step = step(request, deadline, due, unit);
            step.offset = offset(&prefix, deadline);
            step.notes.splice(0..0, condition.clone());
            super::breach::notes(request, deadline, unit, &mut step.if_late);
            steps.push(step);
        }
    }
    if let PlanScope::Agency(agency) = &request.scope {
        if request.roster.unit(agency).is_none() {
            gaps.push(format!("agency {agency} is not on the roster"));
        }
    }
    let mut keyed: Vec<_> = order.into_iter().zip(steps).collect();
    keyed.sort_by(|(a, _), (b, _)| a.cmp(b));
    let (start_event, start_at) = request.start;
    let (title, agency) = match &request.scope {
        PlanScope::Exposure { advisory, .. } => (
            match &advisory.title {
                Some(title) => format!("{} ({title})", advisory.id.value),
                None => advisory.id.value.clone(),
            },
            None,
        ),
        PlanScope::Agency(agency) => (agency.clone(), Some(agency.clone())),
    };
    let local = |at: DateTime<Utc>| at.with_timezone(&tz).fixed_offset();
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
        start_event: ruleset.event(start_event).id.value.clone(),
        start_at: local(start_at),
        clocks: request
            .clocks
            .iter()
            .map(|(e, at)| (ruleset.event(*e).id.value.clone(), local(*at)))
            .collect(),
        title,
        agency,
        attributes: request
            .known
            .given
            .iter()
            .map(|f| crate::condition::trace::value_text(ruleset, *f, request.known.record.get(*f)))
            .zip(request.known.given.iter())
            .map(|(value, f)| format!("{} = {value}", ruleset.field(*f).name.value))
            .collect(),
        units,
        steps: keyed.into_iter().map(|(_, s)| s).collect(),
        gaps,
        not_planned,
    })
}

/// The event a deadline's clock runs from in this plan and its time: the
/// first of its `from` events that is the start or a known clock.
fn clock(request: &PlanRequest<'_>, deadline: &Deadline) -> Option<(EventId, DateTime<Utc>)> {
    deadline.from.iter().find_map(|from| {
        std::iter::once(&request.start)
            .chain(request.clocks.iter())
            .find(|(event, _)| *event == from.value)
            .copied()
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
    let place = place_of(request, unit);
    let by_role = event.and_then(|e| e.by.as_ref()).map(|r| r.value.clone());
    let by = match &by_role {
        Some(role) => {
            let people = resolve(request, role, place, &mut notes);
            if people.is_empty() {
                notes.push(nobody(role, place));
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
        let people = resolve(request, &role.value, place, &mut notes);
        if people.is_empty() {
            notes.push(nobody(&role.value, place));
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
        offset: String::new(),
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
        if_late: Vec::new(),
    }
}

/// Where a step's roles are looked up: its unit, or the plan's agency.
pub(super) fn place_of<'a>(
    request: &'a PlanRequest<'_>,
    unit: Option<&'a PlanUnit>,
) -> Option<&'a str> {
    match (unit, &request.scope) {
        (Some(unit), _) => Some(unit.name.as_str()),
        (None, PlanScope::Agency(agency)) => Some(agency.as_str()),
        (None, PlanScope::Exposure { .. }) => None,
    }
}

/// The note for a role nobody holds.
pub(super) fn nobody(role: &str, place: Option<&str>) -> String {
    match place {
        Some(place) => format!("nobody on the roster holds role `{role}` for {place}"),
        None => format!("nobody on the roster holds role `{role}`"),
    }
}

/// The people who hold `role` for the step, each with the systems that
/// make them concerned (for owners and administrators). An owner or
/// administrator the roster lacks, or a system that names none, is noted.
pub(super) fn resolve(
    request: &PlanRequest<'_>,
    role: &str,
    place: Option<&str>,
    notes: &mut Vec<String>,
) -> Vec<(Contact, Vec<String>)> {
    let roster = request.roster;
    if role == SYSTEM_OWNER || role == SYSTEM_ADMINISTRATOR {
        let PlanScope::Exposure { assessments, .. } = &request.scope else {
            return Vec::new();
        };
        let mut by_person: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut order = Vec::new();
        for a in assessments
            .iter()
            .filter(|a| a.needs_action() && place.is_none_or(|u| u == a.unit()))
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
        .holders(role, place)
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

/// `E+2h`, `E+30m`, `E+15d`, `E+1 working day`, `detected+12h`.
fn offset(clock: &str, deadline: &Deadline) -> String {
    let d = deadline.within.value;
    match d.unit {
        DurationUnit::Minutes => format!("{clock}+{}m", d.amount),
        DurationUnit::Hours => format!("{clock}+{}h", d.amount),
        DurationUnit::CalendarDays => format!("{clock}+{}d", d.amount),
        DurationUnit::WorkingDays => format!("{clock}+{d}"),
    }
}
