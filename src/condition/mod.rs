//! The condition language: what `when:` and `applies:` say.
//!
//! Conditions read like Sigma detections. A mapping is AND; `any:`, `all:`
//! and `not:` combine; under a field name a scalar means equality, a list
//! means one-of, and a mapping holds operators (`gt`, `contains`, `in_list`,
//! `cidr`, `exists`, ...). [`parse`] turns the YAML into this typed tree,
//! checking every field name, operator and value against the ruleset's
//! vocabulary; [`eval`] runs it against a [`Record`](crate::record::Record).

pub mod compiled;
pub mod eval;
pub mod parse;
pub mod trace;

use std::net::IpAddr;

use chrono::{DateTime, FixedOffset};
use ipnet::IpNet;

use crate::ruleset::model::{FieldId, ListId, ThresholdId};
use crate::source::Span;

/// A typed condition.
#[derive(Clone, Debug)]
pub enum Condition {
    /// Every item holds (a YAML mapping, or `all:`).
    All(Vec<Condition>, Span),
    /// At least one item holds (`any:`).
    Any(Vec<Condition>, Span),
    /// The inner condition does not hold (`not:`).
    Not(Box<Condition>, Span),
    /// One operator applied to one field.
    Test(Test),
}

/// One operator applied to one field.
#[derive(Clone, Debug)]
pub struct Test {
    /// The field tested.
    pub field: FieldId,
    /// Where the field name is written.
    pub field_span: Span,
    /// The operator and its operand.
    pub op: Op,
    /// Where the operator (or the bare value) is written.
    pub span: Span,
}

/// An operator with its resolved operand.
#[derive(Clone, Debug)]
pub enum Op {
    /// `exists: true|false`.
    Exists(bool),
    /// Equal to one of these (a scalar is a list of one).
    OneOf {
        /// The accepted values.
        values: Vec<Literal>,
        /// The named lists they came from (`in_list`), if any.
        lists: Vec<ListId>,
    },
    /// A numeric or time comparison.
    Compare(Cmp, Operand),
    /// Text contains / starts with / ends with one of these (lowercase).
    Text(TextOp, Vec<String>),
    /// Text matches one of these regular expressions.
    Matches(Vec<regex::Regex>),
    /// Address inside one of these networks.
    Cidr {
        /// The networks.
        nets: Vec<IpNet>,
        /// The named lists they came from, if any.
        lists: Vec<ListId>,
    },
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    /// `gt`: strictly greater.
    Gt,
    /// `gte`: greater or equal.
    Gte,
    /// `lt`: strictly less.
    Lt,
    /// `lte`: less or equal.
    Lte,
}

impl Cmp {
    /// The operator's name in the format.
    pub fn name(self) -> &'static str {
        match self {
            Cmp::Gt => "gt",
            Cmp::Gte => "gte",
            Cmp::Lt => "lt",
            Cmp::Lte => "lte",
        }
    }

    /// The mathematical symbol, for explanations.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Gt => ">",
            Cmp::Gte => ">=",
            Cmp::Lt => "<",
            Cmp::Lte => "<=",
        }
    }
}

/// A text operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextOp {
    /// `contains`.
    Contains,
    /// `starts_with`.
    StartsWith,
    /// `ends_with`.
    EndsWith,
}

impl TextOp {
    /// The operator's name in the format.
    pub fn name(self) -> &'static str {
        match self {
            TextOp::Contains => "contains",
            TextOp::StartsWith => "starts_with",
            TextOp::EndsWith => "ends_with",
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A number, possibly from a named threshold.
    Number {
        /// The value.
        value: f64,
        /// The threshold it came from.
        threshold: Option<ThresholdId>,
    },
    /// An instant.
    Time(DateTime<FixedOffset>),
}

/// A value in a condition, typed like the field it is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// Text, lowercased (text comparisons ignore ASCII case).
    Str(String),
    /// An enumeration code index.
    Enum(u32),
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// An address.
    Ip(IpAddr),
}

impl Condition {
    /// The span of the whole condition.
    pub fn span(&self) -> Span {
        match self {
            Condition::All(_, span) | Condition::Any(_, span) | Condition::Not(_, span) => *span,
            Condition::Test(test) => test.field_span,
        }
    }

    /// Every test in the condition, depth first.
    pub fn tests(&self) -> Vec<&Test> {
        let mut out = Vec::new();
        self.collect_tests(&mut out);
        out
    }

    fn collect_tests<'a>(&'a self, out: &mut Vec<&'a Test>) {
        match self {
            Condition::All(items, _) | Condition::Any(items, _) => {
                items.iter().for_each(|c| c.collect_tests(out));
            }
            Condition::Not(inner, _) => inner.collect_tests(out),
            Condition::Test(test) => out.push(test),
        }
    }
}
