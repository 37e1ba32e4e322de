//! Conditions indexed by the enumeration code they require, so that a
//! record is checked only against the rules that can match it.
//!
//! Most criteria require one `category` (or a few); a record of category
//! `scan-probe` cannot match `high.break-in`. For a list of conditions the
//! index picks the enumeration field that the most of them require a code
//! of, and keeps for each code the conditions that may hold: those
//! requiring that code and those requiring nothing of the field. A
//! condition requires a code set when every way of satisfying it tests the
//! field with `OneOf` enumeration codes (an `all:` with such a test, an
//! `any:` all of whose branches have one). Candidates keep list order, so
//! evaluating them gives exactly what evaluating every condition gives.

use std::collections::BTreeSet;

use crate::condition::{Condition, Literal, Op};
use crate::record::{Record, Value};
use crate::ruleset::model::FieldId;

/// Candidate conditions by the code of one enumeration field.
#[derive(Debug, Clone)]
pub struct ConditionIndex {
    field: Option<FieldId>,
    /// Every condition, in order: for records the index cannot narrow.
    all: Vec<usize>,
    /// Conditions that hold without the field.
    absent: Vec<usize>,
    /// By code: the conditions that may hold.
    by_code: Vec<Vec<usize>>,
}

impl ConditionIndex {
    /// Indexes `conditions` (in order).
    pub fn new(conditions: &[&Condition]) -> Self {
        let all: Vec<usize> = (0..conditions.len()).collect();
        let mut fields: Vec<FieldId> = conditions
            .iter()
            .flat_map(|c| c.tests())
            .filter(|t| enum_codes(&t.op).is_some())
            .map(|t| t.field)
            .collect();
        fields.sort_by_key(|f| f.index());
        fields.dedup();
        let keyed = |field: FieldId| {
            conditions
                .iter()
                .filter(|c| required_codes(c, field).is_some())
                .count()
        };
        let best = fields
            .into_iter()
            .map(|f| (keyed(f), f))
            .filter(|(n, _)| *n > 1)
            .max_by_key(|(n, f)| (*n, std::cmp::Reverse(f.index())));
        let Some((_, field)) = best else {
            return ConditionIndex {
                field: None,
                absent: all.clone(),
                all,
                by_code: Vec::new(),
            };
        };
        let required: Vec<Option<BTreeSet<u32>>> = conditions
            .iter()
            .map(|c| required_codes(c, field))
            .collect();
        let codes = required
            .iter()
            .flatten()
            .flat_map(|s| s.iter().copied())
            .max()
            .map_or(0, |m| m as usize + 1);
        let by_code = (0..codes)
            .map(|code| {
                let code = code as u32;
                all.iter()
                    .copied()
                    .filter(|i| {
                        required
                            .get(*i)
                            .and_then(Option::as_ref)
                            .is_none_or(|s| s.contains(&code))
                    })
                    .collect()
            })
            .collect();
        let absent = all
            .iter()
            .copied()
            .filter(|i| required.get(*i).is_some_and(Option::is_none))
            .collect();
        ConditionIndex {
            field: Some(field),
            all,
            absent,
            by_code,
        }
    }

    /// The conditions that may hold for `record`, in order.
    pub fn candidates(&self, record: &Record) -> &[usize] {
        let Some(field) = self.field else {
            return &self.all;
        };
        match record.get(field) {
            None => &self.absent,
            Some(Value::Enum(code)) => self
                .by_code
                .get(*code as usize)
                .map_or(&self.absent, Vec::as_slice),
            Some(_) => &self.all,
        }
    }
}

/// The enumeration codes a `OneOf` test accepts, if it is one.
fn enum_codes(op: &Op) -> Option<BTreeSet<u32>> {
    match op {
        Op::OneOf { values, .. } => values
            .iter()
            .map(|v| match v {
                Literal::Enum(code) => Some(*code),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// The codes of `field` one of which a record must have to satisfy
/// `condition`; `None` when it may hold whatever the field (or without it).
fn required_codes(condition: &Condition, field: FieldId) -> Option<BTreeSet<u32>> {
    match condition {
        Condition::Test(test) if test.field == field => enum_codes(&test.op),
        Condition::Test(_) | Condition::Not(..) => None,
        Condition::All(items, _) => items
            .iter()
            .filter_map(|c| required_codes(c, field))
            .reduce(|a, b| a.intersection(&b).copied().collect()),
        Condition::Any(items, _) => {
            let mut union = BTreeSet::new();
            for item in items {
                union.extend(required_codes(item, field)?);
            }
            (!items.is_empty()).then_some(union)
        }
    }
}
