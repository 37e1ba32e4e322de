//! What a rule change reclassifies.
//!
//! A reviewer of a rule change needs to see its effect on real data, not
//! only on the rule tests: [`CorpusDiff`] classifies every record of a
//! corpus with the base and the head ruleset and keeps the matrix of old
//! against new level, the declarations gained and lost, and every record
//! whose outcome changed; [`deadlines`] does the same for the findings of
//! incident histories.
//!
//! A corpus runs through [`crate::parallel`] as `classify` does: chunks are
//! compared on every thread (`records.rs`) and handled in input order
//! (`corpus.rs`), so the report is the same for any thread count. A
//! record's two outcomes are compared as numbers (`vocabulary.rs`); only a
//! changed record that is reported gets its outcomes in words.

mod corpus;
pub mod deadlines;
mod records;
mod vocabulary;

use std::collections::BTreeMap;

pub use corpus::{CorpusDiff, CorpusError, Inputs, Listing};

use crate::classify::{Classification, Declared, format_time};
use crate::input::Origin;
use crate::ruleset::Ruleset;

/// A record's outcome under one ruleset, in output words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Level id, `unclassified`, or `rejected` when the ruleset cannot read
    /// the record at all.
    pub level: String,
    /// `yes`, `no` or `review`.
    pub declared: &'static str,
    /// The deciding criterion.
    pub rule: String,
    /// The deciding trigger.
    pub trigger: String,
    /// The response due time.
    pub due_by: String,
    /// Why the record was rejected, for `rejected`.
    pub reason: String,
}

impl Outcome {
    /// The outcome of a record `ruleset` classified as `c`.
    pub fn classified(ruleset: &Ruleset, c: &Classification<'_>) -> Self {
        Outcome {
            level: c.level.map_or_else(
                || vocabulary::UNCLASSIFIED.to_owned(),
                |l| ruleset.level(l).id.value.clone(),
            ),
            declared: c.declared.as_str(),
            rule: c
                .rule
                .map(|i| ruleset.criterion(i).id.value.clone())
                .unwrap_or_default(),
            trigger: c
                .trigger
                .map(|t| ruleset.trigger(t).id.value.clone())
                .unwrap_or_default(),
            due_by: c
                .due
                .map(|d| format_time(&d.at_local()))
                .unwrap_or_default(),
            reason: String::new(),
        }
    }

    /// The outcome of a record a ruleset cannot read, and why.
    pub fn rejected(reason: String) -> Self {
        Outcome {
            level: vocabulary::REJECTED.to_owned(),
            declared: Declared::No.as_str(),
            rule: String::new(),
            trigger: String::new(),
            due_by: String::new(),
            reason,
        }
    }
}

/// Which way a record's outcome moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// A less severe level, or a declaration lost.
    Downgrade,
    /// A more severe level, or a declaration gained.
    Upgrade,
    /// Same severity and declaration; the rule, trigger or due time moved.
    Other,
}

impl Direction {
    /// The word used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Downgrade => "downgrade",
            Direction::Upgrade => "upgrade",
            Direction::Other => "changed",
        }
    }
}

/// One record whose outcome changed.
#[derive(Clone, Debug)]
pub struct Change {
    /// The record's id, or `FILE:LINE`.
    pub id: String,
    /// Where it is.
    pub origin: Origin,
    /// Its outcome under the base ruleset.
    pub base: Outcome,
    /// Its outcome under the head ruleset.
    pub head: Outcome,
    /// Which way it moved.
    pub direction: Direction,
}

/// The running totals of a diff.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    /// Records read.
    pub read: u64,
    /// Records skipped by the reader (not alerts).
    pub skipped: u64,
    /// Records neither ruleset could read.
    pub unreadable: u64,
    /// Records compared.
    pub compared: u64,
    /// Records whose outcome changed.
    pub changed: u64,
    /// Of those, downgrades.
    pub downgrades: u64,
    /// Of those, upgrades.
    pub upgrades: u64,
    /// Records declared under head and not under base.
    pub newly_declared: u64,
    /// Records declared under base and not under head.
    pub no_longer_declared: u64,
    /// Record counts by (base level, head level).
    pub matrix: BTreeMap<(String, String), u64>,
}
