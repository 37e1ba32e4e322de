//! Lowering: from YAML node trees to the typed model.
//!
//! Loading runs in two passes over all files of a ruleset. The first
//! ([`definitions`]) collects the names — fields, lists, thresholds, levels,
//! events — so that the second ([`rules`], [`timeline`], [`tests`]) can
//! resolve every reference in a condition wherever in the ruleset it is
//! defined.

pub mod definitions;
pub mod mappings;
pub mod rules;
pub mod tests;
pub mod timeline;

use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, suggest};
use crate::source::{Span, Spanned};

/// Remembers the ids of one kind of definition to report duplicates, across
/// every file of the ruleset.
#[derive(Default)]
pub struct IdRegistry {
    seen: HashMap<String, Span>,
}

impl IdRegistry {
    /// Claims an id; reports a duplicate (pointing at both definitions) and
    /// returns `false` if it was already taken.
    pub fn claim(
        &mut self,
        diagnostics: &mut Diagnostics,
        kind: &str,
        id: &Spanned<String>,
    ) -> bool {
        if let Some(first) = self.seen.get(&id.value) {
            diagnostics.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    id.span,
                    format!("duplicate {kind} id `{}`", id.value),
                )
                .with_secondary(*first, "first defined here")
                .with_help(format!("every {kind} needs its own id; rename one of them")),
            );
            false
        } else {
            self.seen.insert(id.value.clone(), id.span);
            true
        }
    }
}

/// Reports a reference to an undefined name, suggesting the closest one.
pub fn dangling<'a>(
    diagnostics: &mut Diagnostics,
    name: &Spanned<String>,
    kind: &str,
    section: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) {
    let help = suggest::help_for(&name.value, &format!("{kind}s"), candidates)
        .unwrap_or_else(|| format!("define it under `{section}:`"));
    diagnostics.push(
        Diagnostic::error(
            Code::DanglingReference,
            name.span,
            format!("no {kind} named `{}`", name.value),
        )
        .with_label(format!("undefined {kind}"))
        .with_help(help),
    );
}
