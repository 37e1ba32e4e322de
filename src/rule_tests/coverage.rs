//! Rule coverage: is every rule pinned down by a test that would fail if
//! the rule changed?
//!
//! Two kinds of requirement are counted:
//!
//! - every criterion, trigger and deadline is *decided* by at least one
//!   passing case that asserts the outcome (see [`super::CaseResult::decided`]);
//! - every numeric comparison (`gt: major_loss_usd`) has passing cases just
//!   below, at and just above its bound, since an off-by-one between
//!   "exceeding" and "at least" is exactly the mistake a policy encoding makes.
//!   "Just" means within one unit of the field (a cent, or 1) or 1 % of the
//!   bound, whichever is larger.

use crate::condition::{Condition, Op, Operand};
use crate::record::{Value, format_number};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, FieldType, RuleRef};
use crate::source::Span;

use super::{Actual, TestRun};

/// Which side of a bound a case must test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// Just below.
    Below,
    /// Exactly at.
    At,
    /// Just above.
    Above,
}

impl Side {
    /// The word used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Below => "just below",
            Side::At => "at",
            Side::Above => "just above",
        }
    }
}

/// Something the tests must exercise.
#[derive(Clone, Debug, PartialEq)]
pub enum Requirement {
    /// A criterion, trigger or deadline decided by a passing case.
    Rule(RuleRef),
    /// A case on one side of a numeric bound of one field.
    Boundary {
        /// The field compared.
        field: FieldId,
        /// The bound.
        value: f64,
        /// The threshold's name, when the bound is a named threshold.
        threshold: Option<String>,
        /// Which side.
        side: Side,
    },
}

/// One requirement and whether it is met.
#[derive(Clone, Debug)]
pub struct Item {
    /// What must be exercised.
    pub requirement: Requirement,
    /// Where the rule or bound is written.
    pub span: Span,
    /// Whether a passing case exercises it.
    pub covered: bool,
}

impl Item {
    /// The requirement in words: `criterion high.dos`,
    /// `threshold major_loss_usd (100000) on loss_usd: just below`.
    pub fn describe(&self, ruleset: &Ruleset) -> String {
        match &self.requirement {
            Requirement::Rule(RuleRef::Criterion(id)) => format!("criterion {id}"),
            Requirement::Rule(RuleRef::Trigger(id)) => format!("trigger {id}"),
            Requirement::Rule(RuleRef::Deadline(id)) => format!("deadline {id}"),
            Requirement::Boundary {
                field,
                value,
                threshold,
                side,
            } => {
                let bound = match threshold {
                    Some(name) => format!("threshold {name} ({})", format_number(*value)),
                    None => format!("bound {}", format_number(*value)),
                };
                format!(
                    "{bound} on {}: a case {}",
                    ruleset.field(*field).name.value,
                    side.as_str()
                )
            }
        }
    }
}

impl Item {
    /// How to meet the requirement, for a help line.
    pub fn help(&self, ruleset: &Ruleset) -> String {
        match &self.requirement {
            Requirement::Rule(_) => {
                "add a passing case under this rule (or in a `tests:` section) that it decides and whose outcome the case asserts".to_owned()
            }
            Requirement::Boundary {
                field, value, side, ..
            } => {
                let step = step(&ruleset.field(*field).ty);
                let example = match side {
                    Side::Below => value - step,
                    Side::At => *value,
                    Side::Above => value + step,
                };
                format!(
                    "add a passing record case with `{}: {}`",
                    ruleset.field(*field).name.value,
                    format_number(example)
                )
            }
        }
    }
}

/// The coverage of a ruleset by its tests.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    /// Every requirement, rules first (in ruleset order), then bounds.
    pub items: Vec<Item>,
}

impl Coverage {
    /// How many requirements are met.
    pub fn covered(&self) -> usize {
        self.items.iter().filter(|i| i.covered).count()
    }

