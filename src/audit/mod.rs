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
    /// Every deadline of every incident (incident position, evaluation),
    /// in incident order, as are [`Self::owed`] and [`Self::quality`]:
    /// [`Self::evaluations_of`] and its siblings find an incident's items
    /// by that order.
    pub evaluations: Vec<(usize, Evaluation)>,
    /// What missed deadlines make owed, in incident order.
    pub owed: Vec<Owed>,
    /// Data-quality findings (incident position, text), in incident order.
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

    /// The evaluations of the incident at position `incident`.
    pub fn evaluations_of(&self, incident: usize) -> &[(usize, Evaluation)] {
        incident_run(&self.evaluations, incident, |(i, _)| *i)
    }

    /// What the missed deadlines of the incident at position `incident`
    /// make owed.
    pub fn owed_of(&self, incident: usize) -> &[Owed] {
        incident_run(&self.owed, incident, |o| o.incident)
    }

    /// The data-quality findings of the incident at position `incident`.
    pub fn quality_of(&self, incident: usize) -> &[(usize, String)] {
        incident_run(&self.quality, incident, |(i, _)| *i)
    }

    /// The part of the audit that belongs to a fiscal quarter: deadlines due
    /// in it, deadlines due earlier that are still overdue at its end (an
    /// open item does not leave the report because its quarter ended),
    /// incidents with an event in it, exceptions in force during it.
    pub fn select_quarter(self, quarter: FiscalQuarter, tz: chrono_tz::Tz) -> Audit {
        let in_quarter = |date: NaiveDate| quarter.contains(date);
        let local = |t: &DateTime<FixedOffset>| t.with_timezone(&tz).date_naive();
        let incident_in = |index: usize| {
            self.incidents.get(index).is_some_and(|view| {
                view.incident
                    .events
                    .iter()
                    .any(|o| in_quarter(local(&o.at)))
            })
        };
        let evaluations: Vec<(usize, Evaluation)> = self
            .evaluations
            .into_iter()
            .filter(|(i, e)| match (&e.due, &e.start) {
                (Some(due), _) => {
                    in_quarter(due.date_naive())
                        || (e.status == Status::Overdue && due.date_naive() < quarter.first_day())
                }
                (None, Some(start)) => in_quarter(local(&start.at)),
                (None, None) => incident_in(*i),
            })
            .collect();
        let owed = self
            .owed
            .into_iter()
            .filter(|o| {
                incident_run(&evaluations, o.incident, |(i, _)| *i)
                    .iter()
                    .any(|(_, e)| e.deadline == o.deadline)
            })
            .collect();
        let quality = self
            .quality
            .into_iter()
            .filter(|(i, _)| incident_in(*i))
            .collect();
        let exceptions = self
            .exceptions
            .into_iter()
            .filter(|x| x.in_force_during(quarter))
            .collect();
        let poams = self
            .poams
            .into_iter()
            .filter(|p| {
                p.detected.is_none_or(|d| d <= quarter.last_day())
                    && p.completed.is_none_or(|c| c >= quarter.first_day())
            })
            .collect();
        Audit {
            evaluations,
            owed,
            quality,
            exceptions,
            poams,
            ..self
        }
    }

    /// Whether any finding has this status.
    pub fn has(&self, status: Status) -> bool {
        self.evaluations.iter().any(|(_, e)| e.status == status)
    }
}

/// The items of `items` about the incident at position `incident`, by
/// binary search: `items` is in incident order (`of` gives an item's
/// incident), since an audit adds each incident's items together and in
/// input order, and selecting a quarter keeps that order. A search over
/// every item per incident made reports on tens of thousands of incidents
/// take minutes.
fn incident_run<T>(items: &[T], incident: usize, of: impl Fn(&T) -> usize) -> &[T] {
    let start = items.partition_point(|t| of(t) < incident);
    let end = items.partition_point(|t| of(t) <= incident);
    items.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::FiscalQuarter;

    #[test]
    fn an_incidents_run_is_found_wherever_it_lies() {
        let items = [(0, 'a'), (0, 'b'), (2, 'c'), (5, 'd'), (5, 'e'), (5, 'f')];
        let run = |incident| -> String {
            incident_run(&items, incident, |(i, _)| *i)
                .iter()
                .map(|(_, c)| *c)
                .collect()
        };
        assert_eq!(run(0), "ab");
        assert_eq!(run(1), "");
        assert_eq!(run(2), "c");
        assert_eq!(run(3), "");
        assert_eq!(run(5), "def");
        assert_eq!(run(6), "");
        assert!(incident_run(&[] as &[(usize, char)], 0, |(i, _)| *i).is_empty());
    }

    /// Each incident's items, found by search, are those a scan of every
    /// item finds: for a whole audit of the fixture history and for a
    /// quarter of it.
    /// Whether `found` are the very items `scanned` (not equal copies).
    fn same<T>(found: &[T], scanned: &[&T]) -> bool {
        found.len() == scanned.len() && found.iter().zip(scanned).all(|(f, s)| std::ptr::eq(f, *s))
    }

    #[test]
    fn each_incidents_items_are_those_a_full_scan_finds() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let ruleset = crate::ruleset::load(&repo.join("rules/usda")).expect("usda");
        let mut reader = HistoryReader::new(&ruleset);
        for name in ["usda-history.csv", "data-quality.csv", "open-incident.csv"] {
            reader
                .read(&repo.join("fixtures/audit").join(name))
                .expect("the fixture reads");
        }
        let as_of = DateTime::parse_from_rfc3339("2026-12-31T23:59:59-05:00")
            .expect("a time")
            .with_timezone(&Utc);
        let audit = Auditor::new(&ruleset, None).audit(reader.finish(), &[], as_of);
        let quarter: FiscalQuarter = "FY2027Q1".parse().expect("a quarter");
        let selected = audit
            .clone()
            .select_quarter(quarter, ruleset.meta.timezone.value);
        for audit in [&audit, &selected] {
            assert!(!audit.owed.is_empty() && !audit.quality.is_empty());
            for incident in 0..=audit.incidents.len() {
                let evaluations: Vec<_> = audit
                    .evaluations
                    .iter()
                    .filter(|(i, _)| *i == incident)
                    .collect();
                let owed: Vec<_> = audit
                    .owed
                    .iter()
                    .filter(|o| o.incident == incident)
                    .collect();
                let quality: Vec<_> = audit
                    .quality
                    .iter()
                    .filter(|(i, _)| *i == incident)
                    .collect();
                assert!(same(audit.evaluations_of(incident), &evaluations));
                assert!(same(audit.owed_of(incident), &owed));
                assert!(same(audit.quality_of(incident), &quality));
            }
        }
    }
}
