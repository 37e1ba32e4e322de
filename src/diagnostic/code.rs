//! The stable identifiers of everything `docket check` can report.

/// What kind of problem a diagnostic reports.
///
/// The kebab-case names ([`Code::as_str`]) are a contract: CI filters, SARIF
/// rule ids and the README's table of diagnostics all use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// A file could not be read.
    Io,
    /// The file is not valid YAML.
    YamlSyntax,
    /// The file exceeds a size or complexity budget (an alias bomb, say).
    YamlBudget,
    /// A mapping key the ruleset format does not know.
    UnknownKey,
    /// A key the ruleset format requires is absent.
    MissingKey,
    /// A value has the wrong YAML shape (a list where a mapping belongs).
    WrongType,
    /// A value has the right shape but cannot be used (a bad date, duration,
    /// regular expression, time zone or network prefix).
    InvalidValue,
    /// A condition names a record field the ruleset does not define.
    UnknownField,
    /// A condition uses an operator docket does not know.
    UnknownOperator,
    /// An operator that does not fit the field's type (`gt` on a string).
    OperatorType,
    /// An enumeration field compared with a value outside its set.
    UnknownEnumValue,
    /// A reference to a list, threshold, level, event or field that does not exist.
    DanglingReference,
    /// Two definitions share one id.
    DuplicateId,
    /// Files include each other in a loop.
    IncludeCycle,
    /// A key that is valid only in the root file, or only outside it.
    MisplacedKey,
    /// A condition tests a value that is not known yet where it is evaluated
    /// (a criterion testing `level`, which the criteria decide).
    DerivedField,
    /// Values between two criteria that neither covers (a policy gap).
    NumericGap,
    /// Values that two criteria of different levels both cover.
    NumericOverlap,
    /// A criterion that a more severe one with a weaker condition always beats.
    ShadowedCriterion,
    /// A declare trigger and a withhold trigger that can match the same record.
    DeclarationConflict,
    /// A condition no record can satisfy.
    Unsatisfiable,
    /// An event no deadline, ordering rule or report uses.
    UnusedEvent,
    /// A list or threshold nothing references.
    UnusedDefinition,
    /// A deadline that can never start.
    DeadlineCannotStart,
    /// A rule test whose outcome differs from what it expects.
    TestFailed,
    /// A rule test that could not be run.
    TestError,
    /// A rule or bound no passing test exercises (`docket test --coverage`).
    Uncovered,
    /// An operating unit or agency with no primary contact on the call
    /// roster, or without someone in a role the roster requires.
    MissingContact,
    /// People on the call roster who call each other in a loop.
    CallCycle,
    /// Someone on the call roster with no pager, phone, e-mail or fax.
    NoContactMethod,
    /// A system's owner or administrator who is not on the call roster.
    OwnerNotOnRoster,
}

