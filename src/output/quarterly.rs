//! The quarterly compliance report, in Markdown, for FISMA reporting: per
//! agency, how many deadlines were met, which were breached, how long the
//! milestones took, what is owed, and what is wrong with the data.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};

use crate::audit::deadline::human;
use crate::audit::{Audit, Evaluation, Owed, OwedKind, Status};
use crate::calendar::FiscalQuarter;
use crate::classify::format_time;
use crate::ruleset::Ruleset;

/// Renders the report. `quarter` names the period when one was selected.
pub fn render(ruleset: &Ruleset, audit: &Audit, quarter: Option<FiscalQuarter>) -> String {
    let tz = ruleset.meta.timezone.value;
    let mut out = String::new();
    let period = match quarter {
        Some(q) => format!("{q} ({} to {})", q.first_day(), q.last_day()),
        None => "all recorded incidents".to_owned(),
    };
    let _ = writeln!(out, "# Incident response compliance: {period}\n");
    let version = ruleset
        .meta
        .version
        .as_ref()
        .map(|v| format!(" {}", v.value))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "- Ruleset: {} (`{}`{version})",
        ruleset.meta.title.value, ruleset.meta.id.value
    );
    let _ = writeln!(
        out,
        "- As of: {}",
        format_time(&audit.as_of.with_timezone(&tz))
    );
    let _ = writeln!(
        out,
        "- Met % counts met deadlines among those met, breached or overdue; pending and not-applicable ones are left out.\n"
    );

    let agencies = by_agency(audit);
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(
        out,
        "| agency | incidents | met | breached | overdue | pending | met % | POA&Ms owed | notifications owed |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (agency, incidents) in &agencies {
        let counts = status_counts(audit, incidents);
        let owed = |kind: fn(&OwedKind) -> bool| {
            owed_of(audit, incidents)
                .filter(|o| kind(&o.what) && o.done.is_none())
                .count()
        };
        let _ = writeln!(
            out,
            "| {agency} | {} | {} | {} | {} | {} | {} | {} | {} |",
            incidents.len(),
            counts.get(&Status::Met).unwrap_or(&0),
            counts.get(&Status::Breached).unwrap_or(&0),
            counts.get(&Status::Overdue).unwrap_or(&0),
            counts.get(&Status::Pending).unwrap_or(&0),
            met_percent(&counts),
            owed(|k| *k == OwedKind::Poam),
            owed(|k| matches!(k, OwedKind::Notification(_))),
        );
    }
    for (agency, incidents) in &agencies {
        let _ = writeln!(out, "\n## {agency}\n");
        agency_section(&mut out, ruleset, audit, incidents);
    }
    if !audit.exceptions.is_empty() {
        let _ = writeln!(out, "\n## Policy exceptions\n");
        let _ = writeln!(
            out,
            "| exception | agency | requirement | approved | approver | expires | status | notes |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
        for f in &audit.exceptions {
            let e = &f.exception;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(&e.id),
                cell(&e.agency),
                cell(&e.requirement),
                e.approved,
                cell(&e.approver),
                f.expiry,
                f.status.as_str(),
                cell(&f.notes.join("; "))
            );
        }
    }
    out
}

/// Incidents (by position) per agency, for those with something in the
/// audit: a deadline evaluated (other than not-applicable) or a data finding.
fn by_agency(audit: &Audit) -> BTreeMap<String, Vec<usize>> {
    let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, view) in audit.incidents.iter().enumerate() {
        let relevant = audit
            .evaluations_of(index)
            .iter()
            .any(|(_, e)| e.status != Status::NotApplicable)
            || !audit.quality_of(index).is_empty();
        if relevant {
            map.entry(view.agency.clone()).or_default().push(index);
        }
    }
    map
}

/// The evaluations of `incidents` (positions, ascending), in the audit's
/// order.
fn evaluations_of<'a>(
    audit: &'a Audit,
    incidents: &'a [usize],
) -> impl Iterator<Item = &'a (usize, Evaluation)> {
    incidents.iter().flat_map(|i| audit.evaluations_of(*i))
}

/// What the missed deadlines of `incidents` (positions, ascending) make
/// owed, in the audit's order.
fn owed_of<'a>(audit: &'a Audit, incidents: &'a [usize]) -> impl Iterator<Item = &'a Owed> {
    incidents.iter().flat_map(|i| audit.owed_of(*i))
}

fn status_counts(audit: &Audit, incidents: &[usize]) -> BTreeMap<Status, usize> {
    let mut counts = BTreeMap::new();
    for (_, e) in evaluations_of(audit, incidents) {
        *counts.entry(e.status).or_insert(0) += 1;
    }
    counts
}

fn met_percent(counts: &BTreeMap<Status, usize>) -> String {
    let get = |s| counts.get(&s).copied().unwrap_or(0);
    let decided = get(Status::Met) + get(Status::Breached) + get(Status::Overdue);
    if decided == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", 100.0 * get(Status::Met) as f64 / decided as f64)
    }
}

