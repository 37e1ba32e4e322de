//! Compliance audits of incident histories.
//!
//! Given what actually happened to each incident, [`Auditor::audit`] says
//! which deadline of the policy was met and which breached (and by how
//! much), what is owed now — one-time notifications, POA&Ms, declarations —
//! and what is wrong with the data itself. Quarterly views select by federal
//! fiscal quarter for FISMA reporting.

pub mod deadline;
pub mod exceptions;
pub mod history;
mod order;
pub mod poam;

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use crate::allocation::AllocationTable;
use crate::calendar::FiscalQuarter;
use crate::classify::Classifier;
use crate::record::Record;
use crate::ruleset::Ruleset;
use crate::ruleset::model::EventId;

pub use deadline::{Evaluation, Status};
pub use exceptions::{Exception, ExceptionFinding};
pub use history::{Histories, HistoryReader, Incident};
pub use poam::Poam;

/// An incident as the audit sees it.
#[derive(Clone, Debug)]
pub struct IncidentView {
    /// The incident.
    pub incident: Incident,
    /// Its agency (given, or from the allocation table), or `unknown`.
    pub agency: String,
    /// Its level (given, or from classifying its attributes), or `unclassified`.
    pub level: String,
    /// Its attributes with level and agency filled in.
    pub attributes: Record,
    /// Its first event.
    pub opened: Option<DateTime<FixedOffset>>,
    /// Its first incident-wide closing event.
    pub closed: Option<DateTime<FixedOffset>>,
}

/// Something the policy says is owed because a deadline was missed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owed {
    /// The incident, by position.
    pub incident: usize,
    /// The deadline, by position in the ruleset.
    pub deadline: usize,
    /// What is owed.
    pub what: OwedKind,
    /// When it was done, if the history records it.
    pub done: Option<DateTime<FixedOffset>>,
}

/// Kinds of [`Owed`] items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwedKind {
    /// A one-time notification to someone.
    Notification(String),
    /// A POA&M until the incident closes.
    Poam,
    /// A declaration of the incident.
    Declaration,
}

/// The result of an audit.
#[derive(Clone, Debug)]
pub struct Audit {
    /// The audit time.
    pub as_of: DateTime<Utc>,
    /// The incidents.
    pub incidents: Vec<IncidentView>,
    /// Every deadline of every incident (incident position, evaluation).
    pub evaluations: Vec<(usize, Evaluation)>,
    /// What missed deadlines make owed.
    pub owed: Vec<Owed>,
    /// Data-quality findings (incident position, text).
    pub quality: Vec<(usize, String)>,
    /// Findings about policy exceptions.
    pub exceptions: Vec<ExceptionFinding>,
    /// POA&M items.
    pub poams: Vec<Poam>,
}

/// A ruleset ready to audit histories.
pub struct Auditor<'r> {
    classifier: Classifier<'r>,
}

impl<'r> Auditor<'r> {
    /// Prepares `ruleset`; the allocation table gives agencies to incidents
    /// that name addresses but no agency.
    pub fn new(ruleset: &'r Ruleset, allocations: Option<Arc<AllocationTable>>) -> Self {
        Auditor {
            classifier: Classifier::new(ruleset, allocations),
        }
    }

