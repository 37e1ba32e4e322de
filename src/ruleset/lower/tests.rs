//! Test cases: a record or a history, and the outcome it must get.

use super::timeline::event;
use crate::diagnostic::{Code, Diagnostic, suggest};
use crate::record::{parse_timestamp, parse_value};
use crate::ruleset::model::{
    Expectation, FieldId, HistoryEventSpec, HistorySpec, Stage, TestCase, TestInput, TestOrigin,
};
use crate::ruleset::reader::{Cx, MapReader};
use crate::ruleset::shape;
use crate::ruleset::symbols::Symbols;
use crate::ruleset::yaml::Node;
use crate::source::Spanned;

/// Reads one test case.
pub fn read_test(
    cx: &mut Cx<'_>,
    symbols: &Symbols,
    node: &Node,
    origin: TestOrigin,
) -> Option<TestCase> {
    let r = MapReader::open(cx, node, shape::TEST, "a test case")?;
    let name = r.text(cx, "name").unwrap_or_else(|| {
        let (line, _) = cx.source.line_column(node.span.start as usize);
        Spanned::new(format!("{}:{line}", cx.source.path().display()), node.span)
    });
    let input = match (r.get("record"), r.get("history")) {
        (Some(record), None) => TestInput::Record(values(cx, symbols, record, Stage::Allocated)?),
        (None, Some(history)) => TestInput::History(read_history(cx, symbols, history)?),
        (Some(_), Some(history)) => {
            cx.report(
                Diagnostic::error(
                    Code::MisplacedKey,
                    history.span,
                    "a test case has a `record` or a `history`, not both",
                )
                .with_help("split it into two cases"),
            );
            return None;
        }
        (None, None) => {
            cx.report(
                Diagnostic::error(
                    Code::MissingKey,
                    node.span,
                    "a test case needs a `record` or a `history`",
                )
                .with_label("nothing to test"),
            );
            return None;
        }
    };
    let as_of = r.text(cx, "as_of");
    if let Some(at) = &as_of {
        timestamp(cx, symbols, at)?;
    }
    let expect = read_expect(cx, symbols, r.get("expect")?)?;
    Some(TestCase {
        name,
        origin,
        input,
        as_of,
        expect,
    })
}

fn read_history(cx: &mut Cx<'_>, symbols: &Symbols, node: &Node) -> Option<HistorySpec> {
    let r = MapReader::open(cx, node, shape::HISTORY, "a history")?;
    let attributes = match r.get("attributes") {
        Some(n) => values(cx, symbols, n, Stage::Leveled)?,
        None => Vec::new(),
    };
    let mut events = Vec::new();
    for item in cx.list(r.get("events")?, "`events`") {
        let e = MapReader::open(cx, item, shape::HISTORY_EVENT, "a history event")?;
        let id = event(cx, symbols, e.get("event")?)?;
        let at = e.text(cx, "at")?;
        timestamp(cx, symbols, &at)?;
        events.push(HistoryEventSpec {
            event: id,
            at,
            unit: e.text(cx, "unit").map(|u| u.value),
        });
    }
    Some(HistorySpec { attributes, events })
}

fn timestamp(cx: &mut Cx<'_>, symbols: &Symbols, text: &Spanned<String>) -> Option<()> {
    match parse_timestamp(&text.value, symbols.timezone) {
        Ok(_) => Some(()),
        Err(error) => {
            cx.report(
                Diagnostic::error(Code::InvalidValue, text.span, error.to_string())
                    .with_label("not a timestamp"),
            );
            None
        }
    }
}

