//! What a rule change does to the findings of incident histories: a
//! deadline window moved from 12 to 24 hours turns a breach into a met
//! deadline, and the reviewer should see which incidents that touches.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::audit::{Audit, Auditor, Histories, Status};
use crate::classify::format_time;

/// A finding of one deadline for one incident (and unit), in output words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// `met`, `breached`, ..., or `absent` when the ruleset has no such
    /// deadline.
    pub status: String,
    /// When it was due.
    pub due_at: String,
}

/// One finding that differs between the rulesets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingChange {
    /// The incident.
    pub incident: String,
    /// The deadline id.
    pub deadline: String,
    /// The unit, for per-unit deadlines.
    pub unit: String,
    /// Under the base ruleset.
    pub base: Finding,
    /// Under the head ruleset.
    pub head: Finding,
}

impl FindingChange {
    /// Whether the change lets an incident off: a breach or overdue under
    /// base that head judges met, pending or not applicable.
    pub fn is_relaxation(&self) -> bool {
        let failing = |s: &str| s == Status::Breached.as_str() || s == Status::Overdue.as_str();
        failing(&self.base.status) && !failing(&self.head.status)
    }
}

/// Audits the histories with both rulesets as of `as_of` and returns every
/// finding that differs, ordered by incident, deadline and unit. Each
/// ruleset reads the history files itself, since event names are its own.
pub fn compare(
    (base, base_histories): (&Auditor<'_>, Histories),
    (head, head_histories): (&Auditor<'_>, Histories),
    as_of: DateTime<Utc>,
) -> Vec<FindingChange> {
    let old = findings(&base.audit(base_histories, &[], as_of), base);
    let new = findings(&head.audit(head_histories, &[], as_of), head);
    let absent = Finding {
        status: "absent".to_owned(),
        due_at: String::new(),
    };
    let mut keys: Vec<&(String, String, String)> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let before = old.get(key).unwrap_or(&absent);
            let after = new.get(key).unwrap_or(&absent);
            (before != after).then(|| FindingChange {
                incident: key.0.clone(),
                deadline: key.1.clone(),
                unit: key.2.clone(),
                base: before.clone(),
                head: after.clone(),
            })
        })
        .collect()
}

type Key = (String, String, String);

fn findings(audit: &Audit, auditor: &Auditor<'_>) -> BTreeMap<Key, Finding> {
    let ruleset = auditor.ruleset();
    audit
        .evaluations
        .iter()
        .map(|(incident, e)| {
            (
                (
                    audit.incident_id(*incident).to_owned(),
                    ruleset.deadline(e.deadline).id.value.clone(),
                    e.scope.clone().unwrap_or_default(),
                ),
                Finding {
                    status: e.status.as_str().to_owned(),
                    due_at: e.due.as_ref().map(format_time).unwrap_or_default(),
                },
            )
        })
        .collect()
}
