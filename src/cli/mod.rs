//! The `docket` command line.
//!
//! Exit codes are a contract scripts rely on: 0 success, 1 the check, test
//! or gate found problems, 2 a usage or input error. Human text goes to
//! stderr; data goes to stdout or `-o`.

mod affected;
mod audit;
mod audit_plan;
mod check;
mod classify;
mod common;
mod diff;
mod explain;
mod inputs;
mod plan;
mod progress;
mod roster_check;
mod schema;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit status: the command did its job and found nothing wrong.
pub const EXIT_OK: u8 = 0;
/// Exit status: the check, test or gate found problems.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: bad arguments or unusable input.
pub const EXIT_USAGE: u8 = 2;

/// The ruleset commands use when none is given.
pub const DEFAULT_RULESET: &str = "rules/usda";

/// Executable incident-response policy.
#[derive(Debug, Parser)]
#[command(name = "docket", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a ruleset and analyse it for policy gaps, overlaps and dead rules.
    Check(check::CheckArgs),
    /// Classify IDS exports and complaint records: level, declaration, agency, due time.
    Classify(classify::ClassifyArgs),
    /// Explain why one record got its outcome: every test, the agency, the due time.
    Explain(explain::ExplainArgs),
    /// Audit incident histories: deadlines met or breached, POA&Ms and notifications owed.
    Audit(audit::AuditArgs),
    /// Run the ruleset's test cases, with rule coverage.
    Test(test::TestArgs),
    /// List the systems an advisory leaves exposed (affected, unpatched, or unknown), by unit.
    Affected(affected::AffectedArgs),
    /// Plan a significant event: who notifies whom, by which methods, by when, per unit.
    Plan(plan::PlanArgs),
    /// Show what a rule change reclassifies: classify a corpus with two rulesets.
    Diff(diff::DiffArgs),
    /// Print the JSON Schema of the ruleset format.
    Schema(schema::SchemaArgs),
}

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Classify(args) => classify::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Test(args) => test::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Affected(args) => affected::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Schema(args) => schema::run(args),
    };
    ExitCode::from(code)
}

/// A ruleset argument, defaulting to the shipped USDA rules.
fn ruleset_or_default(path: Option<PathBuf>) -> PathBuf {
    path.unwrap_or_else(|| PathBuf::from(DEFAULT_RULESET))
}
