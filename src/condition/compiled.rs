//! Conditions compiled for evaluating many records.
//!
//! [`Condition`] keeps what diagnostics and `explain` need (spans, named
//! lists and thresholds, literals typed like their source). Classifying a
//! million records needs none of that, only the cheapest test of each
//! operator: a `OneOf` of enumeration codes becomes a bitset, one of
//! numbers a list of `f64`, a threshold a plain number, and a test of a
//! field the caller says to ignore becomes `true` (the question a policy
//! gap asks). A [`Program`] decides exactly what its condition decides;
//! the tests in `tests/compiled_conditions.rs` compare the two over the
//! shipped rulesets.

use chrono::{DateTime, FixedOffset};
use ipnet::IpNet;

use super::{Cmp, Condition, Literal, Op, Operand, Test, TextOp};
use crate::record::{Record, Value};
use crate::ruleset::model::FieldId;

/// A condition compiled once, evaluated per record.
#[derive(Clone, Debug)]
pub struct Program {
    root: Node,
}

/// One node of a compiled condition.
#[derive(Clone, Debug)]
pub enum Node {
    /// Always holds: a test of an ignored field, or an empty `all:`.
    True,
    /// Every item holds.
    All(Box<[Node]>),
    /// At least one item holds.
    Any(Box<[Node]>),
    /// The inner node does not hold.
    Not(Box<Node>),
    /// One operator applied to one field.
    Test(FieldId, Check),
}

/// A compiled operator: what a field's value must be.
#[derive(Clone, Debug)]
pub enum Check {
    /// `exists: true|false`.
    Exists(bool),
    /// One of these enumeration codes (a bitset by code).
    Codes(Box<[u64]>),
    /// One of these booleans: (`false` accepted, `true` accepted).
    Bools(bool, bool),
    /// Equal to one of these numbers.
    Numbers(Box<[f64]>),
    /// One of these literals of mixed types (text, addresses, ...).
    Literals(Box<[Literal]>),
    /// A number compared with a bound.
    Number(Cmp, f64),
    /// An instant compared with a bound.
    Time(Cmp, DateTime<FixedOffset>),
    /// Text contains / starts with / ends with one of these (lowercase).
    Text(TextOp, Box<[Box<[u8]>]>),
    /// Text matches one of these regular expressions.
    Matches(Box<[regex::Regex]>),
    /// Address inside one of these networks.
    Cidr(Box<[IpNet]>),
}

impl Program {
    /// Compiles `condition`.
    pub fn new(condition: &Condition) -> Self {
        Program {
            root: compile(condition, None),
        }
    }

    /// Compiles `condition` with every test of `field` taken as passed, as
    /// [`Condition::matches_ignoring`] evaluates it.
    pub fn ignoring(condition: &Condition, field: FieldId) -> Self {
        Program {
            root: compile(condition, Some(field)),
        }
    }

    /// The compiled tree, for indexing by what it requires.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// Whether `record` satisfies the condition.
    pub fn matches(&self, record: &Record) -> bool {
        self.root.matches(record)
    }

    /// Every test of the condition, depth first: what it reads of a record.
    /// The condition's outcome is a function of these tests' outcomes
    /// alone, which is what lets a classification be remembered by them.
    pub fn tests(&self) -> Vec<(FieldId, &Check)> {
        let mut out = Vec::new();
        self.root.collect_tests(&mut out);
        out
    }
}

impl Node {
    /// Whether `record` satisfies the node.
    pub fn matches(&self, record: &Record) -> bool {
        match self {
            Node::True => true,
            Node::All(items) => items.iter().all(|n| n.matches(record)),
            Node::Any(items) => items.iter().any(|n| n.matches(record)),
            Node::Not(inner) => !inner.matches(record),
            Node::Test(field, check) => check.passes(record.get(*field)),
        }
    }

    fn collect_tests<'a>(&'a self, out: &mut Vec<(FieldId, &'a Check)>) {
        match self {
            Node::True => {}
            Node::All(items) | Node::Any(items) => {
                items.iter().for_each(|n| n.collect_tests(out));
            }
            Node::Not(inner) => inner.collect_tests(out),
            Node::Test(field, check) => out.push((*field, check)),
        }
    }
}

impl Check {
    /// Whether a field value (absent: `None`) passes. As with
    /// [`Test::matches`], every operator but `exists: false` fails on an
    /// absent value.
    pub fn passes(&self, value: Option<&Value>) -> bool {
        let Some(value) = value else {
            return matches!(self, Check::Exists(false));
        };
        match (self, value) {
            (Check::Exists(expected), _) => *expected,
            (Check::Codes(bits), Value::Enum(code)) => has_bit(bits, *code),
            (Check::Bools(f, t), Value::Bool(b)) => {
                if *b {
                    *t
                } else {
                    *f
                }
            }
            (Check::Numbers(numbers), Value::Number(v)) => numbers.contains(v),
            (Check::Literals(literals), _) => literals.iter().any(|l| l.equals(value)),
            (Check::Number(cmp, bound), Value::Number(v)) => cmp.holds(v.partial_cmp(bound)),
            (Check::Time(cmp, bound), Value::Time(v)) => cmp.holds(Some(v.cmp(bound))),
            (Check::Text(kind, needles), Value::Str(s)) => {
                needles.iter().any(|n| kind.holds(s.as_bytes(), n))
            }
            (Check::Matches(regexes), Value::Str(s)) => regexes.iter().any(|r| r.is_match(s)),
            (Check::Cidr(nets), Value::Ip(ip)) => nets.iter().any(|n| n.contains(ip)),
            _ => false,
        }
    }
}

