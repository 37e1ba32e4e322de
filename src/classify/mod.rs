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
mod decision_key;
mod declare;
mod due;
mod gap;
mod incident;
pub mod index;
mod memo;
mod requirement;
mod scratch;
mod slots;
mod split;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, TryLockError};

use chrono::DateTime;
use chrono_tz::Tz;

pub use agency::{Agencies, AgencyMatch};
pub use due::Due;
pub use incident::IncidentNumber;
pub use scratch::Scratch;

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
    /// Declaring and withholding triggers both fired. (The lists are
    /// shared, so that a remembered decision's flag is copied without
    /// allocating.)
    Conflict {
        /// The declaring triggers.
        declare: Arc<[TriggerId]>,
        /// The withholding triggers.
        withhold: Arc<[TriggerId]>,
    },
    /// The record lacks the value of a numeric field that decides between
    /// criteria of different levels, one of them more severe than the level
    /// it got (`loss_usd` of a property destruction).
    Missing {
        /// The field.
        field: FieldId,
        /// The criteria the value would decide between, in ruleset order.
        criteria: Arc<[usize]>,
    },
    /// The level has a response window but the record lacks its start time.
    NoStartTime(FieldId),
    /// The record has addresses but none is in the allocation table.
    Unallocated,
}

/// The outcome for one record, borrowing from the classifier that made it
/// (its agency is the allocation table's).
#[derive(Clone, Debug)]
pub struct Classification<'c> {
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
    pub agency: Option<AgencyMatch<'c>>,
    /// When the response is due.
    pub due: Option<Due>,
    /// What needs a person's attention.
    pub flags: Vec<Flag>,
    /// The incident number of a declared record.
    pub incident_number: Option<IncidentNumber>,
}

impl Default for Classification<'_> {
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

/// What the criteria and triggers decide about a record: the part of a
/// [`Classification`] that depends only on the outcomes of the ruleset's
/// tests, which is why it can be remembered (see `decision_key`).
#[derive(Clone, Copy, Debug)]
struct Decision {
    level: Option<LevelId>,
    rule: Option<usize>,
    declared: Declared,
    trigger: Option<TriggerId>,
}

/// Whether a classification gets its lists of matching criteria and fired
/// triggers (see [`Classifier::classify_unlisted`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lists {
    /// Every matching criterion and fired trigger, in ruleset order.
    Kept,
    /// None: the caller reads only the deciding ones.
    Skipped,
}

