//! A small abstract domain for reasoning about conditions statically.
//!
//! A condition is expanded into disjunctive normal form: a list of
//! [`Conjunction`]s, each holding at most one [`FieldConstraint`] per field.
//! That is enough to answer the questions `docket check` asks — can this
//! condition ever hold, does one condition imply another, which numeric
//! values fall between two criteria — exactly for the shapes policies use
//! (equalities, one-of lists, ranges, presence) and conservatively for the
//! rest (text patterns are kept as opaque atoms compared by their text).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use crate::condition::{Cmp, Condition, Literal, Op, Operand, Test};
use crate::record::format_number;
use crate::ruleset::model::{FieldDef, FieldId, FieldType};
use crate::source::Span;

/// Conditions whose normal form would exceed this many conjunctions are not
/// analysed (and so never reported on), rather than analysed slowly.
const MAX_CONJUNCTIONS: usize = 256;

/// A value in a one-of set, ordered so sets compare deterministically.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    /// Lowercased text.
    Str(String),
    /// Enumeration code index.
    Enum(u32),
    /// Boolean.
    Bool(bool),
    /// Number.
    Num(f64),
    /// Address.
    Ip(std::net::IpAddr),
}

impl Eq for Key {}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        fn rank(k: &Key) -> u8 {
            match k {
                Key::Str(_) => 0,
                Key::Enum(_) => 1,
                Key::Bool(_) => 2,
                Key::Num(_) => 3,
                Key::Ip(_) => 4,
            }
        }
        match (self, other) {
            (Key::Str(a), Key::Str(b)) => a.cmp(b),
            (Key::Enum(a), Key::Enum(b)) => a.cmp(b),
            (Key::Bool(a), Key::Bool(b)) => a.cmp(b),
            (Key::Num(a), Key::Num(b)) => a.total_cmp(b),
            (Key::Ip(a), Key::Ip(b)) => a.cmp(b),
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<&Literal> for Key {
    fn from(literal: &Literal) -> Self {
        match literal {
            Literal::Str(s) => Key::Str(s.clone()),
            Literal::Enum(i) => Key::Enum(*i),
            Literal::Bool(b) => Key::Bool(*b),
            Literal::Number(n) => Key::Num(*n),
            Literal::Ip(ip) => Key::Ip(*ip),
        }
    }
}

/// An inclusive interval in a numeric field's smallest unit (whole numbers
/// for integers, cents for money), so that "just above 100,000" is a
/// precise value and gaps can be named exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    /// Lowest value allowed, in units; `None` is unbounded.
    pub lo: Option<i64>,
    /// Highest value allowed, in units; `None` is unbounded.
    pub hi: Option<i64>,
}

impl Interval {
    /// Every value.
    pub const ALL: Interval = Interval { lo: None, hi: None };

    /// Whether no value fits.
    pub fn is_empty(self) -> bool {
        matches!((self.lo, self.hi), (Some(lo), Some(hi)) if lo > hi)
    }

    /// The values in both.
    pub fn intersect(self, other: Interval) -> Interval {
        Interval {
            lo: max_opt(self.lo, other.lo),
            hi: min_opt(self.hi, other.hi),
        }
    }

    /// Whether every value of `self` is in `other`.
    pub fn within(self, other: Interval) -> bool {
        let lo_ok = match (self.lo, other.lo) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => a >= b,
        };
        let hi_ok = match (self.hi, other.hi) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => a <= b,
        };
        self.is_empty() || (lo_ok && hi_ok)
    }

    /// Whether a value (in units) lies inside.
    pub fn contains(self, units: i64) -> bool {
        self.lo.is_none_or(|lo| units >= lo) && self.hi.is_none_or(|hi| units <= hi)
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// How many units make one of a numeric field's values: 1 for integers,
/// 100 for money (cents).
pub fn scale(ty: &FieldType) -> f64 {
    match ty {
        FieldType::Money => 100.0,
        _ => 1.0,
    }
}

/// A number in a field's units, rounded to the nearest unit.
pub fn to_units(value: f64, ty: &FieldType) -> i64 {
    (value * scale(ty)).round() as i64
}

/// A value in units written as people write it.
pub fn from_units(units: i64, ty: &FieldType) -> String {
    format_number(units as f64 / scale(ty))
}

/// The interval a comparison allows on a numeric field.
fn comparison_interval(cmp: Cmp, bound: f64, ty: &FieldType) -> Interval {
    let s = scale(ty);
    let scaled = bound * s;
    match cmp {
        Cmp::Gt => Interval {
            lo: Some(scaled.floor() as i64 + 1),
            hi: None,
        },
        Cmp::Gte => Interval {
            lo: Some(scaled.ceil() as i64),
            hi: None,
        },
        Cmp::Lt => Interval {
            lo: None,
            hi: Some(scaled.ceil() as i64 - 1),
        },
        Cmp::Lte => Interval {
            lo: None,
            hi: Some(scaled.floor() as i64),
        },
    }
}

/// What one conjunction requires of one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldConstraint {
    /// `Some(true)`: must be present; `Some(false)`: must be absent.
    pub exists: Option<bool>,
    /// The value must be one of these.
    pub values: Option<BTreeSet<Key>>,
    /// The value must not be one of these (absent is fine).
    pub excluded: BTreeSet<Key>,
    /// For numeric fields: the allowed range.
    pub range: Interval,
    /// Where the range comes from, for diagnostics.
    pub range_span: Option<Span>,
    /// Other tests that must hold, by their text.
    pub opaque: BTreeSet<String>,
    /// Other tests that must not hold, by their text.
    pub opaque_negated: BTreeSet<String>,
}

