//! Numeric gaps and overlaps between criteria.
//!
//! Two criteria that test the same numeric field under otherwise equal
//! conditions split that field's values between them. Values neither covers
//! are a *gap* — the USDA text gives "exceeding $100,000" to high and "less
//! than $100,000" to medium, and says nothing of exactly $100,000. Values
//! both cover at different levels are an *overlap*. Gaps are also computed
//! for classification, which flags a record that falls into one instead of
//! placing it silently.

use std::collections::BTreeMap;

use super::constraints::{Conjunction, Interval, from_units};
use super::forms::NormalForms;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, FieldType};
use crate::source::Span;

/// Values of a numeric field that two neighbouring criteria leave uncovered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    /// The field.
    pub field: FieldId,
    /// The uncovered values, in the field's units (cents for money).
    pub interval: Interval,
    /// The criterion covering the values just below the gap.
    pub below: usize,
    /// The criterion covering the values just above it.
    pub above: usize,
    /// Where `below` tests the field.
    below_span: Span,
    /// Where `above` tests the field.
    above_span: Span,
}

/// Criteria that differ only in their range of one numeric field: the
/// field's value decides between them (`loss_usd` between
/// `high.property-destruction` and `medium.property-destruction`). A record
/// without the value cannot be placed by them, which classification flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The field.
    pub field: FieldId,
    /// The criteria, in ruleset order.
    pub criteria: Vec<usize>,
}

/// One criterion's range on a field, within a group of comparable criteria.
#[derive(Clone, Copy)]
struct Range {
    criterion: usize,
    interval: Interval,
    span: Span,
}

/// Groups the criteria by "everything but one numeric field's range".
fn groups(ruleset: &Ruleset, forms: &NormalForms) -> Vec<(FieldId, Vec<Range>)> {
    let mut groups: BTreeMap<(FieldId, String), Vec<Range>> = BTreeMap::new();
    for (criterion, form) in forms.criteria.iter().enumerate() {
        let Some(form) = form else { continue };
        for conjunction in form {
            for (field, constraint) in &conjunction.fields {
                let numeric = ruleset
                    .fields
                    .get(field.index())
                    .is_some_and(|f| f.ty.is_numeric());
                let (true, Some(span)) = (numeric, constraint.range_span) else {
                    continue;
                };
                if constraint.range == Interval::ALL || constraint.values.is_some() {
                    continue;
                }
                let key = (*field, group_key(&conjunction.key_without_range(*field)));
                groups.entry(key).or_default().push(Range {
                    criterion,
                    interval: constraint.range,
                    span,
                });
            }
        }
    }
    groups
        .into_iter()
        .map(|((field, _), ranges)| (field, ranges))
        .filter(|(_, ranges)| ranges.len() > 1)
        .collect()
}