impl Lists {
    /// Empties the lists of `out` if the caller does not read them (they
    /// were needed to decide).
    #[inline(always)]
    fn drop_unread(self, out: &mut Classification<'_>) {
        if self == Lists::Skipped {
            out.matched.clear();
            out.fired.clear();
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
    /// The gaps, compiled for asking records.
    gap_tests: Vec<gap::GapTest>,
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
    /// Tells this classifier's entries in a [`Scratch`] from another's.
    id: scratch::ClassifierId,
    /// The caches of [`classify`](Self::classify) and
    /// [`classify_into`](Self::classify_into), for callers that classify
    /// records one at a time without keeping a [`Scratch`].
    scratch: Mutex<Scratch>,
    /// Numbers declared incidents.
    numbering: incident::Numbering,
    /// Decisions remembered by the values they depend on; `None` when the
    /// ruleset tests more than a key can hold, or when asked not to.
    memo: Option<memo::Memo>,
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
        let gaps = gaps(ruleset, &forms);
        let gap_tests = gaps
            .iter()
            .enumerate()
            .filter_map(|(i, g)| gap::GapTest::new(ruleset, i, g))
            .collect();
        let mut classifier = Classifier {
            ruleset,
            agencies: allocations.clone().map(agency::Agencies::new),
            allocations,
            calendar: calendar_of(ruleset),
            gaps,
            gap_tests,
            splits: split::Splits::new(ruleset, splits(ruleset, &forms)),
            ip_fields,
            criteria: index::ConditionIndex::new(criteria, ruleset),
            triggers: index::ConditionIndex::new(triggers, ruleset),
            declaration: declare::Declaration::new(ruleset),
            agency_field: ruleset.field_id("agency"),
            level_field: ruleset.field_id("level"),
            id_field: ruleset.field_id("id"),
            id: scratch::ClassifierId::new(),
            scratch: Mutex::new(Scratch::new()),
            numbering: incident::Numbering::new(ruleset),
            memo: None,
        };
        classifier.memo = classifier.decision_key().map(memo::Memo::new);
        classifier
    }

    /// The same classifier, deciding every record afresh instead of taking
    /// the remembered decision of an earlier record with the same key: the
    /// reference the remembering is tested against.
    pub fn without_memo(mut self) -> Self {
        self.memo = None;
        self
    }

    /// Whether records with the same decision key take the decision of an
    /// earlier one (see `decision_key`): `false` when the ruleset tests
    /// more than a key holds.
    pub fn remembers_decisions(&self) -> bool {
        self.memo.is_some()
    }

    /// How to key this classifier's decisions, from every condition that
    /// takes part in them.
    fn decision_key(&self) -> Option<decision_key::DecisionKey> {
        let readers = decision_key::Readers {
            before_level: self.criteria.programs().iter().collect(),
            after_level: self
                .triggers
                .programs()
                .iter()
                .chain(self.splits.programs())
                .collect(),
            gaps: &self.gap_tests,
            presence: self.splits.fields().to_vec(),
            level_field: self.level_field,
        };
        decision_key::DecisionKey::new(self.ruleset, &readers)
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
        let mut id = String::new();
        self.push_record_id(record, &mut id).then_some(id)
    }

    /// Appends the text of [`record_id`](Self::record_id) to `ids` (a
    /// buffer many ids share, rather than a string each); `false`, having
    /// appended nothing, when the record has no id.
    pub fn push_record_id(&self, record: &Record, ids: &mut String) -> bool {
        match self.id_field.and_then(|f| record.get(f)) {
            Some(Value::Str(s)) => ids.push_str(s),
            Some(other) => {
                let _ = write!(ids, "{other}");
            }
            None => return false,
        }
        true
    }

    /// Classifies `record`, filling in its derived fields (`agency`,
    /// `level`). `fallback_id` names the record when it has no `id`
    /// (its `FILE:LINE`), for per-record incident numbers.
    pub fn classify<D: std::fmt::Display + ?Sized>(
        &self,
        record: &mut Record,
        fallback_id: &D,
    ) -> Classification<'_> {
        let mut out = Classification::default();
        self.classify_into(record, fallback_id, &mut out);
        out
    }

