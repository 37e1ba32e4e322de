//! Declaration triggers that contradict each other.
//!
//! A `withhold` trigger says the policy forbids declaring a record; a
//! `declare` trigger says it requires it. When both can match one record and
//! neither `overrides` the other, the policy text contradicts itself there,
//! and classification marks such records `declared: review`. `check` names
//! every such pair once, per withholding trigger.

use super::forms::NormalForms;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{Effect, TriggerId};

/// Whether one trigger overrides the other, in either direction.
pub fn resolved(ruleset: &Ruleset, a: usize, b: usize) -> bool {
    let overrides = |x: usize, y: usize| {
        ruleset
            .trigger_at(x)
            .overrides
            .iter()
            .any(|o| o.value == TriggerId::from_index(y))
    };
    overrides(a, b) || overrides(b, a)
}

/// Reports declare/withhold conflicts.
pub fn report(ruleset: &Ruleset, forms: &NormalForms, out: &mut Diagnostics) {
    for (w, withhold) in ruleset.triggers.iter().enumerate() {
        if withhold.effect != Effect::Withhold {
            continue;
        }
        let Some(form_w) = forms.trigger(w) else {
            continue;
        };
        let conflicting: Vec<usize> = ruleset
            .triggers
            .iter()
            .enumerate()
            .filter(|(d, declare)| declare.effect == Effect::Declare && !resolved(ruleset, w, *d))
            .filter(|(d, _)| {
                forms.trigger(*d).is_some_and(|form_d| {
                    form_d.iter().any(|cd| {
                        form_w
                            .iter()
                            .any(|cw| forms.is_possible(ruleset, &cd.and(cw)))
                    })
                })
            })
            .map(|(d, _)| d)
            .collect();
        if conflicting.is_empty() {
            continue;
        }
        let names = conflicting
            .iter()
            .map(|d| format!("`{}`", ruleset.trigger_at(*d).id.value))
            .collect::<Vec<_>>()
            .join(", ");
        let mut diagnostic = Diagnostic::warning(
            Code::DeclarationConflict,
            withhold.id.span,
            format!(
                "policy conflict: `{}` ({}) forbids declaring records that {} {} declaring",
                withhold.id.value,
                withhold.citation.value,
                names,
                if conflicting.len() == 1 { "requires" } else { "require" }
            ),
        )
        .with_label("withholds declaration")
        .with_help(
            "the policy text does not say which prevails; such records are classified `declared: review`. \
             To decide, add `overrides: [...]` to the trigger that should win",
        );
        for d in conflicting {
            let trigger = ruleset.trigger_at(d);
            diagnostic = diagnostic.with_secondary(
                trigger.id.span,
                format!("declares ({})", trigger.citation.value),
            );
        }
        out.push(diagnostic);
    }
}
