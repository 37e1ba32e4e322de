//! `docket schema`: the JSON Schema of the ruleset format.

use std::io::Write;

use clap::Args;

use super::{EXIT_OK, EXIT_USAGE};

#[derive(Debug, Args)]
pub struct SchemaArgs {}

pub fn run(_args: SchemaArgs) -> u8 {
    let schema = crate::schema::ruleset_schema();
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{schema:#}") {
        Ok(()) => EXIT_OK,
        Err(_) => EXIT_USAGE,
    }
}
