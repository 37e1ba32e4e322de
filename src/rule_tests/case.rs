//! Running one case and comparing what came out with what it expects.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

use crate::audit::history::{Histories, Incident, Occurrence};
use crate::audit::{Auditor, Status};
use crate::classify::{Classifier, Flag, format_time};
use crate::input::Origin;
use crate::record::{Record, parse_timestamp, parse_value};
use crate::ruleset::Ruleset;
use crate::ruleset::model::{FieldId, HistorySpec, RuleRef, TestCase, TestInput, TestOrigin};
use crate::source::{Span, Spanned};

/// What a case produced.
#[derive(Clone, Debug)]
pub enum Actual {
    /// A classified record (boxed: it holds a whole record).
    Record(Box<RecordOutcome>),
    /// An audited history.
    History(HistoryOutcome),
}

/// The outcome of a record case, in the words expectations use.
#[derive(Clone, Debug)]
pub struct RecordOutcome {
    /// The record as classified, derived fields included.
    pub record: Record,
    /// Level id or `unclassified`.
    pub level: String,
    /// `yes`, `no` or `review`.
    pub declared: &'static str,
    /// The deciding criterion.
    pub rule: Option<String>,
    /// The deciding trigger.
    pub trigger: Option<String>,
    /// The triggers in conflict, when `declared` is `review`.
    pub conflicting: Vec<String>,
    /// The response due time.
    pub due_by: Option<DateTime<Tz>>,
    /// The incident number of a declared record.
    pub incident_number: Option<String>,
    /// Review flag kinds (`gap`, `conflict`, `missing`, `no-start-time`,
    /// `unallocated`).
    pub flags: Vec<&'static str>,
}

/// The outcome of a history case.
#[derive(Clone, Debug)]
pub struct HistoryOutcome {
    /// The incident's level, given or classified.
    pub level: String,
    /// Every evaluation: deadline id, unit, status.
    pub findings: Vec<(String, Option<String>, Status)>,
}

/// One expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// What was compared (`level`, `rule`, `findings.open-15-days`).
    pub what: String,
    /// What the case expects.
    pub expected: String,
    /// What came out.
    pub actual: String,
    /// Where the expectation is written (the case's name for implicit ones).
    pub span: Span,
}

/// The words of a flag kind in expectations and output.
pub fn flag_kind(flag: &Flag) -> &'static str {
    match flag {
        Flag::Gap(_) => "gap",
        Flag::Conflict { .. } => "conflict",
        Flag::Missing { .. } => "missing",
        Flag::NoStartTime(_) => "no-start-time",
        Flag::Unallocated => "unallocated",
    }
}

/// Classifies or audits the case's input.
pub fn execute(
    classifier: &Classifier<'_>,
    auditor: &Auditor<'_>,
    test: &TestCase,
) -> Result<Actual, String> {
    let ruleset = classifier.ruleset();
    match &test.input {
        TestInput::Record(values) => {
            let mut record = record_of(ruleset, values)?;
            record.apply_fallbacks(&ruleset.fields);
            let outcome = classifier.classify(&mut record, &test.name.value);
            let name = |i: usize| ruleset.criterion(i).id.value.clone();
            let trigger_name =
                |t: crate::ruleset::model::TriggerId| ruleset.trigger(t).id.value.clone();
            let conflicting = outcome
                .flags
                .iter()
                .filter_map(|f| match f {
                    Flag::Conflict { declare, withhold } => {
                        Some(declare.iter().chain(withhold.iter()))
                    }
                    _ => None,
                })
                .flatten()
                .map(|t| trigger_name(*t))
                .collect();
            Ok(Actual::Record(Box::new(RecordOutcome {
                level: outcome.level.map_or_else(
                    || "unclassified".to_owned(),
                    |l| ruleset.level(l).id.value.clone(),
                ),
                declared: outcome.declared.as_str(),
                rule: outcome.rule.map(name),
                trigger: outcome.trigger.map(trigger_name),
                conflicting,
                due_by: outcome.due.map(|d| d.at_local()),
                incident_number: outcome.incident_number.map(|n| n.to_string()),
                flags: outcome.flags.iter().map(flag_kind).collect(),
                record,
            })))
        }
        TestInput::History(spec) => {
            let as_of = as_of(ruleset, test, spec)?;
            let histories = Histories {
                incidents: vec![incident_of(ruleset, test, spec)?],
                ..Histories::default()
            };
            let audit = auditor.audit(histories, &[], as_of);
            let level = audit
                .incidents
                .first()
                .map_or_else(|| "unclassified".to_owned(), |v| v.level.clone());
            let findings = audit
                .evaluations
                .into_iter()
                .map(|(_, e)| {
                    (
                        ruleset.deadline(e.deadline).id.value.clone(),
                        e.scope,
                        e.status,
                    )
                })
                .collect();
            Ok(Actual::History(HistoryOutcome { level, findings }))
        }
    }
}

