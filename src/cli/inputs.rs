//! Reporting data files (inventories, advisories, rosters) that cannot be
//! used.

use super::EXIT_USAGE;
use crate::datafile::Inputs;

/// Prints the diagnostics of unusable inputs and returns the usage exit
/// status.
pub fn unusable(inputs: &Inputs) -> u8 {
    let mut diagnostics = inputs.diagnostics.clone();
    diagnostics.sort();
    super::common::print_diagnostics(&diagnostics, &inputs.sources);
    let errors = diagnostics.count(crate::diagnostic::Severity::Error);
    eprintln!(
        "error: {errors} error{} in the input files",
        if errors == 1 { "" } else { "s" }
    );
    EXIT_USAGE
}
