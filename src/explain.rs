//! `docket explain`: why one record got its outcome.
//!
//! Every criterion and trigger is shown with each test's verdict and the
//! value it saw, then where the agency came from and how the due time was
//! counted, day by day, with the days skipped and why.

use std::fmt::Write as _;

use serde::Serialize;

use crate::classify::{Classification, Classifier, format_time};
use crate::condition::trace::{Trace, value_text};
use crate::input::Origin;
use crate::output::classification::describe_flag;
use crate::record::Record;
use crate::ruleset::model::{Effect, FieldId, Window};

/// Why a record got its outcome.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    /// The record's id or `FILE:LINE`.
    pub record: String,
    /// Where it was read.
    pub origin: String,
    /// The fields it has, as read (after mapping and fallbacks).
    pub fields: Vec<(String, String)>,
    /// Where its agency came from.
    pub agency: String,
    /// The level, or `unclassified`.
    pub level: String,
    /// Every criterion, in ruleset order.
    pub criteria: Vec<RuleTrace>,
    /// `yes`, `no` or `review`.
    pub declared: String,
    /// Every trigger, in ruleset order.
    pub triggers: Vec<RuleTrace>,
    /// The incident number, if declared.
    pub incident_number: Option<String>,
    /// How the due time was computed.
    pub due: Vec<String>,
    /// What needs a person's attention.
    pub flags: Vec<String>,
}

/// One rule and how its condition went.
#[derive(Clone, Debug, Serialize)]
pub struct RuleTrace {
    /// Its id.
    pub id: String,
    /// Its level (criteria) or effect (triggers).
    pub gives: String,
    /// Its citation.
    pub citation: String,
    /// Whether it matched.
    pub matched: bool,
    /// Whether it decided the outcome.
    pub decided: bool,
    /// The condition, step by step.
    pub condition: Trace,
}

/// Explains a classified record.
pub fn explain(
    classifier: &Classifier<'_>,
    record: &Record,
    outcome: &Classification,
    origin: &Origin,
) -> Explanation {
    let ruleset = classifier.ruleset();
    let fields = ruleset
        .fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let id = FieldId::from_index(i);
            record
                .get(id)
                .map(|v| (f.name.value.clone(), value_text(ruleset, id, Some(v))))
        })
        .collect();
    let agency = match &outcome.agency {
        Some(a) => format!(
            "{} — {} {} is in {} (longest matching prefix of the allocation table)",
            a.agency,
            ruleset.field(a.field).name.value,
            a.address,
            a.prefix
        ),
        None if outcome.flags.contains(&crate::classify::Flag::Unallocated) => {
            "unallocated — the record's addresses are in no prefix of the allocation table"
                .to_owned()
        }
        None => "none — the record has no address, or no allocation table is configured".to_owned(),
    };
    let criteria = ruleset
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| RuleTrace {
            id: c.id.value.clone(),
            gives: ruleset.level(c.level.value).id.value.clone(),
            citation: c.citation.value.clone(),
            matched: outcome.matched.contains(&i),
            decided: outcome.rule == Some(i),
            condition: c.when.trace(record, ruleset),
        })
        .collect();
    let triggers = ruleset
        .triggers
        .iter()
        .enumerate()
        .map(|(i, t)| RuleTrace {
            id: t.id.value.clone(),
            gives: match t.effect {
                Effect::Declare => "declare".to_owned(),
                Effect::Withhold => "withhold".to_owned(),
            },
            citation: t.citation.value.clone(),
            matched: outcome.fired.iter().any(|f| f.index() == i),
            decided: outcome.trigger.is_some_and(|d| d.index() == i),
            condition: t.when.trace(record, ruleset),
        })
        .collect();
    Explanation {
        record: classifier
            .record_id(record)
            .unwrap_or_else(|| origin.to_string()),
        origin: origin.to_string(),
        fields,
        agency,
        level: outcome.level.map_or_else(
            || "unclassified".to_owned(),
            |l| ruleset.level(l).id.value.clone(),
        ),
        criteria,
        declared: outcome.declared.as_str().to_owned(),
        triggers,
        incident_number: outcome.incident_number.map(|n| n.to_string()),
        due: due_lines(classifier, outcome),
        flags: outcome
            .flags
            .iter()
            .map(|f| describe_flag(classifier, f))
            .collect(),
    }
}

fn due_lines(classifier: &Classifier<'_>, outcome: &Classification) -> Vec<String> {
    let ruleset = classifier.ruleset();
    let Some(due) = &outcome.due else {
        return vec!["no due time: the record is unclassified, its level has no window, or its start time is missing".to_owned()];
    };
    let citation = outcome
        .level
        .and_then(|l| ruleset.level(l).response.as_ref())
        .map(|r| r.citation.value.clone())
        .unwrap_or_default();
    let from = &ruleset.field(due.from).name.value;
    let mut lines = vec![format!("due by {}", format_time(&due.at_local()))];
    match due.window {
        Window::Immediately => lines.push(format!(
            "immediately, from {from} {} ({citation})",
            format_time(&due.start_local())
        )),
        Window::Within(duration) => {
            lines.push(format!(
                "{duration} from {from} {} ({citation})",
                format_time(&due.start_local())
            ));
        }
    }
    let (counted, skipped) = due.working_days(classifier.calendar());
    if !counted.is_empty() {
        let days = counted
            .iter()
            .map(|d| d.format("%a %Y-%m-%d").to_string())
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(format!(
            "working days counted: {days}; due at the end of the last one"
        ));
    }
    for (date, reason) in &skipped {
        lines.push(format!("skipped {}: {reason}", date.format("%a %Y-%m-%d")));
    }
    lines
}

impl Explanation {
    /// The explanation as text for a terminal.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "record {} ({})", self.record, self.origin);
        for (name, value) in &self.fields {
            let _ = writeln!(out, "  {name} = {value}");
        }
        let _ = writeln!(out, "\nagency: {}", self.agency);
        let _ = writeln!(out, "\nlevel: {}", self.level);
        render_rules(&mut out, &self.criteria);
        let _ = writeln!(out, "\ndeclared: {}", self.declared);
        if let Some(number) = &self.incident_number {
            let _ = writeln!(out, "incident number: {number}");
        }
        render_rules(&mut out, &self.triggers);
        let _ = writeln!(out, "\ndue:");
        for line in &self.due {
            let _ = writeln!(out, "  {line}");
        }
        if !self.flags.is_empty() {
            let _ = writeln!(out, "\nflags:");
            for flag in &self.flags {
                let _ = writeln!(out, "  {flag}");
            }
        }
        out
    }
}

fn render_rules(out: &mut String, rules: &[RuleTrace]) {
    for rule in rules {
        let mark = if rule.decided {
            "=>"
        } else if rule.matched {
            "✓ "
        } else {
            "✗ "
        };
        let _ = writeln!(
            out,
            "  {mark} {} [{}] {}",
            rule.id, rule.gives, rule.citation
        );
        render_trace(out, &rule.condition, 3);
    }
}

fn render_trace(out: &mut String, trace: &Trace, depth: usize) {
    let mark = if trace.verdict { "✓" } else { "✗" };
    let indent = "  ".repeat(depth);
    match &trace.saw {
        Some(saw) => {
            let _ = writeln!(out, "{indent}{mark} {}  (saw {saw})", trace.test);
        }
        None => {
            let _ = writeln!(out, "{indent}{mark} {}", trace.test);
        }
    }
    for part in &trace.parts {
        render_trace(out, part, depth + 1);
    }
}