    /// The share of requirements met, in percent (100 when there are none).
    pub fn percent(&self) -> f64 {
        if self.items.is_empty() {
            100.0
        } else {
            100.0 * self.covered() as f64 / self.items.len() as f64
        }
    }

    /// The requirements no passing case meets.
    pub fn uncovered(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| !i.covered)
    }
}

/// Measures how well `run` (a run of every case of `ruleset`) covers it.
pub fn measure(ruleset: &Ruleset, run: &TestRun) -> Coverage {
    let passing: Vec<_> = run.results.iter().filter(|r| r.passed()).collect();
    let decided = |rule: &RuleRef| passing.iter().any(|r| r.decided.contains(rule));
    let mut items = Vec::new();
    let rules = ruleset
        .criteria
        .iter()
        .map(|c| (RuleRef::Criterion(c.id.value.clone()), c.id.span))
        .chain(
            ruleset
                .triggers
                .iter()
                .map(|t| (RuleRef::Trigger(t.id.value.clone()), t.id.span)),
        )
        .chain(
            ruleset
                .deadlines
                .iter()
                .map(|d| (RuleRef::Deadline(d.id.value.clone()), d.id.span)),
        );
    for (rule, span) in rules {
        items.push(Item {
            covered: decided(&rule),
            requirement: Requirement::Rule(rule),
            span,
        });
    }
    for bound in bounds(ruleset) {
        let step = step(&ruleset.field(bound.field).ty).max(bound.value.abs() * 0.01);
        for side in [Side::Below, Side::At, Side::Above] {
            let hit = |v: f64| match side {
                Side::Below => v < bound.value && v >= bound.value - step,
                Side::At => v == bound.value,
                Side::Above => v > bound.value && v <= bound.value + step,
            };
            let covered = passing.iter().any(|r| match &r.actual {
                Some(Actual::Record(got)) => {
                    matches!(got.record.get(bound.field), Some(Value::Number(v)) if hit(*v))
                }
                _ => false,
            });
            items.push(Item {
                requirement: Requirement::Boundary {
                    field: bound.field,
                    value: bound.value,
                    threshold: bound.threshold.clone(),
                    side,
                },
                span: bound.span,
                covered,
            });
        }
    }
    Coverage { items }
}

/// One numeric bound a condition compares a field with.
struct Bound {
    field: FieldId,
    value: f64,
    threshold: Option<String>,
    /// The threshold's definition, or the comparison for a literal.
    span: Span,
}

/// Every distinct (field, bound) compared in a criterion, trigger or
/// deadline condition, in the order first written.
fn bounds(ruleset: &Ruleset) -> Vec<Bound> {
    let conditions = ruleset.rule_conditions();
    let mut out: Vec<Bound> = Vec::new();
    for condition in conditions {
        for test in Condition::tests(condition) {
            let Op::Compare(_, Operand::Number { value, threshold }) = &test.op else {
                continue;
            };
            if out
                .iter()
                .any(|b| b.field == test.field && b.value == *value)
            {
                continue;
            }
            let named = threshold.map(|t| ruleset.threshold(t));
            out.push(Bound {
                field: test.field,
                value: *value,
                threshold: named.map(|t| t.name.value.clone()),
                span: named.map_or(test.span, |t| t.name.span),
            });
        }
    }
    out
}

/// The smallest step of a numeric field.
fn step(ty: &FieldType) -> f64 {
    match ty {
        FieldType::Money => 0.01,
        _ => 1.0,
    }
}

/// The kind of a requirement: `criterion`, `trigger`, `deadline` or `bound`.
pub fn kind(requirement: &Requirement) -> &'static str {
    match requirement {
        Requirement::Rule(RuleRef::Criterion(_)) => "criterion",
        Requirement::Rule(RuleRef::Trigger(_)) => "trigger",
        Requirement::Rule(RuleRef::Deadline(_)) => "deadline",
        Requirement::Boundary { .. } => "bound",
    }
}
