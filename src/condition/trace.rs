//! Explaining a verdict: every test of a condition with the value it saw.

use serde::Serialize;

use super::{Condition, Literal, Op, Operand, Test};
use crate::record::{Record, Value, format_number};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, FieldType};

/// One node of an explained condition.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Trace {
    /// What the node tests, in words (`loss_usd > 100000 (major_loss_usd)`).
    pub test: String,
    /// Whether it held.
    pub verdict: bool,
    /// The value the test saw (`absent` if none); only for field tests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saw: Option<String>,
    /// The parts of a combination.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Trace>,
}

impl Condition {
    /// Evaluates the condition and records every step.
    pub fn trace(&self, record: &Record, ruleset: &Ruleset) -> Trace {
        let combine = |name: &str, items: &[Condition]| {
            let parts: Vec<Trace> = items.iter().map(|c| c.trace(record, ruleset)).collect();
            (name.to_owned(), parts)
        };
        match self {
            Condition::All(items, _) => {
                let (test, parts) = combine("all of", items);
                Trace {
                    verdict: parts.iter().all(|p| p.verdict),
                    test,
                    saw: None,
                    parts,
                }
            }
            Condition::Any(items, _) => {
                let (test, parts) = combine("any of", items);
                Trace {
                    verdict: parts.iter().any(|p| p.verdict),
                    test,
                    saw: None,
                    parts,
                }
            }
            Condition::Not(inner, _) => {
                let part = inner.trace(record, ruleset);
                Trace {
                    verdict: !part.verdict,
                    test: "not".to_owned(),
                    saw: None,
                    parts: vec![part],
                }
            }
            Condition::Test(test) => Trace {
                test: describe_test(test, ruleset),
                verdict: test.matches(record.get(test.field)),
                saw: Some(value_text(ruleset, test.field, record.get(test.field))),
                parts: Vec::new(),
            },
        }
    }
}

/// A value as people read it: enum codes by name, `absent` for none.
pub fn value_text(ruleset: &Ruleset, field: FieldId, value: Option<&Value>) -> String {
    match (value, &ruleset.field(field).ty) {
        (None, _) => "absent".to_owned(),
        (Some(Value::Enum(i)), FieldType::Enum(spec)) => spec.code(*i).to_owned(),
        (Some(Value::Time(t)), _) => t
            .with_timezone(&ruleset.meta.timezone.value)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        (Some(v), _) => v.to_string(),
    }
}

fn literal_text(ruleset: &Ruleset, field: FieldId, literal: &Literal) -> String {
    match (literal, &ruleset.field(field).ty) {
        (Literal::Enum(i), FieldType::Enum(spec)) => spec.code(*i).to_owned(),
        (Literal::Str(s), _) => format!("\"{s}\""),
        (Literal::Enum(i), _) => i.to_string(),
        (Literal::Bool(b), _) => b.to_string(),
        (Literal::Number(n), _) => format_number(*n),
        (Literal::Ip(ip), _) => ip.to_string(),
    }
}

/// A test in words.
pub fn describe_test(test: &Test, ruleset: &Ruleset) -> String {
    let name = &ruleset.field(test.field).name.value;
    let list = |items: Vec<String>| items.join(", ");
    match &test.op {
        Op::Exists(true) => format!("{name} is present"),
        Op::Exists(false) => format!("{name} is absent"),
        Op::OneOf { values, lists } => {
            let from = lists
                .iter()
                .map(|l| ruleset.list(l).name.value.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let values: Vec<String> = values
                .iter()
                .map(|v| literal_text(ruleset, test.field, v))
                .collect();
            match (values.as_slice(), from.is_empty()) {
                ([one], true) => format!("{name} = {one}"),
                (_, true) => format!("{name} is one of {}", list(values)),
                (_, false) => format!("{name} is in list {from} ({})", list(values)),
            }
        }
        Op::Compare(cmp, Operand::Number { value, threshold }) => {
            let bound = format_number(*value);
            match threshold {
                Some(t) => format!(
                    "{name} {} {bound} (threshold {})",
                    cmp.symbol(),
                    ruleset.threshold(t).name.value
                ),
                None => format!("{name} {} {bound}", cmp.symbol()),
            }
        }
        Op::Compare(cmp, Operand::Time(t)) => format!("{name} {} {}", cmp.symbol(), t.to_rfc3339()),
        Op::Text(kind, needles) => {
            let verb = kind.name().replace('_', " ");
            format!(
                "{name} {verb} {}",
                list(needles.iter().map(|n| format!("\"{n}\"")).collect())
            )
        }
        Op::Matches(regexes) => format!(
            "{name} matches {}",
            list(
                regexes
                    .iter()
                    .map(|r| format!("/{}/", r.as_str()))
                    .collect()
            )
        ),
        Op::Cidr { nets, .. } => format!(
            "{name} is in {}",
            list(nets.iter().map(ToString::to_string).collect())
        ),
    }
}
