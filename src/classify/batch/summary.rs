//! The counts of a run.

use std::collections::BTreeMap;

use super::worker::Counts;

/// The counts of a run. `read == classified + rejected + skipped`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Records read (every item of every input).
    pub read: u64,
    /// Records classified, `unclassified` included.
    pub classified: u64,
    /// Classified records by level, in ruleset order, then `unclassified`.
    pub by_level: BTreeMap<String, u64>,
    /// Records declared incidents.
    pub declared: u64,
    /// Records whose declaration needs review.
    pub review: u64,
    /// Records in a policy gap.
    pub in_gap: u64,
    /// Records lacking the value of a field that decides between criteria
    /// of different levels (flagged `missing:`): like a gap, a question the
    /// policy leaves to a person.
    pub missing_value: u64,
    /// Records with addresses none of which is allocated.
    pub unallocated: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Records skipped (not alerts).
    pub skipped: u64,
}

impl Summary {
    /// The summary as one paragraph for stderr.
    pub fn describe(&self, level_order: &[String]) -> String {
        let levels = level_order
            .iter()
            .chain(std::iter::once(&"unclassified".to_owned()))
            .map(|l| format!("{l} {}", self.by_level.get(l).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "read {}: classified {} ({levels}); declared {}, review {}, in a policy gap {}, missing a deciding value {}; unallocated {}; rejected {}; skipped {}",
            self.read,
            self.classified,
            self.declared,
            self.review,
            self.in_gap,
            self.missing_value,
            self.unallocated,
            self.rejected,
            self.skipped
        )
    }
}

impl Summary {
    /// Adds the counts of one chunk; `levels` names the level indexes.
    pub(super) fn add(&mut self, counts: &Counts, levels: &[String]) {
        self.read += counts.read;
        self.classified += counts.classified;
        for (i, n) in counts.by_level.iter().enumerate() {
            if *n > 0 {
                let name = levels.get(i).map_or("unclassified", String::as_str);
                *self.by_level.entry(name.to_owned()).or_default() += n;
            }
        }
        self.declared += counts.declared;
        self.review += counts.review;
        self.in_gap += counts.in_gap;
        self.missing_value += counts.missing_value;
        self.unallocated += counts.unallocated;
        self.skipped += counts.skipped;
    }
}
