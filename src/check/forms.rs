//! The normal forms of every condition of a ruleset, computed once.

use super::constraints::{Conjunction, Key, normal_form};
use crate::ruleset::Ruleset;
use crate::ruleset::model::FieldId;

/// Normal forms of the criteria, triggers and deadline conditions, by
/// position. `None` where a condition was too large to analyse.
pub struct NormalForms {
    /// One per criterion.
    pub criteria: Vec<Option<Vec<Conjunction>>>,
    /// One per trigger.
    pub triggers: Vec<Option<Vec<Conjunction>>>,
    /// One per deadline; `Some(vec![everything])` when it has no `applies`.
    pub deadlines: Vec<Option<Vec<Conjunction>>>,
    level_field: Option<FieldId>,
}

impl NormalForms {
    /// The form of the criterion at `index`, if it has one.
    pub fn criterion(&self, index: usize) -> Option<&Vec<Conjunction>> {
        self.criteria.get(index).and_then(Option::as_ref)
    }

    /// The form of the trigger at `index`, if it has one.
    pub fn trigger(&self, index: usize) -> Option<&Vec<Conjunction>> {
        self.triggers.get(index).and_then(Option::as_ref)
    }

    /// The form of the deadline at `index`, if it has one.
    pub fn deadline(&self, index: usize) -> Option<&Vec<Conjunction>> {
        self.deadlines.get(index).and_then(Option::as_ref)
    }

    /// Computes the forms of every condition in `ruleset`.
    pub fn of(ruleset: &Ruleset) -> Self {
        let fields = &ruleset.fields;
        NormalForms {
            criteria: ruleset
                .criteria
                .iter()
                .map(|c| normal_form(&c.when, fields))
                .collect(),
            triggers: ruleset
                .triggers
                .iter()
                .map(|t| normal_form(&t.when, fields))
                .collect(),
            deadlines: ruleset
                .deadlines
                .iter()
                .map(|d| match &d.applies {
                    Some(c) => normal_form(c, fields),
                    None => Some(vec![Conjunction::default()]),
                })
                .collect(),
            level_field: ruleset.field_id("level"),
        }
    }

    /// Whether some record can satisfy `conjunction`, taking into account
    /// that a record's level is at least as severe as every criterion it
    /// is bound to match: a trigger testing `level: medium` on records that
    /// always meet a high criterion can never fire.
    pub fn is_possible(&self, ruleset: &Ruleset, conjunction: &Conjunction) -> bool {
        if !conjunction.is_satisfiable(&ruleset.fields) {
            return false;
        }
        let Some(level_field) = self.level_field else {
            return true;
        };
        let Some(allowed) = conjunction
            .fields
            .get(&level_field)
            .and_then(|c| c.values.as_ref())
        else {
            return true;
        };
        // The most severe level the record is guaranteed to reach.
        let guaranteed = self
            .criteria
            .iter()
            .zip(&ruleset.criteria)
            .filter(|(form, _)| {
                form.as_ref().is_some_and(|f| {
                    f.iter()
                        .any(|c| conjunction.without(level_field).implies(c, &ruleset.fields))
                })
            })
            .map(|(_, criterion)| criterion.level.value.0)
            .min();
        match guaranteed {
            None => true,
            Some(bound) => allowed
                .iter()
                .any(|k| matches!(k, Key::Enum(level) if *level <= bound)),
        }
    }
}

impl Conjunction {
    /// The conjunction without any constraint on `field`.
    pub fn without(&self, field: FieldId) -> Conjunction {
        let mut out = self.clone();
        out.fields.remove(&field);
        out
    }
}