/// A deterministic text key for a conjunction (spans excluded).
fn group_key(conjunction: &Conjunction) -> String {
    conjunction
        .fields
        .iter()
        .map(|(id, c)| {
            format!(
                "{}:{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
                id.0, c.exists, c.values, c.excluded, c.range, c.opaque, c.opaque_negated
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Every group of criteria that split a numeric field between them.
pub fn splits(ruleset: &Ruleset, forms: &NormalForms) -> Vec<Split> {
    groups(ruleset, forms)
        .into_iter()
        .filter_map(|(field, ranges)| {
            let mut criteria: Vec<usize> = ranges.iter().map(|r| r.criterion).collect();
            criteria.sort_unstable();
            criteria.dedup();
            (criteria.len() > 1).then_some(Split { field, criteria })
        })
        .collect()
}

/// Every interior gap between comparable criteria.
pub fn gaps(ruleset: &Ruleset, forms: &NormalForms) -> Vec<Gap> {
    let mut out = Vec::new();
    for (field, mut ranges) in groups(ruleset, forms) {
        ranges.sort_by_key(|r| (r.interval.lo.is_some(), r.interval.lo, r.criterion));
        // Sweep from the lowest range up, remembering which range reaches
        // highest so far; a range starting beyond that reach opens a gap.
        let Some(mut reach) = ranges.first().copied() else {
            continue;
        };
        for next in ranges.iter().skip(1) {
            let Some(covered) = reach.interval.hi else {
                break; // coverage runs to infinity: no gap above
            };
            if let Some(lo) = next.interval.lo {
                if lo > covered.saturating_add(1) {
                    out.push(Gap {
                        field,
                        interval: Interval {
                            lo: Some(covered + 1),
                            hi: Some(lo - 1),
                        },
                        below: reach.criterion,
                        above: next.criterion,
                        below_span: reach.span,
                        above_span: next.span,
                    });
                }
            }
            if next.interval.hi.is_none_or(|hi| hi > covered) {
                reach = *next;
            }
        }
    }
    out
}

fn describe(interval: Interval, ty: &FieldType) -> String {
    match (interval.lo, interval.hi) {
        (Some(lo), Some(hi)) if lo == hi => format!("exactly {}", from_units(lo, ty)),
        (Some(lo), Some(hi)) => format!("from {} to {}", from_units(lo, ty), from_units(hi, ty)),
        (Some(lo), None) => format!("{} and above", from_units(lo, ty)),
        (None, Some(hi)) => format!("up to {}", from_units(hi, ty)),
        (None, None) => "every value".to_owned(),
    }
}

/// Reports gaps and overlaps as warnings.
pub fn report(ruleset: &Ruleset, forms: &NormalForms, out: &mut Diagnostics) {
    for gap in gaps(ruleset, forms) {
        let field = ruleset.field(gap.field);
        let (below, above) = (ruleset.criterion(gap.below), ruleset.criterion(gap.above));
        let interval_of = |criterion: usize| {
            forms
                .criterion(criterion)
                .into_iter()
                .flatten()
                .find_map(|c| c.fields.get(&gap.field).map(|f| f.range))
                .unwrap_or(Interval::ALL)
        };
        out.push(
            Diagnostic::warning(
                Code::NumericGap,
                gap.above_span,
                format!(
                    "policy gap: `{}` {} matches neither `{}` ({}) nor `{}` ({})",
                    field.name.value,
                    describe(gap.interval, &field.ty),
                    above.id.value,
                    ruleset.level(above.level.value).id.value,
                    below.id.value,
                    ruleset.level(below.level.value).id.value,
                ),
            )
            .with_label(format!("`{}` covers {}", above.id.value, describe(interval_of(gap.above), &field.ty)))
            .with_secondary(gap.below_span, format!("`{}` covers {}", below.id.value, describe(interval_of(gap.below), &field.ty)))
            .with_help(format!(
                "the policy text leaves {} undecided ({} / {}); classification reports such records as `unclassified` \
                 with a `gap` flag until the rule decides, e.g. with `gte` instead of `gt`",
                describe(gap.interval, &field.ty),
                above.citation.value,
                below.citation.value,
            )),
        );
    }
    for (field, ranges) in groups(ruleset, forms) {
        let def = ruleset.field(field);
        for (i, a) in ranges.iter().enumerate() {
            for b in ranges.iter().skip(i + 1) {
                let (ca, cb) = (
                    ruleset.criterion(a.criterion),
                    ruleset.criterion(b.criterion),
                );
                let shared = a.interval.intersect(b.interval);
                if ca.level.value == cb.level.value
                    || shared.is_empty()
                    || a.criterion == b.criterion
                {
                    continue;
                }
                out.push(
                    Diagnostic::warning(
                        Code::NumericOverlap,
                        b.span,
                        format!(
                            "`{}` {} matches both `{}` and `{}`, at different levels",
                            def.name.value,
                            describe(shared, &def.ty),
                            ca.id.value,
                            cb.id.value
                        ),
                    )
                    .with_label(format!("`{}` covers {}", cb.id.value, describe(b.interval, &def.ty)))
                    .with_secondary(a.span, format!("`{}` covers {}", ca.id.value, describe(a.interval, &def.ty)))
                    .with_help("the more severe level wins; if the policy means one boundary, make the ranges meet without overlapping"),
                );
            }
        }
    }
}
