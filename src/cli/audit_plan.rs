//! `docket audit --plan PLAN.csv HISTORY...`: the history against the plan.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::audit::Histories;
use crate::datafile::Inputs;
use crate::output::cells::CellEscaping;
use crate::output::{affected::cell, table};
use crate::plan::compare::{self, CSV_HEADER, Compared, StepStatus};
use crate::ruleset::Ruleset;

/// Output formats of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One CSV row per step.
    Csv,
    /// One JSON object per step.
    Jsonl,
    /// A Markdown table, missed and late steps first.
    Md,
}

/// What the audit command passes on.
pub struct Options<'a> {
    /// Output format.
    pub format: Format,
    /// Output file, or stdout.
    pub output: Option<&'a Path>,
    /// Exit 1 when a step is late.
    pub fail_on_late: bool,
    /// Exit 1 when a step is missed.
    pub fail_on_missed: bool,
    /// How CSV cells are guarded against formula injection.
    pub escaping: CellEscaping,
}

/// Compares and writes; returns the exit status.
pub fn run(
    ruleset: &Ruleset,
    plan_path: &Path,
    histories: &Histories,
    as_of: DateTime<Utc>,
    options: &Options<'_>,
) -> u8 {
    let mut inputs = Inputs::new();
    let plan = crate::plan::read::read(plan_path, &mut inputs);
    if inputs.has_errors() {
        return super::inputs::unusable(&inputs);
    }
    let compared = match compare::compare(ruleset, &plan, &histories.incidents, as_of) {
        Ok(compared) => compared,
        Err(message) => {
            eprintln!("error: {}: {message}", plan_path.display());
            return EXIT_USAGE;
        }
    };
    let rows = compare::rows(&compared);
    let written =
        super::inputs::write_output(options.output, &[plan_path], |sink| match options.format {
            Format::Csv => table::write_csv(sink, CSV_HEADER, &rows, options.escaping),
            Format::Jsonl => table::write_jsonl(sink, CSV_HEADER, &rows),
            Format::Md => write_markdown(sink, &compared),
        });
    if let Err(code) = written {
        return code;
    }
    let count = |s: StepStatus| compared.iter().filter(|c| c.status == s).count();
    let incidents = {
        let mut ids: Vec<&str> = compared.iter().map(|c| c.incident.as_str()).collect();
        ids.dedup();
        ids.len()
    };
    eprintln!(
        "plan {}: {incidents} incidents; steps met {}, late {}, missed {}, pending {}; unplanned units {}",
        plan_path.display(),
        count(StepStatus::Met),
        count(StepStatus::Late),
        count(StepStatus::Missed),
        count(StepStatus::Pending),
        count(StepStatus::Unplanned),
    );
    if incidents == 0 {
        eprintln!(
            "warning: no incident of the history has the plan's start event `{}`",
            plan.start_event
        );
    }
    let failed = (options.fail_on_late && count(StepStatus::Late) > 0)
        || (options.fail_on_missed && count(StepStatus::Missed) > 0);
    if failed { EXIT_FINDINGS } else { EXIT_OK }
}

fn write_markdown(out: &mut dyn Write, compared: &[Compared]) -> std::io::Result<()> {
    writeln!(out, "# The history against the plan\n")?;
    writeln!(
        out,
        "| incident | step | unit | deadline | citation | due | status | done | detail |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|")?;
    let rank = |s: StepStatus| match s {
        StepStatus::Missed => 0,
        StepStatus::Late => 1,
        StepStatus::Unplanned => 2,
        StepStatus::Pending => 3,
        StepStatus::Met => 4,
    };
    let mut sorted: Vec<&Compared> = compared.iter().collect();
    sorted.sort_by_key(|c| rank(c.status));
    for c in sorted {
        writeln!(
            out,
            "| {} | {} | {} | `{}` | {} | {} | **{}** | {} | {} |",
            cell(&c.incident),
            cell(&c.step.step),
            cell(c.step.unit.as_deref().unwrap_or("")),
            c.step.deadline,
            cell(&c.step.citation),
            c.step.due_at.to_rfc3339(),
            c.status.as_str(),
            cell(&c.done_at.map(|t| t.to_rfc3339()).unwrap_or_default()),
            cell(&c.detail)
        )?;
    }
    Ok(())
}
