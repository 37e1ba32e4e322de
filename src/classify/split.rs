//! The `missing` flag: a record without the value that decides between
//! criteria of different levels (`loss_usd` of a property destruction).
//!
//! The question is which criteria of a [`Split`] the record meets whatever
//! the value of its field. Asked of every record, so the criteria are
//! compiled with the field's tests taken as passed and indexed like the
//! classifier's own: most records cannot meet any of them.

use super::Flag;
use super::index::ConditionIndex;
use crate::check::Split;
use crate::condition::compiled::Program;
use crate::record::Record;
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, LevelId};

/// A split with its criteria compiled to ignore its field.
pub struct CompiledSplit {
    field: FieldId,
    /// The criteria, in ruleset order.
    criteria: Vec<usize>,
    /// Each criterion's condition with the field's tests taken as passed,
    /// indexed.
    index: ConditionIndex,
}

impl CompiledSplit {
    /// Compiles `split` of `ruleset`.
    pub fn new(ruleset: &Ruleset, split: Split) -> Self {
        let programs: Vec<Program> = split
            .criteria
            .iter()
            .filter_map(|c| ruleset.criteria.get(*c))
            .map(|c| Program::ignoring(&c.when, split.field))
            .collect();
        CompiledSplit {
            field: split.field,
            index: ConditionIndex::new(programs, ruleset),
            criteria: split.criteria,
        }
    }

    /// The flag of a record without the split's value, when one of the
    /// criteria it otherwise meets is more severe than the `level` it got:
    /// its level depends on the absent value.
    pub fn missing(
        &self,
        ruleset: &Ruleset,
        level: Option<LevelId>,
        record: &Record,
    ) -> Option<Flag> {
        if record.get(self.field).is_some() {
            return None;
        }
        let open = || {
            self.index
                .matching(record)
                .filter_map(|i| self.criteria.get(i).copied())
        };
        // One pass to decide, a second only to list the criteria of a flag.
        let (count, decides) = open().fold((0usize, false), |(n, decides), c| {
            let more_severe = level.is_none_or(|l| {
                ruleset
                    .criteria
                    .get(c)
                    .is_some_and(|criterion| criterion.level.value < l)
            });
            (n + 1, decides || more_severe)
        });
        (decides && count > 1).then(|| Flag::Missing {
            field: self.field,
            criteria: open().collect(),
        })
    }
}