impl Check {
    /// Whether `self` and `other` certainly pass on the same values; `false`
    /// when unsure (NaN bounds, regular expressions spelt differently).
    /// Lets a repeated check be asked once.
    pub fn same_as(&self, other: &Check) -> bool {
        match (self, other) {
            (Check::Exists(a), Check::Exists(b)) => a == b,
            (Check::Codes(a), Check::Codes(b)) => a == b,
            (Check::Bools(af, at), Check::Bools(bf, bt)) => af == bf && at == bt,
            (Check::Numbers(a), Check::Numbers(b)) => a == b,
            (Check::Literals(a), Check::Literals(b)) => a == b,
            (Check::Number(ac, a), Check::Number(bc, b)) => ac == bc && a == b,
            (Check::Time(ac, a), Check::Time(bc, b)) => ac == bc && a == b,
            (Check::Text(ak, a), Check::Text(bk, b)) => ak == bk && a == b,
            (Check::Matches(a), Check::Matches(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b.iter())
                        .all(|(a, b)| a.as_str() == b.as_str())
            }
            (Check::Cidr(a), Check::Cidr(b)) => a == b,
            _ => false,
        }
    }
}

fn has_bit(bits: &[u64], code: u32) -> bool {
    bits.get((code / 64) as usize)
        .is_some_and(|w| w & (1 << (code % 64)) != 0)
}

fn compile(condition: &Condition, ignored: Option<FieldId>) -> Node {
    let items = |items: &[Condition]| items.iter().map(|c| compile(c, ignored)).collect();
    match condition {
        Condition::All(list, _) if list.is_empty() => Node::True,
        Condition::All(list, _) => Node::All(items(list)),
        Condition::Any(list, _) => Node::Any(items(list)),
        Condition::Not(inner, _) => Node::Not(Box::new(compile(inner, ignored))),
        Condition::Test(test) if Some(test.field) == ignored => Node::True,
        Condition::Test(test) => Node::Test(test.field, compile_test(test)),
    }
}

fn compile_test(test: &Test) -> Check {
    match &test.op {
        Op::Exists(expected) => Check::Exists(*expected),
        Op::OneOf { values, .. } => compile_one_of(values),
        Op::Compare(cmp, Operand::Number { value, .. }) => Check::Number(*cmp, *value),
        Op::Compare(cmp, Operand::Time(at)) => Check::Time(*cmp, *at),
        Op::Text(kind, needles) => {
            Check::Text(*kind, needles.iter().map(|n| n.as_bytes().into()).collect())
        }
        Op::Matches(regexes) => Check::Matches(regexes.clone().into()),
        Op::Cidr { nets, .. } => Check::Cidr(nets.clone().into()),
    }
}

/// The cheapest check accepting exactly `values`.
fn compile_one_of(values: &[Literal]) -> Check {
    let codes: Option<Vec<u32>> = values
        .iter()
        .map(|v| match v {
            Literal::Enum(code) => Some(*code),
            _ => None,
        })
        .collect();
    if let Some(codes) = codes {
        let words = codes.iter().max().map_or(0, |m| *m as usize / 64 + 1);
        let mut bits = vec![0u64; words];
        for code in codes {
            if let Some(word) = bits.get_mut((code / 64) as usize) {
                *word |= 1 << (code % 64);
            }
        }
        return Check::Codes(bits.into());
    }
    let bools: Option<Vec<bool>> = values
        .iter()
        .map(|v| match v {
            Literal::Bool(b) => Some(*b),
            _ => None,
        })
        .collect();
    if let Some(bools) = bools {
        return Check::Bools(bools.contains(&false), bools.contains(&true));
    }
    let numbers: Option<Vec<f64>> = values
        .iter()
        .map(|v| match v {
            Literal::Number(n) => Some(*n),
            _ => None,
        })
        .collect();
    match numbers {
        Some(numbers) => Check::Numbers(numbers.into()),
        None => Check::Literals(values.into()),
    }
}

impl Literal {
    /// Whether a record's value equals the literal; text ignores ASCII
    /// case, values of another type never equal it.
    pub fn equals(&self, value: &Value) -> bool {
        match (self, value) {
            (Literal::Str(l), Value::Str(v)) => l.eq_ignore_ascii_case(v),
            (Literal::Enum(l), Value::Enum(v)) => l == v,
            (Literal::Bool(l), Value::Bool(v)) => l == v,
            (Literal::Number(l), Value::Number(v)) => l == v,
            (Literal::Ip(l), Value::Ip(v)) => l == v,
            _ => false,
        }
    }
}

impl Cmp {
    /// Whether an ordering of value to bound satisfies the operator; an
    /// incomparable pair (`None`, NaN) never does.
    pub fn holds(self, ordering: Option<std::cmp::Ordering>) -> bool {
        let Some(ordering) = ordering else {
            return false;
        };
        match self {
            Cmp::Gt => ordering.is_gt(),
            Cmp::Gte => ordering.is_ge(),
            Cmp::Lt => ordering.is_lt(),
            Cmp::Lte => ordering.is_le(),
        }
    }
}

impl TextOp {
    /// Case-insensitive (ASCII) text test without allocating; `needle` is
    /// already lowercase.
    pub fn holds(self, haystack: &[u8], needle: &[u8]) -> bool {
        let (h, n) = (haystack, needle);
        if n.len() > h.len() {
            return false;
        }
        match self {
            TextOp::StartsWith => h.get(..n.len()).is_some_and(|p| p.eq_ignore_ascii_case(n)),
            TextOp::EndsWith => h
                .get(h.len() - n.len()..)
                .is_some_and(|p| p.eq_ignore_ascii_case(n)),
            TextOp::Contains => {
                n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
            }
        }
    }
}
