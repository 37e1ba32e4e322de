//! Deciding a deadline's `applies` condition from what the incident
//! handler knows when planning.
//!
//! A plan is made before most of an incident's attributes are known. The
//! attributes given (`--level high`, `--attr compromised=true`) decide a
//! condition when they are enough; a condition that still depends on an
//! attribute nobody gave is left open, and the plan lists its step as
//! conditional with the condition in words.

use crate::condition::Condition;
use crate::condition::trace::describe_test;
use crate::record::Record;
use crate::ruleset::Ruleset;
use crate::ruleset::model::FieldId;

/// The incident attributes given for a plan.
#[derive(Clone, Debug, Default)]
pub struct Known {
    /// Their values (the others absent).
    pub record: Record,
    /// The fields given; a field not given is unknown, not absent.
    pub given: Vec<FieldId>,
}

impl Known {
    /// Nothing known, for a ruleset with `fields` fields.
    pub fn nothing(fields: usize) -> Known {
        Known {
            record: Record::with_fields(fields),
            given: Vec::new(),
        }
    }

    /// Records a given value.
    pub fn give(&mut self, field: FieldId, value: crate::record::Value) {
        self.record.set(field, Some(value));
        if !self.given.contains(&field) {
            self.given.push(field);
        }
    }
}

/// Whether `condition` holds for what is known: `Some(true)` or
/// `Some(false)` when the given attributes decide it, `None` when it
/// depends on one that was not given.
pub fn decide(condition: &Condition, known: &Known) -> Option<bool> {
    match condition {
        Condition::All(items, _) => {
            let mut open = false;
            for item in items {
                match decide(item, known) {
                    Some(false) => return Some(false),
                    None => open = true,
                    Some(true) => {}
                }
            }
            if open { None } else { Some(true) }
        }
        Condition::Any(items, _) => {
            let mut open = false;
            for item in items {
                match decide(item, known) {
                    Some(true) => return Some(true),
                    None => open = true,
                    Some(false) => {}
                }
            }
            if open { None } else { Some(false) }
        }
        Condition::Not(inner, _) => decide(inner, known).map(|b| !b),
        Condition::Test(test) => known
            .given
            .contains(&test.field)
            .then(|| test.matches(known.record.get(test.field))),
    }
}

/// The condition in words: `level = high`, `any of (compromised = true;
/// category = root-compromise)`.
pub fn describe(condition: &Condition, ruleset: &Ruleset) -> String {
    let join = |items: &[Condition]| {
        items
            .iter()
            .map(|c| describe(c, ruleset))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match condition {
        Condition::All(items, _) if items.len() == 1 => join(items),
        Condition::All(items, _) => format!("all of ({})", join(items)),
        Condition::Any(items, _) => format!("any of ({})", join(items)),
        Condition::Not(inner, _) => format!("not ({})", describe(inner, ruleset)),
        Condition::Test(test) => describe_test(test, ruleset),
    }
}
