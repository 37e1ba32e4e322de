//! The key of a record's decision: everything the ruleset's conditions can
//! tell apart about the record, packed into one integer.
//!
//! A record's level, deciding rule, matching criteria, fired triggers,
//! declaration and its gap, missing-value and conflict flags follow from
//! the outcomes of the tests its conditions contain (criteria, triggers,
//! splits, gaps), and from nothing else: a compiled condition is a tree of
//! `all`/`any`/`not` over its tests. Two records on which every test
//! comes out the same are decided the same. The key holds, field by
//! field, enough to know every test's outcome:
//!
//! - an enumeration or a boolean, its value itself (absent, or which code
//!   or boolean); any test of the field is a function of it;
//! - any other field, whether it is present and, if so, the outcome of
//!   each distinct test of it (one bit per test) but `exists`, which its
//!   presence answers. Text, numbers and times thus key by what the policy
//!   asks of them (`loss_usd` over $100,000 or not), not by their value.
//!
//! The fields are those the conditions test, derived from the compiled
//! conditions themselves, never listed by hand. `level` is special: the
//! triggers test the level the criteria gave, which the key decides, so
//! the key holds `level` only if a criterion reads it as the record
//! brings it. A record with a value its field's keying cannot hold (an
//! enumeration code beyond the field's) has no key and is decided afresh.
//!
//! Everything else in a classification (the agency, the due time, the
//! incident number, whether the addresses are unallocated, the start
//! time's absence) reads more of the record and is computed for each.

use super::gap::GapTest;
use crate::condition::compiled::{Check, Program};
use crate::record::{Record, Value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, FieldType};

/// A record's decision key.
pub type Key = u64;

/// Most bits a key may take: rulesets testing more keep deciding each
/// record afresh. (The USDA ruleset fits, as tests/remembered_decisions.rs
/// checks; the DOC one tests nothing.)
const KEY_BITS: u32 = Key::BITS;

/// How to compute the key of records for one ruleset.
#[derive(Debug)]
pub struct DecisionKey {
    /// The tested fields, each at its place in the key.
    fields: Box<[KeyField]>,
}

/// One tested field and where its class goes in the key.
#[derive(Debug)]
struct KeyField {
    field: FieldId,
    /// The position of the field's lowest bit in the key.
    shift: u32,
    keying: Keying,
}

/// How a field's value is reduced to its class, a small number; an absent
/// value is class 0 whatever the keying.
#[derive(Debug)]
enum Keying {
    /// An enumeration of this many codes: code `c` is class `c + 1`.
    Codes(u32),
    /// A boolean: `false` is 1, `true` is 2.
    Bool,
    /// Any other type: 1, plus a bit per question that the value passes.
    Answers(Box<[Question]>),
}

/// One thing the conditions ask of a field's value.
#[derive(Debug)]
enum Question {
    /// Whether the value passes a test of the conditions.
    Passes(Check),
    /// Whether the value is one a policy gap leaves uncovered.
    InGap(GapTest),
}

/// What the key is derived from: every compiled condition whose outcome is
/// part of the decision, and the fields read besides.
pub struct Readers<'a> {
    /// Conditions evaluated before the level is set (the criteria).
    pub before_level: Vec<&'a Program>,
    /// Conditions evaluated after it (triggers, splits, gaps' criteria).
    pub after_level: Vec<&'a Program>,
    /// The gaps, whose fields' values are asked whether they fall in them.
    pub gaps: &'a [GapTest],
    /// Fields whose mere presence is read (the splits' fields).
    pub presence: Vec<FieldId>,
    /// The field the level is written to before `after_level` run.
    pub level_field: Option<FieldId>,
}

