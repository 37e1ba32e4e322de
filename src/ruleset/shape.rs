//! The shape of the ruleset format, written once.
//!
//! Every mapping of the format is described here as a table of keys. The
//! loader reads these tables to reject unknown keys (with a suggestion) and
//! report missing ones; `docket schema` turns the same tables into JSON
//! Schema, so an editor's completion and docket's checks cannot drift apart.

/// One key of a mapping.
#[derive(Debug)]
pub struct KeySpec {
    /// The key as written in YAML.
    pub name: &'static str,
    /// Whether the mapping is invalid without it.
    pub required: bool,
    /// What it means, for the schema's descriptions and the README.
    pub doc: &'static str,
    /// What its value looks like.
    pub shape: Shape,
}

/// What a value looks like.
#[derive(Debug)]
pub enum Shape {
    /// Free text.
    Text,
    /// A name made of letters, digits, `-`, `_` and `.`.
    Ident,
    /// An integer.
    Integer,
    /// A number (integer or decimal).
    Number,
    /// `true` or `false`.
    Bool,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An RFC 3339 timestamp, or a naive one read in the ruleset's time zone.
    Timestamp,
    /// A duration such as `4 hours`, `15 days`, `3 working days`.
    Duration,
    /// One of a fixed set of words.
    Keyword(&'static [&'static str]),
    /// Any scalar (string, number or boolean).
    Scalar,
    /// A list of values of one shape.
    List(&'static Shape),
    /// A mapping from names to values of one shape.
    MapOf(&'static Shape),
    /// A mapping with the given keys.
    Object(&'static [KeySpec]),
    /// A condition (see the README's condition language).
    Condition,
    /// A record: field names to values.
    Record,
    /// Any of several shapes.
    Either(&'static [Shape]),
}

pub(crate) const fn req(name: &'static str, shape: Shape, doc: &'static str) -> KeySpec {
    KeySpec {
        name,
        required: true,
        doc,
        shape,
    }
}

pub(crate) const fn opt(name: &'static str, shape: Shape, doc: &'static str) -> KeySpec {
    KeySpec {
        name,
        required: false,
        doc,
        shape,
    }
}

/// The types a record field can have.
pub const FIELD_TYPES: &[&str] = &[
    "string",
    "enum",
    "bool",
    "integer",
    "money",
    "ip",
    "timestamp",
];

/// Duration units, as accepted after the number in `within`.
pub const DURATION_HELP: &str = "write a number and a unit: `12 hours`, `15 days` (calendar days), `3 working days`, `30 minutes`";

/// Keys of the root file that only it may hold (metadata).
pub const ROOT_ONLY_KEYS: &[&str] = &[
    "id",
    "title",
    "version",
    "effective",
    "source",
    "timezone",
    "calendar",
    "allocations",
    "exceptions",
];

/// The top level of a ruleset file.
pub const RULESET: &[KeySpec] = &[
    opt(
        "id",
        Shape::Ident,
        "Identifier of the ruleset, e.g. `usda-ir`. Required in the root file.",
    ),
    opt(
        "title",
        Shape::Text,
        "Human title of the ruleset. Required in the root file.",
    ),
    opt(
        "version",
        Shape::Scalar,
        "Version of this encoding of the policy, e.g. `1.0.0`.",
    ),
    opt(
        "effective",
        Shape::Date,
        "Date from which the encoded policy applies.",
    ),
    opt(
        "source",
        Shape::Object(SOURCE),
        "The policy document this ruleset encodes.",
    ),
    opt(
        "timezone",
        Shape::Text,
        "IANA time zone in which dates, working days and naive timestamps are read, e.g. `America/New_York`. Required in the root file.",
    ),
    opt(
        "calendar",
        Shape::Object(CALENDAR),
        "Working-day calendar: holidays and one-off closures.",
    ),
    opt(
        "allocations",
        Shape::Text,
        "Path (relative to this file) of the TSO IP allocation table, a CSV of `cidr,agency`.",
    ),
    opt(
        "exceptions",
        Shape::Object(EXCEPTIONS),
        "How granted policy exceptions are tracked.",
    ),
    opt(
        "include",
        Shape::List(&Shape::Text),
        "Other files of this ruleset, relative to this file; their definitions are merged.",
    ),
    opt(
        "fields",
        Shape::MapOf(&Shape::Object(FIELD)),
        "The record vocabulary: each field with its type.",
    ),
    opt(
        "lists",
        Shape::MapOf(&Shape::Object(LIST)),
        "Named lists of values, referenced by `in_list`.",
    ),
    opt(
        "thresholds",
        Shape::MapOf(&Shape::Object(THRESHOLD)),
        "Named numbers, referenced by name from `gt`/`gte`/`lt`/`lte`.",
    ),
    opt(
        "levels",
        Shape::List(&Shape::Object(LEVEL)),
        "Severity levels, most severe first, with their response windows.",
    ),
    opt(
        "criteria",
        Shape::List(&Shape::Object(CRITERION)),
        "What makes a record high, medium or low.",
    ),
    opt(
        "triggers",
        Shape::List(&Shape::Object(TRIGGER)),
        "When a record must (or must not) be declared an incident.",
    ),
    opt(
        "events",
        Shape::MapOf(&Shape::Object(EVENT)),
        "The timeline vocabulary of incident histories.",
    ),
    opt(
        "deadlines",
        Shape::List(&Shape::Object(DEADLINE)),
        "Deadlines between timeline events.",
    ),
    opt(
        "mappings",
        Shape::MapOf(&Shape::Object(MAPPING)),
        "How input formats (`suricata`, `snort`) become records.",
    ),
    opt(
        "tests",
        Shape::List(&Shape::Object(TEST)),
        "Test cases: records or histories with the outcome they must get.",
    ),
];

/// Keys of `source` mappings.
pub const SOURCE: &[KeySpec] = &[
    req("title", Shape::Text, "Title of the policy document."),
    opt(
        "document",
        Shape::Text,
        "Identifier or path of the document.",
    ),
    opt("url", Shape::Text, "Where the document can be read."),
];

/// Keys of the `exceptions` mapping.
pub const EXCEPTIONS: &[KeySpec] = &[
    req(
        "citation",
        Shape::Text,
        "Where the policy sets the rules for exceptions.",
    ),
    opt(
        "poam",
        Shape::Bool,
        "Each granted exception is reported as a POA&M until full compliance.",
    ),
    opt(
        "notation",
        Shape::Text,
        "Notation the POA&M carries, e.g. `GPE` (Granted Policy Exception).",
    ),
    opt(
        "expires",
        Shape::Keyword(&["fiscal-year-end", "never"]),
        "When interim exceptions expire.",
    ),
    opt(
        "extension_approver",
        Shape::Text,
        "Who must approve an extension past the expiry.",
    ),
];

/// Keys of `calendar` mappings.
pub const CALENDAR: &[KeySpec] = &[
    opt(
        "holidays",
        Shape::Keyword(&["us-federal", "none"]),
        "Holiday rules: `us-federal` (5 U.S.C. 6103, observed dates) or `none`.",
    ),
    opt(
        "closures",
        Shape::List(&Shape::Object(CLOSURE)),
        "One-off closure dates that are not working days.",
    ),
];

/// Keys of `closure` mappings.
pub const CLOSURE: &[KeySpec] = &[
    req("date", Shape::Date, "The date."),
    opt("reason", Shape::Text, "Why the offices were closed."),
];

/// Keys of `field` mappings.
pub const FIELD: &[KeySpec] = &[
    req("type", Shape::Keyword(FIELD_TYPES), "The value type."),
    opt("title", Shape::Text, "What the field means."),
    opt("citation", Shape::Text, "Where the policy defines it."),
    opt(
        "values",
        Shape::Either(&[Shape::List(&Shape::Text), Shape::MapOf(&Shape::Text)]),
        "For `enum`: the codes, as a list or as a mapping from code to meaning.",
    ),
    opt(
        "aliases",
        Shape::MapOf(&Shape::Text),
        "For `enum`: other spellings accepted in input, mapped to a code.",
    ),
    opt(
        "min",
        Shape::Number,
        "For numbers: the smallest valid value.",
    ),
    opt(
        "max",
        Shape::Number,
        "For numbers: the largest valid value.",
    ),
    opt(
        "fallback",
        Shape::Ident,
        "Another field whose value is used when this one is absent.",
    ),
];

/// Keys of `list` mappings.
pub const LIST: &[KeySpec] = &[
    req("values", Shape::List(&Shape::Scalar), "The values."),
    opt("title", Shape::Text, "What the list holds."),
    opt("citation", Shape::Text, "Where the policy gives it."),
];

/// Keys of `threshold` mappings.
pub const THRESHOLD: &[KeySpec] = &[
    req("value", Shape::Number, "The number."),
    opt("unit", Shape::Text, "Unit, for people (`USD`)."),
    opt("title", Shape::Text, "What it limits."),
    opt("citation", Shape::Text, "Where the policy gives it."),
];

/// Keys of `level` mappings.
pub const LEVEL: &[KeySpec] = &[
    req("id", Shape::Ident, "Level id, e.g. `high`."),
    opt("title", Shape::Text, "Human name."),
    opt(
        "citation",
        Shape::Text,
        "Where the policy defines the level.",
    ),
    opt(
        "response",
        Shape::Object(RESPONSE),
        "When a record of this level must be responded to.",
    ),
];

/// Keys of `response` mappings.
pub const RESPONSE: &[KeySpec] = &[
    req(
        "from",
        Shape::Ident,
        "Timestamp field the window starts from, e.g. `reported_at`.",
    ),
    opt(
        "within",
        Shape::Duration,
        "The window. Omit it for `immediately`.",
    ),
    opt(
        "immediately",
        Shape::Bool,
        "Handled at once: due when the window starts.",
    ),
    req("citation", Shape::Text, "Where the policy sets the window."),
];

/// Keys of `criterion` mappings.
pub const CRITERION: &[KeySpec] = &[
    req("id", Shape::Ident, "Unique id, e.g. `high.break-in`."),
    req("level", Shape::Ident, "The level a matching record gets."),
    opt(
        "title",
        Shape::Text,
        "What the criterion says, in the policy's words.",
    ),
    req(
        "citation",
        Shape::Text,
        "Section of the policy, e.g. `USDA 3b(1)`.",
    ),
    req(
        "when",
        Shape::Condition,
        "The condition a record must meet.",
    ),
    opt(
        "tests",
        Shape::List(&Shape::Object(TEST)),
        "Test cases next to the rule; by default each expects this criterion to decide.",
    ),
];

/// Keys of `trigger` mappings.
pub const TRIGGER: &[KeySpec] = &[
    req("id", Shape::Ident, "Unique id, e.g. `declare.3a1`."),
    opt(
        "title",
        Shape::Text,
        "What the trigger says, in the policy's words.",
    ),
    req("citation", Shape::Text, "Section of the policy."),
    req(
        "when",
        Shape::Condition,
        "The condition; it may test `level`.",
    ),
    opt(
        "effect",
        Shape::Keyword(&["declare", "withhold"]),
        "`declare` (default) or `withhold`: the policy says the record must not be declared.",
    ),
    opt(
        "incident_number",
        Shape::Keyword(&["per-record", "per-outbreak"]),
        "`per-outbreak` gives every record of one outbreak the same incident number.",
    ),
    opt(
        "outbreak_key",
        Shape::List(&Shape::Ident),
        "For `per-outbreak`: the fields that identify one outbreak.",
    ),
    opt(
        "outbreak_window",
        Shape::Keyword(&["year", "fiscal-year", "month"]),
        "For `per-outbreak` with a timestamp in `outbreak_key`: the period of it one outbreak spans (`year`: the calendar year in the ruleset's time zone).",
    ),
    opt(
        "overrides",
        Shape::List(&Shape::Ident),
        "Triggers this one prevails over when both match (otherwise a declare/withhold clash is flagged for review).",
    ),
    opt(
        "tests",
        Shape::List(&Shape::Object(TEST)),
        "Test cases next to the rule; by default each expects this trigger to fire.",
    ),
];

/// Keys of `event` mappings.
pub const EVENT: &[KeySpec] = &[
    opt("title", Shape::Text, "What happened."),
    opt("actor", Shape::Text, "Who does it."),
    opt("citation", Shape::Text, "Where the policy names it."),
    opt(
        "closes",
        Shape::Bool,
        "The incident is over once this happens.",
    ),
    opt(
        "counts_as",
        Shape::Ident,
        "Another event this one also satisfies (a cancellation counts as a closure).",
    ),
    opt(
        "requires",
        Shape::Ident,
        "An event that must come first (`restored` needs a `restore_decision`): one recorded without it is a data-quality finding, unless the breach of a deadline that `permits` it came first.",
    ),
    opt(
        "milestone",
        Shape::Bool,
        "Report the time to this event in quarterly statistics.",
    ),
    opt(
        "per",
        Shape::Ident,
        "Attribute that scopes the event, e.g. `unit` for operating units.",
    ),
    opt(
        "by",
        Shape::Ident,
        "The call-roster role that carries out this step (`doc-cirt`, `unit-contact`...), for `docket plan`.",
    ),
    opt(
        "notifies",
        Shape::List(&Shape::Ident),
        "The call-roster roles this step notifies (`unit-contact`, `system-owner`, `system-administrator`...), for `docket plan`.",
    ),
];

/// The kinds of classification flags a test case may expect.
pub const FLAG_KINDS: &[&str] = &["gap", "conflict", "missing", "no-start-time", "unallocated"];

/// Keys of `deadline` mappings.
pub const DEADLINE: &[KeySpec] = &[
    req("id", Shape::Ident, "Unique id."),
    opt(
        "title",
        Shape::Text,
        "What must happen, in the policy's words.",
    ),
    req("citation", Shape::Text, "Section of the policy."),
    opt("actor", Shape::Text, "Who must act."),
    req(
        "from",
        Shape::Either(&[Shape::Ident, Shape::List(&Shape::Ident)]),
        "Event that starts the clock; with a list, the first one present in that order.",
    ),
    req(
        "to",
        Shape::Either(&[Shape::Ident, Shape::List(&Shape::Ident)]),
        "Event(s) that stop it; the earliest one counts.",
    ),
    req("within", Shape::Duration, "How long is allowed."),
    opt(
        "applies",
        Shape::Condition,
        "Incidents the deadline applies to (default: all).",
    ),
    opt(
        "per",
        Shape::Ident,
        "Evaluate once per value of this event attribute (e.g. `unit`).",
    ),
    opt(
        "on_breach",
        Shape::Object(ON_BREACH),
        "What the policy says follows a breach.",
    ),
    opt(
        "tests",
        Shape::List(&Shape::Object(TEST)),
        "Test cases next to the rule.",
    ),
];

/// Keys of `on_breach` mappings.
pub const ON_BREACH: &[KeySpec] = &[
    opt("declare", Shape::Bool, "An incident is declared."),
    opt(
        "poam",
        Shape::Bool,
        "A POA&M is owed until the incident closes.",
    ),
    opt(
        "poam_opened_by",
        Shape::Ident,
        "Event that records the POA&M was opened.",
    ),
    opt(
        "notify",
        Shape::Text,
        "Who is owed a one-time notification.",
    ),
    opt(
        "notified_by",
        Shape::Ident,
        "Event that records the notification was sent.",
    ),
    opt(
        "permits",
        Shape::Ident,
        "Event the breach makes permissible (a cease-and-desist order, a restore).",
    ),
    opt(
        "note",
        Shape::Text,
        "What the policy says happens, in its words.",
    ),
];

/// Keys of `mapping` mappings.
pub const MAPPING: &[KeySpec] = &[
    opt(
        "columns",
        Shape::Either(&[
            Shape::List(&Shape::Text),
            Shape::List(&Shape::List(&Shape::Text)),
        ]),
        "For headerless CSV formats (Snort `alert_csv`): the column names in order, or several layouts, chosen by each row's column count.",
    ),
    opt(
        "fields",
        Shape::MapOf(&Shape::Either(&[
            Shape::Text,
            Shape::List(&Shape::Text),
            Shape::Object(FIELD_MAP),
        ])),
        "Record field to input path (`alert.signature`), a list of paths (the first present wins), or a value map.",
    ),
    opt(
        "set",
        Shape::Record,
        "Constant values set on every record of this format.",
    ),
    opt(
        "rules",
        Shape::List(&Shape::Object(MAPPING_RULE)),
        "Ordered rules on the mapped record: each sets the fields still absent when its condition matches, so the first match wins.",
    ),
];

/// Keys of `field_map` mappings.
pub const FIELD_MAP: &[KeySpec] = &[
    req(
        "from",
        Shape::Either(&[Shape::Text, Shape::List(&Shape::Text)]),
        "Input path, or paths tried in order.",
    ),
    opt(
        "map",
        Shape::MapOf(&Shape::Scalar),
        "Input value to record value.",
    ),
    opt(
        "default",
        Shape::Scalar,
        "Record value when the input value is not in `map`.",
    ),
];

/// Keys of `mapping_rule` mappings.
pub const MAPPING_RULE: &[KeySpec] = &[
    req("when", Shape::Condition, "Condition on the mapped record."),
    req("set", Shape::Record, "Values to set."),
    opt("citation", Shape::Text, "Why this mapping holds."),
];

/// Keys of `test` mappings.
pub const TEST: &[KeySpec] = &[
    opt("name", Shape::Text, "What the case shows."),
    opt("record", Shape::Record, "The record to classify."),
    opt(
        "history",
        Shape::Object(HISTORY),
        "An incident history to audit.",
    ),
    opt("as_of", Shape::Timestamp, "For histories: the audit time."),
    req(
        "expect",
        Shape::Object(EXPECT),
        "The outcome the case must get.",
    ),
];

/// Keys of `history` mappings.
pub const HISTORY: &[KeySpec] = &[
    opt(
        "attributes",
        Shape::Record,
        "Incident attributes (level, category, compromised...).",
    ),
    req(
        "events",
        Shape::List(&Shape::Object(HISTORY_EVENT)),
        "Timeline events.",
    ),
];

/// Keys of `history_event` mappings.
pub const HISTORY_EVENT: &[KeySpec] = &[
    req("event", Shape::Ident, "Event id."),
    req("at", Shape::Timestamp, "When it happened."),
    opt(
        "unit",
        Shape::Text,
        "Operating unit, for unit-level events.",
    ),
];

/// Keys of `expect` mappings.
pub const EXPECT: &[KeySpec] = &[
    opt("level", Shape::Ident, "Expected level, or `unclassified`."),
    opt(
        "declared",
        Shape::Keyword(&["yes", "no", "review"]),
        "Expected declaration outcome.",
    ),
    opt("rule", Shape::Ident, "Expected deciding criterion."),
    opt("trigger", Shape::Ident, "Expected deciding trigger."),
    opt("due_by", Shape::Timestamp, "Expected response due time."),
    opt(
        "incident_number",
        Shape::Text,
        "Expected incident number (`ITN-...`), or `none` when the record gets none.",
    ),
    opt(
        "flags",
        Shape::List(&Shape::Keyword(FLAG_KINDS)),
        "Expected review flags, by kind; the set must be equal.",
    ),
    opt(
        "findings",
        Shape::MapOf(&Shape::Keyword(&[
            "met",
            "breached",
            "overdue",
            "pending",
            "not-applicable",
        ])),
        "Expected status per deadline id.",
    ),
];
