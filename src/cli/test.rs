//! `docket test`: run the ruleset's test cases, with rule coverage.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::common::{self, CiFiles};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ruleset_or_default};
use crate::diagnostic::{self, Diagnostics};
use crate::output::ci::{self, Case, Failure, Suite};
use crate::rule_tests::coverage::{self, Coverage};
use crate::rule_tests::{self, TestRun, Verdict, report};
use crate::ruleset::Ruleset;
use crate::source::SourceMap;

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Ruleset directory (holding ruleset.yaml) or file [default: rules/usda]
    ruleset: Option<PathBuf>,
    /// Run only the cases whose name contains PATTERN (ignoring case)
    #[arg(long, value_name = "PATTERN")]
    run: Option<String>,
    /// Report rule coverage and list what no passing case exercises
    #[arg(long)]
    coverage: bool,
    /// Fail (exit 1) when coverage is below N percent (implies --coverage)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    min_coverage: Option<u8>,
    /// Output format: rendered diagnostics on stderr, one JSON document on
    /// stdout, or GitHub workflow annotations on stdout
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Allocation table for the cases [default: the ruleset's]
    #[arg(long, value_name = "FILE")]
    allocations: Option<PathBuf>,
    #[command(flatten)]
    ci: CiFiles,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Failures rendered with their source lines, on stderr
    Human,
    /// One JSON document on stdout
    Json,
    /// GitHub Actions annotations on stdout
    Github,
}