impl Default for FieldConstraint {
    fn default() -> Self {
        FieldConstraint {
            exists: None,
            values: None,
            excluded: BTreeSet::new(),
            range: Interval::ALL,
            range_span: None,
            opaque: BTreeSet::new(),
            opaque_negated: BTreeSet::new(),
        }
    }
}

impl FieldConstraint {
    /// Whether some value (or absence) satisfies it.
    pub fn is_satisfiable(&self, def: &FieldDef) -> bool {
        let needs_value =
            self.values.is_some() || self.range != Interval::ALL || !self.opaque.is_empty();
        if self.exists == Some(false) {
            return !needs_value;
        }
        if self.range.is_empty() || self.opaque.iter().any(|o| self.opaque_negated.contains(o)) {
            return false;
        }
        if let Some(values) = &self.values {
            let mut remaining = values.iter().filter(|k| !self.excluded.contains(k));
            let numeric = def.ty.is_numeric();
            return remaining.any(|k| match k {
                Key::Num(n) if numeric => self.range.contains(to_units(*n, &def.ty)),
                _ => true,
            });
        }
        if let FieldType::Bool = def.ty {
            return self.excluded.len() < 2;
        }
        true
    }

    /// Whether this (stricter) constraint implies `weaker`: every value
    /// allowed here is allowed there.
    pub fn implies(&self, weaker: &FieldConstraint, def: &FieldDef) -> bool {
        let present = self.exists == Some(true)
            || self.values.is_some()
            || self.range != Interval::ALL
            || !self.opaque.is_empty();
        match weaker.exists {
            Some(true) if !present => return false,
            Some(false) if self.exists != Some(false) => return false,
            _ => {}
        }
        if let Some(allowed) = &weaker.values {
            let Some(mine) = &self.values else {
                return false;
            };
            if !mine
                .iter()
                .filter(|k| !self.excluded.contains(k))
                .all(|k| allowed.contains(k))
            {
                return false;
            }
        }
        if !weaker.excluded.is_empty() {
            let excluded_here = |k: &Key| {
                self.excluded.contains(k)
                    || self.exists == Some(false)
                    || self.values.as_ref().is_some_and(|v| !v.contains(k))
            };
            if !weaker.excluded.iter().all(excluded_here) {
                return false;
            }
        }
        if weaker.range != Interval::ALL {
            let by_range = self.range.within(weaker.range);
            let by_values = self.values.as_ref().is_some_and(|v| {
                v.iter().all(
                    |k| matches!(k, Key::Num(n) if weaker.range.contains(to_units(*n, &def.ty))),
                )
            });
            if !(by_range || by_values) {
                return false;
            }
        }
        weaker.opaque.is_subset(&self.opaque)
            && weaker.opaque_negated.is_subset(&self.opaque_negated)
    }

    /// The constraint without its range, for grouping criteria that differ
    /// only in a numeric range.
    fn without_range(&self) -> FieldConstraint {
        FieldConstraint {
            range: Interval::ALL,
            range_span: None,
            ..self.clone()
        }
    }
}

/// One conjunction of the normal form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conjunction {
    /// Constraints by field.
    pub fields: BTreeMap<FieldId, FieldConstraint>,
}

impl Conjunction {
    /// Whether some record satisfies every constraint.
    pub fn is_satisfiable(&self, fields: &[FieldDef]) -> bool {
        self.fields.iter().all(|(id, c)| {
            fields
                .get(id.index())
                .is_none_or(|def| c.is_satisfiable(def))
        })
    }

    /// Whether every record satisfying `self` satisfies `weaker`.
    pub fn implies(&self, weaker: &Conjunction, fields: &[FieldDef]) -> bool {
        weaker.fields.iter().all(|(id, w)| {
            let Some(def) = fields.get(id.index()) else {
                return false;
            };
            let mine = self.fields.get(id).cloned().unwrap_or_default();
            mine.implies(w, def)
        })
    }

    /// Both at once.
    pub fn and(&self, other: &Conjunction) -> Conjunction {
        let mut out = self.clone();
        for (id, c) in &other.fields {
            let entry = out.fields.entry(*id).or_default();
            merge(entry, c);
        }
        out
    }