fn agency_section(out: &mut String, ruleset: &Ruleset, audit: &Audit, incidents: &[usize]) {
    let tz = ruleset.meta.timezone.value;
    let _ = writeln!(out, "### Deadlines\n");
    let _ = writeln!(
        out,
        "| deadline | citation | met | breached | overdue | pending | met % |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|");
    for (d, deadline) in ruleset.deadlines.iter().enumerate() {
        let mut counts = BTreeMap::new();
        for (_, e) in evaluations_of(audit, incidents).filter(|(_, e)| e.deadline == d) {
            *counts.entry(e.status).or_insert(0) += 1;
        }
        if counts.keys().all(|s| *s == Status::NotApplicable) {
            continue;
        }
        let get = |s| counts.get(&s).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            deadline.id.value,
            cell(&deadline.citation.value),
            get(Status::Met),
            get(Status::Breached),
            get(Status::Overdue),
            get(Status::Pending),
            met_percent(&counts)
        );
    }
    let breaches: Vec<_> = evaluations_of(audit, incidents)
        .filter(|(_, e)| matches!(e.status, Status::Breached | Status::Overdue))
        .collect();
    if !breaches.is_empty() {
        let _ = writeln!(out, "\n### Breaches\n");
        let _ = writeln!(
            out,
            "| incident | deadline | unit | due | status | detail |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for (i, e) in breaches {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} | {} |",
                cell(audit.incident_id(*i)),
                ruleset.deadline(e.deadline).id.value,
                cell(e.scope.as_deref().unwrap_or("")),
                e.due.as_ref().map(format_time).unwrap_or_default(),
                e.status.as_str(),
                cell(&e.note)
            );
        }
    }
    let milestones = milestone_rows(ruleset, audit, incidents);
    if !milestones.is_empty() {
        let _ = writeln!(out, "\n### Time to milestones\n");
        let _ = writeln!(out, "From each incident's first recorded event.\n");
        let _ = writeln!(out, "| milestone | incidents | median | 90th percentile |");
        let _ = writeln!(out, "|---|---:|---:|---:|");
        for (name, mut times) in milestones {
            times.sort();
            let _ = writeln!(
                out,
                "| `{name}` | {} | {} | {} |",
                times.len(),
                human(percentile(&times, 50)),
                human(percentile(&times, 90))
            );
        }
    }
    let owed: Vec<_> = owed_of(audit, incidents).collect();
    if !owed.is_empty() {
        let _ = writeln!(out, "\n### POA&Ms, notifications and declarations\n");
        for o in owed {
            let deadline = ruleset.deadline(o.deadline);
            let what = match &o.what {
                OwedKind::Notification(to) => format!("one-time notification to {to}"),
                OwedKind::Poam => "POA&M until the incident is closed".to_owned(),
                OwedKind::Declaration => "declaration of a CS incident".to_owned(),
            };
            let state = match o.done {
                Some(at) => format!("done {}", format_time(&at.with_timezone(&tz))),
                None => "**owed**".to_owned(),
            };
            let _ = writeln!(
                out,
                "- {}: {what} ({}, `{}`): {state}",
                audit.incident_id(o.incident),
                deadline.citation.value,
                deadline.id.value
            );
        }
    }
    let quality: Vec<_> = incidents
        .iter()
        .flat_map(|i| audit.quality_of(*i))
        .collect();
    if !quality.is_empty() {
        let _ = writeln!(out, "\n### Data quality\n");
        for (i, text) in quality {
            let _ = writeln!(out, "- {}: {text}", audit.incident_id(*i));
        }
    }
}

/// For each milestone event, the time from each incident's first event to
/// that milestone's first occurrence, or of an event that counts as it (up
/// to the audit time).
fn milestone_rows(
    ruleset: &Ruleset,
    audit: &Audit,
    incidents: &[usize],
) -> Vec<(String, Vec<TimeDelta>)> {
    let as_of: DateTime<Utc> = audit.as_of;
    ruleset
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.milestone)
        .filter_map(|(id, event)| {
            let times: Vec<TimeDelta> = incidents
                .iter()
                .filter_map(|i| {
                    let view = audit.incidents.get(*i)?;
                    let opened = view.opened?;
                    // An event that counts as the milestone (a cancellation
                    // counts as a closure) reaches it too.
                    let reaches = |o: &crate::audit::history::Occurrence| {
                        o.event.index() == id
                            || ruleset
                                .event(o.event)
                                .counts_as
                                .as_ref()
                                .is_some_and(|c| c.value.index() == id)
                    };
                    let reached = view
                        .incident
                        .events
                        .iter()
                        .find(|o| reaches(o) && o.at.with_timezone(&Utc) <= as_of)?;
                    Some(reached.at - opened)
                })
                .collect();
            (!times.is_empty()).then(|| (event.id.value.clone(), times))
        })
        .collect()
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[TimeDelta], p: usize) -> TimeDelta {
    if sorted.is_empty() {
        return TimeDelta::zero();
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or_default()
}

/// A table cell: pipes and line breaks would break the table.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let minutes: Vec<TimeDelta> = (1..=10).map(TimeDelta::minutes).collect();
        assert_eq!(percentile(&minutes, 50), TimeDelta::minutes(5));
        assert_eq!(percentile(&minutes, 90), TimeDelta::minutes(9));
        assert_eq!(percentile(&minutes[..1], 90), TimeDelta::minutes(1));
    }
}