pub fn run(args: TestArgs) -> u8 {
    let path = ruleset_or_default(args.ruleset.clone());
    if !path.exists() {
        eprintln!("error: no ruleset at {}", path.display());
        return EXIT_USAGE;
    }
    let ruleset = match crate::ruleset::load(&path) {
        Ok(ruleset) => ruleset,
        Err(error) => {
            // A ruleset that does not load fails its tests; report its errors
            // in the formats CI reads, as `check` does.
            let name = format!("docket test {}", path.display());
            let suite = ci::check_suite(name, &error.diagnostics, &error.sources, true);
            emit_diagnostics(args.format, &error.diagnostics, &error.sources);
            if let Err(message) = args.ci.write(&suite, &error.diagnostics, &error.sources) {
                eprintln!("error: {message}");
            }
            eprintln!("{}: the ruleset has errors; no test ran", path.display());
            return EXIT_FINDINGS;
        }
    };
    let allocations = match common::load_allocations(&ruleset, args.allocations.as_deref()) {
        Ok(table) => table,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let run = rule_tests::run(&ruleset, allocations, args.run.as_deref());
    let wants_coverage = args.coverage || args.min_coverage.is_some();
    // Coverage is only meaningful over every case: a filtered run would
    // report rules as uncovered that other cases cover.
    let coverage =
        (wants_coverage && args.run.is_none()).then(|| coverage::measure(&ruleset, &run));
    if wants_coverage && coverage.is_none() {
        eprintln!("note: coverage is not measured when --run selects some cases");
    }
    let below_minimum = match (&coverage, args.min_coverage) {
        (Some(c), Some(min)) => c.percent() < f64::from(min),
        _ => false,
    };

    let mut diagnostics = report::failures(&run);
    if let Some(c) = &coverage {
        diagnostics.extend(report::uncovered(&ruleset, c));
    }
    match args.format {
        Format::Json => {
            let document = json_report(&path, &ruleset, &run, coverage.as_ref(), &diagnostics);
            let _ = writeln!(std::io::stdout().lock(), "{document:#}");
        }
        format => emit_diagnostics(format, &diagnostics, &ruleset.sources),
    }
    let suite = suite(&path, &ruleset, &run, coverage.as_ref(), args.min_coverage);
    if let Err(message) = args.ci.write(&suite, &diagnostics, &ruleset.sources) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }
    eprintln!("{}", summary(&path, &run));
    if let Some(c) = &coverage {
        eprintln!("{}", coverage_summary(&ruleset, c));
    }
    if below_minimum {
        eprintln!(
            "coverage {:.1}% is below the minimum of {}%",
            coverage.as_ref().map_or(0.0, Coverage::percent),
            args.min_coverage.unwrap_or(0)
        );
    }
    if run.failed() > 0 || below_minimum {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn emit_diagnostics(format: Format, diagnostics: &Diagnostics, sources: &SourceMap) {
    match format {
        Format::Github => {
            let text = ci::github::render(diagnostics, sources);
            let _ = write!(std::io::stdout().lock(), "{text}");
        }
        Format::Json => {
            let document = serde_json::json!({
                "diagnostics": diagnostic::render_json(diagnostics, sources),
            });
            let _ = writeln!(std::io::stdout().lock(), "{document:#}");
        }
        Format::Human => common::print_diagnostics(diagnostics, sources),
    }
}

fn summary(path: &std::path::Path, run: &TestRun) -> String {
    let mut text = format!(
        "{}: {} passed, {} failed",
        path.display(),
        run.passed(),
        run.failed()
    );
    if run.filtered_out > 0 {
        text.push_str(&format!(", {} filtered out", run.filtered_out));
    }
    text
}

/// The coverage line, then one line per kind of requirement, then what is
/// uncovered with its place.
fn coverage_summary(ruleset: &Ruleset, coverage: &Coverage) -> String {
    let mut text = format!(
        "coverage: {:.1}% ({} of {} requirements)",
        coverage.percent(),
        coverage.covered(),
        coverage.items.len()
    );
    for (kind, label) in [
        ("criterion", "criteria"),
        ("trigger", "triggers"),
        ("deadline", "deadlines"),
        ("bound", "threshold bounds"),
    ] {
        let items: Vec<_> = coverage
            .items
            .iter()
            .filter(|i| coverage::kind(&i.requirement) == kind)
            .collect();
        if !items.is_empty() {
            let covered = items.iter().filter(|i| i.covered).count();
            text.push_str(&format!("\n  {label}: {covered} of {}", items.len()));
        }
    }
    for item in coverage.uncovered() {
        text.push_str(&format!(
            "\n  uncovered: {} ({})",
            item.describe(ruleset),
            ruleset.sources.location(item.span)
        ));
    }
    text
}

// Indexing a serde_json object built here inserts or reads a key; it
// cannot panic.
#[allow(clippy::indexing_slicing)]
fn json_report(
    path: &std::path::Path,
    ruleset: &Ruleset,
    run: &TestRun,
    coverage: Option<&Coverage>,
    diagnostics: &Diagnostics,
) -> serde_json::Value {
    let position = |span| {
        let (line, column) = ruleset.sources.line_column(span);
        serde_json::json!({
            "file": ruleset.sources.file(span.file).path().display().to_string(),
            "line": line,
            "column": column,
        })
    };
    let cases: Vec<_> = run
        .results
        .iter()
        .map(|r| {
            let mut case = position(r.span);
            case["name"] = r.name.clone().into();
            case["status"] = match &r.verdict {
                Verdict::Pass => "pass",
                Verdict::Fail(_) => "fail",
                Verdict::Error(_) => "error",
            }
            .into();
            if let Verdict::Fail(mismatches) = &r.verdict {
                case["mismatches"] = mismatches
                    .iter()
                    .map(|m| {
                        let mut item = position(m.span);
                        item["what"] = m.what.clone().into();
                        item["expected"] = m.expected.clone().into();
                        item["actual"] = m.actual.clone().into();
                        item
                    })
                    .collect();
            }
            if let Verdict::Error(message) = &r.verdict {
                case["error"] = message.clone().into();
            }
            case
        })
        .collect();
    let mut document = serde_json::json!({
        "ruleset": path.display().to_string(),
        "passed": run.passed(),
        "failed": run.failed(),
        "filtered_out": run.filtered_out,
        "cases": cases,
        "diagnostics": diagnostic::render_json(diagnostics, &ruleset.sources),
    });
    if let Some(c) = coverage {
        document["coverage"] = serde_json::json!({
            "percent": c.percent(),
            "covered": c.covered(),
            "total": c.items.len(),
            "uncovered": c.uncovered().map(|i| {
                let mut item = position(i.span);
                item["requirement"] = i.describe(ruleset).into();
                item
            }).collect::<Vec<_>>(),
        });
    }
    document
}

/// The run as a CI suite: one case per test, and one for the coverage
/// minimum when there is one.
fn suite(
    path: &std::path::Path,
    ruleset: &Ruleset,
    run: &TestRun,
    coverage: Option<&Coverage>,
    min_coverage: Option<u8>,
) -> Suite {
    let sources = &ruleset.sources;
    let mut cases: Vec<Case> = run
        .results
        .iter()
        .map(|r| Case {
            name: r.name.clone(),
            file: sources.file(r.span.file).path().display().to_string(),
            failures: report::failure(r)
                .map(|d| vec![Failure::from_diagnostic(&d, sources)])
                .unwrap_or_default(),
            notes: Vec::new(),
        })
        .collect();
    if let (Some(c), Some(min)) = (coverage, min_coverage) {
        let failures = if c.percent() < f64::from(min) {
            vec![Failure {
                message: format!("coverage {:.1}% is below {min}%", c.percent()),
                kind: "uncovered".to_owned(),
                detail: c
                    .uncovered()
                    .map(|i| format!("{}: {}\n", sources.location(i.span), i.describe(ruleset)))
                    .collect(),
            }]
        } else {
            Vec::new()
        };
        cases.push(Case {
            name: format!("rule coverage is at least {min}%"),
            file: path.display().to_string(),
            failures,
            notes: Vec::new(),
        });
    }
    Suite {
        name: format!("docket test {}", path.display()),
        cases,
    }
}
