//! Deadlines between timeline events.

use super::dangling;
use crate::condition::parse::{Scope, parse_condition};
use crate::diagnostic::{Code, Diagnostic};
use crate::ruleset::model::{Deadline, EventId, OnBreach, Stage};
use crate::ruleset::reader::{Cx, MapReader};
use crate::ruleset::shape;
use crate::ruleset::symbols::Symbols;
use crate::ruleset::yaml::Node;
use crate::source::Spanned;

/// Reads one deadline, returning it with its inline `tests` node.
pub fn read_deadline<'n>(
    cx: &mut Cx<'_>,
    symbols: &Symbols,
    node: &'n Node,
) -> Option<(Deadline, Option<&'n Node>)> {
    let r = MapReader::open(cx, node, shape::DEADLINE, "a deadline")?;
    let id = r.ident(cx, "id");
    let citation = r.text(cx, "citation");
    let from = r.get("from").and_then(|n| events(cx, symbols, n));
    let to = r.get("to").and_then(|n| events(cx, symbols, n));
    let within = r.duration(cx, "within");
    let scope = Scope {
        symbols,
        stage: Stage::Leveled,
        holder: "a deadline",
    };
    let applies = match r.get("applies") {
        Some(n) => Some(parse_condition(cx, &scope, n)?),
        None => None,
    };
    let on_breach = match r.get("on_breach") {
        Some(n) => on_breach(cx, symbols, n)?,
        None => OnBreach::default(),
    };
    let (id, citation, from, to, within) = (id?, citation?, from?, to?, within?);
    if let Some(same) = from.iter().find(|f| to.iter().any(|t| t.value == f.value)) {
        cx.report(
            Diagnostic::error(
                Code::InvalidValue,
                same.span,
                format!("deadline `{}` starts and stops on the same event", id.value),
            )
            .with_help("a deadline runs from one event to another"),
        );
        return None;
    }
    let deadline = Deadline {
        id,
        title: r.text(cx, "title").map(|t| t.value),
        citation,
        actor: r.text(cx, "actor").map(|t| t.value),
        from,
        to,
        within,
        applies,
        per: r.ident(cx, "per"),
        on_breach,
    };
    Some((deadline, r.get("tests")))
}

fn events(cx: &mut Cx<'_>, symbols: &Symbols, node: &Node) -> Option<Vec<Spanned<EventId>>> {
    let items = cx.one_or_many(node);
    if items.is_empty() {
        cx.wrong_type(node, "an event id or a list of them", "a deadline's events");
        return None;
    }
    let mut out = Vec::new();
    for item in items {
        out.push(event(cx, symbols, item)?);
    }
    Some(out)
}

/// Resolves one event reference.
pub fn event(cx: &mut Cx<'_>, symbols: &Symbols, node: &Node) -> Option<Spanned<EventId>> {
    let name = cx.ident(node, "an event id")?;
    match symbols.event_id(&name.value) {
        Some(id) => Some(Spanned::new(id, name.span)),
        None => {
            dangling(
                cx.diagnostics,
                &name,
                "event",
                "events",
                symbols.events.iter().map(|e| e.id.value.as_str()),
            );
            None
        }
    }
}

fn on_breach(cx: &mut Cx<'_>, symbols: &Symbols, node: &Node) -> Option<OnBreach> {
    let r = MapReader::open(cx, node, shape::ON_BREACH, "`on_breach`")?;
    let notified_by = match r.get("notified_by") {
        Some(n) => Some(event(cx, symbols, n)?),
        None => None,
    };
    let poam_opened_by = match r.get("poam_opened_by") {
        Some(n) => Some(event(cx, symbols, n)?),
        None => None,
    };
    let permits = match r.get("permits") {
        Some(n) => Some(event(cx, symbols, n)?),
        None => None,
    };
    let notify = r.text(cx, "notify").map(|t| t.value);
    if let (Some(by), None) = (&notified_by, &notify) {
        cx.report(
            Diagnostic::error(Code::MissingKey, by.span, "`notified_by` without `notify`")
                .with_help("say who is owed the notification with `notify:`"),
        );
        return None;
    }
    Some(OnBreach {
        declare: r.flag(cx, "declare"),
        poam: r.flag(cx, "poam"),
        poam_opened_by,
        notify,
        notified_by,
        permits,
        note: r.text(cx, "note").map(|t| t.value),
    })
}
