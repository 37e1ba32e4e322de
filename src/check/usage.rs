//! Definitions nothing uses, and rules that can never take effect.

use std::collections::BTreeSet;

use super::forms::NormalForms;
use crate::condition::{Condition, Op, Operand};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{EventId, ListId, ThresholdId};

/// Reports unused events, lists and thresholds, triggers and deadlines that
/// cannot take effect, and triggers that override each other.
pub fn report(ruleset: &Ruleset, forms: &NormalForms, out: &mut Diagnostics) {
    unused_events(ruleset, out);
    unused_definitions(ruleset, out);
    for (i, trigger) in ruleset.triggers.iter().enumerate() {
        if forms
            .trigger(i)
            .is_some_and(|f| !f.iter().any(|c| forms.is_possible(ruleset, c)))
        {
            out.push(
                Diagnostic::warning(Code::Unsatisfiable, trigger.id.span, format!("trigger `{}` can never fire", trigger.id.value))
                    .with_secondary(trigger.when.span(), "no record satisfies this condition")
                    .with_help("its tests contradict each other, or the levels it tests cannot be reached by the records it describes"),
            );
        }
        for other in &trigger.overrides {
            let j = other.value.index();
            if j > i
                && ruleset
                    .trigger_at(j)
                    .overrides
                    .iter()
                    .any(|o| o.value.index() == i)
            {
                out.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        other.span,
                        format!(
                            "`{}` and `{}` override each other",
                            trigger.id.value,
                            ruleset.trigger_at(j).id.value
                        ),
                    )
                    .with_help(
                        "only one of two triggers can prevail; remove one of the `overrides`",
                    ),
                );
            }
        }
    }
    for (i, deadline) in ruleset.deadlines.iter().enumerate() {
        if forms
            .deadline(i)
            .is_some_and(|f| !f.iter().any(|c| forms.is_possible(ruleset, c)))
        {
            let span = deadline
                .applies
                .as_ref()
                .map_or(deadline.id.span, Condition::span);
            out.push(
                Diagnostic::warning(
                    Code::DeadlineCannotStart,
                    deadline.id.span,
                    format!("deadline `{}` can never apply", deadline.id.value),
                )
                .with_label("never starts")
                .with_secondary(span, "no incident satisfies this condition")
                .with_help("its `applies` condition contradicts itself"),
            );
        }
        if let Some(per) = &deadline.per {
            let scoped = deadline.to.iter().chain(&deadline.from).any(|e| {
                ruleset
                    .event(e.value)
                    .per
                    .as_ref()
                    .is_some_and(|p| p.value == per.value)
            });
            if !scoped {
                out.push(
                    Diagnostic::warning(Code::DeadlineCannotStart, per.span, format!("deadline `{}` is evaluated per `{}`, but none of its events carries it", deadline.id.value, per.value))
                        .with_label(format!("no event of this deadline has `per: {}`", per.value))
                        .with_help(format!("mark the unit-level events with `per: {}`", per.value)),
                );
            }
        }
    }
}

fn unused_events(ruleset: &Ruleset, out: &mut Diagnostics) {
    let mut used: BTreeSet<EventId> = BTreeSet::new();
    for deadline in &ruleset.deadlines {
        used.extend(deadline.from.iter().chain(&deadline.to).map(|e| e.value));
        let breach = &deadline.on_breach;
        used.extend(
            [&breach.notified_by, &breach.poam_opened_by, &breach.permits]
                .into_iter()
                .flatten()
                .map(|e| e.value),
        );
    }
    used.extend(
        ruleset
            .events
            .iter()
            .filter_map(|e| e.requires.as_ref())
            .map(|e| e.value),
    );
    for (i, event) in ruleset.events.iter().enumerate() {
        let id = EventId::from_index(i);
        let counts_as_used = event
            .counts_as
            .as_ref()
            .is_some_and(|c| used.contains(&c.value));
        if used.contains(&id) || counts_as_used || event.milestone || event.closes {
            continue;
        }
        out.push(
            Diagnostic::warning(Code::UnusedEvent, event.id.span, format!("event `{}` is never used", event.id.value))
                .with_label("no deadline, breach consequence or report uses it")
                .with_help("use it in a deadline, mark it `milestone: true` to report the time to it, or remove it"),
        );
    }
}

fn unused_definitions(ruleset: &Ruleset, out: &mut Diagnostics) {
    let mut lists: BTreeSet<ListId> = BTreeSet::new();
    let mut thresholds: BTreeSet<ThresholdId> = BTreeSet::new();
    let conditions = ruleset.rule_conditions();
    for condition in conditions {
        for test in condition.tests() {
            match &test.op {
                Op::OneOf { lists: l, .. } | Op::Cidr { lists: l, .. } => {
                    lists.extend(l.iter().copied())
                }
                Op::Compare(
                    _,
                    Operand::Number {
                        threshold: Some(t), ..
                    },
                ) => {
                    thresholds.insert(*t);
                }
                _ => {}
            }
        }
    }
    for (i, list) in ruleset.lists.iter().enumerate() {
        if !lists.contains(&ListId::from_index(i)) {
            out.push(
                Diagnostic::warning(
                    Code::UnusedDefinition,
                    list.name.span,
                    format!("list `{}` is never used", list.name.value),
                )
                .with_help("reference it with `in_list`, or remove it"),
            );
        }
    }
    for (i, threshold) in ruleset.thresholds.iter().enumerate() {
        if !thresholds.contains(&ThresholdId::from_index(i)) {
            out.push(
                Diagnostic::warning(
                    Code::UnusedDefinition,
                    threshold.name.span,
                    format!("threshold `{}` is never used", threshold.name.value),
                )
                .with_help("compare a field with it (`gt: name`), or remove it"),
            );
        }
    }
}
