//! `docket check --roster FILE [--inventory FILE] [--advisory FILE]`: the
//! call roster checked next to the ruleset.

use std::path::PathBuf;

use clap::Args;

use crate::datafile::Inputs;
use crate::diagnostic::Diagnostics;
use crate::inventory::{Advisory, Inventory, assess};
use crate::roster::{Roster, Scope, ruleset_roles, validate};
use crate::ruleset::Ruleset;
use crate::source::SourceMap;

/// The roster files `check` may also validate.
#[derive(Debug, Default, Args)]
pub struct RosterArgs {
    /// Also check this call roster (YAML): every unit has a primary contact,
    /// everyone a contact method, no loops
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// With --roster: the system inventory whose units, owners and
    /// administrators must be on the roster
    #[arg(long, value_name = "FILE", requires = "roster")]
    inventory: Option<PathBuf>,
    /// With --inventory: check only the systems this advisory leaves
    /// exposed (affected or unknown)
    #[arg(long, value_name = "FILE", requires = "inventory")]
    advisory: Option<PathBuf>,
}

impl RosterArgs {
    /// Adds the roster's diagnostics (and the files read) to the ruleset's;
    /// with the ruleset (when it loaded), also the roles its events name
    /// that nobody on the roster holds.
    pub fn check(
        &self,
        ruleset: Option<&Ruleset>,
        diagnostics: Diagnostics,
        sources: SourceMap,
    ) -> (Diagnostics, SourceMap) {
        let Some(roster_path) = &self.roster else {
            return (diagnostics, sources);
        };
        let mut inputs = Inputs {
            sources,
            diagnostics,
        };
        let roster = Roster::load(roster_path, &mut inputs);
        let inventory = self
            .inventory
            .as_ref()
            .map(|path| Inventory::load(path, &mut inputs));
        let advisory = self
            .advisory
            .as_ref()
            .and_then(|path| Advisory::load(path, &mut inputs));
        let mut scope = Scope::default();
        if let Some(inventory) = &inventory {
            scope.systems = match &advisory {
                Some(advisory) => assess(advisory, inventory)
                    .into_iter()
                    .filter(|a| a.needs_action())
                    .map(|a| a.system)
                    .collect(),
                None => inventory.systems.iter().collect(),
            };
        }
        let mut found = Diagnostics::new();
        validate(&roster, &scope, &mut found);
        if let Some(ruleset) = ruleset {
            ruleset_roles(&roster, ruleset, &mut found);
        }
        inputs.diagnostics.extend(found);
        inputs.diagnostics.sort();
        (inputs.diagnostics, inputs.sources)
    }
}
