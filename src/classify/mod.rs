//! Classification: level, declaration, agency and due time of one record.
//!
//! The steps follow the policy's own order. The agency comes first (from
//! the allocation table), since criteria and triggers may test it. Then
//! every criterion is evaluated: the most severe level among the matches
//! wins, and the first matching criterion of that level is the deciding
//! rule. Then the triggers, which may test the level: a record is declared
//! when a `declare` trigger fires, not when only a `withhold` one does, and
//! it is marked for review when both fire and neither overrides the other.
//! Last, the response window of the level gives the due time.

mod agency;
pub mod batch;
mod declare;
mod due;
mod incident;
pub mod index;
mod requirement;
mod split;

use std::sync::Arc;

use chrono::DateTime;
use chrono_tz::Tz;

pub use agency::{Agencies, AgencyMatch};
pub use due::Due;
pub use incident::IncidentNumber;

use crate::allocation::AllocationTable;
use crate::calendar::Calendar;
use crate::check::{Gap, NormalForms, gaps, splits};
use crate::condition::compiled::Program;
use crate::record::{Record, Value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, LevelId, TriggerId};

/// Whether a record must be declared an incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Declared {
    /// A declaration trigger fired.
    Yes,
    /// None did (or only a withholding one).
    No,
    /// Declaring and withholding triggers both fired: the policy contradicts
    /// itself here and a person must decide.
    Review,
}

impl Declared {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Declared::Yes => "yes",
            Declared::No => "no",
            Declared::Review => "review",
        }
    }
}

/// Something about a record that a person should look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flag {
    /// The record's value falls in a policy gap between two criteria.
    Gap(usize),
    /// Declaring and withholding triggers both fired.
    Conflict {
        /// The declaring triggers.
        declare: Vec<TriggerId>,
        /// The withholding triggers.
        withhold: Vec<TriggerId>,
    },
    /// The record lacks the value of a numeric field that decides between
    /// criteria of different levels, one of them more severe than the level
    /// it got (`loss_usd` of a property destruction).
    Missing {
        /// The field.
        field: FieldId,
        /// The criteria the value would decide between, in ruleset order.
        criteria: Vec<usize>,
    },
    /// The level has a response window but the record lacks its start time.
    NoStartTime(FieldId),
    /// The record has addresses but none is in the allocation table.
    Unallocated,
}

/// The outcome for one record.
#[derive(Clone, Debug)]
pub struct Classification {
    /// The level; `None` is `unclassified`.
    pub level: Option<LevelId>,
    /// The deciding criterion (index into the ruleset's criteria).
    pub rule: Option<usize>,
    /// Every matching criterion, in ruleset order.
    pub matched: Vec<usize>,
    /// The declaration outcome.
    pub declared: Declared,
    /// The deciding trigger.
    pub trigger: Option<TriggerId>,
    /// Every trigger that fired, in ruleset order.
    pub fired: Vec<TriggerId>,
    /// The owning agency.
    pub agency: Option<AgencyMatch>,
    /// When the response is due.
    pub due: Option<Due>,
    /// What needs a person's attention.
    pub flags: Vec<Flag>,
    /// The incident number of a declared record.
    pub incident_number: Option<IncidentNumber>,
}

impl Default for Classification {
    fn default() -> Self {
        Classification {
            level: None,
            rule: None,
            matched: Vec::new(),
            declared: Declared::No,
            trigger: None,
            fired: Vec::new(),
            agency: None,
            due: None,
            flags: Vec::new(),
            incident_number: None,
        }
    }
}

/// A ruleset ready to classify records, with its allocation table and
/// calendar. Cheap to share between threads.
pub struct Classifier<'r> {
    ruleset: &'r Ruleset,
    allocations: Option<Arc<AllocationTable>>,
    calendar: Calendar,
    gaps: Vec<Gap>,
    splits: split::Splits,
    ip_fields: Vec<FieldId>,
    /// The allocation table, flattened for lookup.
    agencies: Option<agency::Agencies>,
    /// The criteria's conditions, compiled and indexed.
    criteria: index::ConditionIndex,
    /// The triggers' conditions, compiled and indexed.
    triggers: index::ConditionIndex,
    /// The triggers' effects and overrides.
    declaration: declare::Declaration,
    agency_field: Option<FieldId>,
    level_field: Option<FieldId>,
    id_field: Option<FieldId>,
    /// Names this classifier's calendar in the cache of due times.
    due_cache: due::CacheKey,
}