    /// The ruleset.
    pub fn ruleset(&self) -> &'r Ruleset {
        self.classifier.ruleset()
    }

    /// The classifier it derives incidents' levels and agencies with, for a
    /// caller that also classifies records (rule tests), so the ruleset is
    /// compiled once.
    pub fn classifier(&self) -> &Classifier<'r> {
        &self.classifier
    }

    /// Audits every incident as of `as_of`, and the granted exceptions.
    pub fn audit(
        &self,
        histories: Histories,
        exceptions: &[Exception],
        as_of: DateTime<Utc>,
    ) -> Audit {
        let ruleset = self.ruleset();
        let calendar = self.classifier.calendar();
        let mut audit = Audit {
            as_of,
            incidents: Vec::new(),
            evaluations: Vec::new(),
            owed: Vec::new(),
            quality: Vec::new(),
            exceptions: Vec::new(),
            poams: Vec::new(),
        };
        for (index, incident) in histories.incidents.into_iter().enumerate() {
            let view = self.view(incident);
            let mut quality = view.incident.quality.clone();
            quality.extend(timeline_quality(ruleset, &view.incident));
            let cx = deadline::Context {
                ruleset,
                calendar,
                attributes: &view.attributes,
                as_of,
            };
            let first = audit.evaluations.len();
            for d in 0..ruleset.deadlines.len() {
                for evaluation in deadline::evaluate(&cx, d, &view.incident, &mut quality) {
                    audit
                        .owed
                        .extend(owed(ruleset, index, &view.incident, &evaluation, as_of));
                    audit.evaluations.push((index, evaluation));
                }
            }
            let evaluations: Vec<&Evaluation> = audit
                .evaluations
                .iter()
                .skip(first)
                .map(|(_, e)| e)
                .collect();
            quality.extend(order::unmet_requirements(
                ruleset,
                &view.incident,
                &evaluations,
                as_of,
            ));
            audit
                .quality
                .extend(quality.into_iter().map(|q| (index, q)));
            audit.incidents.push(view);
        }
        audit.poams = poam::from_incidents(ruleset, &audit);
        if let Some(policy) = &ruleset.exceptions {
            audit.exceptions = exceptions::evaluate(
                policy,
                exceptions,
                as_of.with_timezone(&calendar.tz()).date_naive(),
            );
            audit
                .poams
                .extend(poam::from_exceptions(policy, &audit.exceptions));
        }
        audit
    }

    fn view(&self, incident: Incident) -> IncidentView {
        let ruleset = self.ruleset();
        let mut attributes = incident.attributes.clone();
        let level_field = ruleset.field_id("level");
        let agency_field = ruleset.field_id("agency");
        let given_level = level_field.and_then(|f| attributes.get(f).cloned());
        let given_agency = agency_field.and_then(|f| attributes.get(f).cloned());
        // Classify the attributes for what is not given: the level from the
        // criteria, the agency from the allocation table.
        self.classifier.classify(&mut attributes, &incident.id);
        if let (Some(f), Some(v)) = (level_field, given_level) {
            attributes.set(f, Some(v));
        }
        if let (Some(f), Some(v)) = (agency_field, given_agency) {
            attributes.set(f, Some(v));
        }
        let text = |field: Option<crate::ruleset::model::FieldId>, absent: &str| match field
            .and_then(|f| attributes.get(f).map(|v| (f, v)))
        {
            Some((f, v)) => crate::condition::trace::value_text(ruleset, f, Some(v)),
            None => absent.to_owned(),
        };
        let agency = text(agency_field, "unknown");
        let level = text(level_field, "unclassified");
        let opened = incident.events.first().map(|o| o.at);
        let closed = incident
            .events
            .iter()
            .find(|o| {
                let event = ruleset.event(o.event);
                event.closes && event.per.is_none()
            })
            .map(|o| o.at);
        IncidentView {
            incident,
            agency,
            level,
            attributes,
            opened,
            closed,
        }
    }
}

/// Data-quality findings a timeline shows on its own: a unit given on an
/// event that is not per unit (which no deadline would look at) or missing
/// from one that is (which no unit's deadline would count), an incident (or
/// a unit) closed twice, and the same event recorded twice.
fn timeline_quality(ruleset: &Ruleset, incident: &Incident) -> Vec<String> {
    let mut out = Vec::new();
    let name = |e: EventId| ruleset.event(e).id.value.as_str();
    // The scope attribute a history may give (`unit`); a ruleset has one.
    let scope_name = ruleset
        .events
        .iter()
        .find_map(|e| e.per.as_ref())
        .map_or("unit", |p| p.value.as_str());
    for o in &incident.events {
        match (&ruleset.event(o.event).per, &o.scope) {
            (None, Some(scope)) => out.push(format!(
                "{}: `{}` at {} is not recorded per {scope_name}, so the {scope_name} {scope} given on it is ignored",
                o.origin,
                name(o.event),
                o.at.to_rfc3339()
            )),
            (Some(per), None) => out.push(format!(
                "{}: `{}` at {} is recorded per {} but names none, so no {}'s deadline counts it",
                o.origin,
                name(o.event),
                o.at.to_rfc3339(),
                per.value,
                per.value
            )),
            _ => {}
        }
    }
    let closings: Vec<_> = incident
        .events
        .iter()
        .filter(|o| ruleset.event(o.event).closes)
        .collect();
    for (i, later) in closings.iter().enumerate() {
        if let Some(first) = closings.iter().take(i).find(|c| c.scope == later.scope) {
            out.push(format!(
                "{}: closed twice{}: `{}` at {} after `{}` at {}",
                later.origin,
                later
                    .scope
                    .as_deref()
                    .map(|s| format!(" for {s}"))
                    .unwrap_or_default(),
                name(later.event),
                later.at.to_rfc3339(),
                name(first.event),
                first.at.to_rfc3339()
            ));
        }
    }
    for (i, event) in incident.events.iter().enumerate() {
        if incident
            .events
            .iter()
            .take(i)
            .any(|e| e.event == event.event && e.at == event.at && e.scope == event.scope)
        {
            out.push(format!(
                "{}: `{}` at {} is recorded twice",
                event.origin,
                name(event.event),
                event.at.to_rfc3339()
            ));
        }
    }
    out
}

