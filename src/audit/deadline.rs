//! Evaluating one deadline against one incident's timeline.
//!
//! The clock starts at the first of the deadline's `from` events present (in
//! the order the rule lists them) and stops at the earliest `to` event at or
//! after the start (an event that "counts as" a `to` event, such as a
//! cancellation counting as a closure, stops it too). Events after the audit
//! time are not seen. The result is one of five statuses:
//!
//! - `met`: the stop came at or before the due time (with its margin);
//! - `breached`: it came after (with how late), or the incident closed after
//!   the due time without it;
//! - `overdue`: no stop yet and the due time has passed as of the audit;
//! - `pending`: no stop yet and the due time is still ahead;
//! - `not-applicable`: the rule's `applies` condition does not hold, the
//!   clock never started, or the incident closed before the due time
//!   without needing the stop.

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::history::{Incident, Occurrence};
use crate::calendar::Calendar;
use crate::record::Record;
use crate::ruleset::Ruleset;
use crate::ruleset::model::{Deadline, DurationUnit, EventId};

/// The outcome of a deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Done in time.
    Met,
    /// Done late, or never done before the incident closed.
    Breached,
    /// Not done, and the due time has passed.
    Overdue,
    /// Not done, and still due.
    Pending,
    /// The deadline does not apply.
    NotApplicable,
}

impl Status {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Breached => "breached",
            Status::Overdue => "overdue",
            Status::Pending => "pending",
            Status::NotApplicable => "not-applicable",
        }
    }
}

/// An event of the timeline that started or stopped a deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The event.
    pub event: EventId,
    /// When.
    pub at: DateTime<FixedOffset>,
}

/// One deadline evaluated for one incident (and one unit, for per-unit
/// deadlines).
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The deadline, by position in the ruleset.
    pub deadline: usize,
    /// The unit (or other scope) for a per-unit deadline.
    pub scope: Option<String>,
    /// The outcome.
    pub status: Status,
    /// What started the clock.
    pub start: Option<Mark>,
    /// When it was due.
    pub due: Option<DateTime<Tz>>,
    /// What stopped it.
    pub end: Option<Mark>,
    /// Time to spare (positive) or lateness (negative): due minus the stop,
    /// or due minus the audit time while still open.
    pub margin: Option<TimeDelta>,
    /// For working-day deadlines that are late: working days late.
    pub working_days_late: Option<i64>,
    /// Why, in words.
    pub note: String,
}

/// What the engine needs to know about the incident besides its timeline.
pub struct Context<'a> {
    /// The ruleset.
    pub ruleset: &'a Ruleset,
    /// Its calendar.
    pub calendar: &'a Calendar,
    /// The incident's attributes, level and agency included.
    pub attributes: &'a Record,
    /// The audit time.
    pub as_of: DateTime<Utc>,
}

impl Context<'_> {
    fn satisfies(&self, occurrence: &Occurrence, target: EventId) -> bool {
        occurrence.event == target
            || self
                .ruleset
                .event(occurrence.event)
                .counts_as
                .as_ref()
                .is_some_and(|c| c.value == target)
    }

    /// Whether an occurrence belongs to a scope: incident-wide events belong
    /// to every unit; unit events only to their own.
    fn in_scope(&self, occurrence: &Occurrence, scope: Option<&str>) -> bool {
        let scoped = self.ruleset.event(occurrence.event).per.is_some();
        !scoped || scope.is_none() || occurrence.scope.as_deref() == scope
    }
}

