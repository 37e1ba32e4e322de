//! Criteria that can never decide the outcome, and criteria no record meets.
//!
//! The deciding criterion of a record is the first matching one (in file
//! order) of the most severe level that matches. A criterion whose every
//! match is also a match of a more severe criterion — or of an earlier one
//! at the same level — never decides: its condition is stronger than one
//! that always wins.

use super::forms::NormalForms;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ruleset::Ruleset;

/// Reports shadowed and unsatisfiable criteria.
pub fn report(ruleset: &Ruleset, forms: &NormalForms, out: &mut Diagnostics) {
    for (b, criterion) in ruleset.criteria.iter().enumerate() {
        let Some(form_b) = forms.criterion(b) else {
            continue;
        };
        if form_b.is_empty() {
            out.push(
                Diagnostic::warning(
                    Code::Unsatisfiable,
                    criterion.id.span,
                    format!("criterion `{}` can never match", criterion.id.value),
                )
                .with_secondary(criterion.when.span(), "no record satisfies this condition")
                .with_help("its tests contradict each other; check the values and operators"),
            );
            continue;
        }
        let winner = ruleset.criteria.iter().enumerate().find(|(a, other)| {
            let beats = other.level.value < criterion.level.value
                || (other.level.value == criterion.level.value && *a < b);
            beats
                && *a != b
                && forms.criterion(*a).is_some_and(|form_a| {
                    form_b
                        .iter()
                        .all(|cb| form_a.iter().any(|ca| cb.implies(ca, &ruleset.fields)))
                })
        });
        if let Some((_, other)) = winner {
            let why = if other.level.value < criterion.level.value {
                format!(
                    "which is more severe ({})",
                    ruleset.level(other.level.value).id.value
                )
            } else {
                "which comes first at the same level".to_owned()
            };
            out.push(
                Diagnostic::warning(
                    Code::ShadowedCriterion,
                    criterion.id.span,
                    format!(
                        "criterion `{}` can never decide the outcome",
                        criterion.id.value
                    ),
                )
                .with_label(format!(
                    "every record it matches also matches `{}`",
                    other.id.value
                ))
                .with_secondary(
                    other.id.span,
                    format!("`{}` has a weaker condition, {why}", other.id.value),
                )
                .with_help("remove the criterion, or narrow the one that shadows it"),
            );
        }
    }
}
