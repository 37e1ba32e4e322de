//! What the planning commands share: reporting data files (inventories,
//! advisories, rosters, plans) that cannot be used, and writing an output.

use crate::output::paths::{NamedOutput, check_outputs};
use std::io::{self, Write};
use std::path::Path;

use super::EXIT_USAGE;
use crate::datafile::Inputs;
use crate::output::{Destination, Sink};

/// Writes an output (stdout, or a file replaced whole); on failure prints
/// the error and returns `Err` with the usage exit status.
pub fn write_output(
    output: Option<&Path>,
    inputs: &[&Path],
    write: impl FnOnce(&mut Sink) -> io::Result<()>,
) -> Result<(), u8> {
    if let Some(path) = output {
        let named = NamedOutput { option: "-o", path };
        if let Err(message) = check_outputs(&[named], inputs) {
            eprintln!("error: {message}");
            return Err(EXIT_USAGE);
        }
    }
    Sink::open(&Destination::from_arg(output))
        .and_then(|mut sink| {
            write(&mut sink)?;
            sink.flush()?;
            sink.commit()
        })
        .map_err(|e| {
            eprintln!("error: writing output: {e}");
            EXIT_USAGE
        })
}

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