impl<'r> Classifier<'r> {
    /// Prepares `ruleset` for classification.
    pub fn new(ruleset: &'r Ruleset, allocations: Option<Arc<AllocationTable>>) -> Self {
        let forms = NormalForms::of(ruleset);
        let ip_fields = ruleset
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.ty == crate::ruleset::model::FieldType::Ip)
            .map(|(i, _)| FieldId::from_index(i))
            .collect();
        let criteria: Vec<Program> = ruleset
            .criteria
            .iter()
            .map(|c| Program::new(&c.when))
            .collect();
        let triggers: Vec<Program> = ruleset
            .triggers
            .iter()
            .map(|t| Program::new(&t.when))
            .collect();
        Classifier {
            ruleset,
            agencies: allocations.clone().map(agency::Agencies::new),
            allocations,
            calendar: calendar_of(ruleset),
            gaps: gaps(ruleset, &forms),
            splits: split::Splits::new(ruleset, splits(ruleset, &forms)),
            ip_fields,
            criteria: index::ConditionIndex::new(criteria, ruleset),
            triggers: index::ConditionIndex::new(triggers, ruleset),
            declaration: declare::Declaration::new(ruleset),
            agency_field: ruleset.field_id("agency"),
            level_field: ruleset.field_id("level"),
            id_field: ruleset.field_id("id"),
            due_cache: due::CacheKey::new(),
        }
    }

    /// The ruleset.
    pub fn ruleset(&self) -> &'r Ruleset {
        self.ruleset
    }

    /// The calendar of working days.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The policy gaps classification flags.
    pub fn gaps(&self) -> &[Gap] {
        &self.gaps
    }

    /// The record's id field, if it has one.
    pub fn record_id(&self, record: &Record) -> Option<String> {
        match self.id_field.and_then(|f| record.get(f)) {
            Some(Value::Str(s)) => Some(s.to_string()),
            Some(other) => Some(other.to_string()),
            None => None,
        }
    }

    /// Classifies `record`, filling in its derived fields (`agency`,
    /// `level`). `fallback_id` names the record when it has no `id`
    /// (its `FILE:LINE`), for per-record incident numbers.
    pub fn classify<D: std::fmt::Display + ?Sized>(
        &self,
        record: &mut Record,
        fallback_id: &D,
    ) -> Classification {
        let mut out = Classification::default();
        self.classify_into(record, fallback_id, &mut out);
        out
    }

    /// [`classify`](Self::classify) into `out`, reusing its buffers: for
    /// classifying many records one after another.
    pub fn classify_into<D: std::fmt::Display + ?Sized>(
        &self,
        record: &mut Record,
        fallback_id: &D,
        out: &mut Classification,
    ) {
        out.matched.clear();
        out.fired.clear();
        out.flags.clear();
        let flags = &mut out.flags;
        // Input never carries `agency` (it is derived), but a rule test or an
        // incident's attributes may state it; a stated agency stands.
        let stated = self.agency_field.is_some_and(|f| record.get(f).is_some());
        let agency = if stated {
            None
        } else {
            self.agencies
                .as_ref()
                .and_then(|agencies| agencies.lookup(&self.ip_fields, record))
        };
        if let (Some(field), false) = (self.agency_field, stated) {
            record.set(
                field,
                agency
                    .as_ref()
                    .map(|a| Value::Str(Arc::clone(&a.agency).into())),
            );
        }
        if agency.is_none()
            && !stated
            && self.allocations.is_some()
            && self.ip_fields.iter().any(|f| record.get(*f).is_some())
        {
            flags.push(Flag::Unallocated);
        }

        out.matched.extend(self.criteria.matching(record));
        let rule = out
            .matched
            .iter()
            .copied()
            .min_by_key(|i| (self.ruleset.criterion(*i).level.value, *i));
        let level = rule.map(|i| self.ruleset.criterion(i).level.value);
        if let Some(field) = self.level_field {
            record.set(field, level.map(|l| Value::Enum(l.0)));
        }
        for (i, gap) in self.gaps.iter().enumerate() {
            if gap_contains(self.ruleset, gap, record) {
                flags.push(Flag::Gap(i));
            }
        }
        self.splits.flag_missing(self.ruleset, level, record, flags);

        let (declared, trigger) = self.declare(record, &mut out.fired, flags);
        let incident_number = match (declared, trigger) {
            (Declared::Yes, Some(t)) => {
                let id: &dyn std::fmt::Display = match self.id_field.and_then(|f| record.get(f)) {
                    Some(value) => value,
                    None => &fallback_id,
                };
                Some(incident::number(self.ruleset, t, record, id))
            }
            _ => None,
        };
        let due = level.and_then(|l| {
            match due::compute(self.ruleset, &self.calendar, self.due_cache, l, record) {
                Ok(due) => due,
                Err(field) => {
                    flags.push(Flag::NoStartTime(field));
                    None
                }
            }
        });
        out.level = level;
        out.rule = rule;
        out.declared = declared;
        out.trigger = trigger;
        out.agency = agency;
        out.due = due;
        out.incident_number = incident_number;
    }

    fn declare(
        &self,
        record: &Record,
        fired: &mut Vec<TriggerId>,
        flags: &mut Vec<Flag>,
    ) -> (Declared, Option<TriggerId>) {
        fired.extend(self.triggers.matching(record).map(TriggerId::from_index));
        self.declaration.decide(fired, flags)
    }
}

/// Whether a record's value lies in a gap whose neighbouring criteria would
/// otherwise apply to it.
fn gap_contains(ruleset: &Ruleset, gap: &Gap, record: &Record) -> bool {
    let Some(Value::Number(n)) = record.get(gap.field) else {
        return false;
    };
    let units = crate::check::to_units(*n, &ruleset.field(gap.field).ty);
    gap.interval.contains(units)
        && ruleset
            .criterion(gap.below)
            .when
            .matches_ignoring(gap.field, record)
}

/// The calendar a ruleset describes.
pub fn calendar_of(ruleset: &Ruleset) -> Calendar {
    let closures = ruleset
        .calendar
        .closures
        .iter()
        .map(|c| (c.date.value, c.reason.clone()));
    Calendar::new(ruleset.meta.timezone.value, closures)
        .with_federal_holidays(ruleset.calendar.us_federal_holidays)
}

/// Formats an instant in the ruleset's zone to the second, as output shows
/// due times (`2026-12-01T23:59:59-05:00`).
pub fn format_time(at: &DateTime<Tz>) -> String {
    let mut out = String::with_capacity(25);
    crate::record::timestamp::write_local(&mut out, at.to_utc(), at.timezone());
    out
}