fn record_of(
    ruleset: &Ruleset,
    values: &[(Spanned<FieldId>, Spanned<String>)],
) -> Result<Record, String> {
    let mut record = Record::with_fields(ruleset.fields.len());
    let tz = ruleset.meta.timezone.value;
    for (field, text) in values {
        let def = ruleset.field(field.value);
        let value = parse_value(&def.ty, &text.value, tz, (def.min, def.max)).map_err(|e| {
            format!(
                "{}: invalid value for `{}`: {e}",
                ruleset.sources.location(text.span),
                def.name.value
            )
        })?;
        record.set(field.value, Some(value));
    }
    Ok(record)
}

fn time(ruleset: &Ruleset, text: &Spanned<String>) -> Result<DateTime<FixedOffset>, String> {
    parse_timestamp(&text.value, ruleset.meta.timezone.value)
        .map_err(|e| format!("{}: {e}", ruleset.sources.location(text.span)))
}

/// The audit time: as written, or the last event of the history, so that a
/// case never depends on the day it runs.
fn as_of(ruleset: &Ruleset, test: &TestCase, spec: &HistorySpec) -> Result<DateTime<Utc>, String> {
    if let Some(at) = &test.as_of {
        return time(ruleset, at).map(|t| t.with_timezone(&Utc));
    }
    let mut last = None;
    for event in &spec.events {
        let at = time(ruleset, &event.at)?;
        last = last.max(Some(at.with_timezone(&Utc)));
    }
    last.ok_or_else(|| {
        format!(
            "{}: a history without events needs an `as_of`",
            ruleset.sources.location(test.name.span)
        )
    })
}

fn incident_of(ruleset: &Ruleset, test: &TestCase, spec: &HistorySpec) -> Result<Incident, String> {
    let file: Arc<str> = Arc::from(
        ruleset
            .sources
            .file(test.name.span.file)
            .path()
            .display()
            .to_string(),
    );
    let origin = |span: Span| Origin {
        input: Arc::clone(&file),
        line: ruleset.sources.line_column(span).0 as u64,
    };
    let mut events = Vec::with_capacity(spec.events.len());
    for event in &spec.events {
        events.push(Occurrence {
            event: event.event.value,
            at: time(ruleset, &event.at)?,
            scope: event.unit.clone(),
            origin: origin(event.at.span),
        });
    }
    events.sort_by_key(|o| o.at);
    Ok(Incident {
        id: test.name.value.clone(),
        origin: origin(test.name.span),
        attributes: record_of(ruleset, &spec.attributes)?,
        events,
        quality: Vec::new(),
    })
}

/// The rule a case written under it expects to decide.
fn implicit(test: &TestCase) -> Option<&RuleRef> {
    match &test.origin {
        TestOrigin::Inline(rule) => Some(rule),
        TestOrigin::Suite => None,
    }
}

