//! The significant-event call roster: who calls whom, and how.
//!
//! The DOC seed asks for a hierarchical roster: the DOC CIRT's list of one
//! Significant Event Contact per operating unit, each of whom keeps a list
//! of system owners, administrators and others; the USDA procedures ask
//! each agency for its ISSPM, Deputy ISSPM and CIO. A [`Roster`] holds the
//! units (or agencies) with their primary contact, and the people with
//! their role, unit, contact methods, coverage and whom they call.
//! [`validate`] finds what would break the call chain on the day.

mod load;
mod validate;

pub use validate::{Scope, ruleset_roles, validate};

use crate::source::{Span, Spanned};

/// The ways to reach a person, in the order a plan lists them.
pub const METHODS: &[&str] = &["pager", "phone", "email", "fax"];

/// The role of a unit's primary contact, as rulesets name it.
pub const UNIT_CONTACT: &str = "unit-contact";
/// The role of the owners of a unit's affected systems.
pub const SYSTEM_OWNER: &str = "system-owner";
/// The role of the administrators of a unit's affected systems.
pub const SYSTEM_ADMINISTRATOR: &str = "system-administrator";

/// A call roster.
#[derive(Clone, Debug, Default)]
pub struct Roster {
    /// Roles every unit must have someone in (`[isspm, deputy-isspm, cio]`
    /// for USDA agencies).
    pub required_roles: Vec<Spanned<String>>,
    /// The operating units or agencies.
    pub units: Vec<Unit>,
    /// The people.
    pub people: Vec<Person>,
}

/// An operating unit or agency on the roster.
#[derive(Clone, Debug)]
pub struct Unit {
    /// Its name, as inventories write it.
    pub name: Spanned<String>,
    /// Its primary contact (the Significant Event Contact, the ISSPM).
    pub contact: Option<Spanned<String>>,
    /// Who stands in for the primary contact.
    pub alternate: Option<Spanned<String>>,
    /// The entry.
    pub span: Span,
}

/// A person (or a staffed desk) on the roster.
#[derive(Clone, Debug)]
pub struct Person {
    /// The id inventories and `calls` use.
    pub id: Spanned<String>,
    /// Their name.
    pub name: Option<String>,
    /// Their role (`doc-cirt`, `cipm`, `unit-cirt`, `isspm`...).
    pub role: Option<Spanned<String>>,
    /// Their unit; none for department-wide roles.
    pub unit: Option<Spanned<String>>,
    /// How to reach them, in [`METHODS`] order.
    pub methods: Vec<Method>,
    /// When they can be reached (`24x7`, `business hours`...).
    pub coverage: Option<String>,
    /// Whom they call, in order.
    pub calls: Vec<Spanned<String>>,
    /// The `methods` key, or the entry when absent.
    pub methods_span: Span,
}

/// One way to reach a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Method {
    /// `pager`, `phone`, `email` or `fax`.
    pub kind: &'static str,
    /// The number or address.
    pub address: String,
}

impl Roster {
    /// Reads a roster file; problems go to `inputs`.
    pub fn load(path: &std::path::Path, inputs: &mut crate::datafile::Inputs) -> Roster {
        load::load(path, inputs)
    }

    /// A person by id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id.value == id)
    }

    /// A unit by name.
    pub fn unit(&self, name: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.name.value == name)
    }

    /// Who holds `role` for `unit`: the unit's primary contact for
    /// [`UNIT_CONTACT`]; otherwise the people with that role in the unit,
    /// or, when there are none, the department-wide people with it.
    pub fn holders(&self, role: &str, unit: Option<&str>) -> Vec<&Person> {
        if role == UNIT_CONTACT {
            return unit
                .and_then(|u| self.unit(u))
                .and_then(|u| u.contact.as_ref())
                .and_then(|c| self.person(&c.value))
                .into_iter()
                .collect();
        }
        let with_role = |p: &&Person| p.role.as_ref().is_some_and(|r| r.value == role);
        let in_unit: Vec<&Person> = self
            .people
            .iter()
            .filter(with_role)
            .filter(|p| unit.is_some() && p.unit.as_ref().map(|u| u.value.as_str()) == unit)
            .collect();
        if !in_unit.is_empty() {
            return in_unit;
        }
        self.people
            .iter()
            .filter(with_role)
            .filter(|p| p.unit.is_none())
            .collect()
    }
}

impl Person {
    /// `Name (id)`, or the id alone.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.id.value),
            None => self.id.value.clone(),
        }
    }

    /// The methods as `pager 555-0100; email a@b`.
    pub fn methods_text(&self) -> String {
        self.methods
            .iter()
            .map(|m| format!("{} {}", m.kind, m.address))
            .collect::<Vec<_>>()
            .join("; ")
    }
}
