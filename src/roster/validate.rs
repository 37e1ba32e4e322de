//! What would break the call chain on the day: a unit nobody answers for,
//! a person with no way to reach them, an owner missing from the roster,
//! people calling each other in a loop, names that lead nowhere.

use std::collections::BTreeMap;

use super::{Roster, SYSTEM_ADMINISTRATOR, SYSTEM_OWNER, UNIT_CONTACT};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, suggest};
use crate::inventory::System;
use crate::ruleset::Ruleset;
use crate::source::Spanned;

/// The systems whose units, owners and administrators must be on the
/// roster: all of an inventory's, or those an advisory leaves exposed.
#[derive(Clone, Debug, Default)]
pub struct Scope<'i> {
    /// The systems.
    pub systems: Vec<&'i System>,
}

/// Validates a roster against the systems in scope.
pub fn validate(roster: &Roster, scope: &Scope<'_>, diagnostics: &mut Diagnostics) {
    units(roster, diagnostics);
    unit_of_systems(roster, scope, diagnostics);
    people(roster, diagnostics);
    cycles(roster, diagnostics);
    owners(roster, scope, diagnostics);
}

/// Warns about each role the ruleset's events name (`by:`, `notifies:`)
/// that nobody on the roster holds, at the ruleset's line: a plan would
/// show "nobody" for every step in that role, and the usual cause is a
/// misspelt role on one side. Unit contacts come from the units and owners
/// and administrators from the inventory, so those three are checked there.
/// A role held in some units and not others is not reported: the policy
/// may make it optional ("its formal CIRT (if any)").
pub fn ruleset_roles(roster: &Roster, ruleset: &Ruleset, diagnostics: &mut Diagnostics) {
    let resolved_elsewhere = [UNIT_CONTACT, SYSTEM_OWNER, SYSTEM_ADMINISTRATOR];
    let mut held: Vec<&str> = roster
        .people
        .iter()
        .filter_map(|p| p.role.as_ref().map(|r| r.value.as_str()))
        .collect();
    held.sort_unstable();
    held.dedup();
    let mut reported: Vec<&str> = Vec::new();
    for event in &ruleset.events {
        let named = event.by.iter().chain(&event.notifies);
        for role in named {
            let name = role.value.as_str();
            if resolved_elsewhere.contains(&name)
                || held.contains(&name)
                || reported.contains(&name)
            {
                continue;
            }
            reported.push(name);
            let mut diagnostic = Diagnostic::warning(
                Code::MissingContact,
                role.span,
                format!("nobody on the roster holds role `{name}`"),
            )
            .with_label(format!("event `{}` names this role", event.id.value));
            if let Some(help) = suggest::help_for(name, "roster roles", held.iter().copied()) {
                diagnostic = diagnostic.with_help(help);
            }
            diagnostics.push(diagnostic);
        }
    }
}

fn units(roster: &Roster, diagnostics: &mut Diagnostics) {
    for unit in &roster.units {
        match &unit.contact {
            None => diagnostics.push(
                Diagnostic::error(
                    Code::MissingContact,
                    unit.name.span,
                    format!("unit `{}` has no primary contact", unit.name.value),
                )
                .with_label("no `contact` for this unit")
                .with_help(
                    "name the unit's Significant Event Contact (USDA: the ISSPM) with `contact: ID`",
                ),
            ),
            Some(contact) => person_exists(roster, contact, "contact", diagnostics),
        }
        if let Some(alternate) = &unit.alternate {
            person_exists(roster, alternate, "alternate", diagnostics);
        }
        for role in &roster.required_roles {
            let staffed = roster.people.iter().any(|p| {
                p.role.as_ref().is_some_and(|r| r.value == role.value)
                    && p.unit.as_ref().is_some_and(|u| u.value == unit.name.value)
            });
            if !staffed {
                diagnostics.push(
                    Diagnostic::error(
                        Code::MissingContact,
                        unit.name.span,
                        format!(
                            "unit `{}` has nobody in the required role `{}`",
                            unit.name.value, role.value
                        ),
                    )
                    .with_secondary(role.span, "required here"),
                );
            }
        }
    }
}

fn unit_of_systems(roster: &Roster, scope: &Scope<'_>, diagnostics: &mut Diagnostics) {
    let mut first: BTreeMap<&str, &Spanned<String>> = BTreeMap::new();
    for unit in scope.systems.iter().filter_map(|s| s.unit.as_ref()) {
        first.entry(unit.value.as_str()).or_insert(unit);
    }
    for (name, span) in first {
        if roster.unit(name).is_none() {
            let mut diagnostic = Diagnostic::error(
                Code::MissingContact,
                span.span,
                format!("unit `{name}` has systems in the inventory but no entry on the roster"),
            )
            .with_label("nobody on the roster answers for this unit");
            let known = roster.units.iter().map(|u| u.name.value.as_str());
            if let Some(help) = suggest::help_for(name, "units", known) {
                diagnostic = diagnostic.with_help(help);
            }
            diagnostics.push(diagnostic);
        }
    }
}

