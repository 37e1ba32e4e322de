//! The typed ruleset: what a loaded, resolved ruleset holds.
//!
//! Names are resolved to indices ([`FieldId`], [`LevelId`], ...) when the
//! ruleset is loaded, so classification never looks a name up; every
//! definition keeps the span of its id so that any later finding can point
//! back at the YAML line.

use std::path::PathBuf;

use std::borrow::Borrow;

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::condition::Condition;
use crate::record::Value;
use crate::source::{SourceMap, Spanned};

pub use super::enumeration::{EnumSpec, EnumValue};

macro_rules! index_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The index into the ruleset's table.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of the `i`-th definition.
            pub fn from_index(i: usize) -> Self {
                $name(u32::try_from(i).unwrap_or(u32::MAX))
            }
        }
    )*};
}

index_type! {
    /// A record field, by position in [`Ruleset::fields`].
    FieldId,
    /// A named list, by position in [`Ruleset::lists`].
    ListId,
    /// A named threshold, by position in [`Ruleset::thresholds`].
    ThresholdId,
    /// A level, by position in [`Ruleset::levels`]; lower is more severe.
    LevelId,
    /// A timeline event, by position in [`Ruleset::events`].
    EventId,
    /// A trigger, by position in [`Ruleset::triggers`].
    TriggerId,
}

/// A loaded and resolved ruleset.
#[derive(Debug)]
pub struct Ruleset {
    /// The root file.
    pub root: PathBuf,
    /// Who wrote it, what it encodes, where it applies.
    pub meta: Metadata,
    /// Working days.
    pub calendar: CalendarSpec,
    /// The TSO allocation table the ruleset names, resolved against its file.
    pub allocations: Option<Spanned<PathBuf>>,
    /// How policy exceptions are tracked, if the policy allows them.
    pub exceptions: Option<ExceptionPolicy>,
    /// The record vocabulary, declared fields first, then the derived ones.
    pub fields: Vec<FieldDef>,
    /// Named lists.
    pub lists: Vec<ListDef>,
    /// Named thresholds.
    pub thresholds: Vec<ThresholdDef>,
    /// Levels, most severe first.
    pub levels: Vec<LevelDef>,
    /// Classification criteria, in file order.
    pub criteria: Vec<Criterion>,
    /// Declaration triggers, in file order.
    pub triggers: Vec<Trigger>,
    /// Timeline events.
    pub events: Vec<EventDef>,
    /// Deadlines between events.
    pub deadlines: Vec<Deadline>,
    /// Input mappings, by format.
    pub mappings: Vec<Mapping>,
    /// Test cases, inline ones included.
    pub tests: Vec<TestCase>,
    /// The text of every file, for diagnostics.
    pub sources: SourceMap,
}

impl Ruleset {
    /// The field with this name.
    pub fn field_id(&self, name: &str) -> Option<FieldId> {
        self.fields
            .iter()
            .position(|f| f.name.value == name)
            .map(FieldId::from_index)
    }

    /// The field definition for an id.
    #[allow(clippy::indexing_slicing)]
    pub fn field(&self, id: FieldId) -> &FieldDef {
        &self.fields[id.index()]
    }

    // The accessors below take an id or a reference to one, and index the ruleset's tables by the typed ids that
    // only the loader mints, for this ruleset: an id out of range would be a
    // bug in docket, never a property of input, so they index directly
    // (clippy's `indexing_slicing` is denied everywhere else in the library).

    /// The level of an id.
    #[allow(clippy::indexing_slicing)]
    pub fn level(&self, id: impl Borrow<LevelId>) -> &LevelDef {
        &self.levels[id.borrow().index()]
    }

    /// The trigger of an id.
    #[allow(clippy::indexing_slicing)]
    pub fn trigger(&self, id: impl Borrow<TriggerId>) -> &Trigger {
        &self.triggers[id.borrow().index()]
    }

    /// The trigger at a position of [`Ruleset::triggers`].
    #[allow(clippy::indexing_slicing)]
    pub fn trigger_at(&self, index: usize) -> &Trigger {
        &self.triggers[index]
    }