/// Field values of a test record or history, each checked against its type.
fn values(
    cx: &mut Cx<'_>,
    symbols: &Symbols,
    node: &Node,
    stage: Stage,
) -> Option<Vec<(Spanned<FieldId>, Spanned<String>)>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (key, value) in cx.entries(node, "a record") {
        let Some(field) = symbols
            .field_id(&key.name)
            .filter(|f| symbols.field(*f).stage <= stage)
        else {
            let names = symbols
                .fields
                .iter()
                .filter(|f| f.stage <= stage)
                .map(|f| f.name.value.as_str());
            let mut diagnostic = Diagnostic::error(
                Code::UnknownField,
                key.span,
                format!("unknown field `{}` in a test record", key.name),
            );
            if let Some(help) = suggest::help_for(&key.name, "fields", names) {
                diagnostic = diagnostic.with_help(help);
            }
            cx.report(diagnostic);
            ok = false;
            continue;
        };
        let Some(text) = cx.text(value, &format!("`{}`", key.name)) else {
            ok = false;
            continue;
        };
        let def = symbols.field(field);
        if let Err(error) = parse_value(&def.ty, &text.value, symbols.timezone, (def.min, def.max))
        {
            cx.report(
                Diagnostic::error(
                    Code::InvalidValue,
                    text.span,
                    format!("invalid value for `{}`: {error}", key.name),
                )
                .with_label(format!("not a valid {}", def.ty.name())),
            );
            ok = false;
            continue;
        }
        out.push((Spanned::new(field, key.span), text));
    }
    ok.then_some(out)
}

fn read_expect(cx: &mut Cx<'_>, symbols: &Symbols, node: &Node) -> Option<Expectation> {
    let r = MapReader::open(cx, node, shape::EXPECT, "`expect`")?;
    let level = r.ident(cx, "level");
    if let Some(level) = &level {
        if level.value != "unclassified" && symbols.level_id(&level.value).is_none() {
            let names = symbols
                .levels
                .iter()
                .map(|l| l.id.value.as_str())
                .chain(["unclassified"]);
            super::dangling(cx.diagnostics, level, "level", "levels", names);
            return None;
        }
    }
    let due_by = r.text(cx, "due_by");
    if let Some(due) = &due_by {
        timestamp(cx, symbols, due)?;
    }
    let flags = match r.get("flags") {
        Some(n) => {
            let mut kinds = Vec::new();
            for item in cx.one_or_many(n) {
                let kind = cx.text(item, "a flag kind")?;
                if !shape::FLAG_KINDS.contains(&kind.value.as_str()) {
                    let mut diagnostic = Diagnostic::error(
                        Code::InvalidValue,
                        kind.span,
                        format!("`{}` is not a kind of flag", kind.value),
                    )
                    .with_label("unknown flag kind");
                    let help = suggest::help_for(
                        &kind.value,
                        "flag kinds",
                        shape::FLAG_KINDS.iter().copied(),
                    );
                    if let Some(help) = help {
                        diagnostic = diagnostic.with_help(help);
                    }
                    cx.report(diagnostic);
                    return None;
                }
                kinds.push(kind);
            }
            Some(kinds)
        }
        None => None,
    };
    let mut findings = Vec::new();
    if let Some(n) = r.get("findings") {
        const STATUSES: &[&str] = &["met", "breached", "overdue", "pending", "not-applicable"];
        for (key, value) in cx.entries(n, "`findings`") {
            let status = cx.text(value, "a finding status")?;
            if !STATUSES.contains(&status.value.as_str()) {
                let mut diagnostic = Diagnostic::error(
                    Code::InvalidValue,
                    status.span,
                    format!("`{}` is not a finding status", status.value),
                );
                if let Some(help) =
                    suggest::help_for(&status.value, "statuses", STATUSES.iter().copied())
                {
                    diagnostic = diagnostic.with_help(help);
                }
                cx.report(diagnostic);
                return None;
            }
            findings.push((Spanned::new(key.name.clone(), key.span), status));
        }
    }
    Some(Expectation {
        level,
        declared: r.keyword(cx, "declared", &["yes", "no", "review"]),
        rule: r.ident(cx, "rule"),
        trigger: r.ident(cx, "trigger"),
        due_by,
        incident_number: r.text(cx, "incident_number"),
        flags,
        findings,
    })
}