impl Code {
    /// Every code, in documentation order.
    pub const ALL: &'static [Code] = &[
        Code::Io,
        Code::YamlSyntax,
        Code::YamlBudget,
        Code::UnknownKey,
        Code::MissingKey,
        Code::WrongType,
        Code::InvalidValue,
        Code::UnknownField,
        Code::UnknownOperator,
        Code::OperatorType,
        Code::UnknownEnumValue,
        Code::DanglingReference,
        Code::DuplicateId,
        Code::IncludeCycle,
        Code::MisplacedKey,
        Code::DerivedField,
        Code::NumericGap,
        Code::NumericOverlap,
        Code::ShadowedCriterion,
        Code::DeclarationConflict,
        Code::Unsatisfiable,
        Code::UnusedEvent,
        Code::UnusedDefinition,
        Code::DeadlineCannotStart,
        Code::TestFailed,
        Code::TestError,
        Code::Uncovered,
        Code::MissingContact,
        Code::CallCycle,
        Code::NoContactMethod,
        Code::OwnerNotOnRoster,
    ];

    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::YamlSyntax => "yaml-syntax",
            Code::YamlBudget => "yaml-budget",
            Code::UnknownKey => "unknown-key",
            Code::MissingKey => "missing-key",
            Code::WrongType => "wrong-type",
            Code::InvalidValue => "invalid-value",
            Code::UnknownField => "unknown-field",
            Code::UnknownOperator => "unknown-operator",
            Code::OperatorType => "operator-type",
            Code::UnknownEnumValue => "unknown-enum-value",
            Code::DanglingReference => "dangling-reference",
            Code::DuplicateId => "duplicate-id",
            Code::IncludeCycle => "include-cycle",
            Code::MisplacedKey => "misplaced-key",
            Code::DerivedField => "derived-field",
            Code::NumericGap => "numeric-gap",
            Code::NumericOverlap => "numeric-overlap",
            Code::ShadowedCriterion => "shadowed-criterion",
            Code::DeclarationConflict => "declaration-conflict",
            Code::Unsatisfiable => "unsatisfiable",
            Code::UnusedEvent => "unused-event",
            Code::UnusedDefinition => "unused-definition",
            Code::DeadlineCannotStart => "deadline-cannot-start",
            Code::TestFailed => "test-failed",
            Code::TestError => "test-error",
            Code::Uncovered => "uncovered",
            Code::MissingContact => "missing-contact",
            Code::CallCycle => "call-cycle",
            Code::NoContactMethod => "no-contact-method",
            Code::OwnerNotOnRoster => "owner-not-on-roster",
        }
    }

    /// A one-line description, for `--format json` consumers and SARIF rules.
    pub fn description(self) -> &'static str {
        match self {
            Code::Io => "a file could not be read",
            Code::YamlSyntax => "the file is not valid YAML",
            Code::YamlBudget => "the file exceeds a size or complexity limit",
            Code::UnknownKey => "a key the ruleset format does not know",
            Code::MissingKey => "a required key is missing",
            Code::WrongType => "a value has the wrong shape",
            Code::InvalidValue => "a value cannot be used",
            Code::UnknownField => "a condition names an undefined record field",
            Code::UnknownOperator => "a condition uses an unknown operator",
            Code::OperatorType => "an operator does not fit the field's type",
            Code::UnknownEnumValue => "a value outside the field's enumeration",
            Code::DanglingReference => "a reference to something undefined",
            Code::DuplicateId => "two definitions share an id",
            Code::IncludeCycle => "files include each other in a loop",
            Code::MisplacedKey => "a key in a file where it is not allowed",
            Code::DerivedField => "a condition tests a value not known at that point",
            Code::NumericGap => "values that no criterion covers between two criteria",
            Code::NumericOverlap => "values that criteria of different levels both cover",
            Code::ShadowedCriterion => "a criterion that can never decide the outcome",
            Code::DeclarationConflict => "triggers that both require and forbid declaring a record",
            Code::Unsatisfiable => "a condition that no record can satisfy",
            Code::UnusedEvent => "an event nothing uses",
            Code::UnusedDefinition => "a list or threshold nothing references",
            Code::DeadlineCannotStart => "a deadline that can never start",
            Code::TestFailed => "a rule test got another outcome than it expects",
            Code::TestError => "a rule test could not be run",
            Code::Uncovered => "a rule or bound that no passing test exercises",
            Code::MissingContact => "a unit or agency without a primary contact on the roster",
            Code::CallCycle => "people on the call roster who call each other in a loop",
            Code::NoContactMethod => "someone on the call roster with no way to reach them",
            Code::OwnerNotOnRoster => "a system owner or administrator missing from the roster",
        }
    }

    /// Whether `docket check` reports this code about a ruleset; the others
    /// come from running rule tests (`docket test`) or from checking a call
    /// roster and inventory ([`is_from_roster_check`](Self::is_from_roster_check)).
    pub fn is_from_check(self) -> bool {
        !matches!(self, Code::TestFailed | Code::TestError | Code::Uncovered)
            && !self.is_from_roster_check()
    }

    /// Whether `docket check --roster` reports this code about a call
    /// roster and a system inventory (fixtures under `fixtures/plan/`).
    pub fn is_from_roster_check(self) -> bool {
        matches!(
            self,
            Code::MissingContact | Code::CallCycle | Code::NoContactMethod | Code::OwnerNotOnRoster
        )
    }

    /// The text under the primary span when the check gives none.
    pub(crate) fn default_label(self) -> &'static str {
        match self {
            Code::UnknownKey => "unknown key",
            Code::UnknownField => "unknown field",
            Code::UnknownOperator => "unknown operator",
            Code::DuplicateId => "defined again here",
            Code::Unsatisfiable => "no record can meet it",
            Code::UnusedDefinition => "nothing references it",
            _ => "here",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code name {name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name} is not kebab-case"
            );
        }
    }
}
