//! The `missing` flag: a record without the value that decides between
//! criteria of different levels (`loss_usd` of a property destruction).
//!
//! The question is which criteria of each [`Split`] the record meets
//! whatever the value of the split's field. It is asked of every record,
//! so every split's criteria are compiled once with their split's field
//! taken as passed, and indexed together like the classifier's own: most
//! records meet none of them, and one index lookup answers for all splits.

use super::Flag;
use super::index::ConditionIndex;
use crate::check::Split;
use crate::condition::compiled::Program;
use crate::record::Record;
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, LevelId};

/// Every split, its criteria compiled to ignore its field.
pub struct Splits {
    /// The splits' fields, in order.
    fields: Vec<FieldId>,
    /// By program: (split, criterion).
    slots: Vec<(usize, usize)>,
    /// The criteria of all splits, each with its split's field taken as
    /// passed, split after split, indexed.
    index: ConditionIndex,
}

impl Splits {
    /// Compiles `splits` of `ruleset`.
    pub fn new(ruleset: &Ruleset, splits: Vec<Split>) -> Self {
        let mut slots = Vec::new();
        let mut programs = Vec::new();
        for (s, split) in splits.iter().enumerate() {
            for c in &split.criteria {
                if let Some(criterion) = ruleset.criteria.get(*c) {
                    slots.push((s, *c));
                    programs.push(Program::ignoring(&criterion.when, split.field));
                }
            }
        }
        Splits {
            fields: splits.iter().map(|s| s.field).collect(),
            slots,
            index: ConditionIndex::new(programs, ruleset),
        }
    }

    /// The splits' fields, whose presence decides whether a split is open.
    pub fn fields(&self) -> &[FieldId] {
        &self.fields
    }

    /// The splits' criteria, each compiled ignoring its split's field.
    pub fn programs(&self) -> &[Program] {
        self.index.programs()
    }

    /// Pushes the flag of each split whose value `record` lacks, when one
    /// of the split's criteria it otherwise meets is more severe than the
    /// `level` it got: its level depends on the absent value.
    pub fn flag_missing(
        &self,
        ruleset: &Ruleset,
        level: Option<LevelId>,
        record: &Record,
        flags: &mut Vec<Flag>,
    ) {
        if self.fields.is_empty() {
            return;
        }
        // Matches come split after split: count each split's run.
        let mut run: Option<(usize, usize, bool)> = None;
        for (split, criterion) in self.open(record) {
            let more_severe = level.is_none_or(|l| {
                ruleset
                    .criteria
                    .get(criterion)
                    .is_some_and(|c| c.level.value < l)
            });
            run = match run {
                Some((s, count, decides)) if s == split => {
                    Some((s, count + 1, decides || more_severe))
                }
                other => {
                    if let Some(done) = other {
                        self.flag(done, record, flags);
                    }
                    Some((split, 1, more_severe))
                }
            };
        }
        if let Some(done) = run {
            self.flag(done, record, flags);
        }
    }

    /// The (split, criterion) pairs `record` meets ignoring the split's
    /// field, for the splits whose field it lacks.
    fn open<'a>(&'a self, record: &'a Record) -> impl Iterator<Item = (usize, usize)> + 'a {
        self.index
            .matching(record)
            .filter_map(|i| self.slots.get(i).copied())
            .filter(|(split, _)| {
                self.fields
                    .get(*split)
                    .is_some_and(|f| record.get(*f).is_none())
            })
    }

    /// Pushes the flag of one split's run of (split, count, decides).
    fn flag(&self, run: (usize, usize, bool), record: &Record, flags: &mut Vec<Flag>) {
        let (split, count, decides) = run;
        let Some(field) = self.fields.get(split) else {
            return;
        };
        if decides && count > 1 {
            flags.push(Flag::Missing {
                field: *field,
                criteria: self
                    .open(record)
                    .filter(|(s, _)| *s == split)
                    .map(|(_, c)| c)
                    .collect(),
            });
        }
    }
}