fn people(roster: &Roster, diagnostics: &mut Diagnostics) {
    for person in &roster.people {
        if person.methods.is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    Code::NoContactMethod,
                    person.methods_span,
                    format!("`{}` has no contact method", person.id.value),
                )
                .with_label("no pager, phone, email or fax")
                .with_help("give at least one of pager, phone, email or fax under `methods`"),
            );
        }
        for callee in &person.calls {
            person_exists(roster, callee, "call", diagnostics);
        }
        if let Some(unit) = &person.unit {
            if roster.unit(&unit.value).is_none() {
                diagnostics.push(Diagnostic::error(
                    Code::DanglingReference,
                    unit.span,
                    format!("`{}` is not a unit of the roster", unit.value),
                ));
            }
        }
    }
}

fn person_exists(roster: &Roster, id: &Spanned<String>, what: &str, diagnostics: &mut Diagnostics) {
    if roster.person(&id.value).is_some() {
        return;
    }
    let mut diagnostic = Diagnostic::error(
        Code::DanglingReference,
        id.span,
        format!("{what} `{}` is not on the roster", id.value),
    );
    let known = roster.people.iter().map(|p| p.id.value.as_str());
    if let Some(help) = suggest::help_for(&id.value, "people", known) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostics.push(diagnostic);
}

/// Depth-first search over `calls`; each edge back to a person still on
/// the path closes a loop, reported at that `calls` entry.
// A depth-first search over `roster.people`: every index is a position in
// that vector or in `marks`, which has its length, so indexing cannot fail.
#[allow(clippy::indexing_slicing)]
fn cycles(roster: &Roster, diagnostics: &mut Diagnostics) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let index = |id: &str| roster.people.iter().position(|p| p.id.value == id);
    let mut marks = vec![Mark::New; roster.people.len()];
    for root in 0..roster.people.len() {
        if marks[root] != Mark::New {
            continue;
        }
        // (person, next call to follow)
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        marks[root] = Mark::OnPath;
        while let Some(&mut (person, ref mut next)) = stack.last_mut() {
            let calls = &roster.people[person].calls;
            let Some(callee) = calls.get(*next) else {
                marks[person] = Mark::Done;
                stack.pop();
                continue;
            };
            *next += 1;
            let Some(target) = index(&callee.value) else {
                continue;
            };
            match marks[target] {
                Mark::New => {
                    marks[target] = Mark::OnPath;
                    stack.push((target, 0));
                }
                Mark::OnPath => {
                    let start = stack.iter().position(|(p, _)| *p == target).unwrap_or(0);
                    let chain: Vec<&str> = stack[start..]
                        .iter()
                        .map(|(p, _)| roster.people[*p].id.value.as_str())
                        .chain(std::iter::once(callee.value.as_str()))
                        .collect();
                    diagnostics.push(
                        Diagnostic::error(
                            Code::CallCycle,
                            callee.span,
                            format!("the call roster loops: {}", chain.join(" → ")),
                        )
                        .with_label("this call leads back up the chain")
                        .with_help(
                            "the roster is a hierarchy (DOC CIRT → unit contacts → owners and administrators); remove one of the calls",
                        ),
                    );
                }
                Mark::Done => {}
            }
        }
    }
}

fn owners(roster: &Roster, scope: &Scope<'_>, diagnostics: &mut Diagnostics) {
    for system in &scope.systems {
        for (who, role, value) in [
            ("owner", super::SYSTEM_OWNER, &system.owner),
            (
                "administrator",
                super::SYSTEM_ADMINISTRATOR,
                &system.administrator,
            ),
        ] {
            match value {
                None => diagnostics.push(
                    Diagnostic::error(
                        Code::OwnerNotOnRoster,
                        system.id.span,
                        format!("system `{}` names no {who}", system.id.value),
                    )
                    .with_help(format!(
                        "give the {who}'s roster id in the inventory, so the unit contact can call them"
                    )),
                ),
                Some(id) if roster.person(&id.value).is_none() => {
                    let mut diagnostic = Diagnostic::error(
                        Code::OwnerNotOnRoster,
                        id.span,
                        format!(
                            "the {who} `{}` of system `{}` is not on the roster",
                            id.value, system.id.value
                        ),
                    )
                    .with_label("not on the roster");
                    let known = roster
                        .holders(role, system.unit.as_ref().map(|u| u.value.as_str()))
                        .into_iter()
                        .map(|p| p.id.value.as_str());
                    if let Some(help) = suggest::help_for(&id.value, "people", known) {
                        diagnostic = diagnostic.with_help(help);
                    }
                    diagnostics.push(diagnostic);
                }
                Some(_) => {}
            }
        }
    }
}
