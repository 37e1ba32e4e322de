//! Notification and action plans for a significant event.
//!
//! [`build`] turns the ruleset's timeline into steps: every deadline that
//! runs from the start event (the data call E, or a declaration) becomes a
//! step due at E plus its window, once per operating unit with exposed
//! systems when the deadline is per unit. A USDA plan concerns one agency
//! and may know other clocks (the discovery, the notification): a deadline
//! runs from the first of its `from` events with a time. A deadline whose
//! `applies` condition the given incident attributes decide is planned or
//! left out; one they do not decide is planned as conditional. Each step names, from the call
//! roster, who carries it out (the event's `by` role) and whom it notifies
//! (its `notifies` roles), with their contact methods and coverage, and
//! cites the policy. Nothing is hard-coded: change a window or a role in
//! the ruleset and the plan follows. A role nobody on the roster holds is a
//! gap shown in the plan, never a silent omission.

mod breach;
mod build;
pub mod compare;
pub mod conditions;
pub mod read;

pub mod render;

pub use build::{PlanRequest, PlanScope, build};

use chrono::{DateTime, FixedOffset};

/// A plan.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The ruleset's id and version.
    pub ruleset: String,
    /// The event that starts the plan, E (`data_call`, `declared`).
    pub start_event: String,
    /// When it happened.
    pub start_at: DateTime<FixedOffset>,
    /// Other events with a known time (`detected`), and when.
    pub clocks: Vec<(String, DateTime<FixedOffset>)>,
    /// The advisory's id and title, or the agency's name.
    pub title: String,
    /// The agency the plan concerns (USDA).
    pub agency: Option<String>,
    /// The incident attributes given, as `level = high`.
    pub attributes: Vec<String>,
    /// The units to act, in name order.
    pub units: Vec<PlanUnit>,
    /// The steps, by due time, then ruleset order, then unit.
    pub steps: Vec<Step>,
    /// What the plan cannot cover (systems with no unit, and the like).
    pub gaps: Vec<String>,
    /// Deadlines left out: not applicable to the incident as given, or
    /// running from an event this plan has no time for.
    pub not_planned: Vec<String>,
}

/// A unit the plan covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanUnit {
    /// Its name.
    pub name: String,
    /// Its affected (unpatched) systems.
    pub affected: Vec<String>,
    /// Its systems whose profile leaves the question open.
    pub unknown: Vec<String>,
}

/// One step: a deadline, for one unit or for the whole event.
#[derive(Clone, Debug)]
pub struct Step {
    /// The deadline's id.
    pub deadline: String,
    /// The event that completes it.
    pub event: String,
    /// The policy section.
    pub citation: String,
    /// `E+2h`, or `detected+12h` for a clock other than E.
    pub offset: String,
    /// When it is due.
    pub due_at: DateTime<FixedOffset>,
    /// The unit, for per-unit steps.
    pub unit: Option<String>,
    /// What is done, in the ruleset's words.
    pub action: String,
    /// The role that carries it out, when the ruleset names one.
    pub by_role: Option<String>,
    /// Who holds that role.
    pub by: Vec<Contact>,
    /// Whom the step notifies.
    pub notifications: Vec<Notification>,
    /// Remarks (a role nobody holds, a condition on the deadline).
    pub notes: Vec<String>,
    /// What follows if the step is not done in time, in the ruleset's
    /// words and with the people who would act.
    pub if_late: Vec<String>,
}

/// One notification of a step.
#[derive(Clone, Debug)]
pub struct Notification {
    /// The role notified.
    pub role: String,
    /// The person; `None` when nobody on the roster holds the role (a gap,
    /// explained in the step's notes).
    pub to: Option<Contact>,
    /// For owners and administrators: their systems concerned.
    pub systems: Vec<String>,
}

/// A person as the plan shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    /// Roster id.
    pub id: String,
    /// `Name (id)`.
    pub label: String,
    /// `pager 555-0100; email a@b`.
    pub methods: String,
    /// When they can be reached, as the roster says.
    pub coverage: String,
}