/// Evaluates `deadline` (the `index`-th of the ruleset) for `incident`,
/// once per unit for a per-unit deadline. The units are all those named by
/// the incident's events with the same `per` attribute, not only by the
/// deadline's own events, so a unit named only as affected owes every step.
/// Events out of order are reported through `quality`.
pub fn evaluate(
    cx: &Context<'_>,
    index: usize,
    incident: &Incident,
    quality: &mut Vec<String>,
) -> Vec<Evaluation> {
    let deadline = &cx.ruleset.deadline(index);
    let seen: Vec<&Occurrence> = incident
        .events
        .iter()
        .filter(|o| o.at.with_timezone(&Utc) <= cx.as_of)
        .collect();
    let not_applicable = |scope: Option<String>, note: String| Evaluation {
        deadline: index,
        scope,
        status: Status::NotApplicable,
        start: None,
        due: None,
        end: None,
        margin: None,
        working_days_late: None,
        note,
    };
    if let Some(applies) = &deadline.applies {
        if !applies.matches(cx.attributes) {
            return vec![not_applicable(
                None,
                "its `applies` condition does not hold for this incident".to_owned(),
            )];
        }
    }
    let scopes: Vec<Option<String>> = match &deadline.per {
        None => vec![None],
        Some(per) => {
            let mut values: Vec<String> = seen
                .iter()
                .filter(|o| {
                    cx.ruleset
                        .event(o.event)
                        .per
                        .as_ref()
                        .is_some_and(|p| p.value == per.value)
                })
                .filter_map(|o| o.scope.clone())
                .collect();
            values.sort();
            values.dedup();
            if values.is_empty() {
                return vec![not_applicable(
                    None,
                    format!("no event names a {}", per.value),
                )];
            }
            values.into_iter().map(Some).collect()
        }
    };
    scopes
        .into_iter()
        .map(|scope| {
            evaluate_scope(cx, index, deadline, &seen, scope, quality)
                .unwrap_or_else(|(scope, note)| not_applicable(scope, note))
        })
        .collect()
}

type NotApplicable = (Option<String>, String);

fn evaluate_scope(
    cx: &Context<'_>,
    index: usize,
    deadline: &Deadline,
    seen: &[&Occurrence],
    scope: Option<String>,
    quality: &mut Vec<String>,
) -> Result<Evaluation, NotApplicable> {
    let ruleset = cx.ruleset;
    let name = |e: EventId| ruleset.event(e).id.value.as_str();
    let in_scope: Vec<&Occurrence> = seen
        .iter()
        .copied()
        .filter(|o| cx.in_scope(o, scope.as_deref()))
        .collect();
    let start = deadline.from.iter().find_map(|from| {
        in_scope
            .iter()
            .find(|o| cx.satisfies(o, from.value))
            .map(|o| Mark {
                event: o.event,
                at: o.at,
            })
    });
    let Some(start) = start else {
        let wanted = deadline
            .from
            .iter()
            .map(|e| format!("`{}`", name(e.value)))
            .collect::<Vec<_>>()
            .join(" or ");
        return Err((scope, format!("the clock never started: no {wanted} event")));
    };
    let due = cx
        .calendar
        .add(start.at.with_timezone(&Utc), deadline.within.value)
        .map_err(|e| (scope.clone(), format!("no due time: {e}")))?
        .due;
    let stops: Vec<&&Occurrence> = in_scope
        .iter()
        .filter(|o| deadline.to.iter().any(|t| cx.satisfies(o, t.value)))
        .collect();
    for early in stops.iter().filter(|o| o.at < start.at) {
        quality.push(format!(
            "{}: `{}` at {} comes before `{}` at {}, which starts deadline `{}`{}; it is not counted as meeting it",
            early.origin,
            name(early.event),
            early.at.to_rfc3339(),
            name(start.event),
            start.at.to_rfc3339(),
            deadline.id.value,
            scope.as_deref().map(|s| format!(" for {s}")).unwrap_or_default(),
        ));
    }
    let end = stops.iter().find(|o| o.at >= start.at).map(|o| Mark {
        event: o.event,
        at: o.at,
    });
    let closed = in_scope
        .iter()
        .find(|o| o.at >= start.at && ruleset.event(o.event).closes)
        .map(|o| Mark {
            event: o.event,
            at: o.at,
        });
    let due_utc = due.with_timezone(&Utc);
    let late_days = |until: DateTime<Utc>| match deadline.within.value.unit {
        DurationUnit::WorkingDays => cx.calendar.working_days_between(due_utc, until).ok(),
        _ => None,
    };
    let mut evaluation = Evaluation {
        deadline: index,
        scope: scope.clone(),
        status: Status::Pending,
        start: Some(start),
        due: Some(due),
        end: None,
        margin: None,
        working_days_late: None,
        note: String::new(),
    };
    match (end, closed) {
        (Some(end), _) => {
            let end_utc = end.at.with_timezone(&Utc);
            let margin = due_utc - end_utc;
            evaluation.status = if margin >= TimeDelta::zero() {
                Status::Met
            } else {
                Status::Breached
            };
            evaluation.note = if margin >= TimeDelta::zero() {
                format!("met with {} to spare", human(margin))
            } else {
                format!("{} late", lateness(margin))
            };
            if margin < TimeDelta::zero() {
                evaluation.working_days_late = late_days(end_utc);
            }
            evaluation.margin = Some(margin);
            evaluation.end = Some(end);
        }
        (None, Some(closed)) if closed.at.with_timezone(&Utc) <= due_utc => {
            return Err((
                scope,
                format!(
                    "the incident closed (`{}` at {}) before it was due",
                    name(closed.event),
                    closed.at.to_rfc3339()
                ),
            ));
        }
        (None, Some(closed)) => {
            let closed_utc = closed.at.with_timezone(&Utc);
            evaluation.status = Status::Breached;
            evaluation.margin = Some(due_utc - closed_utc);
            evaluation.working_days_late = late_days(closed_utc);
            evaluation.note = format!(
                "never done: the incident closed (`{}` at {}) {} after it was due",
                name(closed.event),
                closed.at.to_rfc3339(),
                lateness(due_utc - closed_utc)
            );
        }
        (None, None) => {
            let margin = due_utc - cx.as_of;
            evaluation.margin = Some(margin);
            if margin >= TimeDelta::zero() {
                evaluation.status = Status::Pending;
                evaluation.note = format!("due in {}", human(margin));
            } else {
                evaluation.status = Status::Overdue;
                evaluation.working_days_late = late_days(cx.as_of);
                evaluation.note = format!("{} past due and still open", lateness(margin));
            }
        }
    }
    Ok(evaluation)
}

