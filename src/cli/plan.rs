//! `docket plan`: who notifies whom, by which methods, by when: for each
//! unit with exposed systems after a data call (DOC), or for the agency of
//! a declared incident (USDA).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};

use super::common::CsvArgs;
use super::common::{load_ruleset, parse_time};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::datafile::Inputs;
use crate::diagnostic::Diagnostics;
use crate::inventory::{Advisory, Inventory, assess};
use crate::plan::conditions::Known;
use crate::plan::{Plan, PlanRequest, PlanScope, build, render};
use crate::record::parse_value;
use crate::roster::{Roster, Scope, validate};
use crate::ruleset::Ruleset;
use crate::ruleset::model::EventId;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("start").required(true).args(["data_call", "declared"])))]
pub struct PlanArgs {
    /// Ruleset [default: rules/doc with --data-call, rules/usda with --declared]
    ruleset: Option<PathBuf>,
    /// When the data call was issued (E): RFC 3339, or local time in the ruleset's zone
    #[arg(long, value_name = "TIME")]
    data_call: Option<String>,
    /// USDA: when ACIO CS declared the incident (E); needs --agency
    #[arg(long, value_name = "TIME")]
    declared: Option<String>,
    /// USDA: when the agency discovered the incident (the clock of the deadlines from `detected`)
    #[arg(long, value_name = "TIME", requires = "declared")]
    detected: Option<String>,
    /// USDA: when the agency was notified of it (the clock of the deadlines from `reported`)
    #[arg(long, value_name = "TIME", requires = "declared")]
    reported: Option<String>,
    /// USDA: the agency the declared incident concerns, as the roster names it
    #[arg(long, value_name = "AGENCY")]
    agency: Option<String>,
    /// The incident's level (the same as --attr level=LEVEL)
    #[arg(long, value_name = "LEVEL")]
    level: Option<String>,
    /// An incident attribute, FIELD=VALUE (repeatable): decides the
    /// deadlines' `applies` conditions; a deadline that depends on an
    /// attribute not given is planned as conditional
    #[arg(long = "attr", value_name = "FIELD=VALUE")]
    attrs: Vec<String>,
    /// The advisory (YAML); with --data-call
    #[arg(long, value_name = "FILE")]
    advisory: Option<PathBuf>,
    /// The system inventory (CSV or YAML); with --data-call
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
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

/// What the plan is about, from the arguments.
enum Subject {
    /// DOC: a data call, with its advisory and inventory.
    DataCall {
        advisory: PathBuf,
        inventory: PathBuf,
    },
    /// USDA: a declared incident at one agency.
    Declared { agency: String },
}

/// Checks which arguments go together; `Err` is the usage message.
fn subject(args: &PlanArgs) -> Result<Subject, String> {
    if args.data_call.is_some() {
        if args.agency.is_some() {
            return Err("--agency is for a declared incident (--declared TIME)".to_owned());
        }
        return match (&args.advisory, &args.inventory) {
            (Some(advisory), Some(inventory)) => Ok(Subject::DataCall {
                advisory: advisory.clone(),
                inventory: inventory.clone(),
            }),
            _ => Err(
                "--data-call needs --advisory FILE and --inventory FILE: the plan is \
                      for the units with systems the advisory leaves exposed"
                    .to_owned(),
            ),
        };
    }
    if args.advisory.is_some() || args.inventory.is_some() {
        return Err(
            "--advisory and --inventory are for a data call (--data-call TIME); \
                    a declared incident concerns one agency (--agency AGENCY)"
                .to_owned(),
        );
    }
    match &args.agency {
        Some(agency) => Ok(Subject::Declared {
            agency: agency.clone(),
        }),
        None => Err(
            "--declared needs --agency AGENCY: a declared incident concerns one \
                     agency, whose people on the roster carry out the steps"
                .to_owned(),
        ),
    }
}

/// The incident attributes of `--level` and `--attr`; `Err` is the usage
/// message.
fn known(args: &PlanArgs, ruleset: &Ruleset) -> Result<Known, String> {
    let mut known = Known::nothing(ruleset.fields.len());
    let given = args
        .level
        .iter()
        .map(|level| ("level", level.as_str(), "--level"))
        .chain(args.attrs.iter().map(|attr| {
            let (field, value) = attr.split_once('=').unwrap_or((attr.as_str(), ""));
            (field.trim(), value, "--attr")
        }));
    for (name, text, flag) in given {
        let Some(field) = ruleset.field_id(name) else {
            return Err(format!(
                "{flag}: the ruleset {} has no field `{name}`",
                ruleset.root.display()
            ));
        };
        let def = ruleset.field(field);
        if text.trim().is_empty() {
            return Err(format!("{flag}: give {name}=VALUE"));
        }
        let value = parse_value(
            &def.ty,
            text,
            ruleset.meta.timezone.value,
            (def.min, def.max),
        )
        .map_err(|e| format!("{flag} {name}: {e}"))?;
        known.give(field, value);
    }
    Ok(known)
}

/// The start event and time, and the other clocks given; `Err` is the
/// usage message.
#[allow(clippy::type_complexity)]
fn clocks(
    args: &PlanArgs,
    ruleset: &Ruleset,
) -> Result<((EventId, DateTime<Utc>), Vec<(EventId, DateTime<Utc>)>), String> {
    let tz = ruleset.meta.timezone.value;
    let event = |name: &str, time: &str| -> Result<(EventId, DateTime<Utc>), String> {
        let id = ruleset.event_id(name).ok_or_else(|| {
            format!(
                "the ruleset {} has no `{name}` event to time the plan from",
                ruleset.root.display()
            )
        })?;
        let flag = format!("--{}", name.replace('_', "-"));
        Ok((id, parse_time(&flag, time, tz)?))
    };
    let start = match (&args.data_call, &args.declared) {
        (Some(time), _) => event("data_call", time)?,
        (None, Some(time)) => event("declared", time)?,
        (None, None) => return Err("give --data-call TIME or --declared TIME".to_owned()),
    };
    let mut others = Vec::new();
    for (name, time) in [("detected", &args.detected), ("reported", &args.reported)] {
        if let Some(time) = time {
            others.push(event(name, time)?);
        }
    }
    Ok((start, others))
}

pub fn run(args: PlanArgs) -> u8 {
    let subject = match subject(&args) {
        Ok(subject) => subject,
        Err(message) => return usage(&message),
    };
    let default = match subject {
        Subject::DataCall { .. } => "rules/doc",
        Subject::Declared { .. } => "rules/usda",
    };
    let Some(ruleset) = load_ruleset(Some(args.ruleset.clone().unwrap_or_else(|| default.into())))
    else {
        return EXIT_USAGE;
    };
    let (start, clocks) = match clocks(&args, &ruleset) {
        Ok(clocks) => clocks,
        Err(message) => return usage(&message),
    };
    let known = match known(&args, &ruleset) {
        Ok(known) => known,
        Err(message) => return usage(&message),
    };
    let mut inputs = Inputs::new();
    let roster = Roster::load(&args.roster, &mut inputs);
    let (exposure, mut read) = match &subject {
        Subject::DataCall {
            advisory,
            inventory,
        } => (
            Some((
                Advisory::load(advisory, &mut inputs),
                Inventory::load(inventory, &mut inputs),
            )),
            vec![advisory.as_path(), inventory.as_path()],
        ),
        Subject::Declared { .. } => (None, Vec::new()),
    };
    read.push(args.roster.as_path());
    if inputs.has_errors() {
        return super::inputs::unusable(&inputs);
    }
    let (advisory, inventory) = match exposure {
        Some((Some(advisory), inventory)) => (Some(advisory), Some(inventory)),
        Some((None, _)) => return super::inputs::unusable(&inputs),
        None => (None, None),
    };
    let assessments = match (&advisory, &inventory) {
        (Some(advisory), Some(inventory)) => assess(advisory, inventory),
        _ => Vec::new(),
    };
    let scope = match (&subject, &advisory) {
        (Subject::Declared { agency }, _) => {
            if roster.unit(agency).is_none() {
                let units: Vec<&str> = roster.units.iter().map(|u| u.name.value.as_str()).collect();
                return usage(&format!(
                    "--agency {agency}: the roster {} has no such agency (it lists {})",
                    args.roster.display(),
                    if units.is_empty() {
                        "none".to_owned()
                    } else {
                        units.join(", ")
                    }
                ));
            }
            PlanScope::Agency(agency.clone())
        }
        (Subject::DataCall { .. }, Some(advisory)) => PlanScope::Exposure {
            advisory,
            assessments: &assessments,
        },
        (Subject::DataCall { .. }, None) => return super::inputs::unusable(&inputs),
    };
    let systems = Scope {
        systems: assessments
            .iter()
            .filter(|a| a.needs_action())
            .map(|a| a.system)
            .collect(),
    };
    let mut problems = Diagnostics::new();
    validate(&roster, &systems, &mut problems);
    let request = PlanRequest {
        ruleset: &ruleset,
        start,
        clocks,
        scope,
        known: &known,
        roster: &roster,
    };
    let plan = match build(&request) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let escaping = args.csv.escaping();
    let written =
        super::inputs::write_output(args.output.as_deref(), &read, |sink| match args.format {
            PlanFormat::Md => render::write_markdown(sink, &plan),
            PlanFormat::Csv => render::write_csv(sink, &plan, escaping),
        });
    if let Err(code) = written {
        return code;
    }
    summary(&plan);
    if problems.has_errors() {
        problems.sort();
        super::common::print_diagnostics(&problems, &inputs.sources);
        eprintln!("the roster has problems (above): the plan shows the gaps they leave");
        return EXIT_FINDINGS;
    }
    EXIT_OK
}

fn usage(message: &str) -> u8 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

fn summary(plan: &Plan) {
    let gaps: usize = plan.steps.iter().map(|s| s.notes.len()).sum::<usize>() + plan.gaps.len();
    let whom = match &plan.agency {
        Some(agency) => agency.clone(),
        None => format!(
            "{} units ({})",
            plan.units.len(),
            plan.units
                .iter()
                .map(|u| u.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    eprintln!(
        "plan: {} steps for {whom}; {} notes and gaps{}",
        plan.steps.len(),
        gaps,
        if plan.not_planned.is_empty() {
            String::new()
        } else {
            format!("; {} deadlines not planned", plan.not_planned.len())
        }
    );
}