    /// The timeline event of an id.
    #[allow(clippy::indexing_slicing)]
    pub fn event(&self, id: impl Borrow<EventId>) -> &EventDef {
        &self.events[id.borrow().index()]
    }

    /// The threshold of an id.
    #[allow(clippy::indexing_slicing)]
    pub fn threshold(&self, id: impl Borrow<ThresholdId>) -> &ThresholdDef {
        &self.thresholds[id.borrow().index()]
    }

    /// The list of an id.
    #[allow(clippy::indexing_slicing)]
    pub fn list(&self, id: impl Borrow<ListId>) -> &ListDef {
        &self.lists[id.borrow().index()]
    }

    /// The criterion at a position of [`Ruleset::criteria`] (criteria are
    /// referred to by position: their order is their precedence).
    #[allow(clippy::indexing_slicing)]
    pub fn criterion(&self, index: usize) -> &Criterion {
        &self.criteria[index]
    }

    /// The deadline at a position of [`Ruleset::deadlines`].
    #[allow(clippy::indexing_slicing)]
    pub fn deadline(&self, index: usize) -> &Deadline {
        &self.deadlines[index]
    }

    /// The level with this id.
    pub fn level_id(&self, name: &str) -> Option<LevelId> {
        self.levels
            .iter()
            .position(|l| l.id.value == name)
            .map(LevelId::from_index)
    }

    /// The conditions of every rule: criteria and triggers (`when`), then
    /// deadlines (`applies`). Mapping rules are not included: they shape
    /// input, they do not decide outcomes.
    pub fn rule_conditions(&self) -> impl Iterator<Item = &Condition> {
        self.criteria
            .iter()
            .map(|c| &c.when)
            .chain(self.triggers.iter().map(|t| &t.when))
            .chain(self.deadlines.iter().filter_map(|d| d.applies.as_ref()))
    }

    /// The event with this id.
    pub fn event_id(&self, name: &str) -> Option<EventId> {
        self.events
            .iter()
            .position(|e| e.id.value == name)
            .map(EventId::from_index)
    }
}

/// Ruleset metadata.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// Short identifier, e.g. `usda-ir`.
    pub id: Spanned<String>,
    /// Human title.
    pub title: Spanned<String>,
    /// Version of the encoding.
    pub version: Option<Spanned<String>>,
    /// Date from which it applies.
    pub effective: Option<Spanned<NaiveDate>>,
    /// The source document.
    pub source: Option<SourceDocument>,
    /// The zone of working days and naive timestamps.
    pub timezone: Spanned<Tz>,
}

/// The policy document a ruleset encodes.
#[derive(Debug, Clone)]
pub struct SourceDocument {
    /// Its title.
    pub title: String,
    /// Its identifier or path.
    pub document: Option<String>,
    /// Where to read it.
    pub url: Option<String>,
}

/// Which days are working days.
#[derive(Debug, Clone, Default)]
pub struct CalendarSpec {
    /// Whether US federal holidays are skipped.
    pub us_federal_holidays: bool,
    /// One-off closures.
    pub closures: Vec<Closure>,
}

/// The policy's rules for granted exceptions.
#[derive(Debug, Clone)]
pub struct ExceptionPolicy {
    /// Where the policy sets them.
    pub citation: Spanned<String>,
    /// Whether each exception is reported as a POA&M.
    pub poam: bool,
    /// The POA&M notation (`GPE`).
    pub notation: Option<String>,
    /// Whether interim exceptions expire at the end of the fiscal year.
    pub expires_at_fiscal_year_end: bool,
    /// Who approves an extension past the expiry.
    pub extension_approver: Option<String>,
}

/// A date the offices were closed.
#[derive(Debug, Clone)]
pub struct Closure {
    /// The date.
    pub date: Spanned<NaiveDate>,
    /// Why.
    pub reason: String,
}

/// When in the classification pipeline a field's value becomes known.
///
/// A condition may only test fields known by the time it is evaluated: the
/// criteria decide `level`, so a criterion testing `level` would be circular.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Read from the input (or mapped from it).
    Input,
    /// Known once the allocation table has been consulted (`agency`).
    Allocated,
    /// Known once the criteria have decided (`level`).
    Leveled,
}