    /// [`classify`](Self::classify) into `out`, reusing its buffers: for
    /// classifying many records one after another.
    ///
    /// The caches are the classifier's own; a thread that finds them in use
    /// by another classifies without them (the same outcome, more slowly).
    /// Threads that classify many records keep a [`Scratch`] each and call
    /// [`classify_with`](Self::classify_with).
    pub fn classify_into<'c, D: std::fmt::Display + ?Sized>(
        &'c self,
        record: &mut Record,
        fallback_id: &D,
        out: &mut Classification<'c>,
    ) {
        match self.scratch.try_lock() {
            Ok(mut scratch) => self.classify_with(record, fallback_id, out, &mut scratch),
            Err(TryLockError::Poisoned(poisoned)) => {
                self.classify_with(record, fallback_id, out, &mut poisoned.into_inner());
            }
            Err(TryLockError::WouldBlock) => {
                self.classify_with(record, fallback_id, out, &mut Scratch::new());
            }
        }
    }

    /// [`classify_into`](Self::classify_into) with the caches in
    /// `scratch`, which the caller keeps from record to record (one per
    /// thread): what a batch does.
    pub fn classify_with<'c, D: std::fmt::Display + ?Sized>(
        &'c self,
        record: &mut Record,
        fallback_id: &D,
        out: &mut Classification<'c>,
        scratch: &mut Scratch,
    ) {
        self.classify_listing(record, fallback_id, out, scratch, Lists::Kept);
    }

    /// [`classify_with`](Self::classify_with) for a caller that does not
    /// read every matching criterion and fired trigger: `out.matched` and
    /// `out.fired` are left empty, the rest is the same. A remembered
    /// decision's lists are then not copied, for each record, into a
    /// classification that a CSV batch, which shows only the deciding rule
    /// and trigger, would not read.
    // Inlined into the loops over a chunk's records (`classify`, and twice
    // in `diff`): with more than one caller the compiler stopped doing it
    // on its own, and the call cost `classify` 1 % a row.
    #[inline(always)]
    pub fn classify_unlisted<'c, D: std::fmt::Display + ?Sized>(
        &'c self,
        record: &mut Record,
        fallback_id: &D,
        out: &mut Classification<'c>,
        scratch: &mut Scratch,
    ) {
        self.classify_listing(record, fallback_id, out, scratch, Lists::Skipped);
    }

    /// [`classify_with`](Self::classify_with), the lists kept or not.
    #[inline(always)]
    fn classify_listing<'c, D: std::fmt::Display + ?Sized>(
        &'c self,
        record: &mut Record,
        fallback_id: &D,
        out: &mut Classification<'c>,
        scratch: &mut Scratch,
        lists: Lists,
    ) {
        scratch.bind(self.id);
        out.matched.clear();
        out.fired.clear();
        out.flags.clear();
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
            // Shared into the record without counting it again each row.
            match &agency {
                Some(a) => record.set_shared_text(field, a.agency),
                None => record.set(field, None),
            }
        }
        if agency.is_none()
            && !stated
            && self.allocations.is_some()
            && self.ip_fields.iter().any(|f| record.get(*f).is_some())
        {
            out.flags.push(Flag::Unallocated);
        }

        let Decision {
            level,
            rule,
            declared,
            trigger,
        } = self.decide(record, out, &mut scratch.memo, lists);
        let flags = &mut out.flags;
        let incident_number = match (declared, trigger) {
            (Declared::Yes, Some(t)) => {
                let name = match self.id_field.and_then(|f| record.get(f)) {
                    Some(Value::Str(id)) => incident::RecordName::Text(id),
                    Some(value) => incident::RecordName::Shown(value),
                    None => incident::RecordName::Shown(&fallback_id),
                };
                Some(self.numbering.number(self.ruleset, t, record, name))
            }
            _ => None,
        };
        let due = level.and_then(|l| {
            match due::compute(self.ruleset, &self.calendar, &mut scratch.due, l, record) {
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

    /// The record's decision, remembered in `table` or made afresh; `out`
    /// receives its flags, and its matching criteria and fired triggers
    /// unless `lists` says to skip them.
    fn decide(
        &self,
        record: &mut Record,
        out: &mut Classification<'_>,
        table: &mut memo::Table,
        lists: Lists,
    ) -> Decision {
        let Some((memo, key)) = self
            .memo
            .as_ref()
            .and_then(|memo| Some((memo, memo.key(record)?)))
        else {
            let decision = self.decide_afresh(record, out);
            lists.drop_unread(out);
            return decision;
        };
        if let Some(decision) = memo.recall(table, key, out, lists) {
            self.set_level(record, decision.level);
            return decision;
        }
        let flags_from = out.flags.len();
        let decision = self.decide_afresh(record, out);
        memo.remember(table, key, decision, out, flags_from);
        lists.drop_unread(out);
        decision
    }

    /// Decides `record` by evaluating the criteria, then the triggers
    /// (which may test the level the criteria gave it).
    fn decide_afresh(&self, record: &mut Record, out: &mut Classification<'_>) -> Decision {
        out.matched.extend(self.criteria.matching(record));
        let rule = out
            .matched
            .iter()
            .copied()
            .min_by_key(|i| (self.ruleset.criterion(*i).level.value, *i));
        let level = rule.map(|i| self.ruleset.criterion(i).level.value);
        self.set_level(record, level);
        let flags = &mut out.flags;
        for gap in &self.gap_tests {
            if gap.contains(record) {
                flags.push(Flag::Gap(gap.index()));
            }
        }
        self.splits.flag_missing(self.ruleset, level, record, flags);
        let (declared, trigger) = self.declare(record, &mut out.fired, flags);
        Decision {
            level,
            rule,
            declared,
            trigger,
        }
    }

    /// Writes the level the criteria gave into the record, for the
    /// triggers that test it (and for output).
    fn set_level(&self, record: &mut Record, level: Option<LevelId>) {
        if let Some(field) = self.level_field {
            record.set(field, level.map(|l| Value::Enum(l.0)));
        }
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
