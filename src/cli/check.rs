//! `docket check`: validate a ruleset and analyse it.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ruleset_or_default};
use crate::diagnostic::{self, Code, Diagnostics, Severity};
use crate::source::SourceMap;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Ruleset directory (holding ruleset.yaml) or file [default: rules/usda]
    ruleset: Option<PathBuf>,
    /// Output format of the diagnostics
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Exit 1 on warnings too
    #[arg(long)]
    deny_warnings: bool,
    #[command(flatten)]
    ci: super::common::CiFiles,
    #[command(flatten)]
    roster: super::roster_check::RosterArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// Rendered diagnostics with source snippets, on stderr
    Human,
    /// One JSON document on stdout
    Json,
    /// GitHub Actions annotations on stdout
    Github,
}

pub fn run(args: CheckArgs) -> u8 {
    let path = ruleset_or_default(args.ruleset);
    if !path.exists() {
        eprintln!("error: no ruleset at {}", path.display());
        return EXIT_USAGE;
    }
    let (ruleset, diagnostics, sources) = match crate::ruleset::load(&path) {
        Ok(mut ruleset) => {
            let warnings = crate::check::analyse(&ruleset);
            let sources = std::mem::take(&mut ruleset.sources);
            (Some(ruleset), warnings, sources)
        }
        Err(error) => (None, error.diagnostics, error.sources),
    };
    let (diagnostics, sources) = args.roster.check(ruleset.as_ref(), diagnostics, sources);
    if diagnostics
        .iter()
        .any(|d| d.code == Code::Io && d.labels.is_empty())
    {
        emit(&diagnostics, &sources, args.format, &path);
        return EXIT_USAGE;
    }
    emit(&diagnostics, &sources, args.format, &path);
    let suite = crate::output::ci::check_suite(
        format!("docket check {}", path.display()),
        &diagnostics,
        &sources,
        args.deny_warnings,
    );
    if let Err(message) = args.ci.write(&suite, &diagnostics, &sources) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }
    let errors = diagnostics.count(Severity::Error);
    let warnings = diagnostics.count(Severity::Warning);
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn emit(
    diagnostics: &Diagnostics,
    sources: &SourceMap,
    format: OutputFormat,
    path: &std::path::Path,
) {
    match format {
        OutputFormat::Json => {
            let report = serde_json::json!({
                "ruleset": path.display().to_string(),
                "errors": diagnostics.count(Severity::Error),
                "warnings": diagnostics.count(Severity::Warning),
                "diagnostics": diagnostic::render_json(diagnostics, sources),
            });
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{report:#}");
        }
        OutputFormat::Github => {
            let text = crate::output::ci::github::render(diagnostics, sources);
            let _ = write!(std::io::stdout().lock(), "{text}");
            eprintln!("{}", summary(diagnostics, path));
        }
        OutputFormat::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let style = if color {
                diagnostic::Format::Human
            } else {
                diagnostic::Format::Plain
            };
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{}", diagnostic::render(diagnostics, sources, style));
            let _ = writeln!(err, "{}", summary(diagnostics, path));
        }
    }
}

/// One line for the end of a human report.
pub fn summary(diagnostics: &Diagnostics, path: &std::path::Path) -> String {
    let errors = diagnostics.count(Severity::Error);
    let warnings = diagnostics.count(Severity::Warning);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if errors == 0 && warnings == 0 {
        format!("{}: ok", path.display())
    } else {
        format!(
            "{}: {}, {}",
            path.display(),
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}
