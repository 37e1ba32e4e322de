//! What a rule change reclassifies.
//!
//! A reviewer of a rule change needs to see its effect on real data, not
//! only on the rule tests: [`RecordDiff`] classifies every record of a
//! corpus with the base and the head ruleset and keeps the matrix of old
//! against new level, the declarations gained and lost, and every record
//! whose outcome changed; [`deadlines`] does the same for the findings of
//! incident histories.

pub mod deadlines;

use std::collections::BTreeMap;

use crate::classify::{Classification, Classifier, Declared, format_time};
use crate::input::mapping::Mapper;
use crate::input::{InputFormat, Origin, RawRecord};
use crate::record::Record;
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

/// Classifies records with two rulesets and compares the outcomes.
pub struct RecordDiff<'a> {
    base: &'a Classifier<'a>,
    head: &'a Classifier<'a>,
    /// Severity rank of each level id: head's order, then base-only levels,
    /// then `unclassified`, then `rejected`.
    ranks: Vec<String>,
    /// What has been seen so far.
    pub totals: Totals,
    base_record: Record,
    head_record: Record,
}

impl<'a> RecordDiff<'a> {
    /// A diff of `base` against `head`.
    pub fn new(base: &'a Classifier<'a>, head: &'a Classifier<'a>) -> Self {
        let mut ranks: Vec<String> = head
            .ruleset()
            .levels
            .iter()
            .map(|l| l.id.value.clone())
            .collect();
        for level in &base.ruleset().levels {
            if !ranks.contains(&level.id.value) {
                ranks.push(level.id.value.clone());
            }
        }
        ranks.push("unclassified".to_owned());
        ranks.push("rejected".to_owned());
        RecordDiff {
            base_record: Record::with_fields(base.ruleset().fields.len()),
            head_record: Record::with_fields(head.ruleset().fields.len()),
            base,
            head,
            ranks,
            totals: Totals::default(),
        }
    }

    /// The levels in severity order, as matrix rows and columns.
    pub fn level_order(&self) -> &[String] {
        &self.ranks
    }

    /// Mappers for one input format, base then head.
    pub fn mappers(&self, format: InputFormat) -> Result<(Mapper<'a>, Mapper<'a>), String> {
        Ok((
            Mapper::new(self.base.ruleset(), format)?,
            Mapper::new(self.head.ruleset(), format)?,
        ))
    }

    /// Counts a record the reader skipped.
    pub fn skipped(&mut self) {
        self.totals.read += 1;
        self.totals.skipped += 1;
    }

    /// Counts a record the reader could not read (for both rulesets).
    pub fn unreadable(&mut self) {
        self.totals.read += 1;
        self.totals.unreadable += 1;
    }

    /// Compares one record; returns the change when its outcome differs.
    pub fn compare(
        &mut self,
        raw: &RawRecord,
        mappers: &(Mapper<'_>, Mapper<'_>),
    ) -> Option<Change> {
        let fallback = raw.origin.to_string();
        let base = outcome(self.base, &mappers.0, raw, &mut self.base_record, &fallback);
        let head = outcome(self.head, &mappers.1, raw, &mut self.head_record, &fallback);
        if base.level == "rejected" && head.level == "rejected" {
            self.unreadable();
            return None;
        }
        self.totals.read += 1;
        self.totals.compared += 1;
        *self
            .totals
            .matrix
            .entry((base.level.clone(), head.level.clone()))
            .or_default() += 1;
        match (base.declared, head.declared) {
            ("yes", "yes") => {}
            ("yes", _) => self.totals.no_longer_declared += 1,
            (_, "yes") => self.totals.newly_declared += 1,
            _ => {}
        }
        if base == head {
            return None;
        }
        let direction = self.direction(&base, &head);
        self.totals.changed += 1;
        match direction {
            Direction::Downgrade => self.totals.downgrades += 1,
            Direction::Upgrade => self.totals.upgrades += 1,
            Direction::Other => {}
        }
        let id = self
            .head
            .record_id(&self.head_record)
            .or_else(|| self.base.record_id(&self.base_record))
            .unwrap_or(fallback);
        Some(Change {
            id,
            origin: raw.origin.clone(),
            base,
            head,
            direction,
        })
    }

    fn rank(&self, level: &str) -> usize {
        self.ranks
            .iter()
            .position(|l| l == level)
            .unwrap_or(self.ranks.len())
    }

    /// A lost declaration or a less severe level is a downgrade, whatever
    /// else moved: those are the changes a gate must stop.
    fn direction(&self, base: &Outcome, head: &Outcome) -> Direction {
        let lost = base.declared == "yes" && head.declared != "yes";
        let gained = base.declared != "yes" && head.declared == "yes";
        let (old, new) = (self.rank(&base.level), self.rank(&head.level));
        if lost || new > old {
            Direction::Downgrade
        } else if gained || new < old {
            Direction::Upgrade
        } else {
            Direction::Other
        }
    }
}

fn outcome(
    classifier: &Classifier<'_>,
    mapper: &Mapper<'_>,
    raw: &RawRecord,
    record: &mut Record,
    fallback: &str,
) -> Outcome {
    if let Err(reason) = mapper.map(raw, record) {
        return Outcome {
            level: "rejected".to_owned(),
            declared: Declared::No.as_str(),
            rule: String::new(),
            trigger: String::new(),
            due_by: String::new(),
            reason,
        };
    }
    let c: Classification = classifier.classify(record, fallback);
    let ruleset: &Ruleset = classifier.ruleset();
    Outcome {
        level: c.level.map_or_else(
            || "unclassified".to_owned(),
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
