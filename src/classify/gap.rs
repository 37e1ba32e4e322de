//! The `gap` flag: a record whose value falls between two criteria that
//! leave it uncovered (exactly $100,000 of `loss_usd`), and that the
//! criterion just below the gap would otherwise take.
//!
//! The neighbouring criterion is compiled once with the gap's field taken
//! as passed, as [`Condition::matches_ignoring`] evaluates it, so asking
//! every record costs a compiled evaluation, not a walk of the typed tree.
//!
//! [`Condition::matches_ignoring`]: crate::condition::Condition::matches_ignoring

use crate::check::{Gap, Interval, to_units};
use crate::condition::compiled::Program;
use crate::record::{Record, Value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, FieldType};

/// One policy gap, ready to be asked of records.
#[derive(Clone, Debug)]
pub struct GapTest {
    /// The gap's position among the classifier's gaps, which its flag
    /// names.
    index: usize,
    /// The field whose value falls in the gap.
    field: FieldId,
    /// The field's type, which gives its units (cents for money).
    ty: FieldType,
    /// The uncovered values, in the field's units.
    interval: Interval,
    /// The criterion just below the gap, its test of `field` taken as
    /// passed.
    below: Program,
}

impl GapTest {
    /// Compiles `gap`, the `index`-th of `ruleset`; `None` if its
    /// criterion is not the ruleset's.
    pub fn new(ruleset: &Ruleset, index: usize, gap: &Gap) -> Option<Self> {
        let below = Program::ignoring(&ruleset.criteria.get(gap.below)?.when, gap.field);
        Some(GapTest {
            index,
            field: gap.field,
            ty: ruleset
                .fields
                .get(gap.field.index())
                .map_or(FieldType::String, |f| f.ty.clone()),
            interval: gap.interval,
            below,
        })
    }

    /// The gap's position among the classifier's gaps.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether `record` lies in the gap and the criterion below it would
    /// otherwise apply.
    pub fn contains(&self, record: &Record) -> bool {
        self.value_inside(record.get(self.field)) && self.below.matches(record)
    }

    /// The field whose value is asked.
    pub fn field(&self) -> FieldId {
        self.field
    }

    /// The criterion below the gap, as compiled for it.
    pub fn below(&self) -> &Program {
        &self.below
    }

    /// Whether a value of the field (absent: `None`) is one of the
    /// uncovered values: a number inside the interval.
    pub fn value_inside(&self, value: Option<&Value>) -> bool {
        match value {
            Some(Value::Number(n)) => self.interval.contains(to_units(*n, &self.ty)),
            _ => false,
        }
    }
}