/// Every expectation of `test` that `actual` does not meet.
pub fn compare(ruleset: &Ruleset, test: &TestCase, actual: &Actual) -> Vec<Mismatch> {
    let expect = &test.expect;
    let mut out = Vec::new();
    let mut check = |what: &str, span: Span, expected: &str, got: &str| {
        if expected != got {
            out.push(Mismatch {
                what: what.to_owned(),
                expected: expected.to_owned(),
                actual: got.to_owned(),
                span,
            });
        }
    };
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_owned());
    match actual {
        Actual::Record(got) => {
            if let Some(level) = &expect.level {
                check("level", level.span, &level.value, &got.level);
            }
            if let Some(declared) = &expect.declared {
                check("declared", declared.span, &declared.value, got.declared);
            }
            let rule = expect
                .rule
                .as_ref()
                .map(|r| (r.value.as_str(), r.span))
                .or_else(|| match implicit(test) {
                    Some(RuleRef::Criterion(id)) => Some((id.as_str(), test.name.span)),
                    _ => None,
                });
            if let Some((rule, span)) = rule {
                check("rule", span, rule, &or_none(&got.rule));
            }
            let trigger = expect
                .trigger
                .as_ref()
                .map(|t| (t.value.as_str(), t.span))
                .or_else(|| match implicit(test) {
                    Some(RuleRef::Trigger(id)) => Some((id.as_str(), test.name.span)),
                    _ => None,
                });
            if let Some((trigger, span)) = trigger {
                // In a conflict no trigger decides; a case may name any of
                // the triggers in it.
                if !got.conflicting.iter().any(|t| t == trigger) {
                    check("trigger", span, trigger, &or_none(&got.trigger));
                }
            }
            if let Some(due) = &expect.due_by {
                let expected = parse_timestamp(&due.value, ruleset.meta.timezone.value).ok();
                let same = match (expected, got.due_by) {
                    (Some(e), Some(g)) => e == g,
                    _ => false,
                };
                if !same {
                    let got_text = got
                        .due_by
                        .map_or_else(|| "(none)".to_owned(), |d| format_time(&d));
                    check("due_by", due.span, &due.value, &got_text);
                }
            }
            if let Some(number) = &expect.incident_number {
                let got_number = got.incident_number.as_deref().unwrap_or("none");
                check("incident_number", number.span, &number.value, got_number);
            }
            if let Some(flags) = &expect.flags {
                let mut expected: Vec<&str> = flags.iter().map(|f| f.value.as_str()).collect();
                let mut got_flags = got.flags.clone();
                expected.sort_unstable();
                expected.dedup();
                got_flags.sort_unstable();
                got_flags.dedup();
                let span = flags.first().map_or(test.name.span, |f| f.span);
                check("flags", span, &list(&expected), &list(&got_flags));
            }
        }
        Actual::History(got) => {
            if let Some(level) = &expect.level {
                check("level", level.span, &level.value, &got.level);
            }
            let mut wanted: Vec<(&str, &str, Span)> = expect
                .findings
                .iter()
                .map(|(d, s)| (d.value.as_str(), s.value.as_str(), s.span))
                .collect();
            if let Some(RuleRef::Deadline(id)) = implicit(test) {
                if !wanted.iter().any(|(d, _, _)| d == id) {
                    // Written under a deadline: it must at least apply.
                    let statuses = statuses(got, id);
                    if statuses
                        .iter()
                        .all(|s| *s == Status::NotApplicable.as_str())
                    {
                        check(
                            &format!("findings.{id}"),
                            test.name.span,
                            "met, breached, overdue or pending",
                            &list(&statuses),
                        );
                    }
                }
            }
            for (deadline, status, span) in wanted.drain(..) {
                let statuses = statuses(got, deadline);
                if statuses.is_empty() || statuses.iter().any(|s| *s != status) {
                    check(
                        &format!("findings.{deadline}"),
                        span,
                        status,
                        &list(&statuses),
                    );
                }
            }
        }
    }
    out
}

/// The statuses of one deadline across its evaluations (one per unit).
fn statuses<'a>(got: &'a HistoryOutcome, deadline: &str) -> Vec<&'a str> {
    got.findings
        .iter()
        .filter(|(d, _, _)| d == deadline)
        .map(|(_, _, s)| s.as_str())
        .collect()
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}

/// The rules a case decides and checks: coverage counts a rule covered only
/// by a passing case that both lets it decide and asserts the outcome.
pub fn decided(test: &TestCase, actual: &Actual) -> Vec<RuleRef> {
    let expect = &test.expect;
    let inline = implicit(test);
    let mut out = Vec::new();
    match actual {
        Actual::Record(got) => {
            let checks_level = expect.level.is_some()
                || expect.rule.is_some()
                || matches!(inline, Some(RuleRef::Criterion(_)));
            if let (true, Some(rule)) = (checks_level, &got.rule) {
                out.push(RuleRef::Criterion(rule.clone()));
            }
            let checks_declaration = expect.declared.is_some()
                || expect.trigger.is_some()
                || matches!(inline, Some(RuleRef::Trigger(_)));
            if checks_declaration {
                out.extend(got.trigger.iter().cloned().map(RuleRef::Trigger));
                out.extend(got.conflicting.iter().cloned().map(RuleRef::Trigger));
            }
        }
        Actual::History(got) => {
            let asserted =
                expect
                    .findings
                    .iter()
                    .map(|(d, _)| d.value.as_str())
                    .chain(match inline {
                        Some(RuleRef::Deadline(id)) => Some(id.as_str()),
                        _ => None,
                    });
            for deadline in asserted {
                let applied = statuses(got, deadline)
                    .iter()
                    .any(|s| *s != Status::NotApplicable.as_str());
                let rule = RuleRef::Deadline(deadline.to_owned());
                if applied && !out.contains(&rule) {
                    out.push(rule);
                }
            }
        }
    }
    out
}
