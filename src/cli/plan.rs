//! `docket plan`: who notifies whom, by which methods, by when, for each
//! unit with exposed systems.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::common::CsvArgs;
use super::common::{load_ruleset, parse_time};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::datafile::Inputs;
use crate::diagnostic::Diagnostics;
use crate::inventory::{Advisory, Inventory, assess};
use crate::plan::{PlanRequest, build, render};
use crate::roster::{Roster, Scope, validate};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("start").required(true).args(["data_call", "declared"])))]
pub struct PlanArgs {
    /// Ruleset [default: rules/doc with --data-call, rules/usda with --declared]
    ruleset: Option<PathBuf>,
    /// When the data call was issued (E): RFC 3339, or local time in the ruleset's zone
    #[arg(long, value_name = "TIME")]
    data_call: Option<String>,
    /// USDA: when the incident was declared (the clock of the ruleset's `declared` deadlines)
    #[arg(long, value_name = "TIME")]
    declared: Option<String>,
    /// The advisory (YAML)
    #[arg(long, value_name = "FILE")]
    advisory: PathBuf,
    /// The system inventory (CSV or YAML)
    #[arg(long, value_name = "FILE")]
    inventory: PathBuf,
    /// The call roster (YAML)
    #[arg(long, value_name = "FILE")]
    roster: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = PlanFormat::Md)]
    format: PlanFormat,
    /// Output file (written whole or not at all) [default: stdout]
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    #[command(flatten)]
    csv: CsvArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PlanFormat {
    /// Steps grouped by due time, for people
    Md,
    /// One row per notification, for `docket audit --plan`
    Csv,
}

pub fn run(args: PlanArgs) -> u8 {
    let (event_name, time, default) = match (&args.data_call, &args.declared) {
        (Some(time), _) => ("data_call", time, "rules/doc"),
        (None, Some(time)) => ("declared", time, "rules/usda"),
        // clap's argument group requires one of the two.
        (None, None) => {
            eprintln!("error: give --data-call TIME or --declared TIME");
            return EXIT_USAGE;
        }
    };
    let Some(ruleset) = load_ruleset(Some(args.ruleset.unwrap_or_else(|| default.into()))) else {
        return EXIT_USAGE;
    };
    let Some(start_event) = ruleset.event_id(event_name) else {
        eprintln!(
            "error: the ruleset {} has no `{event_name}` event to start the plan from",
            ruleset.root.display()
        );
        return EXIT_USAGE;
    };
    let flag = format!("--{}", event_name.replace('_', "-"));
    let start_at = match parse_time(&flag, time, ruleset.meta.timezone.value) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let mut inputs = Inputs::new();
    let advisory = Advisory::load(&args.advisory, &mut inputs);
    let inventory = Inventory::load(&args.inventory, &mut inputs);
    let roster = Roster::load(&args.roster, &mut inputs);
    let Some(advisory) = advisory.filter(|_| !inputs.has_errors()) else {
        return super::inputs::unusable(&inputs);
    };
    let assessments = assess(&advisory, &inventory);
    let scope = Scope {
        systems: assessments
            .iter()
            .filter(|a| a.needs_action())
            .map(|a| a.system)
            .collect(),
    };
    let mut problems = Diagnostics::new();
    validate(&roster, &scope, &mut problems);
    let request = PlanRequest {
        ruleset: &ruleset,
        start_event,
        start_at,
        advisory: &advisory,
        assessments: &assessments,
        roster: &roster,
    };
    let plan = match build(&request) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let read = [
        args.advisory.as_path(),
        args.inventory.as_path(),
        args.roster.as_path(),
    ];
    let escaping = args.csv.escaping();
    let written =
        super::inputs::write_output(args.output.as_deref(), &read, |sink| match args.format {
            PlanFormat::Md => render::write_markdown(sink, &plan),
            PlanFormat::Csv => render::write_csv(sink, &plan, escaping),
        });
    if let Err(code) = written {
        return code;
    }
    let gaps: usize = plan.steps.iter().map(|s| s.notes.len()).sum::<usize>() + plan.gaps.len();
    eprintln!(
        "plan: {} steps for {} units ({}); {} notes and gaps",
        plan.steps.len(),
        plan.units.len(),
        plan.units
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        gaps
    );
    if problems.has_errors() {
        problems.sort();
        super::common::print_diagnostics(&problems, &inputs.sources);
        eprintln!("the roster has problems (above): the plan shows the gaps they leave");
        return EXIT_FINDINGS;
    }
    EXIT_OK
}