    /// The conjunction with one field's range removed, as a grouping key.
    pub fn key_without_range(&self, field: FieldId) -> Conjunction {
        let mut out = self.clone();
        if let Some(c) = out.fields.get_mut(&field) {
            *c = c.without_range();
        }
        out
    }
}

fn merge(into: &mut FieldConstraint, other: &FieldConstraint) {
    into.exists = match (into.exists, other.exists) {
        (Some(a), Some(b)) if a != b => {
            // Contradiction: present and absent. Encode as an empty range,
            // which no value or absence satisfies.
            into.range = Interval {
                lo: Some(1),
                hi: Some(0),
            };
            Some(true)
        }
        (a, b) => a.or(b),
    };
    into.values = match (into.values.take(), &other.values) {
        (Some(a), Some(b)) => Some(a.intersection(b).cloned().collect()),
        (a, None) => a,
        (None, Some(b)) => Some(b.clone()),
    };
    into.excluded.extend(other.excluded.iter().cloned());
    into.range = into.range.intersect(other.range);
    into.range_span = into.range_span.or(other.range_span);
    into.opaque.extend(other.opaque.iter().cloned());
    into.opaque_negated
        .extend(other.opaque_negated.iter().cloned());
}

/// The normal form of a condition, or `None` if it is too large to analyse.
pub fn normal_form(condition: &Condition, fields: &[FieldDef]) -> Option<Vec<Conjunction>> {
    let dnf = expand(condition, false, fields)?;
    Some(
        dnf.into_iter()
            .filter(|c| c.is_satisfiable(fields))
            .collect(),
    )
}

fn expand(condition: &Condition, negated: bool, fields: &[FieldDef]) -> Option<Vec<Conjunction>> {
    match (condition, negated) {
        (Condition::Test(test), _) => Some(vec![atom(test, negated, fields)]),
        (Condition::Not(inner, _), _) => expand(inner, !negated, fields),
        // AND, or the negation of OR (De Morgan): a product of the parts.
        (Condition::All(items, _), false) | (Condition::Any(items, _), true) => {
            let mut acc = vec![Conjunction::default()];
            for item in items {
                let part = expand(item, negated, fields)?;
                let mut next = Vec::with_capacity(acc.len() * part.len());
                for a in &acc {
                    for b in &part {
                        next.push(a.and(b));
                    }
                }
                if next.len() > MAX_CONJUNCTIONS {
                    return None;
                }
                acc = next;
            }
            Some(acc)
        }
        // OR, or the negation of AND: a union of the parts.
        (Condition::Any(items, _), false) | (Condition::All(items, _), true) => {
            let mut acc = Vec::new();
            for item in items {
                acc.extend(expand(item, negated, fields)?);
                if acc.len() > MAX_CONJUNCTIONS {
                    return None;
                }
            }
            Some(acc)
        }
    }
}

fn atom(test: &Test, negated: bool, fields: &[FieldDef]) -> Conjunction {
    let mut c = FieldConstraint::default();
    let ty = fields.get(test.field.index()).map(|f| &f.ty);
    match (&test.op, negated) {
        (Op::Exists(e), _) => c.exists = Some(*e != negated),
        (Op::OneOf { values, .. }, false) => {
            c.exists = Some(true);
            c.values = Some(values.iter().map(Key::from).collect());
        }
        (Op::OneOf { values, .. }, true) => {
            c.excluded = values.iter().map(Key::from).collect();
        }
        (Op::Compare(cmp, Operand::Number { value, .. }), false)
            if ty.is_some_and(FieldType::is_numeric) =>
        {
            c.exists = Some(true);
            c.range = ty.map_or(Interval::ALL, |ty| comparison_interval(*cmp, *value, ty));
            c.range_span = Some(test.span);
        }
        (op, false) => {
            c.exists = Some(true);
            c.opaque.insert(describe_op(op));
        }
        (op, true) => {
            c.opaque_negated.insert(describe_op(op));
        }
    }
    let mut conjunction = Conjunction::default();
    conjunction.fields.insert(test.field, c);
    conjunction
}

/// A stable text for an operator, so that two equal tests compare equal.
fn describe_op(op: &Op) -> String {
    match op {
        Op::Exists(e) => format!("exists {e}"),
        Op::OneOf { values, .. } => format!("one of {values:?}"),
        Op::Compare(cmp, operand) => match operand {
            Operand::Number { value, .. } => format!("{} {value}", cmp.name()),
            Operand::Time(t) => format!("{} {}", cmp.name(), t.to_rfc3339()),
        },
        Op::Text(kind, needles) => format!("{} {needles:?}", kind.name()),
        Op::Matches(regexes) => {
            let patterns: Vec<&str> = regexes.iter().map(|r| r.as_str()).collect();
            format!("matches {patterns:?}")
        }
        Op::Cidr { nets, .. } => format!("cidr {nets:?}"),
    }
}
