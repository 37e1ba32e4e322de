//! Writing a plan: CSV (one row per notification, the form `docket audit
//! --plan` reads back) and Markdown (for people, grouped by due time).

use crate::output::cells::{CellEscaping, CellWriter};
use std::io::{self, Write};

use super::{Notification, Plan, Step};
use crate::output::affected::cell;

/// The CSV header; `docket audit --plan` needs `step`, `due_at`, `unit`,
/// `deadline`, `event`, `citation`, `start_event` and `start_at`.
pub const CSV_HEADER: &[&str] = &[
    "step",
    "due",
    "due_at",
    "unit",
    "deadline",
    "event",
    "citation",
    "by_role",
    "by",
    "to_role",
    "to",
    "methods",
    "coverage",
    "systems",
    "action",
    "note",
    "start_event",
    "start_at",
];

/// Writes the plan as CSV.
pub fn write_csv(out: &mut dyn Write, plan: &Plan, escaping: CellEscaping) -> io::Result<()> {
    let mut writer = CellWriter::new(out, escaping);
    writer.write_header(CSV_HEADER)?;
    let start_at = plan.start_at.to_rfc3339();
    for (number, step) in plan.steps.iter().enumerate() {
        let by = step
            .by
            .iter()
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        let notes = step
            .notes
            .iter()
            .cloned()
            .chain(
                step.if_late
                    .iter()
                    .map(|l| format!("if not done in time: {l}")),
            )
            .collect::<Vec<_>>()
            .join("; ");
        let none = [Notification {
            role: String::new(),
            to: None,
            systems: Vec::new(),
        }];
        let notifications = if step.notifications.is_empty() {
            &none[..]
        } else {
            &step.notifications[..]
        };
        for n in notifications {
            let (to, methods, coverage) = n.to.as_ref().map_or_else(
                || (String::new(), String::new(), String::new()),
                |c| (c.label.clone(), c.methods.clone(), c.coverage.clone()),
            );
            writer.write_row([
                &(number + 1).to_string(),
                &step.offset,
                &step.due_at.to_rfc3339(),
                step.unit.as_deref().unwrap_or(""),
                &step.deadline,
                &step.event,
                &step.citation,
                step.by_role.as_deref().unwrap_or(""),
                &by,
                &n.role,
                &to,
                &methods,
                &coverage,
                &n.systems.join("; "),
                &step.action,
                &notes,
                &plan.start_event,
                &start_at,
            ])?;
        }
    }
    writer.into_inner()?.flush()
}

/// Writes the plan as Markdown.
pub fn write_markdown(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    match &plan.agency {
        Some(agency) => write_agency_header(out, plan, agency)?,
        None => write_units_header(out, plan)?,
    }
    if !plan.gaps.is_empty() {
        writeln!(out, "\n**Not covered by this plan:**\n")?;
        for gap in &plan.gaps {
            writeln!(out, "- {gap}")?;
        }
    }
    if !plan.not_planned.is_empty() {
        writeln!(out, "\n**Deadlines not planned:**\n")?;
        for line in &plan.not_planned {
            writeln!(out, "- {line}")?;
        }
    }
    let mut current = None;
    for (number, step) in plan.steps.iter().enumerate() {
        if current != Some(&step.offset) {
            current = Some(&step.offset);
            writeln!(
                out,
                "\n## {} — due {}\n",
                step.offset,
                step.due_at.to_rfc3339()
            )?;
        }
        write_step(out, number + 1, step)?;
    }
    Ok(())
}

/// The line that says when E is and which ruleset's timeline the plan follows.
fn write_clock_line(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    writeln!(
        out,
        "E = `{}` at {}. Timeline from the ruleset {}; every step cites the policy.\n",
        plan.start_event,
        plan.start_at.to_rfc3339(),
        plan.ruleset
    )
}

fn write_units_header(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    writeln!(out, "# Significant-event plan: {}\n", plan.title)?;
    write_clock_line(out, plan)?;
    writeln!(
        out,
        "| unit | affected systems | unknown (profile incomplete) |"
    )?;
    writeln!(out, "|---|---|---|")?;
    for unit in &plan.units {
        writeln!(
            out,
            "| {} | {} | {} |",
            cell(&unit.name),
            cell(&unit.affected.join(", ")),
            cell(&unit.unknown.join(", "))
        )?;
    }
    if plan.units.is_empty() {
        writeln!(out, "| — | none | none |")?;
    }
    Ok(())
}

fn write_agency_header(out: &mut dyn Write, plan: &Plan, agency: &str) -> io::Result<()> {
    writeln!(out, "# Incident plan: {agency}\n")?;
    write_clock_line(out, plan)?;
    for (event, at) in &plan.clocks {
        writeln!(out, "- `{event}` at {}", at.to_rfc3339())?;
    }
    if plan.attributes.is_empty() {
        writeln!(
            out,
            "- incident attributes: none given (steps that depend on them are conditional)"
        )?;
    } else {
        writeln!(out, "- incident attributes: {}", plan.attributes.join(", "))?;
    }
    Ok(())
}

fn write_step(out: &mut dyn Write, number: usize, step: &Step) -> io::Result<()> {
    let unit = step
        .unit
        .as_ref()
        .map_or(String::new(), |u| format!(" **{u}**:"));
    writeln!(
        out,
        "{number}.{unit} {} — `{}` [{}]",
        step.action, step.deadline, step.citation
    )?;
    let by = if step.by.is_empty() {
        "—".to_owned()
    } else {
        step.by
            .iter()
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &step.by_role {
        Some(role) => writeln!(out, "   - by {by}, as `{role}`")?,
        None => writeln!(out, "   - by —")?,
    }
    for n in &step.notifications {
        let Some(to) = &n.to else {
            writeln!(out, "   - notifies `{}`: **nobody on the roster**", n.role)?;
            continue;
        };
        let systems = if n.systems.is_empty() {
            String::new()
        } else {
            format!(" for {}", n.systems.join(", "))
        };
        let coverage = if to.coverage.is_empty() {
            "coverage not given".to_owned()
        } else {
            to.coverage.clone()
        };
        writeln!(
            out,
            "   - notifies {}, as `{}`{systems}, by {} — {coverage}",
            to.label,
            n.role,
            if to.methods.is_empty() {
                "no method on the roster"
            } else {
                &to.methods
            }
        )?;
    }
    for note in &step.notes {
        writeln!(out, "   - ⚠ {note}")?;
    }
    for line in &step.if_late {
        writeln!(out, "   - if not done in time: {line}")?;
    }
    Ok(())
}