/// A margin in whole minutes, as reported: time to spare is rounded down
/// (a deadline met to the second has 0 to spare), and so is lateness, but
/// anything late is at least one minute late, so a breach or an overdue
/// deadline never shows a margin of 0.
pub fn margin_minutes(margin: TimeDelta) -> i64 {
    let minutes = margin.num_minutes();
    if margin < TimeDelta::zero() {
        minutes.min(-1)
    } else {
        minutes
    }
}

/// How late a negative margin is, in words (see [`margin_minutes`]).
fn lateness(margin: TimeDelta) -> String {
    human(TimeDelta::minutes(-margin_minutes(margin)))
}

/// A duration as people say it: `2d 3h 15m`, `59m`, `0m` (seconds are
/// rounded down; a deadline met to the second has `0m` to spare).
pub fn human(delta: TimeDelta) -> String {
    let minutes = delta.num_minutes();
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins}m"),
        (0, _) => format!("{hours}h {mins}m"),
        _ => format!("{days}d {hours}h {mins}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words() {
        assert_eq!(human(TimeDelta::minutes(1)), "1m");
        assert_eq!(human(TimeDelta::minutes(61)), "1h 1m");
        assert_eq!(human(TimeDelta::minutes(3 * 1440 + 125)), "3d 2h 5m");
        assert_eq!(human(TimeDelta::seconds(59)), "0m");
    }

    #[test]
    fn anything_late_is_at_least_a_minute_late() {
        assert_eq!(margin_minutes(TimeDelta::seconds(59)), 0);
        assert_eq!(margin_minutes(TimeDelta::zero()), 0);
        assert_eq!(margin_minutes(TimeDelta::nanoseconds(-1)), -1);
        assert_eq!(margin_minutes(TimeDelta::seconds(-30)), -1);
        assert_eq!(margin_minutes(TimeDelta::seconds(-(9 * 3600) - 1)), -540);
        assert_eq!(lateness(TimeDelta::seconds(-30)), "1m");
    }
}
