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
    /// The tested fields, each at its place in the key, by field index.
    fields: Box<[KeyField]>,
    /// The tested fields below 64, as bits of [`Record::filled_bits`]: a
    /// record has a handful of the dozen or more tested fields, and the key
    /// visits only those rather than look up each absent one.
    low: u64,
    /// By bit of `low`, the place of its field in `fields`.
    place: Box<[usize]>,
    /// Where the fields from 64 on start in `fields`: those are looked up
    /// whatever the record's bits.
    high: usize,
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
    /// Any other type asked nothing but whether it exists: 1.
    Present,
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
                _ if questions.is_empty() => Keying::Present,
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
        Some(DecisionKey::of_fields(fields))
    }

    /// The key made of `fields`, in field order.
    fn of_fields(fields: Vec<KeyField>) -> Self {
        let mut low = 0;
        let mut place = vec![0; 64];
        let mut high = fields.len();
        for (at, f) in fields.iter().enumerate() {
            let i = f.field.index();
            match place.get_mut(i) {
                Some(slot) => {
                    low |= 1 << i;
                    *slot = at;
                }
                None => {
                    high = high.min(at);
                }
            }
        }
        DecisionKey {
            fields: fields.into(),
            low,
            place: place.into(),
            high,
        }
    }

    /// The key of `record`, or `None` if a value does not fit its field's
    /// keying.
    ///
    /// Visits the tested fields below 64 whose bits the record has set, and
    /// those from 64 on; [`of_each`](Self::of_each) visits every one, and
    /// must agree (the tests hold this to it).
    pub fn of(&self, record: &Record) -> Option<Key> {
        let mut key: Key = 0;
        // An absent field is class 0: nothing to add.
        let mut bits = record.filled_bits() & self.low;
        while bits != 0 {
            let bit = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if let Some(f) = self.place.get(bit).and_then(|&at| self.fields.get(at)) {
                key |= f.class_in(record)?;
            }
        }
        for f in self.fields.get(self.high..).unwrap_or_default() {
            key |= f.class_in(record)?;
        }
        Some(key)
    }

    /// [`of`](Self::of) by looking up every tested field.
    #[cfg(test)]
    fn of_each(&self, record: &Record) -> Option<Key> {
        let mut key: Key = 0;
        for f in self.fields.iter() {
            key |= f.class_in(record)?;
        }
        Some(key)
    }
}

impl KeyField {
    /// The field's class in `record`, at its place in the key; `None` if
    /// the value does not fit the keying.
    #[inline(always)]
    fn class_in(&self, record: &Record) -> Option<Key> {
        match record.get(self.field) {
            Some(value) => Some(self.keying.class(value)? << self.shift),
            None => Some(0),
        }
    }
}

impl Keying {
    /// The bits the field's classes take; `None` beyond 64.
    fn width(&self) -> Option<u32> {
        // The largest class, whose bit length is the width.
        let largest: u64 = match self {
            Keying::Codes(n) => u64::from(*n),
            Keying::Bool => 2,
            Keying::Present => 1,
            Keying::Answers(questions) => {
                let n = u32::try_from(questions.len()).ok().filter(|n| *n < 64)?;
                (1u64 << n) | ((1u64 << n) - 1)
            }
        };
        Some(u64::BITS - largest.leading_zeros())
    }

    /// The class of a present value (an absent one is 0); `None` if the
    /// keying cannot tell it apart from others.
    // Always inlined, a few instructions for a code, a boolean or a mere
    // presence, the classes of most present fields; answering questions is
    // out of line.
    #[inline(always)]
    fn class(&self, value: &Value) -> Option<u64> {
        match (self, value) {
            (Keying::Codes(n), Value::Enum(code)) if code < n => Some(u64::from(*code) + 1),
            (Keying::Bool, Value::Bool(b)) => Some(1 + u64::from(*b)),
            (Keying::Present, _) => Some(1),
            (Keying::Answers(questions), value) => Some(answers(questions, value)),
            _ => None,
        }
    }
}

/// The class of a present value asked `questions`: 1, plus a bit per
/// question it passes.
#[inline(never)]
fn answers(questions: &[Question], value: &Value) -> u64 {
    questions.iter().enumerate().fold(1, |class, (i, q)| {
        class | u64::from(q.answer(value)) << (i + 1)
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A key of codes, booleans and presences over fields below and from
    /// 64, some 64 apart (sharing a bit of the record's).
    fn key() -> DecisionKey {
        let fields = [0, 3, 40, 63, 64, 67, 104, 130];
        let fields = fields
            .iter()
            .zip(0u32..)
            .map(|(&i, n)| KeyField {
                field: FieldId::from_index(i),
                shift: 2 * n,
                keying: match n % 3 {
                    0 => Keying::Codes(3),
                    1 => Keying::Bool,
                    _ => Keying::Present,
                },
            })
            .collect();
        DecisionKey::of_fields(fields)
    }

    /// A value for field `i`: absent, or a code (3 and 4 fit no keying of
    /// `key`'s), or a boolean.
    fn value() -> impl Strategy<Value = Option<Value>> {
        prop_oneof![
            Just(None),
            (0u32..5).prop_map(|c| Some(Value::Enum(c))),
            any::<bool>().prop_map(|b| Some(Value::Bool(b))),
        ]
    }

    proptest! {
        /// Visiting the fields whose bits are set gives the key that looking
        /// up every field gives, whatever was set, unset or cleared.
        #[test]
        fn visiting_filled_fields_agrees_with_looking_up_each(
            steps in proptest::collection::vec(
                (prop_oneof![0usize..8, 60usize..70, 100usize..140], value(), 0u8..20),
                0..40,
            )
        ) {
            let key = key();
            let mut record = Record::with_fields(24);
            for (i, value, clear) in steps {
                if clear == 0 {
                    record.clear();
                }
                record.set(FieldId::from_index(i), value);
                prop_assert_eq!(key.of(&record), key.of_each(&record));
            }
        }
    }
}