/// One field of the record vocabulary.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// Its name.
    pub name: Spanned<String>,
    /// Its type.
    pub ty: FieldType,
    /// What it means.
    pub title: Option<String>,
    /// Where the policy defines it.
    pub citation: Option<String>,
    /// Field whose value is used when this one is absent.
    pub fallback: Option<FieldId>,
    /// Smallest valid value, for numbers.
    pub min: Option<f64>,
    /// Largest valid value, for numbers.
    pub max: Option<f64>,
    /// When the value becomes known.
    pub stage: Stage,
}

/// The type of a field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    /// Free text; compared without regard to case.
    String,
    /// One code of a closed set.
    Enum(EnumSpec),
    /// `true` / `false`.
    Bool,
    /// A whole number.
    Integer,
    /// An amount of dollars, cents allowed.
    Money,
    /// An IPv4 or IPv6 address.
    Ip,
    /// An instant in time.
    Timestamp,
}

impl FieldType {
    /// The name used in the ruleset format.
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Enum(_) => "enum",
            FieldType::Bool => "bool",
            FieldType::Integer => "integer",
            FieldType::Money => "money",
            FieldType::Ip => "ip",
            FieldType::Timestamp => "timestamp",
        }
    }

    /// Whether `gt`/`lt` and thresholds apply.
    pub fn is_numeric(&self) -> bool {
        matches!(self, FieldType::Integer | FieldType::Money)
    }
}

/// A named list of values.
#[derive(Debug, Clone)]
pub struct ListDef {
    /// Its name.
    pub name: Spanned<String>,
    /// The values, as written.
    pub values: Vec<Spanned<String>>,
    /// What it holds.
    pub title: Option<String>,
    /// Where the policy gives it.
    pub citation: Option<String>,
}

/// A named number.
#[derive(Debug, Clone)]
pub struct ThresholdDef {
    /// Its name.
    pub name: Spanned<String>,
    /// The number.
    pub value: Spanned<f64>,
    /// Unit, for people.
    pub unit: Option<String>,
    /// What it limits.
    pub title: Option<String>,
    /// Where the policy gives it.
    pub citation: Option<String>,
}

/// A severity level.
#[derive(Debug, Clone)]
pub struct LevelDef {
    /// Its id.
    pub id: Spanned<String>,
    /// Human name.
    pub title: Option<String>,
    /// Where the policy defines it.
    pub citation: Option<String>,
    /// Its response window.
    pub response: Option<Response>,
}

/// When a record of a level must be responded to.
#[derive(Debug, Clone)]
pub struct Response {
    /// The timestamp field the window starts from.
    pub from: Spanned<FieldId>,
    /// How long.
    pub window: Window,
    /// Where the policy sets it.
    pub citation: Spanned<String>,
}

/// A response window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Window {
    /// Due as soon as the window starts.
    Immediately,
    /// Due after a duration.
    Within(Duration),
}

/// A length of time in the policy's own unit.
///
/// The unit matters: 24 hours, 1 calendar day and 1 working day are three
/// different deadlines across a weekend or a daylight-saving change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duration {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: DurationUnit,
}

/// Units of [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DurationUnit {
    /// Elapsed minutes.
    Minutes,
    /// Elapsed hours (absolute time, whatever the clocks do).
    Hours,
    /// Calendar days: the same local time that many days later.
    CalendarDays,
    /// Working days: the end of the n-th working day after the start day.
    WorkingDays,
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (one, many) = match self.unit {
            DurationUnit::Minutes => ("minute", "minutes"),
            DurationUnit::Hours => ("hour", "hours"),
            DurationUnit::CalendarDays => ("day", "days"),
            DurationUnit::WorkingDays => ("working day", "working days"),
        };
        let unit = if self.amount == 1 { one } else { many };
        write!(f, "{} {unit}", self.amount)
    }
}

