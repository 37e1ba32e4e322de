//! Evaluating conditions against records.
//!
//! Text comparisons ignore ASCII case: IDS signatures and complaint forms
//! spell the same thing in many cases (`ET SCAN`, `et scan`), and a policy
//! writer should not have to think about it. Regular expressions are
//! compiled case-insensitive for the same reason.

use super::{Cmp, Condition, Op, Operand, Test, TextOp};
use crate::record::{Record, Value};

impl Condition {
    /// Whether `record` satisfies the condition.
    pub fn matches(&self, record: &Record) -> bool {
        match self {
            Condition::All(items, _) => items.iter().all(|c| c.matches(record)),
            Condition::Any(items, _) => items.iter().any(|c| c.matches(record)),
            Condition::Not(inner, _) => !inner.matches(record),
            Condition::Test(test) => test.matches(record.get(test.field)),
        }
    }
}

impl Condition {
    /// Whether `record` satisfies the condition when every test of `field`
    /// is taken as passed: "would this criterion match, whatever the value
    /// of `field`?", the question a policy gap asks.
    pub fn matches_ignoring(&self, field: crate::ruleset::model::FieldId, record: &Record) -> bool {
        match self {
            Condition::All(items, _) => items.iter().all(|c| c.matches_ignoring(field, record)),
            Condition::Any(items, _) => items.iter().any(|c| c.matches_ignoring(field, record)),
            Condition::Not(inner, _) => !inner.matches_ignoring(field, record),
            Condition::Test(test) if test.field == field => true,
            Condition::Test(test) => test.matches(record.get(test.field)),
        }
    }
}

impl Test {
    /// Whether a field value (absent: `None`) passes this test. Every
    /// operator but `exists: false` fails on an absent value.
    pub fn matches(&self, value: Option<&Value>) -> bool {
        let Some(value) = value else {
            return matches!(self.op, Op::Exists(false));
        };
        match &self.op {
            Op::Exists(expected) => *expected,
            Op::OneOf { values, .. } => values.iter().any(|l| l.equals(value)),
            Op::Compare(cmp, operand) => compare(*cmp, operand, value),
            Op::Text(kind, needles) => match value {
                Value::Str(s) => needles.iter().any(|n| text_matches(*kind, s, n)),
                _ => false,
            },
            Op::Matches(regexes) => match value {
                Value::Str(s) => regexes.iter().any(|r| r.is_match(s)),
                _ => false,
            },
            Op::Cidr { nets, .. } => match value {
                Value::Ip(ip) => nets.iter().any(|n| n.contains(ip)),
                _ => false,
            },
        }
    }
}

fn compare(cmp: Cmp, operand: &Operand, value: &Value) -> bool {
    let ordering = match (operand, value) {
        (Operand::Number { value: bound, .. }, Value::Number(v)) => v.partial_cmp(bound),
        (Operand::Time(bound), Value::Time(v)) => Some(v.cmp(bound)),
        _ => None,
    };
    cmp.holds(ordering)
}

/// Case-insensitive (ASCII) text test without allocating; `needle` is
/// already lowercase.
fn text_matches(kind: TextOp, haystack: &str, needle: &str) -> bool {
    kind.holds(haystack.as_bytes(), needle.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_tests_ignore_ascii_case() {
        assert!(text_matches(
            TextOp::StartsWith,
            "ET SCAN Potential SSH Scan",
            "et scan"
        ));
        assert!(text_matches(TextOp::Contains, "ET P2P BitTorrent", "p2p"));
        assert!(text_matches(
            TextOp::EndsWith,
            "x.exe",
            ".EXE".to_ascii_lowercase().as_str()
        ));
        assert!(!text_matches(TextOp::StartsWith, "ET", "et scan"));
        assert!(!text_matches(TextOp::Contains, "ET POLICY", "p2p"));
    }

    #[test]
    fn comparisons_are_strict_where_the_policy_says_so() {
        let bound = Operand::Number {
            value: 100_000.0,
            threshold: None,
        };
        let at = Value::Number(100_000.0);
        assert!(!compare(Cmp::Gt, &bound, &at));
        assert!(!compare(Cmp::Lt, &bound, &at));
        assert!(compare(Cmp::Gte, &bound, &at));
        assert!(compare(Cmp::Lte, &bound, &at));
        assert!(compare(Cmp::Gt, &bound, &Value::Number(100_000.01)));
        assert!(!compare(Cmp::Gt, &bound, &Value::Str("x".into())));
    }
}
