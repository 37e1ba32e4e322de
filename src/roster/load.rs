//! Reading a roster file.
//!
//! ```yaml
//! required_roles: []            # USDA: [isspm, deputy-isspm, cio]
//! units:
//!   - {unit: NIST, contact: nist-contact}
//! people:
//!   - id: doc-cirt
//!     name: DOC CIRT duty officer
//!     role: doc-cirt
//!     coverage: 24x7
//!     methods: {pager: "202-555-0100", email: cirt@doc.example}
//!     calls: [nist-contact]
//! ```

use std::path::Path;

use super::{METHODS, Method, Person, Roster, Unit};
use crate::datafile::Inputs;
use crate::diagnostic::{Code, Diagnostic};
use crate::ruleset::reader::{Cx, MapReader};
use crate::ruleset::shape::{KeySpec, Shape, opt, req};
use crate::ruleset::yaml::Node;

const ROOT: &[KeySpec] = &[
    opt(
        "required_roles",
        Shape::List(&Shape::Ident),
        "Roles every unit must have someone in.",
    ),
    req(
        "units",
        Shape::List(&Shape::Object(UNIT)),
        "The units or agencies.",
    ),
    req("people", Shape::List(&Shape::Object(PERSON)), "The people."),
];

const UNIT: &[KeySpec] = &[
    req(
        "unit",
        Shape::Text,
        "The unit's name, as inventories write it.",
    ),
    opt("contact", Shape::Ident, "Its primary contact's id."),
    opt(
        "alternate",
        Shape::Ident,
        "Who stands in for the primary contact.",
    ),
];

const PERSON: &[KeySpec] = &[
    req("id", Shape::Ident, "Their id."),
    opt("name", Shape::Text, "Their name."),
    opt("role", Shape::Ident, "Their role."),
    opt("unit", Shape::Text, "Their unit."),
    opt("coverage", Shape::Text, "When they can be reached."),
    opt("methods", Shape::Object(METHOD_KEYS), "How to reach them."),
    opt(
        "calls",
        Shape::List(&Shape::Ident),
        "Whom they call, in order.",
    ),
];

const METHOD_KEYS: &[KeySpec] = &[
    opt("pager", Shape::Text, "Pager number."),
    opt("phone", Shape::Text, "Telephone number."),
    opt("email", Shape::Text, "E-mail address."),
    opt("fax", Shape::Text, "Fax number."),
];

pub(super) fn load(path: &Path, inputs: &mut Inputs) -> Roster {
    let mut roster = Roster::default();
    let Some((node, mut cx)) = inputs.read_yaml_cx(path) else {
        return roster;
    };
    let Some(root) = MapReader::open(&mut cx, &node, ROOT, "a roster") else {
        return roster;
    };
    if let Some(list) = root.get("required_roles") {
        roster.required_roles = cx
            .list(list, "`required_roles`")
            .iter()
            .filter_map(|n| cx.ident(n, "a role"))
            .collect();
    }
    if let Some(list) = root.get("units") {
        for item in cx.list(list, "`units`") {
            let Some(r) = MapReader::open(&mut cx, item, UNIT, "a unit") else {
                continue;
            };
            let Some(name) = r.text(&mut cx, "unit") else {
                continue;
            };
            if let Some(first) = roster.unit(&name.value) {
                cx.report(duplicate("unit", &name.value, name.span, first.name.span));
                continue;
            }
            roster.units.push(Unit {
                name,
                contact: r.ident(&mut cx, "contact"),
                alternate: r.ident(&mut cx, "alternate"),
                span: item.span,
            });
        }
    }
    if let Some(list) = root.get("people") {
        for item in cx.list(list, "`people`") {
            if let Some(person) = read_person(&mut cx, item) {
                match roster.person(&person.id.value) {
                    Some(first) => cx.report(duplicate(
                        "person",
                        &person.id.value,
                        person.id.span,
                        first.id.span,
                    )),
                    None => roster.people.push(person),
                }
            }
        }
    }
    roster
}

fn read_person(cx: &mut Cx<'_>, item: &Node) -> Option<Person> {
    let r = MapReader::open(cx, item, PERSON, "a person")?;
    let id = r.ident(cx, "id")?;
    let mut methods = Vec::new();
    let reader = r
        .get("methods")
        .and_then(|node| MapReader::open(cx, node, METHOD_KEYS, "contact methods"));
    if let Some(m) = reader {
        for kind in METHODS {
            if let Some(address) = m.text(cx, kind).filter(|a| !a.value.trim().is_empty()) {
                methods.push(Method {
                    kind,
                    address: address.value.trim().to_owned(),
                });
            }
        }
    }
    let calls = r.get("calls").map_or_else(Vec::new, |list| {
        cx.list(list, "`calls`")
            .iter()
            .filter_map(|n| cx.ident(n, "a person id"))
            .collect()
    });
    Some(Person {
        methods_span: r.key_span("methods").unwrap_or(id.span),
        name: r.text(cx, "name").map(|t| t.value),
        role: r.ident(cx, "role"),
        unit: r.text(cx, "unit"),
        coverage: r.text(cx, "coverage").map(|t| t.value),
        calls,
        methods,
        id,
    })
}

fn duplicate(
    what: &str,
    name: &str,
    span: crate::source::Span,
    first: crate::source::Span,
) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateId,
        span,
        format!("the roster lists {what} `{name}` twice"),
    )
    .with_secondary(first, "first listed here")
}