impl DecisionKey {
    /// The key of `ruleset`'s decisions, read by `readers`; `None` if it
    /// would not fit in a [`Key`].
    pub fn new(ruleset: &Ruleset, readers: &Readers<'_>) -> Option<Self> {
        // By field index: the questions asked of the field, if it is read.
        let mut read: Vec<Option<Vec<Question>>> = Vec::new();
        let mut ask = |field: FieldId, question: Option<Question>| {
            let i = field.index();
            if read.len() <= i {
                read.resize_with(i + 1, || None);
            }
            if let Some(asked) = read.get_mut(i) {
                let asked = asked.get_or_insert_with(Vec::new);
                if let Some(q) = question {
                    if !asked.iter().any(|a| a.same_as(&q)) {
                        asked.push(q);
                    }
                }
            }
        };
        let after_level = readers
            .after_level
            .iter()
            .copied()
            .chain(readers.gaps.iter().map(GapTest::below));
        let tests = readers.before_level.iter().flat_map(|p| p.tests()).chain(
            after_level
                .flat_map(|p| p.tests())
                .filter(|(field, _)| Some(*field) != readers.level_field),
        );
        for (field, check) in tests {
            ask(field, Question::of(check));
        }
        for gap in readers.gaps {
            ask(gap.field(), Some(Question::InGap(gap.clone())));
        }
        for field in &readers.presence {
            ask(*field, None);
        }
        let mut shift = 0;
        let mut fields = Vec::new();
        for (i, questions) in read.into_iter().enumerate() {
            let Some(questions) = questions else {
                continue;
            };
            let keying = match ruleset.fields.get(i).map(|f| &f.ty) {
                Some(FieldType::Enum(spec)) => {
                    Keying::Codes(u32::try_from(spec.values.len()).ok()?)
                }
                Some(FieldType::Bool) => Keying::Bool,
                _ => Keying::Answers(questions.into()),
            };
            let width = keying.width()?;
            let end = shift + width;
            if end > KEY_BITS {
                return None;
            }
            // A field of width 0 has class 0 (it holds no values).
            fields.push(KeyField {
                field: FieldId::from_index(i),
                shift: if width == 0 { 0 } else { shift },
                keying,
            });
            shift = end;
        }
        Some(DecisionKey {
            fields: fields.into(),
        })
    }

    /// The key of `record`, or `None` if a value does not fit its field's
    /// keying.
    pub fn of(&self, record: &Record) -> Option<Key> {
        let mut key: Key = 0;
        // Most tested fields are absent, class 0: nothing to add.
        for f in self.fields.iter() {
            if let Some(value) = record.get(f.field) {
                key |= f.keying.class(value)? << f.shift;
            }
        }
        Some(key)
    }
}

impl Keying {
    /// The bits the field's classes take; `None` beyond 64.
    fn width(&self) -> Option<u32> {
        // The largest class, whose bit length is the width.
        let largest: u64 = match self {
            Keying::Codes(n) => u64::from(*n),
            Keying::Bool => 2,
            Keying::Answers(questions) => {
                let n = u32::try_from(questions.len()).ok().filter(|n| *n < 64)?;
                (1u64 << n) | ((1u64 << n) - 1)
            }
        };
        Some(u64::BITS - largest.leading_zeros())
    }

    /// The class of a present value (an absent one is 0); `None` if the
    /// keying cannot tell it apart from others.
    #[inline]
    fn class(&self, value: &Value) -> Option<u64> {
        match (self, value) {
            (Keying::Codes(n), Value::Enum(code)) if code < n => Some(u64::from(*code) + 1),
            (Keying::Bool, Value::Bool(b)) => Some(1 + u64::from(*b)),
            (Keying::Answers(questions), value) => {
                Some(questions.iter().enumerate().fold(1, |class, (i, q)| {
                    class | u64::from(q.answer(value)) << (i + 1)
                }))
            }
            _ => None,
        }
    }
}

impl Question {
    /// The question `check` asks of a present value, if its answer is not
    /// the same for every present value (as `exists` is).
    fn of(check: &Check) -> Option<Question> {
        match check {
            Check::Exists(_) => None,
            _ => Some(Question::Passes(check.clone())),
        }
    }

    /// Whether two questions certainly get the same answers.
    fn same_as(&self, other: &Question) -> bool {
        match (self, other) {
            (Question::Passes(a), Question::Passes(b)) => a.same_as(b),
            _ => false,
        }
    }

    /// The answer for a present value.
    fn answer(&self, value: &Value) -> bool {
        match self {
            Question::Passes(check) => check.passes(Some(value)),
            Question::InGap(gap) => gap.value_inside(Some(value)),
        }
    }
}