/// A classification criterion.
#[derive(Debug, Clone)]
pub struct Criterion {
    /// Its id.
    pub id: Spanned<String>,
    /// The level it gives.
    pub level: Spanned<LevelId>,
    /// The policy's words.
    pub title: Option<String>,
    /// Section of the policy.
    pub citation: Spanned<String>,
    /// The condition.
    pub when: Condition,
}

/// What a trigger does when it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The record must be declared an incident.
    Declare,
    /// The policy says the record must not be declared.
    Withhold,
}

/// How declared records get incident numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentNumbering {
    /// Each record its own number.
    PerRecord,
    /// One number for all records sharing the values of these fields.
    PerOutbreak {
        /// The fields that identify one outbreak.
        fields: Vec<FieldId>,
        /// For a timestamp among them: the period one outbreak spans.
        window: Option<OutbreakWindow>,
    },
}

/// The period of a timestamp in an outbreak key: records of one worm in one
/// period share a number, the same worm in another period is another
/// outbreak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutbreakWindow {
    /// The calendar year, in the ruleset's time zone.
    Year,
    /// The federal fiscal year (October to September).
    FiscalYear,
    /// The calendar month.
    Month,
}

impl OutbreakWindow {
    /// The words a ruleset uses.
    pub const NAMES: &'static [&'static str] = &["year", "fiscal-year", "month"];

    /// The window a word names.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "year" => Some(OutbreakWindow::Year),
            "fiscal-year" => Some(OutbreakWindow::FiscalYear),
            "month" => Some(OutbreakWindow::Month),
            _ => None,
        }
    }
}

/// A declaration trigger.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// Its id.
    pub id: Spanned<String>,
    /// The policy's words.
    pub title: Option<String>,
    /// Section of the policy.
    pub citation: Spanned<String>,
    /// The condition.
    pub when: Condition,
    /// Declare or withhold.
    pub effect: Effect,
    /// Incident numbering.
    pub numbering: IncidentNumbering,
    /// Triggers this one prevails over.
    pub overrides: Vec<Spanned<TriggerId>>,
}

/// A timeline event.
#[derive(Debug, Clone)]
pub struct EventDef {
    /// Its id.
    pub id: Spanned<String>,
    /// What happened.
    pub title: Option<String>,
    /// Who does it.
    pub actor: Option<String>,
    /// Where the policy names it.
    pub citation: Option<String>,
    /// Whether the incident is over once it happens.
    pub closes: bool,
    /// Another event it also satisfies.
    pub counts_as: Option<Spanned<EventId>>,
    /// An event that must come before it (or the breach of a deadline that
    /// `permits` it); a history without it is a data-quality finding.
    pub requires: Option<Spanned<EventId>>,
    /// Whether quarterly reports show the time to it.
    pub milestone: bool,
    /// The attribute that scopes it (`unit`).
    pub per: Option<Spanned<String>>,
    /// The call-roster role that carries it out.
    pub by: Option<Spanned<String>>,
    /// The call-roster roles it notifies.
    pub notifies: Vec<Spanned<String>>,
}

/// A deadline between two events.
#[derive(Debug, Clone)]
pub struct Deadline {
    /// Its id.
    pub id: Spanned<String>,
    /// The policy's words.
    pub title: Option<String>,
    /// Section of the policy.
    pub citation: Spanned<String>,
    /// Who must act.
    pub actor: Option<String>,
    /// Events that start the clock, in order of preference.
    pub from: Vec<Spanned<EventId>>,
    /// Events that stop it; the earliest counts.
    pub to: Vec<Spanned<EventId>>,
    /// How long is allowed.
    pub within: Spanned<Duration>,
    /// Which incidents it applies to; `None` for all.
    pub applies: Option<Condition>,
    /// Evaluated once per value of this event attribute.
    pub per: Option<Spanned<String>>,
    /// What follows a breach.
    pub on_breach: OnBreach,
}