/// What a missed deadline makes owed, and whether the history shows it done.
fn owed(
    ruleset: &Ruleset,
    incident_index: usize,
    incident: &Incident,
    evaluation: &Evaluation,
    as_of: DateTime<Utc>,
) -> Vec<Owed> {
    if !matches!(evaluation.status, Status::Breached | Status::Overdue) {
        return Vec::new();
    }
    let breach = &ruleset.deadline(evaluation.deadline).on_breach;
    let done = |event: Option<EventId>| {
        event.and_then(|e| {
            incident
                .events
                .iter()
                .find(|o| o.event == e && o.at.with_timezone(&Utc) <= as_of)
                .map(|o| o.at)
        })
    };
    let mut out = Vec::new();
    let item = |what, done| Owed {
        incident: incident_index,
        deadline: evaluation.deadline,
        what,
        done,
    };
    if let Some(to) = &breach.notify {
        out.push(item(
            OwedKind::Notification(to.clone()),
            done(breach.notified_by.as_ref().map(|e| e.value)),
        ));
    }
    if breach.poam {
        out.push(item(
            OwedKind::Poam,
            done(breach.poam_opened_by.as_ref().map(|e| e.value)),
        ));
    }
    if breach.declare {
        out.push(item(
            OwedKind::Declaration,
            done(ruleset.event_id("declared")),
        ));
    }
    out
}

impl Audit {
    /// The id of the incident at a position of [`Audit::incidents`] (the
    /// positions that evaluations, owed items and findings carry).
    pub fn incident_id(&self, index: usize) -> &str {
        self.incidents
            .get(index)
            .map_or("?", |i| i.incident.id.as_str())
    }

    /// The part of the audit that belongs to a fiscal quarter: deadlines due
    /// in it, deadlines due earlier that are still overdue at its end (an
    /// open item does not leave the report because its quarter ended),
    /// incidents with an event in it, exceptions in force during it.
    pub fn select_quarter(&self, quarter: FiscalQuarter, tz: chrono_tz::Tz) -> Audit {
        let in_quarter = |date: NaiveDate| quarter.contains(date);
        let local = |t: &DateTime<FixedOffset>| t.with_timezone(&tz).date_naive();
        let incident_in = |view: &IncidentView| {
            view.incident
                .events
                .iter()
                .any(|o| in_quarter(local(&o.at)))
        };
        let evaluations: Vec<(usize, Evaluation)> = self
            .evaluations
            .iter()
            .filter(|(i, e)| match (&e.due, &e.start) {
                (Some(due), _) => {
                    in_quarter(due.date_naive())
                        || (e.status == Status::Overdue && due.date_naive() < quarter.first_day())
                }
                (None, Some(start)) => in_quarter(local(&start.at)),
                (None, None) => self.incidents.get(*i).is_some_and(incident_in),
            })
            .cloned()
            .collect();
        let keep_owed = |o: &Owed| {
            evaluations
                .iter()
                .any(|(i, e)| *i == o.incident && e.deadline == o.deadline)
        };
        let mut selected = self.clone();
        selected.owed = self.owed.iter().filter(|o| keep_owed(o)).cloned().collect();
        selected.quality = self
            .quality
            .iter()
            .filter(|(i, _)| self.incidents.get(*i).is_some_and(incident_in))
            .cloned()
            .collect();
        selected.exceptions = self
            .exceptions
            .iter()
            .filter(|x| x.in_force_during(quarter))
            .cloned()
            .collect();
        selected.poams = self
            .poams
            .iter()
            .filter(|p| {
                p.detected.is_none_or(|d| d <= quarter.last_day())
                    && p.completed.is_none_or(|c| c >= quarter.first_day())
            })
            .cloned()
            .collect();
        selected.evaluations = evaluations;
        selected
    }

    /// Whether any finding has this status.
    pub fn has(&self, status: Status) -> bool {
        self.evaluations.iter().any(|(_, e)| e.status == status)
    }
}
