//! Whether a record is declared, from the triggers it fires: a `declare`
//! trigger declares unless a `withhold` one fires too and neither
//! overrides the other, in which case a person must review it.
//!
//! Each trigger's effect and the triggers it overrides are copied out of
//! the ruleset once, so deciding costs a pass over the (few) fired
//! triggers; the lists of a conflict are built only when there is one.

use super::{Declared, Flag};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{Effect, TriggerId};

/// The triggers' effects and overrides, by trigger.
pub struct Declaration {
    effects: Vec<Effect>,
    overrides: Vec<Vec<TriggerId>>,
    /// Whether any trigger overrides another: if none does, nothing is
    /// ever overridden.
    any_overrides: bool,
}

impl Declaration {
    /// Copies the triggers of `ruleset`.
    pub fn new(ruleset: &Ruleset) -> Self {
        let overrides: Vec<Vec<TriggerId>> = ruleset
            .triggers
            .iter()
            .map(|t| t.overrides.iter().map(|o| o.value).collect())
            .collect();
        Declaration {
            effects: ruleset.triggers.iter().map(|t| t.effect).collect(),
            any_overrides: overrides.iter().any(|o| !o.is_empty()),
            overrides,
        }
    }

    /// The outcome of the `fired` triggers (in ruleset order) and the
    /// deciding trigger; pushes the flag of a conflict.
    pub fn decide(
        &self,
        fired: &[TriggerId],
        flags: &mut Vec<Flag>,
    ) -> (Declared, Option<TriggerId>) {
        let overridden = |id: &TriggerId| {
            self.any_overrides
                && fired.iter().any(|other| {
                    self.overrides
                        .get(other.index())
                        .is_some_and(|o| o.contains(id))
                })
        };
        let effective = |effect: Effect| {
            fired
                .iter()
                .copied()
                .filter(move |t| self.effects.get(t.index()) == Some(&effect) && !overridden(t))
        };
        match (
            effective(Effect::Declare).next(),
            effective(Effect::Withhold).next(),
        ) {
            (Some(_), Some(_)) => {
                flags.push(Flag::Conflict {
                    declare: effective(Effect::Declare).collect(),
                    withhold: effective(Effect::Withhold).collect(),
                });
                (Declared::Review, None)
            }
            (Some(d), None) => (Declared::Yes, Some(d)),
            (None, w) => (Declared::No, w),
        }
    }
}