/// Consequences of a breached deadline.
#[derive(Debug, Clone, Default)]
pub struct OnBreach {
    /// An incident is declared.
    pub declare: bool,
    /// A POA&M is owed until the incident closes.
    pub poam: bool,
    /// The event recording the POA&M was opened.
    pub poam_opened_by: Option<Spanned<EventId>>,
    /// Who is owed a one-time notification.
    pub notify: Option<String>,
    /// The event recording the notification.
    pub notified_by: Option<Spanned<EventId>>,
    /// The event the breach permits.
    pub permits: Option<Spanned<EventId>>,
    /// The policy's words.
    pub note: Option<String>,
}

/// Input formats whose fields a ruleset maps onto records.
pub const MAPPABLE_FORMATS: &[&str] = &["suricata", "snort"];

/// How one input format becomes records.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The format: `suricata` or `snort`.
    pub format: Spanned<String>,
    /// Column layouts of a headerless format, each a list of names.
    pub layouts: Vec<Vec<String>>,
    /// Where each mapped field comes from.
    pub fields: Vec<FieldSource>,
    /// Values set on every record.
    pub set: Vec<(FieldId, Value)>,
    /// Ordered rules; each sets the fields still absent.
    pub rules: Vec<MappingRule>,
}

/// Where one record field comes from in an input format.
#[derive(Debug, Clone)]
pub struct FieldSource {
    /// The record field.
    pub field: FieldId,
    /// Input paths (`alert.signature`), tried in order.
    pub paths: Vec<String>,
    /// Input value (lowercased) to record value; empty to parse the input as is.
    pub map: Vec<(String, Value)>,
    /// Value when the input value is not in `map`.
    pub default: Option<Value>,
}

/// A rule of a mapping.
#[derive(Debug, Clone)]
pub struct MappingRule {
    /// When it applies.
    pub when: Condition,
    /// What it sets.
    pub set: Vec<(FieldId, Value)>,
    /// Why.
    pub citation: Option<String>,
}

/// Where a test case was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestOrigin {
    /// In a `tests:` section of a file.
    Suite,
    /// Under a criterion, trigger or deadline, which it expects to decide.
    Inline(RuleRef),
}

/// A reference to a rule by kind and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RuleRef {
    /// A criterion id.
    Criterion(String),
    /// A trigger id.
    Trigger(String),
    /// A deadline id.
    Deadline(String),
}

/// A test case.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// What it shows.
    pub name: Spanned<String>,
    /// Where it was written.
    pub origin: TestOrigin,
    /// What it feeds in.
    pub input: TestInput,
    /// For histories: when the audit runs.
    pub as_of: Option<Spanned<String>>,
    /// What must come out.
    pub expect: Expectation,
}

/// The input of a test case.
#[derive(Debug, Clone)]
pub enum TestInput {
    /// A record to classify: field values as written.
    Record(Vec<(Spanned<FieldId>, Spanned<String>)>),
    /// An incident history to audit.
    History(HistorySpec),
}

/// An incident history in a test case.
#[derive(Debug, Clone)]
pub struct HistorySpec {
    /// Incident attributes.
    pub attributes: Vec<(Spanned<FieldId>, Spanned<String>)>,
    /// Events in the order written.
    pub events: Vec<HistoryEventSpec>,
}

/// One event of a test history.
#[derive(Debug, Clone)]
pub struct HistoryEventSpec {
    /// Which event.
    pub event: Spanned<EventId>,
    /// When, as written.
    pub at: Spanned<String>,
    /// Operating unit.
    pub unit: Option<String>,
}

/// What a test expects; absent items are not checked.
#[derive(Debug, Clone, Default)]
pub struct Expectation {
    /// Level id or `unclassified`.
    pub level: Option<Spanned<String>>,
    /// `yes`, `no` or `review`.
    pub declared: Option<Spanned<String>>,
    /// The deciding criterion.
    pub rule: Option<Spanned<String>>,
    /// The deciding trigger.
    pub trigger: Option<Spanned<String>>,
    /// The response due time, as written.
    pub due_by: Option<Spanned<String>>,
    /// The incident number, or `none`.
    pub incident_number: Option<Spanned<String>>,
    /// Review flag kinds.
    pub flags: Option<Vec<Spanned<String>>>,
    /// Deadline id to status.
    pub findings: Vec<(Spanned<String>, Spanned<String>)>,
}
