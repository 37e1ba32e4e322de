//! What a compiled condition requires of each field, as sets of keys.
//!
//! A field's value is reduced to a small key: absent, an enumeration code,
//! a boolean, or "present, something else". A condition's requirement
//! is a list of terms (the ways of satisfying it, `any:` and `not:`
//! expanded), each naming for the fields it restricts the keys under which
//! it can hold; a record whose keys meet no term cannot satisfy the
//! condition. A term made of nothing but key tests (`category: dos`,
//! `source: [public, employee]` with `specific_examples: true`) is also
//! sufficient: it is *exact*, and the index decides the condition without
//! evaluating it.

use crate::condition::compiled::{Check, Node};
use crate::record::Value;
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, FieldType};

/// The key of an absent value.
const ABSENT: usize = 0;
/// The key of a present value that is not keyed by itself (text, numbers,
/// or a value of the wrong type).
const OTHER: usize = 1;
/// The first key of a code or boolean.
const FIRST_VALUE: usize = 2;

/// How a field's values are keyed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keying {
    /// An enumeration with this many codes: one key per code.
    Codes(u32),
    /// A boolean: one key for each value.
    Bool,
    /// Anything else: only whether a value is present.
    Presence,
}

impl Keying {
    /// How `field` of `ruleset` is keyed.
    pub fn of(ruleset: &Ruleset, field: FieldId) -> Keying {
        match ruleset.fields.get(field.index()).map(|f| &f.ty) {
            Some(FieldType::Enum(spec)) => {
                Keying::Codes(u32::try_from(spec.values.len()).unwrap_or(u32::MAX))
            }
            Some(FieldType::Bool) => Keying::Bool,
            _ => Keying::Presence,
        }
    }

    /// How many keys there are.
    pub fn keys(self) -> usize {
        FIRST_VALUE
            + match self {
                Keying::Codes(n) => n as usize,
                Keying::Bool => 2,
                Keying::Presence => 0,
            }
    }

    /// The key of a value (absent: `None`).
    #[inline]
    pub fn key(self, value: Option<&Value>) -> usize {
        // On the value first: most are absent, and the tag is read anyway.
        match value {
            None => ABSENT,
            Some(Value::Enum(code)) => match self {
                Keying::Codes(n) if *code < n => FIRST_VALUE + *code as usize,
                _ => OTHER,
            },
            Some(Value::Bool(b)) if self == Keying::Bool => FIRST_VALUE + usize::from(*b),
            Some(_) => OTHER,
        }
    }
}

/// Most terms a condition may expand to; a condition with more is kept
/// as one term that allows anything (and is always evaluated).
const MAX_TERMS: usize = 32;

/// One way of satisfying a condition, as the keys it allows field by
/// field: a condition holds only if the record's keys meet one of its
/// terms.
#[derive(Clone, Debug)]
pub struct Term {
    /// The restricted fields with the keys allowed (by key); a field not
    /// listed allows every key.
    pub fields: Vec<(FieldId, Vec<bool>)>,
    /// Whether meeting the term is also enough for the condition to hold.
    pub exact: bool,
}

impl Term {
    /// Holds whatever the record.
    fn always() -> Self {
        Term {
            fields: Vec::new(),
            exact: true,
        }
    }

    /// Nothing required, nothing known.
    fn anything() -> Self {
        Term {
            fields: Vec::new(),
            exact: false,
        }
    }

    /// The keys allowed for `field`, if it is restricted.
    pub fn allowed(&self, field: FieldId) -> Option<&[bool]> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, keys)| keys.as_slice())
    }

    /// Both terms at once; `None` if no key meets it.
    fn and(&self, other: &Term) -> Option<Term> {
        let mut out = self.clone();
        out.exact &= other.exact;
        for (field, keys) in &other.fields {
            match out.fields.iter_mut().find(|(f, _)| f == field) {
                Some((_, have)) => have.iter_mut().zip(keys).for_each(|(h, k)| *h &= *k),
                None => out.fields.push((*field, keys.clone())),
            }
        }
        out.possible().then_some(out)
    }

    /// Whether some record can meet the term.
    fn possible(&self) -> bool {
        self.fields.iter().all(|(_, keys)| keys.iter().any(|k| *k))
    }

    /// The terms of `node` (in disjunctive normal form: it holds only if
    /// one of them is met, and does hold when an exact one is); `keying`
    /// tells how each field is keyed.
    pub fn of(node: &Node, keying: &impl Fn(FieldId) -> Keying) -> Vec<Term> {
        terms(node, false, keying).unwrap_or_else(|| vec![Term::anything()])
    }
}

/// The terms of `node`, or of its negation; `None` if there are too many.
fn terms(node: &Node, negated: bool, keying: &impl Fn(FieldId) -> Keying) -> Option<Vec<Term>> {
    match (node, negated) {
        (Node::True, false) => Some(vec![Term::always()]),
        (Node::True, true) => Some(Vec::new()),
        (Node::Not(inner), _) => terms(inner, !negated, keying),
        // All items, or (De Morgan) none of the alternatives.
        (Node::All(items), false) | (Node::Any(items), true) => {
            let mut out = vec![Term::always()];
            for item in items.iter() {
                let item = terms(item, negated, keying)?;
                out = out
                    .iter()
                    .flat_map(|a| item.iter().filter_map(move |b| a.and(b)))
                    .collect();
                if out.len() > MAX_TERMS {
                    return None;
                }
            }
            Some(out)
        }
        // One of the items, or (De Morgan) not all of them.
        (Node::Any(items), false) | (Node::All(items), true) => {
            let mut out = Vec::new();
            for item in items.iter() {
                out.extend(terms(item, negated, keying)?);
                if out.len() > MAX_TERMS {
                    return None;
                }
            }
            Some(out)
        }
        (Node::Test(field, check), _) => {
            let (keys, exact) = allowed_keys(check, keying(*field));
            let term = match (negated, exact) {
                (false, _) => Term {
                    fields: vec![(*field, keys)],
                    exact,
                },
                (true, true) => Term {
                    fields: vec![(*field, keys.iter().map(|k| !k).collect())],
                    exact: true,
                },
                (true, false) => Term::anything(),
            };
            Some(term.possible().then_some(term).into_iter().collect())
        }
    }
}

/// The keys under which `check` can pass, and whether it passes under all
/// of them.
fn allowed_keys(check: &Check, keying: Keying) -> (Vec<bool>, bool) {
    let count = keying.keys();
    let present: Vec<bool> = (0..count).map(|k| k != ABSENT).collect();
    match (check, keying) {
        (Check::Exists(true), _) => (present, true),
        (Check::Exists(false), _) => ((0..count).map(|k| k == ABSENT).collect(), true),
        (Check::Codes(bits), Keying::Codes(n)) => {
            let has = |code: usize| {
                bits.get(code / 64)
                    .is_some_and(|w| w & (1 << (code % 64)) != 0)
            };
            // A code the field does not define keys as OTHER; if the check
            // accepts one, OTHER must stay allowed and the key is not enough.
            let beyond = (n as usize..bits.len() * 64).any(has);
            let keys = (0..count)
                .map(|k| match k {
                    ABSENT => false,
                    OTHER => beyond,
                    k => has(k - FIRST_VALUE),
                })
                .collect();
            (keys, !beyond)
        }
        (Check::Bools(f, t), Keying::Bool) => {
            let keys = (0..count)
                .map(|k| match k {
                    ABSENT | OTHER => false,
                    FIRST_VALUE => *f,
                    _ => *t,
                })
                .collect();
            (keys, true)
        }
        _ => (present, false),
    }
}
